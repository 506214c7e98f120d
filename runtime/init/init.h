/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/init: the container process. What the parent plans before clone
 * (struct child_plan, with the plan_* functions of each step's file), the
 * ordered steps the child applies (child.c, mounts.c, dev.c, ...), the
 * message protocol between them (sync.c), the id maps and the hooks. Used by
 * runtime/container; it uses nothing of it. */
#pragma once

#include "base/base.h"
#include "cgroups/cgroups.h"
#include "seccomp/filter.h"
#include "spec/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- parent <-> child messages over a SOCK_SEQPACKET socketpair ---- */

enum sync_type {
	SYNC_ERROR = 1,	     /* child -> parent: a struct brig_error, then the child exits */
	SYNC_MAPS_REQUEST,   /* child -> parent: write my uid/gid maps (pid follows) */
	SYNC_MAPS_DONE,	     /* parent -> child */
	SYNC_INIT_PID,	     /* intermediate -> parent: the init's pid (slow path) */
	SYNC_HOOKS_REQUEST,  /* child -> parent: mounts done, run prestart/createRuntime */
	SYNC_HOOKS_DONE,     /* parent -> child: the state JSON for createContainer hooks */
	SYNC_READY,	     /* child -> parent: blocked before exec, waiting for start */
	SYNC_CGROUP_REQUEST, /* init -> parent: put me in my cgroups */
	SYNC_CGROUP_DONE,    /* parent -> init */
};

int sync_send(int fd, enum sync_type type, const void *data, size_t len);
/* Receives one message (data malloc'd, NUL-terminated). EOF is an error. */
int sync_recv(int fd, enum sync_type *ret_type, char **ret_data, size_t *ret_len,
	      struct brig_error *err);
/* Receives a message of `want` type; a SYNC_ERROR becomes err itself. */
int sync_expect(int fd, enum sync_type want, char **ret_data, size_t *ret_len,
		struct brig_error *err);
/* In the child: report err to the parent and exit. */
void sync_fail(int fd, const struct brig_error *err) __attribute__((noreturn));

/* ---- the plan ---- */

enum mount_kind {
	MOUNT_FS,     /* mount(2) of a filesystem type */
	MOUNT_BIND,   /* bind or rbind of a host path */
	MOUNT_CGROUP, /* type "cgroup"/"cgroup2": the host's cgroup layout */
};

struct mount_plan {
	const struct spec_mount *m;
	enum mount_kind kind;
	char *dest;   /* cleaned absolute path inside the container */
	char *source; /* bind: absolute host path; fs: the source string */
	const char *fstype;
	bool source_is_dir; /* bind: create a directory (else a file) as target */
	struct spec_mount_opts opts;
	int tree_fd; /* a tree the parent cloned (idmapped, or a bind in a user namespace), or -1 */
	bool ro_at_end; /* "ro" tmpfs or /dev: mounted rw, made read-only by the last
			 * tree step (devices, mount points and copy-up go in first) */
};

/* A cgroup hierarchy of the host, for mounts of type "cgroup". */
struct cgroup_hier {
	char *mountpoint; /* host path, e.g. /sys/fs/cgroup/cpu */
	char *name;	  /* the directory name under the container's /sys/fs/cgroup */
	char *options;	  /* v1 mount data ("cpu", "none,name=systemd"); NULL for cgroup2 */
	char *own_path;	  /* the container's cgroup in it, e.g. "/docker/abc" */
};

struct child_plan {
	const struct spec *spec;
	const struct spec_process *proc;
	struct spec_capabilities caps; /* proc's, less what cannot be granted here */
	const char *id;
	const char *rootfs;
	struct mount_plan *mounts;
	size_t n_mounts;
	bool no_pivot;
	bool no_new_keyring;
	bool new_userns;
	bool in_userns;		     /* the container's user namespace is not the initial one */
	bool slow_path;		     /* namespaces to join or time offsets: via an intermediate */
	bool setup_dev;		     /* /dev not bind-mounted from the host: create devices */
	bool host_mounts;	     /* no mount namespace: mounts go to the runtime's, under a
				      * private bind of the rootfs that delete detaches */
	dev_t rootfs_dev;	     /* the rootfs the parent checked (plan_rootfs): the child */
	ino_t rootfs_ino;	     /* opens the same directory or fails */
	int clone_flags;	     /* the CLONE_NEW* flags of the namespaces to create */
	int cgroup_fd;		     /* the unified cgroup for CLONE_INTO_CGROUP, -1: none */
	bool cgroup_sync;	     /* the child asks to be put in its (v1) cgroups */
	bool unshare_cgroupns;	     /* ... and then makes its cgroup namespace */
	struct filter *filter;	     /* compiled linux.seccomp, NULL: none */
	int seccomp_sock;	     /* connected to listenerPath (NOTIFY), -1: none */
	const char *seccomp_state;   /* exec: the state for the agent (create: hook_state) */
	struct cgroup_hier *cgroups; /* planned only when a cgroup mount is asked for */
	size_t n_cgroups;
	bool cgroup_unified; /* the host is cgroup2 only (cgroups[0] is it) */
	char **env;	     /* process env, plus LISTEN_FDS/LISTEN_PID when passed */
	int preserve_fds;    /* fds 3 .. 3+n-1 pass to the process */
	/* exec: join the namespaces of join_pidfd's process (join_flags) */
	bool is_exec;
	int join_pidfd;
	int join_flags;
	/* fds the child inherits */
	int sync_fd;
	int wait_fd;	  /* create: the exec fifo, read-write: brig-init waits on it */
	int status_fd;	  /* create: the status fifo, read-write: closes on exec */
	int console_fd;	  /* connected console socket, -1: no terminal */
	int brig_init_fd; /* sealed memfd with brig-init */
};

/* Every fd -1, everything else empty. */
void child_plan_init(struct child_plan *p);
/* The parent closes the fds the child inherited once it is cloned. */
void child_plan_close_fds(struct child_plan *p);
/* Closes and frees everything the plan holds. */
void child_plan_free(struct child_plan *p);

int plan_mounts(const struct spec *s, struct child_plan *p, struct brig_error *err);
/* root.path: "invalid rootfs" when it is a symlink, has one in its path, or
 * is the host's root (runc's rule); records which directory it is. */
int plan_rootfs(const char *rootfs, struct child_plan *p, struct brig_error *err);

/* The capability sets to apply: those outside brig's own bounding set cannot
 * be granted; runtime-spec: warn, and do not fail for them. */
void caps_plan(const struct spec_capabilities *want, struct spec_capabilities *ret);
void plan_free_mounts(struct child_plan *p);
/* Writes /proc/PID/{uid,gid}_map (idmap.c). */
int write_id_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n,
		 struct brig_error *err);
/* The container's user namespace maps for process pid: written directly, or
 * through newuidmap/newgidmap for ranges an unprivileged user may not write. */
int write_id_maps(pid_t pid, const struct spec_linux *l, struct brig_error *err);
/* process.oomScoreAdj into /proc/PID/oom_score_adj (pid 0: the caller's own), with the
 * reason when an unprivileged brig may not (process.c). */
int process_write_oom_score(pid_t pid, const struct spec_process *p, struct brig_error *err);
/* Prepares the detached idmapped trees (idmap.c); the child attaches them. */
int plan_idmapped_mounts(const struct spec *s, struct child_plan *p, struct brig_error *err);
int mount_attach_tree(int tree_fd, int target_fd, struct brig_error *err);
/* Copies what orig_dir holds into new_dir (copyup.c). */
int mount_copy_up(int orig_dir, int new_dir, struct brig_error *err);
/* The host's cgroup hierarchies, as the container's cgroup mounts show them:
 * each at the container's own cgroup cg (NULL: the container has none, and
 * brig's own is shown) (cgmount.c). */
int plan_cgroup_mounts(struct child_plan *p, const struct cgroups_host *h,
		       const struct cgroups_cgroup *cg, struct brig_error *err);

/* clone3 like fork: a pidfd when ret_pidfd, straight into a cgroup when
 * cgroup_fd >= 0. */
pid_t clone3_fork(uint64_t flags, int *ret_pidfd, int exit_signal, int cgroup_fd);

/* The child's entry: never returns. */
void child_main(struct child_plan *p) __attribute__((noreturn));
/* exec's process: joins the container and execs; errors go to sync_fd. */
void exec_child_main(struct child_plan *p) __attribute__((noreturn));

/* ---- child steps (each returns 0 when its part of the config is absent) ---- */

struct child_ctx {
	struct child_plan *plan;
	int root_fd;	    /* the rootfs before pivot, "/" after */
	int proc_fd;	    /* a procfs of the process's pid namespace for its writes, or -1 */
	int ctr_proc_fd;    /* the container's /proc (checked procfs root) after pivot, or -1 */
	int null_fd;	    /* the host's /dev/null as a detached (then attached) mount, or -1 */
	bool null_attached; /* null_fd is attached now: masks take clones of it */
	int report_fd;	    /* closes when the program execs; exec errors go there */
	int exec_conn;	    /* brig-init's dup of report_fd, inheritable; -1 until prepared */
	int exec_wait;	    /* brig-init's dup of the exec fifo, inheritable; -1: none */
	bool cwd_as_user;   /* root could not enter the cwd: the user tries (runc's order) */
	char *exec_path;    /* the resolved program */
	char *hook_state;   /* state JSON for createContainer hooks */
};

int mounts_prepare_root(struct child_ctx *c, struct brig_error *err);
int mounts_apply(struct child_ctx *c, struct brig_error *err);
int mounts_cgroup(struct child_ctx *c, const struct mount_plan *p, int target,
		  struct brig_error *err);
int mounts_pivot(struct child_ctx *c, struct brig_error *err);
int mounts_finish_root(struct child_ctx *c, struct brig_error *err);
/* Before pivot: the host's /dev/null, checked to be the null device on a
 * devtmpfs (or tmpfs), as a detached mount the masks bind. */
int mounts_open_null(struct child_ctx *c, struct brig_error *err);
int mounts_mask_paths(struct child_ctx *c, struct brig_error *err);
int mounts_readonly_paths(struct child_ctx *c, struct brig_error *err);
int mounts_readonly_late(struct child_ctx *c, struct brig_error *err);
int mounts_readonly_root(struct child_ctx *c, struct brig_error *err);
int dev_setup(struct child_ctx *c, struct brig_error *err);
/* After pivot_root: stdio that is a /dev/null becomes the container's (runc). */
int dev_reopen_null(struct child_ctx *c, struct brig_error *err);
int console_setup(struct child_ctx *c, struct brig_error *err);
/* Opens a new pty from /dev/ptmx: the master (close-on-exec) is returned,
 * the slave, opened with slave_flags, in *ret_slave, its path in name. */
int console_open_pty(char *name, size_t size, int slave_flags, int *ret_slave,
		     struct brig_error *err);
/* Sends a pty master to a console socket: one message, one SCM_RIGHTS fd, the
 * pty's name as payload (what containerd, conmon and runc's recvtty read). */
int console_send_master(int sock, int fd, const char *name, struct brig_error *err);
int process_set_attrs(struct child_ctx *c, struct brig_error *err);
int process_set_exec_attrs(struct child_ctx *c, struct brig_error *err);
/* exec: the process's own oom_score_adj, before it joins the container's user namespace
 * and turns non-dumpable (as root it may still lower the score there). */
int process_set_oom_score(struct child_ctx *c, struct brig_error *err);
int process_set_final_affinity(struct child_ctx *c, struct brig_error *err);
int process_set_user(struct child_ctx *c, struct brig_error *err);
int process_drop_bounding(struct child_ctx *c, struct brig_error *err);
int process_set_caps(struct child_ctx *c, struct brig_error *err);
int process_find_exec(struct child_ctx *c, struct brig_error *err);
/* Sets report_fd's and the exec fifo's dups for brig-init, and every fd's
 * close-on-exec flag: before any seccomp filter (exec.c says why). */
int process_prepare_fds(struct child_ctx *c, struct brig_error *err);
int process_exec(struct child_ctx *c, struct brig_error *err);
/* exec into a container with its own pid namespace: brig-init forks into it. */
bool process_forks_into_pidns(const struct child_ctx *c);

/* Opens path inside root_fd without leaving it (openat2 RESOLVE_IN_ROOT, no
 * magic links). */
int open_in_root(int root_fd, const char *path, int flags, struct brig_error *err);
/* open_in_root with more RESOLVE_* flags (RESOLVE_NO_SYMLINKS). */
int open_in_root_resolve(int root_fd, const char *path, int flags, uint64_t resolve,
			 struct brig_error *err);
/* An absolute path of the caller's root, with no symlink anywhere in it. */
int open_nofollow_path(const char *path, int flags, struct brig_error *err);
/* Whether two fds are the same inode. */
bool same_inode(int a, int b);
/* Like open_in_root, creating missing directories (and the last component as
 * a directory or an empty file) on the way. */
int mkpath_in_root(int root_fd, const char *path, bool last_is_dir, struct brig_error *err);
/* mount_setattr(2) on the mount at fd (AT_EMPTY_PATH). */
int mount_setattr_fd(int fd, uint64_t set, uint64_t clr, bool recursive, struct brig_error *err);
/* "/proc/self/fd/N" for a mount(2) target or source that must not be re-resolved. */
#define FD_PATH_MAX 32
const char *fd_path(int fd, char buf[FD_PATH_MAX]);

/* ---- writes into /proc (procfs.c) ---- */

struct statfs;
/* Pure: whether rel is relative, without empty, "." or ".." components. */
bool procfs_rel_ok(const char *rel);
/* Pure: "/proc/X" as a path relative to a procfs root, with self and
 * thread-self spelled out for pid and tid; NULL if not a plain /proc path. */
char *procfs_rel(const char *path, pid_t pid, pid_t tid);
/* Pure: a sysctl key ("net.ipv4.ip_forward", "kernel/shmmax") as a path
 * relative to a procfs root ("sys/net/ipv4/ip_forward"); NULL if invalid. */
char *procfs_sysctl_rel(const char *key);
/* Pure: EXDEV naming `what` unless st is of the filesystem `magic`. */
int procfs_check_fs(const struct statfs *st, unsigned long magic, const char *what,
		    struct brig_error *err);
/* A procfs brig mounted itself for the caller's pid namespace (fsopen), or
 * when that is refused the /proc it sees, checked to be a procfs root. */
int procfs_root(struct brig_error *err);
/* dir_fd/path (no symlinks, beneath dir_fd), checked to be a procfs root. */
int procfs_root_at(int dir_fd, const char *path, struct brig_error *err);
/* The process's procfs_root, opened once (not to be closed). */
int procfs_shared_root(struct brig_error *err);
/* rel beneath root with openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH, and
 * RESOLVE_NO_XDEV when no_xdev), then checked to be on the filesystem magic
 * (0: any). */
int pseudofs_open(int root, const char *rel, int flags, unsigned long magic, bool no_xdev,
		  struct brig_error *err);
/* pseudofs_open on procfs, not crossing any mount. */
int procfs_open(int root, const char *rel, int flags, struct brig_error *err);
/* Writes data in one write(2) to rel beneath the procfs root. */
int procfs_write(int root, const char *rel, const char *data, size_t len, struct brig_error *err);
/* /proc/PID/FILE through procfs_shared_root. */
int procfs_pid_write(pid_t pid, const char *file, const char *data, size_t len,
		     struct brig_error *err);

/* ---- hooks (hooks.c) ---- */

/* Runs each hook in order with state_json on stdin; stops at the first failure
 * unless keep_going (poststop), in which case failures are logged as warnings. */
int hooks_run(const struct spec_hook_list *list, const char *kind, const char *state_json,
	      bool keep_going, struct brig_error *err);
/* The same, each hook in the namespaces of process pid (pidfd); rootfs is its
 * root when it has no mount namespace of its own; filter (not NULL, not a notify one) is
 * loaded in each hook before its exec. Stops at the first failure. */
int hooks_run_in(const struct spec_hook_list *list, const char *kind, const char *state_json,
		 pid_t pid, int pidfd, const char *rootfs, const struct filter *filter,
		 struct brig_error *err);
/* The CLONE_NEW* namespaces of pid that differ from brig's own. */
int ns_differing(pid_t pid, struct brig_error *err);

/* ---- fault injection (fault.c; test builds only, -DBRIG_FAULT_INJECTION=ON) ---- */

/* Called before step `step` (0-based) of the step table `verb`: fails it, or
 * stops the process there, when $BRIG_FAULT asks (see fault.c). Without the
 * option it is nothing. */
#ifdef BRIG_FAULT_INJECTION
int fault_point(const char *verb, size_t step, const char *name, struct brig_error *err);
#else
static inline int fault_point(const char *verb, size_t step, const char *name,
			      struct brig_error *err)
{
	(void)verb, (void)step, (void)name, (void)err;
	return 0;
}
#endif

/* ---- AppArmor and SELinux (lsm.c): exec labels apply at the next execve ---- */

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
/* proc_fd: a procfs root of the caller's pid namespace (procfs_root). */
int lsm_set_exec_labels(const struct spec_process *p, int proc_fd, struct brig_error *err);
