// SPDX-License-Identifier: Apache-2.0
/* process.terminal: the child opens a pty pair inside the container (its own
 * devpts instance), sends the master to the caller's --console-socket in one
 * message carrying exactly one SCM_RIGHTS fd with the pty's name as payload
 * (what containerd, conmon and runc's recvtty expect), and makes the slave,
 * owned by the process's user, its controlling terminal, stdio and
 * /dev/console. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>

int console_send_master(int sock, int fd, const char *name, struct brig_error *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cbuf,
	    .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_sys(err, "send pty master to the console socket");
	return 0;
}

int console_open_pty(char *name, size_t size, int slave_flags, int *ret_slave,
		     struct brig_error *err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_sys(err, "open /dev/ptmx");
	if (unlockpt(master) < 0 || ptsname_r(master, name, size) != 0)
		return err_sys(err, "unlock pty");
	*ret_slave = open(name, O_RDWR | O_NOCTTY | slave_flags);
	if (*ret_slave < 0)
		return err_sys(err, "open '%s'", name);
	return steal_fd(&master);
}

static int bind_console(struct child_ctx *c, const char *slave, struct brig_error *err)
{
	_cleanup_close_ int dev = open_in_root(c->root_fd, "/dev", O_PATH | O_DIRECTORY, err);
	if (dev < 0)
		return -1;
	int fd = openat(dev, "console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return err_sys(err, "create /dev/console");
	closep(&fd);
	_cleanup_close_ int target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char t[FD_PATH_MAX];
	if (target < 0 || mount(slave, fd_path(target, t), NULL, MS_BIND, NULL) < 0)
		return err_sys(err, "bind %s to /dev/console", slave);
	return 0;
}

/* The pty belongs to the process's user, as with runc (fixStdioPermissions):
 * devpts makes it root's (mode 0620, group from its gid= option, which stays),
 * and a non-root user could not reopen $(tty). EINVAL (the uid is not mapped
 * in the user namespace), EPERM (devpts's owner is not) and EROFS leave it as
 * it is, as runc does: better a pty the user cannot reopen than no container. */
static int own_pty(int slave, uid_t uid, struct brig_error *err)
{
	if (fchown(slave, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM &&
	    errno != EROFS)
		return err_sys(err, "chown the pty to uid %u", (unsigned)uid);
	return 0;
}

int console_setup(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_process *proc = c->plan->proc;
	/* Without a terminal the init still leads a session of its own, as
	 * runc's (nsexec's setsid): otherwise its session leader is brig's
	 * caller, outside the container, and criu refuses to dump it. */
	if (!proc->terminal)
		return c->plan->is_exec || setsid() >= 0 ? 0 : err_sys(err, "setsid");
	if (c->plan->console_fd < 0)
		return err_set(err, EINVAL,
			       "process.terminal is set but there is no console socket");
	char name[64];
	_cleanup_close_ int slave = -1;
	_cleanup_close_ int master = console_open_pty(name, sizeof(name), O_CLOEXEC, &slave, err);
	if (master < 0)
		return -1;
	if (own_pty(slave, proc->user.uid, err) < 0)
		return -1;
	if (proc->console_size.set) {
		struct winsize ws = {.ws_row = (unsigned short)proc->console_size.height,
				     .ws_col = (unsigned short)proc->console_size.width};
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return err_sys(err, "set console size");
	}
	/* /dev/console is the init's terminal; an exec'd process only gets its own */
	if (!c->plan->is_exec && bind_console(c, name, err) < 0)
		return -1;
	if (console_send_master(c->plan->console_fd, master, name, err) < 0)
		return -1;
	closep(&c->plan->console_fd);
	/* A process brig-init forks makes the session itself (brig-init/brig-init.c). */
	if (!process_forks_into_pidns(c) && setsid() < 0)
		return err_sys(err, "setsid");
	if (!process_forks_into_pidns(c) && ioctl(slave, TIOCSCTTY, 0) < 0)
		return err_sys(err, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return err_sys(err, "dup pty to fd %d", fd);
	return 0;
}
