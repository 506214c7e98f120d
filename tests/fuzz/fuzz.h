/* SPDX-License-Identifier: Apache-2.0 */
/* What the libFuzzer targets share: the input as the text a parser takes, and
 * the failure of a property a target checks beyond "no crash". Targets touch
 * nothing outside the process (no files, sockets, cgroups or seccomp loads)
 * and free everything they allocate: LeakSanitizer checks every input. */
#pragma once

#include "base/base.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* brig reads a document into a C string: whatever follows a NUL byte is not
 * seen by the parser, here either. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* A property failed: a crash for libFuzzer, which saves the input. */
#define fuzz_fail(...)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "fuzz property failed: " __VA_ARGS__);                             \
		fputc('\n', stderr);                                                               \
		abort();                                                                           \
	} while (0)

/* Two formatted documents that must be the same text. */
static inline void fuzz_same(const char *what, const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		fuzz_fail("%s differs after a round trip:\n%s\n%s", what, a, b);
}
