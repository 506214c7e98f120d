// SPDX-License-Identifier: Apache-2.0
/* runtime/init/procfs.c: the paths brig writes to beneath a procfs root
 * (pure), and the opens that refuse symlinks and other filesystems (on this
 * process's /proc: no root needed). */
#include "runtime/init/init.h"

#include <check.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>

Suite *test_suite(void);

START_TEST(test_rel_ok)
{
	static const char *const good[] = {
	    "sys/kernel/shmmax", "1/task/1/attr/exec", "a", ".hidden/x", "..a/b", "a/b."};
	static const char *const bad[] = {"",	 "/sys", "a/../b", "..", "a/..",
					  "./a", "a//b", "a/",	   ".",	 "a/./b"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(procfs_rel_ok(good[i]), "%s", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(!procfs_rel_ok(bad[i]), "%s", bad[i]);
	ck_assert(!procfs_rel_ok(NULL));
}
END_TEST

static void rel_is(const char *path, const char *want)
{
	_cleanup_free_ char *got = procfs_rel(path, 7, 9);
	if (!want)
		ck_assert_msg(got == NULL, "%s -> %s", path, got);
	else
		ck_assert_msg(got && !strcmp(got, want), "%s -> %s, want %s", path,
			      got ? got : "NULL", want);
}

START_TEST(test_rel)
{
	rel_is("/proc/thread-self/attr/exec", "7/task/9/attr/exec");
	rel_is("/proc/thread-self/attr/apparmor/exec", "7/task/9/attr/apparmor/exec");
	rel_is("/proc/self/oom_score_adj", "7/oom_score_adj");
	rel_is("/proc/sys/kernel/core_pattern", "sys/kernel/core_pattern");
	rel_is("/proc/12/uid_map", "12/uid_map");
	rel_is("/sys/kernel/x", NULL);
	rel_is("/proc", NULL);
	rel_is("/proc/", NULL);
	rel_is("/proc/../etc/passwd", NULL);
	rel_is("/proc/self/../1/environ", NULL);
	rel_is("/proc//sys", NULL);
	rel_is("proc/sys", NULL);
}
END_TEST

static void sysctl_is(const char *key, const char *want)
{
	_cleanup_free_ char *got = procfs_sysctl_rel(key);
	if (!want)
		ck_assert_msg(got == NULL, "%s -> %s", key, got);
	else
		ck_assert_msg(got && !strcmp(got, want), "%s -> %s, want %s", key,
			      got ? got : "NULL", want);
}

START_TEST(test_sysctl)
{
	sysctl_is("net.ipv4.ip_forward", "sys/net/ipv4/ip_forward");
	sysctl_is("net.ipv4.conf.eth0/1.forwarding", "sys/net/ipv4/conf/eth0.1/forwarding");
	sysctl_is("kernel/shmmax", "sys/kernel/shmmax");
	sysctl_is("net/ipv4/conf/eth0.1/forwarding", "sys/net/ipv4/conf/eth0.1/forwarding");
	sysctl_is("kernel", "sys/kernel");
	sysctl_is("../../etc/passwd", NULL);
	sysctl_is("kernel/../../1/environ", NULL);
	sysctl_is("net..ipv4", NULL);
	sysctl_is("net.ipv4.", NULL);
	sysctl_is("", NULL);
}
END_TEST

START_TEST(test_check_fs)
{
	struct statfs st = {.f_type = PROC_SUPER_MAGIC};
	struct brig_error err = {0};
	ck_assert_int_eq(procfs_check_fs(&st, PROC_SUPER_MAGIC, "x", &err), 0);
	st.f_type = TMPFS_MAGIC;
	ck_assert_int_eq(procfs_check_fs(&st, PROC_SUPER_MAGIC, "sys/kernel/x", &err), -1);
	ck_assert_int_eq(err.errnum, EXDEV);
	ck_assert_str_eq(err.msg, "sys/kernel/x is not on procfs (filesystem type 0x1021994)");
	ck_assert_int_eq(procfs_check_fs(&st, SYSFS_MAGIC, "y", &err), -1);
	ck_assert_str_eq(err.msg, "y is not on sysfs (filesystem type 0x1021994)");
}
END_TEST

/* On this process's own /proc: "self" is a symlink (refused), the pid is
 * not; a directory that is no procfs root, or no procfs at all, is refused. */
START_TEST(test_open)
{
	struct brig_error err = {0};
	int root = procfs_root_at(AT_FDCWD, "/proc", &err);
	ck_assert_msg(root >= 0, "%s", err.msg);
	char rel[64];
	snprintf(rel, sizeof(rel), "%d/status", (int)getpid());
	int fd = procfs_open(root, rel, O_RDONLY, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	close(fd);
	ck_assert_int_eq(procfs_open(root, "self/status", O_RDONLY, &err), -1);
	ck_assert_int_eq(err.errnum, ELOOP);
	ck_assert_int_eq(procfs_open(root, "../etc/passwd", O_RDONLY, &err), -1);
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert_int_eq(procfs_root_at(root, "sys", &err), -1);
	ck_assert_int_eq(err.errnum, EXDEV); /* procfs, but not its root */
	ck_assert_int_eq(procfs_root_at(AT_FDCWD, "/", &err), -1);
	ck_assert_int_eq(err.errnum, EXDEV);
	/* a directory of another filesystem, with the magic asked for */
	int tmp = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(pseudofs_open(tmp, "proc", O_PATH, TMPFS_MAGIC, false, &err), -1);
	ck_assert_int_eq(err.errnum, EXDEV);
	/* crossing into the procfs mount is what RESOLVE_NO_XDEV refuses */
	ck_assert_int_eq(pseudofs_open(tmp, "proc/sys", O_PATH, 0, true, &err), -1);
	ck_assert_int_eq(err.errnum, EXDEV);
	close(tmp);
	close(root);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("paths");
	tcase_add_test(tc, test_rel_ok);
	tcase_add_test(tc, test_rel);
	tcase_add_test(tc, test_sysctl);
	tcase_add_test(tc, test_check_fs);
	tcase_add_test(tc, test_open);
	suite_add_tcase(s, tc);
	return s;
}
