/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/container: a container's life as the verbs see it. The state store
 * under --root, create (the parent's plan, the child's spawn, the answers to
 * its requests), start, exec, kill, delete, the container's cgroup and the
 * foreground wait of run and exec. Below runtime/cli, above init/ and the
 * modules; it never prints an error (warnings aside). */
#pragma once

#include "base/base.h"
#include "cgroups/cgroups.h"
#include "spec/spec.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define BRIG_DEFAULT_ROOT "/run/brig"

/* The global options (before the verb), resolved by the command line. */
struct global_opts {
	const char *root;	   /* --root: the state directory */
	const char *seccomp_cache; /* the compiled-filter cache (host-wide, not per --root) */
	const char *log_path;
	enum brig_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	int rootless;	    /* -1 auto, 0 false, 1 true */
	const char *policy; /* --policy FILE; NULL: /etc/brig/policy.json if it exists */
	const char *criu;   /* --criu PATH: the binary checkpoint and restore run */
};

/* ---- the state store (store.c) ---- */

struct container {
	char *id;
	int root_fd;		 /* --root directory */
	int dir_fd;		 /* <root>/<id>, flock'ed while the struct lives (if locked) */
	struct spec_state state; /* the record */
	int init_pidfd;		 /* create/run: a pidfd for the init (our child), else -1 */
};

/* Container ids: 1..1024 of [A-Za-z0-9_+.-], not "." or "..": runc's rule. */
int container_id_validate(const char *id, struct brig_error *err);
/* Opens (mkdir -p) the state root with mode 0700. */
int container_root_open(const char *root, struct brig_error *err);
/* Creates <root>/<id> (mode 0711) and locks it; "container "X" already exists". */
struct container *container_new(int root_fd, const char *id, struct brig_error *err);
/* Opens and locks an existing container and reads its record;
 * `container "X" does not exist` (errnum ENOENT) when there is none. */
struct container *container_open(int root_fd, const char *id, struct brig_error *err);
/* container_open below the state root `root` (a missing root: no container). */
struct container *container_open_at(const char *root, const char *id, struct brig_error *err);
/* Reads a record without locking (list). */
int container_read_state(int root_fd, const char *id, struct spec_state *ret,
			 struct brig_error *err);
int container_save(struct container *c, struct brig_error *err);
/* Removes the state directory; the struct stays valid until container_free. */
int container_destroy(struct container *c, struct brig_error *err);
void container_free(struct container *c);
/* Lets other verbs at the container before container_free (the lock is the open file's:
 * a process that holds a copy of the fd would otherwise keep it). */
void container_unlock(struct container *c);
static inline void container_freep(struct container **c)
{
	container_free(*c);
}
#define _cleanup_container_ _cleanup_(container_freep)

/* The live status from the record and /proc: a process that has exited or
 * whose pid was reused is "stopped". Updates s->status (and pid -> 0 if stopped). */
enum spec_status container_status(struct spec_state *s);

/* ---- the container's cgroup (cgroup.c) ---- */

struct ctr_cgroup {
	struct cgroups_host host;
	struct cgroups_cgroup cg;
	struct cgroups_plan plan; /* create: linux.resources' writes */
	bool planned;		  /* create: a cgroup is to be made (cgroupfs driver) */
	bool claim_parent;	  /* create: the default /brig/<id>: /brig is brig's */
	/* the systemd driver: the unit is made at cgroup_join, with the init's pid; until
	 * then the plan and the unit's properties wait here */
	bool pending;
	struct cgroups_props props;
	bool active; /* there is a cgroup (a rootless container may have none) */
	bool opened; /* its directories are open */
};
#define CTR_CGROUP_INIT                                                                            \
	{                                                                                          \
		.cg = {.v2 = {.fd = -1} }                                                          \
	}

/* update: the plan of r (0 and absent mean unchanged), for systemd's unit too. */
int cgroup_update(struct ctr_cgroup *cg, const struct spec_resources *r, struct brig_error *err);
/* The cgroup of a container from its record (none: cg stays inactive). */
int cgroup_load(const struct spec_state *st, struct ctr_cgroup *cg, struct brig_error *err);
void cgroup_clear(struct ctr_cgroup *cg);
/* The error of a verb that needs the cgroup of a container created without one (rootless
 * without cgroup delegation). Returns -1. */
int cgroup_none_error(const char *id, const char *verb, struct brig_error *err);
static inline void cgroup_clearp(struct ctr_cgroup *cg)
{
	cgroup_clear(cg);
}

/* ---- the lifecycle (lifecycle.c) ---- */

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	const char *network; /* --network NAME[:ADDR] (netlink.h) */
	/* run: the console is proxied by brig itself */
	int console_sock_fd; /* -1: connect to console_socket */
};

/* Creates the container up to the blocked-before-exec init process. On error
 * nothing is left behind. Returns the locked container. */
struct container *lifecycle_create(const struct global_opts *g, const char *id,
				   const struct create_opts *o, struct brig_error *err);
/* Releases the init process (startContainer hooks, exec), runs poststart. */
int lifecycle_start(struct container *c, struct brig_error *err);
/* Kills what is left, runs poststop hooks and removes the state. */
int lifecycle_delete(struct container *c, bool force, struct brig_error *err);
/* The container's processes, as host pids: its cgroup's, or without a cgroup of its own
 * (rootless without delegation) those whose pid namespace is its own. None when stopped. */
int lifecycle_pids(struct container *c, pid_t **ret, size_t *ret_n, struct brig_error *err);
/* Sends sig to the container's init (or all its processes with `all`). */
int lifecycle_kill(struct container *c, int sig, bool all, struct brig_error *err);
/* The config copy taken at create (later edits of the bundle do not count). */
struct spec *lifecycle_load_config(struct container *c, struct brig_error *err);
/* create: refuses a config with findings at or above the policy's level
 * (policy.c); policy_path NULL: /etc/brig/policy.json if it exists. */
int check_policy_enforce(const char *policy_path, const struct spec *s, struct brig_error *err);

/* ---- exec (exec.c) ---- */

struct exec_opts {
	const char *pid_file;
	const char *console_socket;
	bool detach;
	bool ignore_paused;
	int preserve_fds;
	char **sub_cgroups; /* --cgroup: "[CONTROLLERS:]PATH" below the container's cgroup */
	/* Makes the process to run out of the config's (flags, a process.json);
	 * called with the container locked and its config loaded. */
	int (*edit)(struct spec *s, void *data, struct brig_error *err);
	void *edit_data;
};

/* Runs a new process in a running container. Foreground: waits for it and
 * returns its exit status (128+N for a signal); --detach: 0 once it runs. */
int lifecycle_exec(const struct global_opts *g, const char *id, const struct exec_opts *o,
		   struct brig_error *err);

/* ---- checkpoint and restore over criu's RPC (checkpoint.c, restore.c, criu.c) ---- */

/* What checkpoint and restore share (runc's flags of the same names). */
struct criu_opts {
	const char *criu;	/* the binary: a path, or a name looked up in PATH */
	const char *image_path; /* NULL: ./checkpoint */
	const char *work_path;	/* NULL: the image path */
	bool tcp_established;
	bool ext_unix_sk;
	bool shell_job;
	bool file_locks;
	bool auto_dedup;
	bool lazy_pages;	 /* dump: serve the pages; restore: fetch them lazily */
	int manage_cgroups_mode; /* 0 soft (criu's default), 1 full, 2 strict, 3 ignore */
	char **empty_ns;	 /* namespace names (only "network") */
};

struct checkpoint_opts {
	struct criu_opts cr;
	const char *parent_path; /* relative to the image path */
	const char *page_server; /* ADDRESS:PORT of a criu page server */
	const char *status_fd;	 /* an fd: \0 written once the lazy pages are served */
	bool leave_running;
	bool pre_dump;
};

/* Dumps the running container c with criu. Without leave_running or pre_dump the
 * container is deleted afterwards, as runc's checkpoint destroys it. */
int lifecycle_checkpoint(struct container *c, const struct checkpoint_opts *o,
			 struct brig_error *err);

struct restore_opts {
	struct criu_opts cr;
	const char *bundle;
	const char *pid_file;
	const char *console_socket; /* a terminal's new pty master goes there */
	bool detach;		    /* a terminal is restored only detached */
	const char *lsm_profile;
	const char *lsm_mount_context;
};

/* Restores the container id from an image into the bundle's rootfs and config: its
 * cgroup made and limited first, then criu restores the process tree as brig's child.
 * On error nothing is left behind. Returns the locked container (init_pidfd set). */
struct container *lifecycle_restore(const struct global_opts *g, const char *id,
				    const struct restore_opts *o, struct brig_error *err);

/* ---- foreground processes (foreground.c): run and exec ---- */

/* The pty master sent over a console socketpair, or -1. */
int console_recv_master(int sock);
/* Waits for pid (our child): forwards signals, proxies the pty if master >= 0,
 * reaps orphans; returns its exit status, 128+N for a signal. */
int foreground_wait(pid_t pid, int pidfd, int master, const sigset_t *mask);
