/* SPDX-License-Identifier: Apache-2.0 */
/* Private to seccomp/: the compiler's parts (compile.c, cache.c, load.c). */
#pragma once

#include "seccomp/filter.h"

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

/* A compile in progress: the target and where errors point. */
struct compile {
	uint32_t arch; /* libseccomp's SCMP_ARCH_* token of the target */
	struct filter_features features;
	const char *doc;
	const char *path;
	struct brig_error *err;
};

/* libseccomp's version as one number: major << 16 | minor << 8 | micro. */
uint32_t scmp_version(void);

/* ---- enosys.c: runc's -ENOSYS stub before libseccomp's program ---- */

#define ENOSYS_MAX_ARCHES 8 /* the target and the profile's architectures */
#define ENOSYS_MAX_GROUPS ENOSYS_MAX_ARCHES
#define ENOSYS_STUB_MAX (3 + 6 * ENOSYS_MAX_GROUPS)

struct enosys_arch {
	uint32_t audit; /* AUDIT_ARCH_* as seccomp_data.arch has it */
	uint32_t token; /* libseccomp's SCMP_ARCH_* */
	uint32_t max;	/* the highest syscall number the profile names there */
};

struct enosys_plan {
	struct enosys_arch arch[ENOSYS_MAX_ARCHES];
	size_t n; /* 0: no stub */
};

/* Which arches get a stub section, and their highest syscall: target (the
 * filter's own arch) and tokens (the profile's architectures). */
void enosys_plan(const struct spec_seccomp *s, uint32_t target, const uint32_t *tokens,
		 size_t n_tokens, struct enosys_plan *ret);
/* The stub's instructions (at most ENOSYS_STUB_MAX) into out; 0: none. Its
 * jumps end at the instruction after it: the filter goes right behind. */
size_t enosys_stub(const struct enosys_plan *p, struct sock_filter *out);
/* What the stub does, as '#' comment lines for `brig seccomp explain`. */
int enosys_explain(const struct enosys_plan *p, int fd);

/* ---- cache.c ---- */

/* SHA-256 of a canonical serialization of s (not of its JSON text), the
 * target arch and libseccomp's version. */
void cache_key(const struct spec_seccomp *s, uint32_t arch, uint8_t key[SHA256_LEN]);
/* The cache directory, created 0700 if missing; -1 if it cannot be used. */
int cache_open(const char *dir, struct brig_error *err);
/* A valid entry for key, or NULL (missing, corrupt or made for another
 * libseccomp, kernel or arch: the caller recompiles and rewrites it). */
struct filter *cache_read(int dirfd, const uint8_t key[SHA256_LEN], const struct compile *c);
/* Stores f atomically; failures are only logged (the cache is an optimisation). */
void cache_write(int dirfd, const uint8_t key[SHA256_LEN], const struct compile *c,
		 const struct filter *f);
/* f->prog over a copy of n instructions. */
struct filter *filter_new(const void *insns, size_t n);
