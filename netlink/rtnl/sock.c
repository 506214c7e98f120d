// SPDX-License-Identifier: Apache-2.0
/* The rtnetlink socket: open (here or in another network namespace), send a
 * request and read until its ACK or the end of its dump, turning a kernel
 * error and its extended ack text into a brig_error. */
#include "netlink/rtnl/rtnl.h"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <sched.h>
#include <sys/socket.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* Replies to dumps come in datagrams of up to a page or so; 32 KiB holds
 * several without MSG_TRUNC. */
#define RECV_SIZE 32768

struct netlink {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* RECV_SIZE */
};

static void set_opt(struct mnl_socket *s, int opt)
{
	int on = 1;
	/* best effort: older kernels answer without extack or strict checks */
	mnl_socket_setsockopt(s, opt, &on, sizeof(on));
}

struct netlink *netlink_open(struct brig_error *err)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s) {
		err_sys(err, "open rtnetlink socket");
		return NULL;
	}
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_sys(err, "bind rtnetlink socket");
		mnl_socket_close(s);
		return NULL;
	}
	set_opt(s, NETLINK_EXT_ACK);
	set_opt(s, NETLINK_CAP_ACK); /* errors do not echo the whole request */
	set_opt(s, NETLINK_GET_STRICT_CHK);
	struct netlink *nl = xcalloc(1, sizeof(*nl));
	nl->sock = s;
	nl->portid = mnl_socket_get_portid(s);
	nl->seq = (uint32_t)getpid() << 8; /* any start will do: replies match it */
	nl->buf = xmalloc(RECV_SIZE);
	return nl;
}

struct netlink *netlink_open_netns(int netns_fd, struct brig_error *err)
{
	/* A socket belongs to the namespace it was created in, for good: enter,
	 * create, come back. brig is single-threaded here, and only this thread
	 * moves anyway. */
	_cleanup_close_ int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		err_sys(err, "open own network namespace");
		return NULL;
	}
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		err_sys(err, "enter network namespace");
		return NULL;
	}
	struct netlink *nl = netlink_open(err);
	if (setns(home, CLONE_NEWNET) < 0)
		abort(); /* we were just there: going on in the wrong namespace is worse */
	return nl;
}

void netlink_close(struct netlink *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl);
}

static int kernel_error(int errnum, const char *msg, struct brig_error *err)
{
	if (msg && *msg)
		return err_set(err, errnum, "%s (kernel: %s)", strerror(errnum), msg);
	return err_set(err, errnum, "%s", strerror(errnum));
}

static int send_msg(struct netlink *nl, struct netlink_msg *m, struct brig_error *err)
{
	struct nlmsghdr *nlh = &m->hdr;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return err_sys(err, "send to rtnetlink");
	return 0;
}

/* One reply message: 1 when it ends the exchange, 0 to read on, -1 error. */
static int handle_reply(const struct nlmsghdr *nlh, netlink_reply_fn fn, void *data,
			struct brig_error *err)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		int e;
		const char *msg;
		if (netlink_parse_error(nlh, &e, &msg) < 0)
			return err_set(err, EPROTO, "short rtnetlink error message");
		return e ? kernel_error(e, msg, err) : 1;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		int e;
		netlink_parse_done(nlh, &e);
		return e ? kernel_error(e, NULL, err) : 1;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !fn)
		return 0;
	return fn(nlh, data, err) < 0 ? -1 : 0;
}

const struct nlmsghdr *netlink_msg_next(const void *buf, size_t len, size_t *off)
{
	if (*off > len || len - *off < sizeof(struct nlmsghdr))
		return NULL;
	const struct nlmsghdr *nlh = (const void *)((const char *)buf + *off);
	size_t n = nlh->nlmsg_len, padded = (n + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
	/* libmnl reads attributes up to the padded length: the padding must fit too */
	if (n < sizeof(*nlh) || padded > len - *off)
		return NULL;
	*off += padded;
	return nlh;
}

int netlink_replies(const void *buf, size_t len, uint32_t seq, uint32_t portid, netlink_reply_fn fn,
		    void *data, bool *failed, struct brig_error *err)
{
	/* After an error fn saw, keep reading to the end so that the next
	 * request does not find this one's leftovers. */
	const struct nlmsghdr *nlh;
	size_t off = 0;
	while ((nlh = netlink_msg_next(buf, len, &off))) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
			continue; /* a stale reply to an earlier request */
		int r = handle_reply(nlh, *failed ? NULL : fn, data, err);
		if (r == 1 || (r < 0 && nlh->nlmsg_type == NLMSG_ERROR))
			return *failed || r < 0 ? -1 : 1;
		if (r < 0 && nlh->nlmsg_type == NLMSG_DONE)
			return -1;
		if (r < 0)
			*failed = true;
	}
	return 0;
}

/* One datagram from the kernel (sender port 0). A process with CAP_NET_ADMIN
 * in a container's network namespace could send to brig's socket there and
 * answer a request itself; what is not the kernel's is dropped. */
static ssize_t recv_kernel(struct netlink *nl)
{
	for (;;) {
		struct sockaddr_nl sa = {0};
		struct iovec iov = {.iov_base = nl->buf, .iov_len = RECV_SIZE};
		struct msghdr msg = {
		    .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(mnl_socket_get_fd(nl->sock), &msg, 0);
		if (n < 0)
			return -1;
		if (msg.msg_flags & MSG_TRUNC) {
			errno = ENOSPC;
			return -1;
		}
		if (msg.msg_namelen == sizeof(sa) && sa.nl_family == AF_NETLINK && sa.nl_pid == 0)
			return n;
		log_debug("rtnetlink: dropped a datagram from port %u", sa.nl_pid);
	}
}

static int receive(struct netlink *nl, netlink_reply_fn fn, void *data, struct brig_error *err)
{
	bool failed = false;
	for (;;) {
		ssize_t n = recv_kernel(nl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(err, "receive from rtnetlink");
		}
		int r = netlink_replies(nl->buf, (size_t)n, nl->seq, nl->portid, fn, data, &failed,
					err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
}

int netlink_request(struct netlink *nl, struct netlink_msg *m, struct brig_error *err)
{
	if (send_msg(nl, m, err) < 0)
		return -1;
	return receive(nl, NULL, NULL, err);
}

int netlink_query(struct netlink *nl, struct netlink_msg *m, netlink_reply_fn fn, void *data,
		  struct brig_error *err)
{
	if (send_msg(nl, m, err) < 0)
		return -1;
	return receive(nl, fn, data, err);
}
