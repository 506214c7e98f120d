// SPDX-License-Identifier: Apache-2.0
/* `brig network create` and `rm` below the command line: a definition and
 * its bridge are made together and removed together, and a failure between
 * the two undoes the first. */
#include "netlink/internal.h"
#include "netlink/rtnl/rtnl.h"

#include <time.h>

/* "brig-NAME" when it fits a link name, else "brig-" and a hash of NAME. */
static char *bridge_name(const char *name)
{
	if (strlen(name) <= NETLINK_NAME_MAX - 5)
		return xasprintf("brig-%s", name);
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h ^= h >> 33; /* murmur3's finalizer: every input bit moves the output */
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return xasprintf("brig-%010llx", (unsigned long long)(h >> 24));
}

/* Another network on the same addresses would make the host's routes
 * ambiguous; another with the same bridge would share it. */
static int check_unique(int dir_fd, const struct spec_network *n, struct brig_error *err)
{
	_cleanup_strv_ char **names = NULL;
	if (netstore_list(dir_fd, &names, err) < 0)
		return -1;
	for (char **p = names; *p; p++) {
		struct spec_network o = {0};
		if (netstore_load(dir_fd, *p, &o, err) < 0)
			continue;
		int clash = lease_subnets_overlap(&o.subnet, &n->subnet) ? 1
			    : !strcmp(o.bridge, n->bridge)		 ? 2
									 : 0;
		char net[16];
		spec_ipv4_format(o.subnet.addr, net);
		if (clash)
			err_set(err, EEXIST, "network '%s' %s %s/%u", o.name,
				clash == 1 ? "already uses" : "has the same bridge as", net,
				o.subnet.prefix);
		spec_network_clear(&o);
		if (clash)
			return -1;
	}
	return 0;
}

static int do_create(struct netstore *st, struct spec_network *n, struct brig_error *err)
{
	struct spec_network existing = {0};
	if (netstore_load(st->dir_fd, n->name, &existing, err) == 0) {
		spec_network_clear(&existing);
		return err_set(err, EEXIST, "network '%s' already exists", n->name);
	}
	if (check_unique(st->dir_fd, n, err) < 0)
		return -1;
	_cleanup_netlink_ struct netlink *nl = netlink_open(err);
	struct netlink_link_info info;
	if (!nl)
		return -1;
	if (netlink_link_get(nl, 0, n->bridge, &info, err) == 0)
		return err_set(err, EEXIST, "a link named '%s' exists already", n->bridge);
	int index;
	if (netbridge_ensure(nl, n, &index, err) < 0)
		return -1;
	if (netstore_save(st->dir_fd, n, err) < 0) {
		struct brig_error ignored;
		netbridge_remove(nl, n, &ignored);
		return -1;
	}
	return 0;
}

int network_create(struct spec_network *n, struct brig_error *err)
{
	if (spec_network_name_validate(n->name, err) < 0)
		return -1;
	struct timespec now;
	char ts[40];
	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339(&now, ts);
	free(n->bridge);
	n->bridge = bridge_name(n->name);
	free(n->created);
	n->created = xstrdup(ts);
	struct netstore st;
	if (netstore_open(network_dir(), true, &st, err) < 0)
		return -1;
	int r = do_create(&st, n, err);
	netstore_close(&st);
	return r;
}

static int do_rm(struct netstore *st, const char *name, struct brig_error *err)
{
	struct spec_network n = {0};
	struct spec_lease *v = NULL;
	size_t nv = 0;
	if (netstore_load(st->dir_fd, name, &n, err) < 0)
		return -1;
	int r = netstore_leases(st->dir_fd, name, &v, &nv, err);
	if (r == 0 && nv > 0)
		r = err_set(err, EBUSY, "network '%s' has %zu container%s attached (first: '%s')",
			    name, nv, nv == 1 ? "" : "s", v[0].id);
	_cleanup_netlink_ struct netlink *nl = r == 0 ? netlink_open(err) : NULL;
	if (r == 0 && !nl)
		r = -1;
	if (r == 0)
		r = netbridge_remove(nl, &n, err);
	if (r == 0)
		r = netstore_remove(st->dir_fd, name, err);
	spec_leases_free(v, nv);
	spec_network_clear(&n);
	return r;
}

int network_remove(const char *name, struct brig_error *err)
{
	struct netstore st;
	if (spec_network_name_validate(name, err) < 0)
		return -1;
	if (netstore_open(network_dir(), false, &st, err) < 0)
		return err->errnum == ENOENT
			   ? err_set(err, ENOENT, "network '%s' does not exist", name)
			   : -1;
	int r = do_rm(&st, name, err);
	netstore_close(&st);
	return r;
}

int network_loopback_up(struct brig_error *err)
{
	return netlink_link_up_by_name("lo", err);
}
