// SPDX-License-Identifier: Apache-2.0
/* The container lifecycle after create (runtime-spec runtime.md): start,
 * kill and delete (create is create.c's). */
#include "netlink/netlink.h"
#include "runtime/brig-init/brig-init.h"
#include "runtime/container/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

char *lifecycle_state_json(struct container *c, enum spec_status status)
{
	enum spec_status saved = c->state.status;
	c->state.status = status;
	char *s = spec_state_format_public(&c->state, false);
	c->state.status = saved;
	return s;
}

/* The config as it was at create (runtime-spec: later edits of the bundle's
 * config.json do not affect the container). */
struct spec *lifecycle_load_config(struct container *c, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(c->dir_fd, CONFIG_COPY, &text, NULL, err) < 0)
		return NULL;
	return spec_parse(text, "config.json", c->state.bundle, err);
}

/* Writes the start byte and waits until the program has exec'd: the status
 * fifo then has no writer left. Anything on it is brig-init's errno. */
static int release_init(struct container *c, struct brig_error *err)
{
	_cleanup_close_ int status =
	    openat(c->dir_fd, STATUS_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int go =
	    openat(c->dir_fd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (status < 0 || go < 0) /* ENXIO: no reader, the init is gone */
		return err_sys(err, "open the container's start fifo");
	if (write(go, "0", 1) != 1)
		return err_sys(err, "release the container's init");
	/* brig-init writes "X" once released, then its errno if the exec fails;
	 * the fifo loses its last writer at the exec (or the process's death). */
	char buf[8];
	size_t got = 0;
	for (;;) {
		struct pollfd pfd = {.fd = status, .events = POLLIN};
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return err_sys(err, "wait for the container process to exec");
		ssize_t n = read(status, buf + got, sizeof(buf) - got);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	int e;
	if (got == 1 + sizeof(e) && buf[0] == 'X') {
		memcpy(&e, buf + 1, sizeof(e));
		return err_errno(err, e, "exec the container process");
	}
	if (got != 1 || buf[0] != 'X')
		return err_set(err, ECHILD, "the container process exited before its program ran");
	return 0;
}

/* start and delete are step tables like create's: each step is named in
 * the log and in fault injection; those whose errors lack context get the
 * name prepended. */
struct verb_step {
	const char *name;
	int (*run)(void *v, struct brig_error *err);
	bool wrap;
};

static int run_steps(const char *verb, const struct verb_step *steps, size_t n, void *v,
		     const char *id, struct brig_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (fault_point(verb, i, steps[i].name, err) < 0)
			return err_wrap(err, "%s", steps[i].name);
		if (steps[i].run(v, err) < 0) {
			log_debug("%s %s: step \"%s\" failed", verb, id, steps[i].name);
			return steps[i].wrap ? err_wrap(err, "%s", steps[i].name) : -1;
		}
	}
	return 0;
}

struct starting {
	struct container *c;
	struct spec *s;
	int pidfd;
};

static int start_check(void *v, struct brig_error *err)
{
	struct starting *st = v;
	switch (container_status(&st->c->state)) {
	case SPEC_STATUS_CREATED:
		break;
	case SPEC_STATUS_STOPPED:
		return err_set(err, EINVAL, "cannot start a container that has stopped");
	case SPEC_STATUS_CREATING:
		return err_set(err, EINVAL,
			       "cannot start a container whose creation did not finish "
			       "(delete it)");
	default:
		return err_set(err, EINVAL, "cannot start an already running container");
	}
	st->s = lifecycle_load_config(st->c, err);
	if (!st->s)
		return -1;
	st->pidfd = process_pidfd(st->c->state.pid, st->c->state.init_start_time);
	if (st->pidfd < 0)
		return err_set(err, EINVAL, "cannot start a container that has stopped");
	return 0;
}

/* runtime.md step 7: in the container's namespaces, before the program */
static int start_hooks(void *v, struct brig_error *err)
{
	struct starting *st = v;
	struct container *c = st->c;
	const struct spec_hook_list *hooks = &st->s->hooks[SPEC_HOOK_START_CONTAINER];
	if (!hooks->n)
		return 0;
	/* they run under the container's seccomp filter, as runc's do */
	_cleanup_filter_ struct filter *f = NULL;
	if (st->s->linux.seccomp.present &&
	    !(f = filter_compile(&st->s->linux.seccomp, &(struct filter_opts){0}, err)))
		return err_wrap(err, "startContainer hooks: seccomp");
	_cleanup_free_ char *created = lifecycle_state_json(c, SPEC_STATUS_CREATED);
	if (hooks_run_in(hooks, "startContainer", created, c->state.pid, st->pidfd, c->state.rootfs,
			 f, err) < 0) {
		lifecycle_kill(c, SIGKILL, false, &(struct brig_error){0});
		return -1;
	}
	return 0;
}

static int start_release(void *v, struct brig_error *err)
{
	struct starting *st = v;
	if (release_init(st->c, err) < 0)
		return -1;
	log_debug("start %s: init %d runs the program", st->c->id, st->c->state.pid);
	return 0;
}

static int start_save(void *v, struct brig_error *err)
{
	struct container *c = ((struct starting *)v)->c;
	unlinkat(c->dir_fd, EXEC_FIFO, 0);
	unlinkat(c->dir_fd, STATUS_FIFO, 0);
	c->state.started = true;
	c->state.status = SPEC_STATUS_RUNNING;
	return container_save(c, err);
}

static int start_poststart(void *v, struct brig_error *err)
{
	struct starting *st = v;
	_cleanup_free_ char *state = lifecycle_state_json(st->c, SPEC_STATUS_RUNNING);
	if (hooks_run(&st->s->hooks[SPEC_HOOK_POSTSTART], "poststart", state, false, err) < 0) {
		/* runtime-spec 1.3: generate an error and stop the container */
		lifecycle_kill(st->c, SIGKILL, false, &(struct brig_error){0});
		return -1;
	}
	return 0;
}

static const struct verb_step start_steps[] = {
    {"check status", start_check, false},	 {"startContainer hooks", start_hooks, false},
    {"release the init", start_release, false},	 {"save state", start_save, false},
    {"poststart hooks", start_poststart, false},
};

int lifecycle_start(struct container *c, struct brig_error *err)
{
	struct starting st = {.c = c, .pidfd = -1};
	int r = run_steps("start", start_steps, ARRAY_SIZE(start_steps), &st, c->id, err);
	closep(&st.pidfd);
	spec_free(st.s);
	return r;
}

static int wait_exit(int pidfd, int timeout_ms)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? 0 : -1;
}

/* Every process in the init's pid namespace, by its /proc/PID/ns/pid (a
 * process in a pid namespace nested below it has another and is not listed).
 * Processes whose link brig may not read (another user's) are not its. */
static int pidns_pids(const struct container *c, pid_t **ret, size_t *ret_n, struct brig_error *err)
{
	char path[300], want[64], got[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", c->state.pid);
	ssize_t n = readlink(path, want, sizeof(want) - 1);
	if (n < 0)
		return err_sys(err, "read pid namespace of %d", c->state.pid);
	want[n] = '\0';
	n = readlink("/proc/self/ns/pid", got, sizeof(got) - 1);
	if (n < 0 || (got[n] = '\0', !strcmp(got, want)))
		return err_set(err, EPERM, "the container's pid namespace is brig's own");
	_cleanup_(closedirp) DIR *d = opendir("/proc");
	if (!d)
		return err_sys(err, "open /proc");
	pid_t *v = NULL;
	size_t nv = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int64_t pid;
		if (parse_int64(de->d_name, 1, INT32_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		n = readlink(path, got, sizeof(got) - 1);
		if (n < 0 || (got[n] = '\0', strcmp(got, want)))
			continue;
		v = xrealloc(v, (nv + 1) * sizeof(*v));
		v[nv++] = (pid_t)pid;
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}

/* Every process of the container's cgroup: also those outside its pid namespace. */
static int kill_cgroup(struct container *c, int sig, struct brig_error *err)
{
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	if (cgroup_load(&c->state, &cg, err) < 0 || cgroups_kill_all(&cg.cg, sig, err) < 0)
		return err_wrap(err, "kill --all");
	return 0;
}

static int signal_pidns(struct container *c, int sig, struct brig_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (pidns_pids(c, &pids, &n, err) < 0)
		return err_wrap(err, "refusing to signal every process of its pid namespace");
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	return 0;
}

int lifecycle_pids(struct container *c, pid_t **ret, size_t *ret_n, struct brig_error *err)
{
	*ret = NULL;
	*ret_n = 0;
	if (container_status(&c->state) == SPEC_STATUS_STOPPED)
		return 0;
	if (c->state.cgroup_path) {
		_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
		if (cgroup_load(&c->state, &cg, err) < 0)
			return -1;
		return cgroups_pids(&cg.cg, ret, ret_n, err);
	}
	/* rootless without a cgroup: the pid namespace is the container */
	if (!c->state.has_pidns)
		return err_set(err, ENOTSUP,
			       "container \"%s\" has neither a cgroup nor a pid namespace of its "
			       "own (rootless, without cgroup delegation): brig cannot tell its "
			       "processes",
			       c->id);
	_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (pidfd < 0)
		return 0; /* it has just stopped */
	return pidns_pids(c, ret, ret_n, err);
}

int lifecycle_kill(struct container *c, int sig, bool all, struct brig_error *err)
{
	enum spec_status st = container_status(&c->state);
	if (st == SPEC_STATUS_STOPPED) {
		if (!all)
			return err_set(err, ESRCH, "container not running");
		/* runc: kill --all of a stopped container succeeds (the shim relies
		 * on it). Without a pid namespace of its own (a CRI pod's shared
		 * one) the init's children outlive it, and the shim's stop waits for
		 * them: signal what is left in the cgroup. With one, the kernel
		 * ended them with the init; whatever is in the cgroup then is not
		 * the container's (podman's conmon can be). A cgroup already gone
		 * is no error. */
		if (c->state.cgroup_path && !c->state.has_pidns && kill_cgroup(c, sig, err) < 0 &&
		    err->errnum != ENOENT)
			return -1;
		return 0;
	}
	if (all && c->state.cgroup_path)
		return kill_cgroup(c, sig, err);
	_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (pidfd < 0)
		return all ? 0 : err_set(err, ESRCH, "container not running");
	if (all && c->state.has_pidns && sig != SIGKILL && signal_pidns(c, sig, err) < 0)
		return -1;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return errno == ESRCH ? err_set(err, ESRCH, "container not running")
				      : err_sys(err, "send signal %d", sig);
	return 0;
}

static void thaw(struct container *c)
{
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	struct brig_error e = {0};
	if (cgroup_load(&c->state, &cg, &e) < 0 || cgroups_freeze(&cg.cg, false, 2000, &e) < 0)
		log_warn("container %s: thaw: %s", c->id, e.msg);
}

/* delete keeps the state until everything it names is gone: a step that
 * fails stops the delete with an error, and a second `delete --force` takes
 * it up where it stopped (each step finds what is left of its part). */
struct deleting {
	struct container *c;
	bool force;
	enum spec_status status;
};

static int delete_check(void *v, struct brig_error *err)
{
	struct deleting *d = v;
	d->status = container_status(&d->c->state);
	if ((d->status == SPEC_STATUS_RUNNING || d->status == SPEC_STATUS_PAUSED) && !d->force)
		return err_set(err, EBUSY, "cannot delete container %s that is not stopped: %s",
			       d->c->id, spec_status_name(d->status));
	return 0;
}

/* Before the kill: netDevices go back whole while the netns is alive. */
static int delete_network(void *v, struct brig_error *err)
{
	return network_teardown(((struct deleting *)v)->c->dir_fd, err);
}

/* created (runc's behaviour, which containerd relies on), --force, or a
 * create that died ("creating"): kill the init; with a pid namespace that
 * kills everything in it. A paused container is thawed first: SIGKILL waits
 * for a v1 thaw. */
static int delete_kill(void *v, struct brig_error *err)
{
	struct deleting *d = v;
	struct container *c = d->c;
	if (d->status == SPEC_STATUS_STOPPED)
		return 0;
	if (d->status == SPEC_STATUS_PAUSED)
		thaw(c);
	_cleanup_close_ int pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	log_debug("delete %s: killing init %d (%s)", c->id, c->state.pid,
		  spec_status_name(d->status));
	if (pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
			return err_sys(err, "kill init %d", c->state.pid);
		if (wait_exit(pidfd, 10000) < 0)
			return err_set(err, ETIMEDOUT, "init %d did not exit after SIGKILL",
				       c->state.pid);
	}
	c->state.status = SPEC_STATUS_STOPPED;
	c->state.pid = 0;
	return 0;
}

static int delete_mounts(void *v, struct brig_error *err)
{
	(void)err;
	struct container *c = ((struct deleting *)v)->c;
	host_mounts_detach(c->dir_fd, c->state.rootfs);
	restore_detach_root(c->dir_fd);
	return 0;
}

/* Kills what the init left behind (no pid namespace: they outlive it). */
static int delete_cgroup(void *v, struct brig_error *err)
{
	struct container *c = ((struct deleting *)v)->c;
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	/* a directory already gone is no error: remove skips it */
	if (cgroup_load(&c->state, &cg, err) < 0 && !cg.active)
		return -1;
	return cgroup_remove(&cg, err);
}

static int delete_poststop(void *v, struct brig_error *err)
{
	(void)err;
	struct container *c = ((struct deleting *)v)->c;
	struct brig_error e = {0};
	_cleanup_spec_ struct spec *s = lifecycle_load_config(c, &e);
	if (!s) {
		log_warn("container %s: poststop hooks not run: %s", c->id, e.msg);
		return 0;
	}
	if (s->hooks[SPEC_HOOK_POSTSTOP].n) {
		/* runtime.md: a failing poststop hook is a warning */
		_cleanup_free_ char *state = lifecycle_state_json(c, SPEC_STATUS_STOPPED);
		hooks_run(&s->hooks[SPEC_HOOK_POSTSTOP], "poststop", state, true, &e);
	}
	return 0;
}

static int delete_state(void *v, struct brig_error *err)
{
	return container_destroy(((struct deleting *)v)->c, err);
}

static const struct verb_step delete_steps[] = {
    {"check status", delete_check, false},
    {"network teardown", delete_network, false}, /* before the netns dies */
    {"kill the init", delete_kill, true},
    {"detach host mounts", delete_mounts, false},
    {"remove cgroup", delete_cgroup, false},
    {"poststop hooks", delete_poststop, false},
    {"remove state", delete_state, false},
};

int lifecycle_delete(struct container *c, bool force, struct brig_error *err)
{
	struct deleting d = {.c = c, .force = force};
	return run_steps("delete", delete_steps, ARRAY_SIZE(delete_steps), &d, c->id, err);
}
