// SPDX-License-Identifier: Apache-2.0
/* `brig spec`: runc's example config (libcontainer/specconv Example) with
 * brig's default seccomp profile (Docker's), with --rootless what runc's
 * ToRootless makes of it, and with --hardened a config that applies every
 * principle of docs/security.md at once (`brig check --fail-on low` passes). */
#include "spec/profile.h"

static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm",
    NULL,
};

struct mount_entry {
	const char *destination;
	const char *type;
	const char *source;
	const char *const options[8];
};

static const struct mount_entry mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
};

/* --hardened: nothing on a tmpfs may be executed, the root is read-only so
 * /tmp and /run get small tmpfs of their own. */
static const struct mount_entry hardened_dev = {
    "/dev", "tmpfs", "tmpfs", {"nosuid", "noexec", "strictatime", "mode=755", "size=65536k"}};
static const struct mount_entry hardened_tmp[] = {
    {"/tmp", "tmpfs", "tmpfs", {"rw", "noexec", "nosuid", "nodev", "mode=1777", "size=64m"}},
    {"/run", "tmpfs", "tmpfs", {"rw", "noexec", "nosuid", "nodev", "mode=1777", "size=16m"}},
};

/* Without a network namespace of its own a rootless container cannot mount
 * sysfs, so it gets the host's /sys, read-only. */
static const char *const rootless_sys_options[] = {"rbind", "nosuid", "noexec",
						   "nodev", "ro",     NULL};

static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* --hardened defaults */
#define HARDENED_UID 1000
#define HARDENED_GID 1000
#define HARDENED_MEMORY (512 * 1024 * 1024)
#define HARDENED_CPU_QUOTA 100000 /* with the period: one CPU */
#define HARDENED_CPU_PERIOD 100000
#define HARDENED_PIDS 50
#define USERNS_HOST_ID 100000 /* --userns: container 0 is host 100000 ... */
#define USERNS_SIZE 65536

static bool rootless(const struct spec_default_opts *o)
{
	return o && o->rootless;
}

static bool hardened(const struct spec_default_opts *o)
{
	return o && o->hardened;
}

static json_t *strings(const char *const *v, bool rootless_)
{
	json_t *a = json_array();
	for (; *v; v++) {
		/* ToRootless: uid=/gid= options name ids that are not mapped */
		if (rootless_ && (strncmp(*v, "uid=", 4) == 0 || strncmp(*v, "gid=", 4) == 0))
			continue;
		json_array_append_new(a, json_string(*v));
	}
	return a;
}

/* The capabilities of the process: runc's three, or --hardened's --cap-add. */
static uint64_t cap_mask(const struct spec_default_opts *o)
{
	uint64_t mask = 0;
	if (!hardened(o))
		caps_from_names(caps, &mask, NULL);
	else if (caps_from_names(o->cap_add, &mask, NULL) < 0)
		mask = 0; /* unknown names: spec_default_opts_check reports them */
	return mask;
}

static json_t *cap_list(uint64_t mask)
{
	json_t *a = json_array();
	for (int cap = 0; cap < 64; cap++)
		if ((mask & (UINT64_C(1) << cap)) && spec_cap_name(cap))
			json_array_append_new(a, json_string(spec_cap_name(cap)));
	return a;
}

static json_t *capabilities_object(const struct spec_default_opts *o)
{
	uint64_t mask = cap_mask(o);
	if (!hardened(o)) /* runc's order */
		return json_pack("{s:o, s:o, s:o}", "bounding", strings(caps, false), "effective",
				 strings(caps, false), "permitted", strings(caps, false));
	json_t *c = json_pack("{s:o, s:o, s:o}", "bounding", cap_list(mask), "effective",
			      cap_list(mask), "permitted", cap_list(mask));
	/* a non-root user keeps capabilities across execve only as ambient
	 * ones, which must also be inheritable */
	if (mask) {
		json_object_set_new(c, "inheritable", cap_list(mask));
		json_object_set_new(c, "ambient", cap_list(mask));
	}
	return c;
}

static void process_user(const struct spec_default_opts *o, json_int_t *uid, json_int_t *gid)
{
	*uid = *gid = 0;
	if (o && o->user_set) {
		*uid = o->user_uid;
		*gid = o->user_gid;
	} else if (hardened(o) && !rootless(o)) {
		*uid = HARDENED_UID; /* rootless: root of its user namespace, the caller */
		*gid = HARDENED_GID;
	}
}

static json_t *process_object(const struct spec_default_opts *o)
{
	json_int_t uid, gid;
	process_user(o, &uid, &gid);
	json_t *p = json_pack("{s:b, s:{s:I, s:I}, s:[s], s:o, s:s, s:o, s:[{s:s, s:I, s:I}], s:b}",
			      "terminal", 1, "user", "uid", uid, "gid", gid, "args", "sh", "env",
			      strings(env, false), "cwd", "/", "capabilities",
			      capabilities_object(o), "rlimits", "type", "RLIMIT_NOFILE", "hard",
			      (json_int_t)(hardened(o) ? 2048 : 1024), "soft", (json_int_t)1024,
			      "noNewPrivileges", 1);
	if (hardened(o) && o->apparmor_profile)
		json_object_set_new(p, "apparmorProfile", json_string(o->apparmor_profile));
	if (hardened(o) && o->selinux_label)
		json_object_set_new(p, "selinuxLabel", json_string(o->selinux_label));
	return p;
}

static json_t *mount_json(const struct mount_entry *m, bool rootless_)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "destination", m->destination, "type", m->type,
			      "source", m->source);
	if (m->options[0])
		json_object_set_new(j, "options", strings(m->options, rootless_));
	return j;
}

static json_t *mounts_array(const struct spec_default_opts *o)
{
	bool rl = rootless(o), hard = hardened(o);
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		const char *dest = mounts[i].destination;
		if (rl && !hard && strcmp(dest, "/sys/fs/cgroup") == 0)
			continue; /* kept by runc; without cgroup delegation a
				   * rootless container has none of its own, and
				   * the /sys rbind already shows the host's */
		if (rl && !hard && strcmp(dest, "/sys") == 0)
			json_array_append_new(a,
					      json_pack("{s:s, s:s, s:s, s:o}", "destination", dest,
							"type", "none", "source", "/sys", "options",
							strings(rootless_sys_options, false)));
		else if (hard && strcmp(dest, "/dev") == 0)
			json_array_append_new(a, mount_json(&hardened_dev, rl));
		else
			json_array_append_new(a, mount_json(&mounts[i], rl));
	}
	for (size_t i = 0; hard && i < ARRAY_SIZE(hardened_tmp); i++)
		json_array_append_new(a, mount_json(&hardened_tmp[i], rl));
	return a;
}

/* --hardened keeps the network namespace even when rootless: a new one has
 * only loopback, which is the point, and then sysfs can be mounted. */
static json_t *namespaces_array(const struct spec_default_opts *o)
{
	static const char *const types[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	bool rl = rootless(o), hard = hardened(o);
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		if (rl && !hard && strcmp(types[i], "network") == 0)
			continue; /* ToRootless: keep the host's network */
		json_array_append_new(a, json_pack("{s:s}", "type", types[i]));
	}
	if (rl || (hard && o->userns))
		json_array_append_new(a, json_pack("{s:s}", "type", "user"));
	return a;
}

static json_t *idmap(json_int_t host, json_int_t size)
{
	return json_pack("[{s:i, s:I, s:I}]", "containerID", 0, "hostID", host, "size", size);
}

static void add_id_mappings(json_t *l, const struct spec_default_opts *o)
{
	if (rootless(o)) {
		/* the invoking user is root in the container, nobody else is mapped */
		json_object_set_new(l, "uidMappings", idmap((json_int_t)o->uid, 1));
		json_object_set_new(l, "gidMappings", idmap((json_int_t)o->gid, 1));
	} else if (hardened(o) && o->userns) {
		json_object_set_new(l, "uidMappings", idmap(USERNS_HOST_ID, USERNS_SIZE));
		json_object_set_new(l, "gidMappings", idmap(USERNS_HOST_ID, USERNS_SIZE));
	}
}

static json_t *hardened_resources(void)
{
	return json_pack("{s:[{s:b, s:s}], s:{s:I}, s:{s:I, s:I}, s:{s:I}}", "devices", "allow", 0,
			 "access", "rwm", "memory", "limit", (json_int_t)HARDENED_MEMORY, "cpu",
			 "quota", (json_int_t)HARDENED_CPU_QUOTA, "period",
			 (json_int_t)HARDENED_CPU_PERIOD, "pids", "limit",
			 (json_int_t)HARDENED_PIDS);
}

/* Docker's default profile, resolved for the process's capabilities. */
static json_t *seccomp_object(const struct spec_default_opts *o)
{
	struct spec_profile_target t = {.caps = cap_mask(o), .arch = o ? o->arch : NULL};
	struct spec_seccomp s = {0};
	struct brig_error err;
	if (spec_arch_lookup(t.arch, NULL, NULL) < 0)
		t.arch = NULL; /* spec_default_opts_check reports it */
	if (spec_seccomp_default(&t, &s, &err) < 0)
		abort(); /* the build's own architecture is always known */
	json_t *j = seccomp_json(&s);
	seccomp_clear(&s);
	return j;
}

static json_t *linux_object(const struct spec_default_opts *o)
{
	json_t *l = json_object();
	add_id_mappings(l, o);
	if (hardened(o))
		json_object_set_new(l, "resources", hardened_resources());
	else if (!rootless(o)) /* runc's example has it (ToRootless drops it): configs
				* edited as "the object that has resources" find it */
		json_object_set_new(
		    l, "resources",
		    json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
	json_object_set_new(l, "namespaces", namespaces_array(o));
	json_object_set_new(l, "seccomp", seccomp_object(o));
	json_object_set_new(l, "maskedPaths", strings(masked_paths, false));
	json_object_set_new(l, "readonlyPaths", strings(readonly_paths, false));
	return l;
}

int spec_default_opts_check(const struct spec_default_opts *o, struct brig_error *err)
{
	uint64_t mask;
	const char *bad = NULL;
	if (!o)
		return 0;
	if (caps_from_names(o->cap_add, &mask, &bad) < 0)
		return err_set(err, EINVAL, "--cap-add: unknown capability '%s'", bad);
	if (o->cap_add && o->cap_add[0] && !o->hardened)
		return err_set(err, EINVAL, "--cap-add needs --hardened");
	if ((o->user_set || o->userns) && !o->hardened)
		return err_set(err, EINVAL, "%s needs --hardened",
			       o->userns ? "--userns" : "--user");
	if (o->userns && o->rootless)
		return err_set(err, EINVAL, "--userns and --rootless both set up a user namespace");
	if (spec_arch_lookup(o->arch, NULL, NULL) < 0)
		return err_set(err, EINVAL, "unknown architecture '%s'", o->arch ? o->arch : "");
	return 0;
}

char *spec_default_config(const struct spec_default_opts *opts)
{
	json_t *config = json_object();
	json_object_set_new(config, "ociVersion", json_string(SPEC_VERSION));
	json_object_set_new(config, "process", process_object(opts));
	json_object_set_new(config, "root",
			    json_pack("{s:s, s:b}", "path", "rootfs", "readonly", 1));
	json_object_set_new(config, "hostname", json_string("brig"));
	json_object_set_new(config, "mounts", mounts_array(opts));
	json_object_set_new(config, "linux", linux_object(opts));
	char *text = json_dumps(config, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(config);
	if (!text)
		abort(); /* allocation failure: the strings are all ASCII */
	return text;
}
