// SPDX-License-Identifier: Apache-2.0
/* The operations brig performs: each builds its request, sends it and names
 * the action in the error ("create veth 'vb1': File exists"). */
#include "netlink/rtnl/rtnl.h"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

/* "'eth0'" or "#7" for messages about a link. */
static const char *link_label(int index, const char *name, char buf[32])
{
	if (name && index <= 0)
		snprintf(buf, 32, "'%s'", name);
	else
		snprintf(buf, 32, "#%d", index);
	return buf;
}

struct one_link {
	struct netlink_link_info *info;
	bool found;
};

static int got_link(const struct nlmsghdr *nlh, void *data, struct brig_error *err)
{
	struct one_link *o = data;
	(void)err;
	if (netlink_parse_link(nlh, o->info) == 0)
		o->found = true;
	return 0;
}

int netlink_link_get(struct netlink *nl, int index, const char *name, struct netlink_link_info *ret,
		     struct brig_error *err)
{
	struct netlink_msg m;
	char l[32];
	struct one_link o = {.info = ret};
	if (netlink_msg_link_get(&m, index, name, err) < 0 ||
	    netlink_query(nl, &m, got_link, &o, err) < 0)
		return err_wrap(err, "get link %s", link_label(index, name, l));
	if (!o.found)
		return err_set(err, ENODEV, "get link %s: no such device",
			       link_label(index, name, l));
	return 0;
}

struct link_list {
	struct netlink_link_info *v;
	size_t n, cap;
};

static int add_link(const struct nlmsghdr *nlh, void *data, struct brig_error *err)
{
	struct link_list *l = data;
	(void)err;
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 8) * sizeof(*l->v));
	if (netlink_parse_link(nlh, &l->v[l->n]) == 0)
		l->n++;
	return 0;
}

int netlink_link_list(struct netlink *nl, struct netlink_link_info **ret, size_t *ret_n,
		      struct brig_error *err)
{
	struct netlink_msg m;
	struct link_list l = {0};
	netlink_msg_link_dump(&m);
	if (netlink_query(nl, &m, add_link, &l, err) < 0) {
		free(l.v);
		return err_wrap(err, "list links");
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

int netlink_link_set(struct netlink *nl, const struct netlink_link_req *r, struct brig_error *err)
{
	struct netlink_msg m;
	char l[32];
	if (netlink_msg_link_set(&m, r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "change link %s", link_label(r->index, r->name, l));
	return 0;
}

static int set_one(struct netlink *nl, const struct netlink_link_req *r, const char *what,
		   struct brig_error *err)
{
	struct netlink_msg m;
	if (netlink_msg_link_set(&m, r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "%s of link #%d", what, r->index);
	return 0;
}

int netlink_link_up(struct netlink *nl, int index, struct brig_error *err)
{
	return set_one(nl, &(struct netlink_link_req){.index = index, .state = NETLINK_UP},
		       "set up", err);
}

int netlink_link_down(struct netlink *nl, int index, struct brig_error *err)
{
	return set_one(nl, &(struct netlink_link_req){.index = index, .state = NETLINK_DOWN},
		       "set down", err);
}

int netlink_link_rename(struct netlink *nl, int index, const char *new_name, struct brig_error *err)
{
	struct netlink_msg m;
	struct netlink_link_req r = {.index = index, .new_name = new_name};
	if (netlink_msg_link_set(&m, &r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "rename link #%d to '%s'", index, new_name);
	return 0;
}

int netlink_link_del(struct netlink *nl, int index, const char *name, struct brig_error *err)
{
	struct netlink_msg m;
	char l[32];
	if (netlink_msg_link_del(&m, index, name, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "delete link %s", link_label(index, name, l));
	return 0;
}

int netlink_veth_add(struct netlink *nl, const struct netlink_veth_req *r, struct brig_error *err)
{
	struct netlink_msg m;
	if (netlink_msg_veth_add(&m, r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "create veth '%s' (peer '%s')", r->name, r->peer_name);
	return 0;
}

int netlink_bridge_add(struct netlink *nl, const struct netlink_bridge_req *r,
		       struct brig_error *err)
{
	struct netlink_msg m;
	if (netlink_msg_bridge_add(&m, r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "create bridge '%s'", r->name);
	return 0;
}

int netlink_inet_conf(struct netlink *nl, int index, bool ip_forward, bool ipv6_ll,
		      struct brig_error *err)
{
	struct netlink_msg m;
	netlink_msg_inet_conf(&m, index, ip_forward, ipv6_ll);
	if (netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "set IP forwarding and IPv6 link-local of link #%d", index);
	return 0;
}

int netlink_port_isolated(struct netlink *nl, int index, bool on, struct brig_error *err)
{
	struct netlink_msg m;
	netlink_msg_port_isolated(&m, index, on);
	if (netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "set bridge port isolation of link #%d", index);
	return 0;
}

int netlink_addr_add(struct netlink *nl, const struct netlink_addr *a, struct brig_error *err)
{
	struct netlink_msg m;
	char buf[NETLINK_ADDR_STRLEN];
	if (netlink_msg_addr_add(&m, a, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "add address %s to link #%d", netlink_addr_format(a, buf),
				a->index);
	return 0;
}

struct addr_list {
	int index;
	struct netlink_addr *v;
	size_t n, cap;
};

static int add_addr(const struct nlmsghdr *nlh, void *data, struct brig_error *err)
{
	struct addr_list *l = data;
	struct netlink_addr a;
	(void)err;
	if (netlink_parse_addr(nlh, &a) < 0 || (l->index > 0 && a.index != l->index))
		return 0;
	if (l->n == l->cap)
		l->v = xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 8) * sizeof(*l->v));
	l->v[l->n++] = a;
	return 0;
}

int netlink_addr_list(struct netlink *nl, int family, int index, struct netlink_addr **ret,
		      size_t *ret_n, struct brig_error *err)
{
	struct netlink_msg m;
	struct addr_list l = {.index = index};
	netlink_msg_addr_dump(&m, family, index);
	if (netlink_query(nl, &m, add_addr, &l, err) < 0) {
		free(l.v);
		return err_wrap(err, "list addresses of link #%d", index);
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

int netlink_link_up_by_name(const char *name, struct brig_error *err)
{
	_cleanup_netlink_ struct netlink *nl = netlink_open(err);
	if (!nl)
		return -1;
	struct netlink_msg m;
	struct netlink_link_req r = {.name = name, .state = NETLINK_UP};
	if (netlink_msg_link_set(&m, &r, err) < 0 || netlink_request(nl, &m, err) < 0)
		return err_wrap(err, "bring '%s' up", name);
	return 0;
}
