// SPDX-License-Identifier: Apache-2.0
/* cgroups: the host layout from mountinfo, cgroupsPath resolution and the state record. */
#include "cgroups/cgroups.h"

#include <check.h>

Suite *test_suite(void);

/* Fedora: cgroup2 only. */
static const char unified_info[] =
    "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,seclabel,nsdelegate,memory_recursiveprot\n";

/* This development machine: a hybrid host with cpu and cpuacct mounted apart. */
static const char hybrid_info[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_cgroup[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n"
				    "5:devices:/\n4:memory:/process_api/8f92\n3:cpuset:/\n"
				    "2:cpuacct:/\n1:cpu:/\n0::/\n";

/* Ubuntu 20.04: co-mounted cpu,cpuacct and net_cls,net_prio; systemd's own hierarchy. */
static const char ubuntu_info[] =
    "25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:14 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "31 25 0:29 / /sys/fs/cgroup/net_cls,net_prio rw shared:15 - cgroup cgroup "
    "rw,net_cls,net_prio\n"
    "32 25 0:30 / /sys/fs/cgroup/memory rw shared:16 - cgroup cgroup rw,memory\n"
    "33 25 0:31 / /sys/fs/cgroup/cpuset rw shared:17 - cgroup cgroup rw,cpuset,clone_children\n"
    "99 25 0:30 / /mnt/memory-again rw shared:16 - cgroup cgroup rw,memory\n";
static const char ubuntu_cgroup[] = "12:cpuset:/\n11:memory:/user.slice/user-1000.slice\n"
				    "4:net_cls,net_prio:/\n3:cpu,cpuacct:/user.slice\n"
				    "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
				    "0::/user.slice/user-1000.slice/session-2.scope\n";

static struct cgroups_host parse(const char *info, const char *cg, const char *ctl)
{
	struct cgroups_host h;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_host_parse(info, cg, ctl, &h, &err) == 0, "%s", err.msg);
	return h;
}

START_TEST(test_unified)
{
	struct cgroups_host h = parse(unified_info, "0::/user.slice/user-1000.slice/x.scope\n",
				      "cpuset cpu io memory hugetlb pids rdma misc\n");
	ck_assert_int_eq(h.layout, CGROUPS_UNIFIED);
	ck_assert_str_eq(h.v2_mount, "/sys/fs/cgroup");
	ck_assert_str_eq(h.v2_root, "/");
	ck_assert_str_eq(h.v2_own, "/user.slice/user-1000.slice/x.scope");
	ck_assert_int_eq(h.n_v1, 0);
	ck_assert(cgroups_host_has_v2(&h, "misc"));
	ck_assert(cgroups_host_has_v2(&h, "io"));
	ck_assert(!cgroups_host_has_v2(&h, "blkio"));
	ck_assert_ptr_null(cgroups_host_v1(&h, "memory"));
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_hybrid)
{
	struct cgroups_host h = parse(hybrid_info, hybrid_cgroup, "hugetlb\n");
	ck_assert_int_eq(h.layout, CGROUPS_HYBRID);
	ck_assert_str_eq(h.v2_mount, "/sys/fs/cgroup/unified");
	ck_assert_int_eq(h.n_v1, 9);
	ck_assert_str_eq(h.v1[0].controllers, "cpu");
	ck_assert_str_eq(h.v1[8].controllers, "name=systemd");
	const struct cgroups_v1_hierarchy *m = cgroups_host_v1(&h, "memory");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->mount, "/sys/fs/cgroup/memory");
	ck_assert_str_eq(m->own, "/process_api/8f92");
	ck_assert_str_eq(cgroups_host_v1(&h, "cpuacct")->mount, "/sys/fs/cgroup/cpuacct");
	ck_assert_ptr_null(cgroups_host_v1(&h, "hugetlb"));
	ck_assert_ptr_null(cgroups_host_v1(&h, "net_cls"));
	ck_assert(cgroups_host_has_v2(&h, "hugetlb"));
	ck_assert(!cgroups_host_has_v2(&h, "memory"));
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_ubuntu)
{
	struct cgroups_host h = parse(ubuntu_info, ubuntu_cgroup, "");
	ck_assert_int_eq(h.layout, CGROUPS_HYBRID);
	ck_assert_str_eq(h.v2_mount, "/sys/fs/cgroup/unified");
	ck_assert_ptr_null(h.v2_controllers);
	/* the second mount of the memory hierarchy is the same hierarchy */
	ck_assert_int_eq(h.n_v1, 5);
	const struct cgroups_v1_hierarchy *np = cgroups_host_v1(&h, "net_prio");
	ck_assert_str_eq(np->controllers, "net_cls,net_prio");
	ck_assert_str_eq(np->mount, "/sys/fs/cgroup/net_cls,net_prio");
	ck_assert_str_eq(cgroups_host_v1(&h, "cpuacct")->own, "/user.slice");
	ck_assert_str_eq(cgroups_host_v1(&h, "cpuset")->controllers, "cpuset");
	ck_assert_str_eq(cgroups_host_v1(&h, "name=systemd")->own,
			 "/user.slice/user-1000.slice/session-2.scope");
	ck_assert_str_eq(cgroups_host_v1(&h, "memory")->mount, "/sys/fs/cgroup/memory");
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_mount_details)
{
	/* inside a container: cgroup2 bind-mounted from the container's own cgroup, with an
	 * escaped space in the mount point; /sys/fs/cgroup beats /sys/fs/cgroup/unified */
	const char info[] =
	    "50 40 0:38 /docker/abc /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
	    "51 40 0:38 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
	    "52 40 0:38 /docker/abc /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n";
	struct cgroups_host h = parse(info, "0::/docker/abc\n", "memory pids");
	ck_assert_str_eq(h.v2_mount, "/sys/fs/cgroup");
	ck_assert_str_eq(h.v2_root, "/docker/abc");
	ck_assert_str_eq(h.v2_own, "/docker/abc");
	ck_assert(cgroups_host_has_v2(&h, "pids"));
	cgroups_host_clear(&h);

	h = parse("52 40 0:38 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n", NULL, NULL);
	ck_assert_str_eq(h.v2_mount, "/mnt/my cg");
	ck_assert_str_eq(h.v2_own, "/");
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_pure_v1)
{
	struct cgroups_host h;
	struct brig_error err = {0};
	const char info[] = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";
	ck_assert_int_eq(cgroups_host_parse(info, "", NULL, &h, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_str_eq(err.msg, "no cgroup2 mount: brig needs the unified hierarchy (a pure "
				  "cgroup v1 host is not supported)");
}
END_TEST

/* ---- cgroupsPath ---- */

static struct cgroups_cgroup resolve_ok(const struct cgroups_host *h, const char *path,
					const char *id)
{
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_path_resolve(h, path, id, NULL, &cg, &err) == 0, "%s: %s",
		      path ? path : "(null)", err.msg);
	ck_assert_int_eq(cg.v2.fd, -1);
	ck_assert_int_eq(cg.v2.created, 0);
	return cg;
}

START_TEST(test_resolve_default_and_absolute)
{
	struct cgroups_host h = parse(ubuntu_info, ubuntu_cgroup, "");
	struct cgroups_cgroup cg = resolve_ok(&h, NULL, "c1");
	ck_assert_ptr_null(cg.v2.hierarchy);
	ck_assert_str_eq(cg.v2.path, "/brig/c1");
	ck_assert_int_eq(cg.n_v1, 5);
	for (size_t i = 0; i < cg.n_v1; i++) {
		ck_assert_str_eq(cg.v1[i].path, "/brig/c1");
		ck_assert_str_eq(cg.v1[i].hierarchy, h.v1[i].controllers);
		ck_assert_int_eq(cg.v1[i].fd, -1);
	}
	cgroups_cgroup_clear(&cg);
	cg = resolve_ok(&h, "", "c2");
	ck_assert_str_eq(cg.v2.path, "/brig/c2");
	cgroups_cgroup_clear(&cg);
	cg = resolve_ok(&h, "/kubepods//burstable/pod1/ctr/", "x");
	ck_assert_str_eq(cg.v2.path, "/kubepods/burstable/pod1/ctr");
	ck_assert_str_eq(cg.v1[2].path, "/kubepods/burstable/pod1/ctr");
	cgroups_cgroup_clear(&cg);
	cg = resolve_ok(&h, "/a:b/c", "x"); /* a colon alone is not the systemd form */
	ck_assert_str_eq(cg.v2.path, "/a:b/c");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_resolve_relative)
{
	struct cgroups_host h = parse(ubuntu_info, ubuntu_cgroup, "");
	struct cgroups_cgroup cg = resolve_ok(&h, "testdir/ctr", "x");
	ck_assert_str_eq(cg.v2.path, "/user.slice/user-1000.slice/session-2.scope/testdir/ctr");
	ck_assert_str_eq(cg.v1[0].hierarchy, "name=systemd");
	ck_assert_str_eq(cg.v1[0].path, "/user.slice/user-1000.slice/session-2.scope/testdir/ctr");
	ck_assert_str_eq(cg.v1[1].path, "/user.slice/testdir/ctr"); /* cpu,cpuacct */
	ck_assert_str_eq(cg.v1[2].path, "/testdir/ctr");	    /* net_cls,net_prio */
	ck_assert_str_eq(cg.v1[3].path, "/user.slice/user-1000.slice/testdir/ctr");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);

	/* seen from a mount of /docker/abc, brig's /docker/abc/sub is /sub */
	h = parse("51 40 0:38 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
		  "0::/docker/abc/sub\n", NULL);
	cg = resolve_ok(&h, "x", "id");
	ck_assert_str_eq(cg.v2.path, "/sub/x");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

static const struct {
	const char *path, *id;
	bool systemd;
	const char *msg;
} bad_paths[] = {
    {"../escape", "x", false, "linux.cgroupsPath \"../escape\": '..' is not allowed"},
    {"/a/./b", "x", false, "linux.cgroupsPath \"/a/./b\": '.' is not allowed"},
    {"/", "x", false, "linux.cgroupsPath \"/\": the root cgroup cannot be a container's"},
    {"//", "x", false, "linux.cgroupsPath \"//\": the root cgroup cannot be a container's"},
    {"/a\nb", "x", false, "linux.cgroupsPath: a newline is not allowed"},
    {NULL, "a/b", false, "container id \"a/b\" cannot name a cgroup"},
    {NULL, "..", false, "container id \"..\" cannot name a cgroup"},
    {"system.slice:docker:abc", "x", false,
     "linux.cgroupsPath \"system.slice:docker:abc\": the systemd form slice:prefix:name needs "
     "--systemd-cgroup"},
    {"/a/b", "x", true,
     "linux.cgroupsPath \"/a/b\": --systemd-cgroup expects the form slice:prefix:name (e.g. "
     "system.slice:docker:abc)"},
    {"a:b:c:d", "x", true,
     "linux.cgroupsPath \"a:b:c:d\": --systemd-cgroup expects the form slice:prefix:name (e.g. "
     "system.slice:docker:abc)"},
    {"system.slice:docker", "x", true,
     "linux.cgroupsPath \"system.slice:docker\": --systemd-cgroup expects the form "
     "slice:prefix:name (e.g. system.slice:docker:abc)"},
    {"system.slice:docker:", "x", true,
     "linux.cgroupsPath \"system.slice:docker:\": the prefix and name of the form "
     "slice:prefix:name (e.g. system.slice:docker:abc) may hold only letters, digits and "
     "\":-_.\\\", and the name is required"},
    {"system.slice:doc ker:abc", "x", true,
     "linux.cgroupsPath \"system.slice:doc ker:abc\": the prefix and name of the form "
     "slice:prefix:name (e.g. system.slice:docker:abc) may hold only letters, digits and "
     "\":-_.\\\", and the name is required"},
    {"system:docker:abc", "x", true,
     "linux.cgroupsPath \"system:docker:abc\": \"system\" is not a slice name (NAME.slice, its "
     "dash-separated parts not empty, no '/')"},
    {"a--b.slice:docker:abc", "x", true,
     "linux.cgroupsPath \"a--b.slice:docker:abc\": \"a--b.slice\" is not a slice name "
     "(NAME.slice, its dash-separated parts not empty, no '/')"},
    {"system.slice::a--b.slice", "x", true,
     "linux.cgroupsPath \"system.slice::a--b.slice\": \"a--b.slice\" is not a slice name "
     "(NAME.slice, its dash-separated parts not empty, no '/')"},
    {NULL, "a/b", true, "container id \"a/b\" cannot name a cgroup"},
};

START_TEST(test_resolve_errors)
{
	struct cgroups_host h = parse(unified_info, "0::/\n", "memory");
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	struct cgroups_driver d = {.systemd = bad_paths[_i].systemd};
	ck_assert_int_eq(
	    cgroups_path_resolve(&h, bad_paths[_i].path, bad_paths[_i].id, &d, &cg, &err), -1);
	ck_assert_str_eq(err.msg, bad_paths[_i].msg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_resolve_outside_mount)
{
	struct cgroups_host h =
	    parse("51 40 0:38 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
		  "0::/elsewhere\n", NULL);
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_path_resolve(&h, "rel", "x", NULL, &cg, &err), -1);
	ck_assert_str_eq(err.msg,
			 "brig's own cgroup v2 cgroup '/elsewhere' is outside the mounted "
			 "part '/docker/abc': a relative linux.cgroupsPath cannot be placed");
	/* an absolute path does not care */
	ck_assert_int_eq(cgroups_path_resolve(&h, "/abs", "x", NULL, &cg, &err), 0);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- the record ---- */

START_TEST(test_record_roundtrip)
{
	struct cgroups_host h = parse(ubuntu_info, ubuntu_cgroup, "");
	struct cgroups_cgroup cg = resolve_ok(&h, "/with space/ctr", "x");
	cg.v2.created = 2;
	cg.v1[1].created = 1;
	_cleanup_free_ char *rec = cgroups_record(&cg);
	ck_assert_str_eq(rec, "unified 2 /with space/ctr\n"
			      "name=systemd 0 /with space/ctr\n"
			      "cpu,cpuacct 1 /with space/ctr\n"
			      "net_cls,net_prio 0 /with space/ctr\n"
			      "memory 0 /with space/ctr\n"
			      "cpuset 0 /with space/ctr\n");
	struct cgroups_cgroup back;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_record_parse(rec, &back, &err) == 0, "%s", err.msg);
	ck_assert_ptr_null(back.v2.hierarchy);
	ck_assert_str_eq(back.v2.path, "/with space/ctr");
	ck_assert_int_eq(back.v2.created, 2);
	ck_assert_int_eq(back.v2.fd, -1);
	ck_assert_int_eq(back.n_v1, 5);
	ck_assert_str_eq(back.v1[1].hierarchy, "cpu,cpuacct");
	ck_assert_int_eq(back.v1[1].created, 1);
	ck_assert_int_eq(back.v1[1].fd, -1);
	_cleanup_free_ char *again = cgroups_record(&back);
	ck_assert_str_eq(again, rec);
	cgroups_cgroup_clear(&back);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

static const struct {
	const char *text, *msg;
} bad_records[] = {
    {"", "cgroup record: no unified line"},
    {"memory 0 /a\n", "cgroup record: no unified line"},
    {"unified 1 /a\nunified 1 /b\n", "cgroup record: two unified lines"},
    {"unified x /a\n", "cgroup record: bad count \"x\""},
    {"unified 1 a\n", "cgroup record: bad line \"unified 1 a\""},
    {"unified /a\n", "cgroup record: bad line \"unified /a\""},
    /* found by tests/fuzz (fuzz_cgroup_record's check that a record names only what brig
     * makes): delete would remove directories outside the container's cgroup */
    {"unified 1 /brig/../../../etc\n", "cgroup record: bad path \"/brig/../../../etc\""},
    {"unified 1 /a\nmemory 1 /a/..\n", "cgroup record: bad path \"/a/..\""},
    {"unified 0 /./a\n", "cgroup record: bad path \"/./a\""},
    {"unified 0 //a\n", "cgroup record: bad path \"//a\""},
    {"unified 0 /a/\n", "cgroup record: bad path \"/a/\""},
    {"unified 0 /\n", "cgroup record: bad path \"/\""},
    {"unified 3 /brig/c1\n", "cgroup record: count 3 exceeds the 2 components of \"/brig/c1\""},
};

START_TEST(test_record_errors)
{
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_record_parse(bad_records[_i].text, &cg, &err), -1);
	ck_assert_str_eq(err.msg, bad_records[_i].msg);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_host");
	TCase *tc = tcase_create("host");
	tcase_add_test(tc, test_unified);
	tcase_add_test(tc, test_hybrid);
	tcase_add_test(tc, test_ubuntu);
	tcase_add_test(tc, test_mount_details);
	tcase_add_test(tc, test_pure_v1);
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_test(tc, test_resolve_default_and_absolute);
	tcase_add_test(tc, test_resolve_relative);
	tcase_add_loop_test(tc, test_resolve_errors, 0, (int)ARRAY_SIZE(bad_paths));
	tcase_add_test(tc, test_resolve_outside_mount);
	suite_add_tcase(s, tc);
	tc = tcase_create("record");
	tcase_add_test(tc, test_record_roundtrip);
	tcase_add_loop_test(tc, test_record_errors, 0, (int)ARRAY_SIZE(bad_records));
	suite_add_tcase(s, tc);
	return s;
}
