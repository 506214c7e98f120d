// SPDX-License-Identifier: Apache-2.0
/* `exec`: a new process in a running container. brig enters the container's
 * pid namespace for its children, clones the process, which joins the
 * container's other namespaces through the init's pidfd, applies the process
 * attributes, and execs through brig-init; brig then waits in the foreground
 * (stdio, pty, signals, exit status) or returns at once (--detach) leaving
 * the process to the caller's subreaper, as create does. */
#include "runtime/brig-init/brig-init.h"
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct exec_run {
	struct child_plan plan;
	struct ctr_cgroup cg;
	char *state_json; /* for a NOTIFY filter's agent */
	int sync_fd;	  /* parent's end */
	int console_peer; /* foreground tty: our end of the console socketpair */
	pid_t pid;
	int pidfd;
	const char *pid_file;
};

/* Into the container's cgroup (or the --cgroup sub-cgroups) at clone, and its
 * v1 ones at the sync. */
static int exec_cgroup(struct container *c, const struct exec_opts *o, struct exec_run *x,
		       struct brig_error *err)
{
	if (cgroup_load(&c->state, &x->cg, err) < 0)
		return -1;
	if (o->sub_cgroups && *o->sub_cgroups) {
		if (!x->cg.opened)
			return cgroup_none_error(c->id, "exec --cgroup", err);
		if (cgroups_enter_sub(&x->cg.host, &x->cg.cg, o->sub_cgroups, err) < 0)
			return -1;
	}
	x->plan.cgroup_sync = x->cg.active && x->cg.cg.n_v1 > 0;
	return 0;
}

static int exec_plan(struct container *c, struct spec *s, const struct exec_opts *o,
		     const char *cache_dir, struct exec_run *x, struct brig_error *err)
{
	struct child_plan *p = &x->plan;
	p->spec = s;
	p->proc = &s->process;
	p->id = c->id;
	p->rootfs = c->state.rootfs;
	p->is_exec = true;
	caps_plan(&s->process.capabilities, &p->caps);
	p->host_mounts = !s->linux.namespaces[SPEC_NS_MOUNT].present;
	p->in_userns = s->linux.namespaces[SPEC_NS_USER].present;
	int listen_fds = plan_listen_fds();
	p->preserve_fds = listen_fds + o->preserve_fds;
	p->env = plan_env(&s->process, listen_fds);
	p->join_pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (p->join_pidfd < 0)
		return err_set(err, ESRCH, "cannot exec in a stopped container");
	p->join_flags = ns_differing(c->state.pid, err);
	if (p->join_flags < 0)
		return -1;
	if (exec_cgroup(c, o, x, err) < 0)
		return -1;
	/* the container's seccomp filter applies to this process too */
	if (plan_seccomp(s, cache_dir, p, err) < 0)
		return -1;
	if (p->filter && p->filter->notify)
		x->state_json = spec_state_format_public(&c->state, false);
	p->seccomp_state = x->state_json;
	if (s->process.terminal) {
		int sv[2];
		if (o->console_socket)
			p->console_fd = io_connect_console(o->console_socket, err);
		else if (o->detach)
			return err_set(err, EINVAL, "--tty with --detach needs --console-socket");
		else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
			p->console_fd = sv[1], x->console_peer = sv[0];
		if (p->console_fd < 0)
			return o->console_socket ? -1 : err_sys(err, "socketpair");
	}
	if ((p->brig_init_fd = brig_init_memfd(err)) < 0)
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, "socketpair");
	x->sync_fd = sv[0];
	p->sync_fd = sv[1];
	return 0;
}

static int exec_clone(struct exec_run *x, struct brig_error *err)
{
	struct child_plan *p = &x->plan;
	x->pid = clone3_fork(0, &x->pidfd, SIGCHLD, cgroup_v2_fd(&x->cg));
	if (x->pid < 0)
		return err_sys(err, "clone the process");
	if (x->pid == 0) {
		close(x->sync_fd);
		exec_child_main(p);
	}
	child_plan_close_fds(p);
	return 0;
}

static int exec_join_cgroup(struct exec_run *x, struct brig_error *err)
{
	struct child_plan *p = &x->plan;
	if (!p->cgroup_sync)
		return 0;
	/* an error of the process's own names its step already */
	if (sync_expect(x->sync_fd, SYNC_CGROUP_REQUEST, NULL, NULL, err) < 0)
		return -1;
	if (cgroups_add_pid(&x->cg.cg, x->pid, true, err) < 0)
		return err_wrap(err, "join the container's cgroup");
	if (sync_send(x->sync_fd, SYNC_CGROUP_DONE, NULL, 0) < 0)
		return err_sys(err, "join the container's cgroup");
	return 0;
}

static int exec_wait_exec(struct exec_run *x, struct brig_error *err)
{
	pid_t forked = 0;
	if (io_wait_exec(x->sync_fd, &forked, err) < 0)
		return -1;
	if (forked > 0) {
		/* brig-init forked the program into the pid namespace and exited */
		waitpid(x->pid, NULL, 0);
		closep(&x->pidfd);
		x->pid = forked;
		x->pidfd = (int)syscall(SYS_pidfd_open, forked, 0);
		if (x->pidfd < 0)
			return err_sys(err, "pidfd_open %d", forked);
	}
	return 0;
}

static int exec_pid_file(struct exec_run *x, struct brig_error *err)
{
	return x->pid_file ? io_write_pid_file(x->pid_file, x->pid, err) : 0;
}

/* The steps after the plan, named in the log and for fault injection. */
static const struct {
	const char *name;
	int (*run)(struct exec_run *x, struct brig_error *err);
} exec_steps[] = {
    {"clone", exec_clone},
    {"join cgroup", exec_join_cgroup},
    {"wait for exec", exec_wait_exec}, /* its errors name the process's step */
    {"pid file", exec_pid_file},
};

static int exec_spawn(struct exec_run *x, struct brig_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(exec_steps); i++) {
		/* "exec" step 1 is the plan (lifecycle_exec) */
		if (fault_point("exec", i + 1, exec_steps[i].name, err) < 0)
			return err_wrap(err, "%s", exec_steps[i].name);
		if (exec_steps[i].run(x, err) < 0)
			return -1;
	}
	return 0;
}

static void exec_run_free(struct exec_run *x)
{
	closep(&x->sync_fd);
	closep(&x->console_peer);
	child_plan_free(&x->plan);
	cgroup_clear(&x->cg);
	free(x->state_json);
}

static int check_status(struct container *c, const struct exec_opts *o, struct brig_error *err)
{
	switch (container_status(&c->state)) {
	case SPEC_STATUS_STOPPED:
		return err_set(err, EINVAL, "cannot exec in a stopped container");
	case SPEC_STATUS_PAUSED:
		if (!o->ignore_paused)
			return err_set(err, EINVAL,
				       "cannot exec in a paused container "
				       "(use --ignore-paused to override)");
		return 0;
	default:
		return 0;
	}
}

int lifecycle_exec(const struct global_opts *g, const char *id, const struct exec_opts *o,
		   struct brig_error *err)
{
	struct container *c = container_open_at(g->root, id, err);
	if (!c)
		return -1;
	struct exec_run x = {.sync_fd = -1, .console_peer = -1, .pidfd = -1, .cg = CTR_CGROUP_INIT};
	child_plan_init(&x.plan);
	struct spec *s = check_status(c, o, err) == 0 ? lifecycle_load_config(c, err) : NULL;
	sigset_t mask, old;
	sigfillset(&mask);
	x.pid_file = o->pid_file;
	int r = !s || o->edit(s, o->edit_data, err) < 0 ? -1 : 0;
	if (r == 0 && fault_point("exec", 0, "plan", err) < 0)
		r = err_wrap(err, "plan");
	if (r == 0)
		r = exec_plan(c, s, o, g->seccomp_cache, &x, err);
	if (r == 0 && !o->detach) {
		sigprocmask(SIG_BLOCK, &mask, &old);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	/* The process is cloned with brig's fds: in a paused container it freezes
	 * at birth holding them, the lock's fd too, and `resume` would wait for
	 * that lock forever (runc's exec --ignore-paused test). The exec needs
	 * the lock no longer: release it first. */
	container_unlock(c);
	if (r == 0)
		r = exec_spawn(&x, err);
	container_free(c); /* the wait needs no lock */
	if (r < 0 && x.pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, x.pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)x.pidfd, &(siginfo_t){0}, WEXITED);
	} else if (r == 0 && !o->detach) {
		int master = x.console_peer >= 0 ? console_recv_master(x.console_peer) : -1;
		r = foreground_wait(x.pid, x.pidfd, master, &mask);
		closep(&master);
	}
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	closep(&x.pidfd);
	exec_run_free(&x);
	spec_free(s);
	return r;
}
