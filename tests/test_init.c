// SPDX-License-Identifier: Apache-2.0
/* runtime/init's pure parts, without root: cpu lists,
 * bind mount flags to mount attributes, devpts data in a user namespace, and
 * which fds the container process closes, and the plugs of a preserved
 * range's gaps. */
#include "runtime/init/internal.h"

#include <check.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>

Suite *test_suite(void);

START_TEST(test_parse_cpus)
{
	cpu_set_t set;
	struct brig_error err = {0};
	ck_assert_int_eq(init_parse_cpus("0-2,5", &set, &err), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 4);
	ck_assert(CPU_ISSET(0, &set) && CPU_ISSET(2, &set) && CPU_ISSET(5, &set));
	ck_assert(!CPU_ISSET(3, &set));
	ck_assert_int_eq(init_parse_cpus("7", &set, &err), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 1);
	static const char *const bad[] = {"", "a", "3-1", "1-", "1,,2", "1;2", "-3"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!*bad[i])
			continue; /* "" is an empty set: nothing to check */
		ck_assert_msg(init_parse_cpus(bad[i], &set, &err) < 0, "'%s' accepted", bad[i]);
		ck_assert_msg(strstr(err.msg, bad[i]), "'%s': %s", bad[i], err.msg);
	}
}
END_TEST

START_TEST(test_mount_attrs)
{
	uint64_t set = 0, clr = 0;
	init_mount_attrs(MS_RDONLY | MS_NOSUID, MS_NODEV, &set, &clr);
	ck_assert_uint_eq(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	ck_assert_uint_eq(clr, MOUNT_ATTR_NODEV);
	set = clr = 0;
	init_mount_attrs(MS_NOATIME, 0, &set, &clr);
	ck_assert_uint_eq(set, MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME);
	set = clr = 0;
	init_mount_attrs(MS_STRICTATIME | MS_NOEXEC, MS_RDONLY, &set, &clr);
	ck_assert_uint_eq(set, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NOEXEC);
	ck_assert_uint_eq(clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_RDONLY);
	set = clr = 0;
	init_mount_attrs(0, 0, &set, &clr);
	ck_assert_uint_eq(set | clr, 0);
}
END_TEST

START_TEST(test_drop_gid)
{
	_cleanup_free_ char *a = init_drop_gid("newinstance,ptmxmode=0666,mode=0620,gid=5");
	ck_assert_str_eq(a, "newinstance,ptmxmode=0666,mode=0620");
	_cleanup_free_ char *b = init_drop_gid("gid=5");
	ck_assert_str_eq(b, "");
	_cleanup_free_ char *c = init_drop_gid("mode=0620");
	ck_assert_str_eq(c, "mode=0620");
}
END_TEST

START_TEST(test_close_ranges)
{
	struct init_fd_range r[8];
	/* keep 9 and 5 (unsorted), -1 ignored, 2 is below first anyway */
	int keep[] = {9, -1, 5, 2};
	size_t n = init_close_ranges(keep, 4, 3, r);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(r[0].first, 3);
	ck_assert_uint_eq(r[0].last, 4);
	ck_assert_uint_eq(r[1].first, 6);
	ck_assert_uint_eq(r[1].last, 8);
	ck_assert_uint_eq(r[2].first, 10);
	ck_assert_uint_eq(r[2].last, ~0U);
	/* adjacent kept fds leave no empty range; preserve-fds moves first */
	int keep2[] = {5, 6, 7};
	n = init_close_ranges(keep2, 3, 5, r);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].first, 8);
	n = init_close_ranges(NULL, 0, 3, r);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(r[0].first, 3);
}
END_TEST

/* --preserve-fds' plugs (base): the gaps below end, and only they, are
 * filled close-on-exec; what opens next lands at end or above. */
START_TEST(test_fd_plugs)
{
	int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
	int c = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(a, 3);
	ck_assert_int_gt(c, b);
	close(a);
	close(c);
	fd_plug_below(c + 3);
	ck_assert(fd_is_plug(a));
	ck_assert(fd_is_plug(c));
	ck_assert(!fd_is_plug(b));
	ck_assert(!fd_is_plug(c + 3));
	ck_assert(!fd_is_plug(-1));
	ck_assert_int_eq(fcntl(a, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fcntl(b, F_GETFD) & FD_CLOEXEC, 0); /* the caller's, untouched */
	int next = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(next, c + 3);
	close(next);
	close(b);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("init");
	TCase *c = tcase_create("pure");
	tcase_add_test(c, test_parse_cpus);
	tcase_add_test(c, test_mount_attrs);
	tcase_add_test(c, test_drop_gid);
	tcase_add_test(c, test_close_ranges);
	tcase_add_test(c, test_fd_plugs);
	suite_add_tcase(s, c);
	return s;
}
