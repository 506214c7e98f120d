/* SPDX-License-Identifier: Apache-2.0 */
/* runtime: private declarations shared by brig's verbs, the container state
 * store and the container process setup. Not a public header: only files in
 * runtime/ include it. */
#pragma once

#include "base/base.h"
#include "cgroups/cgroups.h"
#include "spec/spec.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define BRIG_DEFAULT_ROOT "/run/brig"

/* /run/brig for root, $XDG_RUNTIME_DIR/brig (or /tmp/brig-UID) for others. */
const char *runtime_default_root(void);

/* ---- global options (before the verb) ---- */

struct global_opts {
	const char *root;
	const char *log_path;
	enum brig_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	int rootless;	    /* -1 auto, 0 false, 1 true */
	const char *policy; /* --policy FILE; NULL: /etc/brig/policy.json if it exists */
};

struct verb {
	const char *name;
	const char *summary;
	const char *usage; /* the text of `brig VERB --help` after "usage: brig " */
	int (*run)(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
};

/* A verb's return: 0 success, -1 error in err, or > 0 an exit status to return
 * as is (run's container status, a help text printed). */
#define VERB_EXIT(n) (n)

int verb_create(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_start(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_state(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_kill(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_delete(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_run(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_list(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_spec(const struct global_opts *g, int argc, char **argv, struct brig_error *err);

/* Prints the verb's usage to stdout; used by `VERB --help` and by argument errors. */
void verb_usage(const char *name, FILE *out);
/* Shared option parsing helpers: a bad or missing argument is an error naming it. */
int parse_id_arg(const char *verb, int argc, char **argv, int optind_, const char **ret_id,
		 struct brig_error *err);

/* ---- signals (signals.c) ---- */

/* "KILL", "SIGKILL", "sigkill", "9", "RTMIN+3" -> number; -1 if unknown. */
int signal_parse(const char *s);
const char *signal_name(int sig); /* 9 -> "KILL"; NULL if none */

/* ---- container state store (container.c) ---- */

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
/* Reads a record without locking (list). */
int container_read_state(int root_fd, const char *id, struct spec_state *ret,
			 struct brig_error *err);
int container_save(struct container *c, struct brig_error *err);
/* Removes the state directory; the struct stays valid until container_free. */
int container_destroy(struct container *c, struct brig_error *err);
void container_free(struct container *c);
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
	bool active; /* there is a cgroup (a rootless container may have none) */
	/* the systemd driver: the unit is made at cgroup_join, with the init's pid; until
	 * then the plan and the unit's properties wait here */
	bool pending;
	struct cgroups_plan plan;
	struct cgroups_props props;
	bool opened; /* its directories are open */
};
#define CTR_CGROUP_INIT                                                                            \
	{                                                                                          \
		.cg = {.v2 = {.fd = -1} }                                                          \
	}

/* create: the cgroup from linux.resources, before the process exists.
 * ROOTLESS is the global --rootless (-1 auto, 0 false, 1 true): whether a
 * container without limits may run without a cgroup when brig may not make
 * one. */
int cgroup_setup(const struct spec *s, const char *id, bool systemd, int rootless,
		 struct ctr_cgroup *cg, struct brig_error *err);
/* create, at the child's first sync: puts pid in its cgroup. The cgroupfs driver writes
 * the v1 hierarchies (the unified one too unless the child was cloned into it); the
 * systemd driver makes the unit with pid in it, then applies the rest of the plan. */
int cgroup_join(struct ctr_cgroup *cg, pid_t pid, bool cloned_into, struct brig_error *err);
/* Whether the child must ask to be put in its cgroup (cgroup_join) at its first sync. */
bool cgroup_needs_join(const struct ctr_cgroup *cg);
/* update: the plan of r (0 and absent mean unchanged), for systemd's unit too. */
int cgroup_update(struct ctr_cgroup *cg, const struct spec_resources *r, struct brig_error *err);
/* The cgroup of a container from its record (none: cg stays inactive). */
int cgroup_load(const struct spec_state *st, struct ctr_cgroup *cg, struct brig_error *err);
/* Kills what is left in a cgroup brig created and removes it. */
int cgroup_remove(struct ctr_cgroup *cg, struct brig_error *err);
void cgroup_clear(struct ctr_cgroup *cg);
static inline void cgroup_clearp(struct ctr_cgroup *cg)
{
	cgroup_clear(cg);
}
/* The unified cgroup's dir fd for clone3(CLONE_INTO_CGROUP), -1 for none. */
int cgroup_v2_fd(const struct ctr_cgroup *cg);
/* Whether the container's cgroup is frozen (`pause`). */
bool cgroup_is_paused(const struct spec_state *st);

/* ---- lifecycle (lifecycle.c) ---- */

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	const char *network;	/* --network NAME[:ADDR] (network.h) */
	const char *state_root; /* --root: the seccomp filter cache lives below it */
	/* run: the console is proxied by brig itself */
	int console_sock_fd; /* -1: connect to console_socket */
};

/* create's and run's options (run adds --detach, --keep). 1: help printed. */
int parse_create_opts(const char *verb, int argc, char **argv, struct create_opts *o, bool *detach,
		      bool *keep, const char **ret_id, struct brig_error *err);

/* Creates the container up to the blocked-before-exec init process. On error
 * nothing is left behind. Returns the locked container. */
struct container *lifecycle_create(const struct global_opts *g, const char *id,
				   const struct create_opts *o, struct brig_error *err);
/* Releases the init process (startContainer hooks, exec), runs poststart. */
int lifecycle_start(struct container *c, struct brig_error *err);
/* Kills what is left, runs poststop hooks and removes the state. */
int lifecycle_delete(struct container *c, bool force, struct brig_error *err);
/* Sends sig to the container's init (or all its processes with `all`). */
int lifecycle_kill(struct container *c, int sig, bool all, struct brig_error *err);

/* The config copy taken at create (later edits of the bundle do not count). */
struct spec *lifecycle_load_config(struct container *c, struct brig_error *err);
/* The process env plus LISTEN_FDS/LISTEN_PID for fds passed by socket activation. */
char **lifecycle_plan_env(const struct spec_process *proc, int listen_fds);
/* LISTEN_FDS of brig's own environment (systemd socket activation), 0 if none. */
int lifecycle_listen_fds(void);
/* Waits on a socket the process holds until it execs (EOF) or reports why not.
 * ret_forked: the pid brig-init's fork mode reports (exec), else untouched. */
int lifecycle_wait_exec(int fd, pid_t *ret_forked, struct brig_error *err);
int lifecycle_write_pid_file(const char *path, pid_t pid, struct brig_error *err);
int lifecycle_connect_console(const char *path, struct brig_error *err);

/* ---- foreground processes (run.c): run and exec ---- */

/* The pty master sent over a console socketpair, or -1. */
int console_recv_master(int sock);
/* Waits for pid (our child): forwards signals, proxies the pty if master >= 0,
 * reaps orphans; returns its exit status, 128+N for a signal. */
int foreground_wait(pid_t pid, int pidfd, int master, const sigset_t *mask);

int verb_exec(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_seccomp(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_check(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
/* create: refuses a config with findings at or above the policy's level. */
int check_policy_enforce(const char *policy_path, const struct spec *s, struct brig_error *err);
/* AppArmor/SELinux (lsm.c): exec labels apply at the next execve. */
bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
int lsm_set_exec_labels(const struct spec_process *p, struct brig_error *err);
int verb_features(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_pause(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_resume(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_ps(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_update(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_events(const struct global_opts *g, int argc, char **argv, struct brig_error *err);
int verb_network(const struct global_opts *g, int argc, char **argv, struct brig_error *err);

/* ---- hooks (hooks.c) ---- */

/* Runs each hook in order with state_json on stdin; stops at the first failure
 * unless keep_going (poststop), in which case failures are logged as warnings. */
int hooks_run(const struct spec_hook_list *list, const char *kind, const char *state_json,
	      bool keep_going, struct brig_error *err);
/* The same, each hook in the namespaces of process pid (pidfd); rootfs is its
 * root when it has no mount namespace of its own. Stops at the first failure. */
int hooks_run_in(const struct spec_hook_list *list, const char *kind, const char *state_json,
		 pid_t pid, int pidfd, const char *rootfs, struct brig_error *err);
/* The CLONE_NEW* namespaces of pid that differ from brig's own. */
int ns_differing(pid_t pid, struct brig_error *err);
