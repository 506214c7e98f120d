// SPDX-License-Identifier: Apache-2.0
/* What create and exec hand to their caller: the console socket the pty
 * master goes to, the pid file, and the wait until the process has exec'd. */
#include "runtime/brig-init/brig-init.h"
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

int io_connect_console(const char *path, struct brig_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(err, ENAMETOOLONG, "console socket path '%s' is too long", path);
	strcpy(sa.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_sys(err, "connect to console socket '%s'", path);
	return steal_fd(&fd);
}

int io_write_pid_file(const char *path, pid_t pid, struct brig_error *err)
{
	/* Atomic (rename), no trailing newline: callers parse a bare number. */
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);
	_cleanup_free_ char *tmp = xasprintf("%s.brig-%d", path, getpid());
	if (write_file_at(AT_FDCWD, tmp, buf, (size_t)n, O_CREAT | O_TRUNC | O_EXCL, err) < 0)
		return err_wrap(err, "pid file");
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return err_sys(err, "pid file '%s'", path);
	}
	return 0;
}

int io_wait_exec(int fd, pid_t *ret_forked, struct brig_error *err)
{
	union {
		struct {
			uint32_t type;
			struct brig_error e;
		} msg;
		int init_errno;
		int pid_msg[2];
	} buf;
	ssize_t n;
	for (;;) {
		do
			n = recv(fd, &buf, sizeof(buf), 0);
		while (n < 0 && errno == EINTR);
		if (n != sizeof(buf.pid_msg) || buf.pid_msg[0] != BRIG_INIT_PID_MAGIC ||
		    !ret_forked)
			break;
		*ret_forked = buf.pid_msg[1];
	}
	if (n == 0)
		return 0;
	if (n == sizeof(int))
		return err_errno(err, buf.init_errno, "exec the container process");
	if (n == sizeof(buf.msg) && buf.msg.type == SYNC_ERROR) {
		*err = buf.msg.e;
		err->msg[sizeof(err->msg) - 1] = '\0';
		return -1;
	}
	return err_sys(err, "wait for the container process to exec");
}
