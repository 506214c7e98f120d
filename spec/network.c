// SPDX-License-Identifier: Apache-2.0
/* brig networks as JSON: network definitions, their address leases, and the
 * record of what network setup did in one container. Also the IPv4 and CIDR
 * syntax they use. */
#include "spec/internal.h"

#include <arpa/inet.h>
#include <sys/socket.h>

/* ---- addresses ---- */

int spec_ipv4_parse(const char *s, uint32_t *ret, struct brig_error *err)
{
	struct in_addr a;
	/* inet_pton takes only the dotted quad: no "10.1", no octal */
	if (inet_pton(AF_INET, s, &a) != 1)
		return err_set(err, EINVAL, "invalid IPv4 address '%s'", s);
	*ret = ntohl(a.s_addr);
	return 0;
}

void spec_ipv4_format(uint32_t addr, char buf[static 16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
}

static uint32_t prefix_mask(unsigned prefix)
{
	return prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
}

int spec_cidr_parse(const char *s, struct spec_cidr *ret, struct brig_error *err)
{
	const char *slash = strchr(s, '/');
	if (!slash)
		return err_set(err, EINVAL, "invalid subnet '%s': want ADDRESS/PREFIX", s);
	char ip[32];
	if ((size_t)(slash - s) >= sizeof(ip))
		return err_set(err, EINVAL, "invalid subnet '%s'", s);
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	uint32_t addr = 0;
	int64_t prefix = 0;
	if (spec_ipv4_parse(ip, &addr, err) < 0)
		return err_set(err, EINVAL, "invalid subnet '%s': not an IPv4 address", s);
	if (parse_int64(slash + 1, 0, 32, &prefix) < 0)
		return err_set(err, EINVAL, "invalid subnet '%s': bad prefix length", s);
	if (prefix < 8 || prefix > 30)
		return err_set(err, EINVAL,
			       "invalid subnet '%s': the prefix length must be between 8 and 30",
			       s);
	uint32_t mask = prefix_mask((unsigned)prefix);
	if (addr & ~mask) {
		char net[16];
		spec_ipv4_format(addr & mask, net);
		return err_set(err, EINVAL,
			       "invalid subnet '%s': host bits are set (did you mean %s/%d?)", s,
			       net, (int)prefix);
	}
	ret->addr = addr;
	ret->prefix = (unsigned)prefix;
	return 0;
}

static void format_cidr(const struct spec_cidr *c, char buf[static 20])
{
	char ip[16];
	spec_ipv4_format(c->addr, ip);
	snprintf(buf, 20, "%s/%u", ip, c->prefix);
}

int spec_network_name_validate(const char *name, struct brig_error *err)
{
	size_t n = strlen(name);
	bool ok = n > 0 && n <= 64 && strcmp(name, "none") != 0;
	for (size_t i = 0; ok && i < n; i++) {
		char c = name[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		ok = alnum || (i > 0 && (c == '_' || c == '.' || c == '-'));
	}
	if (!ok)
		return err_set(err, EINVAL,
			       "invalid network name '%s': use up to 64 letters, digits and _.- "
			       "(starting with a letter or digit; not \"none\")",
			       name);
	return 0;
}

/* ---- JSON output helpers ---- */

static void set_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value ? value : ""));
}

static void set_ipv4(json_t *obj, const char *key, uint32_t addr)
{
	char buf[16];
	spec_ipv4_format(addr, buf);
	set_str(obj, key, buf);
}

static char *dump(json_t *j, size_t flags)
{
	char *text = json_dumps(j, flags | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		abort(); /* allocation failure: names are validated ASCII */
	return text;
}

/* ---- network definitions ---- */

static const struct name_value modes[] = {
    {"internal", SPEC_NET_INTERNAL},
    {"host-reachable", SPEC_NET_HOST_REACHABLE},
};

static json_t *network_object(const struct spec_network *n)
{
	char cidr[20];
	json_t *obj = json_object();
	format_cidr(&n->subnet, cidr);
	set_str(obj, "name", n->name);
	set_str(obj, "bridge", n->bridge);
	set_str(obj, "subnet", cidr);
	set_str(obj, "mode", modes[n->mode == SPEC_NET_HOST_REACHABLE].name);
	json_object_set_new(obj, "icc", json_boolean(n->icc));
	if (n->mtu)
		json_object_set_new(obj, "mtu", json_integer(n->mtu));
	set_str(obj, "created", n->created);
	return obj;
}

char *spec_network_format(const struct spec_network *n)
{
	return dump(network_object(n), JSON_INDENT(2));
}

static int check_net_name(struct pctx *c, const char *s)
{
	struct brig_error e;
	if (spec_network_name_validate(s, &e) < 0)
		return perr(c, "%s", e.msg);
	return 0;
}

static int check_bridge(struct pctx *c, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strpbrk(s, "/: \t\n%"))
		return perr(c, "invalid bridge name \"%s\"", s);
	return 0;
}

static int parse_subnet(struct pctx *c, json_t *obj, struct spec_network *n)
{
	_cleanup_free_ char *subnet = NULL;
	if (get_string(c, obj, "subnet", REQ, &subnet) < 0)
		return -1;
	struct brig_error e;
	if (spec_cidr_parse(subnet, &n->subnet, &e) < 0)
		return perr_at(c, "subnet", "%s", e.msg);
	return 0;
}

static int parse_network(struct pctx *c, json_t *obj, struct spec_network *n)
{
	long mode = SPEC_NET_INTERNAL;
	n->icc = true;
	if (get_string_checked(c, obj, "name", REQ, check_net_name, &n->name) < 0 ||
	    get_string_checked(c, obj, "bridge", REQ, check_bridge, &n->bridge) < 0 ||
	    parse_subnet(c, obj, n) < 0 ||
	    get_enum(c, obj, "mode", OPT, modes, ARRAY_SIZE(modes), "mode", &mode) < 0 ||
	    get_bool(c, obj, "icc", OPT, &n->icc) < 0 || get_u32(c, obj, "mtu", OPT, &n->mtu) < 0 ||
	    get_string(c, obj, "created", OPT, &n->created) < 0)
		return -1;
	n->mode = (enum spec_net_mode)mode;
	if (n->mtu && (n->mtu < 68 || n->mtu > 65535))
		return perr_at(c, "mtu", "must be between 68 and 65535");
	return 0;
}

int spec_network_parse(const char *text, const char *doc, struct spec_network *ret,
		       struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(doc, err);
	memset(ret, 0, sizeof(*ret));
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root || parse_network(&c, root, ret) < 0) {
		spec_network_clear(ret);
		return -1;
	}
	return 0;
}

void spec_network_clear(struct spec_network *n)
{
	free(n->name);
	free(n->bridge);
	free(n->created);
	memset(n, 0, sizeof(*n));
}

/* ---- leases ---- */

static json_t *lease_object(const struct spec_lease *l, bool brief)
{
	json_t *obj = json_object();
	set_ipv4(obj, "address", l->addr);
	set_str(obj, "id", l->id);
	set_str(obj, "root", l->root);
	if (!brief)
		set_str(obj, "bootId", l->boot_id);
	return obj;
}

char *spec_leases_format(const struct spec_lease *v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, lease_object(&v[i], false));
	json_t *obj = json_object();
	json_object_set_new(obj, "leases", arr);
	return dump(obj, JSON_INDENT(1));
}

static int get_ipv4(struct pctx *c, json_t *obj, const char *key, uint32_t *ret)
{
	_cleanup_free_ char *s = NULL;
	if (get_string(c, obj, key, REQ, &s) < 0)
		return -1;
	struct brig_error e;
	if (spec_ipv4_parse(s, ret, &e) < 0)
		return perr_at(c, key, "%s", e.msg);
	return 0;
}

static int parse_lease(struct pctx *c, json_t *v, void *out)
{
	struct spec_lease *l = out;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	if (get_ipv4(c, v, "address", &l->addr) < 0 || get_string(c, v, "id", REQ, &l->id) < 0 ||
	    get_string(c, v, "root", REQ, &l->root) < 0 ||
	    get_string(c, v, "bootId", REQ, &l->boot_id) < 0)
		return -1;
	return 0;
}

int spec_leases_parse(const char *text, const char *doc, struct spec_lease **ret, size_t *ret_n,
		      struct brig_error *err)
{
	_cleanup_(pctx_done) struct pctx c = pctx_make(doc, err);
	*ret = NULL;
	*ret_n = 0;
	_cleanup_json_ json_t *root = pctx_load(&c, text);
	if (!root)
		return -1;
	if (get_array(&c, root, "leases", REQ, sizeof(**ret), parse_lease, ret, ret_n) < 0) {
		spec_leases_free(*ret, *ret_n);
		*ret = NULL;
		*ret_n = 0;
		return -1;
	}
	return 0;
}

void spec_leases_free(struct spec_lease *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].root);
		free(v[i].boot_id);
	}
	free(v);
}

char *spec_network_format_inspect(const struct spec_network *n, const struct spec_lease *v,
				  size_t nv)
{
	json_t *obj = network_object(n);
	char gw[16];
	if (n->mode == SPEC_NET_HOST_REACHABLE) {
		spec_ipv4_format(n->subnet.addr + 1, gw);
		set_str(obj, "hostAddress", gw);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < nv; i++)
		json_array_append_new(arr, lease_object(&v[i], true));
	json_object_set_new(obj, "containers", arr);
	return dump(obj, JSON_INDENT(2));
}
