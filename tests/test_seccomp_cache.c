// SPDX-License-Identifier: Apache-2.0
/* seccomp: the compiled-filter cache: hit, miss, a corrupt or foreign entry
 * rejected and rewritten, the key (the profile, not its JSON text), and the
 * directory's ownership and mode. */
#include "seccomp/filter.h"

#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

Suite *test_suite(void);

static char cache_dir[64];

static void make_dir(void)
{
	strcpy(cache_dir, "/tmp/test-seccomp-cache.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cache_dir));
}

static void remove_dir(void)
{
	struct brig_error err;
	rm_rf_at(AT_FDCWD, cache_dir, &err);
}

static struct spec_seccomp parse(const char *text)
{
	struct spec_seccomp s;
	struct brig_error err = {0};
	ck_assert_msg(spec_seccomp_profile_parse(text, "p.json", NULL, &s, &err) == 0, "%s",
		      err.msg);
	return s;
}

static const char profile[] = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
			      "[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5}]}";

static struct filter_features features;

static struct filter *compile(const struct spec_seccomp *s, const struct filter_features *f)
{
	struct filter_opts o = {.cache_dir = cache_dir, .features = f ? f : &features};
	struct brig_error err = {0};
	struct filter *flt = filter_compile(s, &o, &err);
	ck_assert_msg(flt, "%s", err.msg);
	return flt;
}

static char *entry_path(const struct filter *f)
{
	return xasprintf("%s/%s.bpf", cache_dir, f->key);
}

/* Overwrites len bytes at off in the entry. */
static void poke(const struct filter *f, off_t off, const void *data, size_t len)
{
	_cleanup_free_ char *path = entry_path(f);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, data, len, off), (ssize_t)len);
}

static void setup(void)
{
	make_dir();
	filter_features_probe(&features);
}

START_TEST(test_hit)
{
	struct spec_seccomp s = parse(profile);
	struct filter *a = compile(&s, NULL), *b = compile(&s, NULL);
	ck_assert(!a->from_cache);
	ck_assert(b->from_cache);
	ck_assert_str_eq(a->key, b->key);
	ck_assert_uint_eq(a->prog.len, b->prog.len);
	ck_assert_mem_eq(a->prog.filter, b->prog.filter, filter_size(a));
	ck_assert_uint_eq(a->flags, b->flags);
	_cleanup_free_ char *path = entry_path(a);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(cache_dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	filter_free(a);
	filter_free(b);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

/* The key is the profile, not its text: spacing and key order do not
 * matter, a different errno does. */
START_TEST(test_key)
{
	struct spec_seccomp s = parse(profile);
	struct spec_seccomp same = parse("{ \"syscalls\" : [ { \"action\" : \"SCMP_ACT_ERRNO\","
					 " \"errnoRet\" : 5, \"names\" : [ \"mkdir\" ] } ],"
					 " \"defaultAction\" : \"SCMP_ACT_ALLOW\" }");
	struct spec_seccomp other = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
					  "[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
					  "\"errnoRet\":6}]}");
	struct filter *a = compile(&s, NULL), *b = compile(&same, NULL), *c = compile(&other, NULL);
	ck_assert(b->from_cache);
	ck_assert_str_eq(a->key, b->key);
	ck_assert(!c->from_cache); /* a miss */
	ck_assert_str_ne(a->key, c->key);
	struct filter_opts arm = {.cache_dir = cache_dir, .features = &features, .arch = "arm64"};
	struct brig_error err = {0};
	struct filter *d = filter_compile(&s, &arm, &err);
	ck_assert_msg(d, "%s", err.msg);
	ck_assert(!d->from_cache); /* another architecture is another key */
	ck_assert_str_ne(a->key, d->key);
	filter_free(a);
	filter_free(b);
	filter_free(c);
	filter_free(d);
	spec_seccomp_clear(&s);
	spec_seccomp_clear(&same);
	spec_seccomp_clear(&other);
	remove_dir();
}
END_TEST

/* A flipped byte in the program: the checksum rejects it, the compile
 * rewrites it, and the next load hits again. */
START_TEST(test_corrupt)
{
	struct spec_seccomp s = parse(profile);
	struct filter *a = compile(&s, NULL);
	struct stat st;
	_cleanup_free_ char *path = entry_path(a);
	ck_assert_int_eq(stat(path, &st), 0);
	uint8_t byte = 0x5a;
	poke(a, st.st_size - 3, &byte, 1);
	struct filter *b = compile(&s, NULL);
	ck_assert(!b->from_cache);
	ck_assert_mem_eq(a->prog.filter, b->prog.filter, filter_size(a));
	struct filter *c = compile(&s, NULL);
	ck_assert(c->from_cache);
	filter_free(a);
	filter_free(b);
	filter_free(c);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

START_TEST(test_truncated_and_garbage)
{
	struct spec_seccomp s = parse(profile);
	struct filter *a = compile(&s, NULL);
	_cleanup_free_ char *path = entry_path(a);
	ck_assert_int_eq(truncate(path, 40), 0);
	struct filter *b = compile(&s, NULL);
	ck_assert(!b->from_cache);
	struct brig_error err;
	ck_assert_int_eq(write_file_at(AT_FDCWD, path, "garbage", 7, O_TRUNC, &err), 0);
	struct filter *c = compile(&s, NULL);
	ck_assert(!c->from_cache);
	struct filter *d = compile(&s, NULL);
	ck_assert(d->from_cache);
	filter_free(d);
	filter_free(a);
	filter_free(b);
	filter_free(c);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

/* The header's libseccomp version (offset 16) names another libseccomp:
 * the entry is not used. */
START_TEST(test_version_mismatch)
{
	struct spec_seccomp s = parse(profile);
	struct filter *a = compile(&s, NULL);
	uint32_t v = 0x00020300; /* 2.3.0 */
	poke(a, 16, &v, sizeof(v));
	struct filter *b = compile(&s, NULL);
	ck_assert(!b->from_cache);
	struct filter *c = compile(&s, NULL);
	ck_assert(c->from_cache);    /* rewritten by b */
	uint32_t cache_version = 99; /* offset 8 */
	poke(a, 8, &cache_version, sizeof(cache_version));
	struct filter *d = compile(&s, NULL);
	ck_assert(!d->from_cache);
	filter_free(a);
	filter_free(b);
	filter_free(c);
	filter_free(d);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

/* Another kernel (other seccomp features): a miss, then rewritten for it. */
START_TEST(test_features_mismatch)
{
	struct spec_seccomp s = parse(profile);
	struct filter_features older = features;
	older.flags &= ~(1u << 5);
	older.actions &= ~(1u << SPEC_SCMP_KILL_PROCESS);
	struct filter *a = compile(&s, NULL), *b = compile(&s, &older), *c = compile(&s, &older);
	ck_assert(!a->from_cache);
	ck_assert(!b->from_cache);
	ck_assert(c->from_cache);
	ck_assert_str_eq(a->key, b->key);
	filter_free(a);
	filter_free(b);
	filter_free(c);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

/* A directory open to others is made private; entries others could have
 * written are not loaded. */
START_TEST(test_permissions)
{
	struct spec_seccomp s = parse(profile);
	ck_assert_int_eq(chmod(cache_dir, 0777), 0);
	struct filter *a = compile(&s, NULL);
	struct stat st;
	ck_assert_int_eq(stat(cache_dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	_cleanup_free_ char *path = entry_path(a);
	ck_assert_int_eq(chmod(path, 0666), 0);
	struct filter *b = compile(&s, NULL);
	ck_assert(!b->from_cache); /* world-writable: ignored and replaced */
	struct filter *c = compile(&s, NULL);
	ck_assert(c->from_cache);
	if (geteuid() == 0) { /* a directory of another user is not used at all */
		ck_assert_int_eq(chown(cache_dir, 65534, 65534), 0);
		struct filter *d = compile(&s, NULL);
		ck_assert(!d->from_cache);
		filter_free(d);
	}
	filter_free(a);
	filter_free(b);
	filter_free(c);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

/* The cache is an optimisation: a directory that cannot be made compiles
 * without it. */
START_TEST(test_unusable_dir)
{
	struct spec_seccomp s = parse(profile);
	struct filter_opts o = {.cache_dir = "/proc/brig-no-such-dir/cache", .features = &features};
	struct brig_error err = {0};
	struct filter *f = filter_compile(&s, &o, &err);
	ck_assert_msg(f, "%s", err.msg);
	ck_assert(!f->from_cache);
	filter_free(f);
	spec_seccomp_clear(&s);
	remove_dir();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("seccomp_cache");
	TCase *c = tcase_create("cache");
	tcase_add_checked_fixture(c, setup, NULL);
	tcase_set_timeout(c, 30);
	tcase_add_test(c, test_hit);
	tcase_add_test(c, test_key);
	tcase_add_test(c, test_corrupt);
	tcase_add_test(c, test_truncated_and_garbage);
	tcase_add_test(c, test_version_mismatch);
	tcase_add_test(c, test_features_mismatch);
	tcase_add_test(c, test_permissions);
	tcase_add_test(c, test_unusable_dir);
	suite_add_tcase(s, c);
	return s;
}
