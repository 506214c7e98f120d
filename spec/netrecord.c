// SPDX-License-Identifier: Apache-2.0
/* The record of a container's networking (<root>/<id>/network.json): what
 * network setup is about to do, written first, so that teardown can undo a
 * setup that failed or a container that was killed, from any point. */
#include "spec/internal.h"

#include <arpa/inet.h>
#include <sys/socket.h>

static const char doc_name[] = "network.json";

static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value ? value : ""));
}

static void set_ip(json_t *obj, const char *key, int family, const void *addr)
{
	char buf[INET6_ADDRSTRLEN] = "";
	inet_ntop(family, addr, buf, sizeof(buf));
	set_str(obj, key, buf);
}

static json_t *ifaddr_object(const struct spec_ifaddr *a)
{
	json_t *obj = json_object();
	set_ip(obj, "local", a->family, a->local);
	json_object_set_new(obj, "prefix", json_integer(a->prefix));
	if (a->has_peer)
		set_ip(obj, "peer", a->family, a->peer);
	if (a->has_broadcast)
		set_ip(obj, "broadcast", AF_INET, a->broadcast);
	json_object_set_new(obj, "scope", json_integer(a->scope));
	json_object_set_new(obj, "flags", json_integer(a->flags));
	return obj;
}

static json_t *netdev_object(const struct spec_netdev_record *d)
{
	json_t *obj = json_object();
	set_str(obj, "hostName", d->host_name);
	set_str(obj, "name", d->name);
	json_object_set_new(obj, "hostIndex", json_integer(d->host_index));
	if (d->has_mac) {
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", d->mac[0], d->mac[1],
			 d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
		set_str(obj, "mac", mac);
	}
	set_str(obj, "kind", d->kind);
	json_object_set_new(obj, "wasUp", json_boolean(d->was_up));
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n_addrs; i++)
		json_array_append_new(arr, ifaddr_object(&d->addrs[i]));
	json_object_set_new(obj, "addresses", arr);
	return obj;
}

char *spec_netrecord_format(const struct spec_netrecord *r)
{
	json_t *obj = json_object();
	json_object_set_new(obj, "pid", json_integer(r->pid));
	json_object_set_new(obj, "startTime", json_integer((json_int_t)r->start_time));
	json_object_set_new(obj, "ownNetns", json_boolean(r->own_netns));
	if (r->network) {
		json_t *n = json_object();
		char ip[16];
		spec_ipv4_format(r->address, ip);
		set_str(n, "name", r->network);
		set_str(n, "dir", r->dir);
		set_str(n, "root", r->root);
		set_str(n, "id", r->id);
		set_str(n, "address", ip);
		set_str(n, "hostVeth", r->host_veth);
		json_object_set_new(obj, "network", n);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_devs; i++)
		json_array_append_new(arr, netdev_object(&r->devs[i]));
	json_object_set_new(obj, "netDevices", arr);
	char *text = json_dumps(obj, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (!text)
		abort();
	return text;
}

/* An address string into 4 or 16 bytes of family's. */
static int get_ip(struct pctx *c, json_t *obj, const char *key, bool required, int family,
		  uint8_t *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = get_string(c, obj, key, required, &s);
	if (r <= 0)
		return r;
	if (inet_pton(family, s, ret) != 1)
		return perr_at(c, key, "invalid address \"%s\"", s);
	return 1;
}

static int parse_ifaddr(struct pctx *c, json_t *v, void *out)
{
	struct spec_ifaddr *a = out;
	_cleanup_free_ char *local = NULL;
	uint32_t scope = 0;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (get_string(c, v, "local", REQ, &local) < 0)
		return -1;
	a->family = strchr(local, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, local, a->local) != 1)
		return perr_at(c, "local", "invalid address \"%s\"", local);
	int peer, brd;
	if (get_u32(c, v, "prefix", REQ, &a->prefix) < 0 ||
	    (peer = get_ip(c, v, "peer", OPT, a->family, a->peer)) < 0 ||
	    (brd = get_ip(c, v, "broadcast", OPT, AF_INET, a->broadcast)) < 0 ||
	    get_u32(c, v, "scope", OPT, &scope) < 0 || get_u32(c, v, "flags", OPT, &a->flags) < 0)
		return -1;
	if (a->prefix > (a->family == AF_INET ? 32u : 128u) || scope > 255)
		return perr(c, "prefix or scope out of range");
	a->has_peer = peer == 1;
	a->has_broadcast = brd == 1;
	a->scope = (uint8_t)scope;
	return 0;
}

static int parse_mac(struct pctx *c, json_t *v, struct spec_netdev_record *d)
{
	_cleanup_free_ char *mac = NULL;
	int r = get_string(c, v, "mac", OPT, &mac);
	if (r <= 0)
		return r;
	unsigned b[6];
	if (sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return perr_at(c, "mac", "invalid MAC address \"%s\"", mac);
	for (int i = 0; i < 6; i++)
		d->mac[i] = (uint8_t)b[i];
	d->has_mac = true;
	return 1;
}

static int parse_netdev(struct pctx *c, json_t *v, void *out)
{
	struct spec_netdev_record *d = out;
	int64_t index = 0;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (get_string(c, v, "hostName", REQ, &d->host_name) < 0 ||
	    get_string(c, v, "name", REQ, &d->name) < 0 ||
	    get_i64(c, v, "hostIndex", REQ, 0, INT32_MAX, &index) < 0 || parse_mac(c, v, d) < 0 ||
	    get_string(c, v, "kind", OPT, &d->kind) < 0 ||
	    get_bool(c, v, "wasUp", OPT, &d->was_up) < 0 ||
	    get_array(c, v, "addresses", OPT, sizeof(*d->addrs), parse_ifaddr, &d->addrs,
		      &d->n_addrs) < 0)
		return -1;
	d->host_index = (int)index;
	if (!d->kind)
		d->kind = xstrdup("");
	return 0;
}

static int parse_network(struct pctx *c, json_t *v, void *out)
{
	struct spec_netrecord *r = out;
	_cleanup_free_ char *ip = NULL;
	if (get_string(c, v, "name", REQ, &r->network) < 0 ||
	    get_string(c, v, "dir", REQ, &r->dir) < 0 ||
	    get_string(c, v, "root", REQ, &r->root) < 0 ||
	    get_string(c, v, "id", REQ, &r->id) < 0 || get_string(c, v, "address", REQ, &ip) < 0 ||
	    get_string(c, v, "hostVeth", REQ, &r->host_veth) < 0)
		return -1;
	struct brig_error e;
	if (spec_ipv4_parse(ip, &r->address, &e) < 0)
		return perr_at(c, "address", "%s", e.msg);
	return 0;
}

int spec_netrecord_parse(const char *text, struct spec_netrecord *ret, struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(doc_name, err);
	memset(ret, 0, sizeof(*ret));
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	int64_t pid = 0;
	if (!root || get_i64(&c, root, "pid", REQ, 0, INT32_MAX, &pid) < 0 ||
	    get_u64(&c, root, "startTime", REQ, UINT64_MAX, &ret->start_time) < 0 ||
	    get_bool(&c, root, "ownNetns", REQ, &ret->own_netns) < 0 ||
	    get_object(&c, root, "network", OPT, parse_network, ret) < 0 ||
	    get_array(&c, root, "netDevices", OPT, sizeof(*ret->devs), parse_netdev, &ret->devs,
		      &ret->n_devs) < 0) {
		spec_netrecord_clear(ret);
		return -1;
	}
	ret->pid = (pid_t)pid;
	return 0;
}

void spec_netrecord_clear(struct spec_netrecord *r)
{
	free(r->network);
	free(r->dir);
	free(r->root);
	free(r->id);
	free(r->host_veth);
	for (size_t i = 0; i < r->n_devs; i++) {
		free(r->devs[i].host_name);
		free(r->devs[i].name);
		free(r->devs[i].kind);
		free(r->devs[i].addrs);
	}
	free(r->devs);
	memset(r, 0, sizeof(*r));
}
