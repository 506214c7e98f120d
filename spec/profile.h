/* SPDX-License-Identifier: Apache-2.0 */
/* Private to spec/: the seccomp profile helpers that default.c, check.c and
 * the profile parsers share. */
#pragma once

#include "spec/internal.h"

/* linux.seccomp as a JSON object (new reference). */
json_t *seccomp_json(const struct spec_seccomp *s);
/* Bit mask of a NULL-terminated list of capability names, with or without
 * "CAP_" and in any case; -1 with *ret_bad set at the first unknown one. */
int caps_from_names(const char *const *names, uint64_t *ret, const char **ret_bad);
