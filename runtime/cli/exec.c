// SPDX-License-Identifier: Apache-2.0
/* `exec`: a new process in a running container. The process is the config's
 * with runc's flags applied (or a whole --process file). brig enters the
 * container's pid namespace for its children, clones the process, which joins
 * the container's other namespaces through the init's pidfd, applies the
 * process attributes, and execs through brig-init; brig then waits in the
 * foreground (stdio, pty, signals, exit status) or returns at once (--detach)
 * leaving the process to the caller's subreaper, as create does. */
#include "runtime/container/container.h"
#include "runtime/init/init.h"

#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

struct exec_opts {
	const char *process_file;
	const char *pid_file;
	const char *console_socket;
	const char *cwd;
	const char *user;
	const char *apparmor;
	const char *label;
	bool detach;
	bool tty;
	bool no_new_privs;
	bool ignore_paused;
	int preserve_fds;
	char **env; /* from --env, NULL-terminated */
	char **caps;
	char **gids;
};

static void strv_push(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

enum {
	OPT_PROCESS = 'p',
	OPT_DETACH = 'd',
	OPT_TTY = 't',
	OPT_ENV = 'e',
	OPT_USER = 'u',
	OPT_CWD = 256,
	OPT_PID_FILE,
	OPT_CONSOLE,
	OPT_GIDS,
	OPT_CAP,
	OPT_NNP,
	OPT_APPARMOR,
	OPT_LABEL,
	OPT_PRESERVE,
	OPT_IGNORE_PAUSED
};

static const struct option exec_longopts[] = {
    {"process", required_argument, NULL, OPT_PROCESS},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"tty", no_argument, NULL, OPT_TTY},
    {"env", required_argument, NULL, OPT_ENV},
    {"user", required_argument, NULL, OPT_USER},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"additional-gids", required_argument, NULL, OPT_GIDS},
    {"cap", required_argument, NULL, OPT_CAP},
    {"no-new-privs", no_argument, NULL, OPT_NNP},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"process-label", required_argument, NULL, OPT_LABEL},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int parse_exec_opt(int c, struct exec_opts *o, struct brig_error *err)
{
	int64_t n;
	switch (c) {
	case OPT_PROCESS:
		o->process_file = optarg;
		break;
	case OPT_DETACH:
		o->detach = true;
		break;
	case OPT_TTY:
		o->tty = true;
		break;
	case OPT_ENV:
		strv_push(&o->env, optarg);
		break;
	case OPT_USER:
		o->user = optarg;
		break;
	case OPT_CWD:
		o->cwd = optarg;
		break;
	case OPT_PID_FILE:
		o->pid_file = optarg;
		break;
	case OPT_CONSOLE:
		o->console_socket = optarg;
		break;
	case OPT_GIDS:
		strv_push(&o->gids, optarg);
		break;
	case OPT_CAP:
		strv_push(&o->caps, optarg);
		break;
	case OPT_NNP:
		o->no_new_privs = true;
		break;
	case OPT_APPARMOR:
		o->apparmor = optarg;
		break;
	case OPT_LABEL:
		o->label = optarg;
		break;
	case OPT_IGNORE_PAUSED:
		o->ignore_paused = true;
		break;
	case OPT_PRESERVE:
		if (parse_int64(optarg, 0, 65536, &n) < 0)
			return err_set(err, EINVAL, "--preserve-fds: expected a number, not '%s'",
				       optarg);
		o->preserve_fds = (int)n;
		break;
	default:
		return -1;
	}
	return 0;
}

static int parse_exec_args(int argc, char **argv, struct exec_opts *o, int *ret_first,
			   struct brig_error *err)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:dte:u:h", exec_longopts, NULL)) != -1) {
		if (c == 'h') {
			verb_usage("exec", stdout);
			return 1;
		}
		if (c == '?' || c == ':')
			return err_set(err, EINVAL, "%s option '%s' (see brig exec --help)",
				       c == ':' ? "missing argument for" : "unknown",
				       argv[optind - 1]);
		if (parse_exec_opt(c, o, err) < 0)
			return -1;
	}
	if (optind >= argc)
		return err_set(err, EINVAL, "missing container id (usage: brig exec)");
	if (!o->process_file && optind + 1 >= argc)
		return err_set(err, EINVAL, "exec needs a command or --process FILE");
	*ret_first = optind;
	return 0;
}

static void exec_opts_free(struct exec_opts *o)
{
	strv_free(o->env);
	strv_free(o->caps);
	strv_free(o->gids);
}

/* --user UID[:GID], numeric as runc takes it from its callers. */
static int apply_user(struct spec_user *u, const char *s, struct brig_error *err)
{
	int64_t uid, gid;
	_cleanup_free_ char *copy = xstrdup(s);
	char *colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	if (parse_int64(copy, 0, UINT32_MAX, &uid) < 0 ||
	    (colon && parse_int64(colon + 1, 0, UINT32_MAX, &gid) < 0))
		return err_set(err, EINVAL, "--user: want UID[:GID] as numbers, not '%s'", s);
	u->uid = (uint32_t)uid;
	if (colon)
		u->gid = (uint32_t)gid;
	return 0;
}

static int apply_flags(struct spec_process *p, const struct exec_opts *o, char **args,
		       struct brig_error *err)
{
	strv_free(p->args);
	p->args = NULL;
	for (char **a = args; *a; a++)
		strv_push(&p->args, *a);
	for (char **e = o->env; e && *e; e++)
		strv_push(&p->env, *e);
	if (o->cwd) {
		free(p->cwd);
		p->cwd = xstrdup(o->cwd);
	}
	if (o->user && apply_user(&p->user, o->user, err) < 0)
		return -1;
	for (char **g = o->gids; g && *g; g++) {
		int64_t gid;
		if (parse_int64(*g, 0, UINT32_MAX, &gid) < 0)
			return err_set(err, EINVAL, "--additional-gids: not a number: '%s'", *g);
		p->user.additional_gids = xrealloc(
		    p->user.additional_gids, (p->user.n_additional_gids + 1) * sizeof(uint32_t));
		p->user.additional_gids[p->user.n_additional_gids++] = (uint32_t)gid;
	}
	for (char **c = o->caps; c && *c; c++) {
		int cap = spec_cap_from_name(*c);
		if (cap < 0)
			return err_set(err, EINVAL, "--cap: unknown capability \"%s\"", *c);
		uint64_t bit = UINT64_C(1) << cap;
		p->capabilities.present = true;
		p->capabilities.bounding |= bit;
		p->capabilities.effective |= bit;
		p->capabilities.permitted |= bit;
		/* ambient needs inheritable: only where the config set some (runc) */
		if (p->capabilities.inheritable)
			p->capabilities.ambient |= bit;
	}
	p->terminal = o->tty;
	p->no_new_privileges |= o->no_new_privs;
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = xstrdup(o->apparmor);
	}
	if (o->label) {
		free(p->selinux_label);
		p->selinux_label = xstrdup(o->label);
	}
	return 0;
}

/* The process to run: the container's config process with the flags, or the
 * --process file as it is. */
static int build_process(struct spec *s, const struct exec_opts *o, char **args,
			 struct brig_error *err)
{
	if (!o->process_file)
		return apply_flags(&s->process, o, args, err);
	struct spec_process *p = spec_process_load(o->process_file, err);
	if (!p)
		return -1;
	struct spec_process old = s->process;
	s->process = *p;
	*p = old;
	spec_process_free(p);
	if (o->tty)
		s->process.terminal = true;
	return 0;
}

struct exec_run {
	struct child_plan plan;
	struct ctr_cgroup cg;
	char *state_json; /* for a NOTIFY filter's agent */
	int sync_fd;	  /* parent's end */
	int console_peer; /* foreground tty: our end of the console socketpair */
	pid_t pid;
	int pidfd;
};

static int exec_plan(struct container *c, struct spec *s, const struct exec_opts *o,
		     const char *g_root, struct exec_run *x, struct brig_error *err)
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
	int listen_fds = lifecycle_listen_fds();
	p->preserve_fds = listen_fds + o->preserve_fds;
	p->env = lifecycle_plan_env(&s->process, listen_fds);
	p->join_pidfd = process_pidfd(c->state.pid, c->state.init_start_time);
	if (p->join_pidfd < 0)
		return err_set(err, ESRCH, "cannot exec in a stopped container");
	p->join_flags = ns_differing(c->state.pid, err);
	if (p->join_flags < 0)
		return -1;
	/* into the container's cgroup at clone, and its v1 ones at the sync */
	if (cgroup_load(&c->state, &x->cg, err) < 0)
		return -1;
	p->cgroup_sync = x->cg.active && x->cg.cg.n_v1 > 0;
	/* the container's seccomp filter applies to this process too */
	if (plan_seccomp(s, g_root, p, err) < 0)
		return -1;
	if (p->filter && p->filter->notify)
		x->state_json = spec_state_format_public(&c->state, false);
	p->seccomp_state = x->state_json;
	if (s->process.terminal) {
		int sv[2];
		if (o->console_socket)
			p->console_fd = lifecycle_connect_console(o->console_socket, err);
		else if (o->detach)
			return err_set(err, EINVAL, "--tty with --detach needs --console-socket");
		else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
			p->console_fd = sv[1], x->console_peer = sv[0];
		if (p->console_fd < 0)
			return o->console_socket ? -1 : err_sys(err, "socketpair");
	}
	if ((p->stub_fd = stub_memfd(err)) < 0)
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, "socketpair");
	x->sync_fd = sv[0];
	p->sync_fd = sv[1];
	return 0;
}

static int exec_spawn(struct exec_run *x, struct brig_error *err)
{
	struct child_plan *p = &x->plan;
	x->pid = clone3_fork(0, &x->pidfd, SIGCHLD, cgroup_v2_fd(&x->cg));
	if (x->pid < 0)
		return err_sys(err, "clone the process");
	if (x->pid == 0) {
		close(x->sync_fd);
		exec_child_main(p);
	}
	closep(&p->sync_fd), p->sync_fd = -1;
	closep(&p->console_fd), p->console_fd = -1;
	closep(&p->stub_fd), p->stub_fd = -1;
	closep(&p->seccomp_sock), p->seccomp_sock = -1;
	if (p->cgroup_sync && (sync_expect(x->sync_fd, SYNC_CGROUP_REQUEST, NULL, NULL, err) < 0 ||
			       cgroups_add_pid(&x->cg.cg, x->pid, true, err) < 0 ||
			       sync_send(x->sync_fd, SYNC_CGROUP_DONE, NULL, 0) < 0))
		return err_wrap(err, "join the container's cgroup");
	if (p->proc->oom_score_adj.set) {
		char path[64], buf[32];
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", x->pid);
		int n = snprintf(buf, sizeof(buf), "%lld", (long long)p->proc->oom_score_adj.value);
		if (write_file_at(AT_FDCWD, path, buf, (size_t)n, O_TRUNC, err) < 0)
			return err_wrap(err, "set oom_score_adj");
	}
	pid_t forked = 0;
	if (lifecycle_wait_exec(x->sync_fd, &forked, err) < 0)
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

static void exec_run_free(struct exec_run *x)
{
	closep(&x->sync_fd);
	closep(&x->console_peer);
	closep(&x->plan.sync_fd);
	closep(&x->plan.console_fd);
	closep(&x->plan.stub_fd);
	closep(&x->plan.join_pidfd);
	strv_free(x->plan.env);
	cgroup_clear(&x->cg);
	filter_free((struct filter *)x->plan.filter);
	closep(&x->plan.seccomp_sock);
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

static int do_exec(const struct global_opts *g, const char *id, const struct exec_opts *o,
		   char **args, struct brig_error *err)
{
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct container *c = root_fd >= 0 ? container_open(root_fd, id, err) : NULL;
	if (!c)
		return root_fd >= 0 ? -1
				    : err_set(err, ENOENT, "container \"%s\" does not exist", id);
	struct exec_run x = {.sync_fd = -1, .console_peer = -1, .pidfd = -1, .cg = CTR_CGROUP_INIT};
	x.plan.sync_fd = x.plan.console_fd = x.plan.stub_fd = x.plan.join_pidfd = x.plan.wait_fd =
	    x.plan.status_fd = x.plan.seccomp_sock = -1;
	struct spec *s = check_status(c, o, err) == 0 ? lifecycle_load_config(c, err) : NULL;
	sigset_t mask, old;
	sigfillset(&mask);
	int r = !s || build_process(s, o, args, err) < 0 || exec_plan(c, s, o, g->root, &x, err) < 0
		    ? -1
		    : 0;
	if (r == 0 && !o->detach) {
		sigprocmask(SIG_BLOCK, &mask, &old);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	if (r == 0)
		r = exec_spawn(&x, err);
	if (r == 0 && o->pid_file)
		r = lifecycle_write_pid_file(o->pid_file, x.pid, err);
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

int verb_exec(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct exec_opts o = {0};
	int first = 0;
	int r = parse_exec_args(argc, argv, &o, &first, err);
	if (r == 0)
		r = do_exec(g, argv[first], &o, argv + first + 1, err);
	exec_opts_free(&o);
	return r > 0 && first == 0 ? 0 : r;
}
