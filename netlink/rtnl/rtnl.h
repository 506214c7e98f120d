/* SPDX-License-Identifier: Apache-2.0 */
/* netlink: brig's rtnetlink layer on libmnl. It builds requests (links, veth
 * pairs, bridges, addresses, routes) into a buffer with pure functions that
 * unit tests check byte by byte, and sends them on a socket, waiting for the
 * kernel's ACK; its errors carry the kernel's extended ack message. */
#pragma once

#include "base/base.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#define NETLINK_MSG_SIZE 1024 /* every request brig sends fits */
#define NETLINK_NAME_MAX 15   /* IFNAMSIZ - 1 */

/* One request; the builders fill it, netlink_request() sends it. */
struct netlink_msg {
	union {
		struct nlmsghdr hdr;
		char buf[NETLINK_MSG_SIZE];
	};
};

/* Whether a link name is one the kernel accepts: 1..15 bytes, no '/',
 * whitespace or ':', not "." or "..". */
bool netlink_name_valid(const char *name);

/* ---- requests (pure: no socket, no privileges) ---- */

enum netlink_updown {
	NETLINK_KEEP, /* leave the link's state */
	NETLINK_UP,
	NETLINK_DOWN,
};

/* Changes to one existing link (RTM_SETLINK); unset fields are left alone.
 * Moving to a namespace together with new_name renames in the same step: the
 * kernel refuses the move (and leaves the link) when the name is taken there,
 * unless new_name is a template with "%d". */
struct netlink_link_req {
	int index;	  /* the link; 0: look it up by name */
	const char *name; /* with index 0 */
	const char *new_name;
	enum netlink_updown state;
	uint32_t mtu; /* 0: leave */
	bool set_mac;
	uint8_t mac[6];
	int master;    /* > 0: enslave to this bridge; 0: leave */
	bool nomaster; /* release from its bridge */
	pid_t netns_pid;
	bool set_netns_fd;
	int netns_fd;
};

struct netlink_veth_req {
	const char *name;      /* the local end */
	const char *peer_name; /* created in peer_netns_fd when set */
	uint32_t mtu;	       /* both ends; 0: the kernel's default */
	int master;	       /* > 0: the local end's bridge */
	bool up;	       /* the local end up on creation (the peer cannot be) */
	bool set_peer_mac;
	uint8_t peer_mac[6];
	bool set_peer_netns_fd;
	int peer_netns_fd;
};

struct netlink_bridge_req {
	const char *name;
	uint32_t mtu; /* 0: default */
	bool set_mac; /* a fixed MAC, else it follows the lowest port's */
	uint8_t mac[6];
};

/* An interface address (RTM_NEWADDR / what a dump returns). */
struct netlink_addr {
	int family; /* AF_INET or AF_INET6 */
	int index;
	uint8_t prefixlen;
	uint8_t scope;	/* RT_SCOPE_* */
	uint32_t flags; /* IFA_F_* (IFA_FLAGS, which supersedes ifa_flags) */
	uint8_t local[16];
	bool has_peer; /* a point-to-point peer different from local */
	uint8_t peer[16];
	bool has_broadcast; /* IPv4 */
	uint8_t broadcast[4];
};

struct netlink_route {
	int family;
	uint8_t dst[16]; /* with dst_len 0: the default route */
	uint8_t dst_len;
	bool has_gateway;
	uint8_t gateway[16];
	int oif;       /* output link, 0: none */
	uint8_t scope; /* RT_SCOPE_UNIVERSE, or RT_SCOPE_LINK for on-link */
	bool has_src;
	uint8_t src[16];
};

/* Each builder writes one request (flags NLM_F_REQUEST plus its own, seq 0:
 * netlink_request() sets seq and NLM_F_ACK). -1: a name too long or invalid. */
int netlink_msg_link_set(struct netlink_msg *m, const struct netlink_link_req *r,
			 struct brig_error *err);
int netlink_msg_link_get(struct netlink_msg *m, int index, const char *name,
			 struct brig_error *err);
void netlink_msg_link_dump(struct netlink_msg *m);
int netlink_msg_link_del(struct netlink_msg *m, int index, const char *name,
			 struct brig_error *err);
int netlink_msg_veth_add(struct netlink_msg *m, const struct netlink_veth_req *r,
			 struct brig_error *err);
int netlink_msg_bridge_add(struct netlink_msg *m, const struct netlink_bridge_req *r,
			   struct brig_error *err);
/* Per-link IP settings through IFLA_AF_SPEC (RTM_SETLINK): IPv4 forwarding
 * of what the link receives (net.ipv4.conf.LINK.forwarding), and whether it
 * generates an IPv6 link-local address when it comes up. The kernel takes
 * IFLA_AF_SPEC only on existing links, and applies it after the flags. */
void netlink_msg_inet_conf(struct netlink_msg *m, int index, bool ip_forward, bool ipv6_ll);
/* A bridge port's "isolated" flag: isolated ports reach only non-isolated ones. */
void netlink_msg_port_isolated(struct netlink_msg *m, int index, bool on);
int netlink_msg_addr_add(struct netlink_msg *m, const struct netlink_addr *a,
			 struct brig_error *err);
/* All addresses of a family (AF_UNSPEC: both), only index's when > 0. */
void netlink_msg_addr_dump(struct netlink_msg *m, int family, int index);
int netlink_msg_route_add(struct netlink_msg *m, const struct netlink_route *r,
			  struct brig_error *err);

/* ---- replies (pure) ---- */

struct netlink_link_info {
	int index;
	char name[IFNAMSIZ];
	unsigned flags; /* IFF_* */
	uint32_t mtu;
	int master; /* 0: none */
	bool has_mac;
	uint8_t mac[6];
	char kind[16]; /* IFLA_INFO_KIND; "" for a physical device */
};

/* -1 when nlh is not an RTM_NEWLINK / RTM_NEWADDR message. */
int netlink_parse_link(const struct nlmsghdr *nlh, struct netlink_link_info *ret);
int netlink_parse_addr(const struct nlmsghdr *nlh, struct netlink_addr *ret);
/* The kernel's error of an NLMSG_ERROR message (0 for an ACK; EPROTO for a value that is
 * no errno) and its extended ack text (NULL when absent); -1 if nlh is no NLMSG_ERROR. */
int netlink_parse_error(const struct nlmsghdr *nlh, int *ret_errno, const char **ret_msg);
/* The status of a dump's NLMSG_DONE, the same way; -1 if nlh is no NLMSG_DONE. */
int netlink_parse_done(const struct nlmsghdr *nlh, int *ret_errno);

/* The message at byte *off of a datagram of len bytes, *off moved past it (and its padding
 * to 4 bytes); NULL past the last one or at one that does not fit with its padding (the
 * rest of the datagram cannot be read; the kernel pads every message). Not libmnl's
 * mnl_nlmsg_ok(): it compares nlmsg_len as an int, so that a length of 2 GiB or more
 * passes and the walk leaves the buffer. */
const struct nlmsghdr *netlink_msg_next(const void *buf, size_t len, size_t *off);
/* Called for each data message of a reply; -1 fails the exchange with err as fn set it
 * (the rest of the replies is still read, and not passed to fn). */
typedef int (*netlink_reply_fn)(const struct nlmsghdr *nlh, void *data, struct brig_error *err);
/* One datagram of replies to the request `seq` sent from `portid`: messages of other
 * requests are skipped, data messages go to fn (NULL: ignored), an NLMSG_ERROR or
 * NLMSG_DONE ends the exchange. *failed (false at the first datagram) carries fn's
 * failure to the next one. 1: ended well; 0: read the next datagram; -1: ended with err. */
int netlink_replies(const void *buf, size_t len, uint32_t seq, uint32_t portid, netlink_reply_fn fn,
		    void *data, bool *failed, struct brig_error *err);

/* ---- the socket ---- */

struct netlink;

/* An rtnetlink socket in the current network namespace. */
struct netlink *netlink_open(struct brig_error *err);
/* One in the namespace netns_fd: the caller's thread enters it, opens the
 * socket and returns; the socket keeps working in that namespace. */
struct netlink *netlink_open_netns(int netns_fd, struct brig_error *err);
void netlink_close(struct netlink *nl);
static inline void netlink_closep(struct netlink **nl)
{
	netlink_close(*nl);
}
#define _cleanup_netlink_ _cleanup_(netlink_closep)

/* Sends m and waits for its ACK. A kernel error becomes err (errnum set):
 * "File exists (kernel: <extack>)" when the kernel explained it. */
int netlink_request(struct netlink *nl, struct netlink_msg *m, struct brig_error *err);
/* Sends m (a get or a dump) and calls fn for each reply until the ACK or the
 * dump's end; fn returning -1 stops with err as it set it. */
int netlink_query(struct netlink *nl, struct netlink_msg *m, netlink_reply_fn fn, void *data,
		  struct brig_error *err);

/* ---- operations: build, send, wrap the error with the action ---- */

/* index > 0, or name. A missing link is an error with errnum ENODEV. */
int netlink_link_get(struct netlink *nl, int index, const char *name, struct netlink_link_info *ret,
		     struct brig_error *err);
int netlink_link_list(struct netlink *nl, struct netlink_link_info **ret, size_t *ret_n,
		      struct brig_error *err);
int netlink_link_set(struct netlink *nl, const struct netlink_link_req *r, struct brig_error *err);
int netlink_link_up(struct netlink *nl, int index, struct brig_error *err);
int netlink_link_down(struct netlink *nl, int index, struct brig_error *err);
int netlink_link_rename(struct netlink *nl, int index, const char *new_name,
			struct brig_error *err);
/* ENODEV (absent) is an error too: callers that tolerate it test errnum. */
int netlink_link_del(struct netlink *nl, int index, const char *name, struct brig_error *err);
int netlink_veth_add(struct netlink *nl, const struct netlink_veth_req *r, struct brig_error *err);
int netlink_bridge_add(struct netlink *nl, const struct netlink_bridge_req *r,
		       struct brig_error *err);
int netlink_inet_conf(struct netlink *nl, int index, bool ip_forward, bool ipv6_ll,
		      struct brig_error *err);
int netlink_port_isolated(struct netlink *nl, int index, bool on, struct brig_error *err);
int netlink_addr_add(struct netlink *nl, const struct netlink_addr *a, struct brig_error *err);
int netlink_addr_list(struct netlink *nl, int family, int index, struct netlink_addr **ret,
		      size_t *ret_n, struct brig_error *err);

/* Brings a link of the caller's current network namespace up, on a socket of
 * its own: the container process uses it for lo. */
int netlink_link_up_by_name(const char *name, struct brig_error *err);

/* "10.1.2.3/24" or "fe80::1/64" for messages; buf of NETLINK_ADDR_STRLEN. */
#define NETLINK_ADDR_STRLEN 52
const char *netlink_addr_format(const struct netlink_addr *a, char buf[NETLINK_ADDR_STRLEN]);
