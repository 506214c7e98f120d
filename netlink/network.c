// SPDX-License-Identifier: Apache-2.0
/* A container's networking at create and delete: the plan (which network,
 * which address, which netDevices; checked before clone), the setup while
 * the child waits with its namespaces made, and the teardown from the record
 * the setup wrote before acting. A container joins a brig network through a
 * veth pair: the host end on the network's bridge, the other end created
 * right in the container's namespace as eth0 with its leased address. */
#include "netlink/internal.h"
#include "netlink/rtnl/rtnl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

/* ---- plan ---- */

static int split_network_opt(const char *opt, char **ret_name, char **ret_ip)
{
	const char *colon = strchr(opt, ':');
	*ret_name = colon ? strndup(opt, (size_t)(colon - opt)) : xstrdup(opt);
	*ret_ip = colon ? xstrdup(colon + 1) : NULL;
	return 0;
}

static int plan_join(struct network_plan *p, const struct spec *s, const char *name, const char *ip,
		     struct brig_error *err)
{
	const struct spec_namespace *ns = &s->linux.namespaces[SPEC_NS_NETWORK];
	if (!ns->present || ns->path)
		return err_set(err, EINVAL,
			       "network '%s': the container needs a new network namespace "
			       "(linux.namespaces: {\"type\": \"network\"} without a path)",
			       name);
	if (geteuid() != 0)
		return err_set(err, EPERM, "network '%s': brig networks need root", name);
	_cleanup_close_ int dir_fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 && errno == ENOENT)
		return err_set(err, ENOENT, "network '%s' does not exist", name);
	if (dir_fd < 0)
		return err_sys(err, "open networks directory '%s'", p->dir);
	if (netstore_load(dir_fd, name, &p->net, err) < 0)
		return -1;
	p->join = true;
	if (ip) {
		if (spec_ipv4_parse(ip, &p->ip, err) < 0 || lease_check(&p->net, p->ip, err) < 0)
			return err_wrap(err, "network '%s'", name);
		p->has_ip = true;
	}
	for (size_t i = 0; i < s->linux.n_net_devices; i++) {
		const struct spec_net_device *d = &s->linux.net_devices[i];
		if (!strcmp(d->name ? d->name : d->host_name, NETWORK_IFNAME))
			return err_set(err, EINVAL,
				       "linux.netDevices: '%s' would be named " NETWORK_IFNAME
				       ", the name of the network '%s' link",
				       d->host_name, name);
	}
	return 0;
}

static int plan_devs(struct network_plan *p, const struct spec *s, struct brig_error *err)
{
	const struct spec_linux *l = &s->linux;
	p->devs = xcalloc(l->n_net_devices + 1, sizeof(*p->devs));
	for (size_t i = 0; i < l->n_net_devices; i++) {
		const char *name =
		    l->net_devices[i].name ? l->net_devices[i].name : l->net_devices[i].host_name;
		for (size_t j = 0; j < i; j++) {
			const char *other =
			    p->devs[j].name ? p->devs[j].name : p->devs[j].host_name;
			if (!strcmp(name, other) && !strchr(name, '%'))
				return err_set(
				    err, EINVAL,
				    "linux.netDevices: '%s' and '%s' are both named '%s'",
				    p->devs[j].host_name, l->net_devices[i].host_name, name);
		}
		p->devs[i].host_name = xstrdup(l->net_devices[i].host_name);
		p->devs[i].name = l->net_devices[i].name ? xstrdup(l->net_devices[i].name) : NULL;
		p->n_devs++;
	}
	return 0;
}

bool network_privileged(void)
{
	return geteuid() == 0 && !process_in_userns();
}

int network_plan(const struct spec *s, const char *root, const char *id, const char *network_opt,
		 struct network_plan *ret, struct brig_error *err)
{
	memset(ret, 0, sizeof(*ret));
	_cleanup_free_ char *name = NULL, *ip = NULL;
	if (network_opt)
		split_network_opt(network_opt, &name, &ip);
	else {
		const char *a = spec_annotation(s, NETWORK_ANNOTATION);
		const char *b = spec_annotation(s, NETWORK_IP_ANNOTATION);
		name = a && *a ? xstrdup(a) : NULL;
		ip = b && *b ? xstrdup(b) : NULL;
	}
	if (name && !strcmp(name, "none"))
		free(steal_ptr(&name)), free(steal_ptr(&ip));
	if (!name && ip)
		return err_set(err, EINVAL, NETWORK_IP_ANNOTATION " needs " NETWORK_ANNOTATION);
	if (!name && !s->linux.n_net_devices)
		return 0;
	if (name && !network_privileged())
		return err_set(
		    err, EPERM,
		    "network '%s': brig's networks need root (they are host bridges); "
		    "rootless containers use their caller's network (slirp4netns, pasta)",
		    name);
	ret->active = true;
	ret->own_netns = !s->linux.namespaces[SPEC_NS_NETWORK].path;
	ret->dir = xstrdup(network_dir());
	ret->id = xstrdup(id);
	ret->root = realpath(root, NULL);
	if (!ret->root)
		return err_sys(err, "state root '%s'", root);
	if (name &&
	    (spec_network_name_validate(name, err) < 0 || plan_join(ret, s, name, ip, err) < 0))
		return -1;
	return plan_devs(ret, s, err);
}

void network_plan_free(struct network_plan *p)
{
	free(p->root);
	free(p->id);
	free(p->dir);
	spec_network_clear(&p->net);
	for (size_t i = 0; i < p->n_devs; i++) {
		free(p->devs[i].host_name);
		free(p->devs[i].name);
	}
	free(p->devs);
	memset(p, 0, sizeof(*p));
}

/* ---- the record ---- */

static int save_record(int state_dir_fd, const struct spec_netrecord *rec, struct brig_error *err)
{
	_cleanup_free_ char *text = spec_netrecord_format(rec);
	if (write_file_atomic(state_dir_fd, NETWORK_RECORD, text, strlen(text), 0600, err) < 0)
		return err_wrap(err, "save network record");
	return 0;
}

/* "vb" and 12 hex digits of the container's root and id: unique per
 * container, and within IFNAMSIZ. */
static char *host_veth_name(const char *root, const char *id)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	_cleanup_free_ char *key = xasprintf("%s/%s", root, id);
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h ^= h >> 33; /* murmur3's finalizer: every input bit moves the output */
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return xasprintf("vb%012llx", (unsigned long long)(h >> 16));
}

static int take_lease(const struct network_plan *p, struct spec_netrecord *rec, int *ret_bridge,
		      struct net_ctx *c, struct brig_error *err)
{
	struct netstore st;
	if (netstore_open(p->dir, false, &st, err) < 0)
		return -1;
	struct spec_network n = {0};
	struct spec_lease *v = NULL;
	size_t nv = 0;
	uint32_t addr;
	/* the definition again, under the lock: it may have been removed */
	int r = netstore_load(st.dir_fd, p->net.name, &n, err);
	if (r == 0)
		r = netbridge_ensure(c->host, &n, ret_bridge, err);
	if (r == 0)
		r = netstore_leases(st.dir_fd, n.name, &v, &nv, err);
	if (r == 0)
		r = lease_pick(&n, v, nv, p->has_ip ? &p->ip : NULL, &addr, err);
	if (r == 0) {
		v = xrealloc(v, (nv + 1) * sizeof(*v));
		v[nv++] =
		    (struct spec_lease){addr, xstrdup(p->id), xstrdup(p->root), netstore_boot_id()};
		r = netstore_save_leases(st.dir_fd, n.name, v, nv, err);
	}
	if (r == 0) {
		rec->network = xstrdup(n.name);
		rec->dir = xstrdup(p->dir);
		rec->root = xstrdup(p->root);
		rec->id = xstrdup(p->id);
		rec->address = addr;
		rec->host_veth = host_veth_name(p->root, p->id);
	}
	spec_leases_free(v, nv);
	spec_network_clear(&n);
	netstore_close(&st);
	return r;
}

static void ipv4_bytes(uint32_t addr, uint8_t out[4])
{
	uint32_t be = htonl(addr);
	memcpy(out, &be, 4);
}

static int join(struct net_ctx *c, const struct network_plan *p, const struct spec_netrecord *rec,
		int bridge, struct brig_error *err)
{
	/* a MAC from the address: a reused address keeps neighbours' ARP entries right */
	struct netlink_veth_req v = {.name = rec->host_veth,
				     .peer_name = NETWORK_IFNAME,
				     .mtu = p->net.mtu,
				     .master = bridge,
				     .up = true,
				     .set_peer_mac = true,
				     .peer_mac = {0x02, 0xb2},
				     .set_peer_netns_fd = true,
				     .peer_netns_fd = c->netns_fd};
	ipv4_bytes(rec->address, v.peer_mac + 2);
	struct netlink_link_info host, inner;
	if (netlink_veth_add(c->host, &v, err) < 0)
		return -1;
	if (!p->net.icc && (netlink_link_get(c->host, 0, rec->host_veth, &host, err) < 0 ||
			    netlink_port_isolated(c->host, host.index, true, err) < 0))
		return -1;
	if (netlink_link_get(c->ctr, 0, NETWORK_IFNAME, &inner, err) < 0)
		return -1;
	/* the address brings its subnet route; there is no default route */
	struct netlink_addr a = {.family = AF_INET,
				 .index = inner.index,
				 .prefixlen = (uint8_t)p->net.subnet.prefix,
				 .has_broadcast = true};
	ipv4_bytes(rec->address, a.local);
	ipv4_bytes(p->net.subnet.addr | (~0u >> p->net.subnet.prefix), a.broadcast);
	if (netlink_addr_add(c->ctr, &a, err) < 0)
		return -1;
	return netlink_link_up(c->ctr, inner.index, err);
}

/* ---- setup ---- */

static int open_ctx(struct net_ctx *c, pid_t pid, struct brig_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	c->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->netns_fd < 0)
		return err_sys(err, "open the container's network namespace");
	c->host_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (c->host_netns_fd < 0)
		return err_sys(err, "open brig's network namespace");
	if (!(c->host = netlink_open(err)) || !(c->ctr = netlink_open_netns(c->netns_fd, err)))
		return -1;
	return 0;
}

static void close_ctx(struct net_ctx *c)
{
	netlink_close(c->host);
	netlink_close(c->ctr);
	closep(&c->netns_fd);
	closep(&c->host_netns_fd);
}

static int setup_in(struct net_ctx *c, const struct network_plan *p, pid_t pid, int state_dir_fd,
		    struct brig_error *err)
{
	struct spec_netrecord rec = {
	    .pid = pid, .start_time = process_start_time(pid), .own_netns = p->own_netns};
	int bridge = 0, r = netdev_gather(c, p, &rec, err);
	if (r == 0 && p->join)
		r = take_lease(p, &rec, &bridge, c, err);
	/* from here on the record tells teardown what to undo */
	if (r == 0)
		r = save_record(state_dir_fd, &rec, err);
	if (r == 0)
		r = netdev_move_in(c, &rec, err);
	if (r == 0 && p->join && join(c, p, &rec, bridge, err) < 0)
		r = err_wrap(err, "network '%s'", p->net.name);
	spec_netrecord_clear(&rec);
	return r;
}

int network_setup(const struct network_plan *p, pid_t init_pid, int state_dir_fd,
		  struct brig_error *err)
{
	if (!p->active)
		return 0;
	struct net_ctx c = {.netns_fd = -1, .host_netns_fd = -1};
	int r = open_ctx(&c, init_pid, err);
	if (r == 0)
		r = setup_in(&c, p, init_pid, state_dir_fd, err);
	close_ctx(&c);
	if (r < 0) {
		struct brig_error ignored;
		network_teardown(state_dir_fd, &ignored);
	}
	return r;
}

/* ---- teardown ---- */

static int release_lease(const struct spec_netrecord *rec, struct brig_error *err)
{
	struct netstore st;
	if (netstore_open(rec->dir, false, &st, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	struct spec_lease *v = NULL;
	size_t nv = 0, k = 0;
	int r = netstore_leases(st.dir_fd, rec->network, &v, &nv, err);
	for (size_t i = 0; r == 0 && i < nv; i++) {
		if (!strcmp(v[i].id, rec->id) && !strcmp(v[i].root, rec->root)) {
			free(v[i].id), free(v[i].root), free(v[i].boot_id);
			continue;
		}
		v[k++] = v[i];
	}
	if (r == 0)
		r = netstore_save_leases(st.dir_fd, rec->network, v, k, err);
	spec_leases_free(v, k);
	netstore_close(&st);
	return r;
}

static int leave(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err)
{
	/* the host end first: its peer goes with it, then the address is free */
	if (netlink_link_del(c->host, 0, rec->host_veth, err) < 0 && err->errnum != ENODEV)
		return -1;
	return release_lease(rec, err);
}

/* The container's namespace if its init still lives. */
static void open_live_netns(struct net_ctx *c, const struct spec_netrecord *rec)
{
	char path[64];
	struct brig_error ignored;
	if (!rec->own_netns || !process_alive(rec->pid, rec->start_time))
		return;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", rec->pid);
	c->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	/* checked again: the pid may have been reused in between */
	if (c->netns_fd >= 0 && process_alive(rec->pid, rec->start_time))
		c->ctr = netlink_open_netns(c->netns_fd, &ignored);
}

static int teardown_in(struct net_ctx *c, const struct spec_netrecord *rec, struct brig_error *err)
{
	int r = 0;
	struct brig_error e;
	c->host = netlink_open(err);
	c->host_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!c->host || c->host_netns_fd < 0)
		return c->host ? err_sys(err, "open brig's network namespace") : -1;
	open_live_netns(c, rec);
	/* a namespace joined by path is its owner's: devices stay (config-linux.md) */
	if (rec->own_netns && netdev_move_out(c, rec, &e) < 0)
		r = (*err = e, -1);
	if (rec->network && leave(c, rec, &e) < 0 && r == 0) {
		*err = e;
		r = err_wrap(err, "network '%s'", rec->network);
	}
	return r;
}

int network_teardown(int state_dir_fd, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(state_dir_fd, NETWORK_RECORD, &text, NULL, err) < 0)
		return err->errnum == ENOENT ? 0 : -1;
	struct spec_netrecord rec;
	if (spec_netrecord_parse(text, &rec, err) < 0)
		return -1;
	struct net_ctx c = {.netns_fd = -1, .host_netns_fd = -1};
	int r = teardown_in(&c, &rec, err);
	close_ctx(&c);
	spec_netrecord_clear(&rec);
	if (r == 0 && unlinkat(state_dir_fd, NETWORK_RECORD, 0) < 0 && errno != ENOENT)
		r = err_sys(err, "remove network record");
	return r < 0 ? err_wrap(err, "network teardown") : 0;
}
