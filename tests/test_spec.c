// SPDX-License-Identifier: Apache-2.0
/* spec: config.json and process.json parsing, names, the default config. */
#include "spec/spec.h"

#include <check.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>

Suite *test_suite(void);

/* Test configs are written with ' for " to stay readable in C; these
 * build one around the part under test. */
#define BASE "'ociVersion':'1.3.0','root':{'path':'r'}"
#define CFG(x) "{" BASE "," x "}"
#define PROC(x) CFG("'process':{'args':['sh'],'cwd':'/'," x "}")
#define LNX(x) CFG("'linux':{" x "}")
#define NS(...) "'namespaces':[" __VA_ARGS__ "]"
#define RES(x) LNX("'resources':{" x "}")
#define SCMP(x) LNX("'seccomp':{" x "}")
#define E "config.json: "

static char *unquote(const char *q)
{
	char *t = xstrdup(q);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static struct spec *parse_q(const char *q, struct brig_error *err)
{
	_cleanup_free_ char *text = unquote(q);
	return spec_parse(text, "config.json", "/bundles/b", err);
}

static struct spec *load_data(const char *file)
{
	_cleanup_free_ char *path = path_join(TEST_DATA_DIR, file);
	_cleanup_free_ char *text = NULL;
	struct brig_error err = {0};
	ck_assert_msg(read_file_at(AT_FDCWD, path, &text, NULL, &err) == 0, "%s", err.msg);
	struct spec *s = spec_parse(text, "config.json", "/bundles/b", &err);
	ck_assert_msg(s != NULL, "%s: %s", file, err.msg);
	return s;
}

#define BIT(cap) (UINT64_C(1) << (cap))

/* ---- valid configs ---- */

START_TEST(test_minimal)
{
	struct spec *s = load_data("minimal.json");
	ck_assert_str_eq(s->oci_version, "1.0.2");
	ck_assert_str_eq(s->bundle, "/bundles/b");
	ck_assert_str_eq(s->root.path, "rootfs");
	ck_assert_str_eq(s->root.abs_path, "/bundles/b/rootfs");
	ck_assert(!s->root.readonly);
	ck_assert(s->has_process);
	ck_assert_str_eq(s->process.args[0], "/bin/true");
	ck_assert_ptr_null(s->process.args[1]);
	ck_assert_str_eq(s->process.cwd, "/");
	ck_assert_ptr_null(s->process.env);
	ck_assert(!s->process.capabilities.present);
	ck_assert(!s->process.oom_score_adj.set);
	ck_assert(!s->process.user.umask.set);
	ck_assert_uint_eq(s->process.user.uid, 0);
	ck_assert_ptr_null(s->hostname);
	ck_assert_uint_eq(s->n_mounts, 0);
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		ck_assert(!s->linux.namespaces[t].present);
	ck_assert(!s->linux.resources.present);
	ck_assert(!s->linux.seccomp.present);
	ck_assert_uint_eq(s->linux.rootfs_propagation, 0);
	for (int k = 0; k < SPEC_HOOK_KINDS; k++)
		ck_assert_uint_eq(s->hooks[k].n, 0);
	spec_free(s);
}
END_TEST

START_TEST(test_full_process)
{
	struct spec *s = load_data("full.json");
	const struct spec_process *p = &s->process;
	ck_assert(p->terminal);
	ck_assert(p->console_size.set);
	ck_assert_uint_eq(p->console_size.height, 25);
	ck_assert_uint_eq(p->console_size.width, 80);
	ck_assert_uint_eq(p->user.uid, 1);
	ck_assert_uint_eq(p->user.gid, 2);
	ck_assert(p->user.umask.set);
	ck_assert_uint_eq(p->user.umask.value, 18);
	ck_assert_uint_eq(p->user.n_additional_gids, 3);
	ck_assert_uint_eq(p->user.additional_gids[1], 6);
	ck_assert_uint_eq(p->user.additional_gids[2], UINT32_MAX);
	ck_assert_str_eq(p->args[2], "echo hello");
	ck_assert_str_eq(p->env[2], "EMPTY=");
	ck_assert_ptr_null(p->env[3]);
	ck_assert_str_eq(p->cwd, "/root");
	ck_assert(p->capabilities.present);
	ck_assert_uint_eq(p->capabilities.bounding, BIT(29) | BIT(5) | BIT(10));
	ck_assert_uint_eq(p->capabilities.effective, BIT(5));
	ck_assert_uint_eq(p->capabilities.inheritable, BIT(0));
	ck_assert_uint_eq(p->capabilities.permitted, BIT(5) | BIT(21));
	ck_assert_uint_eq(p->capabilities.ambient, BIT(40));
	ck_assert_uint_eq(p->n_rlimits, 3);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p->rlimits[0].soft, 512);
	ck_assert_uint_eq(p->rlimits[0].hard, 1024);
	ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_CORE);
	ck_assert_uint_eq(p->rlimits[1].soft, UINT64_MAX); /* RLIM_INFINITY */
	ck_assert_uint_eq(p->rlimits[1].hard, UINT64_MAX);
	ck_assert_uint_eq(p->rlimits[2].hard, UINT64_C(9223372036854775808));
	ck_assert(p->no_new_privileges);
	ck_assert_str_eq(p->apparmor_profile, "acme_secure_profile");
	ck_assert_str_eq(p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675");
	ck_assert(p->oom_score_adj.set);
	ck_assert_int_eq(p->oom_score_adj.value, -500);
	ck_assert(p->scheduler.present);
	ck_assert_int_eq(p->scheduler.policy, SPEC_SCHED_DEADLINE);
	ck_assert_int_eq(p->scheduler.nice, -5);
	ck_assert_int_eq(p->scheduler.priority, 3);
	ck_assert_uint_eq(p->scheduler.flags, SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_UTIL_CLAMP_MAX);
	ck_assert_uint_eq(p->scheduler.runtime, 1000);
	ck_assert_uint_eq(p->scheduler.deadline, 2000);
	ck_assert_uint_eq(p->scheduler.period, 3000);
	ck_assert(p->io_priority.present);
	ck_assert_int_eq(p->io_priority.class, SPEC_IOPRIO_CLASS_BE);
	ck_assert_int_eq(p->io_priority.priority, 4);
	ck_assert_str_eq(p->exec_cpu_affinity_initial, "0-3,7");
	ck_assert_str_eq(p->exec_cpu_affinity_final, "4");
	spec_free(s);
}
END_TEST

START_TEST(test_full_top)
{
	struct spec *s = load_data("full.json");
	ck_assert(s->root.readonly);
	ck_assert_str_eq(s->hostname, "full");
	ck_assert_str_eq(s->domainname, "example.org");
	ck_assert_uint_eq(s->n_mounts, 3);
	ck_assert_str_eq(s->mounts[0].destination, "/proc");
	ck_assert_ptr_null(s->mounts[0].options);
	ck_assert_str_eq(s->mounts[1].destination, "/data"); /* relative: made absolute */
	ck_assert_str_eq(s->mounts[1].source, "/srv/data");
	ck_assert_str_eq(s->mounts[1].options[2], "idmap");
	ck_assert_uint_eq(s->mounts[1].n_uid_mappings, 1);
	ck_assert_uint_eq(s->mounts[1].uid_mappings[0].host_id, 100000);
	ck_assert_uint_eq(s->mounts[1].gid_mappings[0].host_id, 200000);
	ck_assert_uint_eq(s->mounts[1].gid_mappings[0].size, 65536);
	ck_assert_ptr_null(s->mounts[2].source); /* "" is absent */
	ck_assert_ptr_nonnull(s->mounts[2].options);
	ck_assert_ptr_null(s->mounts[2].options[0]);

	const struct spec_hook_list *h = s->hooks;
	ck_assert_uint_eq(h[SPEC_HOOK_PRESTART].n, 1);
	ck_assert_str_eq(h[SPEC_HOOK_PRESTART].hooks[0].path, "/usr/bin/fix-mounts");
	ck_assert_str_eq(h[SPEC_HOOK_PRESTART].hooks[0].args[1], "arg1");
	ck_assert_str_eq(h[SPEC_HOOK_PRESTART].hooks[0].env[0], "KEY=value");
	ck_assert_int_eq(h[SPEC_HOOK_PRESTART].hooks[0].timeout, 0);
	ck_assert_str_eq(h[SPEC_HOOK_CREATE_RUNTIME].hooks[0].path, "/usr/bin/setup-network");
	ck_assert_int_eq(h[SPEC_HOOK_CREATE_CONTAINER].hooks[0].timeout, 5);
	ck_assert_str_eq(h[SPEC_HOOK_START_CONTAINER].hooks[0].path, "/usr/bin/refresh-ldcache");
	ck_assert_int_eq(h[SPEC_HOOK_POSTSTART].hooks[0].timeout, 10);
	ck_assert_uint_eq(h[SPEC_HOOK_POSTSTOP].n, 2);
	ck_assert_str_eq(h[SPEC_HOOK_POSTSTOP].hooks[1].path, "/bin/true");
	ck_assert_ptr_null(h[SPEC_HOOK_POSTSTOP].hooks[1].args);

	/* annotations keep the document's order */
	ck_assert_uint_eq(s->n_annotations, 3);
	ck_assert_str_eq(s->annotations[0].key, "z.last");
	ck_assert_str_eq(s->annotations[1].key, "a.first");
	ck_assert_str_eq(s->annotations[2].key, "m.middle");
	ck_assert_str_eq(spec_annotation(s, "a.first"), "2");
	ck_assert_str_eq(spec_annotation(s, "m.middle"), "");
	ck_assert_ptr_null(spec_annotation(s, "nope"));
	spec_free(s);
}
END_TEST

START_TEST(test_full_linux)
{
	struct spec *s = load_data("full.json");
	const struct spec_linux *l = &s->linux;
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		ck_assert(l->namespaces[t].present);
	ck_assert_str_eq(l->namespaces[SPEC_NS_NETWORK].path, "/var/run/netns/full");
	ck_assert_ptr_null(l->namespaces[SPEC_NS_PID].path);
	ck_assert_uint_eq(l->n_uid_mappings, 1);
	ck_assert_uint_eq(l->uid_mappings[0].size, 32000);
	ck_assert_uint_eq(l->n_gid_mappings, 2);
	ck_assert_uint_eq(l->gid_mappings[1].container_id, 1);
	ck_assert_uint_eq(l->gid_mappings[1].host_id, 100000);
	ck_assert(l->time_offsets.monotonic.set);
	ck_assert_int_eq(l->time_offsets.monotonic.secs, -86400);
	ck_assert_uint_eq(l->time_offsets.monotonic.nanosecs, 5);
	ck_assert(l->time_offsets.boottime.set);
	ck_assert_int_eq(l->time_offsets.boottime.secs, 1);
	ck_assert_uint_eq(l->n_devices, 3);
	ck_assert_int_eq(l->devices[0].type, 'c');
	ck_assert_int_eq(l->devices[0].major, 10);
	ck_assert_int_eq(l->devices[0].minor, 229);
	ck_assert(l->devices[0].file_mode.set);
	ck_assert_uint_eq(l->devices[0].file_mode.value, 0666);
	ck_assert(l->devices[0].uid.set);
	ck_assert(!l->devices[1].uid.set);
	ck_assert_int_eq(l->devices[2].type, 'p');
	ck_assert_str_eq(l->cgroups_path, "/myRuntime/myContainer");
	ck_assert_uint_eq(l->n_sysctl, 6);
	ck_assert_str_eq(l->sysctl[4].key, "net/core/somaxconn");
	ck_assert_str_eq(l->sysctl[4].value, "256");
	ck_assert_uint_eq(l->rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_str_eq(l->masked_paths[1], "/sys/firmware");
	ck_assert_str_eq(l->readonly_paths[0], "/proc/sys");
	ck_assert_str_eq(l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
	ck_assert(l->personality.present);
	ck_assert_uint_eq(l->personality.domain, PER_LINUX32);
	ck_assert_uint_eq(l->n_net_devices, 2);
	ck_assert_str_eq(l->net_devices[0].host_name, "eth1");
	ck_assert_str_eq(l->net_devices[0].name, "ceth1");
	ck_assert_str_eq(l->net_devices[1].host_name, "ens4");
	ck_assert_ptr_null(l->net_devices[1].name);
	ck_assert(l->memory_policy.present);
	ck_assert_int_eq(l->memory_policy.mode, 3 /* MPOL_INTERLEAVE */);
	ck_assert_str_eq(l->memory_policy.nodes, "2-3");
	ck_assert_uint_eq(l->memory_policy.flags, (1 << 15) | (1 << 13));
	ck_assert(l->intel_rdt.present);
	ck_assert_str_eq(l->intel_rdt.clos_id, "guaranteed_group");
	ck_assert_str_eq(l->intel_rdt.l3_cache_schema, "L3:0=7f0;1=1f");
	ck_assert_str_eq(l->intel_rdt.mem_bw_schema, "MB:0=20;1=70");
	ck_assert_str_eq(l->intel_rdt.schemata[0], "L2:0=ff;1=ff");
	ck_assert(l->intel_rdt.enable_monitoring);
	spec_free(s);
}
END_TEST

START_TEST(test_full_resources)
{
	struct spec *s = load_data("full.json");
	const struct spec_resources *r = &s->linux.resources;
	ck_assert(r->present);
	ck_assert_uint_eq(r->n_devices, 3);
	ck_assert(!r->devices[0].allow);
	ck_assert_int_eq(r->devices[0].type, 'a');
	ck_assert_int_eq(r->devices[0].major, -1);
	ck_assert_int_eq(r->devices[0].minor, -1);
	ck_assert_str_eq(r->devices[0].access, "rwm");
	ck_assert_int_eq(r->devices[1].type, 'c');
	ck_assert_str_eq(r->devices[1].access, "rw");
	ck_assert_int_eq(r->devices[2].major, 8);
	ck_assert_int_eq(r->devices[2].minor, -1);
	ck_assert_str_eq(r->devices[2].access, "");

	ck_assert(r->has_memory);
	ck_assert_int_eq(r->memory.limit.value, 536870912);
	ck_assert_int_eq(r->memory.reservation.value, 268435456);
	ck_assert(r->memory.swap.set);
	ck_assert_int_eq(r->memory.swap.value, -1);
	ck_assert(r->memory.kernel_tcp.set);
	ck_assert_int_eq(r->memory.kernel_tcp.value, 0);
	ck_assert_uint_eq(r->memory.swappiness.value, 60);
	ck_assert(r->memory.disable_oom_killer.set);
	ck_assert(!r->memory.disable_oom_killer.value);
	ck_assert(r->memory.check_before_update.value);

	ck_assert(r->has_cpu);
	ck_assert_uint_eq(r->cpu.shares.value, 1024);
	ck_assert_int_eq(r->cpu.quota.value, 1000000);
	ck_assert_uint_eq(r->cpu.burst.value, 100000);
	ck_assert_uint_eq(r->cpu.period.value, 500000);
	ck_assert_int_eq(r->cpu.realtime_runtime.value, 950000);
	ck_assert_uint_eq(r->cpu.realtime_period.value, 1000000);
	ck_assert_str_eq(r->cpu.cpus, "2-3");
	ck_assert_str_eq(r->cpu.mems, "0-7");
	ck_assert_int_eq(r->cpu.idle.value, 1);
	ck_assert(r->pids_limit.set);
	ck_assert_int_eq(r->pids_limit.value, 32771);

	spec_free(s);
}
END_TEST

START_TEST(test_full_resources_io)
{
	struct spec *s = load_data("full.json");
	const struct spec_resources *r = &s->linux.resources;
	ck_assert(r->has_blkio);
	ck_assert(r->blkio.weight.set);
	ck_assert_uint_eq(r->blkio.weight.value, 10);
	ck_assert(!r->blkio.leaf_weight.set); /* 0: unset */
	ck_assert_uint_eq(r->blkio.n_weight_devices, 2);
	ck_assert_uint_eq(r->blkio.weight_devices[0].leaf_weight.value, 300);
	ck_assert(!r->blkio.weight_devices[1].leaf_weight.set);
	ck_assert_int_eq(r->blkio.weight_devices[1].minor, 16);
	ck_assert_uint_eq(r->blkio.read_bps.devices[0].rate, 600);
	ck_assert_uint_eq(r->blkio.write_bps.devices[0].rate, 700);
	ck_assert_int_eq(r->blkio.read_iops.devices[0].minor, 32);
	ck_assert_uint_eq(r->blkio.write_iops.n, 2);
	ck_assert_uint_eq(r->blkio.write_iops.devices[1].rate, UINT64_MAX);

	ck_assert_uint_eq(r->n_hugepage_limits, 2);
	ck_assert_str_eq(r->hugepage_limits[1].page_size, "64KB");
	ck_assert_uint_eq(r->hugepage_limits[0].limit, 209715200);
	ck_assert_uint_eq(r->net_class_id.value, 1048577);
	ck_assert_str_eq(r->net_priorities[1].name, "eth1");
	ck_assert_uint_eq(r->net_priorities[1].priority, 1000);
	ck_assert_uint_eq(r->n_rdma, 2);
	ck_assert_str_eq(r->rdma[1].device, "mlx4_0");
	ck_assert(!r->rdma[1].hca_handles.set);
	ck_assert_uint_eq(r->rdma[1].hca_objects.value, 1000);
	ck_assert_uint_eq(r->n_unified, 2);
	ck_assert_str_eq(r->unified[0].key, "io.max");
	ck_assert_str_eq(r->unified[0].value, "259:0 rbps=2097152 wiops=120");
	spec_free(s);
}
END_TEST

START_TEST(test_full_seccomp)
{
	struct spec *s = load_data("full.json");
	const struct spec_seccomp *sc = &s->linux.seccomp;
	ck_assert(sc->present);
	ck_assert_int_eq(sc->default_action, SPEC_SCMP_ERRNO);
	ck_assert(sc->default_errno_ret.set);
	ck_assert_uint_eq(sc->default_errno_ret.value, 1);
	ck_assert_str_eq(sc->architectures[2], "SCMP_ARCH_X32");
	ck_assert_ptr_null(sc->architectures[3]);
	ck_assert_str_eq(sc->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	ck_assert_str_eq(sc->listener_path, "/run/seccomp-agent.socket");
	ck_assert_str_eq(sc->listener_metadata, "metadata");
	ck_assert_uint_eq(sc->n_syscalls, 4);
	ck_assert_str_eq(sc->syscalls[0].names[1], "chmod");
	ck_assert_int_eq(sc->syscalls[0].action, SPEC_SCMP_ALLOW);
	ck_assert(!sc->syscalls[0].errno_ret.set);
	ck_assert_uint_eq(sc->syscalls[1].n_args, 2);
	ck_assert_uint_eq(sc->syscalls[1].args[0].value, 8);
	ck_assert_int_eq(sc->syscalls[1].args[0].op, SPEC_SCMP_CMP_EQ);
	ck_assert_uint_eq(sc->syscalls[1].args[1].index, 5);
	ck_assert_uint_eq(sc->syscalls[1].args[1].value, UINT64_MAX);
	ck_assert_uint_eq(sc->syscalls[1].args[1].value_two, UINT32_MAX);
	ck_assert_int_eq(sc->syscalls[1].args[1].op, SPEC_SCMP_CMP_MASKED_EQ);
	ck_assert_int_eq(sc->syscalls[2].action, SPEC_SCMP_NOTIFY);
	ck_assert_int_eq(sc->syscalls[3].action, SPEC_SCMP_TRACE);
	ck_assert_uint_eq(sc->syscalls[3].errno_ret.value, 38);
	spec_free(s);
}
END_TEST

START_TEST(test_nulls_are_absent)
{
	struct brig_error err = {0};
	struct spec *s =
	    parse_q("{'ociVersion':'1.1.0','root':{'path':'/abs/root','readonly':null},"
		    "'process':null,'hostname':null,'mounts':null,'linux':{'namespaces':"
		    "null,'resources':null,'seccomp':null,'sysctl':null}}",
		    &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert(!s->has_process);
	ck_assert_ptr_null(s->hostname);
	ck_assert_uint_eq(s->n_mounts, 0);
	ck_assert(!s->linux.resources.present);
	ck_assert(!s->linux.seccomp.present);
	ck_assert_str_eq(s->root.abs_path, "/abs/root"); /* absolute: not joined */
	spec_free(s);
}
END_TEST

/* Optional strings and names given as "" are absent, as Go's omitempty has it. */
START_TEST(test_empty_strings_are_absent)
{
	struct brig_error err = {0};
	struct spec *s =
	    parse_q(CFG("'hostname':'','linux':{'rootfsPropagation':'','cgroupsPath':"
			"'','namespaces':[{'type':'network','path':''}],"
			"'resources':{'devices':[{'allow':true,'type':'','access':''}]}}"),
		    &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_ptr_null(s->hostname); /* and so needs no uts namespace */
	ck_assert_uint_eq(s->linux.rootfs_propagation, 0);
	ck_assert_ptr_null(s->linux.cgroups_path);
	ck_assert(s->linux.namespaces[SPEC_NS_NETWORK].present);
	ck_assert_ptr_null(s->linux.namespaces[SPEC_NS_NETWORK].path);
	ck_assert_int_eq(s->linux.resources.devices[0].type, 'a');
	ck_assert_str_eq(s->linux.resources.devices[0].access, "");
	spec_free(s);
}
END_TEST

/* runc reads access as the set of its r, w and m letters ("rwa" in its tests). */
START_TEST(test_device_access_like_runc)
{
	static const char *const in[][2] = {
	    {"rwa", "rw"}, {"wr", "rw"}, {"mrr", "rm"}, {"rwm", "rwm"}, {"m", "m"}};
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct brig_error err = {0};
		_cleanup_free_ char *q = xasprintf(
		    CFG("'linux':{'resources':{'devices':[{'allow':false,'access':'%s'}]}}"),
		    in[i][0]);
		struct spec *s = parse_q(q, &err);
		ck_assert_msg(s != NULL, "%s: %s", in[i][0], err.msg);
		ck_assert_str_eq(s->linux.resources.devices[0].access, in[i][1]);
		spec_free(s);
	}
}
END_TEST

START_TEST(test_root_without_bundle)
{
	struct brig_error err = {0};
	_cleanup_free_ char *text = unquote("{'ociVersion':'1.0.0','root':{'path':'rootfs'}}");
	struct spec *s = spec_parse(text, "config.json", NULL, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_ptr_null(s->bundle);
	ck_assert_str_eq(s->root.abs_path, "rootfs");
	spec_free(s);
}
END_TEST

static char *make_bundle(const char *config_q)
{
	char tmpl[] = "/tmp/brig-test-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	_cleanup_free_ char *path = path_join(tmpl, "config.json");
	_cleanup_free_ char *text = unquote(config_q);
	struct brig_error err = {0};
	ck_assert(write_file_at(AT_FDCWD, path, text, strlen(text), O_CREAT | O_TRUNC, &err) == 0);
	return xstrdup(tmpl);
}

static void remove_bundle(const char *dir)
{
	struct brig_error err = {0};
	ck_assert_msg(rm_rf_at(AT_FDCWD, dir, &err) == 0, "%s", err.msg);
}

START_TEST(test_load_relative_bundle)
{
	_cleanup_free_ char *dir =
	    make_bundle("{'ociVersion':'1.2.0','root':{'path':'./rootfs/'}}");
	_cleanup_free_ char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	struct brig_error err = {0};

	/* Check forks each test, so the chdir stays in this one */
	ck_assert_int_eq(chdir(parent), 0);
	struct spec *s = spec_load(strrchr(dir, '/') + 1, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_str_eq(s->bundle, dir);
	_cleanup_free_ char *want = path_join(dir, "rootfs");
	ck_assert_str_eq(s->root.abs_path, want);
	spec_free(s);
	remove_bundle(dir);
}
END_TEST

START_TEST(test_load_errors)
{
	struct brig_error err = {0};
	ck_assert_ptr_null(spec_load("/nonexistent-brig-bundle", &err));
	ck_assert_str_eq(err.msg,
			 "open '/nonexistent-brig-bundle/config.json': No such file or directory");
	ck_assert_int_eq(err.errnum, ENOENT);

	_cleanup_free_ char *dir = make_bundle("{'ociVersion':'1.0.0'}");
	ck_assert_ptr_null(spec_load(dir, &err));
	ck_assert_str_eq(err.msg, "config.json: .root: missing required field");
	ck_assert_int_eq(err.errnum, EINVAL);
	remove_bundle(dir);
}
END_TEST

START_TEST(test_document_name)
{
	struct brig_error err = {0};
	_cleanup_free_ char *text = unquote("{'ociVersion':'0.9'}");
	ck_assert_ptr_null(spec_parse(text, "other.json", NULL, &err));
	ck_assert_str_eq(err.msg, "other.json: .ociVersion: unsupported version \"0.9\" "
				  "(brig supports 1.x)");
}
END_TEST

/* A string may not smuggle a NUL in once the big-integer path allows them:
 * the first error jansson meets decides which message the document gets. */
START_TEST(test_nul_in_string)
{
	struct brig_error err = {0};
	ck_assert_ptr_null(parse_q("{'x':18446744073709551615,'ociVersion':'1.0.0',"
				   "'root':{'path':'a\\u0000b'}}",
				   &err));
	ck_assert_str_eq(err.msg, "config.json: .root.path: contains a NUL character");
	/* a string that looks like a placeholder is not taken for a number */
	ck_assert_ptr_null(parse_q("{'x':18446744073709551615,'ociVersion':'1.0.0','root':{'path':"
				   "'r'},'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':"
				   "'RLIMIT_AS','soft':'\\u00000','hard':'\\u00000'}]}}",
				   &err));
	ck_assert_str_eq(err.msg, "config.json: invalid JSON at line 1, column 25: too big integer "
				  "near '18446744073709551615'");
	/* without a big integer jansson itself refuses it */
	ck_assert_ptr_null(parse_q("{'ociVersion':'1.0.0','root':{'path':'a\\u0000b'}}", &err));
	ck_assert(strstr(err.msg, "config.json: invalid JSON at line 1, column ") == err.msg);
}
END_TEST

/* A placeholder for a big integer keeps the columns of later JSON errors. */
START_TEST(test_big_int_keeps_columns)
{
	struct brig_error err = {0};
	const char *big = "{'ociVersion':'1.0.0','a':18446744073709551615,}";
	_cleanup_free_ char *plain = xstrdup(big);
	char *digits = strstr(plain, "18446") + 1; /* "1" and spaces: as long, fits int64 */
	memset(digits, ' ', strspn(digits, "0123456789"));
	ck_assert_ptr_null(parse_q(plain, &err));
	char want[sizeof(err.msg)];
	memcpy(want, err.msg, sizeof(want));
	ck_assert_ptr_null(parse_q(big, &err));
	ck_assert_str_eq(err.msg, want);
}
END_TEST

/* ---- the default config ---- */

static struct spec *parse_default(const struct spec_default_opts *opts)
{
	_cleanup_free_ char *text = spec_default_config(opts);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s != NULL, "%s\n%s", err.msg, text);
	return s;
}

static const struct spec_mount *find_mount(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dest) == 0)
			return &s->mounts[i];
	return NULL;
}

static bool has_option(const struct spec_mount *m, const char *opt)
{
	for (size_t i = 0; m->options && m->options[i]; i++)
		if (strcmp(m->options[i], opt) == 0)
			return true;
	return false;
}

START_TEST(test_default_config)
{
	struct spec_default_opts opts = {.rootless = false};
	struct spec *s = parse_default(&opts);
	ck_assert_str_eq(s->oci_version, SPEC_VERSION);
	ck_assert_str_eq(s->root.abs_path, "/b/rootfs");
	ck_assert(s->root.readonly);
	ck_assert_str_eq(s->hostname, "brig");
	ck_assert(s->process.terminal);
	ck_assert_str_eq(s->process.args[0], "sh");
	ck_assert_str_eq(s->process.env[1], "TERM=xterm");
	uint64_t caps = BIT(29) | BIT(5) | BIT(10);
	ck_assert_uint_eq(s->process.capabilities.bounding, caps);
	ck_assert_uint_eq(s->process.capabilities.effective, caps);
	ck_assert_uint_eq(s->process.capabilities.permitted, caps);
	ck_assert_uint_eq(s->process.capabilities.inheritable, 0);
	ck_assert_int_eq(s->process.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(s->process.rlimits[0].soft, 1024);
	ck_assert(s->process.no_new_privileges);
	ck_assert_uint_eq(s->n_mounts, 7);
	ck_assert(has_option(find_mount(s, "/dev/pts"), "gid=5"));
	ck_assert_str_eq(find_mount(s, "/sys")->type, "sysfs");
	ck_assert_str_eq(find_mount(s, "/dev/shm")->source, "shm");
	ck_assert_ptr_nonnull(find_mount(s, "/sys/fs/cgroup"));
	const enum spec_ns_type present[] = {SPEC_NS_PID, SPEC_NS_NETWORK, SPEC_NS_IPC,
					     SPEC_NS_UTS, SPEC_NS_MOUNT,   SPEC_NS_CGROUP};
	for (size_t i = 0; i < ARRAY_SIZE(present); i++)
		ck_assert(s->linux.namespaces[present[i]].present);
	ck_assert(!s->linux.namespaces[SPEC_NS_USER].present);
	ck_assert(!s->linux.namespaces[SPEC_NS_TIME].present);
	ck_assert_str_eq(s->linux.masked_paths[9], "/proc/scsi");
	ck_assert_ptr_null(s->linux.masked_paths[10]);
	ck_assert_str_eq(s->linux.readonly_paths[4], "/proc/sysrq-trigger");
	/* runc's linux.resources: one rule denying every device */
	ck_assert_uint_eq(s->linux.resources.n_devices, 1);
	ck_assert(!s->linux.resources.devices[0].allow);
	ck_assert_int_eq(s->linux.resources.devices[0].type, 'a');
	ck_assert_str_eq(s->linux.resources.devices[0].access, "rwm");
	spec_free(s);
}
END_TEST

START_TEST(test_default_config_rootless)
{
	struct spec_default_opts opts = {.rootless = true, .uid = 1000, .gid = 1001};
	struct spec *s = parse_default(&opts);
	const struct spec_linux *l = &s->linux;
	ck_assert(l->namespaces[SPEC_NS_USER].present);
	ck_assert(!l->namespaces[SPEC_NS_NETWORK].present);
	ck_assert(l->namespaces[SPEC_NS_PID].present);
	ck_assert_uint_eq(l->n_uid_mappings, 1);
	ck_assert_uint_eq(l->uid_mappings[0].container_id, 0);
	ck_assert_uint_eq(l->uid_mappings[0].host_id, 1000);
	ck_assert_uint_eq(l->uid_mappings[0].size, 1);
	ck_assert_uint_eq(l->gid_mappings[0].host_id, 1001);
	const struct spec_mount *pts = find_mount(s, "/dev/pts");
	ck_assert(!has_option(pts, "gid=5"));
	ck_assert(has_option(pts, "newinstance"));
	const struct spec_mount *sys = find_mount(s, "/sys");
	ck_assert_str_eq(sys->source, "/sys");
	ck_assert_str_eq(sys->type, "none");
	ck_assert(has_option(sys, "rbind"));
	ck_assert(has_option(sys, "ro"));
	ck_assert_ptr_null(find_mount(s, "/sys/fs/cgroup"));
	ck_assert_uint_eq(s->n_mounts, 6);
	/* runc's ToRootless: no resources (limits need a delegated cgroup) */
	ck_assert(!l->resources.present);
	ck_assert_ptr_null(l->cgroups_path);
	spec_free(s);
}
END_TEST

/* ---- names ---- */

START_TEST(test_names)
{
	ck_assert_str_eq(spec_ns_name(SPEC_NS_NETWORK), "network");
	ck_assert_str_eq(spec_ns_name(SPEC_NS_TIME), "time");
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_PID), CLONE_NEWPID);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_MOUNT), CLONE_NEWNS);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_USER), CLONE_NEWUSER);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_TIME), 0x80);
	ck_assert_ptr_null(spec_ns_name(SPEC_NS_COUNT));
	ck_assert_str_eq(spec_hook_name(SPEC_HOOK_CREATE_CONTAINER), "createContainer");
	ck_assert_str_eq(spec_hook_name(SPEC_HOOK_POSTSTOP), "poststop");
	ck_assert_ptr_null(spec_hook_name(SPEC_HOOK_KINDS));
	ck_assert_str_eq(spec_status_name(SPEC_STATUS_PAUSED), "paused");
	ck_assert_str_eq(spec_status_name(SPEC_STATUS_CREATING), "creating");
	ck_assert_int_eq(spec_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	ck_assert_int_eq(spec_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	ck_assert_int_eq(spec_rlimit_from_name("RLIMIT_SIGPENDING"), RLIMIT_SIGPENDING);
	ck_assert_int_eq(spec_rlimit_from_name("rlimit_nofile"), -1);
	ck_assert_int_eq(spec_rlimit_from_name("NOFILE"), -1);
}
END_TEST

START_TEST(test_cap_names)
{
	ck_assert_int_eq(spec_cap_from_name("CAP_CHOWN"), 0);
	ck_assert_int_eq(spec_cap_from_name("CAP_SYS_ADMIN"), 21);
	ck_assert_int_eq(spec_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	ck_assert_int_eq(spec_cap_from_name("cap_chown"), -1);
	ck_assert_int_eq(spec_cap_from_name("CHOWN"), -1);
	ck_assert_int_eq(spec_cap_from_name("CAP_"), -1);
	ck_assert_int_eq(spec_cap_from_name("1"), -1); /* libcap would take a number */
	ck_assert_int_eq(spec_cap_from_name("CAP_NOPE"), -1);
	ck_assert_str_eq(spec_cap_name(0), "CAP_CHOWN");
	ck_assert_str_eq(spec_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	ck_assert_ptr_null(spec_cap_name(-1));
	ck_assert_ptr_null(spec_cap_name(64));
	/* the table and libcap agree on every number */
	for (int cap = 0; cap < 64; cap++)
		if (spec_cap_name(cap))
			ck_assert_int_eq(spec_cap_from_name(spec_cap_name(cap)), cap);
}
END_TEST

/* ---- process.json ---- */

START_TEST(test_process_parse)
{
	struct brig_error err = {0};
	_cleanup_free_ char *text =
	    unquote("{'args':['ls','-l'],'cwd':'/tmp','env':['A=b'],'user':{'uid':5},"
		    "'capabilities':{'bounding':[]},'rlimits':[{'type':'RLIMIT_NPROC','hard':9,'"
		    "soft':9}]}");
	struct spec_process *p = spec_process_parse(text, "process.json", &err);
	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_str_eq(p->args[1], "-l");
	ck_assert_str_eq(p->cwd, "/tmp");
	ck_assert_str_eq(p->env[0], "A=b");
	ck_assert_uint_eq(p->user.uid, 5);
	ck_assert(p->capabilities.present);
	ck_assert_uint_eq(p->capabilities.bounding, 0);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NPROC);
	spec_process_free(p);
}
END_TEST

START_TEST(test_process_errors)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
	    {"{'cwd':'/'}", "process.json: .args: missing required field"},
	    {"{'args':['sh']}", "process.json: .cwd: missing required field"},
	    {"{'args':['sh'],'cwd':'/','user':{'gid':-1}}",
	     "process.json: .user.gid: expected a non-negative integer"},
	    {"{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_AS','hard':1,'soft':1},"
	     "{'type':'RLIMIT_AS','hard':1,'soft':1}]}",
	     "process.json: .rlimits[1].type: duplicate rlimit \"RLIMIT_AS\""},
	    {"[]", "process.json: expected an object"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct brig_error err = {0};
		_cleanup_free_ char *text = unquote(cases[i].text);
		ck_assert_ptr_null(spec_process_parse(text, "process.json", &err));
		ck_assert_str_eq(err.msg, cases[i].msg);
	}
}
END_TEST

START_TEST(test_process_load)
{
	char dir[] = "/tmp/brig-test-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	_cleanup_free_ char *path = path_join(dir, "exec-proc.json");
	const char *text = "{\"args\": [\"true\"], \"cwd\": \"nope\"}";
	struct brig_error err = {0};
	ck_assert(write_file_at(AT_FDCWD, path, text, strlen(text), O_CREAT, &err) == 0);
	ck_assert_ptr_null(spec_process_load(path, &err));
	/* named by its basename */
	ck_assert_str_eq(err.msg, "exec-proc.json: .cwd: expected an absolute path, got \"nope\"");
	remove_bundle(dir);
}
END_TEST

/* ---- malformed configs: each is rejected with exactly this message ---- */

#define X65 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const struct {
	const char *config;
	const char *msg;
} malformed[] = {
    /* JSON and the top level */
    {"", E "invalid JSON at line 1, column 0: '[' or '{' expected near end of file"},
    {"{'ociVersion':'1.0.0',", E "invalid JSON at line 1, column 22: string or '}' expected "
				 "near end of file"},
    {"{'a':\n tru}", E "invalid JSON at line 2, column 4: invalid token near 'tru'"},
    {"{'a':18446744073709551616}",
     E "invalid JSON at line 1, column 25: too big integer near '18446744073709551616'"},
    {"[]", E "expected an object"},
    {"{'root':{'path':'r'}}", E ".ociVersion: missing required field"},
    {"{'ociVersion':'2.0.0','root':{'path':'r'}}",
     E ".ociVersion: unsupported version \"2.0.0\" (brig supports 1.x)"},
    {"{'ociVersion':1,'root':{'path':'r'}}", E ".ociVersion: expected a string"},
    {"{'ociVersion':'1.0.0'}", E ".root: missing required field"},
    {"{'ociVersion':'1.0.0','root':'r'}", E ".root: expected an object"},
    {"{'ociVersion':'1.0.0','root':{}}", E ".root.path: missing required field"},
    {"{'ociVersion':'1.0.0','root':{'path':''}}", E ".root.path: must not be empty"},
    {"{'ociVersion':'1.0.0','root':{'path':'r','readonly':'yes'}}",
     E ".root.readonly: expected a boolean"},
    /* mounts */
    {CFG("'mounts':{}"), E ".mounts: expected an array"},
    {CFG("'mounts':[1]"), E ".mounts[0]: expected an object"},
    {CFG("'mounts':[{'type':'tmpfs'}]"), E ".mounts[0].destination: missing required field"},
    {CFG("'mounts':[{'destination':'/a'},{'destination':'/b'},{'destination':5}]"),
     E ".mounts[2].destination: expected a string"},
    {CFG("'mounts':[{'destination':''}]"), E ".mounts[0].destination: must not be empty"},
    {CFG("'mounts':[{'destination':'/a','options':['ro','']}]"),
     E ".mounts[0].options[1]: empty mount option"},
    {CFG("'mounts':[{'destination':'/a','options':'ro'}]"),
     E ".mounts[0].options: expected an array"},
    {CFG("'mounts':[{'destination':'/a','options':[true]}]"),
     E ".mounts[0].options[0]: expected a string"},
    {CFG("'mounts':[{'destination':'/a','source':{}}]"), E ".mounts[0].source: expected a string"},
    {CFG("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1,'size':1}"
	 "]}]"),
     E ".mounts[0].gidMappings: required with uidMappings"},
    {CFG("'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'hostID':1}]}]"),
     E ".mounts[0].gidMappings[0].size: missing required field"},
    /* hostname, hooks, annotations */
    {CFG("'hostname':'box'"), E ".hostname: requires a uts namespace"},
    {CFG("'hostname':18446744073709551615"), E ".hostname: expected a string"},
    {CFG("'domainname':'example.org','linux':{" NS("{'type':'pid'}") "}"),
     E ".domainname: requires a uts namespace"},
    {CFG("'hooks':[]"), E ".hooks: expected an object"},
    {CFG("'hooks':{'prestart':[{'path':'rel/hook'}]}"),
     E ".hooks.prestart[0].path: expected an absolute path, got \"rel/hook\""},
    {CFG("'hooks':{'poststop':[{'args':['x']}]}"),
     E ".hooks.poststop[0].path: missing required field"},
    {CFG("'hooks':{'createRuntime':[{'path':'/h'},{'path':'/h','timeout':0}]}"),
     E ".hooks.createRuntime[1].timeout: must be positive"},
    {CFG("'hooks':{'startContainer':[{'path':'/h','timeout':1.5}]}"),
     E ".hooks.startContainer[0].timeout: expected an integer"},
    {CFG("'hooks':{'poststart':[{'path':'/h','env':['FOO']}]}"),
     E ".hooks.poststart[0].env[0]: invalid environment variable \"FOO\": missing '='"},
    {CFG("'hooks':{'createContainer':{}}"), E ".hooks.createContainer: expected an array"},
    {CFG("'annotations':{'a':'b','c':1}"), E ".annotations[\"c\"]: expected a string"},
    {CFG("'annotations':[]"), E ".annotations: expected an object"},
    /* process */
    {CFG("'process':[]"), E ".process: expected an object"},
    {CFG("'process':{'cwd':'/'}"), E ".process.args: missing required field"},
    {CFG("'process':{'args':[],'cwd':'/'}"), E ".process.args: must not be empty"},
    {CFG("'process':{'args':['sh',2],'cwd':'/'}"), E ".process.args[1]: expected a string"},
    {CFG("'process':{'args':['sh']}"), E ".process.cwd: missing required field"},
    {CFG("'process':{'args':['sh'],'cwd':'relative'}"),
     E ".process.cwd: expected an absolute path, got \"relative\""},
    {PROC("'user':{'uid':-1}"), E ".process.user.uid: expected a non-negative integer"},
    {PROC("'user':{'uid':'root'}"), E ".process.user.uid: expected a non-negative integer"},
    {PROC("'user':{'uid':4294967296}"), E ".process.user.uid: value out of range"},
    {PROC("'user':{'uid':18446744073709551615}"), E ".process.user.uid: value out of range"},
    {PROC("'user':{'gid':1.0}"), E ".process.user.gid: expected a non-negative integer"},
    {PROC("'user':{'umask':4294967296}"), E ".process.user.umask: value out of range"},
    {PROC("'user':{'additionalGids':[1,-2]}"),
     E ".process.user.additionalGids[1]: expected a non-negative integer"},
    {PROC("'env':['A=1','B']"), E ".process.env[1]: invalid environment variable \"B\": "
				  "missing '='"},
    {PROC("'env':['=x']"), E ".process.env[0]: invalid environment variable \"=x\": name "
			     "cannot be empty"},
    {PROC("'terminal':1"), E ".process.terminal: expected a boolean"},
    {PROC("'consoleSize':{'height':1}"), E ".process.consoleSize.width: missing required "
					   "field"},
    {PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL','CAP_FOWNER','CAP_TEST']}"),
     E ".process.capabilities.bounding[3]: unknown capability \"CAP_TEST\""},
    {PROC("'capabilities':{'effective':['cap_chown']}"),
     E ".process.capabilities.effective[0]: unknown capability \"cap_chown\""},
    {PROC("'capabilities':{'permitted':'CAP_KILL'}"),
     E ".process.capabilities.permitted: expected an array"},
    {PROC("'capabilities':{'ambient':[21]}"),
     E ".process.capabilities.ambient[0]: expected a string"},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,'soft':1},{'type':'RLIMIT_FOO',"
	  "'hard':1,'soft':1}]"),
     E ".process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\""},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':1,'soft':1},{'type':'RLIMIT_CORE',"
	  "'hard':1,'soft':1},{'type':'RLIMIT_NOFILE','hard':2,'soft':2}]"),
     E ".process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':5,'soft':10}]"),
     E ".process.rlimits[0]: soft limit 10 exceeds hard limit 5"},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':5}]"),
     E ".process.rlimits[0].soft: missing required field"},
    {PROC("'rlimits':[{'type':'RLIMIT_NOFILE','hard':-1,'soft':0}]"),
     E ".process.rlimits[0].hard: expected a non-negative integer"},
    {PROC("'oomScoreAdj':1001"), E ".process.oomScoreAdj: must be between -1000 and 1000"},
    {PROC("'oomScoreAdj':'1'"), E ".process.oomScoreAdj: expected an integer"},
    {PROC("'noNewPrivileges':'true'"), E ".process.noNewPrivileges: expected a boolean"},
    {PROC("'apparmorProfile':5"), E ".process.apparmorProfile: expected a string"},
    {PROC("'scheduler':{}"), E ".process.scheduler.policy: missing required field"},
    {PROC("'scheduler':{'policy':'SCHED_FOO'}"),
     E ".process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\""},
    {PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
     E ".process.scheduler.nice: must be between -20 and 19"},
    {PROC("'scheduler':{'policy':'SCHED_RR','priority':2147483648}"),
     E ".process.scheduler.priority: value out of range"},
    {PROC("'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_RECLAIM','SCHED_FLAG_NOPE']}"),
     E ".process.scheduler.flags[1]: unknown scheduler flag \"SCHED_FLAG_NOPE\""},
    {PROC("'ioPriority':{'class':'IOPRIO_CLASS_NONE'}"),
     E ".process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
    {PROC("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
     E ".process.ioPriority.priority: must be between 0 and 7"},
    {PROC("'execCPUAffinity':{'initial':'0-'}"),
     E ".process.execCPUAffinity.initial: invalid CPU list \"0-\""},
    {PROC("'execCPUAffinity':{'final':'3-1'}"),
     E ".process.execCPUAffinity.final: invalid CPU list \"3-1\""},
    {PROC("'execCPUAffinity':{'final':'1, 2'}"),
     E ".process.execCPUAffinity.final: invalid CPU list \"1, 2\""},
    /* linux: namespaces and id mappings */
    {CFG("'linux':[]"), E ".linux: expected an object"},
    {LNX("'namespaces':{}"), E ".linux.namespaces: expected an array"},
    {LNX(NS("{}")), E ".linux.namespaces[0].type: missing required field"},
    {LNX(NS("{'type':'foo'}")), E ".linux.namespaces[0].type: unknown namespace type \"foo\""},
    {LNX(NS("{'type':'pid'},{'type':'pid'}")),
     E ".linux.namespaces[1].type: duplicate namespace \"pid\""},
    {LNX(NS("{'type':'network','path':'proc/1/ns/net'}")),
     E ".linux.namespaces[0].path: expected an absolute path, got \"proc/1/ns/net\""},
    {LNX("'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
     E ".linux.uidMappings: requires a user namespace"},
    {LNX("'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
     E ".linux.gidMappings: requires a user namespace"},
    {LNX(NS("{'type':'user'}")),
     E ".linux.uidMappings: a new user namespace needs uid and gid mappings"},
    {LNX(NS("{'type':'user'}") ",'uidMappings':[{'containerID':0,'hostID':1,'size':1}]"),
     E ".linux.gidMappings: a new user namespace needs uid and gid mappings"},
    {LNX("'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]"),
     E ".linux.uidMappings[0].size: must be positive"},
    {LNX("'uidMappings':[{'containerID':0,'hostID':'x','size':1}]"),
     E ".linux.uidMappings[0].hostID: expected a non-negative integer"},
    /* linux: time offsets, devices */
    {LNX("'timeOffsets':{'monotonic':{'secs':1}}"),
     E ".linux.timeOffsets: requires a time namespace"},
    {LNX(NS("{'type':'time'}") ",'timeOffsets':{'realtime':{'secs':1}}"),
     E ".linux.timeOffsets[\"realtime\"]: unknown clock \"realtime\""},
    {LNX(NS("{'type':'time'}") ",'timeOffsets':{'monotonic':{'nanosecs':1000000000}}"),
     E ".linux.timeOffsets[\"monotonic\"].nanosecs: must be less than 1000000000"},
    {LNX(NS("{'type':'time','path':'/proc/1/ns/time'}") ",'timeOffsets':{'boottime':{}}"),
     E ".linux.timeOffsets: cannot be set when joining a time namespace"},
    {LNX("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]"),
     E ".linux.devices[0].type: unknown device type \"x\""},
    {LNX("'devices':[{'path':'dev/null','type':'c','major':1,'minor':3}]"),
     E ".linux.devices[0].path: expected an absolute path, got \"dev/null\""},
    {LNX("'devices':[{'path':'/dev/x','type':'c','minor':1}]"),
     E ".linux.devices[0].major: missing required field"},
    {LNX("'devices':[{'path':'/dev/x','major':1,'minor':1}]"),
     E ".linux.devices[0].type: missing required field"},
    {LNX("'devices':[{'path':'/dev/x','type':'b','major':1,'minor':1,'uid':-1}]"),
     E ".linux.devices[0].uid: expected a non-negative integer"},
    /* linux: sysctl */
    {LNX(NS("{'type':'network'}") ",'sysctl':{'net.ipv4.ip_forward':1}"),
     E ".linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string"},
    {LNX("'sysctl':{'net.ipv4.ip_forward':'1'}"),
     E ".linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace"},
    {LNX("'sysctl':{'net/ipv4/ip_forward':'1'}"),
     E ".linux.sysctl[\"net/ipv4/ip_forward\"]: requires a network namespace"},
    {LNX(NS("{'type':'network'}") ",'sysctl':{'net.core.somaxconn':'1','kernel.shmmax':'1'}"),
     E ".linux.sysctl[\"kernel.shmmax\"]: requires an ipc namespace"},
    {LNX("'sysctl':{'fs.mqueue.msg_max':'10'}"),
     E ".linux.sysctl[\"fs.mqueue.msg_max\"]: requires an ipc namespace"},
    {LNX("'sysctl':{'kernel.hostname':'x'}"),
     E ".linux.sysctl[\"kernel.hostname\"]: requires a uts namespace"},
    {LNX(NS("{'type':'uts'}") ",'sysctl':{'kernel.hostname':'x'}"),
     E ".linux.sysctl[\"kernel.hostname\"]: conflicts with the OCI \"hostname\" field: set "
       "that instead"},
    {LNX("'sysctl':{'user.max_user_namespaces':'0'}"),
     E ".linux.sysctl[\"user.max_user_namespaces\"]: requires a user namespace"},
    {LNX(NS("{'type':'ipc'},{'type':'network'}") ",'sysctl':{'vm.swappiness':'10'}"),
     E ".linux.sysctl[\"vm.swappiness\"]: not namespaced: refusing to set it for the whole "
       "host"},
    {LNX(NS("{'type':'ipc'}") ",'sysctl':{'kernel.shm_next_id':'1'}"),
     E ".linux.sysctl[\"kernel.shm_next_id\"]: not namespaced: refusing to set it for the "
       "whole host"},
    /* linux: the rest */
    {LNX("'rootfsPropagation':'bogus'"),
     E ".linux.rootfsPropagation: unknown rootfs propagation \"bogus\""},
    {LNX("'maskedPaths':['/proc/kcore','proc/keys']"),
     E ".linux.maskedPaths[1]: expected an absolute path, got \"proc/keys\""},
    {LNX("'readonlyPaths':[1]"), E ".linux.readonlyPaths[0]: expected a string"},
    {LNX("'cgroupsPath':['a']"), E ".linux.cgroupsPath: expected a string"},
    {LNX("'personality':{'domain':'LINUX64'}"),
     E ".linux.personality.domain: unknown personality domain \"LINUX64\""},
    {LNX("'personality':{}"), E ".linux.personality.domain: missing required field"},
    {LNX("'personality':{'domain':'LINUX','flags':'x'}"),
     E ".linux.personality.flags: expected an array"},
    {LNX(NS("{'type':'network'}") ",'netDevices':{'eth/0':{}}"),
     E ".linux.netDevices[\"eth/0\"]: invalid network device name \"eth/0\""},
    {LNX(NS("{'type':'network'}") ",'netDevices':{'eth0':{'name':'abcdefghijklmnop'}}"),
     E ".linux.netDevices[\"eth0\"].name: invalid network device name \"abcdefghijklmnop\""},
    {LNX(NS("{'type':'network'}") ",'netDevices':{'..':{}}"),
     E ".linux.netDevices[\"..\"]: invalid network device name \"..\""},
    {LNX(NS("{'type':'network'}") ",'netDevices':{'eth0':{'name':'a b'}}"),
     E ".linux.netDevices[\"eth0\"].name: invalid network device name \"a b\""},
    {LNX(NS("{'type':'network'}") ",'netDevices':{'eth0':'x'}"),
     E ".linux.netDevices[\"eth0\"]: expected an object"},
    {LNX("'netDevices':{'eth0':{}}"), E ".linux.netDevices: requires a network namespace"},
    {LNX("'memoryPolicy':{'mode':'MPOL_NOPE'}"),
     E ".linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_NOPE\""},
    {LNX("'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_NOPE']}"),
     E ".linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_NOPE\""},
    {LNX("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'1,,2'}"),
     E ".linux.memoryPolicy.nodes: invalid node list \"1,,2\""},
    {LNX("'intelRdt':{'memBwSchema':'L3:0=1'}"),
     E ".linux.intelRdt.memBwSchema: must start with \"MB:\""},
    {LNX("'intelRdt':{'schemata':['L3:0=1\\nMB:0=2']}"),
     E ".linux.intelRdt.schemata[0]: must not contain a newline"},
    {LNX("'intelRdt':{'enableMonitoring':'yes'}"),
     E ".linux.intelRdt.enableMonitoring: expected a boolean"},
    /* linux.resources */
    {LNX("'resources':[]"), E ".linux.resources: expected an object"},
    {RES("'devices':[{'access':'rwm'}]"),
     E ".linux.resources.devices[0].allow: missing required field"},
    {RES("'devices':[{'allow':true,'access':'a'}]"),
     E ".linux.resources.devices[0].access: invalid access \"a\" (expected some of r, w and "
       "m)"},
    {RES("'devices':[{'allow':true,'access':'xyz'}]"),
     E ".linux.resources.devices[0].access: invalid access \"xyz\" (expected some of r, w and "
       "m)"},
    {RES("'devices':[{'allow':true,'type':'p'}]"),
     E ".linux.resources.devices[0].type: unknown device type \"p\""},
    {RES("'devices':[{'allow':true,'major':-2}]"),
     E ".linux.resources.devices[0].major: value out of range"},
    {RES("'memory':{'limit':-2}"), E ".linux.resources.memory.limit: value out of range"},
    {RES("'memory':{'swap':9223372036854775808}"),
     E ".linux.resources.memory.swap: value out of range"},
    {RES("'memory':{'swappiness':-1}"),
     E ".linux.resources.memory.swappiness: expected a non-negative integer"},
    {RES("'memory':{'disableOOMKiller':1}"),
     E ".linux.resources.memory.disableOOMKiller: expected a boolean"},
    {RES("'cpu':{'shares':'1024'}"),
     E ".linux.resources.cpu.shares: expected a non-negative integer"},
    {RES("'cpu':{'cpus':5}"), E ".linux.resources.cpu.cpus: expected a string"},
    {RES("'pids':{'limit':'max'}"), E ".linux.resources.pids.limit: expected an integer"},
    {RES("'blockIO':{'weight':5}"), E ".linux.resources.blockIO.weight: must be between 10 and "
				      "1000"},
    {RES("'blockIO':{'weight':70000}"), E ".linux.resources.blockIO.weight: value out of range"},
    {RES("'blockIO':{'weightDevice':[{'major':8,'minor':0}]}"),
     E ".linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight"},
    {RES("'blockIO':{'weightDevice':[{'major':8,'minor':0,'leafWeight':1001}]}"),
     E ".linux.resources.blockIO.weightDevice[0].leafWeight: must be between 10 and 1000"},
    {RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}"),
     E ".linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing required field"},
    {RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'rate':1}]}"),
     E ".linux.resources.blockIO.throttleWriteIOPSDevice[0].minor: missing required field"},
    {RES("'hugepageLimits':[{'limit':1}]"),
     E ".linux.resources.hugepageLimits[0].pageSize: missing required field"},
    {RES("'network':{'classID':4294967296}"),
     E ".linux.resources.network.classID: value out of range"},
    {RES("'network':{'priorities':[{'name':'eth0'}]}"),
     E ".linux.resources.network.priorities[0].priority: missing required field"},
    {RES("'rdma':{'mlx5_1':{}}"),
     E ".linux.resources.rdma[\"mlx5_1\"]: needs hcaHandles or hcaObjects"},
    {RES("'rdma':{'mlx5_1':{'hcaHandles':-1}}"),
     E ".linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected a non-negative integer"},
    {RES("'unified':{'memory.max':1}"),
     E ".linux.resources.unified[\"memory.max\"]: expected a string"},
    /* linux.seccomp */
    {SCMP("'architectures':[]"), E ".linux.seccomp.defaultAction: missing required field"},
    {SCMP("'defaultAction':'SCMP_ACT_NOPE'"),
     E ".linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_NOPE\""},
    {SCMP("'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/a'"),
     E ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
    {SCMP("'defaultAction':'SCMP_ACT_KILL','defaultErrnoRet':1"),
     E ".linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86','SCMP_ARCH_Z80']"),
     E ".linux.seccomp.architectures[1]: unknown seccomp architecture \"SCMP_ARCH_Z80\""},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_NEW_LISTENER']"),
     E ".linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\""},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':'SCMP_ACT_ERRNO'}]"),
     E ".linux.seccomp.syscalls[0].names: missing required field"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],'action':'SCMP_ACT_LOG'}]"),
     E ".linux.seccomp.syscalls[0].names: must not be empty"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['']}]"),
     E ".linux.seccomp.syscalls[0].names[0]: must not be empty"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':'SCMP_X'}]"),
     E ".linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_X\""},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':"
	  "'SCMP_ACT_ALLOW','errnoRet':1}]"),
     E ".linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or "
       "SCMP_ACT_TRACE"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':"
	  "'SCMP_ACT_ERRNO','args':[{'index':6,'value':0,'op':'SCMP_CMP_EQ'}]}]"),
     E ".linux.seccomp.syscalls[0].args[0].index: must be less than 6"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':"
	  "'SCMP_ACT_ERRNO','args':[{'index':1,'value':0,'op':'SCMP_CMP_XX'}]}]"),
     E ".linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\""},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':"
	  "'SCMP_ACT_ERRNO','args':[{'index':1,'op':'SCMP_CMP_EQ'}]}]"),
     E ".linux.seccomp.syscalls[0].args[0].value: missing required field"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],'action':"
	  "'SCMP_ACT_ERRNO'},{'names':['b'],'action':'SCMP_ACT_NOTIFY'}]"),
     E ".linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','listenerMetadata':'m'"),
     E ".linux.seccomp.listenerMetadata: requires listenerPath"},
    /* strings the kernel bounds (the long values are made by test_kernel_limits) */
    {CFG("'hostname':'" X65 "'"),
     E ".hostname: longer than 64 bytes, the kernel's limit (__NEW_UTS_LEN)"},
    {CFG("'domainname':'" X65 "'"),
     E ".domainname: longer than 64 bytes, the kernel's limit (__NEW_UTS_LEN)"},
    {SCMP("'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/" X65 X65 "'"),
     E ".linux.seccomp.listenerPath: longer than 107 bytes, the kernel's limit (sun_path)"},
};

START_TEST(test_malformed)
{
	struct brig_error err = {0};
	struct spec *s = parse_q(malformed[_i].config, &err);
	ck_assert_msg(s == NULL, "case %d accepted: %s", _i, malformed[_i].config);
	ck_assert_msg(strcmp(err.msg, malformed[_i].msg) == 0,
		      "case %d: %s\n  got:  %s\n  want: %s", _i, malformed[_i].config, err.msg,
		      malformed[_i].msg);
	ck_assert_int_eq(err.errnum, EINVAL);
}
END_TEST

/* Strings bounded by the kernel fail at parse, naming the field, whatever
 * their size, in a message that does not carry the value; at the limit they
 * pass. */
static char *config_with(const char *field_fmt, size_t len)
{
	char *v = xmalloc(len + 1);
	memset(v, 'a', len);
	v[len] = '\0';
	v[0] = '/';
	_cleanup_free_ char *field = xasprintf(field_fmt, v);
	free(v);
	return xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},%s}", field);
}

START_TEST(test_kernel_limits)
{
	static const struct {
		const char *fmt;
		size_t max;
		const char *path;
	} cases[] = {
	    {"\"hostname\":\"%s\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}", 64,
	     ".hostname"},
	    {"\"domainname\":\"%s\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}]}", 64,
	     ".domainname"},
	    {"\"mounts\":[{\"destination\":\"%s\",\"type\":\"tmpfs\"}]", 4095,
	     ".mounts[0].destination"},
	    {"\"mounts\":[{\"destination\":\"/m\",\"source\":\"%s\",\"type\":\"bind\"}]", 4095,
	     ".mounts[0].source"},
	    {"\"mounts\":[{\"destination\":\"/m\",\"type\":\"tmpfs\",\"options\":[\"%s\"]}]", 4095,
	     ".mounts[0].options[0]"},
	    {"\"process\":{\"args\":[\"%s\"],\"cwd\":\"/\"}", 131071, ".process.args[0]"},
	    {"\"process\":{\"args\":[\"sh\"],\"cwd\":\"%s\"}", 4095, ".process.cwd"},
	    {"\"linux\":{\"cgroupsPath\":\"%s\"}", 4095, ".linux.cgroupsPath"},
	    {"\"linux\":{\"maskedPaths\":[\"%s\"]}", 4095, ".linux.maskedPaths[0]"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct brig_error err = {0};
		_cleanup_free_ char *ok = config_with(cases[i].fmt, cases[i].max);
		struct spec *s = spec_parse(ok, "config.json", "/b", &err);
		ck_assert_msg(s != NULL, "%s at the limit: %s", cases[i].path, err.msg);
		spec_free(s);
		/* one byte over, and (for the first) 1 MB over: the same short error */
		size_t over[] = {cases[i].max + 1, 1 << 20};
		for (size_t k = 0; k < (i == 0 ? 2 : 1); k++) {
			_cleanup_free_ char *bad = config_with(cases[i].fmt, over[k]);
			ck_assert_ptr_null(spec_parse(bad, "config.json", "/b", &err));
			_cleanup_free_ char *want = xasprintf(
			    "config.json: %s: longer than %zu bytes", cases[i].path, cases[i].max);
			ck_assert_msg(!strncmp(err.msg, want, strlen(want)), "%s", err.msg);
			ck_assert_uint_lt(strlen(err.msg), 200);
			ck_assert_int_eq(err.errnum, EINVAL);
		}
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_minimal);
	tcase_add_test(tc, test_full_process);
	tcase_add_test(tc, test_full_top);
	tcase_add_test(tc, test_full_linux);
	tcase_add_test(tc, test_full_resources);
	tcase_add_test(tc, test_full_resources_io);
	tcase_add_test(tc, test_full_seccomp);
	tcase_add_test(tc, test_nulls_are_absent);
	tcase_add_test(tc, test_empty_strings_are_absent);
	tcase_add_test(tc, test_device_access_like_runc);
	tcase_add_test(tc, test_root_without_bundle);
	tcase_add_test(tc, test_load_relative_bundle);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_document_name);
	tcase_add_test(tc, test_nul_in_string);
	tcase_add_test(tc, test_big_int_keeps_columns);
	tcase_add_test(tc, test_kernel_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("default");
	tcase_add_test(tc, test_default_config);
	tcase_add_test(tc, test_default_config_rootless);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_cap_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("process");
	tcase_add_test(tc, test_process_parse);
	tcase_add_test(tc, test_process_errors);
	tcase_add_test(tc, test_process_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0, (int)ARRAY_SIZE(malformed));
	suite_add_tcase(s, tc);
	return s;
}
