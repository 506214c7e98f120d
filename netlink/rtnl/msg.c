// SPDX-License-Identifier: Apache-2.0
/* The requests brig sends, built into a struct netlink_msg without a socket,
 * and the parsers of the kernel's replies. Nothing here needs privileges, so
 * tests/test_netlink.c checks each message byte by byte. */
#include "netlink/rtnl/rtnl.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/veth.h>
#include <sys/socket.h>

bool netlink_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > NETLINK_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static int check_name(const char *name, struct brig_error *err)
{
	if (!netlink_name_valid(name))
		return err_set(err, EINVAL, "invalid link name '%s'", name);
	return 0;
}

static struct nlmsghdr *put_header(struct netlink_msg *m, uint16_t type, uint16_t flags)
{
	memset(m->buf, 0, sizeof(m->buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int family, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = (unsigned char)family;
	ifi->ifi_index = index;
	return ifi;
}

static void set_updown(struct ifinfomsg *ifi, enum netlink_updown state)
{
	if (state == NETLINK_KEEP)
		return;
	ifi->ifi_change |= IFF_UP;
	if (state == NETLINK_UP)
		ifi->ifi_flags |= IFF_UP;
}

/* The index, or IFLA_IFNAME as the lookup key. */
static int put_link_key(struct nlmsghdr *nlh, int index, const char *name, struct brig_error *err)
{
	if (index > 0)
		return 0;
	if (!name)
		return err_set(err, EINVAL, "a link needs an index or a name");
	if (check_name(name, err) < 0)
		return -1;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return 0;
}

int netlink_msg_link_set(struct netlink_msg *m, const struct netlink_link_req *r,
			 struct brig_error *err)
{
	struct nlmsghdr *nlh = put_header(m, RTM_SETLINK, 0);
	struct ifinfomsg *ifi = put_ifinfo(nlh, AF_UNSPEC, r->index);
	set_updown(ifi, r->state);
	if (r->new_name && r->index <= 0)
		return err_set(err, EINVAL, "renaming a link needs its index");
	if (put_link_key(nlh, r->index, r->name, err) < 0)
		return -1;
	if (r->new_name) {
		/* a template like "eth%d" is the kernel's to expand */
		if (strlen(r->new_name) > NETLINK_NAME_MAX || !*r->new_name)
			return err_set(err, EINVAL, "invalid link name '%s'", r->new_name);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, r->new_name);
	}
	if (r->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, r->mtu);
	if (r->set_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, r->mac);
	if (r->master > 0 || r->nomaster)
		mnl_attr_put_u32(nlh, IFLA_MASTER, r->nomaster ? 0 : (uint32_t)r->master);
	if (r->netns_pid > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)r->netns_pid);
	if (r->set_netns_fd)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)r->netns_fd);
	return 0;
}

int netlink_msg_link_get(struct netlink_msg *m, int index, const char *name, struct brig_error *err)
{
	struct nlmsghdr *nlh = put_header(m, RTM_GETLINK, 0);
	put_ifinfo(nlh, AF_UNSPEC, index > 0 ? index : 0);
	if (put_link_key(nlh, index, name, err) < 0)
		return -1;
	/* no statistics: the reply stays small */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return 0;
}

void netlink_msg_link_dump(struct netlink_msg *m)
{
	struct nlmsghdr *nlh = put_header(m, RTM_GETLINK, NLM_F_DUMP);
	put_ifinfo(nlh, AF_UNSPEC, 0);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
}

int netlink_msg_link_del(struct netlink_msg *m, int index, const char *name, struct brig_error *err)
{
	struct nlmsghdr *nlh = put_header(m, RTM_DELLINK, 0);
	put_ifinfo(nlh, AF_UNSPEC, index > 0 ? index : 0);
	return put_link_key(nlh, index, name, err);
}

/* IFLA_LINKINFO { IFLA_INFO_KIND kind, IFLA_INFO_DATA { ... } }: the caller
 * fills the data and closes both nests. */
static struct nlattr *start_linkinfo(struct nlmsghdr *nlh, const char *kind,
				     struct nlattr **ret_data)
{
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	*ret_data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	return info;
}

static void put_veth_peer(struct nlmsghdr *nlh, const struct netlink_veth_req *r)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* the peer's attributes follow its own struct ifinfomsg */
	/* no IFF_UP here: the kernel configures the peer before linking the
	 * pair, and a veth without its peer refuses to open (ENOTCONN) */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->peer_name);
	if (r->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, r->mtu);
	if (r->set_peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, r->peer_mac);
	if (r->set_peer_netns_fd)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)r->peer_netns_fd);
	mnl_attr_nest_end(nlh, peer);
}

int netlink_msg_veth_add(struct netlink_msg *m, const struct netlink_veth_req *r,
			 struct brig_error *err)
{
	if (check_name(r->name, err) < 0 || check_name(r->peer_name, err) < 0)
		return -1;
	struct nlmsghdr *nlh = put_header(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = put_ifinfo(nlh, AF_UNSPEC, 0);
	set_updown(ifi, r->up ? NETLINK_UP : NETLINK_KEEP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (r->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, r->mtu);
	if (r->master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)r->master);
	struct nlattr *data;
	struct nlattr *info = start_linkinfo(nlh, "veth", &data);
	put_veth_peer(nlh, r);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

int netlink_msg_bridge_add(struct netlink_msg *m, const struct netlink_bridge_req *r,
			   struct brig_error *err)
{
	if (check_name(r->name, err) < 0)
		return -1;
	struct nlmsghdr *nlh = put_header(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	put_ifinfo(nlh, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (r->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, r->mtu);
	if (r->set_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, r->mac);
	struct nlattr *data;
	struct nlattr *info = start_linkinfo(nlh, "bridge", &data);
	/* no spanning tree: ports forward at once, there is no loop to break */
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

void netlink_msg_inet_conf(struct netlink_msg *m, int index, bool ip_forward, bool ipv6_ll)
{
	struct nlmsghdr *nlh = put_header(m, RTM_SETLINK, 0);
	put_ifinfo(nlh, AF_UNSPEC, index);
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *inet = mnl_attr_nest_start(nlh, AF_INET);
	struct nlattr *conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	/* the nested attribute types are IPV4_DEVCONF_* indexes */
	mnl_attr_put_u32(nlh, IPV4_DEVCONF_FORWARDING, ip_forward ? 1 : 0);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	struct nlattr *inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE,
			ipv6_ll ? IN6_ADDR_GEN_MODE_EUI64 : IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
}

void netlink_msg_port_isolated(struct netlink_msg *m, int index, bool on)
{
	/* AF_BRIDGE: the bridge's own setlink handler, as `bridge link set` */
	struct nlmsghdr *nlh = put_header(m, RTM_SETLINK, 0);
	put_ifinfo(nlh, AF_BRIDGE, index);
	struct nlattr *prot = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, on ? 1 : 0);
	mnl_attr_nest_end(nlh, prot);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static int check_family(int family, unsigned prefixlen, struct brig_error *err)
{
	if (!addr_len(family))
		return err_set(err, EAFNOSUPPORT, "address family %d is not IPv4 or IPv6", family);
	if (prefixlen > addr_len(family) * 8)
		return err_set(err, EINVAL, "prefix length %u is too long", prefixlen);
	return 0;
}

int netlink_msg_addr_add(struct netlink_msg *m, const struct netlink_addr *a,
			 struct brig_error *err)
{
	if (check_family(a->family, a->prefixlen, err) < 0)
		return -1;
	size_t len = addr_len(a->family);
	struct nlmsghdr *nlh = put_header(m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (unsigned)a->index;
	ifa->ifa_flags = (unsigned char)(a->flags & 0xff);
	/* IFA_LOCAL is the address, IFA_ADDRESS the peer (itself without one) */
	mnl_attr_put(nlh, IFA_LOCAL, len, a->local);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a->has_peer ? a->peer : a->local);
	if (a->family == AF_INET && a->has_broadcast)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, a->broadcast);
	if (a->flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
	return 0;
}

void netlink_msg_addr_dump(struct netlink_msg *m, int family, int index)
{
	struct nlmsghdr *nlh = put_header(m, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)family;
	/* filtered by the kernel with NETLINK_GET_STRICT_CHK, by the caller too */
	ifa->ifa_index = index > 0 ? (unsigned)index : 0;
}

int netlink_msg_route_add(struct netlink_msg *m, const struct netlink_route *r,
			  struct brig_error *err)
{
	if (check_family(r->family, r->dst_len, err) < 0)
		return -1;
	size_t len = addr_len(r->family);
	struct nlmsghdr *nlh = put_header(m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT; /* what `ip route add` sets: a static route */
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = RTN_UNICAST;
	if (r->dst_len)
		mnl_attr_put(nlh, RTA_DST, len, r->dst);
	if (r->has_gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, len, r->gateway);
	if (r->has_src)
		mnl_attr_put(nlh, RTA_PREFSRC, len, r->src);
	if (r->oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	return 0;
}

/* ---- replies ---- */

static void copy_name(char *dst, const struct nlattr *a)
{
	snprintf(dst, IFNAMSIZ, "%.*s", (int)mnl_attr_get_payload_len(a),
		 (const char *)mnl_attr_get_payload(a));
}

static int link_info_attr(const struct nlattr *a, void *data)
{
	struct netlink_link_info *l = data;
	if (mnl_attr_get_type(a) == IFLA_INFO_KIND) {
		size_t n = mnl_attr_get_payload_len(a);
		snprintf(l->kind, sizeof(l->kind), "%.*s", (int)n,
			 (const char *)mnl_attr_get_payload(a));
	}
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct netlink_link_info *l = data;
	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		copy_name(l->name, a);
		break;
	case IFLA_MTU:
		if (mnl_attr_get_payload_len(a) >= 4)
			l->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_MASTER:
		if (mnl_attr_get_payload_len(a) >= 4)
			l->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6) {
			memcpy(l->mac, mnl_attr_get_payload(a), 6);
			l->has_mac = true;
		}
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, link_info_attr, l);
		break;
	}
	return MNL_CB_OK;
}

int netlink_parse_link(const struct nlmsghdr *nlh, struct netlink_link_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return -1;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	ret->index = ifi->ifi_index;
	ret->flags = ifi->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr, ret) < 0 ? -1 : 0;
}

static int addr_attr(const struct nlattr *a, void *data)
{
	struct netlink_addr *r = data;
	size_t len = addr_len(r->family), n = mnl_attr_get_payload_len(a);
	const void *p = mnl_attr_get_payload(a);
	switch (mnl_attr_get_type(a)) {
	case IFA_LOCAL:
		if (n == len)
			memcpy(r->local, p, len);
		break;
	case IFA_ADDRESS:
		if (n == len)
			memcpy(r->peer, p, len);
		break;
	case IFA_BROADCAST:
		if (n == 4) {
			memcpy(r->broadcast, p, 4);
			r->has_broadcast = true;
		}
		break;
	case IFA_FLAGS:
		if (n >= 4)
			r->flags = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

int netlink_parse_addr(const struct nlmsghdr *nlh, struct netlink_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg))
		return -1;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	ret->family = ifa->ifa_family;
	ret->index = (int)ifa->ifa_index;
	ret->prefixlen = ifa->ifa_prefixlen;
	ret->scope = ifa->ifa_scope;
	ret->flags = ifa->ifa_flags;
	if (!addr_len(ret->family))
		return -1;
	/* all-ones: neither attribute seen yet */
	memset(ret->local, 0xff, sizeof(ret->local));
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, ret) < 0)
		return -1;
	size_t len = addr_len(ret->family);
	uint8_t none[16];
	memset(none, 0xff, sizeof(none));
	/* IPv6 addresses often come with IFA_ADDRESS only: it is the local one */
	if (!memcmp(ret->local, none, len))
		memcpy(ret->local, ret->peer, len);
	ret->has_peer = memcmp(ret->local, ret->peer, len) != 0;
	if (!ret->has_peer)
		memset(ret->peer, 0, sizeof(ret->peer));
	return 0;
}

static int extack_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* The kernel sends 0 or a negative errno (at most 4095, its MAX_ERRNO). Anything else is
 * no errno, and negating INT_MIN would overflow. */
static int errno_of(int error)
{
	return error <= 0 && error >= -4095 ? -error : EPROTO;
}

int netlink_parse_error(const struct nlmsghdr *nlh, int *ret_errno, const char **ret_msg)
{
	*ret_msg = NULL;
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr))
		return -1;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	*ret_errno = errno_of(e->error);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* the TLVs follow the request as echoed: its header alone when capped */
	size_t off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	if (off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, (unsigned)off, extack_attr, (void *)ret_msg);
	return 0;
}

int netlink_parse_done(const struct nlmsghdr *nlh, int *ret_errno)
{
	int e = 0;
	if (nlh->nlmsg_type != NLMSG_DONE)
		return -1;
	/* the dump's status, when the kernel sends it (it always has since 2.6) */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(e))
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
	*ret_errno = errno_of(e);
	return 0;
}

const char *netlink_addr_format(const struct netlink_addr *a, char buf[NETLINK_ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN] = "?";
	inet_ntop(a->family, a->local, ip, sizeof(ip));
	snprintf(buf, NETLINK_ADDR_STRLEN, "%s/%u", ip, a->prefixlen);
	return buf;
}
