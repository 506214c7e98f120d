/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups: the container's cgroup on unified and hybrid hosts, made by brig (cgroupfs) or
 * by systemd (a transient unit over D-Bus). It reads the host's layout, resolves
 * linux.cgroupsPath, turns linux.resources into a pure plan (writes plus a BPF device
 * program, and the unit's D-Bus properties) and does the I/O around that plan on directory
 * fds: create, apply, attach, join, freeze, signal, list, stats, remove. */
#pragma once

#include "spec/spec.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The runtime's order of calls:
 * - create, in the parent before clone: cgroups_host_detect, cgroups_path_resolve,
 *   cgroups_plan, cgroups_create, cgroups_apply, cgroups_attach_devices; clone3 with
 *   CLONE_INTO_CGROUP and cg.v2.fd, then cgroups_add_pid(v1_only = true) before the child
 *   may run user code (a kernel without CLONE_INTO_CGROUP: plain clone, v1_only = false).
 *   Keep cgroups_record(cg) in the state; on a later failure cgroups_remove.
 * - the other verbs: cgroups_host_detect, cgroups_record_parse, cgroups_open, then the
 *   verb; update is cgroups_plan(update), cgroups_apply, cgroups_attach_devices.
 * - delete: cgroups_remove (also when cgroups_open failed with ENOENT: v1 leftovers).
 * With the systemd driver (--systemd-cgroup) create resolves and plans the same way plus
 * cgroups_systemd_props, clones without CLONE_INTO_CGROUP and, while the child waits,
 * cgroups_systemd_start with its pid (the unit and every directory), cgroups_apply,
 * cgroups_attach_devices; update is cgroups_plan(update), cgroups_plan_resolve,
 * cgroups_systemd_props, cgroups_systemd_set, cgroups_apply, cgroups_attach_devices;
 * cgroups_remove also stops the unit. */

/* ---- the host ---- */

enum cgroups_layout {
	CGROUPS_UNIFIED, /* cgroup2 only, normally at /sys/fs/cgroup */
	CGROUPS_HYBRID,	 /* v1 hierarchies beside a cgroup2 mount (/sys/fs/cgroup/unified) */
};

/* One mounted cgroup v1 hierarchy. */
struct cgroups_v1_hierarchy {
	char *controllers; /* "cpu,cpuacct", "memory", "name=systemd": as /proc/self/cgroup names it
			    */
	char *mount;	   /* "/sys/fs/cgroup/cpu,cpuacct" */
	char *root; /* the mount's root inside the hierarchy (mountinfo field 4), usually "/" */
	char *own;  /* brig's own cgroup in it (/proc/self/cgroup), "/" when not listed */
};

struct cgroups_host {
	enum cgroups_layout layout;
	char *v2_mount;	       /* "/sys/fs/cgroup" or "/sys/fs/cgroup/unified" */
	char *v2_root;	       /* the mount's root inside the hierarchy, usually "/" */
	char *v2_own;	       /* brig's own cgroup ("0::" line of /proc/self/cgroup) */
	char **v2_controllers; /* NULL-terminated: cgroup.controllers of the v2 mount's top */
	struct cgroups_v1_hierarchy *v1;
	size_t n_v1;
};

/* Pure: builds the host from the text of /proc/self/mountinfo, /proc/self/cgroup and the
 * cgroup.controllers file at the top of the cgroup2 mount (NULL: none available). The
 * cgroup2 mount at /sys/fs/cgroup wins over /sys/fs/cgroup/unified; a host without any
 * cgroup2 mount (pure v1) is an error. */
int cgroups_host_parse(const char *mountinfo, const char *proc_cgroup, const char *controllers,
		       struct cgroups_host *ret, struct brig_error *err);
/* Reads those three files of the running system and parses them. */
int cgroups_host_detect(struct cgroups_host *ret, struct brig_error *err);
void cgroups_host_clear(struct cgroups_host *h);
/* The v1 hierarchy a controller is bound to, NULL when it is not on v1. */
const struct cgroups_v1_hierarchy *cgroups_host_v1(const struct cgroups_host *h,
						   const char *controller);
/* Whether a controller is in the v2 mount's cgroup.controllers. */
bool cgroups_host_has_v2(const struct cgroups_host *h, const char *controller);

/* ---- the container's cgroup ---- */

/* The container's cgroup in one hierarchy. */
struct cgroups_dir {
	char *hierarchy;  /* NULL: the unified hierarchy; else a v1 hierarchy's controllers */
	char *path;	  /* below the hierarchy's mount point, "/brig/abc" */
	unsigned created; /* trailing components of path that brig created; 0: it joined one */
	int fd;		  /* the directory (O_RDONLY|O_DIRECTORY), -1 until created or opened */
};

/* Which systemd owns a unit: PID 1, or the user's manager (rootless). The bus to each is
 * tried in order: the system bus, then /run/systemd/private (root only); the session bus,
 * then $XDG_RUNTIME_DIR/systemd/private. */
enum cgroups_manager {
	CGROUPS_MANAGER_SYSTEM,
	CGROUPS_MANAGER_USER,
};

/* The systemd unit whose cgroup is the container's (--systemd-cgroup). */
struct cgroups_unit {
	char *name;  /* "brig-abc.scope"; a name ending in ".slice" makes a slice; NULL: none */
	char *slice; /* the parent slice: Slice= of a scope, Wants= of a slice */
	enum cgroups_manager manager;
};

/* The container's cgroup in every hierarchy: always the unified one, plus one per v1
 * hierarchy on a hybrid host; with the systemd driver, the unit that owns it. */
struct cgroups_cgroup {
	struct cgroups_dir v2;
	struct cgroups_dir *v1;
	size_t n_v1;
	struct cgroups_unit unit;
};

/* How linux.cgroupsPath is read: as a path (cgroupfs), or in systemd's slice:prefix:name. */
struct cgroups_driver {
	bool systemd;
	enum cgroups_manager manager;
	/* the user manager's own cgroup (its ControlGroup property, e.g.
	 * "/user.slice/user-1000.slice/user@1000.service"): its units live below it */
	const char *manager_cgroup;
};

/* Pure: where the container's cgroup goes (fds -1, created 0). The cgroupfs driver:
 * - an absolute cgroupsPath is taken below each hierarchy's mount point (runtime-spec);
 * - a relative one is below the cgroup brig runs in, in each hierarchy;
 * - none (NULL or "") means "/brig/<id>": the same absolute path in every hierarchy, whose
 *   parent "/brig" holds no processes, so cgroup v2's no-internal-processes rule never gets
 *   in the way; inside a cgroup namespace or a container's bind-mounted cgroupfs "/" is that
 *   container's own cgroup, so a nested brig stays inside it.
 * '.' and '..' components, newlines and the systemd form are errors.
 * The systemd driver (runc's rules): cgroupsPath is "slice:prefix:name"; the unit is
 * "prefix-name.scope" (a name ending in ".slice" is the unit itself, a slice); an empty
 * slice is system.slice (user.slice for the user manager); none (NULL or "") is
 * ":brig:<id>". The cgroup is the slice's path as systemd nests it
 * ("a-b.slice" -> /a.slice/a-b.slice) plus the unit, the same in every hierarchy (below the
 * manager's own cgroup for the user manager). */
int cgroups_path_resolve(const struct cgroups_host *h, const char *cgroups_path, const char *id,
			 const struct cgroups_driver *driver, struct cgroups_cgroup *ret,
			 struct brig_error *err);
/* Pure: systemd's path of a slice: "-.slice" -> "/", "a-b.slice" -> "/a.slice/a-b.slice";
 * NULL for a name systemd refuses ("a--b.slice", "-a.slice", "a.scope", a '/'). */
char *cgroups_slice_path(const char *slice);

/* The record the runtime keeps in its state file (spec_state.cgroup_path) to find the
 * cgroup again and to remove only what it created: one "<hierarchy> <created> <path>" line
 * per hierarchy ("unified" for v2), and "systemd system|user <unit>" for the systemd
 * driver's unit. */
char *cgroups_record(const struct cgroups_cgroup *cg);
int cgroups_record_parse(const char *text, struct cgroups_cgroup *ret, struct brig_error *err);

/* Opens the directories of an existing cgroup (from a record) for the verbs. A v1
 * hierarchy no longer mounted is an error. */
int cgroups_open(const struct cgroups_host *h, struct cgroups_cgroup *cg, struct brig_error *err);
/* exec --cgroup: each of args, "[CONTROLLER[,CONTROLLER...]:]PATH" as runc takes it, moves the
 * named hierarchies' dirs (all of them without a controller) to PATH below the container's
 * cgroup and opens them: ".." may not leave the container's cgroup, the sub-cgroup must
 * exist, and a controller must be mounted (runc's words for each error). */
int cgroups_enter_sub(const struct cgroups_host *h, struct cgroups_cgroup *cg, char *const *args,
		      struct brig_error *err);
void cgroups_cgroup_clear(struct cgroups_cgroup *cg);

/* ---- the plan ---- */

enum cgroups_write_flags {
	CGROUPS_WRITE_OPTIONAL = 1 << 0,   /* a missing file or feature is a warning */
	CGROUPS_WRITE_IF_PRESENT = 1 << 1, /* a missing file is skipped silently */
	CGROUPS_WRITE_KEEP_QUOTA = 1 << 2, /* value is " PERIOD": keep cpu.max's current quota */
	CGROUPS_WRITE_CHECK_USAGE = 1
				    << 3, /* memory.checkBeforeUpdate: refuse a limit below usage */
	CGROUPS_WRITE_RETRY_AFTER_NEXT = 1
					 << 4, /* EINVAL: write the next entry first, then retry */
};

/* One write. A multi-line value is written one line per write(2). */
struct cgroups_write {
	const char *v1;	 /* NULL: the unified hierarchy; else the v1 controller owning file */
	char *file;	 /* a name in the cgroup's directory: "memory.max" */
	char *value;	 /* "268435456" */
	char *alt_file;	 /* written instead when file does not exist (io.bfq.weight -> io.weight) */
	char *alt_value; /* the value for alt_file */
	char *field;	 /* the config field it implements, for messages */
	unsigned flags;	 /* enum cgroups_write_flags */
};

struct cgroups_plan {
	struct cgroups_write *writes;
	size_t n_writes;
	char **v2_controllers;	  /* NULL-terminated or NULL: controllers the writes need */
	struct bpf_insn *devices; /* the device program; NULL: leave the device filter alone */
	size_t n_devices;	  /* instructions in it */
	char **warnings;	  /* NULL-terminated or NULL: for the runtime to log */
};

/* Pure: linux.resources -> writes, a device program and warnings. Values that mean "unset"
 * to the callers write nothing: 0 for the limits, cpu.shares 0, disableOOMKiller false; at
 * create also the defaults of a new cgroup (cpu.shares 1024, memory.limit/swap -1, pids -1,
 * cpu.quota -1, burst 0, idle 0). With `update` (the `update` verb, Docker's resources JSON)
 * 0 means "leave unchanged" for the limits and the device program is rebuilt only when the
 * update lists devices. cpu.shares becomes cpu.weight by the quadratic mapping runc and crun
 * both use since 2025 (2 -> 1, 1024 -> 100, 262144 -> 10000; the old linear one mapped 1024
 * to 39). A limit no mounted hierarchy can enforce is an error naming field and controller. */
int cgroups_plan(const struct spec_resources *r, const struct cgroups_host *h, bool update,
		 struct cgroups_plan *ret, struct brig_error *err);
void cgroups_plan_clear(struct cgroups_plan *p);
/* Removes the writes to one v1 controller's files, keeping the order of the others, and
 * returns how many it removed. A rootless runtime drops "devices": the v1 devices files
 * need CAP_SYS_ADMIN in the host's user namespace, whoever owns the cgroup. */
size_t cgroups_plan_drop_v1(struct cgroups_plan *p, const char *controller);

/* The conversions, for tests and for callers that print them. */
uint64_t cgroups_cpu_weight(uint64_t shares); /* 0 stays 0 ("unset") */
uint64_t cgroups_io_weight(uint64_t blkio_weight);

/* Compiles device rules (runtime-spec order: the last matching rule decides, nothing
 * matching means deny) into a BPF_PROG_TYPE_CGROUP_DEVICE program. */
int cgroups_device_program(const struct spec_device_rule *rules, size_t n, struct bpf_insn **ret,
			   size_t *ret_n, struct brig_error *err);
/* The rules runc appends after the config's: mknod of anything, /dev/null, zero, full,
 * random, urandom, tty, ptmx, /dev/pts/ and /dev/net/tun. */
const struct spec_device_rule *cgroups_default_device_rules(size_t *ret_n);

/* ---- I/O on the container's cgroup ---- */

/* Creates the cgroup in every hierarchy (mkdir -p), recording in cg->*.created what it
 * made, and opens the directories. In the unified hierarchy it first enables the plan's
 * controllers in the cgroup.subtree_control of every level from the mount's top down to the
 * parent (and, best effort, cpu, io, memory, pids and hugetlb for stats and later updates);
 * a parent holding processes is a clear error (the no-internal-processes rule). In a v1
 * cpuset hierarchy, empty cpuset.cpus/mems of new levels are copied from the parent. v1
 * hierarchies the plan does not write to are joined best effort. On error it removes what
 * it created. */
int cgroups_create(const struct cgroups_host *h, const struct cgroups_plan *plan,
		   struct cgroups_cgroup *cg, struct brig_error *err);
/* Writes the plan, in order, relative to the cgroup's directory fds. Warnings (optional
 * files missing on this kernel) are appended to *warnings (a strv, may start NULL). On error
 * the caller removes the cgroup (cgroups_remove) if it has just created it. */
int cgroups_apply(const struct cgroups_cgroup *cg, const struct cgroups_plan *plan,
		  char ***warnings, struct brig_error *err);
/* Turns the writes that depend on a file's current value into plain ones (a new cpu
 * period alone: the quota cpu.max has now), so that the systemd properties can say the
 * same as the files. */
int cgroups_plan_resolve(const struct cgroups_cgroup *cg, struct cgroups_plan *plan,
			 struct brig_error *err);
/* Loads plan->devices with bpf(2) and attaches it to the unified cgroup (also on a hybrid
 * host), replacing the programs already attached there: BPF_F_REPLACE when there is one,
 * else attach-new-then-detach-old with BPF_F_ALLOW_MULTI, so no access goes unchecked. No
 * program in the plan: nothing to do. Rootless callers may ignore EPERM, as crun does. */
int cgroups_attach_devices(const struct cgroups_cgroup *cg, const struct cgroups_plan *plan,
			   struct brig_error *err);
/* Writes pid to cgroup.procs: in every v1 hierarchy, and also in the unified one unless
 * v1_only (the process was cloned there with CLONE_INTO_CGROUP). */
int cgroups_add_pid(const struct cgroups_cgroup *cg, pid_t pid, bool v1_only,
		    struct brig_error *err);

/* ---- verbs ---- */

/* pause/resume: cgroup.freeze, waiting up to timeout_ms until cgroup.events shows "frozen"
 * as asked; the v1 freezer where the kernel has no cgroup.freeze. */
int cgroups_freeze(const struct cgroups_cgroup *cg, bool frozen, int timeout_ms,
		   struct brig_error *err);
int cgroups_is_frozen(const struct cgroups_cgroup *cg, bool *ret, struct brig_error *err);
/* create, before cgroups_create: whether the directories of cg that exist already are frozen
 * (runc refuses such a cgroupsPath before it makes anything). */
int cgroups_frozen_before_create(const struct cgroups_host *h, const struct cgroups_cgroup *cg,
				 bool *ret, struct brig_error *err);
/* Every pid in the cgroup and its sub-cgroups (ps), as a malloc'd array. */
int cgroups_pids(const struct cgroups_cgroup *cg, pid_t **ret, size_t *ret_n,
		 struct brig_error *err);
/* kill --all: SIGKILL through cgroup.kill where the kernel has it; otherwise sig to each pid
 * (for SIGKILL inside a freeze, so that nothing forks in between). */
int cgroups_kill_all(const struct cgroups_cgroup *cg, int sig, struct brig_error *err);
/* delete: when brig created the cgroup, kills what is left, then removes the cgroup and its
 * sub-cgroups in every hierarchy (retrying rmdir while the kernel tears down) and the parents
 * it created, stopping at a parent that is still in use. A cgroup that existed before is
 * removed too when nothing uses it any more (runc does so), else left.
 * A systemd unit: kills what is left, stops the unit (StopUnit, waiting for its job),
 * clears a failed state (ResetFailedUnit), then removes what systemd left (the directories
 * brig made in v1 hierarchies, a sub-cgroup an old systemd keeps). */
int cgroups_remove(const struct cgroups_host *h, struct cgroups_cgroup *cg, struct brig_error *err);

/* ---- the systemd driver ---- */

/* One D-Bus property of a unit: its name, its D-Bus type and its value as text. Basic
 * types ("t", "x", "u", "i", "q", "n", "y", "d", "b", "s") are one value ("268435456",
 * "true", "system.slice"); "as" and "au" one element per line; "a(ss)" one "PATH PERMS"
 * pair per line; "ay" the bytes in hex ("0f"). */
struct cgroups_prop {
	char *name;
	char *type;
	char *value;
	char *field; /* where it comes from, for messages: a config field or an annotation */
};

struct cgroups_props {
	struct cgroups_prop *v;
	size_t n;
	char **warnings; /* NULL-terminated or NULL: for the runtime to log */
};

/* Pure: the properties of the container's unit (cg->unit) for StartTransientUnit, or
 * with `update` for SetUnitProperties, derived from the plan of the same resources so that
 * systemd and the files agree: MemoryMax/Low/High/Min/SwapMax, CPUWeight,
 * CPUQuotaPerSecUSec and CPUQuotaPeriodUSec, AllowedCPUs/AllowedMemoryNodes, TasksMax,
 * IOWeight (on a hybrid host runc's v1 names: MemoryLimit, CPUShares, BlockIOWeight),
 * DevicePolicy and DeviceAllow from the device rules, and at create the unit's own (Slice,
 * Delegate, DefaultDependencies, the accounting switches) and the org.systemd.property.NAME
 * annotations, type-checked against the properties systemd documents (NAMESec is
 * NAMEUSec in seconds, as runc reads it). The plan is adjusted where systemd keeps less
 * than the files: a cpu quota rounds up to 10 ms per second, as runc's does. PIDs is not
 * among them: cgroups_systemd_start adds it. */
int cgroups_systemd_props(const struct cgroups_host *h, const struct cgroups_cgroup *cg,
			  const struct spec_resources *r, const struct spec_kv *annotations,
			  size_t n_annotations, bool update, struct cgroups_plan *plan,
			  struct cgroups_props *ret, struct brig_error *err);
void cgroups_props_clear(struct cgroups_props *p);
/* "MemoryMax t 268435456", for tests and debug logs. */
char *cgroups_prop_format(const struct cgroups_prop *p);

/* The sockets tried for a manager, in order: the system bus ($DBUS_SYSTEM_BUS_ADDRESS or
 * /run/dbus/system_bus_socket), then systemd's own /run/systemd/private when root; for the
 * user manager the session bus ($DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus), then
 * $XDG_RUNTIME_DIR/systemd/private. Pure: the environment is passed in. */
struct cgroups_bus_addresses {
	char *address[2]; /* "unix:path=/run/systemd/private" */
	bool bus[2];	  /* a message bus (Hello, AddMatch), not systemd itself */
	size_t n;
};
void cgroups_systemd_addresses(enum cgroups_manager m, uid_t euid, const char *system_env,
			       const char *session_env, const char *runtime_dir,
			       struct cgroups_bus_addresses *ret);
void cgroups_bus_addresses_clear(struct cgroups_bus_addresses *a);
/* The user manager's own cgroup (its ControlGroup property), for cgroups_driver. */
int cgroups_systemd_manager_cgroup(enum cgroups_manager m, char **ret, struct brig_error *err);
/* Creates the unit with pid in it (StartTransientUnit with props and PIDs, waiting up to
 * timeout_ms for its job), then the directories: the unified one systemd made is opened,
 * v1 hierarchies systemd left out are created and pid joins them, the controllers the
 * plan needs are enabled above the unit. On error the unit is stopped again. */
int cgroups_systemd_start(const struct cgroups_host *h, const struct cgroups_plan *plan,
			  const struct cgroups_props *props, pid_t pid, int timeout_ms,
			  struct cgroups_cgroup *cg, struct brig_error *err);
/* update: SetUnitProperties with runtime=true (kept across daemon-reload, not reboots). */
int cgroups_systemd_set(const struct cgroups_cgroup *cg, const struct cgroups_props *props,
			struct brig_error *err);

/* events --stats: the numbers of runc's stats JSON (spec.h's struct spec_stats). */
int cgroups_stats(const struct cgroups_cgroup *cg, struct spec_stats *ret, struct brig_error *err);
void cgroups_stats_clear(struct spec_stats *s);
/* The OOM kills so far (memory.events oom_kill; v1: memory.oom_control oom_kill). ENOENT
 * when the memory controller is not enabled for the cgroup. */
int cgroups_oom_count(const struct cgroups_cgroup *cg, uint64_t *ret, struct brig_error *err);
