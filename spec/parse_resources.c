// SPDX-License-Identifier: Apache-2.0
/* linux.resources: types and ranges only; what the values mean for cgroup v1
 * or v2 is the cgroups module's business. */
#include "spec/internal.h"

#include <stddef.h>

static const struct name_value rule_types[] = {
    {"a", 'a'},
    {"c", 'c'},
    {"b", 'b'},
};

/* runc reads an access string as the set of its r, w and m letters: order,
 * repeats and other letters do not matter ("rwa" from Docker-era configs is
 * "rw"; runc's own tests use it). A string with none of the three would be a
 * rule about nothing: refused (runc ignores it). "" is absent (= "rwm"). */
static int check_access(struct pctx *c, const char *s)
{
	if (*s && !strpbrk(s, "rwm"))
		return perr(c, "invalid access \"%s\" (expected some of r, w and m)", s);
	return 0;
}

/* The set as "rwm" orders it. */
static void canonical_access(const char *s, char out[4])
{
	size_t n = 0;
	for (const char *l = "rwm"; *l; l++)
		if (strchr(s, *l))
			out[n++] = *l;
	out[n] = '\0';
}

/* Absent fields mean "all": type 'a', major/minor -1, access "" (= "rwm"). */
static int parse_device_rule(struct pctx *c, json_t *v, void *out)
{
	struct spec_device_rule *d = out;
	_cleanup_free_ char *access = NULL;
	long type = 'a';

	d->major = d->minor = -1;
	if (get_bool(c, v, "allow", REQ, &d->allow) < 0 ||
	    get_enum(c, v, "type", OPT, rule_types, ARRAY_SIZE(rule_types), "device type", &type) <
		0 ||
	    get_i64(c, v, "major", OPT, -1, INT64_MAX, &d->major) < 0 ||
	    get_i64(c, v, "minor", OPT, -1, INT64_MAX, &d->minor) < 0 ||
	    get_string_checked(c, v, "access", OPT, check_access, &access) < 0)
		return -1;
	d->type = (char)type;
	if (access)
		canonical_access(access, d->access);
	return 0;
}

#define FIELD(type, name, member)                                                                  \
	{                                                                                          \
		name, offsetof(type, member)                                                       \
	}

struct field {
	const char *key;
	size_t offset;
};

/* Optional int64 fields of one struct, from a table. */
static int get_i64_fields(struct pctx *c, json_t *v, void *base, const struct field *f, size_t n,
			  int64_t min)
{
	for (size_t i = 0; i < n; i++)
		if (get_opt_i64(c, v, f[i].key, min, INT64_MAX,
				(struct spec_i64 *)((char *)base + f[i].offset)) < 0)
			return -1;
	return 0;
}

static int get_u64_fields(struct pctx *c, json_t *v, void *base, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (get_opt_u64(c, v, f[i].key, UINT64_MAX,
				(struct spec_u64 *)((char *)base + f[i].offset)) < 0)
			return -1;
	return 0;
}

static int parse_memory(struct pctx *c, json_t *v, void *out)
{
	struct spec_resources *r = out;
	struct spec_memory *m = &r->memory;
	static const struct field i64s[] = {
	    FIELD(struct spec_memory, "limit", limit),
	    FIELD(struct spec_memory, "reservation", reservation),
	    FIELD(struct spec_memory, "swap", swap),
	    FIELD(struct spec_memory, "kernel", kernel),
	    FIELD(struct spec_memory, "kernelTCP", kernel_tcp),
	};

	/* -1 is "unlimited"; anything below is a mistake */
	if (get_i64_fields(c, v, m, i64s, ARRAY_SIZE(i64s), -1) < 0 ||
	    get_opt_u64(c, v, "swappiness", UINT64_MAX, &m->swappiness) < 0 ||
	    get_opt_bool(c, v, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
	    get_opt_bool(c, v, "useHierarchy", &m->use_hierarchy) < 0 ||
	    get_opt_bool(c, v, "checkBeforeUpdate", &m->check_before_update) < 0)
		return -1;
	r->has_memory = true;
	return 0;
}

static int parse_cpu(struct pctx *c, json_t *v, void *out)
{
	struct spec_resources *r = out;
	struct spec_cpu *cpu = &r->cpu;
	static const struct field i64s[] = {
	    FIELD(struct spec_cpu, "quota", quota),
	    FIELD(struct spec_cpu, "realtimeRuntime", realtime_runtime),
	    FIELD(struct spec_cpu, "idle", idle),
	};
	static const struct field u64s[] = {
	    FIELD(struct spec_cpu, "shares", shares),
	    FIELD(struct spec_cpu, "burst", burst),
	    FIELD(struct spec_cpu, "period", period),
	    FIELD(struct spec_cpu, "realtimePeriod", realtime_period),
	};

	if (get_i64_fields(c, v, cpu, i64s, ARRAY_SIZE(i64s), INT64_MIN) < 0 ||
	    get_u64_fields(c, v, cpu, u64s, ARRAY_SIZE(u64s)) < 0 ||
	    get_string(c, v, "cpus", OPT, &cpu->cpus) < 0 ||
	    get_string(c, v, "mems", OPT, &cpu->mems) < 0)
		return -1;
	r->has_cpu = true;
	return 0;
}

static int parse_pids(struct pctx *c, json_t *v, void *out)
{
	return get_opt_i64(c, v, "limit", INT64_MIN, INT64_MAX, out) < 0 ? -1 : 0;
}

/* A blkio weight is 10..1000; 0 means unset, as Docker sends it. */
static int get_weight(struct pctx *c, json_t *v, const char *key, struct spec_u64 *w)
{
	int r = get_opt_u64(c, v, key, UINT16_MAX, w);
	if (r == 1 && w->value == 0)
		w->set = false;
	else if (r == 1 && check_between(c, key, (int64_t)w->value, 10, 1000) < 0)
		return -1;
	return r;
}

static int get_major_minor(struct pctx *c, json_t *v, int64_t *major, int64_t *minor)
{
	if (get_i64(c, v, "major", REQ, 0, INT64_MAX, major) < 0 ||
	    get_i64(c, v, "minor", REQ, 0, INT64_MAX, minor) < 0)
		return -1;
	return 0;
}

static int parse_weight_device(struct pctx *c, json_t *v, void *out)
{
	struct spec_weight_device *d = out;
	int w, lw;

	if (get_major_minor(c, v, &d->major, &d->minor) < 0 ||
	    (w = get_weight(c, v, "weight", &d->weight)) < 0 ||
	    (lw = get_weight(c, v, "leafWeight", &d->leaf_weight)) < 0)
		return -1;
	if (!w && !lw) /* config-linux.md: at least one MUST be given */
		return perr(c, "needs weight or leafWeight");
	return 0;
}

static int parse_throttle_device(struct pctx *c, json_t *v, void *out)
{
	struct spec_throttle_device *d = out;
	if (get_major_minor(c, v, &d->major, &d->minor) < 0 ||
	    get_u64(c, v, "rate", REQ, UINT64_MAX, &d->rate) < 0)
		return -1;
	return 0;
}

static int get_throttle(struct pctx *c, json_t *v, const char *key, struct spec_throttle_list *l)
{
	return get_array(c, v, key, OPT, sizeof(*l->devices), parse_throttle_device, &l->devices,
			 &l->n);
}

static int parse_blkio(struct pctx *c, json_t *v, void *out)
{
	struct spec_resources *r = out;
	struct spec_blkio *b = &r->blkio;

	if (get_weight(c, v, "weight", &b->weight) < 0 ||
	    get_weight(c, v, "leafWeight", &b->leaf_weight) < 0 ||
	    get_array(c, v, "weightDevice", OPT, sizeof(*b->weight_devices), parse_weight_device,
		      &b->weight_devices, &b->n_weight_devices) < 0 ||
	    get_throttle(c, v, "throttleReadBpsDevice", &b->read_bps) < 0 ||
	    get_throttle(c, v, "throttleWriteBpsDevice", &b->write_bps) < 0 ||
	    get_throttle(c, v, "throttleReadIOPSDevice", &b->read_iops) < 0 ||
	    get_throttle(c, v, "throttleWriteIOPSDevice", &b->write_iops) < 0)
		return -1;
	r->has_blkio = true;
	return 0;
}

static int parse_hugepage_limit(struct pctx *c, json_t *v, void *out)
{
	struct spec_hugepage_limit *h = out;
	if (get_string(c, v, "pageSize", REQ, &h->page_size) < 0 ||
	    get_u64(c, v, "limit", REQ, UINT64_MAX, &h->limit) < 0)
		return -1;
	return 0;
}

static int parse_net_priority(struct pctx *c, json_t *v, void *out)
{
	struct spec_net_priority *p = out;
	if (get_string(c, v, "name", REQ, &p->name) < 0 ||
	    get_u32(c, v, "priority", REQ, &p->priority) < 0)
		return -1;
	return 0;
}

static int parse_network(struct pctx *c, json_t *v, void *out)
{
	struct spec_resources *r = out;
	if (get_opt_u64(c, v, "classID", UINT32_MAX, &r->net_class_id) < 0 ||
	    get_array(c, v, "priorities", OPT, sizeof(*r->net_priorities), parse_net_priority,
		      &r->net_priorities, &r->n_net_priorities) < 0)
		return -1;
	return 0;
}

static int parse_rdma(struct pctx *c, const char *key, json_t *v, void *item)
{
	struct spec_rdma_limit *l = item;
	if (!json_is_object(v))
		return perr(c, "expected an object");
	l->device = xstrdup(key);
	if (get_opt_u64(c, v, "hcaHandles", UINT32_MAX, &l->hca_handles) < 0 ||
	    get_opt_u64(c, v, "hcaObjects", UINT32_MAX, &l->hca_objects) < 0)
		return -1;
	if (!l->hca_handles.set && !l->hca_objects.set) /* config-linux.md: MUST */
		return perr(c, "needs hcaHandles or hcaObjects");
	return 0;
}

int parse_resources(struct pctx *c, json_t *v, void *out)
{
	struct spec_resources *r = out;
	r->present = true;
	if (get_array(c, v, "devices", OPT, sizeof(*r->devices), parse_device_rule, &r->devices,
		      &r->n_devices) < 0 ||
	    get_object(c, v, "memory", OPT, parse_memory, r) < 0 ||
	    get_object(c, v, "cpu", OPT, parse_cpu, r) < 0 ||
	    get_object(c, v, "pids", OPT, parse_pids, &r->pids_limit) < 0 ||
	    get_object(c, v, "blockIO", OPT, parse_blkio, r) < 0 ||
	    get_array(c, v, "hugepageLimits", OPT, sizeof(*r->hugepage_limits),
		      parse_hugepage_limit, &r->hugepage_limits, &r->n_hugepage_limits) < 0 ||
	    get_object(c, v, "network", OPT, parse_network, r) < 0 ||
	    get_map(c, v, "rdma", sizeof(*r->rdma), parse_rdma, &r->rdma, &r->n_rdma) < 0 ||
	    get_string_map(c, v, "unified", &r->unified, &r->n_unified) < 0)
		return -1;
	return 0;
}

void resources_clear(struct spec_resources *r)
{
	struct spec_blkio *b = &r->blkio;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(b->weight_devices);
	free(b->read_bps.devices);
	free(b->write_bps.devices);
	free(b->read_iops.devices);
	free(b->write_iops.devices);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}

/* `update --resources FILE`: a linux.resources object on its own (Docker's,
 * containerd's and podman's update JSON; a 0 there means "unchanged", which
 * is the cgroups plan's business, not the parser's). */
struct spec_resources *spec_resources_parse(const char *text, const char *name,
					    struct brig_error *err)
{
	struct pctx c = pctx_make(name, err);
	json_t *root = pctx_load(&c, text);
	struct spec_resources *r = NULL;
	if (root) {
		r = xcalloc(1, sizeof(*r));
		if (parse_resources(&c, root, r) < 0) {
			spec_resources_free(r);
			r = NULL;
		}
		json_decref(root);
	}
	pctx_done(&c);
	return r;
}

void spec_resources_free(struct spec_resources *r)
{
	if (!r)
		return;
	resources_clear(r);
	free(r);
}
