// SPDX-License-Identifier: Apache-2.0
/* rtnetlink replies: one datagram as the kernel hands it to brig, read the
 * way a link or address dump reads it (netlink_replies, netlink_parse_link,
 * netlink_parse_addr, netlink_parse_error and the address text). The reply
 * is to the request of the first message's sequence number and port, so
 * that whole dumps are read while the mutator can still make strays. */
#include "fuzz.h"
#include "netlink/rtnl/rtnl.h"

struct seen {
	struct netlink_link_info *links;
	size_t n_links;
	struct netlink_addr *addrs;
	size_t n_addrs;
};

static int reply(const struct nlmsghdr *nlh, void *data, struct brig_error *err)
{
	struct seen *s = data;
	struct netlink_link_info l;
	struct netlink_addr a;
	char buf[NETLINK_ADDR_STRLEN];
	if (netlink_parse_link(nlh, &l) == 0) {
		s->links = xrealloc(s->links, (s->n_links + 1) * sizeof(*s->links));
		s->links[s->n_links++] = l;
	}
	if (netlink_parse_addr(nlh, &a) == 0) {
		s->addrs = xrealloc(s->addrs, (s->n_addrs + 1) * sizeof(*s->addrs));
		s->addrs[s->n_addrs++] = a;
		netlink_addr_format(&a, buf);
	}
	/* a link with the maximal name length stops the exchange like a callback error */
	if (s->n_links && strlen(s->links[s->n_links - 1].name) == NETLINK_NAME_MAX)
		return err_set(err, EINVAL, "stop");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the kernel's datagrams start aligned, as brig's receive buffer does */
	_cleanup_free_ void *buf = xmalloc(size ? size : 1);
	memcpy(buf, data, size);
	uint32_t seq = 0, portid = 0;
	if (size >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *first = buf;
		seq = first->nlmsg_seq;
		portid = first->nlmsg_pid;
	}
	struct seen s = {0};
	struct brig_error err = {0};
	bool failed = false;
	netlink_replies(buf, size, seq, portid, reply, &s, &failed, &err);
	/* each message on its own, whatever its sequence number */
	const struct nlmsghdr *nlh;
	for (size_t off = 0; (nlh = netlink_msg_next(buf, size, &off));) {
		int e;
		const char *msg;
		if (netlink_parse_error(nlh, &e, &msg) == 0 && msg)
			(void)strlen(msg);
	}
	free(s.links);
	free(s.addrs);
	return 0;
}
