/* SPDX-License-Identifier: Apache-2.0 */
/* netlink's own declarations: the bridge, address leases and the two sides
 * of a container's networking, shared by the module's files (and its tests). */
#pragma once

#include "netlink/netlink.h"

/* ---- the bridge (bridge.c) ---- */

struct netlink;
/* The bridge's index, creating and configuring it when it is missing
 * (after a reboot); an existing link of that name must be a bridge. */
int netbridge_ensure(struct netlink *nl, const struct spec_network *n, int *ret_index,
		     struct brig_error *err);
int netbridge_remove(struct netlink *nl, const struct spec_network *n, struct brig_error *err);

/* ---- address allocation (lease.c, pure) ---- */

/* The first address is the bridge's (host-reachable) or reserved: the
 * container range is first+1 .. broadcast-1. want NULL: the lowest free. */
int lease_pick(const struct spec_network *n, const struct spec_lease *v, size_t nv,
	       const uint32_t *want, uint32_t *ret, struct brig_error *err);
/* Whether addr may be asked for on n (in the subnet, not reserved). */
int lease_check(const struct spec_network *n, uint32_t addr, struct brig_error *err);
/* Drops the leases stale() says are void; returns the new count. */
size_t lease_prune(struct spec_lease *v, size_t n,
		   bool (*stale)(const struct spec_lease *l, void *data), void *data);
/* Whether two subnets share an address. */
bool lease_subnets_overlap(const struct spec_cidr *a, const struct spec_cidr *b);

/* ---- setup and teardown internals (network.c, netdev.c) ---- */

/* The two sides of a container's networking. */
struct net_ctx {
	struct netlink *host;
	struct netlink *ctr; /* NULL: the container's namespace is gone */
	int netns_fd;	     /* the container's, -1 when gone */
	int host_netns_fd;   /* brig's own */
};

/* Reads each netDevice on the host (index, MAC, state, addresses) into
 * rec->devs; a missing device is an error. */
int netdev_gather(struct net_ctx *c, const struct network_plan *p, struct spec_netrecord *rec,
		  struct brig_error *err);
/* Moves them into the container, renamed, with their addresses, up. */
int netdev_move_in(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err);
/* Brings each back under its host name with its addresses, wherever it is. */
int netdev_move_out(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err);
