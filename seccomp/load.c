// SPDX-License-Identifier: Apache-2.0
/* The container process's side: what the kernel supports, loading the
 * filter, and handing the listener fd to the seccomp agent. */
#include "seccomp/internal.h"

#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif

static long sys_seccomp(unsigned int op, unsigned int flags, const void *arg)
{
	return syscall(SYS_seccomp, op, flags, arg);
}

static const uint32_t ret_actions[] = {
    [SPEC_SCMP_KILL] = SECCOMP_RET_KILL_THREAD,
    [SPEC_SCMP_KILL_PROCESS] = SECCOMP_RET_KILL_PROCESS,
    [SPEC_SCMP_KILL_THREAD] = SECCOMP_RET_KILL_THREAD,
    [SPEC_SCMP_TRAP] = SECCOMP_RET_TRAP,
    [SPEC_SCMP_ERRNO] = SECCOMP_RET_ERRNO,
    [SPEC_SCMP_TRACE] = SECCOMP_RET_TRACE,
    [SPEC_SCMP_ALLOW] = SECCOMP_RET_ALLOW,
    [SPEC_SCMP_LOG] = SECCOMP_RET_LOG,
    [SPEC_SCMP_NOTIFY] = SECCOMP_RET_USER_NOTIF,
};

/* A flag is known when seccomp(2) gets as far as copying the (NULL)
 * program: EFAULT; unknown flags are EINVAL before that. WAIT_KILLABLE_RECV
 * only goes with NEW_LISTENER. */
static bool flag_known(unsigned long flag)
{
	unsigned long with = flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
				 ? flag | SECCOMP_FILTER_FLAG_NEW_LISTENER
				 : flag;
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, (unsigned)with, NULL) < 0 && errno == EFAULT;
}

void filter_features_probe(struct filter_features *ret)
{
	static const unsigned long flags[] = {
	    SECCOMP_FILTER_FLAG_TSYNC,	    SECCOMP_FILTER_FLAG_LOG,
	    SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_NEW_LISTENER,
	    (1UL << 4) /* TSYNC_ESRCH */,   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
	};
	int saved = errno;
	memset(ret, 0, sizeof(*ret));
	for (size_t a = 0; a < ARRAY_SIZE(ret_actions); a++) {
		uint32_t action = ret_actions[a];
		if (sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
			ret->actions |= 1u << a;
	}
	if (!ret->actions) /* before Linux 4.14: the original five */
		ret->actions = 1u << SPEC_SCMP_KILL | 1u << SPEC_SCMP_KILL_THREAD |
			       1u << SPEC_SCMP_TRAP | 1u << SPEC_SCMP_ERRNO |
			       1u << SPEC_SCMP_TRACE | 1u << SPEC_SCMP_ALLOW;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (flag_known(flags[i]))
			ret->flags |= (uint32_t)flags[i];
	errno = saved;
}

int filter_load(const struct filter *f, struct brig_error *err)
{
	long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, f->flags, &f->prog);
	if (r < 0) {
		if (errno == EACCES)
			return err_sys(err, "load seccomp filter (without noNewPrivileges it needs "
					    "CAP_SYS_ADMIN)");
		return err_sys(err, "load seccomp filter");
	}
	if (f->notify)
		return (int)r;
	if (r > 0) /* TSYNC: the thread that could not be synchronized */
		return err_set(err, ESRCH, "load seccomp filter: thread %ld cannot take it", r);
	return 0;
}

int filter_listener_connect(const char *path, struct brig_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path))
		return err_set(err, ENAMETOOLONG, "seccomp listener '%s': path too long", path);
	strcpy(addr.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(err, "seccomp listener socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return err_sys(err, "failed to connect with seccomp agent at listenerPath '%s'",
			       path);
	return steal_fd(&fd);
}

/* One sendmsg(2) or sendmmsg(2), raw: the libc wrapper is not needed, and
 * exactly this syscall must be the one the filter lets through. */
static ssize_t send_once(long nr, int sock, struct msghdr *msg)
{
	if (nr != SYS_sendmmsg)
		return syscall(SYS_sendmsg, sock, msg, MSG_NOSIGNAL);
	struct mmsghdr m = {.msg_hdr = *msg};
	long n = syscall(SYS_sendmmsg, sock, &m, 1, MSG_NOSIGNAL);
	return n == 1 ? (ssize_t)m.msg_len : n < 0 ? -1 : 0;
}

int filter_listener_send(int sock, int notify_fd, const struct filter *f, const char *payload,
			 size_t len, struct brig_error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	memset(&ctl, 0, sizeof(ctl));
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS; /* fds[0] is "seccompFd" */
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
	while (iov.iov_len > 0) {
		ssize_t n = send_once(f->send_syscall, sock, &msg);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_sys(err, "send the seccomp state to the listener");
		/* the fd went with the first bytes; the rest is plain data */
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	return 0;
}
