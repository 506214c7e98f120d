// SPDX-License-Identifier: Apache-2.0
/* netlink/msg.c without a socket: each request brig sends, byte by byte
 * (little-endian x86/arm hosts), and the parsers of replies and errors. */
#include "netlink/rtnl/rtnl.h"

#include <check.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <sys/socket.h>

Suite *test_suite(void);

#define U16(x) ((x)&0xff), (((x) >> 8) & 0xff)
#define U32(x) U16((x)&0xffff), U16(((x) >> 16) & 0xffff)
/* struct nlmsghdr with seq and pid 0 */
#define NLH(len, type, flags) U32(len), U16(type), U16(flags), U32(0), U32(0)
/* struct ifinfomsg */
#define IFI(family, index, flags, change) family, 0, U16(0), U32(index), U32(flags), U32(change)
#define ATTR(len, type) U16(len), U16(type)
#define NEST(len, type) ATTR(len, (type) | NLA_F_NESTED)
#define REQ NLM_F_REQUEST
#define CREATE (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL)

static void expect_bytes(const struct netlink_msg *m, const uint8_t *want, size_t n)
{
	const uint8_t *got = (const uint8_t *)m->buf;
	ck_assert_uint_eq(m->hdr.nlmsg_len, n);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			ck_abort_msg("byte %zu: want 0x%02x, got 0x%02x", i, want[i], got[i]);
}
#define EXPECT(m, ...)                                                                             \
	do {                                                                                       \
		static const uint8_t want_[] = {__VA_ARGS__};                                      \
		expect_bytes(m, want_, sizeof(want_));                                             \
	} while (0)

START_TEST(test_link_up_down)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_link_req up = {.index = 3, .state = NETLINK_UP};
	ck_assert_int_eq(netlink_msg_link_set(&m, &up, &err), 0);
	EXPECT(&m, NLH(32, RTM_SETLINK, REQ), IFI(0, 3, IFF_UP, IFF_UP));
	struct netlink_link_req down = {.name = "lo", .state = NETLINK_DOWN};
	ck_assert_int_eq(netlink_msg_link_set(&m, &down, &err), 0);
	EXPECT(&m, NLH(40, RTM_SETLINK, REQ), IFI(0, 0, 0, IFF_UP), ATTR(7, IFLA_IFNAME), 'l', 'o',
	       0, 0);
}
END_TEST

START_TEST(test_link_rename_move)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_link_req r = {
	    .index = 5, .new_name = "eth1", .set_netns_fd = true, .netns_fd = 7};
	ck_assert_int_eq(netlink_msg_link_set(&m, &r, &err), 0);
	EXPECT(&m, NLH(52, RTM_SETLINK, REQ), IFI(0, 5, 0, 0), ATTR(9, IFLA_IFNAME), 'e', 't', 'h',
	       '1', 0, 0, 0, 0, ATTR(8, IFLA_NET_NS_FD), U32(7));
	struct netlink_link_req p = {.index = 5, .netns_pid = 1234};
	ck_assert_int_eq(netlink_msg_link_set(&m, &p, &err), 0);
	EXPECT(&m, NLH(40, RTM_SETLINK, REQ), IFI(0, 5, 0, 0), ATTR(8, IFLA_NET_NS_PID), U32(1234));
	/* a rename needs the index: IFLA_IFNAME would be the lookup key */
	struct netlink_link_req bad = {.name = "a", .new_name = "b"};
	ck_assert_int_eq(netlink_msg_link_set(&m, &bad, &err), -1);
	struct netlink_link_req toolong = {.index = 1, .new_name = "0123456789abcdef"};
	ck_assert_int_eq(netlink_msg_link_set(&m, &toolong, &err), -1);
	ck_assert_str_eq(err.msg, "invalid link name '0123456789abcdef'");
}
END_TEST

START_TEST(test_link_mtu_mac_master)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_link_req r = {
	    .index = 2, .mtu = 1400, .set_mac = true, .mac = {0x02, 0xb1, 1, 2, 3, 4}, .master = 9};
	ck_assert_int_eq(netlink_msg_link_set(&m, &r, &err), 0);
	EXPECT(&m, NLH(60, RTM_SETLINK, REQ), IFI(0, 2, 0, 0), ATTR(8, IFLA_MTU), U32(1400),
	       ATTR(10, IFLA_ADDRESS), 0x02, 0xb1, 1, 2, 3, 4, 0, 0, ATTR(8, IFLA_MASTER), U32(9));
	struct netlink_link_req nm = {.index = 2, .nomaster = true};
	ck_assert_int_eq(netlink_msg_link_set(&m, &nm, &err), 0);
	EXPECT(&m, NLH(40, RTM_SETLINK, REQ), IFI(0, 2, 0, 0), ATTR(8, IFLA_MASTER), U32(0));
}
END_TEST

START_TEST(test_link_get_del_dump)
{
	struct netlink_msg m;
	struct brig_error err;
	ck_assert_int_eq(netlink_msg_link_get(&m, 0, "eth0", &err), 0);
	EXPECT(&m, NLH(52, RTM_GETLINK, REQ), IFI(0, 0, 0, 0), ATTR(9, IFLA_IFNAME), 'e', 't', 'h',
	       '0', 0, 0, 0, 0, ATTR(8, IFLA_EXT_MASK), U32(RTEXT_FILTER_SKIP_STATS));
	ck_assert_int_eq(netlink_msg_link_del(&m, 12, NULL, &err), 0);
	EXPECT(&m, NLH(32, RTM_DELLINK, REQ), IFI(0, 12, 0, 0));
	netlink_msg_link_dump(&m);
	EXPECT(&m, NLH(40, RTM_GETLINK, REQ | NLM_F_DUMP), IFI(0, 0, 0, 0), ATTR(8, IFLA_EXT_MASK),
	       U32(RTEXT_FILTER_SKIP_STATS));
	ck_assert_int_eq(netlink_msg_link_del(&m, 0, NULL, &err), -1);
	ck_assert_int_eq(netlink_msg_link_get(&m, 0, "a/b", &err), -1);
	ck_assert_str_eq(err.msg, "invalid link name 'a/b'");
}
END_TEST

START_TEST(test_veth)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_veth_req v = {.name = "vb0",
				     .peer_name = "eth0",
				     .mtu = 1400,
				     .master = 9,
				     .up = true,
				     .set_peer_mac = true,
				     .peer_mac = {0x02, 0xb2, 10, 0, 0, 2},
				     .set_peer_netns_fd = true,
				     .peer_netns_fd = 5};
	ck_assert_int_eq(netlink_msg_veth_add(&m, &v, &err), 0);
	EXPECT(&m, NLH(136, RTM_NEWLINK, CREATE), IFI(0, 0, IFF_UP, IFF_UP), ATTR(8, IFLA_IFNAME),
	       'v', 'b', '0', 0, ATTR(8, IFLA_MTU), U32(1400), ATTR(8, IFLA_MASTER), U32(9),
	       NEST(80, IFLA_LINKINFO), ATTR(9, IFLA_INFO_KIND), 'v', 'e', 't', 'h', 0, 0, 0, 0,
	       NEST(64, IFLA_INFO_DATA), NEST(60, VETH_INFO_PEER), IFI(0, 0, 0, 0),
	       ATTR(9, IFLA_IFNAME), 'e', 't', 'h', '0', 0, 0, 0, 0, ATTR(8, IFLA_MTU), U32(1400),
	       ATTR(10, IFLA_ADDRESS), 0x02, 0xb2, 10, 0, 0, 2, 0, 0, ATTR(8, IFLA_NET_NS_FD),
	       U32(5));
	v.peer_name = "bad name";
	ck_assert_int_eq(netlink_msg_veth_add(&m, &v, &err), -1);
}
END_TEST

START_TEST(test_bridge)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_bridge_req b = {
	    .name = "br0", .mtu = 9000, .set_mac = true, .mac = {2, 0xb1, 0xaa, 0xbb, 0xcc, 0xdd}};
	ck_assert_int_eq(netlink_msg_bridge_add(&m, &b, &err), 0);
	EXPECT(&m, NLH(88, RTM_NEWLINK, CREATE), IFI(0, 0, 0, 0), ATTR(8, IFLA_IFNAME), 'b', 'r',
	       '0', 0, ATTR(8, IFLA_MTU), U32(9000), ATTR(10, IFLA_ADDRESS), 2, 0xb1, 0xaa, 0xbb,
	       0xcc, 0xdd, 0, 0, NEST(28, IFLA_LINKINFO), ATTR(11, IFLA_INFO_KIND), 'b', 'r', 'i',
	       'd', 'g', 'e', 0, 0, NEST(12, IFLA_INFO_DATA), ATTR(8, IFLA_BR_STP_STATE), U32(0));
}
END_TEST

START_TEST(test_inet_conf_and_isolation)
{
	struct netlink_msg m;
	netlink_msg_inet_conf(&m, 4, false, false);
	EXPECT(&m, NLH(64, RTM_SETLINK, REQ), IFI(0, 4, 0, 0), NEST(32, IFLA_AF_SPEC),
	       NEST(16, AF_INET), NEST(12, IFLA_INET_CONF),
	       ATTR(8, 1 /* IPV4_DEVCONF_FORWARDING */), U32(0), NEST(12, AF_INET6),
	       ATTR(5, IFLA_INET6_ADDR_GEN_MODE), IN6_ADDR_GEN_MODE_NONE, 0, 0, 0);
	netlink_msg_port_isolated(&m, 6, true);
	EXPECT(&m, NLH(44, RTM_SETLINK, REQ), IFI(AF_BRIDGE, 6, 0, 0), NEST(12, IFLA_PROTINFO),
	       ATTR(5, IFLA_BRPORT_ISOLATED), 1, 0, 0, 0);
}
END_TEST

START_TEST(test_addr)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_addr a = {.family = AF_INET,
				 .index = 7,
				 .prefixlen = 24,
				 .local = {10, 1, 0, 5},
				 .has_broadcast = true,
				 .broadcast = {10, 1, 0, 255}};
	ck_assert_int_eq(netlink_msg_addr_add(&m, &a, &err), 0);
	EXPECT(&m, NLH(48, RTM_NEWADDR, CREATE), AF_INET, 24, 0, 0, U32(7), ATTR(8, IFA_LOCAL), 10,
	       1, 0, 5, ATTR(8, IFA_ADDRESS), 10, 1, 0, 5, ATTR(8, IFA_BROADCAST), 10, 1, 0, 255);
	struct netlink_addr b = {.family = AF_INET6,
				 .index = 2,
				 .prefixlen = 64,
				 .flags = IFA_F_NODAD,
				 .local = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	ck_assert_int_eq(netlink_msg_addr_add(&m, &b, &err), 0);
	EXPECT(&m, NLH(72, RTM_NEWADDR, CREATE), AF_INET6, 64, IFA_F_NODAD, 0, U32(2),
	       ATTR(20, IFA_LOCAL), 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	       ATTR(20, IFA_ADDRESS), 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	       ATTR(8, IFA_FLAGS), U32(IFA_F_NODAD));
	b.prefixlen = 129;
	ck_assert_int_eq(netlink_msg_addr_add(&m, &b, &err), -1);
	netlink_msg_addr_dump(&m, AF_UNSPEC, 3);
	EXPECT(&m, NLH(24, RTM_GETADDR, REQ | NLM_F_DUMP), 0, 0, 0, 0, U32(3));
}
END_TEST

START_TEST(test_route)
{
	struct netlink_msg m;
	struct brig_error err;
	struct netlink_route r = {
	    .family = AF_INET, .has_gateway = true, .gateway = {10, 1, 0, 1}, .oif = 2};
	ck_assert_int_eq(netlink_msg_route_add(&m, &r, &err), 0);
	EXPECT(&m, NLH(52, RTM_NEWROUTE, CREATE), AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT,
	       RT_SCOPE_UNIVERSE, RTN_UNICAST, U32(0), ATTR(8, RTA_GATEWAY), 10, 1, 0, 1,
	       ATTR(8, RTA_OIF), U32(2), ATTR(8, RTA_TABLE), U32(RT_TABLE_MAIN));
	struct netlink_route s = {.family = AF_INET,
				  .dst = {192, 168, 7, 0},
				  .dst_len = 24,
				  .scope = RT_SCOPE_LINK,
				  .oif = 3};
	ck_assert_int_eq(netlink_msg_route_add(&m, &s, &err), 0);
	EXPECT(&m, NLH(52, RTM_NEWROUTE, CREATE), AF_INET, 24, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT,
	       RT_SCOPE_LINK, RTN_UNICAST, U32(0), ATTR(8, RTA_DST), 192, 168, 7, 0,
	       ATTR(8, RTA_OIF), U32(3), ATTR(8, RTA_TABLE), U32(RT_TABLE_MAIN));
	s.family = AF_PACKET;
	ck_assert_int_eq(netlink_msg_route_add(&m, &s, &err), -1);
}
END_TEST

START_TEST(test_parse_link)
{
	static const uint8_t reply[] = {NLH(88, RTM_NEWLINK, 0),
					IFI(0, 7, IFF_UP | IFF_BROADCAST, 0),
					ATTR(9, IFLA_IFNAME),
					'e',
					't',
					'h',
					'0',
					0,
					0,
					0,
					0,
					ATTR(8, IFLA_MTU),
					U32(1500),
					ATTR(8, IFLA_MASTER),
					U32(4),
					ATTR(10, IFLA_ADDRESS),
					2,
					0xb2,
					10,
					0,
					0,
					2,
					0,
					0,
					ATTR(16, IFLA_LINKINFO),
					ATTR(9, IFLA_INFO_KIND),
					'v',
					'e',
					't',
					'h',
					0,
					0,
					0,
					0};
	struct netlink_link_info l;
	_Alignas(4) uint8_t buf[sizeof(reply)];
	memcpy(buf, reply, sizeof(reply));
	ck_assert_int_eq(netlink_parse_link((struct nlmsghdr *)buf, &l), 0);
	ck_assert_int_eq(l.index, 7);
	ck_assert_str_eq(l.name, "eth0");
	ck_assert_uint_eq(l.mtu, 1500);
	ck_assert_int_eq(l.master, 4);
	ck_assert(l.has_mac && l.mac[1] == 0xb2 && l.mac[5] == 2);
	ck_assert_str_eq(l.kind, "veth");
	ck_assert(l.flags & IFF_UP);
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_NEWADDR;
	ck_assert_int_eq(netlink_parse_link((struct nlmsghdr *)buf, &l), -1);
}
END_TEST

START_TEST(test_parse_addr)
{
	/* an IPv6 address comes with IFA_ADDRESS only */
	static const uint8_t reply[] = {NLH(52, RTM_NEWADDR, 0),
					AF_INET6,
					64,
					0,
					0,
					U32(3),
					ATTR(20, IFA_ADDRESS),
					0x20,
					1,
					0x0d,
					0xb8,
					0,
					0,
					0,
					0,
					0,
					0,
					0,
					0,
					0,
					0,
					0,
					9,
					ATTR(8, IFA_FLAGS),
					U32(IFA_F_PERMANENT)};
	_Alignas(4) uint8_t buf[sizeof(reply)];
	memcpy(buf, reply, sizeof(reply));
	struct netlink_addr a;
	char text[NETLINK_ADDR_STRLEN];
	ck_assert_int_eq(netlink_parse_addr((struct nlmsghdr *)buf, &a), 0);
	ck_assert_int_eq(a.index, 3);
	ck_assert_uint_eq(a.flags, IFA_F_PERMANENT);
	ck_assert(!a.has_peer);
	ck_assert_str_eq(netlink_addr_format(&a, text), "2001:db8::9/64");
}
END_TEST

START_TEST(test_parse_error)
{
	/* a capped error with an extended ack message */
	static const uint8_t reply[] = {NLH(56, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS),
					U32(-EEXIST),
					NLH(32, RTM_NEWLINK, 0),
					ATTR(20, NLMSGERR_ATTR_MSG),
					'n',
					'a',
					'm',
					'e',
					' ',
					'i',
					's',
					' ',
					't',
					'a',
					'k',
					'e',
					'n',
					' ',
					'x',
					0};
	_Alignas(4) uint8_t buf[sizeof(reply)];
	memcpy(buf, reply, sizeof(reply));
	int e;
	const char *msg;
	ck_assert_int_eq(netlink_parse_error((struct nlmsghdr *)buf, &e, &msg), 0);
	ck_assert_int_eq(e, EEXIST);
	ck_assert_ptr_nonnull(msg);
	ck_assert_str_eq(msg, "name is taken x");
	static const uint8_t ack[] = {NLH(36, NLMSG_ERROR, NLM_F_CAPPED), U32(0),
				      NLH(32, RTM_NEWLINK, 0)};
	memcpy(buf, ack, sizeof(ack));
	ck_assert_int_eq(netlink_parse_error((struct nlmsghdr *)buf, &e, &msg), 0);
	ck_assert_int_eq(e, 0);
	ck_assert_ptr_null(msg);
}
END_TEST

/* netlink_replies over a heap copy of exactly the datagram, so that ASan sees a read past it */
struct walk {
	int links;
	bool fail;
};

static int count_link(const struct nlmsghdr *nlh, void *data, struct brig_error *err)
{
	struct walk *w = data;
	struct netlink_link_info l;
	if (netlink_parse_link(nlh, &l) == 0)
		w->links++;
	return w->fail ? err_set(err, EINVAL, "callback failed") : 0;
}

static int walk(const uint8_t *dgram, size_t len, struct walk *w, bool *failed)
{
	struct brig_error err = {0};
	void *buf = xmalloc(len);
	memcpy(buf, dgram, len);
	int r = netlink_replies(buf, len, 0, 0, count_link, w, failed, &err);
	free(buf);
	return r;
}

#define LINK_MSG NLH(32, RTM_NEWLINK, NLM_F_MULTI), IFI(0, 1, 0, 0)
#define DONE_MSG(e) NLH(20, NLMSG_DONE, NLM_F_MULTI), U32(e)

START_TEST(test_replies)
{
	static const uint8_t dump[] = {LINK_MSG, LINK_MSG, DONE_MSG(0)};
	struct walk w = {0};
	bool failed = false;
	ck_assert_int_eq(walk(dump, sizeof(dump), &w, &failed), 1);
	ck_assert_int_eq(w.links, 2);
	/* a dump that goes on in the next datagram */
	w.links = 0;
	ck_assert_int_eq(walk(dump, 2 * 32, &w, &failed), 0);
	ck_assert_int_eq(w.links, 2);
	/* a failed callback: the rest is read, not passed on, and the end is an error */
	w = (struct walk){.fail = true};
	ck_assert_int_eq(walk(dump, sizeof(dump), &w, &failed), -1);
	ck_assert(failed);
	ck_assert_int_eq(w.links, 1);
	/* a reply to another request is skipped */
	uint8_t stale[sizeof(dump)];
	memcpy(stale, dump, sizeof(dump));
	stale[8] = 7; /* the first message's nlmsg_seq */
	w = (struct walk){0};
	failed = false;
	ck_assert_int_eq(walk(stale, sizeof(stale), &w, &failed), 1);
	ck_assert_int_eq(w.links, 1);
}
END_TEST

/* Found by tests/fuzz (fuzz_rtnl): libmnl's mnl_nlmsg_ok() compares nlmsg_len as an int, so
 * a length of 2 GiB or more passed, and the next message was looked for 2 GiB further. */
START_TEST(test_replies_huge_length)
{
	static const uint8_t dgram[] = {LINK_MSG, NLH(0x80000010u, RTM_NEWLINK, NLM_F_MULTI),
					DONE_MSG(0)};
	struct walk w = {0};
	bool failed = false;
	ck_assert_int_eq(walk(dgram, sizeof(dgram), &w, &failed), 0);
	ck_assert_int_eq(w.links, 1);
	/* a length past the datagram by less than that, and one below a header's */
	static const uint8_t over[] = {NLH(48, RTM_NEWLINK, 0), IFI(0, 1, 0, 0)};
	static const uint8_t under[] = {NLH(8, RTM_NEWLINK, 0), IFI(0, 1, 0, 0)};
	w.links = 0;
	ck_assert_int_eq(walk(over, sizeof(over), &w, &failed), 0);
	ck_assert_int_eq(walk(under, sizeof(under), &w, &failed), 0);
	ck_assert_int_eq(w.links, 0);
	size_t off = sizeof(dgram);
	ck_assert_ptr_null(netlink_msg_next(dgram, sizeof(dgram), &off));
	off = sizeof(dgram) + 3;
	ck_assert_ptr_null(netlink_msg_next(dgram, sizeof(dgram), &off));
}
END_TEST

/* Found by tests/fuzz (fuzz_rtnl): libmnl parses a message's attributes up to its length
 * rounded up to 4, so the last message of a datagram, with a length not a multiple of 4,
 * had its attributes read up to 3 bytes past the datagram. The kernel pads every message. */
START_TEST(test_replies_unaligned_end)
{
	static const uint8_t dgram[] = {NLH(37, RTM_NEWLINK, 0), IFI(0, 1, 0, 0), ATTR(8, IFLA_MTU),
					U16(1500)};
	struct walk w = {0};
	bool failed = false;
	ck_assert_int_eq(sizeof(dgram), 38);
	ck_assert_int_eq(walk(dgram, sizeof(dgram), &w, &failed), 0);
	ck_assert_int_eq(w.links, 0);
	size_t off = 0;
	ck_assert_ptr_null(netlink_msg_next(dgram, sizeof(dgram), &off));
	ck_assert_uint_eq(off, 0);
}
END_TEST

/* Found by tests/fuzz (fuzz_rtnl): an error of INT_MIN was negated (undefined). */
START_TEST(test_parse_error_range)
{
	static const uint8_t min[] = {NLH(36, NLMSG_ERROR, NLM_F_CAPPED), U32(0x80000000u),
				      NLH(32, RTM_NEWLINK, 0)};
	static const uint8_t positive[] = {NLH(36, NLMSG_ERROR, NLM_F_CAPPED), U32(5),
					   NLH(32, RTM_NEWLINK, 0)};
	_Alignas(4) uint8_t buf[sizeof(min)];
	int e;
	const char *msg;
	memcpy(buf, min, sizeof(min));
	ck_assert_int_eq(netlink_parse_error((struct nlmsghdr *)buf, &e, &msg), 0);
	ck_assert_int_eq(e, EPROTO);
	memcpy(buf, positive, sizeof(positive));
	ck_assert_int_eq(netlink_parse_error((struct nlmsghdr *)buf, &e, &msg), 0);
	ck_assert_int_eq(e, EPROTO);

	static const uint8_t done_min[] = {DONE_MSG(0x80000000u)};
	static const uint8_t done_enobufs[] = {DONE_MSG(-ENOBUFS)};
	static const uint8_t done_bare[] = {NLH(16, NLMSG_DONE, NLM_F_MULTI)};
	memcpy(buf, done_min, sizeof(done_min));
	ck_assert_int_eq(netlink_parse_done((struct nlmsghdr *)buf, &e), 0);
	ck_assert_int_eq(e, EPROTO);
	memcpy(buf, done_enobufs, sizeof(done_enobufs));
	ck_assert_int_eq(netlink_parse_done((struct nlmsghdr *)buf, &e), 0);
	ck_assert_int_eq(e, ENOBUFS);
	memcpy(buf, done_bare, sizeof(done_bare));
	ck_assert_int_eq(netlink_parse_done((struct nlmsghdr *)buf, &e), 0);
	ck_assert_int_eq(e, 0);
	ck_assert_int_eq(netlink_parse_error((struct nlmsghdr *)buf, &e, &msg), -1);
	/* the walk ends at it with the error */
	static const uint8_t dgram[] = {LINK_MSG, DONE_MSG(0x80000000u)};
	struct walk w = {0};
	bool failed = false;
	ck_assert_int_eq(walk(dgram, sizeof(dgram), &w, &failed), -1);
}
END_TEST

START_TEST(test_names)
{
	ck_assert(netlink_name_valid("eth0"));
	ck_assert(netlink_name_valid("0123456789abcde"));
	ck_assert(!netlink_name_valid("0123456789abcdef"));
	ck_assert(!netlink_name_valid(""));
	ck_assert(!netlink_name_valid("."));
	ck_assert(!netlink_name_valid("a:b"));
	ck_assert(!netlink_name_valid("a b"));
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("messages");
	tcase_add_test(tc, test_link_up_down);
	tcase_add_test(tc, test_link_rename_move);
	tcase_add_test(tc, test_link_mtu_mac_master);
	tcase_add_test(tc, test_link_get_del_dump);
	tcase_add_test(tc, test_veth);
	tcase_add_test(tc, test_bridge);
	tcase_add_test(tc, test_inet_conf_and_isolation);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_parse_link);
	tcase_add_test(tc, test_parse_addr);
	tcase_add_test(tc, test_parse_error);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_replies_huge_length);
	tcase_add_test(tc, test_replies_unaligned_end);
	tcase_add_test(tc, test_parse_error_range);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
