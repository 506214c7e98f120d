/* SPDX-License-Identifier: Apache-2.0 */
/* spec: the runtime-spec v1.3.0 documents as plain, validated C structs. It owns
 * every JSON document brig reads or writes (config.json, an exec process.json,
 * the container state, the default config of `brig spec`), so no other module
 * sees a json_t. Everything here is pure: no syscalls beyond reading the file. */
#pragma once

#include "base/base.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SPEC_VERSION "1.3.0"

/* Optional scalars: `set` is false when the field was absent (or null). */
struct spec_i64 {
	bool set;
	int64_t value;
};
struct spec_u64 {
	bool set;
	uint64_t value;
};
struct spec_bool {
	bool set;
	bool value;
};

struct spec_kv {
	char *key;
	char *value;
};

struct spec_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* ---- root, mounts ---- */

struct spec_root {
	char *path; /* as given; spec_load resolves it against the bundle into abs_path */
	char *abs_path;
	bool readonly;
};

struct spec_mount {
	char *destination;
	char *source;	/* may be NULL */
	char *type;	/* may be NULL: a bind mount if options say so */
	char **options; /* NULL-terminated, may be NULL */
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process ---- */

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	struct spec_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

/* Capability sets as bit masks of CAP_* numbers (all < 64). `present` is false
 * when process.capabilities is absent: the sets are then left as inherited. */
struct spec_capabilities {
	bool present;
	uint64_t bounding;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t permitted;
	uint64_t ambient;
};

enum spec_sched_policy {
	SPEC_SCHED_OTHER,
	SPEC_SCHED_FIFO,
	SPEC_SCHED_RR,
	SPEC_SCHED_BATCH,
	SPEC_SCHED_ISO,
	SPEC_SCHED_IDLE,
	SPEC_SCHED_DEADLINE,
};

struct spec_scheduler {
	bool present;
	enum spec_sched_policy policy;
	int32_t nice;
	int32_t priority;
	uint64_t flags; /* SCHED_FLAG_* bits from the names in "flags" */
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

enum spec_ioprio_class {
	SPEC_IOPRIO_CLASS_RT = 1,
	SPEC_IOPRIO_CLASS_BE = 2,
	SPEC_IOPRIO_CLASS_IDLE = 3,
};

struct spec_io_priority {
	bool present;
	enum spec_ioprio_class class;
	int32_t priority; /* 0..7 */
};

struct spec_process {
	bool terminal;
	struct {
		bool set;
		uint32_t height;
		uint32_t width;
	} console_size;
	struct spec_user user;
	char **args; /* NULL-terminated, at least one element */
	char **env;  /* NULL-terminated, may be NULL */
	char *cwd;   /* absolute */
	struct spec_capabilities capabilities;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	struct spec_i64 oom_score_adj;
	struct spec_scheduler scheduler;
	struct spec_io_priority io_priority;
	char *exec_cpu_affinity_initial; /* cpu list such as "0-3,7", or NULL */
	char *exec_cpu_affinity_final;
};

/* ---- hooks ---- */

struct spec_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated, may be NULL */
	char **env;
	int timeout; /* seconds, 0 = none */
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART,
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_KINDS,
};

struct spec_hook_list {
	struct spec_hook *hooks;
	size_t n;
};

/* ---- linux ---- */

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT,
};

struct spec_namespace {
	bool present; /* listed in linux.namespaces */
	char *path;   /* join this one instead of creating a new one; NULL: new */
};

struct spec_device {
	char *path;
	char type; /* 'c', 'b', 'u' or 'p' */
	int64_t major;
	int64_t minor;
	struct spec_u64 file_mode;
	struct spec_u64 uid;
	struct spec_u64 gid;
};

/* linux.resources.devices: major/minor -1 means "any". */
struct spec_device_rule {
	bool allow;
	char type; /* 'a', 'c' or 'b' */
	int64_t major;
	int64_t minor;
	char access[4]; /* subset of "rwm", "" when absent (= "rwm") */
};

struct spec_memory {
	struct spec_i64 limit;
	struct spec_i64 reservation;
	struct spec_i64 swap;
	struct spec_i64 kernel;
	struct spec_i64 kernel_tcp;
	struct spec_u64 swappiness;
	struct spec_bool disable_oom_killer;
	struct spec_bool use_hierarchy;
	struct spec_bool check_before_update;
};

struct spec_cpu {
	struct spec_u64 shares;
	struct spec_i64 quota;
	struct spec_u64 burst;
	struct spec_u64 period;
	struct spec_i64 realtime_runtime;
	struct spec_u64 realtime_period;
	char *cpus;
	char *mems;
	struct spec_i64 idle;
};

struct spec_weight_device {
	int64_t major;
	int64_t minor;
	struct spec_u64 weight;
	struct spec_u64 leaf_weight;
};

struct spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct spec_throttle_list {
	struct spec_throttle_device *devices;
	size_t n;
};

struct spec_blkio {
	struct spec_u64 weight;
	struct spec_u64 leaf_weight;
	struct spec_weight_device *weight_devices;
	size_t n_weight_devices;
	struct spec_throttle_list read_bps;
	struct spec_throttle_list write_bps;
	struct spec_throttle_list read_iops;
	struct spec_throttle_list write_iops;
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB", "1GB", ... */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_rdma_limit {
	char *device;
	struct spec_u64 hca_handles;
	struct spec_u64 hca_objects;
};

struct spec_resources {
	bool present;
	struct spec_device_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct spec_memory memory;
	bool has_cpu;
	struct spec_cpu cpu;
	struct spec_i64 pids_limit;
	bool has_blkio;
	struct spec_blkio blkio;
	struct spec_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct spec_u64 net_class_id;
	struct spec_net_priority *net_priorities;
	size_t n_net_priorities;
	struct spec_rdma_limit *rdma;
	size_t n_rdma;
	struct spec_kv *unified;
	size_t n_unified;
};

enum spec_seccomp_action {
	SPEC_SCMP_KILL, /* = KILL_THREAD */
	SPEC_SCMP_KILL_PROCESS,
	SPEC_SCMP_KILL_THREAD,
	SPEC_SCMP_TRAP,
	SPEC_SCMP_ERRNO,
	SPEC_SCMP_TRACE,
	SPEC_SCMP_ALLOW,
	SPEC_SCMP_LOG,
	SPEC_SCMP_NOTIFY,
};

enum spec_seccomp_op {
	SPEC_SCMP_CMP_NE,
	SPEC_SCMP_CMP_LT,
	SPEC_SCMP_CMP_LE,
	SPEC_SCMP_CMP_EQ,
	SPEC_SCMP_CMP_GE,
	SPEC_SCMP_CMP_GT,
	SPEC_SCMP_CMP_MASKED_EQ,
};

struct spec_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	enum spec_seccomp_op op;
};

struct spec_seccomp_syscall {
	char **names; /* NULL-terminated, at least one */
	enum spec_seccomp_action action;
	struct spec_u64 errno_ret;
	struct spec_seccomp_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	bool present;
	enum spec_seccomp_action default_action;
	struct spec_u64 default_errno_ret;
	char **architectures; /* "SCMP_ARCH_X86_64", ...: validated names */
	char **flags;	      /* "SECCOMP_FILTER_FLAG_LOG", ...: validated names */
	char *listener_path;
	char *listener_metadata;
	struct spec_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct spec_time_offsets {
	struct {
		bool set;
		int64_t secs;
		uint32_t nanosecs;
	} monotonic, boottime;
};

struct spec_personality {
	bool present;
	unsigned long domain; /* PER_LINUX or PER_LINUX32 */
			      /* "flags" are accepted and currently carry no values in the spec */
};

struct spec_net_device {
	char *host_name; /* the key in linux.netDevices */
	char *name;	 /* name inside the container; NULL: keep host_name */
};

struct spec_memory_policy {
	bool present;
	int mode;	    /* MPOL_* */
	char *nodes;	    /* node list string, may be NULL */
	unsigned int flags; /* MPOL_F_* */
};

struct spec_intel_rdt {
	bool present;
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	char **schemata;
	bool enable_monitoring;
};

struct spec_linux {
	struct spec_namespace namespaces[SPEC_NS_COUNT];
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offsets time_offsets;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct spec_resources resources;
	struct spec_kv *sysctl;
	size_t n_sysctl;
	struct spec_seccomp seccomp;
	unsigned long rootfs_propagation; /* MS_* propagation flags incl. MS_REC; 0: unset */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	struct spec_personality personality;
	struct spec_net_device *net_devices;
	size_t n_net_devices;
	struct spec_memory_policy memory_policy;
	struct spec_intel_rdt intel_rdt;
};

/* GNU C modes (-std=gnu11) predefine `linux` as 1, which would turn the
 * member below into "struct spec_linux 1;". Code tests __linux__ instead. */
#undef linux

struct spec {
	char *oci_version;
	char *bundle; /* absolute bundle directory the config was loaded from */
	struct spec_root root;
	char *hostname; /* NULL when absent */
	char *domainname;
	struct spec_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct spec_process process;
	struct spec_hook_list hooks[SPEC_HOOK_KINDS];
	struct spec_kv *annotations;
	size_t n_annotations;
	struct spec_linux linux;
};

/* Loads and validates bundle_dir/config.json. Errors name the file and the JSON
 * path: "config.json: .process.user.uid: expected a non-negative integer". */
struct spec *spec_load(const char *bundle_dir, struct brig_error *err);
/* Parses a config from text; `name` is used in error messages and bundle_dir to
 * resolve root.path (may be NULL: root.path then stays as given). */
struct spec *spec_parse(const char *text, const char *name, const char *bundle_dir,
			struct brig_error *err);
void spec_free(struct spec *s);
static inline void spec_freep(struct spec **s)
{
	spec_free(*s);
}
#define _cleanup_spec_ _cleanup_(spec_freep)

/* A process object alone, as `exec --process FILE` passes it. */
struct spec_process *spec_process_load(const char *path, struct brig_error *err);
struct spec_process *spec_process_parse(const char *text, const char *name, struct brig_error *err);
void spec_process_free(struct spec_process *p);

const char *spec_ns_name(enum spec_ns_type t);	   /* "pid", "network", ... */
int spec_ns_clone_flag(enum spec_ns_type t);	   /* CLONE_NEWPID, ... */
const char *spec_hook_name(enum spec_hook_kind k); /* "prestart", ... */
const char *spec_annotation(const struct spec *s, const char *key);

/* Capability and rlimit names (used by the config parser, `exec --cap` and tests). */
int spec_cap_from_name(const char *name);    /* "CAP_CHOWN" -> 0; -1 if unknown */
const char *spec_cap_name(int cap);	     /* 0 -> "CAP_CHOWN"; NULL if unknown */
int spec_rlimit_from_name(const char *name); /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 */

/* `update --resources`: a linux.resources object alone. */
struct spec_resources *spec_resources_parse(const char *text, const char *name,
					    struct brig_error *err);
void spec_resources_free(struct spec_resources *r);

/* ---- mount options (runtime-spec config.md's table) ---- */

/* One parsed `mounts[].options` list. */
struct spec_mount_opts {
	unsigned long flags;	   /* MS_* flags to set */
	unsigned long clear;	   /* MS_* flags an option cleared (e.g. "rw", "dev") */
	unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [| MS_REC] */
	uint64_t attr_set;	   /* MOUNT_ATTR_* for the recursive options (mount_setattr) */
	uint64_t attr_clr;
	bool bind;	/* "bind" or "rbind" (MS_BIND is also in flags) */
	bool recursive; /* "rbind" */
	bool idmap;	/* "idmap" or "ridmap" */
	bool ridmap;
	bool tmpcopyup;
	char *data; /* the filesystem-specific rest, comma-joined, or NULL */
};

int spec_mount_opts_parse(char *const *options, struct spec_mount_opts *ret,
			  struct brig_error *err);
void spec_mount_opts_free(struct spec_mount_opts *o);

/* ---- container state (runtime-spec runtime.md "State", plus runc's extras) ---- */

enum spec_status {
	SPEC_STATUS_CREATING,
	SPEC_STATUS_CREATED,
	SPEC_STATUS_RUNNING,
	SPEC_STATUS_STOPPED,
	SPEC_STATUS_PAUSED,
};

const char *spec_status_name(enum spec_status s);

/* The record brig keeps in <root>/<id>/state.json; the public fields are also
 * what `state` prints and what hooks read on stdin. */
struct spec_state {
	char *oci_version;
	char *id;
	enum spec_status status;
	pid_t pid;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char *owner;   /* "" for root, as runc */
	struct spec_kv *annotations;
	size_t n_annotations;
	/* brig's private fields, only in the record file */
	uint64_t init_start_time; /* /proc/PID/stat field 22: tells a reused pid apart */
	bool started;		  /* `start` has run (created vs running) */
	char *cgroup_path;	  /* resolved cgroup, NULL: none */
	bool has_userns;
	bool has_pidns; /* a new pid namespace: killing init kills them all */
};

/* What `state` prints / hooks get: ociVersion, id, status, pid, bundle,
 * annotations, rootfs, created, owner. Pretty-printed when `pretty`. */
char *spec_state_format_public(const struct spec_state *s, bool pretty);
/* The record file: public and private fields. */
char *spec_state_format_record(const struct spec_state *s);
int spec_state_parse_record(const char *text, struct spec_state *ret, struct brig_error *err);
void spec_state_clear(struct spec_state *s);
/* `list --format json`: runc's array of {ociVersion,id,pid,status,bundle,rootfs,created,owner}. */
char *spec_state_format_list(const struct spec_state *states, size_t n);

/* ---- `events`: runc's event JSON ({"type","id","data"}) ---- */

struct spec_stats_mem {
	uint64_t usage, limit, max, failcnt;
};
struct spec_stats_blkio {
	uint64_t major, minor;
	char op[8]; /* "Read", "Write", ... */
	uint64_t value;
};
struct spec_stats_hugetlb {
	char page_size[16]; /* "2MB" */
	uint64_t usage, max, failcnt;
};
struct spec_stats_kv {
	char *key;
	uint64_t value;
};
/* runc's types.Stats (libcontainer/cgroups/stats.go, as `runc events` prints it): what
 * cgroups_stats reads from a cgroup's files and spec_event_format prints. Limits reading
 * "max" are UINT64_MAX (printed as runc does); a file missing leaves its numbers 0. */
struct spec_stats {
	struct {
		uint64_t total, kernel, user; /* ns */
		uint64_t *percpu;	      /* v1 cpuacct only */
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time; /* ns */
	} cpu;
	struct {
		uint64_t cache;
		struct spec_stats_mem usage, swap, kernel, kernel_tcp; /* swap: memory+swap */
		uint64_t oom,
		    oom_kill; /* memory.events (v1: oom_control's oom_kill); not printed */
		struct spec_stats_kv *raw; /* memory.stat */
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit;
	} pids;
	struct {
		struct spec_stats_blkio *service_bytes, *serviced;
		size_t n_service_bytes, n_serviced;
	} blkio;
	struct spec_stats_hugetlb *hugetlb;
	size_t n_hugetlb;
};
/* One event line: type "stats" (with data) or "oom" (without). */
char *spec_event_format(const char *type, const char *id, const struct spec_stats *data);

/* ---- `features` (runtime-spec features.md, features-linux.md) ---- */

/* The names the parser recognizes, for `features` and the test that checks
 * `features` against the code. */
enum spec_name_list {
	SPEC_NAMES_MOUNT_OPTIONS,
	SPEC_NAMES_SECCOMP_ACTIONS,
	SPEC_NAMES_SECCOMP_OPS,
	SPEC_NAMES_SECCOMP_ARCHS,
	SPEC_NAMES_SECCOMP_FLAGS,
	SPEC_NAMES_MPOL_MODES,
	SPEC_NAMES_MPOL_FLAGS,
	SPEC_NAMES_NAMESPACES,
	SPEC_NAMES_HOOKS,
	SPEC_NAMES_CAPABILITIES,
};
/* Fills out[0..cap) and returns how many there are. */
size_t spec_names(enum spec_name_list which, const char **out, size_t cap);

/* What only the running host and the other modules know. */
struct spec_features_host {
	bool seccomp;			      /* the runtime compiles and loads filters */
	const char *const *seccomp_supported; /* flags this kernel takes, NULL-terminated */
	bool apparmor, selinux;
	bool cgroup_v1, cgroup_v2, systemd, systemd_user, rdma;
	bool idmap, net_devices, intel_rdt;
};
char *spec_features_format(const struct spec_features_host *h);

/* ---- `brig spec`: the default config.json ---- */

struct spec_default_opts {
	bool rootless; /* runc's `spec --rootless`: a user namespace mapping uid/gid below */
	uid_t uid;
	gid_t gid;
	/* `spec --hardened`: every principle of docs/security.md at once */
	bool hardened;
	bool user_set; /* --user UID:GID; unset: 1000:1000 (0:0 with rootless) */
	uint32_t user_uid;
	uint32_t user_gid;
	const char *const *cap_add;   /* --cap-add NAME...: NULL-terminated, "NET_BIND_SERVICE"
				       * or "CAP_NET_BIND_SERVICE"; may be NULL */
	bool userns;		      /* --userns: container root is host 100000, 65536 ids */
	const char *apparmor_profile; /* hardened: process.apparmorProfile, NULL: none */
	const char *selinux_label;    /* hardened: process.selinuxLabel, NULL: none */
	const char *arch; /* the seccomp profile's architecture (spec_arch_lookup); NULL: brig's */
};

/* What spec_default_config cannot report: unknown --cap-add names or arch,
 * --user/--cap-add/--userns without --hardened, --userns with --rootless. */
int spec_default_opts_check(const struct spec_default_opts *opts, struct brig_error *err);
/* Pretty-printed JSON text of the default config.json (root.path "rootfs"):
 * runc's example plus brig's default seccomp profile, or with `hardened` the
 * hardened config. Unknown cap_add names are skipped (check them first). */
char *spec_default_config(const struct spec_default_opts *opts);

/* ---- seccomp profiles (seccomp_json.c, profile_docker.c, seccomp_default.c) ---- */

const char *spec_seccomp_action_name(enum spec_seccomp_action a); /* "SCMP_ACT_ALLOW" */
const char *spec_seccomp_op_name(enum spec_seccomp_op op);	  /* "SCMP_CMP_EQ" */
/* Frees what a struct spec_seccomp holds and zeroes it. */
void spec_seccomp_clear(struct spec_seccomp *s);
/* The OCI linux.seccomp object as JSON text (what `brig seccomp convert` prints). */
char *spec_seccomp_format(const struct spec_seccomp *s, bool pretty);

/* An architecture named any of the ways profiles and users name it: Go's
 * "amd64" (Docker's includes.arches), libseccomp's "x86_64", the spec's
 * "SCMP_ARCH_X86_64". NULL names the architecture brig was built for. Sets
 * the Go and the spec name; -1 if unknown. */
int spec_arch_lookup(const char *name, const char **ret_goarch, const char **ret_scmp);

/* Docker's default capability set, the one `docker run` gives without --cap-add. */
#define SPEC_DOCKER_DEFAULT_CAPS                                                                   \
	((UINT64_C(1) << 0) | (UINT64_C(1) << 1) | (UINT64_C(1) << 3) | (UINT64_C(1) << 4) |       \
	 (UINT64_C(1) << 5) | (UINT64_C(1) << 6) | (UINT64_C(1) << 7) | (UINT64_C(1) << 8) |       \
	 (UINT64_C(1) << 10) | (UINT64_C(1) << 13) | (UINT64_C(1) << 18) | (UINT64_C(1) << 27) |   \
	 (UINT64_C(1) << 29) | (UINT64_C(1) << 31))

/* What a Docker-format profile is resolved for: Docker keeps an entry when
 * its includes/excludes match the container's capabilities, the machine's
 * architecture and kernel. */
struct spec_profile_target {
	uint64_t caps;			     /* CAP_* bit mask (the bounding set) */
	const char *arch;		     /* any name spec_arch_lookup takes; NULL: brig's own */
	unsigned kernel_major, kernel_minor; /* 0.0: newer than any minKernel */
};

/* Parses a seccomp profile: an OCI linux.seccomp object, a whole config.json
 * (its linux.seccomp), or a Docker profile (archMap, includes/excludes),
 * which is resolved for `t` (NULL: Docker's default capabilities, brig's
 * architecture, a current kernel). Errors name the document and JSON path. */
int spec_seccomp_profile_parse(const char *text, const char *name,
			       const struct spec_profile_target *t, struct spec_seccomp *ret,
			       struct brig_error *err);

enum spec_profile_kind {
	SPEC_PROFILE_INVALID, /* not a JSON object */
	SPEC_PROFILE_OCI,     /* a linux.seccomp object: JSON paths start at "" */
	SPEC_PROFILE_CONFIG,  /* a config.json: paths start at ".linux.seccomp" */
	SPEC_PROFILE_DOCKER,  /* Docker's format (archMap, includes, excludes, comment) */
};

enum spec_profile_kind spec_seccomp_profile_kind(const char *text);
/* brig's default profile: Docker's default (an allow-list, everything else
 * EPERM; clone/clone3/unshare/mount and friends only with CAP_SYS_ADMIN...),
 * resolved for `t` (t->arch unknown is the only error). */
int spec_seccomp_default(const struct spec_profile_target *t, struct spec_seccomp *ret,
			 struct brig_error *err);
/* Docker's default profile as embedded, in Docker's format (JSON text). */
char *spec_docker_default_profile(void);

/* The message to a seccomp agent (runtime.md "Seccomp State"): ociVersion,
 * fds ["seccompFd"], pid, metadata (listenerMetadata, may be NULL) and the
 * container state, given as the JSON hooks get (spec_state_format_public,
 * status "creating"); pid is the state's. NULL if state_json is not a JSON
 * object with a pid. */
char *spec_seccomp_state_format(const char *state_json, const char *metadata);

/* ---- brig networks (an extension, see docs/networking.md) ---- */

/* An IPv4 subnet, in host byte order. */
struct spec_cidr {
	uint32_t addr; /* the network address: no host bits */
	unsigned prefix;
};

/* "10.88.0.0/24". Prefixes 8..30: at least two container addresses. */
int spec_cidr_parse(const char *s, struct spec_cidr *ret, struct brig_error *err);
/* A dotted-quad IPv4 address. */
int spec_ipv4_parse(const char *s, uint32_t *ret, struct brig_error *err);
void spec_ipv4_format(uint32_t addr, char buf[static 16]);

enum spec_net_mode {
	SPEC_NET_INTERNAL,	 /* the host has no address on the bridge */
	SPEC_NET_HOST_REACHABLE, /* the bridge has the subnet's first address */
};

/* A network definition, <dir>/<name>.json. */
struct spec_network {
	char *name;
	char *bridge; /* the Linux bridge's name */
	struct spec_cidr subnet;
	enum spec_net_mode mode;
	bool icc;     /* containers on it may reach each other */
	uint32_t mtu; /* 0: the kernel's default */
	char *created;
};

/* 1..64 of [A-Za-z0-9_.-], starting with a letter or digit; not "none". */
int spec_network_name_validate(const char *name, struct brig_error *err);
char *spec_network_format(const struct spec_network *n);
/* doc names the file in errors. */
int spec_network_parse(const char *text, const char *doc, struct spec_network *ret,
		       struct brig_error *err);
void spec_network_clear(struct spec_network *n);

/* One address of a network handed to a container (<dir>/<name>.leases.json). */
struct spec_lease {
	uint32_t addr;
	char *id;      /* the container's id */
	char *root;    /* and its state root: <root>/<id> lives as long as the lease */
	char *boot_id; /* leases of an earlier boot are void */
};

char *spec_leases_format(const struct spec_lease *v, size_t n);
int spec_leases_parse(const char *text, const char *doc, struct spec_lease **ret, size_t *ret_n,
		      struct brig_error *err);
void spec_leases_free(struct spec_lease *v, size_t n);
/* `brig network inspect`: the definition plus its containers, pretty-printed. */
char *spec_network_format_inspect(const struct spec_network *n, const struct spec_lease *v,
				  size_t nv);

/* An interface address as kept for a netDevice. */
struct spec_ifaddr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t local[16];
	unsigned prefix;
	bool has_peer;
	uint8_t peer[16];
	bool has_broadcast;
	uint8_t broadcast[4];
	uint8_t scope;
	uint32_t flags;
};

/* One linux.netDevices entry as moved. */
struct spec_netdev_record {
	char *host_name; /* its name on the host, restored on delete */
	char *name;	 /* its name in the container as asked (maybe a "%d" template) */
	int host_index;
	bool has_mac;
	uint8_t mac[6];
	char *kind; /* "" for a physical device (the kernel returns those) */
	bool was_up;
	struct spec_ifaddr *addrs; /* its permanent global addresses */
	size_t n_addrs;
};

/* What network setup did in a container (<root>/<id>/network.json), written
 * before it does it, so that teardown can undo any part of it. */
struct spec_netrecord {
	pid_t pid; /* the init, whose network namespace it is */
	uint64_t start_time;
	bool own_netns; /* a new namespace: netDevices go back to the host on delete */
	char *network;	/* NULL: no brig network */
	char *dir;	/* the networks directory */
	char *root;	/* the lease's owner */
	char *id;
	uint32_t address;
	char *host_veth;
	struct spec_netdev_record *devs;
	size_t n_devs;
};

char *spec_netrecord_format(const struct spec_netrecord *r);
int spec_netrecord_parse(const char *text, struct spec_netrecord *ret, struct brig_error *err);
void spec_netrecord_clear(struct spec_netrecord *r);

/* ---- `brig check`: a config audited against docs/security.md (check.c) ---- */

enum spec_severity {
	SPEC_SEV_INFO, /* worth knowing; never fails a check */
	SPEC_SEV_LOW,
	SPEC_SEV_MEDIUM,
	SPEC_SEV_HIGH,
};

const char *spec_severity_name(enum spec_severity s); /* "info", "low", ... */
int spec_severity_from_name(const char *name);	      /* -1 if unknown */

struct spec_finding {
	const char *rule; /* "root-user": one of spec_check_rules() */
	enum spec_severity severity;
	char *path;    /* the JSON path of what is wrong: ".process.user.uid" */
	char *message; /* what is wrong */
	const char *fix;
};

/* What the rules need to know of the host; unit tests make one up. */
struct spec_check_host {
	bool apparmor;		       /* AppArmor is enabled */
	bool selinux;		       /* SELinux is enabled */
	const char *const *state_dirs; /* NULL-terminated: the runtimes' state (brig's --root,
					* ...), besides the well-known ones */
};

struct spec_rule {
	const char *id;
	enum spec_severity severity; /* the highest it reports */
	const char *summary;
};

/* The rules, in the order findings are reported. */
const struct spec_rule *spec_check_rules(size_t *ret_n);
/* Runs every rule over s: a pure function of s and host. */
void spec_check(const struct spec *s, const struct spec_check_host *host, struct spec_finding **ret,
		size_t *ret_n);
void spec_findings_free(struct spec_finding *f, size_t n);
/* Findings at or above `min`; info findings never count. */
size_t spec_findings_count(const struct spec_finding *f, size_t n, enum spec_severity min);
/* One finding per paragraph (severity, rule, path, message, fix) and a summary line. */
char *spec_check_format_text(const struct spec_finding *f, size_t n);
/* {"findings":[{"rule","severity","path","message","fix"}...],"summary":{...}} */
char *spec_check_format_json(const struct spec_finding *f, size_t n);

/* A policy: which findings refuse a container at `brig create` (check_policy.c).
 * {"failOn": "high", "ignore": ["rule-id", "rule-id:.json.path"]} */
struct spec_policy {
	enum spec_severity fail_on; /* default high */
	char **ignore;		    /* NULL-terminated, may be NULL */
};

int spec_policy_parse(const char *text, const char *name, struct spec_policy *ret,
		      struct brig_error *err);
void spec_policy_clear(struct spec_policy *p);
bool spec_policy_ignores(const struct spec_policy *p, const struct spec_finding *f);
