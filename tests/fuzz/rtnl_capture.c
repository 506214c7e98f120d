// SPDX-License-Identifier: Apache-2.0
/* Writes the datagrams the kernel answers brig's requests with into the rtnl
 * fuzzer's seed corpus: the requests are brig's own builders', the socket is
 * set up as netlink_open() sets it (extended acks, capped acks, strict
 * checks). Run by `capture-rtnl.sh` in a network namespace of its own (it
 * only reads, and makes requests the kernel refuses).
 * Usage: fuzz_rtnl_capture DIR */
#include "netlink/rtnl/rtnl.h"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <sys/socket.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

static void save(const char *dir, const char *name, int n, const void *buf, size_t len)
{
	_cleanup_free_ char *path = xasprintf("%s/%s-%d", dir, name, n);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror(path);
		exit(1);
	}
}

/* Sends m and saves each datagram of the answer until the ACK, error or dump end. */
static void capture(struct mnl_socket *s, const char *dir, const char *name, struct netlink_msg *m,
		    uint32_t seq)
{
	static char buf[32768];
	m->hdr.nlmsg_flags |= NLM_F_ACK;
	m->hdr.nlmsg_seq = seq;
	if (mnl_socket_sendto(s, &m->hdr, m->hdr.nlmsg_len) < 0) {
		perror("send");
		exit(1);
	}
	for (int i = 0;; i++) {
		ssize_t n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0) {
			perror("receive");
			exit(1);
		}
		save(dir, name, i, buf, (size_t)n);
		const struct nlmsghdr *nlh;
		for (size_t off = 0; (nlh = netlink_msg_next(buf, (size_t)n, &off));)
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
				return;
	}
}

int main(int argc, char **argv)
{
	struct netlink_msg m;
	struct brig_error err = {0};
	int on = 1;
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s || mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("rtnetlink socket");
		return 1;
	}
	mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(s, NETLINK_GET_STRICT_CHK, &on, sizeof(on));

	netlink_msg_link_dump(&m);
	capture(s, argv[1], "link-dump", &m, 1);
	netlink_msg_addr_dump(&m, AF_UNSPEC, 0);
	capture(s, argv[1], "addr-dump", &m, 2);
	netlink_msg_addr_dump(&m, AF_INET6, 1);
	capture(s, argv[1], "addr-dump-lo6", &m, 3);
	if (netlink_msg_link_get(&m, 0, "lo", &err) == 0)
		capture(s, argv[1], "link-get-lo", &m, 4);
	if (netlink_msg_link_get(&m, 0, "brig-nosuch0", &err) == 0)
		capture(s, argv[1], "link-get-enodev", &m, 5);
	/* refused with an extended ack text: a veth whose name is taken */
	struct netlink_veth_req v = {.name = "lo", .peer_name = "brig-peer0"};
	if (netlink_msg_veth_add(&m, &v, &err) == 0)
		capture(s, argv[1], "veth-add-eexist", &m, 6);
	/* refused with an extended ack text: a gateway no link reaches */
	struct netlink_route r = {
	    .family = AF_INET, .has_gateway = true, .gateway = {10, 77, 0, 1}};
	if (netlink_msg_route_add(&m, &r, &err) == 0)
		capture(s, argv[1], "route-add-extack", &m, 8);
	/* the same with the request echoed whole: without NETLINK_CAP_ACK */
	int off = 0;
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &off, sizeof(off));
	if (netlink_msg_route_add(&m, &r, &err) == 0)
		capture(s, argv[1], "route-add-extack-uncapped", &m, 9);
	mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &on, sizeof(on));
	/* an ACK */
	struct netlink_link_req up = {.name = "lo", .state = NETLINK_UP};
	if (netlink_msg_link_set(&m, &up, &err) == 0)
		capture(s, argv[1], "link-set-ack", &m, 7);
	mnl_socket_close(s);
	return 0;
}
