// SPDX-License-Identifier: Apache-2.0
/* `run`: create, start, and (in the foreground) stay as the container's
 * parent: forward signals, proxy the terminal if there is one, reap, exit with
 * the container's status (128+N for a signal) and delete it unless --keep. */
#include "runtime/cli/cli.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

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

int verb_run(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct create_opts o = {.console_sock_fd = -1};
	bool detach = false, keep = false;
	const char *id = NULL;
	int r = parse_create_opts("run", argc, argv, &o, &detach, &keep, &id, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	int sv[2] = {-1, -1};
	sigset_t mask, old;
	sigfillset(&mask);
	sigdelset(&mask, SIGSEGV);
	sigdelset(&mask, SIGBUS);
	sigdelset(&mask, SIGILL);
	sigdelset(&mask, SIGFPE);
	if (!detach) {
		if (!o.console_socket &&
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
			o.console_sock_fd = sv[1];
		/* Signals are forwarded from the moment the container exists. */
		sigprocmask(SIG_BLOCK, &mask, &old);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	struct container *c = lifecycle_create(g, id, &o, err);
	closep(&sv[1]);
	if (!c) {
		closep(&sv[0]);
		return -1;
	}
	if (detach) {
		r = lifecycle_start(c, err);
		if (r < 0)
			lifecycle_delete(c, true, &(struct brig_error){0});
		container_free(c);
		return r;
	}
	int status = run_foreground(c, sv[0], &mask, err);
	closep(&sv[0]);
	if (!keep) {
		struct brig_error e = {0};
		_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct container *d = root_fd >= 0 ? container_open(root_fd, id, &e) : NULL;
		if (d && lifecycle_delete(d, true, &e) < 0)
			log_warn("delete %s: %s", id, e.msg);
		container_free(d);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status < 0 ? -1 : status;
}
