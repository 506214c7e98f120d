/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/container's own declarations, shared by its files only. */
#pragma once

#include "runtime/container/container.h"
#include "runtime/init/init.h"

/* The state directory's files besides the record. */
#define CONFIG_COPY "config.json" /* the config as it was at create */
#define EXEC_FIFO "exec.fifo"	  /* start writes a byte; brig-init waits for it */
#define STATUS_FIFO "exec.status" /* closes when the program execs */

/* The public state with the status replaced (hooks see the state they run in). */
char *lifecycle_state_json(struct container *c, enum spec_status status);

/* A permission error about the state root: names it and says how to choose
 * another (--root). Other errors are left as they are. Returns -1. */
int store_root_error(struct brig_error *err, const char *root);

/* ---- create's parts restore shares (create.c) ---- */

/* Reads and checks dir/config.json (dir NULL: "."), the policy too; its text in *ret_text. */
struct spec *create_load_bundle(const struct global_opts *g, const char *dir, char **ret_text,
				struct brig_error *err);
/* The record's fields from the config, status "creating". */
void create_fill_state(struct container *c, const struct spec *s);

/* ---- the container's cgroup (cgroup.c) ---- */

/* create, in two steps around saving the state record. First where the
 * cgroup goes and what is written into it (nothing is made yet); a pure v1
 * host without limits asked for leaves cg unplanned. */
int cgroup_prepare(const struct spec *s, const char *id, bool systemd, int rootless,
		   struct ctr_cgroup *cg, struct brig_error *err);
/* The record of the cgroup cgroup_make is about to make: in each hierarchy
 * the levels missing now count as made, so that a delete after brig was
 * killed in between removes what was made. NULL: no cgroup planned. */
char *cgroup_pending_record(const struct ctr_cgroup *cg);
/* Then the cgroup, limited, its device filter attached. ROOTLESS is the
 * global --rootless (-1 auto, 0 false, 1 true): whether a container without
 * limits may run without a cgroup when brig may not make one. */
int cgroup_make(int rootless, struct ctr_cgroup *cg, struct brig_error *err);
/* create, at the child's first sync: puts pid in its cgroup. The cgroupfs driver writes
 * the v1 hierarchies (the unified one too unless the child was cloned into it); the
 * systemd driver makes the unit with pid in it, then applies the rest of the plan. */
int cgroup_join(struct ctr_cgroup *cg, pid_t pid, bool cloned_into, struct brig_error *err);
/* Whether the child must ask to be put in its cgroup (cgroup_join) at its first sync. */
bool cgroup_needs_join(const struct ctr_cgroup *cg);
/* Kills what is left in a cgroup brig created and removes it. */
int cgroup_remove(struct ctr_cgroup *cg, struct brig_error *err);
/* The unified cgroup's dir fd for clone3(CLONE_INTO_CGROUP), -1 for none. */
int cgroup_v2_fd(const struct ctr_cgroup *cg);
/* Whether the container's cgroup is frozen (`pause`). */
bool cgroup_is_paused(const struct spec_state *st);

/* ---- the parent's plan (plan.c) ---- */

/* The planning of create that needs no child: everything that can fail does
 * so here. cache_dir: the compiled seccomp filters'. */
int plan_child(const struct spec *s, const struct create_opts *o, const char *id,
	       const char *cache_dir, struct child_plan *p, struct brig_error *err);

/* linux.seccomp compiled in the parent (or read from the cache in
 * cache_dir); a NOTIFY filter's agent is connected now. */
int plan_seccomp(const struct spec *s, const char *cache_dir, struct child_plan *p,
		 struct brig_error *err);
/* The process env plus LISTEN_FDS/LISTEN_PID for fds passed by socket activation. */
char **plan_env(const struct spec_process *proc, int listen_fds);
/* LISTEN_FDS of brig's own environment (systemd socket activation), 0 if none. */
int plan_listen_fds(void);

/* ---- what create and exec hand to their caller (io.c) ---- */

/* Waits on a socket the process holds until it execs (EOF) or reports why not.
 * ret_forked: the pid brig-init's fork mode reports (exec), else untouched. */
int io_wait_exec(int fd, pid_t *ret_forked, struct brig_error *err);
/* Atomically (rename), a bare decimal: callers parse it so. */
int io_write_pid_file(const char *path, pid_t pid, struct brig_error *err);
int io_connect_console(const char *path, struct brig_error *err);

/* ---- the container process (spawn.c) ---- */

/* Clones the container process (or, on the slow path, the intermediate that
 * forks it; SYNC_INIT_PID then names the init). Returns its pid. */
pid_t spawn_init(struct child_plan *p, int parent_end, int *ret_pidfd, struct brig_error *err);

/* ---- containers without a mount namespace (hostmounts.c) ---- */

/* Records the mount id now at the rootfs, before the child binds over it. */
int host_mounts_record(int dir_fd, const char *rootfs, struct brig_error *err);
/* Detaches what the container mounted over its rootfs, if anything. */
void host_mounts_detach(int dir_fd, const char *rootfs);

/* delete: detaches the rootfs bind a restore that brig did not finish left
 * in the state directory (restore.c), if any. */
void restore_detach_root(int dir_fd);

/* ---- criu's RPC (criu.c), for checkpoint and restore ---- */

/* The key of a network namespace the config names by path (runc's). */
#define CRIU_NETNS_KEY "extRootNetNS"
/* In the image directory: the init's fds 0-2 at the dump (runc's file). */
#define CRIU_DESCRIPTORS "descriptors.json"

enum criu_call_type { CRIU_CALL_DUMP, CRIU_CALL_PRE_DUMP, CRIU_CALL_RESTORE };

/* A notification criu sends during a call (its script name: setup-namespaces,
 * orphan-pts-master, ...; pid: the restored init where criu gives one; *fd:
 * the fd it carried or -1, the handler may take it). Failing makes criu fail. */
typedef int (*criu_notify_fn)(void *ctx, const char *script, pid_t pid, int *fd,
			      struct brig_error *err);

/* One request to criu: what the verb sets; the user's flags and runc's
 * constants are added by criu_call_run. */
struct criu_call {
	enum criu_call_type type;
	const char *image; /* absolute */
	const char *work;  /* absolute; criu's log is there */
	const char *log;   /* the log's name (criu allows no '/') */
	pid_t pid;	   /* dump: the init */
	const char *root;
	const char *parent; /* pre-dump's images, relative to image */
	const char *freeze_cgroup;
	const char *cgroup_root;
	const char *lsm_profile;
	const char *lsm_mount_context;
	bool leave_running;
	bool track_mem;
	const char *ps_address; /* a page server's (dump: where the pages go) */
	int ps_port;		/* 0: no page server */
	char **external;	/* criu's external resources: "mnt[KEY]:VAL", "net[INO]:KEY" */
	size_t n_external;
	struct criu_inherit {
		char *key;
		int fd; /* criu inherits it: not close-on-exec */
	} * inherit;
	size_t n_inherit;
	criu_notify_fn notify;
	void *ctx;
	pid_t restored; /* restore: the init, from criu's answer */
	char *log_path; /* set by criu_call_run: the log it reads an error from */
};
void criu_external(struct criu_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void criu_inherit_fd(struct criu_call *c, int fd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void criu_call_clear(struct criu_call *c);
/* The binary: name with a '/' as is, else looked up in PATH; "criu not found: ...". */
char *criu_find(const char *name, struct brig_error *err);
/* Refuses what brig does not support (--empty-ns other than network). */
int criu_check_opts(const struct criu_opts *o, struct brig_error *err);
/* criu's configuration file, as runc picks it: the annotation's, or this. */
#define CRIU_CONFIG_ANNOTATION "org.criu.config"
#define CRIU_DEFAULT_CONFIG "/etc/criu/runc.conf"
/* Runs `criu swrk` (in cg first when cg is active), sends the request, answers
 * its notifications and waits; a failure carries the first error line of its log. */
int criu_call_run(const char *path, struct criu_call *c, const struct criu_opts *o,
		  const struct spec *s, struct ctr_cgroup *cg, struct brig_error *err);
/* Whether a config mount is a bind mount (criu: external). */
bool criu_mount_is_bind(const struct spec_mount *m);
/* A mount's criu key: its destination resolved in rootfs as the container
 * sees it (a symlink followed, runc's securejoin), cleaned; the cleaned
 * destination when it cannot be resolved. */
char *criu_mount_key(const char *rootfs, const char *dest);
/* dir made absolute (created first if asked); "image directory 'X': ..." */
char *criu_abs_dir(const char *dir, bool create, struct brig_error *err);
