// SPDX-License-Identifier: Apache-2.0
/* spec_mount_opts_parse: config.md's mount option table with runc's semantics. */
#include "spec/spec.h"

#include <check.h>
#include <sys/mount.h>

Suite *test_suite(void);

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_RDONLY /* glibc < 2.36 */
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/* Parses a comma-separated list (none of the test options contain a comma). */
static struct spec_mount_opts parse(const char *list)
{
	char *copy = xstrdup(list);
	char *opts[32] = {NULL};
	size_t n = 0;
	for (char *tok = strtok(copy, ","); tok && n < 31; tok = strtok(NULL, ","))
		opts[n++] = tok;
	struct spec_mount_opts o;
	struct brig_error err = {0};
	ck_assert_msg(spec_mount_opts_parse(opts, &o, &err) == 0, "%s: %s", list, err.msg);
	free(copy);
	return o;
}

static const struct {
	const char *option;
	unsigned long flags;
	unsigned long clear;
} flag_table[] = {
    {"async", 0, MS_SYNCHRONOUS},
    {"atime", 0, MS_NOATIME},
    {"bind", MS_BIND, 0},
    {"defaults", 0, 0},
    {"dev", 0, MS_NODEV},
    {"diratime", 0, MS_NODIRATIME},
    {"dirsync", MS_DIRSYNC, 0},
    {"exec", 0, MS_NOEXEC},
    {"iversion", MS_I_VERSION, 0},
    {"lazytime", MS_LAZYTIME, 0},
    {"loud", 0, MS_SILENT},
    {"mand", MS_MANDLOCK, 0},
    {"noatime", MS_NOATIME, 0},
    {"nodev", MS_NODEV, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    {"noexec", MS_NOEXEC, 0},
    {"noiversion", 0, MS_I_VERSION},
    {"nolazytime", 0, MS_LAZYTIME},
    {"nomand", 0, MS_MANDLOCK},
    {"norelatime", 0, MS_RELATIME},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"nosuid", MS_NOSUID, 0},
    {"nosymfollow", MS_NOSYMFOLLOW, 0},
    {"rbind", MS_BIND | MS_REC, 0},
    {"relatime", MS_RELATIME, 0},
    {"remount", MS_REMOUNT, 0},
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"silent", MS_SILENT, 0},
    {"strictatime", MS_STRICTATIME, 0},
    {"suid", 0, MS_NOSUID},
    {"symfollow", 0, MS_NOSYMFOLLOW},
    {"sync", MS_SYNCHRONOUS, 0},
};

START_TEST(test_flag_table)
{
	struct spec_mount_opts o = parse(flag_table[_i].option);
	ck_assert_msg(o.flags == flag_table[_i].flags, "%s: flags %#lx", flag_table[_i].option,
		      o.flags);
	ck_assert_msg(o.clear == flag_table[_i].clear, "%s: clear %#lx", flag_table[_i].option,
		      o.clear);
	ck_assert_uint_eq(o.propagation, 0);
	ck_assert_uint_eq(o.attr_set, 0);
	ck_assert_uint_eq(o.attr_clr, 0);
	ck_assert_ptr_null(o.data); /* known options never reach the filesystem data */
	spec_mount_opts_free(&o);
}
END_TEST

static const struct {
	const char *option;
	unsigned long propagation;
} propagation_table[] = {
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
    {"shared,rprivate", MS_PRIVATE | MS_REC}, /* the last one wins */
    {"rslave,unbindable", MS_UNBINDABLE},
};

START_TEST(test_propagation)
{
	struct spec_mount_opts o = parse(propagation_table[_i].option);
	ck_assert_uint_eq(o.propagation, propagation_table[_i].propagation);
	ck_assert_uint_eq(o.flags, 0); /* a separate mount(2) call: not in flags */
	ck_assert_ptr_null(o.data);
	spec_mount_opts_free(&o);
}
END_TEST

static const struct {
	const char *option;
	uint64_t set;
	uint64_t clr;
} attr_table[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    /* the atime modes: the whole field in attr_clr, one mode in attr_set */
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", 0, MOUNT_ATTR__ATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"ratime", 0, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", 0, MOUNT_ATTR__ATIME},
    /* combinations and overrides */
    {"rro,rnosuid,rnodev", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0},
    {"rro,rrw", 0, MOUNT_ATTR_RDONLY},
    {"rrw,rro", MOUNT_ATTR_RDONLY, 0},
    {"rnoatime,rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnoatime,ratime", 0, MOUNT_ATTR__ATIME},
    {"rstrictatime,ratime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME}, /* not noatime */
    {"rnoatime,rnodiratime", MOUNT_ATTR_NOATIME | MOUNT_ATTR_NODIRATIME, MOUNT_ATTR__ATIME},
};

START_TEST(test_recursive_attrs)
{
	struct spec_mount_opts o = parse(attr_table[_i].option);
	ck_assert_msg(o.attr_set == attr_table[_i].set, "%s: attr_set %#llx", attr_table[_i].option,
		      (unsigned long long)o.attr_set);
	ck_assert_msg(o.attr_clr == attr_table[_i].clr, "%s: attr_clr %#llx", attr_table[_i].option,
		      (unsigned long long)o.attr_clr);
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_uint_eq(o.clear, 0);
	ck_assert_ptr_null(o.data);
	spec_mount_opts_free(&o);
}
END_TEST

START_TEST(test_override_order)
{
	struct spec_mount_opts o = parse("ro,rw");
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_uint_eq(o.clear, MS_RDONLY);
	spec_mount_opts_free(&o);

	o = parse("rw,ro");
	ck_assert_uint_eq(o.flags, MS_RDONLY);
	ck_assert_uint_eq(o.clear, 0);
	spec_mount_opts_free(&o);

	o = parse("nosuid,nodev,suid,noexec,exec,noexec");
	ck_assert_uint_eq(o.flags, MS_NODEV | MS_NOEXEC);
	ck_assert_uint_eq(o.clear, MS_NOSUID);
	spec_mount_opts_free(&o);
}
END_TEST

START_TEST(test_bind)
{
	struct spec_mount_opts o = parse("bind");
	ck_assert(o.bind);
	ck_assert(!o.recursive);
	ck_assert_uint_eq(o.flags, MS_BIND);
	spec_mount_opts_free(&o);

	o = parse("rbind,ro");
	ck_assert(o.bind);
	ck_assert(o.recursive);
	ck_assert_uint_eq(o.flags, MS_BIND | MS_REC | MS_RDONLY);
	spec_mount_opts_free(&o);

	o = parse("ro,nosuid");
	ck_assert(!o.bind);
	ck_assert(!o.recursive);
	spec_mount_opts_free(&o);
}
END_TEST

START_TEST(test_extensions)
{
	struct spec_mount_opts o = parse("idmap");
	ck_assert(o.idmap);
	ck_assert(!o.ridmap);
	ck_assert(!o.tmpcopyup);
	spec_mount_opts_free(&o);

	o = parse("rbind,ridmap,tmpcopyup");
	ck_assert(o.idmap);
	ck_assert(o.ridmap);
	ck_assert(o.tmpcopyup);
	ck_assert_uint_eq(o.flags, MS_BIND | MS_REC); /* none of them is a mount(2) flag */
	ck_assert_ptr_null(o.data);
	spec_mount_opts_free(&o);
}
END_TEST

START_TEST(test_data)
{
	struct spec_mount_opts o = parse("nosuid,strictatime,mode=755,size=65536k");
	ck_assert_uint_eq(o.flags, MS_NOSUID | MS_STRICTATIME);
	ck_assert_str_eq(o.data, "mode=755,size=65536k");
	spec_mount_opts_free(&o);
	ck_assert_ptr_null(o.data);

	o = parse("newinstance,nosuid,ptmxmode=0666,noexec,gid=5");
	ck_assert_str_eq(o.data, "newinstance,ptmxmode=0666,gid=5"); /* in order */
	ck_assert_uint_eq(o.flags, MS_NOSUID | MS_NOEXEC);
	spec_mount_opts_free(&o);

	/* not in the table, so data: case matters, as for mount(8) */
	o = parse("RO,lowerdir=/a:/b");
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_str_eq(o.data, "RO,lowerdir=/a:/b");
	spec_mount_opts_free(&o);
}
END_TEST

START_TEST(test_no_options)
{
	struct spec_mount_opts o;
	struct brig_error err = {0};
	memset(&o, 0xff, sizeof(o));
	ck_assert_int_eq(spec_mount_opts_parse(NULL, &o, &err), 0);
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_uint_eq(o.clear, 0);
	ck_assert_uint_eq(o.propagation, 0);
	ck_assert(!o.bind);
	ck_assert_ptr_null(o.data);

	char *none[] = {NULL};
	ck_assert_int_eq(spec_mount_opts_parse(none, &o, &err), 0);
	ck_assert_ptr_null(o.data);
	spec_mount_opts_free(&o);
	spec_mount_opts_free(NULL);
}
END_TEST

START_TEST(test_empty_option)
{
	/* the data gathered before the error is freed (ASan checks) */
	char *opts[] = {"mode=755", "ro", "", "size=1k", NULL};
	struct spec_mount_opts o;
	struct brig_error err = {0};
	ck_assert_int_eq(spec_mount_opts_parse(opts, &o, &err), -1);
	ck_assert_str_eq(err.msg, "empty mount option");
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert_ptr_null(o.data);
	ck_assert_uint_eq(o.flags, 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("mountopts");
	TCase *tc = tcase_create("tables");
	tcase_add_loop_test(tc, test_flag_table, 0, (int)ARRAY_SIZE(flag_table));
	tcase_add_loop_test(tc, test_propagation, 0, (int)ARRAY_SIZE(propagation_table));
	tcase_add_loop_test(tc, test_recursive_attrs, 0, (int)ARRAY_SIZE(attr_table));
	suite_add_tcase(s, tc);

	tc = tcase_create("semantics");
	tcase_add_test(tc, test_override_order);
	tcase_add_test(tc, test_bind);
	tcase_add_test(tc, test_extensions);
	tcase_add_test(tc, test_data);
	tcase_add_test(tc, test_no_options);
	tcase_add_test(tc, test_empty_option);
	suite_add_tcase(s, tc);
	return s;
}
