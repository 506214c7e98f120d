// SPDX-License-Identifier: Apache-2.0
/* spec: `brig check`'s rules, each with a config that triggers it and one
 * that does not (the hardened config, then one field changed), the hardened
 * and the default config, the output formats and policies. */
#include "spec/spec.h"

#include <check.h>

Suite *test_suite(void);

#define BIT(cap) (UINT64_C(1) << (cap))

static const struct spec_check_host no_host = {0};

/* `brig spec --hardened --userns`: no finding at all. */
static struct spec *hardened(void)
{
	struct spec_default_opts o = {.hardened = true, .userns = true};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s", err.msg);
	return s;
}

static size_t count(const struct spec *s, const struct spec_check_host *h, const char *rule,
		    const char *path, enum spec_severity *ret_sev)
{
	struct spec_finding *f;
	size_t n, hits = 0;
	spec_check(s, h ? h : &no_host, &f, &n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].rule, rule) != 0 || (path && strcmp(f[i].path, path) != 0))
			continue;
		hits++;
		if (ret_sev)
			*ret_sev = f[i].severity;
		ck_assert(f[i].message[0] && f[i].fix && f[i].fix[0]);
	}
	spec_findings_free(f, n);
	return hits;
}

/* The hardened config does not fire `rule`; after `change` it fires once, at
 * `path`, with `sev`. */
#define EXPECT(rule, path, sev, host, ...)                                                         \
	do {                                                                                       \
		struct spec *s_ = hardened();                                                      \
		enum spec_severity got_ = 99;                                                      \
		ck_assert_uint_eq(count(s_, host, rule, NULL, NULL), 0);                           \
		{                                                                                  \
			struct spec *s = s_;                                                       \
			__VA_ARGS__;                                                               \
		}                                                                                  \
		ck_assert_msg(count(s_, host, rule, path, &got_) == 1, "%s at %s", rule, path);    \
		ck_assert_int_eq(got_, sev);                                                       \
		spec_free(s_);                                                                     \
	} while (0)

static void strv_add(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

static void strv_del(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++) {
		if (strcmp(v[i], s) != 0)
			continue;
		free(v[i]);
		memmove(v + i, v + i + 1, (strv_length(v + i + 1) + 1) * sizeof(char *));
		return;
	}
}

static struct spec_mount *find_mount(struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dest) == 0)
			return &s->mounts[i];
	ck_abort_msg("no mount at %s", dest);
	return NULL;
}

static void add_bind(struct spec *s, const char *src, const char *dest, bool ro)
{
	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	struct spec_mount *m = &s->mounts[s->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->destination = xstrdup(dest);
	m->source = xstrdup(src);
	m->type = xstrdup("bind");
	strv_add(&m->options, "rbind");
	strv_add(&m->options, ro ? "ro" : "rw");
}

static void no_userns(struct spec *s)
{
	s->linux.namespaces[SPEC_NS_USER].present = false;
	free(s->linux.uid_mappings);
	s->linux.uid_mappings = NULL;
	s->linux.n_uid_mappings = 0;
}

static struct spec_seccomp_syscall *allow_rule(struct spec *s)
{
	return &s->linux.seccomp.syscalls[0]; /* Docker's big allow-list */
}

/* ---- whole configs ---- */

START_TEST(test_hardened_passes)
{
	struct spec *s = hardened();
	struct spec_finding *f;
	size_t n;
	spec_check(s, &no_host, &f, &n);
	ck_assert_msg(n == 0, "%s %s: %s", n ? f[0].rule : "", n ? f[0].path : "",
		      n ? f[0].message : "");
	spec_findings_free(f, n);
	spec_free(s);
	/* without --userns only the informational finding remains */
	struct spec_default_opts o = {.hardened = true};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	s = spec_parse(text, "config.json", "/b", &err);
	spec_check(s, &no_host, &f, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(f[0].rule, "no-user-namespace");
	ck_assert_uint_eq(spec_findings_count(f, n, SPEC_SEV_LOW), 0);
	spec_findings_free(f, n);
	spec_free(s);
}
END_TEST

START_TEST(test_hardened_contents)
{
	const char *caps[] = {"NET_BIND_SERVICE", NULL};
	struct spec_default_opts o = {.hardened = true,
				      .user_set = true,
				      .user_uid = 2000,
				      .user_gid = 3000,
				      .cap_add = caps};
	struct brig_error err = {0};
	ck_assert_int_eq(spec_default_opts_check(&o, &err), 0);
	_cleanup_free_ char *text = spec_default_config(&o);
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s", err.msg);
	ck_assert_uint_eq(s->process.user.uid, 2000);
	ck_assert_uint_eq(s->process.user.gid, 3000);
	const struct spec_capabilities *k = &s->process.capabilities;
	ck_assert_uint_eq(k->bounding, BIT(10));
	ck_assert_uint_eq(k->ambient, BIT(10)); /* a non-root user keeps it across exec */
	ck_assert(s->process.no_new_privileges);
	ck_assert(s->root.readonly);
	ck_assert_int_eq(s->linux.resources.memory.limit.value, 512 * 1024 * 1024);
	ck_assert_int_eq(s->linux.resources.cpu.quota.value, 100000);
	ck_assert_uint_eq(s->linux.resources.cpu.period.value, 100000);
	ck_assert_int_eq(s->linux.resources.pids_limit.value, 50);
	ck_assert_uint_eq(s->process.rlimits[0].soft, 1024);
	ck_assert_uint_eq(s->process.rlimits[0].hard, 2048);
	ck_assert(s->linux.namespaces[SPEC_NS_NETWORK].present);
	ck_assert(!s->linux.namespaces[SPEC_NS_USER].present);
	ck_assert(s->linux.seccomp.present);
	struct spec_mount *tmp = find_mount(s, "/tmp");
	ck_assert_str_eq(tmp->type, "tmpfs");
	const char *want[] = {"rw", "noexec", "nosuid", "nodev", "size=64m"};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;
		for (char **p = tmp->options; *p; p++)
			found |= strcmp(*p, want[i]) == 0;
		ck_assert_msg(found, "%s", want[i]);
	}
	ck_assert_str_eq(find_mount(s, "/run")->type, "tmpfs");
	spec_free(s);
	const char *bad[] = {"CAP_NOPE", NULL};
	o.cap_add = bad;
	ck_assert_int_eq(spec_default_opts_check(&o, &err), -1);
	ck_assert_str_eq(err.msg, "--cap-add: unknown capability 'CAP_NOPE'");
	struct spec_default_opts plain = {.userns = true};
	ck_assert_int_eq(spec_default_opts_check(&plain, &err), -1);
	ck_assert_str_eq(err.msg, "--userns needs --hardened");
}
END_TEST

START_TEST(test_hardened_userns)
{
	struct spec *s = hardened();
	ck_assert(s->linux.namespaces[SPEC_NS_USER].present);
	ck_assert_uint_eq(s->linux.uid_mappings[0].container_id, 0);
	ck_assert_uint_eq(s->linux.uid_mappings[0].host_id, 100000);
	ck_assert_uint_eq(s->linux.uid_mappings[0].size, 65536);
	ck_assert_uint_eq(s->linux.gid_mappings[0].host_id, 100000);
	spec_free(s);
}
END_TEST

/* runc's example config with brig's default seccomp: the root user and the
 * missing limits are reported, nothing about seccomp or capabilities. */
START_TEST(test_default_config_findings)
{
	struct spec_default_opts o = {0};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s", err.msg);
	ck_assert_uint_eq(count(s, NULL, "root-user", ".process.user.uid", NULL), 1);
	ck_assert_uint_eq(count(s, NULL, "no-memory-limit", NULL, NULL), 1);
	ck_assert_uint_eq(count(s, NULL, "no-pids-limit", NULL, NULL), 1);
	ck_assert_uint_eq(count(s, NULL, "no-cpu-limit", NULL, NULL), 1);
	static const char *const quiet[] = {
	    "seccomp-missing",	  "seccomp-unconfined",	  "seccomp-dangerous-syscall",
	    "seccomp-denies-all", "dangerous-capability", "all-capabilities",
	    "writable-proc-sys",  "masked-paths-removed", NULL};
	for (const char *const *r = quiet; *r; r++)
		ck_assert_msg(count(s, NULL, *r, NULL, NULL) == 0, "%s", *r);
	spec_free(s);
}
END_TEST

/* `brig spec --rootless` as a non-root user: runc's rootless config (the
 * host's network, its /sys read-only, no limits) has no high finding; the
 * caller's uid is container root. Run by root, that root is host root. */
START_TEST(test_rootless_config_findings)
{
	struct spec_default_opts o = {.rootless = true, .uid = 1000, .gid = 1000};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	struct spec *s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s", err.msg);
	struct spec_finding *f;
	size_t n;
	spec_check(s, &no_host, &f, &n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(f[i].severity < SPEC_SEV_HIGH, "%s %s: %s", f[i].rule, f[i].path,
			      f[i].message);
	ck_assert_uint_eq(spec_findings_count(f, n, SPEC_SEV_HIGH), 0);
	spec_findings_free(f, n);
	enum spec_severity sev = 99;
	ck_assert_uint_eq(count(s, NULL, "host-network", NULL, &sev), 1);
	ck_assert_int_eq(sev, SPEC_SEV_MEDIUM);
	ck_assert_uint_eq(count(s, NULL, "root-user", NULL, NULL), 0);
	spec_free(s);
	o.uid = o.gid = 0;
	text = (free(text), spec_default_config(&o));
	s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_msg(s, "%s", err.msg);
	ck_assert_uint_eq(count(s, NULL, "root-user", NULL, &sev), 1);
	ck_assert_int_eq(sev, SPEC_SEV_HIGH);
	ck_assert_uint_eq(count(s, NULL, "host-network", NULL, &sev), 1);
	ck_assert_int_eq(sev, SPEC_SEV_HIGH);
	spec_free(s);
}
END_TEST

/* ---- each rule ---- */

START_TEST(test_rule_root_user)
{
	EXPECT("root-user", ".process.user.uid", SPEC_SEV_HIGH, NULL, {
		no_userns(s);
		s->process.user.uid = 0;
	});
	struct spec *s = hardened(); /* root mapped to host 100000 is fine */
	s->process.user.uid = 0;
	ck_assert_uint_eq(count(s, NULL, "root-user", NULL, NULL), 0);
	s->linux.uid_mappings[0].host_id = 0; /* ... root mapped to root is not */
	ck_assert_uint_eq(count(s, NULL, "root-user", NULL, NULL), 1);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_no_userns)
{
	EXPECT("no-user-namespace", ".linux.namespaces", SPEC_SEV_INFO, NULL, no_userns(s));
}
END_TEST

START_TEST(test_rule_capabilities)
{
	/* absent: the process gets no capability at all, nothing to report */
	struct spec *none = hardened();
	none->process.capabilities = (struct spec_capabilities){0};
	ck_assert_uint_eq(count(none, NULL, "all-capabilities", NULL, NULL), 0);
	ck_assert_uint_eq(count(none, NULL, "dangerous-capability", NULL, NULL), 0);
	spec_free(none);
	EXPECT("all-capabilities", ".process.capabilities.bounding", SPEC_SEV_HIGH, NULL,
	       s->process.capabilities.bounding = UINT64_MAX >> 23);
	EXPECT("dangerous-capability", ".process.capabilities.bounding", SPEC_SEV_HIGH, NULL,
	       s->process.capabilities.bounding |= BIT(21));
	EXPECT("dangerous-capability", ".process.capabilities.effective", SPEC_SEV_HIGH, NULL,
	       s->process.capabilities.effective |= BIT(12)); /* NET_ADMIN */
	EXPECT("dangerous-capability", ".process.capabilities.ambient", SPEC_SEV_MEDIUM, NULL,
	       s->process.capabilities.ambient |= BIT(38)); /* PERFMON */
	EXPECT("dangerous-capability", ".process.capabilities.permitted", SPEC_SEV_LOW, NULL,
	       s->process.capabilities.permitted |= BIT(13)); /* NET_RAW */
	static const int high[] = {21, 16, 17, 19, 2, 39, 12};
	struct spec *s = hardened();
	for (size_t i = 0; i < ARRAY_SIZE(high); i++)
		s->process.capabilities.bounding |= BIT(high[i]);
	ck_assert_uint_eq(count(s, NULL, "dangerous-capability", NULL, NULL), ARRAY_SIZE(high));
	spec_free(s);
}
END_TEST

START_TEST(test_rule_process)
{
	EXPECT("no-new-privileges", ".process.noNewPrivileges", SPEC_SEV_MEDIUM, NULL,
	       s->process.no_new_privileges = false);
	EXPECT("writable-rootfs", ".root.readonly", SPEC_SEV_LOW, NULL, s->root.readonly = false);
}
END_TEST

START_TEST(test_rule_seccomp)
{
	EXPECT("seccomp-missing", ".linux.seccomp", SPEC_SEV_HIGH, NULL,
	       s->linux.seccomp.present = false);
	EXPECT("seccomp-unconfined", ".linux.seccomp.defaultAction", SPEC_SEV_HIGH, NULL, {
		s->linux.seccomp.default_action = SPEC_SCMP_ALLOW;
		s->linux.seccomp.default_errno_ret.set = false;
		for (size_t i = 0; i < s->linux.seccomp.n_syscalls; i++)
			s->linux.seccomp.syscalls[i].action = SPEC_SCMP_ALLOW;
	});
	/* a deny-list is better than nothing, and worse than an allow-list */
	EXPECT("seccomp-unconfined", ".linux.seccomp.defaultAction", SPEC_SEV_MEDIUM, NULL,
	       s->linux.seccomp.default_action = SPEC_SCMP_LOG);
	EXPECT("seccomp-dangerous-syscall", ".linux.seccomp.syscalls[0]", SPEC_SEV_HIGH, NULL,
	       strv_add(&allow_rule(s)->names, "mount"));
	EXPECT("seccomp-denies-all", ".linux.seccomp", SPEC_SEV_HIGH, NULL,
	       strv_del(allow_rule(s)->names, "execve"));
	EXPECT("seccomp-denies-all", ".linux.seccomp", SPEC_SEV_MEDIUM, NULL,
	       strv_del(allow_rule(s)->names, "read"));
}
END_TEST

/* A deny-list that leaves dangerous calls to the default action. */
START_TEST(test_rule_seccomp_denylist)
{
	struct spec *s = hardened();
	struct spec_seccomp *f = &s->linux.seccomp;
	f->default_action = SPEC_SCMP_ALLOW;
	f->default_errno_ret.set = false;
	allow_rule(s)->action = SPEC_SCMP_ERRNO; /* deny mount, allow the rest */
	strv_free(allow_rule(s)->names);
	allow_rule(s)->names = NULL;
	strv_add(&allow_rule(s)->names, "mount");
	ck_assert_uint_eq(
	    count(s, NULL, "seccomp-dangerous-syscall", ".linux.seccomp.defaultAction", NULL), 1);
	ck_assert_uint_eq(count(s, NULL, "seccomp-denies-all", NULL, NULL), 0);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_limits)
{
	EXPECT("no-memory-limit", ".linux.resources.memory.limit", SPEC_SEV_MEDIUM, NULL,
	       s->linux.resources.memory.limit.set = false);
	EXPECT("no-pids-limit", ".linux.resources.pids.limit", SPEC_SEV_MEDIUM, NULL,
	       s->linux.resources.pids_limit.value = -1);
	EXPECT("no-cpu-limit", ".linux.resources.cpu.quota", SPEC_SEV_LOW, NULL,
	       s->linux.resources.has_cpu = false);
	/* cgroup v2 settings count as limits */
	struct spec *s = hardened();
	struct spec_resources *r = &s->linux.resources;
	r->memory.limit.set = r->pids_limit.set = r->has_cpu = false;
	r->unified = xcalloc(3, sizeof(*r->unified));
	r->n_unified = 3;
	const char *kv[][2] = {
	    {"memory.max", "1G"}, {"pids.max", "100"}, {"cpu.max", "50000 100000"}};
	for (size_t i = 0; i < 3; i++) {
		r->unified[i].key = xstrdup(kv[i][0]);
		r->unified[i].value = xstrdup(kv[i][1]);
	}
	ck_assert_uint_eq(count(s, NULL, "no-memory-limit", NULL, NULL) +
			      count(s, NULL, "no-pids-limit", NULL, NULL) +
			      count(s, NULL, "no-cpu-limit", NULL, NULL),
			  0);
	free(r->unified[0].value);
	r->unified[0].value = xstrdup("max");
	ck_assert_uint_eq(count(s, NULL, "no-memory-limit", NULL, NULL), 1);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_host_namespaces)
{
	/* the host's network: high, unless a user namespace of the container's
	 * own (root not host root) leaves it no privilege over it */
	EXPECT("host-network", ".linux.namespaces", SPEC_SEV_MEDIUM, NULL,
	       s->linux.namespaces[SPEC_NS_NETWORK].present = false);
	EXPECT("host-network", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_NETWORK].present = false;
	       s->linux.namespaces[SPEC_NS_USER].present = false);
	EXPECT("host-network", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_NETWORK].present = false;
	       s->linux.uid_mappings[0].host_id = 0);
	EXPECT("host-network", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_NETWORK].present = false;
	       s->linux.namespaces[SPEC_NS_USER].path = xstrdup("/proc/4242/ns/user"));
	EXPECT("host-pid", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_PID].present = false);
	EXPECT("host-ipc", ".linux.namespaces", SPEC_SEV_MEDIUM, NULL,
	       s->linux.namespaces[SPEC_NS_IPC].present = false);
	EXPECT("host-uts", ".linux.namespaces", SPEC_SEV_LOW, NULL,
	       s->linux.namespaces[SPEC_NS_UTS].present = false);
	EXPECT("host-mount", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_MOUNT].present = false);
	EXPECT("host-cgroup", ".linux.namespaces", SPEC_SEV_LOW, NULL,
	       s->linux.namespaces[SPEC_NS_CGROUP].present = false);
	/* joining init's namespace is the host's too; another container's is not */
	EXPECT("host-network", ".linux.namespaces", SPEC_SEV_HIGH, NULL,
	       s->linux.namespaces[SPEC_NS_NETWORK].path = xstrdup("/proc/1/ns/net"));
	struct spec *s = hardened();
	s->linux.namespaces[SPEC_NS_NETWORK].path = xstrdup("/proc/4242/ns/net");
	ck_assert_uint_eq(count(s, NULL, "host-network", NULL, NULL), 0);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_sensitive_mounts)
{
	const char *const state[] = {"/srv/brig-state", NULL};
	const struct spec_check_host host = {.state_dirs = state};
#define LAST ".mounts[9].source" /* the hardened config has 9 mounts */
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL, add_bind(s, "/", "/host", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL,
	       add_bind(s, "/var/run/docker.sock", "/var/run/docker.sock", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL,
	       add_bind(s, "/run/containerd/containerd.sock", "/c.sock", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL, add_bind(s, "/proc", "/hp", false));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_LOW, NULL, add_bind(s, "/sys", "/hs", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL, add_bind(s, "/dev", "/hd", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL, add_bind(s, "/etc/", "/he", false));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_MEDIUM, NULL, add_bind(s, "/etc", "/he", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL,
	       add_bind(s, "/etc/../etc/shadow", "/s", false));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, NULL,
	       add_bind(s, "/var/lib/docker/containers", "/d", true));
	EXPECT("sensitive-mount", LAST, SPEC_SEV_HIGH, &host,
	       add_bind(s, "/srv/brig-state/x", "/st", true));
	/* what containers usually get is fine */
	struct spec *s = hardened();
	add_bind(s, "/etc/resolv.conf", "/etc/resolv.conf", true);
	add_bind(s, "/srv/data", "/data", false);
	add_bind(s, "/dev/null", "/dev/null", false);
	ck_assert_uint_eq(count(s, &host, "sensitive-mount", NULL, NULL), 0);
	spec_free(s);
#undef LAST
}
END_TEST

START_TEST(test_rule_devices)
{
	EXPECT("devices-allow-all", ".linux.resources.devices[1]", SPEC_SEV_HIGH, NULL, {
		struct spec_resources *r = &s->linux.resources;
		r->devices = xrealloc(r->devices, 2 * sizeof(*r->devices));
		r->devices[1] = (struct spec_device_rule){
		    .allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
		r->n_devices = 2;
	});
	EXPECT("devices-allow-all", ".linux.resources.devices[1]", SPEC_SEV_HIGH, NULL, {
		struct spec_resources *r = &s->linux.resources;
		r->devices = xrealloc(r->devices, 2 * sizeof(*r->devices));
		r->devices[1] = (struct spec_device_rule){
		    .allow = true, .type = 'b', .major = -1, .minor = -1, .access = ""};
		r->n_devices = 2;
	});
	/* allow all, then deny all again: closed */
	struct spec *s = hardened();
	struct spec_resources *r = &s->linux.resources;
	r->devices = xrealloc(r->devices, 3 * sizeof(*r->devices));
	r->devices[1] = (struct spec_device_rule){
	    .allow = true, .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
	r->devices[2] = (struct spec_device_rule){
	    .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
	r->n_devices = 3;
	ck_assert_uint_eq(count(s, NULL, "devices-allow-all", NULL, NULL), 0);
	r->devices[1].access[0] = 'r'; /* read-only everything is not "allow all" */
	r->devices[1].access[1] = '\0';
	r->n_devices = 2;
	ck_assert_uint_eq(count(s, NULL, "devices-allow-all", NULL, NULL), 0);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_paths)
{
	EXPECT("masked-paths-removed", ".linux.maskedPaths", SPEC_SEV_MEDIUM, NULL,
	       strv_del(s->linux.masked_paths, "/proc/kcore"));
	EXPECT("masked-paths-removed", ".linux.maskedPaths", SPEC_SEV_MEDIUM, NULL, {
		strv_free(s->linux.masked_paths);
		s->linux.masked_paths = NULL;
	});
	EXPECT("readonly-paths-removed", ".linux.readonlyPaths", SPEC_SEV_MEDIUM, NULL,
	       strv_del(s->linux.readonly_paths, "/proc/bus"));
	EXPECT("writable-proc-sys", ".linux.readonlyPaths", SPEC_SEV_HIGH, NULL,
	       strv_del(s->linux.readonly_paths, "/proc/sys"));
	/* masking a whole directory covers what is under it */
	struct spec *s = hardened();
	strv_del(s->linux.masked_paths, "/proc/kcore");
	strv_add(&s->linux.masked_paths, "/proc");
	ck_assert_uint_eq(count(s, NULL, "masked-paths-removed", NULL, NULL), 0);
	ck_assert_uint_eq(count(s, NULL, "writable-proc-sys", NULL, NULL), 0);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_mount_options)
{
	EXPECT("writable-sysfs", ".mounts[5].options", SPEC_SEV_MEDIUM, NULL,
	       strv_del(find_mount(s, "/sys")->options, "ro"));
	EXPECT("writable-sysfs", ".mounts[6].options", SPEC_SEV_MEDIUM, NULL,
	       strv_del(find_mount(s, "/sys/fs/cgroup")->options, "ro"));
	EXPECT("tmpfs-exec", ".mounts[7].options", SPEC_SEV_LOW, NULL,
	       strv_del(find_mount(s, "/tmp")->options, "noexec"));
	EXPECT("tmpfs-exec", ".mounts[1].options", SPEC_SEV_LOW, NULL,
	       strv_del(find_mount(s, "/dev")->options, "noexec"));
}
END_TEST

START_TEST(test_rule_secret_env)
{
	EXPECT("secret-in-env", ".process.env[2]", SPEC_SEV_MEDIUM, NULL,
	       strv_add(&s->process.env, "DB_PASSWORD=hunter2"));
	EXPECT("secret-in-env", ".process.env[2]", SPEC_SEV_MEDIUM, NULL,
	       strv_add(&s->process.env, "github_token=ghp_x"));
	EXPECT("secret-in-env", ".process.env[2]", SPEC_SEV_MEDIUM, NULL,
	       strv_add(&s->process.env, "AWS_SECRET_ACCESS_KEY=abc"));
	struct spec *s = hardened();
	strv_add(&s->process.env, "DB_PASSWORD_FILE=/run/secrets/db");
	strv_add(&s->process.env, "API_KEY=");
	strv_add(&s->process.env, "TOKENIZER_THREADS=4"); /* has TOKEN: reported; so be it */
	ck_assert_uint_eq(count(s, NULL, "secret-in-env", NULL, NULL), 1);
	/* the value never appears in the finding */
	strv_add(&s->process.env, "PASSWORD=swordfish");
	struct spec_finding *f;
	size_t n;
	spec_check(s, &no_host, &f, &n);
	_cleanup_free_ char *text = spec_check_format_text(f, n);
	ck_assert_ptr_null(strstr(text, "swordfish"));
	ck_assert_ptr_nonnull(strstr(text, "'PASSWORD'"));
	spec_findings_free(f, n);
	spec_free(s);
}
END_TEST

START_TEST(test_rule_lsm)
{
	const struct spec_check_host aa = {.apparmor = true}, se = {.selinux = true};
	struct spec *s = hardened(); /* the host is what triggers these */
	enum spec_severity sev = 0;
	ck_assert_uint_eq(count(s, &aa, "apparmor-unset", ".process.apparmorProfile", &sev), 1);
	ck_assert_int_eq(sev, SPEC_SEV_MEDIUM);
	ck_assert_uint_eq(count(s, &se, "selinux-unset", ".process.selinuxLabel", &sev), 1);
	ck_assert_int_eq(sev, SPEC_SEV_MEDIUM);
	s->process.apparmor_profile = xstrdup("unconfined");
	ck_assert_uint_eq(count(s, &aa, "apparmor-unset", NULL, NULL), 1);
	free(s->process.apparmor_profile);
	s->process.apparmor_profile = xstrdup("docker-default");
	ck_assert_uint_eq(count(s, &aa, "apparmor-unset", NULL, NULL), 0);
	s->process.selinux_label = xstrdup("system_u:system_r:container_t:s0");
	ck_assert_uint_eq(count(s, &se, "selinux-unset", NULL, NULL), 0);
	ck_assert_uint_eq(count(s, NULL, "apparmor-unset", NULL, NULL), 0); /* no AppArmor */
	spec_free(s);
	/* the hardened config takes the profile and label to set */
	struct spec_default_opts o = {.hardened = true,
				      .apparmor_profile = "brig-default",
				      .selinux_label = "system_u:system_r:container_t:s0"};
	_cleanup_free_ char *text = spec_default_config(&o);
	struct brig_error err = {0};
	s = spec_parse(text, "config.json", "/b", &err);
	ck_assert_str_eq(s->process.apparmor_profile, "brig-default");
	ck_assert_uint_eq(count(s, &aa, "apparmor-unset", NULL, NULL) +
			      count(s, &se, "selinux-unset", NULL, NULL),
			  0);
	spec_free(s);
}
END_TEST

/* ---- output and policy ---- */

START_TEST(test_format)
{
	struct spec *s = hardened();
	s->process.no_new_privileges = false;
	no_userns(s);
	struct spec_finding *f;
	size_t n;
	spec_check(s, &no_host, &f, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(spec_findings_count(f, n, SPEC_SEV_LOW), 1);
	ck_assert_uint_eq(spec_findings_count(f, n, SPEC_SEV_MEDIUM), 1);
	ck_assert_uint_eq(spec_findings_count(f, n, SPEC_SEV_HIGH), 0);
	_cleanup_free_ char *text = spec_check_format_text(f, n);
	ck_assert_ptr_nonnull(strstr(text, "medium no-new-privileges .process.noNewPrivileges\n"));
	ck_assert_ptr_nonnull(strstr(text, "  fix: set process.noNewPrivileges: true"));
	ck_assert_ptr_nonnull(strstr(text, "2 findings: 0 high, 1 medium, 0 low, 1 info\n"));
	_cleanup_free_ char *json = spec_check_format_json(f, n);
	ck_assert_ptr_nonnull(strstr(json, "\"rule\": \"no-new-privileges\""));
	ck_assert_ptr_nonnull(strstr(json, "\"severity\": \"medium\""));
	ck_assert_ptr_nonnull(strstr(json, "\"summary\": {"));
	spec_findings_free(f, n);
	_cleanup_free_ char *none = spec_check_format_text(NULL, 0);
	ck_assert_str_eq(none, "no findings\n");
	spec_free(s);
	ck_assert_str_eq(spec_severity_name(SPEC_SEV_HIGH), "high");
	ck_assert_int_eq(spec_severity_from_name("low"), SPEC_SEV_LOW);
	ck_assert_int_eq(spec_severity_from_name("critical"), -1);
}
END_TEST

START_TEST(test_rules_table)
{
	size_t n;
	const struct spec_rule *r = spec_check_rules(&n);
	ck_assert_uint_ge(n, 29);
	for (size_t i = 0; i < n; i++) {
		ck_assert(r[i].id && r[i].summary && r[i].summary[0]);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(r[i].id, r[j].id);
	}
}
END_TEST

static int policy_q(const char *q, struct spec_policy *p, struct brig_error *err)
{
	_cleanup_free_ char *text = xstrdup(q);
	for (char *c = text; *c; c++)
		if (*c == '\'')
			*c = '"';
	return spec_policy_parse(text, "policy.json", p, err);
}

START_TEST(test_policy)
{
	struct spec_policy p;
	struct brig_error err = {0};
	ck_assert_int_eq(policy_q("{}", &p, &err), 0);
	ck_assert_int_eq(p.fail_on, SPEC_SEV_HIGH);
	spec_policy_clear(&p);
	ck_assert_int_eq(policy_q("{'failOn':'low','ignore':['no-cpu-limit',"
				  "'sensitive-mount:.mounts[3].source']}",
				  &p, &err),
			 0);
	ck_assert_int_eq(p.fail_on, SPEC_SEV_LOW);
	struct spec_finding cpu = {.rule = "no-cpu-limit", .path = ".linux.resources.cpu.quota"};
	struct spec_finding m3 = {.rule = "sensitive-mount", .path = ".mounts[3].source"};
	struct spec_finding m4 = {.rule = "sensitive-mount", .path = ".mounts[4].source"};
	struct spec_finding pids = {.rule = "no-pids-limit", .path = ".linux.resources.pids.limit"};
	ck_assert(spec_policy_ignores(&p, &cpu));
	ck_assert(spec_policy_ignores(&p, &m3));
	ck_assert(!spec_policy_ignores(&p, &m4));
	ck_assert(!spec_policy_ignores(&p, &pids));
	spec_policy_clear(&p);
	static const struct {
		const char *q, *msg;
	} bad[] = {
	    {"{'failOn':'info'}", "policy.json: .failOn: unknown level \"info\""},
	    {"{'ignore':['no-such-rule']}",
	     "policy.json: .ignore[0]: unknown rule \"no-such-rule\" (see docs/security.md)"},
	    {"{'ignore':['root-user:uid']}",
	     "policy.json: .ignore[0]: expected RULE or RULE:.json.path, got \"root-user:uid\""},
	    {"{'failon':'high'}", "policy.json: .failon: unknown field (want failOn and ignore)"},
	    {"{'ignore':'root-user'}", "policy.json: .ignore: expected an array"},
	    {"[]", "policy.json: expected an object"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(policy_q(bad[i].q, &p, &err), -1);
		ck_assert_str_eq(err.msg, bad[i].msg);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("check");
	TCase *c = tcase_create("configs");
	tcase_add_test(c, test_hardened_passes);
	tcase_add_test(c, test_hardened_contents);
	tcase_add_test(c, test_hardened_userns);
	tcase_add_test(c, test_default_config_findings);
	tcase_add_test(c, test_rootless_config_findings);
	suite_add_tcase(s, c);
	c = tcase_create("rules");
	tcase_set_timeout(c, 60);
	tcase_add_test(c, test_rule_root_user);
	tcase_add_test(c, test_rule_no_userns);
	tcase_add_test(c, test_rule_capabilities);
	tcase_add_test(c, test_rule_process);
	tcase_add_test(c, test_rule_seccomp);
	tcase_add_test(c, test_rule_seccomp_denylist);
	tcase_add_test(c, test_rule_limits);
	tcase_add_test(c, test_rule_host_namespaces);
	tcase_add_test(c, test_rule_sensitive_mounts);
	tcase_add_test(c, test_rule_devices);
	tcase_add_test(c, test_rule_paths);
	tcase_add_test(c, test_rule_mount_options);
	tcase_add_test(c, test_rule_secret_env);
	tcase_add_test(c, test_rule_lsm);
	suite_add_tcase(s, c);
	c = tcase_create("output");
	tcase_add_test(c, test_format);
	tcase_add_test(c, test_rules_table);
	tcase_add_test(c, test_policy);
	suite_add_tcase(s, c);
	return s;
}
