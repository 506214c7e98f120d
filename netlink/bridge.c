// SPDX-License-Identifier: Apache-2.0
/* A brig network's bridge: made at `brig network create`, and again on
 * demand when a container joins after a reboot. It has no uplink; IPv4
 * forwarding of what it receives is off and IPv6 is off on it, so a container
 * can reach nothing beyond the bridge (and the host's address on it, for a
 * host-reachable network) even if it adds routes of its own. */
#include "netlink/internal.h"
#include "netlink/rtnl/rtnl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

/* A stable locally administered MAC: the bridge's would otherwise follow the
 * lowest port's and change as containers come and go. */
static void bridge_mac(const char *name, uint8_t mac[6])
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	mac[0] = 0x02;
	mac[1] = 0xb1;
	for (int i = 2; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

/* The IPv6 stack ignores the bridge: no address, no forwarding through it.
 * A sysctl file, as rtnetlink cannot set it. */
static int disable_ipv6(const char *bridge, struct brig_error *err)
{
	_cleanup_free_ char *path = xasprintf("/proc/sys/net/ipv6/conf/%s/disable_ipv6", bridge);
	if (write_file_at(AT_FDCWD, path, "1", 1, O_TRUNC, err) < 0 && err->errnum != ENOENT)
		return -1;
	return 0; /* ENOENT: IPv6 is off altogether */
}

static int configure(struct netlink *nl, const struct spec_network *n, int index,
		     struct brig_error *err)
{
	/* before up: the link-local address would come with it */
	if (netlink_inet_conf(nl, index, false, false, err) < 0 || disable_ipv6(n->bridge, err) < 0)
		return -1;
	if (n->mode == SPEC_NET_HOST_REACHABLE) {
		uint32_t host = n->subnet.addr + 1,
			 bcast = n->subnet.addr | (~0u >> n->subnet.prefix);
		struct netlink_addr a = {.family = AF_INET,
					 .index = index,
					 .prefixlen = (uint8_t)n->subnet.prefix,
					 .has_broadcast = true};
		uint32_t be = htonl(host), bbe = htonl(bcast);
		memcpy(a.local, &be, 4);
		memcpy(a.broadcast, &bbe, 4);
		if (netlink_addr_add(nl, &a, err) < 0 && err->errnum != EEXIST)
			return -1;
	}
	return netlink_link_up(nl, index, err);
}

static int create_bridge(struct netlink *nl, const struct spec_network *n, int *ret_index,
			 struct brig_error *err)
{
	struct netlink_bridge_req r = {.name = n->bridge, .mtu = n->mtu, .set_mac = true};
	bridge_mac(n->bridge, r.mac);
	struct netlink_link_info info;
	if (netlink_bridge_add(nl, &r, err) < 0 ||
	    netlink_link_get(nl, 0, n->bridge, &info, err) < 0)
		return -1;
	if (configure(nl, n, info.index, err) < 0) {
		struct brig_error ignored;
		netlink_link_del(nl, info.index, NULL, &ignored);
		return -1;
	}
	*ret_index = info.index;
	return 0;
}

int netbridge_ensure(struct netlink *nl, const struct spec_network *n, int *ret_index,
		     struct brig_error *err)
{
	struct netlink_link_info info;
	if (netlink_link_get(nl, 0, n->bridge, &info, err) == 0) {
		if (strcmp(info.kind, "bridge") != 0)
			return err_set(err, EEXIST,
				       "network '%s': link '%s' exists and is not a bridge",
				       n->name, n->bridge);
		*ret_index = info.index;
		return 0;
	}
	if (err->errnum != ENODEV)
		return -1;
	if (create_bridge(nl, n, ret_index, err) < 0)
		return err_wrap(err, "network '%s'", n->name);
	return 0;
}

int netbridge_remove(struct netlink *nl, const struct spec_network *n, struct brig_error *err)
{
	struct netlink_link_info info;
	if (netlink_link_get(nl, 0, n->bridge, &info, err) < 0)
		return err->errnum == ENODEV ? 0 : -1;
	if (strcmp(info.kind, "bridge") != 0)
		return 0; /* not ours: leave it */
	if (netlink_link_del(nl, info.index, NULL, err) < 0 && err->errnum != ENODEV)
		return -1;
	return 0;
}
