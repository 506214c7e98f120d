// SPDX-License-Identifier: Apache-2.0
/* config.json: spec_parse, then what `brig create` and `brig check` compute
 * from the parsed config without touching the host: the findings of every
 * rule (and their text and JSON), each mount's options, and, on a unified
 * and on a hybrid host, where cgroupsPath puts the cgroup and the plan of
 * its writes. */
#include "cgroups/cgroups.h"
#include "fuzz.h"
#include "spec/spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Fedora: cgroup2 only, every controller. */
static const char unified_info[] =
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";
static const char unified_cgroup[] = "0::/user.slice/user-1000.slice/session-2.scope\n";
static const char unified_controllers[] = "cpuset cpu io memory hugetlb pids rdma misc\n";

/* Ubuntu 20.04: v1 controllers (co-mounted ones too) beside an empty cgroup2. */
static const char hybrid_info[] =
    "25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw\n"
    "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,name=systemd\n"
    "28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
    "29 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw shared:13 - cgroup cgroup "
    "rw,net_cls,net_prio\n"
    "30 25 0:28 / /sys/fs/cgroup/memory rw shared:14 - cgroup cgroup rw,memory\n"
    "31 25 0:29 / /sys/fs/cgroup/cpuset rw shared:15 - cgroup cgroup rw,cpuset\n"
    "32 25 0:30 / /sys/fs/cgroup/blkio rw shared:16 - cgroup cgroup rw,blkio\n"
    "33 25 0:31 / /sys/fs/cgroup/pids rw shared:17 - cgroup cgroup rw,pids\n"
    "34 25 0:32 / /sys/fs/cgroup/devices rw shared:18 - cgroup cgroup rw,devices\n"
    "35 25 0:33 / /sys/fs/cgroup/hugetlb rw shared:19 - cgroup cgroup rw,hugetlb\n"
    "36 25 0:34 / /sys/fs/cgroup/rdma rw shared:20 - cgroup cgroup rw,rdma\n"
    "37 25 0:35 / /sys/fs/cgroup/freezer rw shared:21 - cgroup cgroup rw,freezer\n";
static const char hybrid_cgroup[] = "12:cpuset:/\n11:memory:/user.slice\n4:net_cls,net_prio:/\n"
				    "3:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice\n0::/\n";

static struct cgroups_host hosts[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct brig_error err = {0};
	(void)argc;
	(void)argv;
	if (cgroups_host_parse(unified_info, unified_cgroup, unified_controllers, &hosts[0], &err) <
		0 ||
	    cgroups_host_parse(hybrid_info, hybrid_cgroup, "", &hosts[1], &err) < 0) {
		fprintf(stderr, "fuzz_config: %s\n", err.msg);
		abort();
	}
	return 0;
}

static void check(const struct spec *s)
{
	static const char *const state_dirs[] = {"/run/brig", NULL};
	const struct spec_check_host host = {.apparmor = true, .state_dirs = state_dirs};
	struct spec_finding *f = NULL;
	size_t n = 0;
	spec_check(s, &host, &f, &n);
	(void)spec_findings_count(f, n, SPEC_SEV_LOW);
	free(spec_check_format_text(f, n));
	free(spec_check_format_json(f, n));
	spec_findings_free(f, n);
}

static void mount_options(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct spec_mount_opts o;
		struct brig_error err = {0};
		if (spec_mount_opts_parse(s->mounts[i].options, &o, &err) == 0)
			spec_mount_opts_free(&o);
	}
}

/* Where the cgroup goes and what create writes there; the record of the
 * cgroup must read back as itself. */
static void cgroup(const struct spec *s, const struct cgroups_host *h)
{
	struct cgroups_cgroup cg, again;
	struct cgroups_plan p = {0};
	struct brig_error err = {0};
	if (cgroups_path_resolve(h, s->linux.cgroups_path, "fuzz-id", NULL, &cg, &err) == 0) {
		_cleanup_free_ char *rec = cgroups_record(&cg);
		if (cgroups_record_parse(rec, &again, &err) < 0)
			fuzz_fail("the record of cgroupsPath '%s' does not parse: %s\n%s",
				  s->linux.cgroups_path, err.msg, rec);
		_cleanup_free_ char *rec2 = cgroups_record(&again);
		fuzz_same("cgroup record", rec, rec2);
		cgroups_cgroup_clear(&again);
		cgroups_cgroup_clear(&cg);
	}
	if (cgroups_plan(&s->linux.resources, h, false, &p, &err) == 0)
		cgroups_plan_clear(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/run/fuzz/bundle", &err);
	if (!s)
		return 0;
	check(s);
	mount_options(s);
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++)
		cgroup(s, &hosts[i]);
	spec_free(s);
	return 0;
}
