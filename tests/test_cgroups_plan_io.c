// SPDX-License-Identifier: Apache-2.0
/* cgroups_plan: block I/O, huge pages, rdma, network, unified and devices to their exact
 * writes, on unified and hybrid hosts, and the error of each invalid value. */
#include "test_cgroups.h"

Suite *test_suite(void);

/* ---- block I/O ---- */

static struct spec_weight_device wdev[] = {
    {8, 0, {true, 300}, {true, 100}},
    {8, 16, {false, 0}, {true, 50}},
};
static struct spec_throttle_device rbps[] = {{8, 0, 100}, {8, 0, 150}};
static struct spec_throttle_device wbps[] = {{8, 0, 200}};
static struct spec_throttle_device riops[] = {{8, 16, 10}};
static struct spec_throttle_device wiops[] = {{8, 0, 0}};

static struct spec_resources blkio_all(void)
{
	struct spec_resources r = {.present = true, .has_blkio = true};
	r.blkio.weight = U64(500);
	r.blkio.leaf_weight = U64(200);
	r.blkio.weight_devices = wdev;
	r.blkio.n_weight_devices = ARRAY_SIZE(wdev);
	r.blkio.read_bps = (struct spec_throttle_list){rbps, ARRAY_SIZE(rbps)};
	r.blkio.write_bps = (struct spec_throttle_list){wbps, ARRAY_SIZE(wbps)};
	r.blkio.read_iops = (struct spec_throttle_list){riops, ARRAY_SIZE(riops)};
	r.blkio.write_iops = (struct spec_throttle_list){wiops, ARRAY_SIZE(wiops)};
	return r;
}

START_TEST(test_blkio_v2)
{
	struct spec_resources r = blkio_all();
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	/* one io.max line per device, the last entry of a list winning, 0 as "max" */
	const struct want w[] = {
	    {NULL, "io.bfq.weight", "500", 0, "io.weight", "4950"},
	    {NULL, "io.bfq.weight", "8:0 300", 0, "io.weight", "8:0 2930"},
	    {NULL, "io.max", "8:0 rbps=150 wbps=200 wiops=max", 0, NULL, NULL},
	    {NULL, "io.max", "8:16 riops=10", 0, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), true);
	ck_assert_str_eq(p.v2_controllers[0], "io");
	ck_assert_int_eq(strv_length(p.warnings), 1);
	expect_warning(&p, "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights");
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_blkio_v1)
{
	struct spec_resources r = blkio_all();
	struct cgroups_plan p = plan_ok(&r, DEVBOX, false);
	const struct want w[] = {
	    {"blkio", "blkio.weight", "500", 0, "blkio.bfq.weight", "500"},
	    {"blkio", "blkio.leaf_weight", "200", 0, NULL, NULL},
	    {"blkio", "blkio.weight_device", "8:0 300", 0, "blkio.bfq.weight_device", "8:0 300"},
	    {"blkio", "blkio.leaf_weight_device", "8:0 100", 0, NULL, NULL},
	    {"blkio", "blkio.leaf_weight_device", "8:16 50", 0, NULL, NULL},
	    {"blkio", "blkio.throttle.read_bps_device", "8:0 100", 0, NULL, NULL},
	    {"blkio", "blkio.throttle.read_bps_device", "8:0 150", 0, NULL, NULL},
	    {"blkio", "blkio.throttle.write_bps_device", "8:0 200", 0, NULL, NULL},
	    {"blkio", "blkio.throttle.read_iops_device", "8:16 10", 0, NULL, NULL},
	    {"blkio", "blkio.throttle.write_iops_device", "8:0 0", 0, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), false);
	ck_assert_ptr_null(p.warnings);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_blkio_unset_and_unavailable)
{
	/* Docker's weight 0 reaches the plan as unset (spec.c drops it) */
	struct spec_resources r = {.present = true, .has_blkio = true};
	struct cgroups_plan p = plan_ok(&r, BARE, false);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
	r.blkio.weight = U64(100);
	plan_fails(&r, BARE, false,
		   "linux.resources.blockIO: the io controller is not available on this host (not "
		   "in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
}
END_TEST

/* ---- huge pages, rdma, network ---- */

START_TEST(test_hugetlb)
{
	struct spec_hugepage_limit l[] = {{"2MB", 209715200}, {"1GB", 0}};
	struct spec_resources r = {.present = true, .hugepage_limits = l, .n_hugepage_limits = 2};
	struct cgroups_plan p = plan_ok(&r, DEVBOX, false); /* hugetlb is on v2 here */
	const struct want w[] = {
	    {NULL, "hugetlb.2MB.max", "209715200", 0, NULL, NULL},
	    {NULL, "hugetlb.2MB.rsvd.max", "209715200", CGROUPS_WRITE_IF_PRESENT, NULL, NULL},
	    {NULL, "hugetlb.1GB.max", "0", 0, NULL, NULL},
	    {NULL, "hugetlb.1GB.rsvd.max", "0", CGROUPS_WRITE_IF_PRESENT, NULL, NULL},
	};
	expect(&p, w, ARRAY_SIZE(w), false);
	ck_assert_str_eq(p.v2_controllers[0], "hugetlb");
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UBUNTU, false);
	const struct want w1[] = {
	    {"hugetlb", "hugetlb.2MB.limit_in_bytes", "209715200", 0, NULL, NULL},
	    {"hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes", "209715200", CGROUPS_WRITE_IF_PRESENT,
	     NULL, NULL},
	    {"hugetlb", "hugetlb.1GB.limit_in_bytes", "0", 0, NULL, NULL},
	    {"hugetlb", "hugetlb.1GB.rsvd.limit_in_bytes", "0", CGROUPS_WRITE_IF_PRESENT, NULL,
	     NULL},
	};
	expect(&p, w1, ARRAY_SIZE(w1), false);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_hugetlb_errors)
{
	static const char *const bad[] = {"2mb", "2M", "MB", "02MB", "2MB/../x", ""};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct spec_hugepage_limit l = {(char *)bad[i], 1};
		struct spec_resources r = {
		    .present = true, .hugepage_limits = &l, .n_hugepage_limits = 1};
		char msg[256];
		snprintf(msg, sizeof(msg),
			 "linux.resources.hugepageLimits[0].pageSize: \"%s\" is not a size such as "
			 "2MB or 1GB",
			 bad[i]);
		plan_fails(&r, UNIFIED, false, msg);
	}
	struct spec_hugepage_limit l = {"2MB", 1};
	struct spec_resources r = {.present = true, .hugepage_limits = &l, .n_hugepage_limits = 1};
	plan_fails(&r, BARE, false,
		   "linux.resources.hugepageLimits[0]: the hugetlb controller is not available on "
		   "this host (not in /sys/fs/cgroup/cgroup.controllers nor mounted as cgroup v1)");
}
END_TEST

START_TEST(test_rdma)
{
	struct spec_rdma_limit l[] = {{"mlx5_0", {true, 3}, {true, 100}},
				      {"mlx4_1", {true, 7}, {0}}};
	struct spec_resources r = {.present = true, .rdma = l, .n_rdma = 2};
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	const struct want w[] = {
	    {NULL, "rdma.max", "mlx5_0 hca_handle=3 hca_object=100", 0, NULL, NULL},
	    {NULL, "rdma.max", "mlx4_1 hca_handle=7", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	cgroups_plan_clear(&p);
	p = plan_ok(&r, UBUNTU, false);
	const struct want w1[] = {
	    {"rdma", "rdma.max", "mlx5_0 hca_handle=3 hca_object=100", 0, NULL, NULL},
	    {"rdma", "rdma.max", "mlx4_1 hca_handle=7", 0, NULL, NULL}};
	expect(&p, w1, ARRAY_SIZE(w1), false);
	cgroups_plan_clear(&p);
	struct spec_rdma_limit bad = {"mlx 5", {true, 1}, {0}};
	r = (struct spec_resources){.present = true, .rdma = &bad, .n_rdma = 1};
	plan_fails(&r, UNIFIED, false, "linux.resources.rdma: bad device name \"mlx 5\"");
}
END_TEST

START_TEST(test_network)
{
	struct spec_net_priority prio[] = {{"eth0", 5}, {"lo", 1}};
	struct spec_resources r = {.present = true,
				   .net_class_id = U64(1048577),
				   .net_priorities = prio,
				   .n_net_priorities = 2};
	struct cgroups_plan p = plan_ok(&r, UBUNTU, false);
	const struct want w[] = {{"net_cls", "net_cls.classid", "1048577", 0, NULL, NULL},
				 {"net_prio", "net_prio.ifpriomap", "eth0 5", 0, NULL, NULL},
				 {"net_prio", "net_prio.ifpriomap", "lo 1", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), false);
	cgroups_plan_clear(&p);
	/* refused where no v1 hierarchy has them, as crun does on v2 */
	plan_fails(&r, UNIFIED, false,
		   "linux.resources.network.classID: needs the net_cls controller, which cgroup v2 "
		   "does not have, and no cgroup v1 net_cls hierarchy is mounted");
	r.net_class_id = U64(0); /* unset */
	plan_fails(&r, DEVBOX, false,
		   "linux.resources.network.priorities[0]: needs the net_prio controller, which "
		   "cgroup v2 does not have, and no cgroup v1 net_prio hierarchy is mounted");
	struct spec_net_priority bad = {"eth 0", 1};
	r = (struct spec_resources){.present = true, .net_priorities = &bad, .n_net_priorities = 1};
	plan_fails(&r, UBUNTU, false,
		   "linux.resources.network.priorities[0].name: bad interface name \"eth 0\"");
}
END_TEST

/* ---- unified ---- */

START_TEST(test_unified)
{
	struct spec_kv kv[] = {{"memory.high", "1073741824"},
			       {"cgroup.max.depth", "3"},
			       {"io.max", "8:0 rbps=1\n8:16 wbps=2"},
			       {"memory.oom.group", ""}};
	struct spec_resources r = {.present = true,
				   .unified = kv,
				   .n_unified = 4,
				   .has_memory = true,
				   .memory = {.limit = I64(1 << 30)}};
	struct cgroups_plan p = plan_ok(&r, UNIFIED, false);
	/* after the named fields, so that they win */
	const struct want w[] = {{NULL, "memory.max", "1073741824", 0, NULL, NULL},
				 {NULL, "memory.high", "1073741824", 0, NULL, NULL},
				 {NULL, "cgroup.max.depth", "3", 0, NULL, NULL},
				 {NULL, "io.max", "8:0 rbps=1\n8:16 wbps=2", 0, NULL, NULL}};
	expect(&p, w, ARRAY_SIZE(w), true);
	ck_assert_int_eq(strv_length(p.v2_controllers), 2); /* memory, io */
	ck_assert_str_eq(p.v2_controllers[1], "io");
	cgroups_plan_clear(&p);
}
END_TEST

static const struct {
	const char *key;
	enum host_kind host;
	const char *msg;
} unified_errors[] = {
    {"memory/../../x", UNIFIED,
     "linux.resources.unified: \"memory/../../x\" is not a cgroup file name such as "
     "memory.high"},
    {"..", UNIFIED,
     "linux.resources.unified: \"..\" is not a cgroup file name such as memory.high"},
    {"max", UNIFIED,
     "linux.resources.unified: \"max\" is not a cgroup file name such as memory.high"},
    {".max", UNIFIED,
     "linux.resources.unified: \".max\" is not a cgroup file name such as memory.high"},
    {"memory. high", UNIFIED,
     "linux.resources.unified: \"memory. high\" is not a cgroup file name such as "
     "memory.high"},
    {"foo.bar", UNIFIED,
     "invalid configuration: linux.resources.unified: \"foo.bar\": the foo controller is not "
     "in the cgroup v2 hierarchy (/sys/fs/cgroup/cgroup.controllers)"},
    {"memory.high", DEVBOX,
     "invalid configuration: linux.resources.unified: \"memory.high\": the memory controller "
     "is not in the cgroup v2 hierarchy (/sys/fs/cgroup/unified/cgroup.controllers)"},
};

START_TEST(test_unified_errors)
{
	struct spec_kv kv = {(char *)unified_errors[_i].key, "1"};
	struct spec_resources r = {.present = true, .unified = &kv, .n_unified = 1};
	plan_fails(&r, unified_errors[_i].host, false, unified_errors[_i].msg);
}
END_TEST

/* ---- devices ---- */

START_TEST(test_devices_program_presence)
{
	/* at create there is always a filter: the config's rules and the defaults */
	struct spec_resources r = {0};
	struct cgroups_plan p = plan_ok(&r, BARE, false);
	ck_assert_ptr_nonnull(p.devices);
	ck_assert_uint_gt(p.n_devices, 6);
	cgroups_plan_clear(&p);
	/* an update without rules keeps the filter */
	p = plan_ok(&r, BARE, true);
	ck_assert_ptr_null(p.devices);
	ck_assert_uint_eq(p.n_devices, 0);
	cgroups_plan_clear(&p);
	struct spec_device_rule rule = {false, 'a', -1, -1, "rwm"};
	r = (struct spec_resources){.present = true, .devices = &rule, .n_devices = 1};
	p = plan_ok(&r, BARE, true);
	ck_assert_ptr_nonnull(p.devices);
	cgroups_plan_clear(&p);
	rule.major = (int64_t)INT32_MAX + 1;
	plan_fails(&r, BARE, false,
		   "linux.resources.devices: [0].major: 2147483648 is out of range");
}
END_TEST

/* The v1 lines of the default rules, after a deny-all. */
static const struct want default_v1[] = {
    {"devices", "devices.allow", "c *:* m", 0, NULL, NULL},
    {"devices", "devices.allow", "b *:* m", 0, NULL, NULL},
    {"devices", "devices.allow", "c 1:3 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 1:8 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 1:7 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 5:0 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 1:5 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 1:9 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 136:* rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 5:2 rwm", 0, NULL, NULL},
    {"devices", "devices.allow", "c 10:200 rwm", 0, NULL, NULL},
};

START_TEST(test_devices_v1)
{
	struct spec_device_rule rules[] = {
	    {true, 'c', 4, 1, "r"},   /* moot: the deny-all after it resets everything */
	    {false, 'a', -1, -1, ""}, /* "" is rwm */
	    {true, 'a', 10, -1, "r"},
	    {false, 'c', 1, 3, "w"},
	};
	struct spec_resources r = {.present = true, .devices = rules, .n_devices = 4};
	struct cgroups_plan p = plan_ok(&r, DEVBOX, false);
	struct want w[4 + ARRAY_SIZE(default_v1)] = {
	    {"devices", "devices.deny", "a", 0, NULL, NULL},
	    {"devices", "devices.allow", "c 10:* r", 0, NULL, NULL},
	    {"devices", "devices.allow", "b 10:* r", 0, NULL, NULL},
	    {"devices", "devices.deny", "c 1:3 w", 0, NULL, NULL},
	};
	memcpy(w + 4, default_v1, sizeof(default_v1));
	expect(&p, w, ARRAY_SIZE(w), true);
	ck_assert_ptr_nonnull(p.devices);
	cgroups_plan_clear(&p);
	/* privileged: allow everything, the defaults then change nothing */
	struct spec_device_rule all = {true, 'a', -1, -1, "rwm"};
	r = (struct spec_resources){.present = true, .devices = &all, .n_devices = 1};
	p = plan_ok(&r, DEVBOX, false);
	w[0] = (struct want){"devices", "devices.allow", "a", 0, NULL, NULL};
	memcpy(w + 1, default_v1, sizeof(default_v1));
	expect(&p, w, 1 + ARRAY_SIZE(default_v1), true);
	cgroups_plan_clear(&p);
	/* no rules at all: deny by default, as the BPF program */
	r = (struct spec_resources){0};
	p = plan_ok(&r, UBUNTU, false);
	w[0] = (struct want){"devices", "devices.deny", "a", 0, NULL, NULL};
	expect(&p, w, 1 + ARRAY_SIZE(default_v1), true);
	cgroups_plan_clear(&p);
	/* a unified host has no devices files */
	p = plan_ok(&r, UNIFIED, false);
	expect(&p, NULL, 0, true);
	cgroups_plan_clear(&p);
}
END_TEST

START_TEST(test_drop_v1_devices)
{
	/* rootless: the devices writes go, the others stay in order, the BPF program stays */
	struct spec_device_rule deny = {false, 'a', -1, -1, "rwm"};
	struct spec_resources r = {.present = true,
				   .devices = &deny,
				   .n_devices = 1,
				   .has_memory = true,
				   .memory = {.limit = I64(1 << 20)},
				   .pids_limit = I64(10)};
	struct cgroups_plan p = plan_ok(&r, DEVBOX, false);
	size_t before = p.n_writes;
	ck_assert_uint_eq(cgroups_plan_drop_v1(&p, "devices"), 1 + ARRAY_SIZE(default_v1));
	ck_assert_uint_eq(p.n_writes, before - 1 - ARRAY_SIZE(default_v1));
	for (size_t i = 0; i < p.n_writes; i++)
		ck_assert_msg(!p.writes[i].v1 || strcmp(p.writes[i].v1, "devices"), "write %zu", i);
	ck_assert_str_eq(p.writes[0].file, "memory.limit_in_bytes");
	ck_assert_str_eq(p.writes[p.n_writes - 1].file, "pids.max");
	ck_assert_ptr_nonnull(p.devices);
	ck_assert_uint_eq(cgroups_plan_drop_v1(&p, "devices"), 0);
	cgroups_plan_clear(&p);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_plan_io");
	TCase *tc = tcase_create("io");
	tcase_add_test(tc, test_blkio_v2);
	tcase_add_test(tc, test_blkio_v1);
	tcase_add_test(tc, test_blkio_unset_and_unavailable);
	tcase_add_test(tc, test_hugetlb);
	tcase_add_test(tc, test_hugetlb_errors);
	tcase_add_test(tc, test_rdma);
	tcase_add_test(tc, test_network);
	suite_add_tcase(s, tc);
	tc = tcase_create("unified and devices");
	tcase_add_test(tc, test_unified);
	tcase_add_loop_test(tc, test_unified_errors, 0, (int)ARRAY_SIZE(unified_errors));
	tcase_add_test(tc, test_devices_program_presence);
	tcase_add_test(tc, test_devices_v1);
	tcase_add_test(tc, test_drop_v1_devices);
	suite_add_tcase(s, tc);
	return s;
}
