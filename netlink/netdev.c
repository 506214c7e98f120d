// SPDX-License-Identifier: Apache-2.0
/* linux.netDevices (config-linux.md "Network Devices"): move each named host
 * interface into the container, renamed, keeping its permanent global
 * addresses (a move flushes them, so they are read before and added after)
 * and set up. On delete brig moves it back under its original name, with
 * the addresses it had (see docs/networking.md for how that relates to the
 * spec's words on namespace lifecycle). */
#include "netlink/internal.h"
#include "netlink/rtnl/rtnl.h"

#include <linux/if_addr.h>
#include <sys/socket.h>
#include <time.h>

/* config-linux.md: "all permanent IP addresses (IFA_F_PERMANENT flag) of any
 * family with global scope (RT_SCOPE_UNIVERSE value)" */
static bool kept_address(const struct netlink_addr *a)
{
	return (a->flags & IFA_F_PERMANENT) && a->scope == RT_SCOPE_UNIVERSE;
}

static void to_record(const struct netlink_addr *a, struct spec_ifaddr *r)
{
	r->family = a->family;
	memcpy(r->local, a->local, sizeof(r->local));
	r->prefix = a->prefixlen;
	r->has_peer = a->has_peer;
	memcpy(r->peer, a->peer, sizeof(r->peer));
	r->has_broadcast = a->has_broadcast;
	memcpy(r->broadcast, a->broadcast, 4);
	r->scope = a->scope;
	/* what the kernel derives (permanent, tentative...) is not ours to set */
	r->flags = a->flags & (IFA_F_NODAD | IFA_F_NOPREFIXROUTE | IFA_F_HOMEADDRESS);
}

static void from_record(const struct spec_ifaddr *r, int index, struct netlink_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = r->family;
	a->index = index;
	a->prefixlen = (uint8_t)r->prefix;
	a->scope = r->scope;
	a->flags = r->flags;
	memcpy(a->local, r->local, sizeof(a->local));
	a->has_peer = r->has_peer;
	memcpy(a->peer, r->peer, sizeof(a->peer));
	a->has_broadcast = r->has_broadcast;
	memcpy(a->broadcast, r->broadcast, 4);
}

static int gather_one(struct net_ctx *c, const struct spec_net_device *d,
		      struct spec_netdev_record *r, struct brig_error *err)
{
	struct netlink_link_info info;
	if (netlink_link_get(c->host, 0, d->host_name, &info, err) < 0) {
		if (err->errnum == ENODEV)
			return err_set(err, ENODEV, "device '%s' does not exist on the host",
				       d->host_name);
		return -1;
	}
	r->host_name = xstrdup(d->host_name);
	r->name = xstrdup(d->name ? d->name : d->host_name);
	r->host_index = info.index;
	r->has_mac = info.has_mac;
	memcpy(r->mac, info.mac, 6);
	r->kind = xstrdup(info.kind);
	r->was_up = (info.flags & IFF_UP) != 0;
	_cleanup_free_ struct netlink_addr *v = NULL;
	size_t n;
	if (netlink_addr_list(c->host, AF_UNSPEC, info.index, &v, &n, err) < 0)
		return -1;
	r->addrs = xcalloc(n + 1, sizeof(*r->addrs));
	for (size_t i = 0; i < n; i++)
		if (kept_address(&v[i]))
			to_record(&v[i], &r->addrs[r->n_addrs++]);
	return 0;
}

/* Without a "%d" template the name must be free in the container: the
 * kernel would move the device first and fail the rename after. */
static int check_free(struct net_ctx *c, const struct spec_netdev_record *r, struct brig_error *err)
{
	struct netlink_link_info info;
	if (strchr(r->name, '%'))
		return 0;
	if (netlink_link_get(c->ctr, 0, r->name, &info, err) == 0)
		return err_set(err, EEXIST,
			       "device '%s': the container already has a device named '%s'",
			       r->host_name, r->name);
	return err->errnum == ENODEV ? 0 : -1;
}

int netdev_gather(struct net_ctx *c, const struct network_plan *p, struct spec_netrecord *rec,
		  struct brig_error *err)
{
	rec->devs = xcalloc(p->n_devs + 1, sizeof(*rec->devs));
	for (size_t i = 0; i < p->n_devs; i++) {
		if (gather_one(c, &p->devs[i], &rec->devs[rec->n_devs], err) < 0)
			return err_wrap(err, "linux.netDevices");
		rec->n_devs++;
		if (check_free(c, &rec->devs[rec->n_devs - 1], err) < 0)
			return err_wrap(err, "linux.netDevices");
	}
	return 0;
}

/* Where a moved device is now among links: its index if it kept it, else
 * its MAC under the expected name, else its MAC alone. NULL: not there. */
static const struct netlink_link_info *find_dev(const struct netlink_link_info *v, size_t n,
						const struct spec_netdev_record *r,
						const char *name)
{
	const struct netlink_link_info *by_mac = NULL;
	for (size_t i = 0; i < n; i++) {
		bool mac = r->has_mac && v[i].has_mac && !memcmp(v[i].mac, r->mac, 6);
		if (v[i].index == r->host_index && (mac || !r->has_mac))
			return &v[i];
		if (mac && name && !strcmp(v[i].name, name))
			return &v[i];
		if (mac && !by_mac)
			by_mac = &v[i];
	}
	return by_mac;
}

static int locate(struct netlink *nl, const struct spec_netdev_record *r, const char *name,
		  struct netlink_link_info *ret, struct brig_error *err)
{
	_cleanup_free_ struct netlink_link_info *v = NULL;
	size_t n;
	if (netlink_link_list(nl, &v, &n, err) < 0)
		return -1;
	const struct netlink_link_info *l = find_dev(v, n, r, name);
	if (!l)
		return 0;
	*ret = *l;
	return 1;
}

static int add_addresses(struct netlink *nl, const struct spec_netdev_record *r, int index,
			 struct brig_error *err)
{
	for (size_t i = 0; i < r->n_addrs; i++) {
		struct netlink_addr a;
		from_record(&r->addrs[i], index, &a);
		if (netlink_addr_add(nl, &a, err) < 0 && err->errnum != EEXIST)
			return -1;
	}
	return 0;
}

static int move_in_one(struct net_ctx *c, const struct spec_netdev_record *r,
		       struct brig_error *err)
{
	struct netlink_link_req req = {.index = r->host_index,
				       .new_name = r->name,
				       .set_netns_fd = true,
				       .netns_fd = c->netns_fd};
	if (netlink_link_set(c->host, &req, err) < 0)
		return err_wrap(err, "move '%s' into the container as '%s'", r->host_name, r->name);
	struct netlink_link_info info;
	int found = locate(c->ctr, r, strchr(r->name, '%') ? NULL : r->name, &info, err);
	if (found <= 0)
		return found < 0 ? -1
				 : err_set(err, ENODEV, "'%s' moved, but is not in the container",
					   r->host_name);
	/* config-linux.md: the runtime MUST set the device "up" after moving it */
	if (add_addresses(c->ctr, r, info.index, err) < 0 ||
	    netlink_link_up(c->ctr, info.index, err) < 0)
		return err_wrap(err, "configure '%s' in the container", info.name);
	return 0;
}

int netdev_move_in(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err)
{
	for (size_t i = 0; i < rec->n_devs; i++)
		if (move_in_one(c, &rec->devs[i], err) < 0)
			return err_wrap(err, "linux.netDevices");
	return 0;
}

/* Back on the host (by us or by the kernel): its name, addresses, state. */
static int restore_on_host(struct net_ctx *c, const struct spec_netdev_record *r,
			   struct netlink_link_info *info, struct brig_error *err)
{
	if (strcmp(info->name, r->host_name) != 0) {
		/* the kernel brings it back down, so it can be renamed */
		if (netlink_link_down(c->host, info->index, err) < 0 ||
		    netlink_link_rename(c->host, info->index, r->host_name, err) < 0)
			return -1;
	}
	if (add_addresses(c->host, r, info->index, err) < 0)
		return -1;
	return r->was_up ? netlink_link_up(c->host, info->index, err) : 0;
}

/* After the namespace died the kernel returns a physical device to the host
 * asynchronously; a virtual one it destroys. */
static int wait_on_host(struct net_ctx *c, const struct spec_netdev_record *r,
			struct netlink_link_info *ret, struct brig_error *err)
{
	bool physical = !*r->kind;
	for (int i = 0; i < (physical ? 100 : 1); i++) {
		int found = locate(c->host, r, NULL, ret, err);
		if (found != 0)
			return found;
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	return 0;
}

static int move_out_one(struct net_ctx *c, const struct spec_netdev_record *r,
			struct brig_error *err)
{
	struct netlink_link_info info;
	int found = c->ctr ? locate(c->ctr, r, r->name, &info, err) : 0;
	if (found < 0)
		return -1;
	if (found) {
		struct netlink_link_req req = {.index = info.index,
					       .new_name = r->host_name,
					       .set_netns_fd = true,
					       .netns_fd = c->host_netns_fd};
		if (netlink_link_set(c->ctr, &req, err) < 0)
			return err_wrap(err, "move '%s' back to the host as '%s'", info.name,
					r->host_name);
	}
	found = wait_on_host(c, r, &info, err);
	if (found <= 0)
		return found < 0 ? -1 : 0; /* virtual, and gone with its namespace */
	return restore_on_host(c, r, &info, err);
}

int netdev_move_out(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err)
{
	int r = 0;
	for (size_t i = rec->n_devs; i-- > 0;) {
		struct brig_error e;
		if (move_out_one(c, &rec->devs[i], &e) < 0 && r == 0) {
			*err = e;
			r = err_wrap(err, "linux.netDevices: '%s'", rec->devs[i].host_name);
		}
	}
	return r;
}
