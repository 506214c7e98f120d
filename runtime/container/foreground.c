// SPDX-License-Identifier: Apache-2.0
/* run and exec in the foreground: brig stays the process's parent, forwards
 * the signals it gets, proxies the terminal if there is one, reaps what the
 * container leaves behind (as subreaper) and returns the exit status. */
#include "runtime/container/container.h"

#include <poll.h>
#include <sys/ioctl.h>
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
	if (f.sigfd < 0) /* the wait still ends with the process; signals stay queued */
		log_warn("signals to brig will not reach process %d: signalfd: %s", pid,
			 strerror(errno));
	setup_tty(&f);
	int status = wait_foreground(&f);
	if (f.raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &f.saved);
	closep(&f.sigfd);
	return status;
}
