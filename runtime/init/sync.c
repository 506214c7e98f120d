// SPDX-License-Identifier: Apache-2.0
/* The parent/child message protocol: one message per SOCK_SEQPACKET record,
 * a 4-byte type followed by the payload. A failed child sends its brig_error
 * and exits, and the parent returns that error as its own. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <sys/socket.h>

static const char *const sync_names[] = {
    [SYNC_ERROR] = "error",
    [SYNC_MAPS_REQUEST] = "id map request",
    [SYNC_MAPS_DONE] = "id maps written",
    [SYNC_INIT_PID] = "init pid",
    [SYNC_HOOKS_REQUEST] = "hook request",
    [SYNC_HOOKS_DONE] = "hooks done",
    [SYNC_READY] = "ready",
    [SYNC_CGROUP_REQUEST] = "cgroup request",
    [SYNC_CGROUP_DONE] = "cgroup joined",
};

int sync_send(int fd, enum sync_type type, const void *data, size_t len)
{
	uint32_t t = type;
	struct iovec iov[2] = {
	    {.iov_base = &t, .iov_len = sizeof(t)},
	    {.iov_base = (void *)data, .iov_len = len},
	};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	ssize_t n;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int sync_recv(int fd, enum sync_type *ret_type, char **ret_data, size_t *ret_len,
	      struct brig_error *err)
{
	ssize_t n;
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_sys(err, "receive from container process");
	if (n < (ssize_t)sizeof(uint32_t))
		return err_set(err, EPIPE, "container process exited during setup");
	size_t size = (size_t)n;
	_cleanup_free_ char *buf = xmalloc(size + 1);
	do
		n = recv(fd, buf, size, 0);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(uint32_t))
		return err_sys(err, "receive from container process");
	uint32_t t;
	memcpy(&t, buf, sizeof(t));
	size_t len = (size_t)n - sizeof(t);
	memmove(buf, buf + sizeof(t), len);
	buf[len] = '\0';
	*ret_type = (enum sync_type)t;
	if (ret_len)
		*ret_len = len;
	*ret_data = steal_ptr(&buf);
	return 0;
}

int sync_expect(int fd, enum sync_type want, char **ret_data, size_t *ret_len,
		struct brig_error *err)
{
	enum sync_type t;
	size_t len;
	_cleanup_free_ char *data = NULL;
	if (sync_recv(fd, &t, &data, &len, err) < 0)
		return -1;
	if (t == SYNC_ERROR && len == sizeof(struct brig_error)) {
		memcpy(err, data, sizeof(*err));
		err->msg[sizeof(err->msg) - 1] = '\0';
		return -1;
	}
	if (t != want) {
		const char *got = t < ARRAY_SIZE(sync_names) && sync_names[t] ? sync_names[t] : "?";
		return err_set(err, EPROTO, "container process sent '%s', expected '%s'", got,
			       sync_names[want]);
	}
	if (ret_len)
		*ret_len = len;
	if (ret_data)
		*ret_data = steal_ptr(&data);
	return 0;
}

void sync_fail(int fd, const struct brig_error *err)
{
	sync_send(fd, SYNC_ERROR, err, sizeof(*err));
	_exit(1);
}
