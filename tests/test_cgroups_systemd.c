// SPDX-License-Identifier: Apache-2.0
/* The systemd driver's pure parts: linux.cgroupsPath in runc's slice:prefix:name form
 * (unit, slice, nesting, the cgroup path, errors), the state record's unit line, the
 * D-Bus property lists for create and update (exact lists, in order), the cpu quota
 * rounding shared with the files, the device rules as DeviceAllow, the
 * org.systemd.property.* annotations, the bus addresses tried, and libsystemd loaded
 * only by the first connection. */
#include "test_cgroups.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

Suite *test_suite(void);

/* ---- slices and paths ---- */

START_TEST(test_slice_path)
{
	static const struct {
		const char *slice, *path;
	} cases[] = {
	    {"system.slice", "/system.slice"},
	    {"-.slice", "/"},
	    {"machine.slice", "/machine.slice"},
	    {"kubepods-burstable-pod1234.slice",
	     "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice"},
	    {"a-b.slice", "/a.slice/a-b.slice"},
	    {"a--b.slice", NULL},
	    {"-a.slice", NULL},
	    {"a-.slice", NULL},
	    {".slice", NULL},
	    {"system.scope", NULL},
	    {"a/b.slice", NULL},
	    {"system", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = cgroups_slice_path(cases[i].slice);
		if (!cases[i].path)
			ck_assert_msg(!p, "%s: got %s", cases[i].slice, p);
		else
			ck_assert_msg(p && !strcmp(p, cases[i].path), "%s: got %s, want %s",
				      cases[i].slice, p ? p : "NULL", cases[i].path);
		free(p);
	}
}
END_TEST

static struct cgroups_cgroup resolve_sd(const struct cgroups_host *h, const char *path,
					const char *id, const struct cgroups_driver *d)
{
	struct cgroups_cgroup cg;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_path_resolve(h, path, id, d, &cg, &err) == 0, "%s: %s",
		      path ? path : "(null)", err.msg);
	return cg;
}

START_TEST(test_resolve_systemd)
{
	struct cgroups_host h = host(UNIFIED);
	struct cgroups_driver d = {.systemd = true};
	struct cgroups_cgroup cg = resolve_sd(&h, "system.slice:docker:abc", "x", &d);
	ck_assert_str_eq(cg.unit.name, "docker-abc.scope");
	ck_assert_str_eq(cg.unit.slice, "system.slice");
	ck_assert_int_eq(cg.unit.manager, CGROUPS_MANAGER_SYSTEM);
	ck_assert_str_eq(cg.v2.path, "/system.slice/docker-abc.scope");
	ck_assert_int_eq(cg.v2.fd, -1);
	ck_assert_int_eq(cg.n_v1, 0);
	cgroups_cgroup_clear(&cg);
	/* an empty slice is system.slice; no cgroupsPath is runc's default with brig's prefix */
	cg = resolve_sd(&h, ":libpod:123", "x", &d);
	ck_assert_str_eq(cg.unit.name, "libpod-123.scope");
	ck_assert_str_eq(cg.v2.path, "/system.slice/libpod-123.scope");
	cgroups_cgroup_clear(&cg);
	cg = resolve_sd(&h, NULL, "c1", &d);
	ck_assert_str_eq(cg.unit.name, "brig-c1.scope");
	ck_assert_str_eq(cg.unit.slice, "system.slice");
	ck_assert_str_eq(cg.v2.path, "/system.slice/brig-c1.scope");
	cgroups_cgroup_clear(&cg);
	/* Kubernetes: the pod's slice nests as systemd nests it */
	cg = resolve_sd(&h, "kubepods-burstable-pod12ab.slice:cri-containerd:c0ffee", "x", &d);
	ck_assert_str_eq(cg.unit.name, "cri-containerd-c0ffee.scope");
	ck_assert_str_eq(cg.v2.path,
			 "/kubepods.slice/kubepods-burstable.slice/"
			 "kubepods-burstable-pod12ab.slice/cri-containerd-c0ffee.scope");
	cgroups_cgroup_clear(&cg);
	/* a name ending in .slice is a slice of its own (kubelet's pod slices), placed by its
	 * own name as systemd places slices */
	cg = resolve_sd(&h, "kubepods.slice::kubepods-besteffort.slice", "x", &d);
	ck_assert_str_eq(cg.unit.name, "kubepods-besteffort.slice");
	ck_assert_str_eq(cg.unit.slice, "kubepods.slice");
	ck_assert_str_eq(cg.v2.path, "/kubepods.slice/kubepods-besteffort.slice");
	cgroups_cgroup_clear(&cg);
	cg = resolve_sd(&h, "system.slice::own.slice", "x", &d);
	ck_assert_str_eq(cg.v2.path, "/own.slice");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_resolve_systemd_user_and_hybrid)
{
	struct cgroups_host h = host(UNIFIED);
	struct cgroups_driver d = {.systemd = true,
				   .manager = CGROUPS_MANAGER_USER,
				   .manager_cgroup =
				       "/user.slice/user-1000.slice/user@1000.service"};
	struct cgroups_cgroup cg = resolve_sd(&h, ":podman:abc", "x", &d);
	ck_assert_str_eq(cg.unit.slice, "user.slice");
	ck_assert_int_eq(cg.unit.manager, CGROUPS_MANAGER_USER);
	ck_assert_str_eq(
	    cg.v2.path,
	    "/user.slice/user-1000.slice/user@1000.service/user.slice/podman-abc.scope");
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
	/* hybrid: the same path in every v1 hierarchy */
	h = host(UBUNTU);
	d = (struct cgroups_driver){.systemd = true};
	cg = resolve_sd(&h, "system.slice:docker:abc", "x", &d);
	ck_assert_uint_eq(cg.n_v1, h.n_v1);
	for (size_t i = 0; i < cg.n_v1; i++) {
		ck_assert_str_eq(cg.v1[i].path, "/system.slice/docker-abc.scope");
		ck_assert_str_eq(cg.v1[i].hierarchy, h.v1[i].controllers);
		ck_assert_int_eq(cg.v1[i].fd, -1);
	}
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

START_TEST(test_record_unit)
{
	struct cgroups_host h = host(UBUNTU);
	struct cgroups_driver d = {.systemd = true};
	struct cgroups_cgroup cg = resolve_sd(&h, "machine.slice:libpod:abc", "x", &d);
	cg.v1[1].created = 1;
	char *rec = cgroups_record(&cg);
	ck_assert_ptr_nonnull(strstr(rec, "\nsystemd system libpod-abc.scope machine.slice\n"));
	struct cgroups_cgroup back;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_record_parse(rec, &back, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(back.unit.name, "libpod-abc.scope");
	ck_assert_str_eq(back.unit.slice, "machine.slice");
	ck_assert_int_eq(back.unit.manager, CGROUPS_MANAGER_SYSTEM);
	ck_assert_str_eq(back.v2.path, "/machine.slice/libpod-abc.scope");
	ck_assert_uint_eq(back.n_v1, cg.n_v1);
	ck_assert_uint_eq(back.v1[1].created, 1);
	cgroups_cgroup_clear(&back);
	ck_assert_int_eq(
	    cgroups_record_parse("unified 0 /a\nsystemd weird x.scope s.slice\n", &back, &err), -1);
	ck_assert_str_eq(err.msg, "cgroup record: bad line \"systemd weird x.scope s.slice\"");
	free(rec);
	cgroups_cgroup_clear(&cg);
	/* a cgroupfs record has no unit */
	ck_assert_int_eq(cgroups_record_parse("unified 1 /brig/x\n", &back, &err), 0);
	ck_assert_ptr_null(back.unit.name);
	cgroups_cgroup_clear(&back);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- properties ---- */

/* The properties, one "NAME TYPE VALUE" each, compared with want (NULL-terminated). */
static void expect_props(const struct cgroups_props *p, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	for (size_t i = 0; i < p->n || i < n; i++) {
		char *got = i < p->n ? cgroups_prop_format(&p->v[i]) : xstrdup("(none)");
		if (i >= n || strcmp(got, want[i])) {
			for (size_t j = 0; j < p->n; j++) {
				char *x = cgroups_prop_format(&p->v[j]);
				fprintf(stderr, "  [%zu] %s (%s)\n", j, x, p->v[j].field);
				free(x);
			}
			ck_abort_msg("property %zu: got \"%s\", want \"%s\"", i, got,
				     i < n ? want[i] : "(none)");
		}
		free(got);
	}
}

struct built {
	struct cgroups_plan plan;
	struct cgroups_props props;
};

static struct built build(const struct spec_resources *r, enum host_kind k, const char *path,
			  const struct spec_kv *ann, size_t n_ann, bool update)
{
	struct cgroups_host h = host(k);
	struct cgroups_driver d = {.systemd = true};
	struct cgroups_cgroup cg = resolve_sd(&h, path, "x", &d);
	struct built b;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_plan(r, &h, update, &b.plan, &err) == 0, "%s", err.msg);
	ck_assert_msg(
	    cgroups_systemd_props(&h, &cg, r, ann, n_ann, update, &b.plan, &b.props, &err) == 0,
	    "%s", err.msg);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
	return b;
}

static void built_clear(struct built *b)
{
	cgroups_plan_clear(&b->plan);
	cgroups_props_clear(&b->props);
}

/* The default device rules (runc's): /dev/null & co, mknod of anything, ptys, tun. */
#define DEFAULT_DEVICES                                                                            \
	"DeviceAllow a(ss) ", "DevicePolicy s strict",                                             \
	    "DeviceAllow a(ss) char-* m\nblock-* m\n/dev/char/1:3 rwm\n/dev/char/1:8 rwm\n"        \
	    "/dev/char/1:7 rwm\n/dev/char/5:0 rwm\n/dev/char/1:5 rwm\n/dev/char/1:9 rwm\n"         \
	    "char-136 rwm\n/dev/char/5:2 rwm\n/dev/char/10:200 rwm"

#define UNIT_PROPS(unit)                                                                           \
	"Description s brig container " unit, "Slice s system.slice", "Delegate b true",           \
	    "MemoryAccounting b true", "CPUAccounting b true", "IOAccounting b true",              \
	    "TasksAccounting b true", "DefaultDependencies b false"

/* What docker run --memory=512m --memory-swap=1g --cpus=1 --pids-limit=50
 * --cpu-shares=512 --cpuset-cpus=0-1 --blkio-weight=300 sends. */
START_TEST(test_props_docker_run)
{
	struct spec_resources r = {
	    .present = true,
	    .has_memory = true,
	    .memory = {.limit = I64(536870912), .swap = I64(1073741824), .reservation = I64(0)},
	    .has_cpu = true,
	    .cpu = {.shares = U64(512),
		    .quota = I64(100000),
		    .period = U64(100000),
		    .cpus = "0-1",
		    .mems = ""},
	    .pids_limit = I64(50),
	    .has_blkio = true,
	    .blkio = {.weight = U64(300)},
	};
	struct built b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, false);
	const char *const want[] = {UNIT_PROPS("docker-abc.scope"),
				    DEFAULT_DEVICES,
				    "MemoryMax t 536870912",
				    "MemorySwapMax t 536870912",
				    "TasksMax t 50",
				    "CPUWeight t 59",
				    "AllowedCPUs ay 03",
				    "IOWeight t 2930",
				    "CPUQuotaPeriodUSec t 100000",
				    "CPUQuotaPerSecUSec t 1000000",
				    NULL};
	expect_props(&b.props, want);
	built_clear(&b);
}
END_TEST

/* systemd keeps the quota per second in whole percent: rounded up, and the file too. */
START_TEST(test_props_quota_rounding)
{
	struct spec_resources r =
	    cpu((struct spec_cpu){.quota = I64(123400), .period = U64(100000)});
	struct built b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want[] = {"CPUQuotaPeriodUSec t 100000", "CPUQuotaPerSecUSec t 1240000",
				    NULL};
	expect_props(&b.props, want);
	const struct want w[] = {{NULL, "cpu.max", "124000 100000", 0, NULL, NULL}};
	expect(&b.plan, w, ARRAY_SIZE(w), false);
	built_clear(&b);
	/* a quota alone: the default period; 50% stays as it is */
	r = cpu((struct spec_cpu){.quota = I64(50000)});
	b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want2[] = {"CPUQuotaPerSecUSec t 500000", NULL};
	expect_props(&b.props, want2);
	const struct want w2[] = {{NULL, "cpu.max", "50000", 0, NULL, NULL}};
	expect(&b.plan, w2, ARRAY_SIZE(w2), false);
	built_clear(&b);
	/* unlimited again (update -1): infinity */
	r = cpu((struct spec_cpu){.quota = I64(-1), .period = U64(100000)});
	b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want3[] = {"CPUQuotaPeriodUSec t 100000",
				     "CPUQuotaPerSecUSec t 18446744073709551615", NULL};
	expect_props(&b.props, want3);
	built_clear(&b);
	/* a period alone, not resolved against the file: the period only */
	r = cpu((struct spec_cpu){.period = U64(200000)});
	b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want4[] = {"CPUQuotaPeriodUSec t 200000", NULL};
	expect_props(&b.props, want4);
	built_clear(&b);
}
END_TEST

/* update: only what changes, no unit properties, devices only when the update has rules. */
START_TEST(test_props_update)
{
	struct spec_resources r = {
	    .present = true,
	    .has_memory = true,
	    .memory = {.limit = I64(268435456), .swap = I64(536870912), .kernel = I64(0)},
	    .has_cpu = true,
	    .cpu = {.quota = I64(0), .period = U64(0), .shares = U64(0)},
	    .pids_limit = I64(100),
	};
	struct built b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want[] = {"MemoryMax t 268435456", "MemorySwapMax t 268435456",
				    "TasksMax t 100", NULL};
	expect_props(&b.props, want);
	built_clear(&b);
	/* -1: back to unlimited (infinity), swap with it */
	r = mem((struct spec_memory){.limit = I64(-1)});
	b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want2[] = {"MemoryMax t 18446744073709551615",
				     "MemorySwapMax t 18446744073709551615", NULL};
	expect_props(&b.props, want2);
	built_clear(&b);
}
END_TEST

/* linux.resources.unified keys systemd has a property for, and the pids limit 0. */
START_TEST(test_props_unified_and_pids)
{
	struct spec_kv unified[] = {{"memory.high", "1000000"}, {"memory.min", "4096"},
				    {"cpu.weight", "300"},	{"io.weight", "50"},
				    {"cpuset.mems", "0"},	{"hugetlb.2MB.max", "0"}};
	struct spec_resources r = {.present = true, .unified = unified, .n_unified = 6};
	struct built b = build(&r, UNIFIED, "machine.slice:libpod:abc", NULL, 0, true);
	const char *const want[] = {"MemoryHigh t 1000000",	"MemoryMin t 4096",
				    "CPUWeight t 300",		"IOWeight t 50",
				    "AllowedMemoryNodes ay 01", NULL};
	expect_props(&b.props, want);
	built_clear(&b);
	/* memory.oom.group is OOMPolicy, at create only */
	struct spec_kv oom_group[] = {{"memory.oom.group", "1"}};
	r = (struct spec_resources){.present = true, .unified = oom_group, .n_unified = 1};
	b = build(&r, UNIFIED, "machine.slice:libpod:abc", NULL, 0, true);
	ck_assert_uint_eq(b.props.n, 0);
	built_clear(&b);
	b = build(&r, UNIFIED, "machine.slice:libpod:abc", NULL, 0, false);
	char *oom = cgroups_prop_format(&b.props.v[b.props.n - 1]);
	ck_assert_str_eq(oom, "OOMPolicy s kill");
	free(oom);
	built_clear(&b);
	/* pids.max 0 (no new task) is TasksMax=1, the least systemd keeps */
	r = (struct spec_resources){.present = true, .pids_limit = I64(0)};
	b = build(&r, UNIFIED, "machine.slice:libpod:abc", NULL, 0, false);
	char *last = cgroups_prop_format(&b.props.v[b.props.n - 1]);
	ck_assert_str_eq(last, "TasksMax t 1");
	free(last);
	const struct want w[] = {{NULL, "pids.max", "0", 0, NULL, NULL}};
	expect(&b.plan, w, ARRAY_SIZE(w), false);
	built_clear(&b);
}
END_TEST

/* A hybrid host: runc's v1 property names. */
START_TEST(test_props_hybrid)
{
	struct spec_resources r = {
	    .present = true,
	    .has_memory = true,
	    .memory = {.limit = I64(536870912)},
	    .has_cpu = true,
	    .cpu = {.shares = U64(512), .quota = I64(50000), .period = U64(100000)},
	    .pids_limit = I64(50),
	    .has_blkio = true,
	    .blkio = {.weight = U64(300)},
	};
	struct built b = build(&r, UBUNTU, "system.slice:docker:abc", NULL, 0, false);
	const char *const want[] = {"Description s brig container docker-abc.scope",
				    "Slice s system.slice",
				    "Delegate b true",
				    "MemoryAccounting b true",
				    "CPUAccounting b true",
				    "BlockIOAccounting b true",
				    "TasksAccounting b true",
				    "DefaultDependencies b false",
				    DEFAULT_DEVICES,
				    "MemoryLimit t 536870912",
				    "TasksMax t 50",
				    "CPUShares t 512",
				    "BlockIOWeight t 300",
				    "CPUQuotaPeriodUSec t 100000",
				    "CPUQuotaPerSecUSec t 500000",
				    NULL};
	expect_props(&b.props, want);
	built_clear(&b);
}
END_TEST

/* Device rules: allow-all is DevicePolicy=auto; what systemd cannot say widens. */
START_TEST(test_props_devices)
{
	struct spec_device_rule all[] = {{true, 'a', -1, -1, "rwm"}};
	struct spec_resources r = {.present = true, .devices = all, .n_devices = 1};
	struct built b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	const char *const want[] = {"DeviceAllow a(ss) ", "DevicePolicy s auto", NULL};
	expect_props(&b.props, want);
	built_clear(&b);
	struct spec_device_rule some[] = {{false, 'a', -1, -1, "rwm"},
					  {true, 'c', -1, 5, "r"},
					  {true, 'b', 8, -1, "mr"},
					  {true, 'a', 4, 2, ""},
					  {true, 'c', 1, 3, "wr"}};
	r = (struct spec_resources){.present = true, .devices = some, .n_devices = 5};
	b = build(&r, UNIFIED, "system.slice:docker:abc", NULL, 0, true);
	ck_assert_uint_eq(b.props.n, 3);
	ck_assert_str_eq(
	    b.props.v[2].value,
	    "char-* r\nblock-8 rm\n/dev/char/4:2 rwm\n/dev/block/4:2 rwm\n/dev/char/1:3 rw\n"
	    "char-* m\nblock-* m\n/dev/char/1:3 rwm\n/dev/char/1:8 rwm\n"
	    "/dev/char/1:7 rwm\n/dev/char/5:0 rwm\n/dev/char/1:5 rwm\n"
	    "/dev/char/1:9 rwm\nchar-136 rwm\n/dev/char/5:2 rwm\n/dev/char/10:200 rwm");
	built_clear(&b);
}
END_TEST

/* ---- annotations ---- */

START_TEST(test_annotations)
{
	struct spec_kv ann[] = {
	    {"org.systemd.property.TimeoutStopSec", "5"},
	    {"org.systemd.property.TasksMax", "100"},
	    {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
	    {"org.systemd.property.SendSIGHUP", "true"},
	    {"org.systemd.property.After", "['a.service', \"b.socket\"]"},
	    {"org.systemd.property.AllowedCPUs", "'0-3,7'"},
	    {"org.systemd.property.RuntimeMaxUSec", "uint64 7"},
	    {"org.systemd.property.KillSignal", "@i 9"},
	    {"org.systemd.property.CPUWeight", "@t 5"},
	    {"org.systemd.property.Whatever", "3000000000"},
	    {"org.systemd.property.RuntimeMaxSec", "1.5"},
	    {"io.kubernetes.cri.container-type", "container"},
	};
	struct spec_resources r = {0};
	struct built b = build(&r, UNIFIED, "system.slice:docker:abc", ann, ARRAY_SIZE(ann), false);
	const char *const want[] = {UNIT_PROPS("docker-abc.scope"),
				    DEFAULT_DEVICES,
				    "TimeoutStopUSec t 5000000",
				    "TasksMax t 100",
				    "CollectMode s inactive-or-failed",
				    "SendSIGHUP b true",
				    "After as a.service\nb.socket",
				    "AllowedCPUs ay 8f",
				    "RuntimeMaxUSec t 7",
				    "KillSignal i 9",
				    "CPUWeight t 5",
				    "Whatever x 3000000000",
				    "RuntimeMaxUSec t 1500000",
				    NULL};
	expect_props(&b.props, want);
	ck_assert_str_eq(b.props.v[b.props.n - 1].field, "org.systemd.property.RuntimeMaxSec");
	built_clear(&b);
	/* at update annotations are not read (SetUnitProperties is for resources) */
	b = build(&r, UNIFIED, "system.slice:docker:abc", ann, ARRAY_SIZE(ann), true);
	ck_assert_uint_eq(b.props.n, 0);
	built_clear(&b);
}
END_TEST

static const struct {
	const char *key, *value, *msg;
} bad_annotations[] = {
    {"org.systemd.property.TasksMax", "'lots'",
     "annotation org.systemd.property.TasksMax: TasksMax is of type uint64 (D-Bus t), not "
     "\"'lots'\""},
    {"org.systemd.property.TasksMax", "-5",
     "annotation org.systemd.property.TasksMax: \"-5\" is out of range for TasksMax (uint64)"},
    {"org.systemd.property.KillSignal", "'KILL'",
     "annotation org.systemd.property.KillSignal: KillSignal is of type int32 (D-Bus i), not "
     "\"'KILL'\""},
    {"org.systemd.property.KillSignal", "uint64 5000000000",
     "annotation org.systemd.property.KillSignal: \"uint64 5000000000\" is out of range for "
     "KillSignal (int32)"},
    {"org.systemd.property.SendSIGHUP", "yes",
     "annotation org.systemd.property.SendSIGHUP: \"yes\" is not a GVariant value (true, "
     "'text', ['a', 'b'], 42, uint64 42, @t 42)"},
    {"org.systemd.property.SendSIGHUP", "1",
     "annotation org.systemd.property.SendSIGHUP: SendSIGHUP is of type boolean (D-Bus b), not "
     "\"1\""},
    {"org.systemd.property.Description", "'open",
     "annotation org.systemd.property.Description: \"'open\" is not a GVariant value (true, "
     "'text', ['a', 'b'], 42, uint64 42, @t 42)"},
    {"org.systemd.property.Foo_Bar", "1",
     "annotation org.systemd.property.Foo_Bar: a property name is 3 or more ASCII letters "
     "(org.systemd.property.TimeoutStopUSec)"},
    {"org.systemd.property.TimeoutStopSec", "'soon'",
     "annotation org.systemd.property.TimeoutStopSec: TimeoutStopUSec is of type uint64 (D-Bus "
     "t), not \"'soon'\""},
    {"org.systemd.property.AllowedCPUs", "'0-x'",
     "annotation org.systemd.property.AllowedCPUs: \"'0-x'\" is not a CPU list such as "
     "'0-3,7'"},
    {"org.systemd.property.Foo", "[1, 2]",
     "annotation org.systemd.property.Foo: \"[1, 2]\": this type is not supported"},
    {"org.systemd.property.Foo", "99999999999999999999",
     "annotation org.systemd.property.Foo: \"99999999999999999999\" is out of range"},
};

START_TEST(test_annotation_errors)
{
	struct cgroups_host h = host(UNIFIED);
	struct cgroups_driver d = {.systemd = true};
	struct cgroups_cgroup cg = resolve_sd(&h, NULL, "x", &d);
	struct spec_kv kv = {(char *)bad_annotations[_i].key, (char *)bad_annotations[_i].value};
	struct spec_resources r = {0};
	struct cgroups_plan plan = {0};
	struct cgroups_props props;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_systemd_props(&h, &cg, &r, &kv, 1, false, &plan, &props, &err),
			 -1);
	ck_assert_str_eq(err.msg, bad_annotations[_i].msg);
	cgroups_cgroup_clear(&cg);
	cgroups_host_clear(&h);
}
END_TEST

/* ---- where systemd answers ---- */

START_TEST(test_addresses)
{
	struct cgroups_bus_addresses a;
	cgroups_systemd_addresses(CGROUPS_MANAGER_SYSTEM, 0, NULL, NULL, NULL, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(a.address[0], "unix:path=/run/dbus/system_bus_socket");
	ck_assert(a.bus[0]);
	ck_assert_str_eq(a.address[1], "unix:path=/run/systemd/private");
	ck_assert(!a.bus[1]);
	cgroups_bus_addresses_clear(&a);
	/* not root: the private socket is root's only; DBUS_SYSTEM_BUS_ADDRESS wins */
	cgroups_systemd_addresses(CGROUPS_MANAGER_SYSTEM, 1000, "unix:path=/x", NULL, NULL, &a);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(a.address[0], "unix:path=/x");
	cgroups_bus_addresses_clear(&a);
	/* the user manager: the session bus, then its private socket */
	cgroups_systemd_addresses(CGROUPS_MANAGER_USER, 1000, NULL, NULL, "/run/user/1000", &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(a.address[0], "unix:path=/run/user/1000/bus");
	ck_assert(a.bus[0]);
	ck_assert_str_eq(a.address[1], "unix:path=/run/user/1000/systemd/private");
	ck_assert(!a.bus[1]);
	cgroups_bus_addresses_clear(&a);
	cgroups_systemd_addresses(CGROUPS_MANAGER_USER, 1000, NULL, "unix:path=/s", NULL, &a);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(a.address[0], "unix:path=/s");
	cgroups_bus_addresses_clear(&a);
	cgroups_systemd_addresses(CGROUPS_MANAGER_USER, 1000, NULL, NULL, NULL, &a);
	ck_assert_uint_eq(a.n, 0);
}
END_TEST

/* libsystemd is loaded by the first connection, not at brig's start (systemd_lib.c):
 * a manager that does not answer then fails in sd_bus_start, through the library. */
START_TEST(test_sdlib_lazy)
{
	ck_assert_ptr_null(dlopen("libsystemd.so.0", RTLD_NOW | RTLD_NOLOAD));
	char dir[] = "/tmp/brig-test-sdlib.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("XDG_RUNTIME_DIR", dir, 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	struct brig_error err = {0};
	char *cgroup = NULL;
	ck_assert_int_eq(cgroups_systemd_manager_cgroup(CGROUPS_MANAGER_USER, &cgroup, &err), -1);
	char want[512];
	snprintf(want, sizeof(want),
		 "cannot reach the user's systemd over D-Bus (unix:path=%s/bus: No such file or "
		 "directory; unix:path=%s/systemd/private: No such file or directory)",
		 dir, dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.errnum, ENOENT);
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_NOLOAD);
	ck_assert_ptr_nonnull(h);
	dlclose(h);
	rmdir(dir);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_systemd");
	TCase *tc = tcase_create("systemd");
	tcase_add_test(tc, test_slice_path);
	tcase_add_test(tc, test_resolve_systemd);
	tcase_add_test(tc, test_resolve_systemd_user_and_hybrid);
	tcase_add_test(tc, test_record_unit);
	tcase_add_test(tc, test_props_docker_run);
	tcase_add_test(tc, test_props_quota_rounding);
	tcase_add_test(tc, test_props_update);
	tcase_add_test(tc, test_props_unified_and_pids);
	tcase_add_test(tc, test_props_hybrid);
	tcase_add_test(tc, test_props_devices);
	tcase_add_test(tc, test_annotations);
	tcase_add_loop_test(tc, test_annotation_errors, 0, ARRAY_SIZE(bad_annotations));
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_sdlib_lazy);
	suite_add_tcase(s, tc);
	return s;
}
