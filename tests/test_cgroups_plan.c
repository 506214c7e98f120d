// SPDX-License-Identifier: Apache-2.0
/* cgroups_plan: the memory, cpu, cpuset and pids fields to their exact (file, value)
 * writes on a unified host and, through the v1 translation, on hybrid hosts; the
 * conversions; the "unset" conventions of Docker, ctr and podman; the error of each
 * invalid value. test_cgroups_plan_io.c has the other controllers. */
#include "test_cgroups.h"

Suite *test_suite(void);

/* ---- memory ---- */

START_TEST(test_memory_limits)
{
	struct spec_resources r = mem((struct spec_memory){
	    .limit = I64(104857600), .reservation = I64(52428800), .swap = I64(314572800)});
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w[] = {
	    {NULL, "memory.max", "104857600", 0, NULL, NULL},
	    {NULL, "memory.low", "52428800", 0, NULL, NULL},
	    {NULL, "memory.swap.max", "209715200", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), true);
	ck_assert_ptr_nonnull(p.v2_controllers);
	ck_assert_str_eq(p.v2_controllers[0], "memory");
	ck_assert_ptr_null(p.v2_controllers[1]);
	ck_assert_ptr_null(p.warnings);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_memory_swap_edges)
{
	/* swap == limit: no swap at all */
	struct spec_resources r = mem((struct spec_memory){.limit = I64(200), .swap = I64(200)});
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w1[] = {
	    {NULL, "memory.max", "200", 0, NULL, NULL},
	    {NULL, "memory.swap.max", "0", CGROUPS_WRITE_OPTIONAL, NULL, NULL}};
	expect(&p, w1, ARRAY_SIZE(w1), true);
	cgroups_plan_clear(&p);
	/* swap -1 is a new cgroup's default; an update writes it */
	r = mem((struct spec_memory){.limit = I64(200), .swap = I64(-1)});
	p = plan_ok(&r, UNIFIED, false);
	const struct want w2[] = {{NULL, "memory.max", "200", 0, NULL, NULL}};
	expect(&p, w2, ARRAY_SIZE(w2), true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UNIFIED, true);
	const struct want w3[] = {
	    {NULL, "memory.max", "200", 0, NULL, NULL},
	    {NULL, "memory.swap.max", "max", CGROUPS_WRITE_OPTIONAL, NULL, NULL}};
	expect(&p, w3, ARRAY_SIZE(w3), true);
	cgroups_plan_clear(&p);
	/* update to unlimited: memory and swap (runc) */
	r = mem((struct spec_memory){.limit = I64(-1)});
	p = plan_ok(&r, UNIFIED, true);
	const struct want w4[] = {
	    {NULL, "memory.max", "max", 0, NULL, NULL},
	    {NULL, "memory.swap.max", "max", CGROUPS_WRITE_OPTIONAL, NULL, NULL}};
	expect(&p, w4, ARRAY_SIZE(w4), true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UNIFIED, false);
	expect(&p, NULL, 0, true);
	ck_assert_ptr_null(p.v2_controllers);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_memory_unset_and_reservation_max)
{
	/* Docker's zeros and false */
	struct spec_resources r = mem((struct spec_memory){.limit = I64(0),
							   .reservation = I64(0),
							   .swap = I64(0),
							   .kernel = I64(0),
							   .kernel_tcp = I64(0),
							   .disable_oom_killer = BOOLV(false)});
	struct cgroups_plan p = plan_ok(&r, BARE, false);
	expect(&p, NULL, 0, true);
	ck_assert_ptr_null(p.warnings);
	ck_assert_ptr_null(p.v2_controllers);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, BARE, true);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	r = mem((struct spec_memory){.reservation = I64(-1)});
	p = plan_ok(&r, UNIFIED, false);
	const struct want w[] = {{NULL, "memory.low", "max", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_memory_v2_warnings)
{
	struct spec_resources r = mem((struct spec_memory){.kernel = I64(1 << 30),
							   .kernel_tcp = I64(1 << 20),
							   .swappiness = U64(60),
							   .disable_oom_killer = BOOLV(true),
							   .use_hierarchy = BOOLV(false)});
	/* nothing to write, so no memory controller needed: fine on a bare host */
	struct cgroups_plan p = plan_ok(&r, BARE, false);
	expect(&p, NULL, 0, true);
	ck_assert_int_eq(strv_length(p.warnings), 5);
	expect_warning(&p, "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit");
	expect_warning(&p, "linux.resources.memory.kernelTCP: cgroup v2 has no kernel TCP");
	expect_warning(&p, "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup");
	expect_warning(&p, "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable");
	expect_warning(&p, "linux.resources.memory.useHierarchy: cgroup v2 is always");
	cgroups_plan_clear(&p);
	/* unlimited kernel memory is what v2 does anyway */
	r = mem((struct spec_memory){.kernel = I64(-1), .use_hierarchy = BOOLV(true)});
	p = plan_ok(&r, UNIFIED, true);
	ck_assert_ptr_null(p.warnings);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_memory_check_before_update)
{
	struct spec_resources r =
	    mem((struct spec_memory){.limit = I64(1000), .check_before_update = BOOLV(true)});
	struct cgroups_plan p = plan_ok(&r, UNIFIED, true);
	const struct want w[] = {
	    {NULL, "memory.max", "1000", CGROUPS_WRITE_CHECK_USAGE, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_memory_errors)
{
	struct spec_resources r = mem((struct spec_memory){.limit = I64(200), .swap = I64(100)});
	plan_fails(&r, UNIFIED, false,
		   "linux.resources.memory.swap: must be at least memory.limit (got 100 < 200)");
	r = mem((struct spec_memory){.swap = I64(100)});
	plan_fails(&r, UNIFIED, false,
		   "linux.resources.memory.swap: needs a memory.limit (swap is the memory+swap "
		   "total)");
	r = mem((struct spec_memory){.limit = I64(-1), .swap = I64(100)});
	plan_fails(&r, UNIFIED, true,
		   "linux.resources.memory.swap: needs a memory.limit (swap is the memory+swap "
		   "total)");
	r = mem((struct spec_memory){.swappiness = U64(101)});
	plan_fails(&r, UNIFIED, false,
		   "linux.resources.memory.swappiness: must be 0 to 100 (got 101)");
	r = mem((struct spec_memory){.limit = I64(1 << 20)});
	plan_fails(&r, BARE, false,
		   "linux.resources.memory.limit: the memory controller is not available on this "
		   "host (not in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
}
END_TEST

START_TEST(test_memory_v1)
{
	struct spec_resources r = mem((struct spec_memory){.limit = I64(100),
							   .reservation = I64(50),
							   .swap = I64(300),
							   .kernel = I64(64),
							   .kernel_tcp = I64(32),
							   .swappiness = U64(0),
							   .disable_oom_killer = BOOLV(true),
							   .use_hierarchy = BOOLV(true)});
	struct cgroups_plan p = plan_ok(&r, DEVBOX, false);
	const struct want w[] = {
	    {"memory", "memory.limit_in_bytes", "100", CGROUPS_WRITE_RETRY_AFTER_NEXT, NULL, NULL},
	    {"memory", "memory.memsw.limit_in_bytes", "300", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	    {"memory", "memory.soft_limit_in_bytes", "50", 0, NULL, NULL},
	    {"memory", "memory.kmem.limit_in_bytes", "64", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	    {"memory", "memory.kmem.tcp.limit_in_bytes", "32", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	    {"memory", "memory.swappiness", "0", 0, NULL, NULL},
	    {"memory", "memory.oom_control", "1", 0, NULL, NULL},
	    {"memory", "memory.use_hierarchy", "1", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), false);
	ck_assert_ptr_null(p.v2_controllers);
	ck_assert_ptr_null(p.warnings);
	cgroups_plan_clear(&p);
	/* v1 takes the memory+swap total as it is, and -1 for unlimited */
	r = mem((struct spec_memory){.limit = I64(-1)});
	p = plan_ok(&r, UBUNTU, true);
	const struct want w2[] = {
	    {"memory", "memory.limit_in_bytes", "-1", CGROUPS_WRITE_RETRY_AFTER_NEXT, NULL, NULL},
	    {"memory", "memory.memsw.limit_in_bytes", "-1", CGROUPS_WRITE_OPTIONAL, NULL, NULL},
	};
	expect(&p, w2, ARRAY_SIZE(w2), false);
	cgroups_plan_clear(&p);
}
END_TEST

/* ---- cpu ---- */

static const struct {
	uint64_t shares, weight;
} weights[] = {
    {0, 0},	     {1, 1},	      {2, 1},		{3, 2},	     {10, 4},
    {512, 59},	     {1024, 100},     {2048, 174},	{4096, 303}, {100000, 4340},
    {262143, 10000}, {262144, 10000}, {1000000, 10000},
};

START_TEST(test_cpu_weight_table)
{
	ck_assert_uint_eq(cgroups_cpu_weight(weights[_i].shares), weights[_i].weight);
}
END_TEST

START_TEST(test_io_weight)
{
	ck_assert_uint_eq(cgroups_io_weight(0), 0);
	ck_assert_uint_eq(cgroups_io_weight(10), 1);
	ck_assert_uint_eq(cgroups_io_weight(100), 910);
	ck_assert_uint_eq(cgroups_io_weight(500), 4950);
	ck_assert_uint_eq(cgroups_io_weight(1000), 10000);
}
END_TEST

START_TEST(test_cpu_v2)
{
	struct spec_resources r = cpu((struct spec_cpu){.shares = U64(512),
							.quota = I64(50000),
							.period = U64(100000),
							.burst = U64(10000),
							.idle = I64(1),
							.cpus = "0-3,7",
							.mems = "0"});
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w[] = {
	    {NULL, "cpu.weight", "59", 0, NULL, NULL},
	    {NULL, "cpu.max", "50000 100000", 0, NULL, NULL},
	    {NULL, "cpu.max.burst", "10000", 0, NULL, NULL},
	    {NULL, "cpu.idle", "1", 0, NULL, NULL},
	    {NULL, "cpuset.cpus", "0-3,7", 0, NULL, NULL},
	    {NULL, "cpuset.mems", "0", 0, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), true);
	ck_assert_str_eq(p.v2_controllers[0], "cpu");
	ck_assert_str_eq(p.v2_controllers[1], "cpuset");
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_cpu_defaults_and_update)
{
	/* ctr's shares 1024, idle 0, quota -1: a new cgroup's defaults */
	struct spec_resources r = cpu((struct spec_cpu){.shares = U64(1024),
							.quota = I64(-1),
							.idle = I64(0),
							.burst = U64(0),
							.realtime_runtime = I64(0),
							.realtime_period = U64(0),
							.cpus = ""});
	struct cgroups_plan p = plan_ok(&r, BARE, false);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UNIFIED, true);
	const struct want w[] = {{NULL, "cpu.weight", "100", 0, NULL, NULL},
				 {NULL, "cpu.max", "max", 0, NULL, NULL},
				 {NULL, "cpu.idle", "0", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
	/* Docker's shares 0 is unset even in an update */
	r = cpu((struct spec_cpu){.shares = U64(0), .quota = I64(0), .period = U64(0)});
	p = plan_ok(&r, BARE, true);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_cpu_period_alone)
{
	struct spec_resources r = cpu((struct spec_cpu){.period = U64(20000)});
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w1[] = {{NULL, "cpu.max", "max 20000", 0, NULL, NULL}};
	expect(&p, w1, ARRAY_SIZE(w1), true);
	cgroups_plan_clear(&p);
	/* an update of the period keeps the quota already there */
	p = plan_ok(&r, UNIFIED, true);
	const struct want w2[] = {
	    {NULL, "cpu.max", " 20000", CGROUPS_WRITE_KEEP_QUOTA, NULL, NULL}};
	expect(&p, w2, ARRAY_SIZE(w2), true);
	cgroups_plan_clear(&p);
	r = cpu((struct spec_cpu){.quota = I64(25000)});
	p = plan_ok(&r, UNIFIED, true);
	const struct want w3[] = {{NULL, "cpu.max", "25000", 0, NULL, NULL}};
	expect(&p, w3, ARRAY_SIZE(w3), true);
	cgroups_plan_clear(&p);
}
END_TEST

static const struct {
	struct spec_cpu cpu;
	const char *msg;
} cpu_errors[] = {
    {{.quota = I64(-5)}, "linux.resources.cpu.quota: must be -1 (unlimited) or positive (got -5)"},
    {{.quota = I64(999)}, "linux.resources.cpu.quota: must be at least 1000 (1ms; got 999)"},
    {{.period = U64(999)}, "linux.resources.cpu.period: must be 1000 to 1000000 (got 999)"},
    {{.period = U64(1000001)}, "linux.resources.cpu.period: must be 1000 to 1000000 (got 1000001)"},
    {{.quota = I64(5000), .burst = U64(6000)},
     "linux.resources.cpu.burst: must not exceed cpu.quota (got 6000 > 5000)"},
    {{.idle = I64(2)}, "linux.resources.cpu.idle: must be 0 or 1 (got 2)"},
    {{.realtime_runtime = I64(950000)},
     "linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime CPU settings"},
    {{.realtime_period = U64(1000000)},
     "linux.resources.cpu.realtimePeriod: cgroup v2 has no realtime CPU settings"},
    {{.cpus = "3-1"}, "linux.resources.cpu.cpus: \"3-1\" is not a list such as 0-3,7"},
    {{.cpus = "0,"}, "linux.resources.cpu.cpus: \"0,\" is not a list such as 0-3,7"},
    {{.mems = "a"}, "linux.resources.cpu.mems: \"a\" is not a list such as 0-3,7"},
    {{.cpus = "0 1"}, "linux.resources.cpu.cpus: \"0 1\" is not a list such as 0-3,7"},
};

START_TEST(test_cpu_errors)
{
	struct spec_resources r = cpu(cpu_errors[_i].cpu);
	plan_fails(&r, UNIFIED, false, cpu_errors[_i].msg);
}
END_TEST

START_TEST(test_cpu_unavailable)
{
	struct spec_resources r = cpu((struct spec_cpu){.shares = U64(512)});
	plan_fails(&r, BARE, false,
		   "linux.resources.cpu.shares: the cpu controller is not available on this host "
		   "(not in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
	r = cpu((struct spec_cpu){.cpus = "1"});
	plan_fails(&r, BARE, false,
		   "linux.resources.cpu.cpus: the cpuset controller is not available on this host "
		   "(not in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
}
END_TEST

START_TEST(test_cpu_v1)
{
	struct spec_resources r = cpu((struct spec_cpu){.shares = U64(512),
							.quota = I64(50000),
							.period = U64(100000),
							.burst = U64(1000),
							.realtime_runtime = I64(950000),
							.realtime_period = U64(1000000),
							.idle = I64(1),
							.cpus = "1-2"});
	struct cgroups_plan p = plan_ok(&r, UBUNTU, false);
	const struct want w[] = {
	    {"cpu", "cpu.shares", "512", 0, NULL, NULL},
	    {"cpu", "cpu.cfs_period_us", "100000", CGROUPS_WRITE_RETRY_AFTER_NEXT, NULL, NULL},
	    {"cpu", "cpu.cfs_quota_us", "50000", 0, NULL, NULL},
	    {"cpu", "cpu.cfs_burst_us", "1000", 0, NULL, NULL},
	    {"cpu", "cpu.rt_period_us", "1000000", CGROUPS_WRITE_RETRY_AFTER_NEXT, NULL, NULL},
	    {"cpu", "cpu.rt_runtime_us", "950000", 0, NULL, NULL},
	    {"cpu", "cpu.idle", "1", 0, NULL, NULL},
	    {"cpuset", "cpuset.cpus", "1-2", 0, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), false);
	ck_assert_ptr_null(p.v2_controllers);
	cgroups_plan_clear(&p);
	r = cpu((struct spec_cpu){.quota = I64(-1)});
	p = plan_ok(&r, UBUNTU, true);
	const struct want w2[] = {{"cpu", "cpu.cfs_quota_us", "-1", 0, NULL, NULL}};
	expect(&p, w2, ARRAY_SIZE(w2), false);
	cgroups_plan_clear(&p);
}
END_TEST

/* ---- pids ---- */

START_TEST(test_pids)
{
	struct spec_resources r = {.present = true, .pids_limit = I64(2048)}; /* podman */
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w[] = {{NULL, "pids.max", "2048", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, DEVBOX, false);
	const struct want w1[] = {{"pids", "pids.max", "2048", 0, NULL, NULL}};
	expect(&p, w1, ARRAY_SIZE(w1), false);
	cgroups_plan_clear(&p);
	/* runtime-spec 1.3: 0 is a real limit; in an update it means "unchanged" */
	r.pids_limit = I64(0);
	p = plan_ok(&r, UNIFIED, false);
	const struct want w2[] = {{NULL, "pids.max", "0", 0, NULL, NULL}};
	expect(&p, w2, ARRAY_SIZE(w2), true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, BARE, true);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	r.pids_limit = I64(-1);
	p = plan_ok(&r, BARE, false);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UNIFIED, true);
	const struct want w3[] = {{NULL, "pids.max", "max", 0, NULL, NULL}};
	expect(&p, w3, ARRAY_SIZE(w3), true);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_pids_errors)
{
	struct spec_resources r = {.present = true, .pids_limit = I64(-2)};
	plan_fails(&r, UNIFIED, false,
		   "linux.resources.pids.limit: must be -1 (unlimited) or at least 0 (got -2)");
	r.pids_limit = I64(100);
	plan_fails(&r, BARE, false,
		   "linux.resources.pids.limit: the pids controller is not available on this host "
		   "(not in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
}
END_TEST

/* ---- the callers' configs, through the parser ---- */

static struct spec *parse_config(const char *resources)
{
	_cleanup_free_ char *text =
	    xasprintf("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		      "\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},"
		      "\"linux\":{\"resources\":%s}}",
		      resources);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", NULL, &err);
	ck_assert_msg(s, "%s", err.msg);
	return s;
}

START_TEST(test_callers_configs)
{
	/* every plain `docker run`: nothing to write, even with no controller at all */
	struct spec *s = parse_config(
	    "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],\"memory\":{\"disableOOMKiller\""
	    ":false},\"cpu\":{\"shares\":0},\"blockIO\":{\"weight\":0}}");
	struct cgroups_plan p = plan_ok(&s->linux.resources, BARE, false);
	expect(&p, NULL, 0, true);
	ck_assert_ptr_null(p.warnings);
	ck_assert_ptr_null(p.v2_controllers);
	cgroups_plan_clear(&p);
	spec_free(s);
	/* ctr: the default weight */
	s = parse_config("{\"cpu\":{\"shares\":1024}}");
	p = plan_ok(&s->linux.resources, BARE, false);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	spec_free(s);
	/* podman: a real pids limit */
	s = parse_config("{\"pids\":{\"limit\":2048}}");
	p = plan_ok(&s->linux.resources, UNIFIED, false);
	const struct want w[] = {{NULL, "pids.max", "2048", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
	spec_free(s);
	/* Docker 20.10's update: zeros everywhere but the new memory limit */
	s = parse_config("{\"memory\":{\"limit\":268435456,\"reservation\":0,\"swap\":0,\"kernel\":"
			 "0,\"kernelTCP\":0},\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0,"
			 "\"realtimeRuntime\":0,\"realtimePeriod\":0,\"cpus\":\"\",\"mems\":\"\"},"
			 "\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":0}}");
	p = plan_ok(&s->linux.resources, UNIFIED, true);
	const struct want w2[] = {{NULL, "memory.max", "268435456", 0, NULL, NULL}};
	expect(&p, w2, ARRAY_SIZE(w2), true);
	ck_assert_ptr_null(p.devices);
	ck_assert_ptr_null(p.warnings);
	cgroups_plan_clear(&p);
	spec_free(s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_plan");
	TCase *tc = tcase_create("memory");
	tcase_add_test(tc, test_memory_limits);
	tcase_add_test(tc, test_memory_swap_edges);
	tcase_add_test(tc, test_memory_unset_and_reservation_max);
	tcase_add_test(tc, test_memory_v2_warnings);
	tcase_add_test(tc, test_memory_check_before_update);
	tcase_add_test(tc, test_memory_errors);
	tcase_add_test(tc, test_memory_v1);
	suite_add_tcase(s, tc);
	tc = tcase_create("cpu");
	tcase_add_loop_test(tc, test_cpu_weight_table, 0, (int)ARRAY_SIZE(weights));
	tcase_add_test(tc, test_io_weight);
	tcase_add_test(tc, test_cpu_v2);
	tcase_add_test(tc, test_cpu_defaults_and_update);
	tcase_add_test(tc, test_cpu_period_alone);
	tcase_add_loop_test(tc, test_cpu_errors, 0, (int)ARRAY_SIZE(cpu_errors));
	tcase_add_test(tc, test_cpu_unavailable);
	tcase_add_test(tc, test_cpu_v1);
	suite_add_tcase(s, tc);
	tc = tcase_create("pids and callers");
	tcase_add_test(tc, test_pids);
	tcase_add_test(tc, test_pids_errors);
	tcase_add_test(tc, test_callers_configs);
	suite_add_tcase(s, tc);
	return s;
}
