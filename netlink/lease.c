// SPDX-License-Identifier: Apache-2.0
/* Address allocation on a brig network: pure functions over the lease list,
 * so tests/test_network.c covers exhaustion, reuse and requests. */
#include "netlink/internal.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
}

/* The container range: after the network address and the bridge's, before
 * the broadcast address. */
static void range_of(const struct spec_cidr *c, uint32_t *first, uint32_t *last)
{
	uint32_t bcast = c->addr | ~mask_of(c->prefix);
	*first = c->addr + 2;
	*last = bcast - 1;
}

int lease_check(const struct spec_network *n, uint32_t addr, struct brig_error *err)
{
	char ip[16], net[16];
	uint32_t first, last;
	spec_ipv4_format(addr, ip);
	spec_ipv4_format(n->subnet.addr, net);
	if ((addr & mask_of(n->subnet.prefix)) != n->subnet.addr)
		return err_set(err, EINVAL, "address %s is not in network '%s' (%s/%u)", ip,
			       n->name, net, n->subnet.prefix);
	range_of(&n->subnet, &first, &last);
	if (addr < first || addr > last)
		return err_set(err, EINVAL,
			       "address %s is reserved in network '%s' (the network, bridge "
			       "and broadcast addresses)",
			       ip, n->name);
	return 0;
}

static const struct spec_lease *find_addr(const struct spec_lease *v, size_t nv, uint32_t addr)
{
	for (size_t i = 0; i < nv; i++)
		if (v[i].addr == addr)
			return &v[i];
	return NULL;
}

int lease_pick(const struct spec_network *n, const struct spec_lease *v, size_t nv,
	       const uint32_t *want, uint32_t *ret, struct brig_error *err)
{
	if (want) {
		if (lease_check(n, *want, err) < 0)
			return -1;
		const struct spec_lease *l = find_addr(v, nv, *want);
		if (l) {
			char ip[16];
			spec_ipv4_format(*want, ip);
			return err_set(err, EADDRINUSE,
				       "address %s of network '%s' is in use by container '%s'", ip,
				       n->name, l->id);
		}
		*ret = *want;
		return 0;
	}
	uint32_t first, last;
	range_of(&n->subnet, &first, &last);
	/* the lowest free address: a released one is reused first */
	for (uint32_t a = first; a <= last; a++) {
		if (!find_addr(v, nv, a)) {
			*ret = a;
			return 0;
		}
	}
	char net[16];
	spec_ipv4_format(n->subnet.addr, net);
	return err_set(err, ENOSPC, "network '%s' has no free address (%s/%u: %u in use)", n->name,
		       net, n->subnet.prefix, (unsigned)nv);
}

size_t lease_prune(struct spec_lease *v, size_t n,
		   bool (*stale)(const struct spec_lease *l, void *data), void *data)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (stale(&v[i], data)) {
			free(v[i].id);
			free(v[i].root);
			free(v[i].boot_id);
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

bool lease_subnets_overlap(const struct spec_cidr *a, const struct spec_cidr *b)
{
	unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;
	return (a->addr & mask_of(p)) == (b->addr & mask_of(p));
}
