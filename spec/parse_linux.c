// SPDX-License-Identifier: Apache-2.0
/* linux: namespaces, id mappings, devices, sysctl, paths, personality,
 * network devices, memory policy, Intel RDT, and the checks between them
 * (runc's libcontainer/configs/validate). Resources and seccomp have their own
 * files. */
#include "spec/internal.h"

#include <ctype.h>
#include <sys/mount.h>
#include <sys/personality.h>

#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13) /* Linux 5.12 */
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif

static int parse_namespace(struct pctx *c, json_t *v, void *out)
{
	struct spec_linux *l = out;
	_cleanup_free_ char *type = NULL;
	int t;

	if (get_string(c, v, "type", REQ, &type) < 0)
		return -1;
	for (t = 0; t < SPEC_NS_COUNT; t++)
		if (strcmp(spec_ns_name(t), type) == 0)
			break;
	if (t == SPEC_NS_COUNT)
		return perr_at(c, "type", "unknown namespace type \"%s\"", type);
	if (l->namespaces[t].present) /* config-linux.md: MUST be an error */
		return perr_at(c, "type", "duplicate namespace \"%s\"", type);
	l->namespaces[t].present = true;
	return get_path(c, v, "path", OPT, &l->namespaces[t].path) < 0 ? -1 : 0;
}

static int parse_time_offset(struct pctx *c, const char *key, json_t *v, void *out)
{
	struct spec_time_offsets *t = out;
	uint32_t nsec = 0;
	int64_t sec = 0;

	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (strcmp(key, "monotonic") != 0 && strcmp(key, "boottime") != 0)
		return perr(c, "unknown clock \"%s\"", key);
	if (get_i64(c, v, "secs", OPT, INT64_MIN, INT64_MAX, &sec) < 0 ||
	    get_u32(c, v, "nanosecs", OPT, &nsec) < 0)
		return -1;
	if (nsec >= 1000000000)
		return perr_at(c, "nanosecs", "must be less than 1000000000");
	__typeof__(t->monotonic) *clock =
	    strcmp(key, "monotonic") == 0 ? &t->monotonic : &t->boottime;
	clock->set = true;
	clock->secs = sec;
	clock->nanosecs = nsec;
	return 0;
}

static const struct name_value device_types[] = {
    {"c", 'c'},
    {"b", 'b'},
    {"u", 'u'},
    {"p", 'p'},
};

static int parse_device(struct pctx *c, json_t *v, void *out)
{
	struct spec_device *d = out;
	long type = 0;

	if (get_path(c, v, "path", REQ, &d->path) < 0 ||
	    get_enum(c, v, "type", REQ, device_types, ARRAY_SIZE(device_types), "device type",
		     &type) < 0)
		return -1;
	d->type = (char)type;
	bool need_numbers = d->type != 'p'; /* a fifo has none */
	if (get_i64(c, v, "major", need_numbers, 0, INT64_MAX, &d->major) < 0 ||
	    get_i64(c, v, "minor", need_numbers, 0, INT64_MAX, &d->minor) < 0 ||
	    get_opt_u64(c, v, "fileMode", UINT32_MAX, &d->file_mode) < 0 ||
	    get_opt_u64(c, v, "uid", UINT32_MAX, &d->uid) < 0 ||
	    get_opt_u64(c, v, "gid", UINT32_MAX, &d->gid) < 0)
		return -1;
	return 0;
}

/* runc's mountPropagationMapping */
static const struct name_value propagations[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static const struct name_value domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

static int parse_personality(struct pctx *c, json_t *v, void *out)
{
	struct spec_personality *p = out;
	_cleanup_strv_ char **flags = NULL; /* no flag values are defined yet */
	long domain = 0;

	if (get_enum(c, v, "domain", REQ, domains, ARRAY_SIZE(domains), "personality domain",
		     &domain) < 0 ||
	    get_strv(c, v, "flags", OPT, NULL, &flags) < 0)
		return -1;
	p->present = true;
	p->domain = (unsigned long)domain;
	return 0;
}

/* The kernel's dev_valid_name(). */
static bool netdev_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= 16 /* IFNAMSIZ counts the NUL */)
		return false;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

static int check_netdev_name(struct pctx *c, const char *s)
{
	if (!netdev_name_valid(s))
		return perr(c, "invalid network device name \"%s\"", s);
	return 0;
}

static int parse_net_device(struct pctx *c, const char *key, json_t *v, void *item)
{
	struct spec_net_device *d = item;
	if (check_netdev_name(c, key) < 0)
		return -1;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	d->host_name = xstrdup(key);
	return get_string_checked(c, v, "name", OPT, check_netdev_name, &d->name) < 0 ? -1 : 0;
}

/* <linux/mempolicy.h> declares the modes as an enum, so a missing one cannot
 * be detected with #ifndef: the values are spelled out. */
static const struct name_value mpol_modes[] = {
    {"MPOL_DEFAULT", 0},
    {"MPOL_PREFERRED", 1},
    {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},
    {"MPOL_LOCAL", 4},
    {"MPOL_PREFERRED_MANY", 5},	     /* Linux 5.15 */
    {"MPOL_WEIGHTED_INTERLEAVE", 6}, /* Linux 6.9 */
};

static const struct name_value mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

static int check_node_list(struct pctx *c, const char *s)
{
	if (!id_list_valid(s))
		return perr(c, "invalid node list \"%s\"", s);
	return 0;
}

static int parse_memory_policy(struct pctx *c, json_t *v, void *out)
{
	struct spec_memory_policy *m = out;
	long mode = 0;
	uint64_t flags = 0;

	if (get_enum(c, v, "mode", REQ, mpol_modes, ARRAY_SIZE(mpol_modes), "memory policy mode",
		     &mode) < 0 ||
	    get_string_checked(c, v, "nodes", OPT, check_node_list, &m->nodes) < 0 ||
	    get_flags(c, v, "flags", mpol_flags, ARRAY_SIZE(mpol_flags), "memory policy flag",
		      &flags) < 0)
		return -1;
	m->present = true;
	m->mode = (int)mode;
	m->flags = (unsigned int)flags;
	return 0;
}

static int check_one_line(struct pctx *c, const char *s)
{
	if (strchr(s, '\n'))
		return perr(c, "must not contain a newline");
	return 0;
}

static int check_mem_bw(struct pctx *c, const char *s)
{
	if (strncmp(s, "MB:", 3) != 0) /* config-linux.md: MUST */
		return perr(c, "must start with \"MB:\"");
	return check_one_line(c, s);
}

static int parse_intel_rdt(struct pctx *c, json_t *v, void *out)
{
	struct spec_intel_rdt *r = out;
	if (get_string(c, v, "closID", OPT, &r->clos_id) < 0 ||
	    get_string_checked(c, v, "l3CacheSchema", OPT, check_one_line, &r->l3_cache_schema) <
		0 ||
	    get_string_checked(c, v, "memBwSchema", OPT, check_mem_bw, &r->mem_bw_schema) < 0 ||
	    get_strv(c, v, "schemata", OPT, check_one_line, &r->schemata) < 0 ||
	    get_bool(c, v, "enableMonitoring", OPT, &r->enable_monitoring) < 0)
		return -1;
	r->present = true;
	return 0;
}

/* ---- checks between fields ---- */

static int require_ns(struct pctx *c, const struct spec_linux *l, enum spec_ns_type t)
{
	if (!l->namespaces[t].present)
		return perr(c, "requires %s %s namespace", ns_article(t), spec_ns_name(t));
	return 0;
}

static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* The namespace a sysctl belongs to (runc's validator), or -1. */
static int sysctl_namespace(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return SPEC_NS_IPC;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return SPEC_NS_IPC;
	if (strncmp(key, "net.", 4) == 0)
		return SPEC_NS_NETWORK;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return SPEC_NS_UTS;
	if (strncmp(key, "user.", 5) == 0) /* ucounts of the user namespace */
		return SPEC_NS_USER;
	return -1;
}

static int check_sysctl(struct pctx *c, const struct spec_linux *l, const char *key)
{
	/* "net/ipv4/ip_forward" is accepted too (runc swaps '/' and '.') */
	_cleanup_free_ char *name = xstrdup(key);
	size_t sep = strcspn(name, "./");
	if (name[sep] == '/')
		for (char *p = name; *p; p++)
			*p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
	int t = sysctl_namespace(name);
	if (t < 0)
		return perr(c, "not namespaced: refusing to set it for the whole host");
	if (require_ns(c, l, t) < 0)
		return -1;
	/* runc's validator (and crun's uts-sysctl test): the OCI field says
	 * what the hostname is; a sysctl must not say something else */
	if (strcmp(name, "kernel.hostname") == 0)
		return perr(c, "conflicts with the OCI \"hostname\" field: set that instead");
	return 0;
}

static int check_sysctls(struct pctx *c, const struct spec_linux *l)
{
	size_t mark = path_key(c, "sysctl");
	for (size_t i = 0; i < l->n_sysctl; i++) {
		size_t m = path_mapkey(c, l->sysctl[i].key);
		int r = check_sysctl(c, l, l->sysctl[i].key);
		path_pop(c, m);
		if (r < 0) {
			path_pop(c, mark);
			return -1;
		}
	}
	path_pop(c, mark);
	return 0;
}

static int check_user_ns(struct pctx *c, const struct spec_linux *l)
{
	const struct spec_namespace *ns = &l->namespaces[SPEC_NS_USER];
	if (!ns->present) {
		if (l->n_uid_mappings)
			return perr_at(c, "uidMappings", "requires a user namespace");
		if (l->n_gid_mappings)
			return perr_at(c, "gidMappings", "requires a user namespace");
		return 0;
	}
	if (ns->path) /* joined: the mappings are the namespace's own */
		return 0;
	if (!l->n_uid_mappings)
		return perr_at(c, "uidMappings", "a new user namespace needs uid and gid mappings");
	if (!l->n_gid_mappings)
		return perr_at(c, "gidMappings", "a new user namespace needs uid and gid mappings");
	return 0;
}

static int check_linux(struct pctx *c, const struct spec_linux *l)
{
	if (check_user_ns(c, l) < 0)
		return -1;
	if (l->time_offsets.monotonic.set || l->time_offsets.boottime.set) {
		size_t mark = path_key(c, "timeOffsets");
		int r = require_ns(c, l, SPEC_NS_TIME);
		if (r == 0 && l->namespaces[SPEC_NS_TIME].path)
			r = perr(c, "cannot be set when joining a time namespace");
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	if (l->n_net_devices) {
		size_t mark = path_key(c, "netDevices");
		int r = require_ns(c, l, SPEC_NS_NETWORK);
		path_pop(c, mark);
		if (r < 0)
			return -1;
	}
	return check_sysctls(c, l);
}

static int parse_linux_more(struct pctx *c, json_t *v, struct spec_linux *l)
{
	long prop = 0;
	if (get_enum(c, v, "rootfsPropagation", OPT, propagations, ARRAY_SIZE(propagations),
		     "rootfs propagation", &prop) < 0 ||
	    get_strv(c, v, "maskedPaths", OPT, check_abs_path, &l->masked_paths) < 0 ||
	    get_strv(c, v, "readonlyPaths", OPT, check_abs_path, &l->readonly_paths) < 0 ||
	    get_string(c, v, "mountLabel", OPT, &l->mount_label) < 0 ||
	    get_object(c, v, "personality", OPT, parse_personality, &l->personality) < 0 ||
	    get_map(c, v, "netDevices", sizeof(struct spec_net_device), parse_net_device,
		    &l->net_devices, &l->n_net_devices) < 0 ||
	    get_object(c, v, "memoryPolicy", OPT, parse_memory_policy, &l->memory_policy) < 0 ||
	    get_object(c, v, "intelRdt", OPT, parse_intel_rdt, &l->intel_rdt) < 0)
		return -1;
	l->rootfs_propagation = (unsigned long)prop;
	return 0;
}

int parse_linux(struct pctx *c, json_t *v, void *out)
{
	struct spec_linux *l = out;
	if (get_each(c, v, "namespaces", parse_namespace, l) < 0 ||
	    get_array(c, v, "uidMappings", OPT, sizeof(struct spec_idmap), parse_idmap,
		      &l->uid_mappings, &l->n_uid_mappings) < 0 ||
	    get_array(c, v, "gidMappings", OPT, sizeof(struct spec_idmap), parse_idmap,
		      &l->gid_mappings, &l->n_gid_mappings) < 0 ||
	    get_each_entry(c, v, "timeOffsets", parse_time_offset, &l->time_offsets) < 0 ||
	    get_array(c, v, "devices", OPT, sizeof(struct spec_device), parse_device, &l->devices,
		      &l->n_devices) < 0 ||
	    get_string_checked(c, v, "cgroupsPath", OPT, check_path_len, &l->cgroups_path) < 0 ||
	    get_object(c, v, "resources", OPT, parse_resources, &l->resources) < 0 ||
	    get_string_map(c, v, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
	    get_object(c, v, "seccomp", OPT, parse_seccomp, &l->seccomp) < 0 ||
	    parse_linux_more(c, v, l) < 0)
		return -1;
	return check_linux(c, l);
}

void linux_clear(struct spec_linux *l)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		free(l->namespaces[t].path);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	resources_clear(&l->resources);
	kv_free(l->sysctl, l->n_sysctl);
	seccomp_clear(&l->seccomp);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->mount_label);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	free(l->memory_policy.nodes);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	strv_free(l->intel_rdt.schemata);
	memset(l, 0, sizeof(*l));
}

size_t mpol_names(enum spec_name_list which, const char **out, size_t cap)
{
	const struct name_value *t = which == SPEC_NAMES_MPOL_MODES ? mpol_modes : mpol_flags;
	size_t nt =
	    which == SPEC_NAMES_MPOL_MODES ? ARRAY_SIZE(mpol_modes) : ARRAY_SIZE(mpol_flags);
	size_t n = 0;
	for (size_t i = 0; i < nt && n < cap; i++)
		out[n++] = t[i].name;
	return n;
}
