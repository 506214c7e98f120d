// SPDX-License-Identifier: Apache-2.0
/* `run`: create, start, and (in the foreground) stay as the container's
 * parent: forward signals, proxy the terminal if there is one, reap, exit with
 * the container's status (128+N for a signal) and delete it unless --keep. */
#include "runtime/container/container.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

struct fg {
	pid_t pid;
	int pidfd;
	int sigfd;
	int master; /* pty master, -1 without a terminal */
	bool stdin_open;
	bool raw;
	struct termios saved;
};

int console_recv_master(int sock)
{
	char name[128];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	if (recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

static void resize(struct fg *f)
{
	struct winsize ws;
	if (f->master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(f->master, TIOCSWINSZ, &ws);
}

static void copy(int from, int to, bool *open)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			*open = false;
		return;
	}
	write_all(to, buf, (size_t)n);
}

static void reap_orphans(struct fg *f)
{
	/* As subreaper we adopt what the container leaves behind; the init
	 * itself is left for waitid(P_PIDFD). */
	for (;;) {
		siginfo_t w = {0};
		if (waitid(P_ALL, 0, &w, WEXITED | WNOHANG | WNOWAIT) < 0 || w.si_pid == 0 ||
		    w.si_pid == f->pid)
			return;
		waitpid(w.si_pid, NULL, WNOHANG);
	}
}

static void on_signal(struct fg *f)
{
	struct signalfd_siginfo si;
	while (read(f->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap_orphans(f);
		else if (si.ssi_signo == SIGWINCH)
			resize(f);
		else
			syscall(SYS_pidfd_send_signal, f->pidfd, si.ssi_signo, NULL, 0);
	}
}

static int wait_foreground(struct fg *f)
{
	bool master_open = f->master >= 0;
	bool exited = false;
	while (!exited || master_open) {
		struct pollfd p[4] = {
		    {.fd = f->sigfd, .events = POLLIN},
		    {.fd = exited ? -1 : f->pidfd, .events = POLLIN},
		    {.fd = master_open ? f->master : -1, .events = POLLIN},
		    {.fd = master_open && f->stdin_open ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(p, 4, exited ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			on_signal(f);
		if (p[1].revents & POLLIN)
			exited = true;
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			copy(f->master, STDOUT_FILENO, &master_open);
		if (p[3].revents & (POLLIN | POLLHUP))
			copy(STDIN_FILENO, f->master, &f->stdin_open);
		if (exited && !(p[2].revents & POLLIN))
			break; /* the init is gone and the pty has nothing left */
	}
	siginfo_t si = {0};
	if (waitid(P_PIDFD, (id_t)f->pidfd, &si, WEXITED) < 0)
		return 255;
	if (si.si_code == CLD_EXITED)
		return si.si_status;
	return 128 + si.si_status;
}

static void setup_tty(struct fg *f)
{
	if (f->master < 0 || !isatty(STDIN_FILENO))
		return;
	if (tcgetattr(STDIN_FILENO, &f->saved) == 0) {
		struct termios raw = f->saved;
		cfmakeraw(&raw);
		f->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	resize(f);
}

int foreground_wait(pid_t pid, int pidfd, int master, const sigset_t *mask)
{
	struct fg f = {.pid = pid, .pidfd = pidfd, .master = master, .stdin_open = true};
	f.sigfd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
	setup_tty(&f);
	int status = wait_foreground(&f);
	if (f.raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &f.saved);
	closep(&f.sigfd);
	return status;
}

static int run_foreground(struct container *c, int console_peer, sigset_t *mask,
			  struct brig_error *err)
{
	struct fg f = {.pid = c->state.pid,
		       .pidfd = steal_fd(&c->init_pidfd),
		       .master = -1,
		       .stdin_open = true};
	f.sigfd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (console_peer >= 0)
		f.master = console_recv_master(console_peer);
	int r = lifecycle_start(c, err);
	/* The wait needs no lock: let `state` and `kill` in meanwhile. */
	container_free(c);
	int status = -1;
	if (r == 0) {
		setup_tty(&f);
		status = wait_foreground(&f);
		if (f.raw)
			tcsetattr(STDIN_FILENO, TCSANOW, &f.saved);
	} else {
		syscall(SYS_pidfd_send_signal, f.pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)f.pidfd, &(siginfo_t){0}, WEXITED);
	}
	closep(&f.sigfd);
	closep(&f.master);
	closep(&f.pidfd);
	return r < 0 ? -1 : status;
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
