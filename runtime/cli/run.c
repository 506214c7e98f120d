// SPDX-License-Identifier: Apache-2.0
/* `run`: create, start, and (in the foreground) stay as the container's
 * parent: forward signals, proxy the terminal if there is one, reap, exit with
 * the container's status (128+N for a signal) and delete it unless --keep. */
#include "runtime/cli/cli.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct run_opts {
	struct create_opts c;
	bool detach;
	bool keep;
};

#define R(field) offsetof(struct run_opts, c.field)
static const struct cli_opt run_opts[] = {
    CLI_CREATE_OPTS(R),
    {"detach", 'd', CLI_FLAG, offsetof(struct run_opts, detach), NULL,
     "return once the container runs, instead of waiting for it", CLI_RUNC},
    {"keep", 0, CLI_FLAG, offsetof(struct run_opts, keep), NULL,
     "do not delete the container when it exits", CLI_RUNC},
};

static int run_foreground(struct container *c, int console_peer, sigset_t *mask,
			  struct brig_error *err)
{
	pid_t pid = c->state.pid;
	_cleanup_close_ int pidfd = steal_fd(&c->init_pidfd);
	_cleanup_close_ int master = console_peer >= 0 ? console_recv_master(console_peer) : -1;
	int r = lifecycle_start(c, err);
	/* The wait needs no lock: let `state` and `kill` in meanwhile. The
	 * signals that came meanwhile are pending in the blocked mask. */
	container_free(c);
	if (r == 0)
		return foreground_wait(pid, pidfd, master, mask);
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	waitid(P_PIDFD, (id_t)pidfd, &(siginfo_t){0}, WEXITED);
	return -1;
}

static int run_detached(struct container *c, struct brig_error *err)
{
	int r = lifecycle_start(c, err);
	struct brig_error e = {0};
	if (r < 0 && lifecycle_delete(c, true, &e) < 0)
		log_warn("delete %s after the failed start: %s", c->id, e.msg);
	container_free(c);
	return r;
}

void cli_forwarded_signals(sigset_t *mask)
{
	sigfillset(mask);
	sigdelset(mask, SIGSEGV);
	sigdelset(mask, SIGBUS);
	sigdelset(mask, SIGILL);
	sigdelset(mask, SIGFPE);
}

/* A foreground container's delete once it has ended (run, restore without -d). */
void cli_delete_after(const struct global_opts *g, const char *id)
{
	struct brig_error e = {0};
	_cleanup_container_ struct container *d = container_open_at(g->root, id, &e);
	if (d && lifecycle_delete(d, true, &e) < 0)
		log_warn("delete %s: %s", id, e.msg);
}

static int run(const struct global_opts *g, void *opts, char **args, size_t n,
	       struct brig_error *err)
{
	(void)n;
	struct run_opts *o = opts;
	const char *id = args[0];
	int sv[2] = {-1, -1};
	sigset_t mask, old;
	cli_forwarded_signals(&mask);
	o->c.console_sock_fd = -1;
	if (!o->detach) {
		if (!o->c.console_socket &&
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
			o->c.console_sock_fd = sv[1];
		/* Signals are forwarded from the moment the container exists. */
		sigprocmask(SIG_BLOCK, &mask, &old);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	struct container *c = lifecycle_create(g, id, &o->c, err);
	closep(&sv[1]);
	if (!c || o->detach) {
		closep(&sv[0]);
		if (!o->detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		return c ? run_detached(c, err) : -1;
	}
	int status = run_foreground(c, sv[0], &mask, err);
	closep(&sv[0]);
	if (!o->keep)
		cli_delete_after(g, id);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status < 0 ? -1 : status;
}

const struct cli_verb cli_run = {
    .name = "run",
    .summary = "create and start a container",
    .args = "ID",
    .description =
	"Creates and starts the container ID from the bundle. In the foreground (the default) "
	"brig stays its parent: it forwards the signals it gets, proxies the terminal when "
	"process.terminal is set, reaps what the container leaves behind, deletes the container "
	"when its init exits (unless --keep) and exits with its status, 128+N for a signal N.",
    .opts = CLI_OPTS(run_opts),
    .opts_size = sizeof(struct run_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = run,
};
