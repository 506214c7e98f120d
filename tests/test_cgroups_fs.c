// SPDX-License-Identifier: Apache-2.0
/* cgroups: create, apply, join, freeze, list, signal, stats and remove against a temp tree
 * of plain files that imitates a cgroup filesystem. A plain directory does not grow
 * control files the way a cgroup does, so each test writes the files the kernel would. */
#include "cgroups/cgroups.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

Suite *test_suite(void);

static char tmp[64];

static void setup(void)
{
	strcpy(tmp, "/tmp/brig-cgfs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
	struct brig_error err = {0};
	rm_rf_at(AT_FDCWD, tmp, &err);
}

static char *at(const char *rel)
{
	static char buf[4][512];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, 512, "%s/%s", tmp, rel);
	return b;
}

static void mk(const char *rel)
{
	struct brig_error err = {0};
	ck_assert_msg(mkdir_p(at(rel), 0755, &err) == 0, "%s", err.msg);
}

static void put(const char *rel, const char *content)
{
	struct brig_error err = {0};
	ck_assert_msg(write_file_at(AT_FDCWD, at(rel), content, strlen(content), O_CREAT | O_TRUNC,
				    &err) == 0,
		      "%s", err.msg);
}

static char *get(const char *rel)
{
	static char buf[1024];
	struct brig_error err = {0};
	char *s = NULL;
	if (read_file_at(AT_FDCWD, at(rel), &s, NULL, &err) < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

static bool exists(const char *rel)
{
	struct stat st;
	return stat(at(rel), &st) == 0;
}

/* A unified mount at tmp/v2 and v1 hierarchies at tmp/<name> (NULL-terminated). */
static struct cgroups_host fake_host(const char *v2_controllers, const char *const *v1)
{
	char info[4096];
	int n = snprintf(info, sizeof(info), "1 0 0:1 / %s/v2 rw - cgroup2 cgroup2 rw\n", tmp);
	mk("v2");
	for (int i = 0; v1 && v1[i]; i++) {
		n += snprintf(info + n, sizeof(info) - (size_t)n,
			      "%d 0 0:%d / %s/%s rw - cgroup cgroup rw,%s\n", i + 2, i + 2, tmp,
			      v1[i], v1[i]);
		if (strcmp(v1[i], "name=systemd")) /* that one stays unmounted: best effort */
			mk(v1[i]);
	}
	put("v2/cgroup.controllers", v2_controllers);
	if (!exists("v2/cgroup.subtree_control"))
		put("v2/cgroup.subtree_control", "");
	struct cgroups_host h;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_host_parse(info, "0::/\n", v2_controllers, &h, &err) == 0, "%s",
		      err.msg);
	return h;
}

static struct cgroups_plan plan_of(const struct spec_resources *r, const struct cgroups_host *h,
				   bool update)
{
	struct cgroups_plan p;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_plan(r, h, update, &p, &err) == 0, "%s", err.msg);
	return p;
}

static struct cgroups_cgroup resolve(const struct cgroups_host *h, const char *path)
{
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_path_resolve(h, path, "c1", NULL, &cg, &err) == 0, "%s", err.msg);
	return cg;
}

/* An existing cgroup directory (what the kernel would show) with the given files. */
static void cgroup_dir(const char *rel, const char *const *files)
{
	mk(rel);
	for (int i = 0; files && files[i]; i++) {
		char f[256];
		snprintf(f, sizeof(f), "%s/%s", rel, files[i]);
		put(f, "");
	}
}

START_TEST(test_create_and_remove)
{
	struct cgroups_host h = fake_host("cpu io memory pids\n", NULL);
	struct spec_resources r = {0};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, NULL);
	struct brig_error err = {0};
	ck_assert_msg(cgroups_create(&h, &p, &cg, &err) == 0, "%s", err.msg);
	/* nothing needed: a cgroup brig did not create (here the top) is left as it is;
	 * the stats controllers go, best effort, only into brig's own */
	ck_assert_str_eq(get("v2/cgroup.subtree_control"), "");
	ck_assert(exists("v2/brig/c1"));
	ck_assert_int_eq(cg.v2.created, 2);
	ck_assert_int_ge(cg.v2.fd, 0);
	_cleanup_free_ char *rec = cgroups_record(&cg);
	ck_assert_str_eq(rec, "unified 2 /brig/c1\n");
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/brig"));
	ck_assert(exists("v2/cgroup.controllers"));
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_create_enables_needed)
{
	struct cgroups_host h = fake_host("cpu io memory pids\n", NULL);
	put("v2/cgroup.subtree_control", "memory pids\n");
	static const char *const files[] = {"cgroup.controllers", "cgroup.subtree_control", NULL};
	cgroup_dir("v2/brig", files);
	put("v2/brig/cgroup.controllers", "memory pids\n");
	put("v2/brig/cgroup.subtree_control", "memory\n");
	struct spec_resources r = {.present = true, .pids_limit = {true, 2048}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, NULL);
	struct brig_error err = {0};
	ck_assert_msg(cgroups_create(&h, &p, &cg, &err) == 0, "%s", err.msg);
	/* pids is on at the top already; nothing else goes into cgroups brig did not make */
	ck_assert_str_eq(get("v2/cgroup.subtree_control"), "memory pids\n");
	ck_assert_str_eq(get("v2/brig/cgroup.subtree_control"), "+pids\n");
	ck_assert_int_eq(cg.v2.created, 1);
	/* a new cgroup has its pids.max; a plain directory does not */
	ck_assert_int_eq(cgroups_apply(&cg, &p, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "cgroup: write pids.max = \"2048\" (linux.resources.pids.limit): "
				  "No such file or directory");
	put("v2/brig/c1/pids.max", "max\n");
	ck_assert_msg(cgroups_apply(&cg, &p, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/brig/c1/pids.max"), "2048\n");
	unlink(at("v2/brig/c1/pids.max"));
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/brig/c1"));
	ck_assert(exists("v2/brig")); /* not brig's */
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_create_not_delegated)
{
	struct cgroups_host h = fake_host("memory pids\n", NULL);
	static const char *const files[] = {"cgroup.controllers", "cgroup.subtree_control", NULL};
	cgroup_dir("v2/brig", files);
	put("v2/brig/cgroup.controllers", "memory\n");
	struct spec_resources r = {.present = true, .pids_limit = {true, 10}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, NULL);
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_create(&h, &p, &cg, &err), -1);
	ck_assert_str_eq(err.msg, "cgroup '/brig': the pids controller is not available there (its "
				  "parent does not delegate it)");
	ck_assert(!exists("v2/brig/c1"));
	ck_assert(exists("v2/brig"));
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_create_leaves_nothing_behind)
{
	struct cgroups_host h = fake_host("memory pids\n", NULL);
	struct spec_resources r = {.present = true, .pids_limit = {true, 10}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, "/a/b/c");
	struct brig_error err = {0};
	/* /a is new and (here) has no cgroup.subtree_control to enable pids in */
	ck_assert_int_eq(cgroups_create(&h, &p, &cg, &err), -1);
	ck_assert_msg(strstr(err.msg, "cgroup '/a': open 'cgroup.subtree_control'"), "%s", err.msg);
	ck_assert(!exists("v2/a"));
	ck_assert_int_eq(cg.v2.created, 0);
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_create_hybrid_and_join)
{
	static const char *const v1[] = {"memory", "name=systemd", NULL};
	struct cgroups_host h = fake_host("", v1);
	struct spec_resources r = {
	    .present = true, .has_memory = true, .memory = {.limit = {true, 1048576}}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, "/ctr");
	struct brig_error err = {0};
	ck_assert_msg(cgroups_create(&h, &p, &cg, &err) == 0, "%s", err.msg);
	ck_assert(exists("v2/ctr"));
	ck_assert(exists("memory/ctr"));
	ck_assert_str_eq(cg.v1[0].hierarchy, "memory");
	ck_assert_int_eq(cg.v1[0].created, 1);
	/* the plan does not write to name=systemd: joined best effort, here not at all */
	ck_assert_str_eq(cg.v1[1].hierarchy, "name=systemd");
	ck_assert_int_eq(cg.v1[1].fd, -1);
	ck_assert_int_eq(cg.v1[1].created, 0);
	put("memory/ctr/memory.limit_in_bytes", "");
	ck_assert_msg(cgroups_apply(&cg, &p, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("memory/ctr/memory.limit_in_bytes"), "1048576\n");
	put("memory/ctr/cgroup.procs", "");
	put("v2/ctr/cgroup.procs", "");
	ck_assert_msg(cgroups_add_pid(&cg, 123, true, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("memory/ctr/cgroup.procs"), "123\n");
	ck_assert_str_eq(get("v2/ctr/cgroup.procs"), "");
	ck_assert_msg(cgroups_add_pid(&cg, 456, false, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/cgroup.procs"), "456\n");
	static const char *const gone[] = {"memory/ctr/memory.limit_in_bytes",
					   "memory/ctr/cgroup.procs", "v2/ctr/cgroup.procs"};
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		unlink(at(gone[i]));
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/ctr"));
	ck_assert(!exists("memory/ctr"));
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_cpuset_copied_from_parent)
{
	static const char *const v1[] = {"cpuset", NULL};
	struct cgroups_host h = fake_host("", v1);
	put("cpuset/cpuset.cpus", "0-3\n");
	put("cpuset/cpuset.mems", "0\n");
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems", NULL};
	cgroup_dir("cpuset/brig", files);
	cgroup_dir("cpuset/brig/c1", files);
	put("cpuset/brig/c1/cpuset.mems", "1\n"); /* already set: kept */
	struct spec_resources r = {0};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, NULL);
	struct brig_error err = {0};
	ck_assert_msg(cgroups_create(&h, &p, &cg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("cpuset/brig/cpuset.cpus"), "0-3\n");
	ck_assert_str_eq(get("cpuset/brig/cpuset.mems"), "0\n");
	ck_assert_str_eq(get("cpuset/brig/c1/cpuset.cpus"), "0-3\n");
	ck_assert_str_eq(get("cpuset/brig/c1/cpuset.mems"), "1\n");
	ck_assert_int_eq(cg.v1[0].created, 0);
	ck_assert_int_ge(cg.v1[0].fd, 0);
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

/* A v1 hierarchy the plan does not write to is joined best effort, but a
 * failure other than a lack of rights (here the kernel refusing the copy of
 * cpuset.mems: a directory stands in for it) fails create rather than leave
 * the container silently outside it. */
START_TEST(test_cpuset_copy_failure_fails_create)
{
	static const char *const v1[] = {"cpuset", NULL};
	struct cgroups_host h = fake_host("", v1);
	put("cpuset/cpuset.cpus", "0-3\n");
	put("cpuset/cpuset.mems", "0\n");
	static const char *const files[] = {"cpuset.cpus", NULL};
	cgroup_dir("cpuset/brig", files);
	put("cpuset/brig/cpuset.mems", "0\n");
	cgroup_dir("cpuset/brig/c1", files);
	mk("cpuset/brig/c1/cpuset.mems"); /* not writable as a file: EISDIR */
	put("cpuset/brig/c1/cpuset.mems/x", "");
	struct spec_resources r = {0};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct cgroups_cgroup cg = resolve(&h, NULL);
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_create(&h, &p, &cg, &err), -1);
	ck_assert_msg(strstr(err.msg, "cpuset.mems"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, EISDIR);
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- apply ---- */

static struct cgroups_cgroup leaf(const struct cgroups_host *h, const char *const *files)
{
	cgroup_dir("v2/ctr", files);
	struct cgroups_cgroup cg = resolve(h, "/ctr");
	struct brig_error err = {0};
	ck_assert_msg(cgroups_open(h, &cg, &err) == 0, "%s", err.msg);
	return cg;
}

START_TEST(test_apply_unified)
{
	struct cgroups_host h = fake_host("cpu io memory pids hugetlb\n", NULL);
	static const char *const files[] = {
	    "memory.max",      "memory.low", "cpu.weight",  "cpu.max", "io.weight",
	    "hugetlb.2MB.max", "pids.max",   "memory.high", "io.max",  NULL};
	struct cgroups_cgroup cg = leaf(&h, files);
	struct spec_hugepage_limit huge = {"2MB", 4194304};
	struct spec_kv kv[] = {{"memory.high", "900000"}, {"io.max", "8:0 rbps=1\n8:16 wbps=2"}};
	struct spec_resources r = {.present = true,
				   .has_memory = true,
				   .memory = {.limit = {true, 1000000},
					      .reservation = {true, 500000},
					      .swap = {true, 2000000}},
				   .has_cpu = true,
				   .cpu = {.shares = {true, 512}, .quota = {true, 20000}},
				   .pids_limit = {true, 10},
				   .has_blkio = true,
				   .blkio = {.weight = {true, 500}},
				   .hugepage_limits = &huge,
				   .n_hugepage_limits = 1,
				   .unified = kv,
				   .n_unified = 2};
	struct cgroups_plan p = plan_of(&r, &h, false);
	_cleanup_strv_ char **warnings = NULL;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_apply(&cg, &p, &warnings, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/memory.max"), "1000000\n");
	ck_assert_str_eq(get("v2/ctr/memory.low"), "500000\n");
	ck_assert_str_eq(get("v2/ctr/cpu.weight"), "59\n");
	ck_assert_str_eq(get("v2/ctr/cpu.max"), "20000\n");
	ck_assert_str_eq(get("v2/ctr/pids.max"), "10\n");
	/* no BFQ here: io.weight with the converted weight */
	ck_assert(!exists("v2/ctr/io.bfq.weight"));
	ck_assert_str_eq(get("v2/ctr/io.weight"), "4950\n");
	/* no reservation accounting: skipped without a word */
	ck_assert_str_eq(get("v2/ctr/hugetlb.2MB.max"), "4194304\n");
	ck_assert(!exists("v2/ctr/hugetlb.2MB.rsvd.max"));
	ck_assert_str_eq(get("v2/ctr/memory.high"), "900000\n");
	ck_assert_str_eq(get("v2/ctr/io.max"), "8:0 rbps=1\n8:16 wbps=2\n");
	/* no swap accounting: a warning */
	ck_assert(!exists("v2/ctr/memory.swap.max"));
	ck_assert_int_eq(strv_length(warnings), 1);
	ck_assert_str_eq(warnings[0], "linux.resources.memory.swap: memory.swap.max is not "
				      "available on this kernel: not applied");
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_apply_missing_file_is_an_error)
{
	struct cgroups_host h = fake_host("cpu\n", NULL);
	static const char *const files[] = {"cpu.max", NULL};
	struct cgroups_cgroup cg = leaf(&h, files);
	struct spec_resources r = {.present = true,
				   .has_cpu = true,
				   .cpu = {.quota = {true, 2000}, .burst = {true, 1000}}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_apply(&cg, &p, NULL, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_str_eq(err.msg,
			 "cgroup: write cpu.max.burst = \"1000\" (linux.resources.cpu.burst): "
			 "No such file or directory");
	ck_assert_str_eq(get("v2/ctr/cpu.max"), "2000\n");
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_apply_update_period_keeps_quota)
{
	struct cgroups_host h = fake_host("cpu\n", NULL);
	static const char *const files[] = {"cpu.max", NULL};
	struct cgroups_cgroup cg = leaf(&h, files);
	put("v2/ctr/cpu.max", "50000 100000\n");
	struct spec_resources r = {
	    .present = true, .has_cpu = true, .cpu = {.period = {true, 20000}}};
	struct cgroups_plan p = plan_of(&r, &h, true);
	struct brig_error err = {0};
	ck_assert_msg(cgroups_apply(&cg, &p, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/cpu.max"), "50000 20000\n");
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_apply_check_before_update)
{
	struct cgroups_host h = fake_host("memory\n", NULL);
	static const char *const files[] = {"memory.max", NULL};
	struct cgroups_cgroup cg = leaf(&h, files);
	put("v2/ctr/memory.current", "5000\n");
	put("v2/ctr/memory.max", "max\n");
	struct spec_resources r = {
	    .present = true,
	    .has_memory = true,
	    .memory = {.limit = {true, 1000}, .check_before_update = {true, true}}};
	struct cgroups_plan p = plan_of(&r, &h, true);
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_apply(&cg, &p, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "linux.resources.memory.limit: the new limit 1000 is below the "
				  "current usage 5000 (checkBeforeUpdate)");
	ck_assert_str_eq(get("v2/ctr/memory.max"), "max\n");
	cgroups_plan_clear(&p);
	r.memory.limit.value = 8000;
	p = plan_of(&r, &h, true);
	ck_assert_msg(cgroups_apply(&cg, &p, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/memory.max"), "8000\n");
	cgroups_cgroup_clear(&cg);
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_apply_alternative_and_v1)
{
	static const char *const v1[] = {"blkio", NULL};
	struct cgroups_host h = fake_host("", v1);
	cgroup_dir("blkio/ctr", NULL);
	put("blkio/ctr/blkio.bfq.weight", ""); /* BFQ's name only */
	put("blkio/ctr/blkio.throttle.read_bps_device", "");
	struct cgroups_cgroup cg = leaf(&h, NULL);
	ck_assert_int_ge(cg.v1[0].fd, 0);
	struct spec_throttle_device t[] = {{8, 0, 100}, {8, 16, 200}};
	struct spec_resources r = {.present = true,
				   .has_blkio = true,
				   .blkio = {.weight = {true, 300}, .read_bps = {t, 2}}};
	struct cgroups_plan p = plan_of(&r, &h, false);
	struct brig_error err = {0};
	ck_assert_msg(cgroups_apply(&cg, &p, NULL, &err) == 0, "%s", err.msg);
	ck_assert(!exists("blkio/ctr/blkio.weight"));
	ck_assert_str_eq(get("blkio/ctr/blkio.bfq.weight"), "300\n");
	/* one entry per write: the second write of the same file is a new open (a real
	 * cgroup file keeps both entries, a plain file the last) */
	ck_assert_str_eq(get("blkio/ctr/blkio.throttle.read_bps_device"), "8:16 200\n");
	cgroups_plan_clear(&p);
	/* a v1 controller the container has no cgroup in */
	struct spec_resources m = {.present = true, .pids_limit = {true, 5}};
	static const char *const v1b[] = {"blkio", "pids", NULL};
	struct cgroups_host h2 = fake_host("", v1b);
	p = plan_of(&m, &h2, false);
	ck_assert_int_eq(cgroups_apply(&cg, &p, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "linux.resources.pids.limit: the container has no cgroup in the "
				  "pids hierarchy");
	cgroups_plan_clear(&p);
	cgroups_host_clear(&h2);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- verbs ---- */

START_TEST(test_freeze)
{
	struct cgroups_host h = fake_host("", NULL);
	static const char *const files[] = {"cgroup.freeze", NULL};
	struct cgroups_cgroup cg = leaf(&h, files);
	put("v2/ctr/cgroup.events", "populated 1\nfrozen 1\n");
	struct brig_error err = {0};
	ck_assert_msg(cgroups_freeze(&cg, true, 200, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/cgroup.freeze"), "1\n");
	bool frozen = false;
	ck_assert_int_eq(cgroups_is_frozen(&cg, &frozen, &err), 0);
	ck_assert(frozen);
	/* the kernel never reports frozen: a timeout */
	put("v2/ctr/cgroup.events", "populated 1\nfrozen 0\n");
	ck_assert_int_eq(cgroups_freeze(&cg, true, 50, &err), -1);
	ck_assert_int_eq(err.errnum, ETIMEDOUT);
	ck_assert_str_eq(err.msg, "cgroup not frozen after 50 ms");
	ck_assert_msg(cgroups_freeze(&cg, false, 200, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/cgroup.freeze"), "0\n");
	ck_assert_int_eq(cgroups_is_frozen(&cg, &frozen, &err), 0);
	ck_assert(!frozen);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_freeze_v1_fallback)
{
	static const char *const v1[] = {"freezer", NULL};
	struct cgroups_host h = fake_host("", v1);
	static const char *const files[] = {"freezer.state", NULL};
	cgroup_dir("freezer/ctr", files);
	struct cgroups_cgroup cg = leaf(&h, NULL); /* no cgroup.freeze: before 5.2 */
	struct brig_error err = {0};
	ck_assert_msg(cgroups_freeze(&cg, true, 200, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("freezer/ctr/freezer.state"), "FROZEN\n");
	bool frozen = false;
	ck_assert_int_eq(cgroups_is_frozen(&cg, &frozen, &err), 0);
	ck_assert(frozen);
	ck_assert_msg(cgroups_freeze(&cg, false, 200, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("freezer/ctr/freezer.state"), "THAWED\n");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

START_TEST(test_pids_recursive)
{
	struct cgroups_host h = fake_host("", NULL);
	struct cgroups_cgroup cg = leaf(&h, NULL);
	put("v2/ctr/cgroup.procs", "34\n12\n");
	mk("v2/ctr/sub/deeper");
	put("v2/ctr/sub/cgroup.procs", "56\n");
	put("v2/ctr/sub/deeper/cgroup.procs", "78\n");
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_pids(&cg, &pids, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 4);
	qsort(pids, n, sizeof(*pids), cmp_pid);
	ck_assert_int_eq(pids[0], 12);
	ck_assert_int_eq(pids[1], 34);
	ck_assert_int_eq(pids[2], 56);
	ck_assert_int_eq(pids[3], 78);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

static pid_t sleeper(const char *procs_rel)
{
	int ready[2];
	ck_assert_int_eq(pipe(ready), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Check's own SIGTERM handler would take the whole test down with it */
		signal(SIGTERM, SIG_DFL);
		close(ready[0]);
		close(ready[1]);
		for (;;)
			pause();
	}
	char c;
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 0); /* EOF: the child is set up */
	close(ready[0]);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	put(procs_rel, buf);
	return pid;
}

START_TEST(test_kill_all)
{
	struct cgroups_host h = fake_host("", NULL);
	struct cgroups_cgroup cg = leaf(&h, NULL);
	struct brig_error err = {0};
	int status;
	pid_t pid = sleeper("v2/ctr/cgroup.procs");
	ck_assert_msg(cgroups_kill_all(&cg, SIGTERM, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	/* SIGKILL without cgroup.kill: each pid */
	pid = sleeper("v2/ctr/cgroup.procs");
	ck_assert_msg(cgroups_kill_all(&cg, SIGKILL, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* with cgroup.kill the kernel does it: one write, no signal from brig */
	pid = sleeper("v2/ctr/cgroup.procs");
	put("v2/ctr/cgroup.kill", "");
	ck_assert_msg(cgroups_kill_all(&cg, SIGKILL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(get("v2/ctr/cgroup.kill"), "1\n");
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

/* exec --cgroup: runc's forms, its refusals, and only existing sub-cgroups. */
START_TEST(test_enter_sub)
{
	static const char *const v1[] = {"memory", "cpu,cpuacct", NULL};
	struct cgroups_host h = fake_host("pids", v1);
	struct brig_error err = {0};
	mk("memory/ctr");
	mk("cpu,cpuacct/ctr");
	struct cgroups_cgroup cg = leaf(&h, NULL);
	char *dotdot[] = {"..", NULL}, *escape[] = {"a/../../x", NULL}, *bad[] = {"whaaat:/", NULL};
	char *missing[] = {"nonexistent", NULL};
	ck_assert_int_eq(cgroups_enter_sub(&h, &cg, dotdot, &err), -1);
	ck_assert_str_eq(err.msg, "--cgroup: .. is not a sub cgroup path");
	ck_assert_int_eq(cgroups_enter_sub(&h, &cg, escape, &err), -1);
	ck_assert_str_eq(err.msg, "--cgroup: a/../../x is not a sub cgroup path");
	ck_assert_int_eq(cgroups_enter_sub(&h, &cg, bad, &err), -1);
	ck_assert_str_eq(err.msg, "--cgroup whaaat:/: unknown controller whaaat");
	ck_assert_int_eq(cgroups_enter_sub(&h, &cg, missing, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_msg(strstr(err.msg, " adding pid to cgroups: open ") &&
			  strstr(err.msg, "/nonexistent/cgroup.procs: no such file or directory"),
		      "%s", err.msg);
	cgroups_cgroup_clear(&cg);
	/* one controller's hierarchy moves, the others stay; "." and ".." within are fine */
	mk("memory/ctr/sub");
	mk("cpu,cpuacct/ctr/s2");
	cg = leaf(&h, NULL);
	char *two[] = {"memory:sub", "cpuacct:./x/../s2", NULL};
	ck_assert_msg(cgroups_enter_sub(&h, &cg, two, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < cg.n_v1; i++) {
		const char *want = !strcmp(cg.v1[i].hierarchy, "memory") ? "/ctr/sub" : "/ctr/s2";
		ck_assert_str_eq(cg.v1[i].path, want);
		ck_assert_int_ge(cg.v1[i].fd, 0);
	}
	ck_assert_str_eq(cg.v2.path, "/ctr");
	/* "/" is the container's own cgroup; a v2 controller names the unified one */
	char *root[] = {"/", NULL}, *pids[] = {"pids:/", NULL};
	ck_assert_msg(cgroups_enter_sub(&h, &cg, pids, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cg.v2.path, "/ctr");
	cgroups_cgroup_clear(&cg);
	cg = leaf(&h, NULL);
	ck_assert_msg(cgroups_enter_sub(&h, &cg, root, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cg.v2.path, "/ctr");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_remove_only_what_brig_created)
{
	struct cgroups_host h = fake_host("", NULL);
	struct brig_error err = {0};
	/* joined, still in use (a sub-cgroup here): nothing is killed or removed */
	struct cgroups_cgroup cg = leaf(&h, NULL);
	ck_assert_int_eq(cg.v2.created, 0);
	mk("v2/ctr/other");
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(exists("v2/ctr/other"));
	cgroups_cgroup_clear(&cg);
	/* joined and unused: removed, as runc removes it (its parents stay) */
	ck_assert_int_eq(rmdir(at("v2/ctr/other")), 0);
	cg = leaf(&h, NULL);
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/ctr"));
	ck_assert(exists("v2"));
	cgroups_cgroup_clear(&cg);
	/* created with its parent, which meanwhile got another child: the parent stays */
	mk("v2/brig/c1/sub");
	mk("v2/brig/other");
	cg = resolve(&h, NULL);
	cg.v2.created = 2;
	ck_assert_int_eq(cgroups_open(&h, &cg, &err), 0);
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/brig/c1"));
	ck_assert(exists("v2/brig/other"));
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_open_from_record)
{
	static const char *const v1[] = {"memory", NULL};
	struct cgroups_host h = fake_host("", v1);
	mk("v2/brig/c1");
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_record_parse("unified 1 /brig/c1\nmemory 1 /brig/c1\n", &cg, &err),
			 0);
	/* a v1 directory already gone is not an error (delete finishes what is left) */
	ck_assert_msg(cgroups_open(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert_int_ge(cg.v2.fd, 0);
	ck_assert_int_eq(cg.v1[0].fd, -1);
	ck_assert_msg(cgroups_remove(&h, &cg, &err) == 0, "%s", err.msg);
	ck_assert(!exists("v2/brig/c1"));
	ck_assert(exists("v2/brig")); /* created 1: only the leaf was brig's */
	/* the unified one gone is */
	ck_assert_int_eq(cgroups_open(&h, &cg, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	char want[256];
	snprintf(want, sizeof(want), "open cgroup '%s/v2/brig/c1': No such file or directory", tmp);
	ck_assert_str_eq(err.msg, want);
	cgroups_cgroup_clear(&cg);
	ck_assert_int_eq(cgroups_record_parse("unified 0 /x\ncpu 0 /x\n", &cg, &err), 0);
	mk("v2/x");
	ck_assert_int_eq(cgroups_open(&h, &cg, &err), -1);
	ck_assert_str_eq(err.msg, "cgroup v1 hierarchy 'cpu' is not mounted");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- stats ---- */

START_TEST(test_stats_v2)
{
	struct cgroups_host h = fake_host("cpu memory pids io hugetlb\n", NULL);
	struct cgroups_cgroup cg = leaf(&h, NULL);
	put("v2/ctr/cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 5\n"
			       "nr_throttled 2\nthrottled_usec 7\n");
	put("v2/ctr/memory.current", "1000\n");
	put("v2/ctr/memory.max", "4000\n");
	put("v2/ctr/memory.peak", "2000\n");
	put("v2/ctr/memory.swap.current", "10\n");
	put("v2/ctr/memory.swap.max", "500\n");
	put("v2/ctr/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
	put("v2/ctr/memory.stat", "anon 500\nfile 300\n");
	put("v2/ctr/pids.current", "4\n");
	put("v2/ctr/pids.max", "max\n");
	put("v2/ctr/io.stat", "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
	put("v2/ctr/hugetlb.2MB.current", "0\n");
	put("v2/ctr/hugetlb.2MB.rsvd.current", "2097152\n");
	put("v2/ctr/hugetlb.2MB.rsvd.max", "max\n");
	put("v2/ctr/hugetlb.2MB.events", "max 1\n");
	struct spec_stats s;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_stats(&cg, &s, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(s.cpu.total, 100000);
	ck_assert_uint_eq(s.cpu.user, 60000);
	ck_assert_uint_eq(s.cpu.kernel, 40000);
	ck_assert_uint_eq(s.cpu.periods, 5);
	ck_assert_uint_eq(s.cpu.throttled_periods, 2);
	ck_assert_uint_eq(s.cpu.throttled_time, 7000);
	ck_assert_uint_eq(s.memory.usage.usage, 1000);
	ck_assert_uint_eq(s.memory.usage.limit, 4000);
	ck_assert_uint_eq(s.memory.usage.max, 2000);
	ck_assert_uint_eq(s.memory.usage.failcnt, 3);
	ck_assert_uint_eq(s.memory.swap.usage, 1010); /* memory+swap, as v1 and runc */
	ck_assert_uint_eq(s.memory.swap.limit, 4500);
	ck_assert_uint_eq(s.memory.cache, 300);
	ck_assert_uint_eq(s.memory.oom, 1);
	ck_assert_uint_eq(s.memory.oom_kill, 2);
	ck_assert_uint_eq(s.memory.n_raw, 2);
	ck_assert_str_eq(s.memory.raw[0].key, "anon");
	ck_assert_uint_eq(s.pids.current, 4);
	ck_assert_uint_eq(s.pids.limit, UINT64_MAX);
	ck_assert_uint_eq(s.blkio.n_service_bytes, 2);
	ck_assert_str_eq(s.blkio.service_bytes[1].op, "Write");
	ck_assert_uint_eq(s.blkio.service_bytes[1].value, 2);
	ck_assert_uint_eq(s.blkio.n_serviced, 2);
	ck_assert_uint_eq(s.blkio.serviced[0].major, 8);
	ck_assert_uint_eq(s.blkio.serviced[0].value, 3);
	ck_assert_uint_eq(s.n_hugetlb, 1);
	ck_assert_str_eq(s.hugetlb[0].page_size, "2MB");
	ck_assert_uint_eq(s.hugetlb[0].usage, 2097152);
	ck_assert_uint_eq(s.hugetlb[0].failcnt, 1);
	cgroups_stats_clear(&s);
	uint64_t oom = 0;
	ck_assert_int_eq(cgroups_oom_count(&cg, &oom, &err), 0);
	ck_assert_uint_eq(oom, 2);
	/* unlimited swap stays unlimited in the sum */
	put("v2/ctr/memory.swap.max", "max\n");
	ck_assert_int_eq(cgroups_stats(&cg, &s, &err), 0);
	ck_assert_uint_eq(s.memory.swap.limit, UINT64_MAX);
	cgroups_stats_clear(&s);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_stats_v1)
{
	static const char *const v1[] = {"memory", "cpu",     "cpuacct", "pids",
					 "blkio",  "hugetlb", NULL};
	struct cgroups_host h = fake_host("", v1);
	for (int i = 0; v1[i]; i++) {
		char d[64];
		snprintf(d, sizeof(d), "%s/ctr", v1[i]);
		mk(d);
	}
	put("memory/ctr/memory.usage_in_bytes", "100\n");
	put("memory/ctr/memory.limit_in_bytes", "9223372036854771712\n");
	put("memory/ctr/memory.max_usage_in_bytes", "150\n");
	put("memory/ctr/memory.failcnt", "2\n");
	put("memory/ctr/memory.memsw.usage_in_bytes", "120\n");
	put("memory/ctr/memory.stat", "cache 40\nrss 60\n");
	put("memory/ctr/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n");
	put("cpuacct/ctr/cpuacct.usage", "123\n");
	put("cpuacct/ctr/cpuacct.usage_percpu", "100 23 \n");
	put("cpuacct/ctr/cpuacct.stat", "user 1\nsystem 2\n");
	put("cpu/ctr/cpu.stat", "nr_periods 9\nnr_throttled 1\nthrottled_time 55\n");
	put("pids/ctr/pids.current", "3\n");
	put("pids/ctr/pids.max", "100\n");
	put("blkio/ctr/blkio.throttle.io_service_bytes_recursive", "8:0 Read 10\n8:0 Write 20\n"
								   "Total 30\n");
	put("hugetlb/ctr/hugetlb.1GB.usage_in_bytes", "0\n");
	put("hugetlb/ctr/hugetlb.1GB.failcnt", "5\n");
	struct cgroups_cgroup cg = leaf(&h, NULL);
	struct spec_stats s;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_stats(&cg, &s, &err) == 0, "%s", err.msg);
	uint64_t tick = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
	ck_assert_uint_eq(s.cpu.total, 123);
	ck_assert_uint_eq(s.cpu.user, tick);
	ck_assert_uint_eq(s.cpu.kernel, 2 * tick);
	ck_assert_uint_eq(s.cpu.n_percpu, 2);
	ck_assert_uint_eq(s.cpu.percpu[1], 23);
	ck_assert_uint_eq(s.cpu.periods, 9);
	ck_assert_uint_eq(s.cpu.throttled_time, 55);
	ck_assert_uint_eq(s.memory.usage.usage, 100);
	ck_assert_uint_eq(s.memory.usage.limit, 9223372036854771712ULL);
	ck_assert_uint_eq(s.memory.usage.max, 150);
	ck_assert_uint_eq(s.memory.usage.failcnt, 2);
	ck_assert_uint_eq(s.memory.swap.usage, 120);
	ck_assert_uint_eq(s.memory.cache, 40);
	ck_assert_uint_eq(s.memory.oom_kill, 7);
	ck_assert_uint_eq(s.pids.current, 3);
	ck_assert_uint_eq(s.pids.limit, 100);
	ck_assert_uint_eq(s.blkio.n_service_bytes, 2);
	ck_assert_str_eq(s.blkio.service_bytes[0].op, "Read");
	ck_assert_uint_eq(s.blkio.service_bytes[0].value, 10);
	ck_assert_uint_eq(s.n_hugetlb, 1);
	ck_assert_str_eq(s.hugetlb[0].page_size, "1GB");
	ck_assert_uint_eq(s.hugetlb[0].failcnt, 5);
	cgroups_stats_clear(&s);
	uint64_t oom = 0;
	ck_assert_int_eq(cgroups_oom_count(&cg, &oom, &err), 0);
	ck_assert_uint_eq(oom, 7);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_oom_count_without_memory)
{
	struct cgroups_host h = fake_host("", NULL);
	struct cgroups_cgroup cg = leaf(&h, NULL);
	uint64_t oom = 1;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_oom_count(&cg, &oom, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_uint_eq(oom, 0);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_fs");
	TCase *tc = tcase_create("create");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_remove);
	tcase_add_test(tc, test_create_enables_needed);
	tcase_add_test(tc, test_create_not_delegated);
	tcase_add_test(tc, test_create_leaves_nothing_behind);
	tcase_add_test(tc, test_create_hybrid_and_join);
	tcase_add_test(tc, test_cpuset_copied_from_parent);
	tcase_add_test(tc, test_cpuset_copy_failure_fails_create);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_apply_unified);
	tcase_add_test(tc, test_apply_missing_file_is_an_error);
	tcase_add_test(tc, test_apply_update_period_keeps_quota);
	tcase_add_test(tc, test_apply_check_before_update);
	tcase_add_test(tc, test_apply_alternative_and_v1);
	suite_add_tcase(s, tc);
	tc = tcase_create("verbs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_freeze);
	tcase_add_test(tc, test_freeze_v1_fallback);
	tcase_add_test(tc, test_pids_recursive);
	tcase_add_test(tc, test_kill_all);
	tcase_add_test(tc, test_remove_only_what_brig_created);
	tcase_add_test(tc, test_enter_sub);
	tcase_add_test(tc, test_open_from_record);
	tcase_add_test(tc, test_stats_v2);
	tcase_add_test(tc, test_stats_v1);
	tcase_add_test(tc, test_oom_count_without_memory);
	suite_add_tcase(s, tc);
	return s;
}
