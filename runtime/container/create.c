// SPDX-License-Identifier: Apache-2.0
/* create (runtime-spec runtime.md steps 1-6): the parent's side, as an
 * ordered list of small steps like the child's (runtime/init/child.c). The
 * steps up to "clone" plan everything that can be planned or fail before
 * the container process exists; "serve" then answers the child's requests
 * (id maps, cgroups, networking, runtime hooks) until it is ready. On any
 * error the creation is undone (abort_creation): nothing is left behind.
 *
 * brig itself may die at any moment (kill -9): the state record is saved,
 * with status "creating", before anything outside the state directory is
 * made (host mounts, the cgroup, the process), and again with the process's
 * pid and start time as soon as it is cloned, before it is answered
 * anything: the child cannot get past its first request without brig, and
 * dies at it when brig is gone. So whatever moment create died at,
 * `delete --force` finds from the record everything there is to undo. */
#include "netlink/netlink.h"
#include "runtime/brig-init/brig-init.h"
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

struct creation {
	const struct spec *s;
	const struct create_opts *o;
	const char *config_text; /* config.json as read, copied into the state dir */
	struct container *c;
	struct child_plan plan;
	int sync_fd; /* parent's end */
	pid_t pid;   /* the init (or, until SYNC_INIT_PID, the intermediate) */
	int pidfd;
	pid_t intermediate;
	bool hooks_started; /* a failure from here on continues at step 12 */
	bool oom_score_set; /* with the id maps, while the child was dumpable */
	bool systemd_cgroup;
	int rootless;		   /* --rootless: -1 auto, 0 false, 1 true */
	const char *seccomp_cache; /* the compiled filters' directory */
	struct network_plan net;
	struct ctr_cgroup cg;
};

struct create_step {
	const char *name; /* for logs and fault injection */
	int (*run)(struct creation *cr, struct brig_error *err);
	bool wrap; /* its errors need the name as context (the others carry their own) */
};

/* ---- planning, before the process exists ---- */

static void fill_state(struct creation *cr);

static int copy_config(struct creation *cr, struct brig_error *err)
{
	return write_file_at(cr->c->dir_fd, CONFIG_COPY, cr->config_text, strlen(cr->config_text),
			     O_CREAT | O_EXCL, err);
}

static int plan_process(struct creation *cr, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	if (plan_child(cr->s, cr->o, cr->c->id, cr->seccomp_cache, p, err) < 0)
		return -1;
	int listen_fds = plan_listen_fds();
	p->preserve_fds = listen_fds + cr->o->preserve_fds;
	p->env = plan_env(&cr->s->process, listen_fds);
	return 0;
}

static int connect_console(struct creation *cr, struct brig_error *err)
{
	const struct create_opts *o = cr->o;
	struct child_plan *p = &cr->plan;
	if (!cr->s->process.terminal)
		return 0;
	if (o->console_sock_fd < 0)
		return (p->console_fd = io_connect_console(o->console_socket, err)) < 0 ? -1 : 0;
	p->console_fd = fcntl(o->console_sock_fd, F_DUPFD_CLOEXEC, 3);
	return p->console_fd < 0 ? err_sys(err, "dup console socket") : 0;
}

/* The record says "creating" from here on: a create killed later leaves a
 * container `delete --force` undoes (and `list` shows). It names the cgroup
 * about to be made, counting what is missing of it now as brig's. */
static int record_creation(struct creation *cr, struct brig_error *err)
{
	if (cgroup_prepare(cr->s, cr->c->id, cr->systemd_cgroup, cr->rootless, &cr->cg, err) < 0)
		return -1;
	fill_state(cr);
	cr->c->state.cgroup_path = cgroup_pending_record(&cr->cg);
	return container_save(cr->c, err);
}

static int record_host_mounts(struct creation *cr, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	return p->host_mounts ? host_mounts_record(cr->c->dir_fd, p->rootfs, err) : 0;
}

/* The cgroup exists, limited, before the process does; the process is cloned
 * straight into it (and joins v1 hierarchies at its first sync). On a hybrid
 * host its cgroup namespace waits for that: one made at clone would be rooted
 * at brig's v1 cgroups. */
static int make_cgroup(struct creation *cr, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	if (cgroup_make(cr->rootless, &cr->cg, err) < 0)
		return -1;
	p->cgroup_fd = cgroup_v2_fd(&cr->cg);
	p->cgroup_sync = cgroup_needs_join(&cr->cg);
	if (p->cgroup_sync && (p->clone_flags & CLONE_NEWCGROUP)) {
		p->clone_flags &= ~CLONE_NEWCGROUP;
		p->unshare_cgroupns = true;
	}
	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].kind == MOUNT_CGROUP)
			return plan_cgroup_mounts(p, &cr->cg.host,
						  cr->cg.active ? &cr->cg.cg : NULL, err);
	return 0;
}

/* The start handshake, as runc's exec.fifo: brig-init blocks reading EXEC_FIFO
 * (both held read-write by the init, so neither end ever blocks an open),
 * `start` writes a byte to it, and STATUS_FIFO loses its last writer when the
 * program execs (or carries brig-init's errno when it cannot). */
static int open_fifo(struct container *c, const char *name, struct brig_error *err)
{
	if (mkfifoat(c->dir_fd, name, 0600) < 0 && errno != EEXIST)
		return err_sys(err, "mkfifo '%s'", name);
	int fd = openat(c->dir_fd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_sys(err, "open '%s'", name);
	return fd;
}

static int open_fifos(struct creation *cr, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	if ((p->wait_fd = open_fifo(cr->c, EXEC_FIFO, err)) < 0 ||
	    (p->status_fd = open_fifo(cr->c, STATUS_FIFO, err)) < 0)
		return -1;
	return 0;
}

static int fill_brig_init(struct creation *cr, struct brig_error *err)
{
	return (cr->plan.brig_init_fd = brig_init_memfd(err)) < 0 ? -1 : 0;
}

static void fill_state(struct creation *cr)
{
	create_fill_state(cr->c, cr->s);
}

void create_fill_state(struct container *c, const struct spec *s)
{
	struct spec_state *st = &c->state;
	struct timespec now;
	char ts[40];
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339(&now, ts);
	st->oci_version = xstrdup(s->oci_version);
	st->id = xstrdup(c->id);
	st->status = SPEC_STATUS_CREATING;
	st->bundle = xstrdup(s->bundle);
	st->rootfs = xstrdup(s->root.abs_path);
	st->created = xstrdup(ts);
	st->owner = xstrdup("");
	st->n_annotations = s->n_annotations;
	st->annotations = xcalloc(s->n_annotations + 1, sizeof(*st->annotations));
	for (size_t i = 0; i < s->n_annotations; i++) {
		st->annotations[i].key = xstrdup(s->annotations[i].key);
		st->annotations[i].value = xstrdup(s->annotations[i].value);
	}
	st->has_userns = s->linux.namespaces[SPEC_NS_USER].present;
	st->has_pidns =
	    s->linux.namespaces[SPEC_NS_PID].present && !s->linux.namespaces[SPEC_NS_PID].path;
}

/* The process (the init, or the intermediate until it names the init) in
 * the record, before it is answered anything: a delete after brig died
 * finds it by pid and start time. */
static int record_pid(struct creation *cr, struct brig_error *err)
{
	struct spec_state *st = &cr->c->state;
	st->pid = cr->pid;
	st->init_start_time = process_start_time(cr->pid);
	if (container_save(cr->c, err) < 0)
		return err_wrap(err, "record the container process");
	return 0;
}

/* Clones the container process; the fds the plan gave it are its now. */
static int spawn(struct creation *cr, struct brig_error *err)
{
	struct child_plan *p = &cr->plan;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, "socketpair");
	cr->sync_fd = sv[0];
	p->sync_fd = sv[1];
	cr->pid = spawn_init(p, sv[0], &cr->pidfd, err);
	/* the seccomp agent must see EOF when the child closes its end */
	child_plan_close_fds(p);
	if (cr->pid < 0)
		return -1;
	log_debug("create %s: cloned %d (namespace flags %#x, %s path)", cr->c->id, cr->pid,
		  (unsigned)p->clone_flags, p->slow_path ? "slow" : "fast");
	if (p->slow_path)
		cr->intermediate = cr->pid;
	return record_pid(cr, err);
}

/* ---- answering the child ---- */

static int init_pid_received(struct creation *cr, const char *data, size_t len,
			     struct brig_error *err)
{
	pid_t pid;
	if (len != sizeof(pid))
		return err_set(err, EPROTO, "bad init pid message");
	memcpy(&pid, data, sizeof(pid));
	/* Reap the intermediate: it has exited or is about to. */
	waitpid(cr->intermediate, NULL, 0);
	cr->intermediate = 0;
	closep(&cr->pidfd);
	cr->pid = pid;
	cr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (cr->pidfd < 0)
		return err_sys(err, "pidfd_open %d", pid);
	return record_pid(cr, err);
}

static int runtime_hooks(struct creation *cr, struct brig_error *err)
{
	const struct spec *s = cr->s;
	cr->c->state.pid = cr->pid;
	cr->hooks_started = true;
	/* runtime.md: "created" is the state after step 2, the environment's
	 * creation; these hooks are steps 3 to 5. */
	_cleanup_free_ char *state = lifecycle_state_json(cr->c, SPEC_STATUS_CREATED);
	if (hooks_run(&s->hooks[SPEC_HOOK_PRESTART], "prestart", state, false, err) < 0 ||
	    hooks_run(&s->hooks[SPEC_HOOK_CREATE_RUNTIME], "createRuntime", state, false, err) < 0)
		return -1;
	if (sync_send(cr->sync_fd, SYNC_HOOKS_DONE, state, strlen(state)) < 0)
		return err_sys(err, "resume container process");
	return 0;
}

static int resume(struct creation *cr, enum sync_type t, struct brig_error *err)
{
	return sync_send(cr->sync_fd, t, NULL, 0) < 0 ? err_sys(err, "resume container process")
						      : 0;
}

/* One request of the child; 1 once it reports ready. */
static int answer(struct creation *cr, enum sync_type t, const char *data, size_t len,
		  struct brig_error *err)
{
	switch (t) {
	case SYNC_ERROR:
		if (len != sizeof(*err))
			return err_set(err, EPROTO, "container process failed");
		memcpy(err, data, sizeof(*err));
		err->msg[sizeof(err->msg) - 1] = '\0';
		return -1;
	case SYNC_MAPS_REQUEST:
		/* From cr->pid itself (the child, or the intermediate on the slow
		 * path): its own getpid() may be 1 in a new pid namespace. The
		 * score first: the process is still dumpable, its /proc files
		 * the caller's (an unprivileged brig may write them), and the
		 * init inherits it from the intermediate. */
		if (process_write_oom_score(cr->pid, &cr->s->process, err) < 0)
			return err_wrap(err, "set oom_score_adj");
		if (write_id_maps(cr->pid, &cr->s->linux, err) < 0)
			return -1;
		cr->oom_score_set = true;
		return resume(cr, SYNC_MAPS_DONE, err);
	case SYNC_INIT_PID:
		return init_pid_received(cr, data, len, err);
	case SYNC_CGROUP_REQUEST:
		/* cloned into the unified cgroup already, unless the kernel could
		 * not: v1 hierarchies need the pid written. The systemd driver
		 * makes the unit now, with that pid in it. On the slow path the
		 * pid is the intermediate's: the init it forks inherits. */
		if (cgroup_join(&cr->cg, cr->pid, cr->plan.cgroup_fd >= 0, err) < 0)
			return -1;
		return resume(cr, SYNC_CGROUP_DONE, err);
	case SYNC_HOOKS_REQUEST:
		/* the child waits with its namespaces made: wire them up */
		if (network_setup(&cr->net, cr->pid, cr->c->dir_fd, err) < 0)
			return -1;
		if (!cr->oom_score_set &&
		    process_write_oom_score(cr->pid, &cr->s->process, err) < 0)
			return err_wrap(err, "set oom_score_adj");
		return runtime_hooks(cr, err);
	case SYNC_READY:
		return 1;
	default:
		return err_set(err, EPROTO, "unexpected message %d from container process", t);
	}
}

/* Answers the child until it reports ready. */
static int serve(struct creation *cr, struct brig_error *err)
{
	for (;;) {
		enum sync_type t;
		size_t len;
		_cleanup_free_ char *data = NULL;
		if (sync_recv(cr->sync_fd, &t, &data, &len, err) < 0)
			return -1;
		int r = answer(cr, t, data, len, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
}

/* The init reports ready just before it execs brig-init, and the sync socket
 * closes at that exec: until then its /proc/PID/exe is brig's binary, which a
 * caller's exec into the created container could meet, so create returns only
 * after the EOF (an init that died instead gives it too; start says so). */
static int wait_brig_init(struct creation *cr, struct brig_error *err)
{
	char byte;
	ssize_t n;
	do
		n = recv(cr->sync_fd, &byte, 1, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_sys(err, "wait for brig-init: read the sync socket");
	if (n == 0)
		return 0;
	/* the exec failed before it could happen: the child's error */
	enum sync_type t;
	size_t len;
	_cleanup_free_ char *data = NULL;
	if (sync_recv(cr->sync_fd, &t, &data, &len, err) < 0 || answer(cr, t, data, len, err) < 0)
		return -1;
	return err_set(err, EPROTO, "wait for brig-init: message %d from the container process", t);
}

static int save_state(struct creation *cr, struct brig_error *err)
{
	struct spec_state *st = &cr->c->state;
	free(st->cgroup_path);
	st->cgroup_path = cr->cg.active ? cgroups_record(&cr->cg.cg) : NULL;
	st->pid = cr->pid;
	st->init_start_time = process_start_time(cr->pid);
	st->status = SPEC_STATUS_CREATED;
	if (container_save(cr->c, err) < 0)
		return -1;
	log_debug("create %s: init %d is waiting for start", cr->c->id, cr->pid);
	return 0;
}

static int write_pid_file(struct creation *cr, struct brig_error *err)
{
	return cr->o->pid_file ? io_write_pid_file(cr->o->pid_file, cr->pid, err) : 0;
}

static const struct create_step create_steps[] = {
    {"copy config", copy_config, true}, /* later edits of the bundle do not count */
    {"plan", plan_process, false},	/* namespaces, capabilities, mounts, seccomp, env */
    {"console", connect_console, false},
    {"record state", record_creation, false},  /* before anything outside the state dir */
    {"host mounts", record_host_mounts, true}, /* before the child binds over the rootfs */
    {"cgroup", make_cgroup, false},	       /* limited before the process exists */
    {"start fifos", open_fifos, true},
    {"brig-init", fill_brig_init, true},
    {"clone", spawn, false}, /* the pid is recorded before the child gets an answer */
    {"serve", serve, false}, /* the child's errors name its own steps */
    {"wait for brig-init", wait_brig_init, false}, /* errors: the child's, or named */
    {"save state", save_state, true},
    {"pid file", write_pid_file, true}, /* last: callers take it for success */
};

/* ---- undo ---- */

/* Undoes a failed create. What cannot be undone is warned about and its
 * record kept (status "creating"), for `delete --force` to finish. */
static void abort_creation(struct creation *cr)
{
	struct brig_error ignored;
	bool left = false;
	/* the plan's fds first: a create that failed for EMFILE must still be
	 * undone (the child holds its own copies) */
	child_plan_free(&cr->plan);
	if (network_teardown(cr->c->dir_fd, &ignored) < 0) { /* before the netns dies */
		log_warn("undo create %s: %s", cr->c->id, ignored.msg);
		left = true;
	}
	if (cr->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, cr->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)cr->pidfd, &(siginfo_t){0}, WEXITED);
	}
	if (cr->intermediate > 0) {
		kill(cr->intermediate, SIGKILL);
		waitpid(cr->intermediate, NULL, 0);
	}
	closep(&cr->pidfd);
	closep(&cr->sync_fd);
	if (cr->plan.host_mounts)
		host_mounts_detach(cr->c->dir_fd, cr->plan.rootfs);
	if (cgroup_remove(&cr->cg, &ignored) < 0) {
		log_warn("undo create %s: %s", cr->c->id, ignored.msg);
		left = true;
	}
	/* runtime.md: a failing prestart, createRuntime or createContainer hook
	 * stops the container and continues at step 12: destroy, then poststop. */
	if (cr->hooks_started && cr->s->hooks[SPEC_HOOK_POSTSTOP].n) {
		cr->c->state.pid = 0;
		_cleanup_free_ char *state = lifecycle_state_json(cr->c, SPEC_STATUS_STOPPED);
		hooks_run(&cr->s->hooks[SPEC_HOOK_POSTSTOP], "poststop", state, true, &ignored);
	}
	if (left) {
		log_warn("container %s: not everything could be undone; `brig delete --force %s` "
			 "finishes",
			 cr->c->id, cr->c->id);
		return;
	}
	if (container_destroy(cr->c, &ignored) < 0)
		log_warn("undo create %s: %s", cr->c->id, ignored.msg);
}

static int create_in(struct creation *cr, struct brig_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(create_steps); i++) {
		const struct create_step *st = &create_steps[i];
		if (fault_point("create", i, st->name, err) < 0)
			return err_wrap(err, "%s", st->name);
		if (st->run(cr, err) < 0) {
			log_debug("create %s: step \"%s\" failed", cr->c->id, st->name);
			return st->wrap ? err_wrap(err, "%s", st->name) : -1;
		}
	}
	return 0;
}

struct spec *create_load_bundle(const struct global_opts *g, const char *dir, char **ret_text,
				struct brig_error *err)
{
	_cleanup_free_ char *bundle = realpath(dir ? dir : ".", NULL);
	if (!bundle) {
		err_sys(err, "bundle '%s'", dir ? dir : ".");
		return NULL;
	}
	_cleanup_free_ char *config_path = path_join(bundle, "config.json");
	if (read_file_at(AT_FDCWD, config_path, ret_text, NULL, err) < 0)
		return NULL;
	_cleanup_spec_ struct spec *s = spec_parse(*ret_text, "config.json", bundle, err);
	if (!s || check_policy_enforce(g->policy, s, err) < 0)
		return NULL;
	if (!s->has_process) {
		err_set(err, EINVAL, "config.json: .process: missing required field");
		return NULL;
	}
	return steal_ptr(&s);
}

/* Reads and checks the bundle's config.json. */
static struct spec *load_bundle(const struct global_opts *g, const struct create_opts *o,
				char **ret_text, struct brig_error *err)
{
	_cleanup_spec_ struct spec *s = create_load_bundle(g, o->bundle, ret_text, err);
	if (s && s->process.terminal && o->console_sock_fd < 0 && !o->console_socket) {
		err_set(err, EINVAL, "process.terminal is set: --console-socket is required");
		return NULL;
	}
	return steal_ptr(&s);
}

struct container *lifecycle_create(const struct global_opts *g, const char *id,
				   const struct create_opts *o, struct brig_error *err)
{
	if (container_id_validate(id, err) < 0)
		return NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_spec_ struct spec *s = load_bundle(g, o, &text, err);
	if (!s)
		return NULL;
	struct creation cr = {.s = s,
			      .o = o,
			      .config_text = text,
			      .sync_fd = -1,
			      .pidfd = -1,
			      .systemd_cgroup = g->systemd_cgroup,
			      .rootless = g->rootless,
			      .seccomp_cache = g->seccomp_cache,
			      .cg = CTR_CGROUP_INIT};
	child_plan_init(&cr.plan);
	int r = -1;
	_cleanup_close_ int root_fd = container_root_open(g->root, err);
	if (root_fd >= 0 && network_plan(s, g->root, id, o->network, &cr.net, err) == 0) {
		cr.c = container_new(root_fd, id, err);
		r = cr.c ? create_in(&cr, err) : store_root_error(err, g->root);
	}
	if (r < 0 && cr.c) {
		abort_creation(&cr);
		container_free(cr.c);
		cr.c = NULL;
	}
	if (cr.c)
		cr.c->init_pidfd = steal_fd(&cr.pidfd);
	closep(&cr.pidfd);
	closep(&cr.sync_fd);
	child_plan_free(&cr.plan);
	network_plan_free(&cr.net);
	cgroup_clear(&cr.cg);
	return cr.c;
}
