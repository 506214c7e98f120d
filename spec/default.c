// SPDX-License-Identifier: Apache-2.0
/* `brig spec`: runc's example config (libcontainer/specconv Example), and
 * with --rootless what runc's ToRootless makes of it. */
#include "spec/internal.h"

static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm",
    NULL,
};

static const struct {
	const char *destination;
	const char *type;
	const char *source;
	const char *const options[8];
} mounts[] = {
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

static json_t *strings(const char *const *v, bool rootless)
{
	json_t *a = json_array();
	for (; *v; v++) {
		/* ToRootless: uid=/gid= options name ids that are not mapped */
		if (rootless && (strncmp(*v, "uid=", 4) == 0 || strncmp(*v, "gid=", 4) == 0))
			continue;
		json_array_append_new(a, json_string(*v));
	}
	return a;
}

static json_t *process_object(void)
{
	return json_pack("{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:{s:o, s:o, s:o}, "
			 "s:[{s:s, s:i, s:i}], s:b}",
			 "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh", "env",
			 strings(env, false), "cwd", "/", "capabilities", "bounding",
			 strings(caps, false), "effective", strings(caps, false), "permitted",
			 strings(caps, false), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024,
			 "soft", 1024, "noNewPrivileges", 1);
}

static json_t *mounts_array(bool rootless)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		const char *dest = mounts[i].destination;
		json_t *m;
		if (rootless && strcmp(dest, "/sys/fs/cgroup") == 0)
			continue; /* kept by runc; without cgroup delegation a
				   * rootless container has none of its own, and
				   * the /sys rbind already shows the host's */
		if (rootless && strcmp(dest, "/sys") == 0)
			m = json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", "none",
				      "source", "/sys", "options",
				      strings(rootless_sys_options, false));
		else
			m = json_pack("{s:s, s:s, s:s}", "destination", dest, "type",
				      mounts[i].type, "source", mounts[i].source);
		if (!json_object_get(m, "options") && mounts[i].options[0])
			json_object_set_new(m, "options", strings(mounts[i].options, rootless));
		json_array_append_new(a, m);
	}
	return a;
}

static json_t *namespaces_array(bool rootless)
{
	static const char *const types[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		if (rootless && strcmp(types[i], "network") == 0)
			continue; /* ToRootless: keep the host's network */
		json_array_append_new(a, json_pack("{s:s}", "type", types[i]));
	}
	if (rootless)
		json_array_append_new(a, json_pack("{s:s}", "type", "user"));
	return a;
}

static json_t *linux_object(const struct spec_default_opts *opts)
{
	bool rootless = opts && opts->rootless;
	json_t *l = json_object();
	if (rootless) {
		/* the invoking user is root in the container, nobody else is mapped */
		json_object_set_new(l, "uidMappings",
				    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)opts->uid, "size", 1));
		json_object_set_new(l, "gidMappings",
				    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
					      (json_int_t)opts->gid, "size", 1));
	}
	json_object_set_new(l, "namespaces", namespaces_array(rootless));
	json_object_set_new(l, "maskedPaths", strings(masked_paths, false));
	json_object_set_new(l, "readonlyPaths", strings(readonly_paths, false));
	return l;
}

char *spec_default_config(const struct spec_default_opts *opts)
{
	bool rootless = opts && opts->rootless;
	json_t *config = json_object();
	json_object_set_new(config, "ociVersion", json_string(SPEC_VERSION));
	json_object_set_new(config, "process", process_object());
	json_object_set_new(config, "root",
			    json_pack("{s:s, s:b}", "path", "rootfs", "readonly", 1));
	json_object_set_new(config, "hostname", json_string("brig"));
	json_object_set_new(config, "mounts", mounts_array(rootless));
	json_object_set_new(config, "linux", linux_object(opts));
	char *text = json_dumps(config, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(config);
	if (!text)
		abort(); /* allocation failure: the strings are all ASCII */
	return text;
}
