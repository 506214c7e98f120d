// SPDX-License-Identifier: Apache-2.0
/* `brig check` rules over linux.* and mounts: namespaces, resource limits,
 * host bind mounts, devices, masked and read-only paths, tmpfs options. */
#include "spec/check.h"

#include <sys/mount.h>

/* ---- namespaces ---- */

static const struct {
	enum spec_ns_type type;
	enum check_rule rule;
	enum spec_severity sev;
	const char *what;
} host_namespaces[] = {
    {SPEC_NS_NETWORK, R_HOST_NETWORK, SPEC_SEV_HIGH,
     "the host's network stack, its interfaces and abstract unix sockets"},
    {SPEC_NS_PID, R_HOST_PID, SPEC_SEV_HIGH, "every process of the host"},
    {SPEC_NS_MOUNT, R_HOST_MOUNT, SPEC_SEV_HIGH, "the host's mount table"},
    {SPEC_NS_IPC, R_HOST_IPC, SPEC_SEV_MEDIUM, "the host's shared memory and semaphores"},
    {SPEC_NS_UTS, R_HOST_UTS, SPEC_SEV_LOW, "the host's hostname"},
    {SPEC_NS_CGROUP, R_HOST_CGROUP, SPEC_SEV_LOW, "the host's cgroup tree paths"},
};

/* "/proc/1/ns/net": the namespace of the host's init. */
static bool is_host_ns_path(const char *path)
{
	return path && (strncmp(path, "/proc/1/ns/", 11) == 0);
}

/* The host's network in a user namespace of the container's own whose root is
 * not host root (brig spec --rootless, runc's rootless configs): the user
 * namespace owns nothing of it, so the container cannot configure it (no
 * CAP_NET_ADMIN or CAP_NET_RAW there); what it still shares is the host's
 * loopback services and abstract unix sockets, as the user who runs it. */
static bool network_unprivileged(const struct spec_linux *l)
{
	const struct spec_namespace *u = &l->namespaces[SPEC_NS_USER];
	int64_t root = check_host_root(l);
	return u->present && !u->path && root > 0;
}

void check_namespaces(struct check_ctx *c)
{
	const struct spec_linux *l = &c->s->linux;
	for (size_t i = 0; i < ARRAY_SIZE(host_namespaces); i++) {
		const struct spec_namespace *ns = &l->namespaces[host_namespaces[i].type];
		const char *name = spec_ns_name(host_namespaces[i].type);
		if (!ns->present && host_namespaces[i].type == SPEC_NS_NETWORK &&
		    network_unprivileged(l))
			check_add(c, R_HOST_NETWORK, SPEC_SEV_MEDIUM, ".linux.namespaces",
				  "no network namespace: the container shares the host's loopback "
				  "services and abstract unix sockets (its user namespace gives it "
				  "no privilege over the host's network)");
		else if (!ns->present)
			check_add(c, host_namespaces[i].rule, host_namespaces[i].sev,
				  ".linux.namespaces", "no %s namespace: the container shares %s",
				  name, host_namespaces[i].what);
		else if (is_host_ns_path(ns->path))
			check_add(c, host_namespaces[i].rule, host_namespaces[i].sev,
				  ".linux.namespaces", "joins '%s', the host's %s namespace",
				  ns->path, name);
	}
}

/* ---- resources ---- */

static const char *unified(const struct spec_resources *r, const char *key)
{
	for (size_t i = 0; i < r->n_unified; i++)
		if (strcmp(r->unified[i].key, key) == 0)
			return r->unified[i].value;
	return NULL;
}

/* A cgroup2 value in linux.resources.unified that sets a limit. */
static bool unified_limits(const struct spec_resources *r, const char *key)
{
	const char *v = unified(r, key);
	return v && *v && strncmp(v, "max", 3) != 0;
}

void check_resources(struct check_ctx *c)
{
	const struct spec_resources *r = &c->s->linux.resources;
	bool memory = (r->has_memory && r->memory.limit.set && r->memory.limit.value > 0) ||
		      unified_limits(r, "memory.max");
	bool pids = (r->pids_limit.set && r->pids_limit.value > 0) || unified_limits(r, "pids.max");
	bool cpu = (r->has_cpu && r->cpu.quota.set && r->cpu.quota.value > 0) ||
		   unified_limits(r, "cpu.max");
	if (!memory)
		check_add(c, R_NO_MEMORY_LIMIT, SPEC_SEV_MEDIUM, ".linux.resources.memory.limit",
			  "no memory limit: the container can exhaust the host's memory");
	if (!pids)
		check_add(c, R_NO_PIDS_LIMIT, SPEC_SEV_MEDIUM, ".linux.resources.pids.limit",
			  "no pids limit: a fork bomb exhausts the host's process table");
	if (!cpu)
		check_add(c, R_NO_CPU_LIMIT, SPEC_SEV_LOW, ".linux.resources.cpu.quota",
			  "no CPU quota: the container can take every CPU");
}

/* ---- mounts ---- */

static bool has_opt(const struct spec_mount *m, const char *opt)
{
	for (size_t i = 0; m->options && m->options[i]; i++)
		if (strcmp(m->options[i], opt) == 0)
			return true;
	return false;
}

static bool mount_readonly(const struct spec_mount *m)
{
	bool ro = false;
	for (size_t i = 0; m->options && m->options[i]; i++) {
		const char *o = m->options[i];
		if (strcmp(o, "ro") == 0 || strcmp(o, "rro") == 0)
			ro = true;
		else if (strcmp(o, "rw") == 0 || strcmp(o, "rrw") == 0)
			ro = false;
	}
	return ro;
}

static bool is_bind(const struct spec_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || has_opt(m, "bind") ||
	       has_opt(m, "rbind");
}

/* The host path a bind mount shows, cleaned: "/var/run/x/" -> "/run/x". */
static char *bind_source(const struct spec *s, const char *src)
{
	_cleanup_free_ char *abs =
	    src[0] == '/' || !s->bundle ? xstrdup(src) : path_join(s->bundle, src);
	char *out = path_clean(abs);
	if (strncmp(out, "/var/run/", 9) == 0 || strcmp(out, "/var/run") == 0)
		memmove(out, out + 4, strlen(out + 4) + 1); /* /var/run is /run */
	return out;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

enum { EXACT, SUBTREE };

/* Severity when mounted read-write and read-only; INFO + 1 = none. */
static const struct {
	const char *path;
	int match;
	enum spec_severity rw, ro;
	const char *what;
} sensitive[] = {
    {"/", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH, "the host's whole filesystem"},
    {"/proc", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_LOW, "the host's procfs"},
    {"/sys", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_LOW, "the host's sysfs"},
    {"/dev", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH, "every device of the host"},
    {"/etc", EXACT, SPEC_SEV_HIGH, SPEC_SEV_MEDIUM, "the host's configuration and secrets"},
    {"/etc", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_INFO, "the host's configuration"},
    {"/boot", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_LOW, "the host's kernels and boot loader"},
    {"/lib/modules", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_INFO, "the host's kernel modules"},
    {"/root", SUBTREE, SPEC_SEV_HIGH, SPEC_SEV_MEDIUM, "root's home directory"},
    {"/usr", EXACT, SPEC_SEV_HIGH, SPEC_SEV_INFO, "the host's programs"},
    {"/run/docker.sock", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH, "the Docker API: root on the host"},
    {"/run/containerd/containerd.sock", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH,
     "the containerd API: root on the host"},
    {"/run/crio/crio.sock", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH, "the CRI-O API: root on the host"},
    {"/run/podman/podman.sock", EXACT, SPEC_SEV_HIGH, SPEC_SEV_HIGH,
     "the Podman API: root on the host"},
};

/* Where container runtimes keep state; brig's --root comes from the host. */
static const char *const state_dirs[] = {
    "/run/brig",	   "/run/runc",	       "/run/crun",	  "/run/containerd",
    "/run/docker",	   "/run/containers",  "/var/lib/docker", "/var/lib/containerd",
    "/var/lib/containers", "/var/lib/kubelet",
};

static bool in_state_dir(const struct check_ctx *c, const char *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_dirs); i++)
		if (under(src, state_dirs[i]))
			return true;
	for (const char *const *d = c->host ? c->host->state_dirs : NULL; d && *d; d++) {
		_cleanup_free_ char *clean = bind_source(c->s, *d);
		if (under(src, clean))
			return true;
	}
	return false;
}

static void check_bind(struct check_ctx *c, size_t i, const struct spec_mount *m)
{
	_cleanup_free_ char *src = bind_source(c->s, m->source);
	char path[64];
	bool ro = mount_readonly(m);
	snprintf(path, sizeof(path), ".mounts[%zu].source", i);
	if (in_state_dir(c, src)) {
		check_add(c, R_SENSITIVE_MOUNT, SPEC_SEV_HIGH, path,
			  "'%s' holds a container runtime's state: control of other containers",
			  m->source);
		return;
	}
	for (size_t k = 0; k < ARRAY_SIZE(sensitive); k++) {
		bool match = sensitive[k].match == EXACT ? strcmp(src, sensitive[k].path) == 0
							 : under(src, sensitive[k].path);
		if (!match)
			continue;
		enum spec_severity sev = ro ? sensitive[k].ro : sensitive[k].rw;
		if (sev > SPEC_SEV_INFO)
			check_add(c, R_SENSITIVE_MOUNT, sev, path, "'%s' is %s, mounted %s",
				  m->source, sensitive[k].what, ro ? "read-only" : "read-write");
		return;
	}
}

static void check_tmpfs(struct check_ctx *c, size_t i, const struct spec_mount *m)
{
	static const char *const wanted[] = {"noexec", "nosuid", "nodev"};
	char missing[64] = "", path[64];
	for (size_t k = 0; k < ARRAY_SIZE(wanted); k++) {
		/* device nodes live on /dev */
		if (!has_opt(m, wanted[k]) && !(k == 2 && strcmp(m->destination, "/dev") == 0))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", missing[0] ? ", " : "", wanted[k]);
	}
	if (!missing[0])
		return;
	snprintf(path, sizeof(path), ".mounts[%zu].options", i);
	check_add(c, R_TMPFS_EXEC, SPEC_SEV_LOW, path, "the tmpfs on '%s' lacks %s", m->destination,
		  missing);
}

static void check_sysfs(struct check_ctx *c, size_t i, const struct spec_mount *m)
{
	bool sysfs = strcmp(m->type, "sysfs") == 0;
	char path[64];
	if (!sysfs && strcmp(m->type, "cgroup") != 0 && strcmp(m->type, "cgroup2") != 0)
		return;
	if (mount_readonly(m))
		return;
	snprintf(path, sizeof(path), ".mounts[%zu].options", i);
	check_add(c, R_WRITABLE_SYSFS, SPEC_SEV_MEDIUM, path,
		  sysfs ? "sysfs on '%s' is writable: kernel and device settings"
			: "the cgroup filesystem on '%s' is writable: the container can change "
			  "its own limits",
		  m->destination);
}

void check_mounts(struct check_ctx *c)
{
	for (size_t i = 0; i < c->s->n_mounts; i++) {
		const struct spec_mount *m = &c->s->mounts[i];
		if (is_bind(m) && m->source)
			check_bind(c, i, m);
		else if (m->type && strcmp(m->type, "tmpfs") == 0)
			check_tmpfs(c, i, m);
		else if (m->type)
			check_sysfs(c, i, m);
	}
}

/* ---- devices ---- */

static bool writes(const struct spec_device_rule *d)
{
	return d->access[0] == '\0' || strchr(d->access, 'w') || strchr(d->access, 'm');
}

void check_devices(struct check_ctx *c)
{
	const struct spec_resources *r = &c->s->linux.resources;
	size_t all = SIZE_MAX; /* the allow rule that opens everything, if still in force */
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct spec_device_rule *d = &r->devices[i];
		bool every = d->type == 'a' || (d->major == -1 && d->minor == -1 && d->type == 'b');
		if (d->type == 'a' && !d->allow)
			all = SIZE_MAX;
		else if (every && d->allow && writes(d))
			all = i;
	}
	if (all == SIZE_MAX)
		return;
	char path[64];
	snprintf(path, sizeof(path), ".linux.resources.devices[%zu]", all);
	check_add(c, R_DEVICES, SPEC_SEV_HIGH, path,
		  r->devices[all].type == 'a'
		      ? "allows every device: with mknod, the host's disks and memory"
		      : "allows every block device: the host's disks");
}

/* ---- masked and read-only paths ---- */

static const char *const default_masked[] = {
    "/proc/acpi",	   "/proc/asound",     "/proc/kcore",	    "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",	   "/proc/scsi",
};

static const char *const default_readonly[] = {
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sysrq-trigger",
};

/* A path listed, or under a listed directory. */
static bool covered(char *const *list, const char *path)
{
	for (size_t i = 0; list && list[i]; i++)
		if (under(path, list[i]))
			return true;
	return false;
}

static bool mounts_type(const struct spec *s, const char *type, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (strcmp(m->destination, dest) == 0 &&
		    ((m->type && strcmp(m->type, type) == 0) || is_bind(m)))
			return true;
	}
	return false;
}

static void missing_paths(struct check_ctx *c, const char *const *want, size_t n,
			  enum check_rule rule, const char *path, const char *what)
{
	const struct spec_linux *l = &c->s->linux;
	bool proc = mounts_type(c->s, "proc", "/proc"), sys = mounts_type(c->s, "sysfs", "/sys");
	char names[512] = "";
	for (size_t i = 0; i < n; i++) {
		bool relevant = strncmp(want[i], "/proc/", 6) == 0 ? proc : sys;
		if (!relevant || covered(l->masked_paths, want[i]) ||
		    (rule == R_READONLY_PATHS && covered(l->readonly_paths, want[i])))
			continue;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 names[0] ? ", " : "", want[i]);
	}
	if (names[0])
		check_add(c, rule, SPEC_SEV_MEDIUM, path, "%s %s", names, what);
}

void check_paths(struct check_ctx *c)
{
	const struct spec_linux *l = &c->s->linux;
	missing_paths(c, default_masked, ARRAY_SIZE(default_masked), R_MASKED_PATHS,
		      ".linux.maskedPaths", "not masked: they expose host kernel state");
	missing_paths(c, default_readonly, ARRAY_SIZE(default_readonly), R_READONLY_PATHS,
		      ".linux.readonlyPaths", "not read-only: they change host kernel state");
	if (mounts_type(c->s, "proc", "/proc") && !covered(l->readonly_paths, "/proc/sys") &&
	    !covered(l->masked_paths, "/proc/sys"))
		check_add(c, R_PROC_SYS, SPEC_SEV_HIGH, ".linux.readonlyPaths",
			  "/proc/sys is writable: the container can change the host kernel's "
			  "settings that are not namespaced");
}
