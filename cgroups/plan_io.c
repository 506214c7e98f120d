// SPDX-License-Identifier: Apache-2.0
/* cgroups_plan, continued: block I/O, huge pages, rdma, network, unified and devices. */
#include "cgroups/internal.h"

uint64_t cgroups_io_weight(uint64_t w)
{
	/* crun's and runc's linear map of blkio's 10..1000 onto io.weight's 1..10000 */
	if (w == 0)
		return 0;
	if (w <= 10)
		return 1;
	if (w >= 1000)
		return 10000;
	return 1 + (w - 10) * 9999 / 990;
}

/* ---- block I/O ---- */

static const struct spec_throttle_list *throttle(const struct spec_blkio *b, int i)
{
	const struct spec_throttle_list *l[4] = {&b->read_bps, &b->write_bps, &b->read_iops,
						 &b->write_iops};
	return l[i];
}

/* io.max takes all four limits of one device on one line: "8:0 rbps=N wbps=max". */
static void io_max_line(struct plan_ctx *c, const struct spec_blkio *b, int64_t major,
			int64_t minor)
{
	static const char *const keys[4] = {"rbps", "wbps", "riops", "wiops"};
	char line[256];
	int n = snprintf(line, sizeof(line), "%lld:%lld", (long long)major, (long long)minor);
	for (int i = 0; i < 4; i++) {
		const struct spec_throttle_list *l = throttle(b, i);
		const struct spec_throttle_device *last = NULL;
		for (size_t j = 0; j < l->n; j++)
			if (l->devices[j].major == major && l->devices[j].minor == minor)
				last = &l->devices[j];
		if (!last)
			continue;
		/* v1 reads a rate of 0 as "no limit"; io.max spells that "max" */
		if (last->rate)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%llu", keys[i],
				      (unsigned long long)last->rate);
		else
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=max", keys[i]);
	}
	_cleanup_free_ char *field = xasprintf("linux.resources.blockIO.throttle (%lld:%lld)",
					       (long long)major, (long long)minor);
	plan_add(c, NULL, field, 0, "io.max", "%s", line);
}

static bool seen_before(const struct spec_blkio *b, int list, size_t idx)
{
	const struct spec_throttle_device *d = &throttle(b, list)->devices[idx];
	for (int i = 0; i <= list; i++) {
		const struct spec_throttle_list *l = throttle(b, i);
		for (size_t j = 0; j < (i == list ? idx : l->n); j++)
			if (l->devices[j].major == d->major && l->devices[j].minor == d->minor)
				return true;
	}
	return false;
}

static void blkio_v2_weights(struct plan_ctx *c, const struct spec_blkio *b)
{
	/* BFQ takes blkio's own scale; without BFQ io.weight gets the converted value */
	if (b->weight.set) {
		plan_add(c, NULL, "linux.resources.blockIO.weight", 0, "io.bfq.weight", "%llu",
			 (unsigned long long)b->weight.value);
		plan_alt(c, "io.weight", "%llu",
			 (unsigned long long)cgroups_io_weight(b->weight.value));
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct spec_weight_device *d = &b->weight_devices[i];
		if (!d->weight.set)
			continue;
		_cleanup_free_ char *field =
		    xasprintf("linux.resources.blockIO.weightDevice[%zu]", i);
		plan_add(c, NULL, field, 0, "io.bfq.weight", "%lld:%lld %llu", (long long)d->major,
			 (long long)d->minor, (unsigned long long)d->weight.value);
		plan_alt(c, "io.weight", "%lld:%lld %llu", (long long)d->major, (long long)d->minor,
			 (unsigned long long)cgroups_io_weight(d->weight.value));
	}
}

static void blkio_v2_warnings(struct plan_ctx *c, const struct spec_blkio *b)
{
	bool leaf = b->leaf_weight.set;
	for (size_t i = 0; i < b->n_weight_devices; i++)
		leaf = leaf || b->weight_devices[i].leaf_weight.set;
	if (leaf)
		plan_warn(c, "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights: "
			     "ignored");
}

int plan_blkio(struct plan_ctx *c, const struct spec_blkio *b)
{
	bool weights = b->weight.set;
	bool throttles = false;
	for (size_t i = 0; i < b->n_weight_devices; i++)
		weights = weights || b->weight_devices[i].weight.set;
	for (int i = 0; i < 4; i++)
		throttles = throttles || throttle(b, i)->n;
	if (plan_on_v1(c, "blkio")) {
		plan_blkio_v1(c, b);
		return 0;
	}
	blkio_v2_warnings(c, b);
	if (!weights && !throttles)
		return 0;
	const char *v1;
	if (plan_locate(c, "io", "blkio", "linux.resources.blockIO", &v1) < 0)
		return -1;
	blkio_v2_weights(c, b);
	for (int i = 0; i < 4; i++)
		for (size_t j = 0; j < throttle(b, i)->n; j++)
			if (!seen_before(b, i, j))
				io_max_line(c, b, throttle(b, i)->devices[j].major,
					    throttle(b, i)->devices[j].minor);
	return 0;
}

/* ---- huge pages, rdma, network ---- */

/* "2MB", "64KB", "1GB": the <hugepagesize> of the hugetlb files. */
static bool page_size_valid(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	return digits > 0 && s[0] != '0' &&
	       (!strcmp(s + digits, "KB") || !strcmp(s + digits, "MB") ||
		!strcmp(s + digits, "GB"));
}

int plan_hugetlb(struct plan_ctx *c, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct spec_hugepage_limit *l = &r->hugepage_limits[i];
		_cleanup_free_ char *field = xasprintf("linux.resources.hugepageLimits[%zu]", i);
		const char *v1;
		if (!page_size_valid(l->page_size))
			return err_set(c->err, EINVAL,
				       "%s.pageSize: \"%s\" is not a size such as 2MB or 1GB",
				       field, l->page_size);
		if (plan_locate(c, "hugetlb", "hugetlb", field, &v1) < 0)
			return -1;
		const char *suffix = v1 ? "limit_in_bytes" : "max";
		_cleanup_free_ char *file = xasprintf("hugetlb.%s.%s", l->page_size, suffix);
		_cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.%s", l->page_size, suffix);
		plan_add(c, v1, field, 0, file, "%llu", (unsigned long long)l->limit);
		/* runtime-spec prefers reservation limits where the kernel has them (5.7+) */
		plan_add(c, v1, field, CGROUPS_WRITE_IF_PRESENT, rsvd, "%llu",
			 (unsigned long long)l->limit);
	}
	return 0;
}

/* Names written into a space-separated file line: no spaces, slashes or control chars. */
static bool word_valid(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '/' || *p == 0x7f)
			return false;
	return true;
}

int plan_rdma(struct plan_ctx *c, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct spec_rdma_limit *l = &r->rdma[i];
		_cleanup_free_ char *field = xasprintf("linux.resources.rdma.%s", l->device);
		char line[256];
		const char *v1;
		if (!word_valid(l->device))
			return err_set(c->err, EINVAL,
				       "linux.resources.rdma: bad device name \"%s\"", l->device);
		if (plan_locate(c, "rdma", "rdma", field, &v1) < 0)
			return -1;
		int n = snprintf(line, sizeof(line), "%s", l->device);
		if (l->hca_handles.set)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " hca_handle=%llu",
				      (unsigned long long)l->hca_handles.value);
		if (l->hca_objects.set)
			snprintf(line + n, sizeof(line) - (size_t)n, " hca_object=%llu",
				 (unsigned long long)l->hca_objects.value);
		plan_add(c, v1, field, 0, "rdma.max", "%s", line);
	}
	return 0;
}

/* net_cls and net_prio exist only in v1; crun refuses them on v2, and so does brig when
 * no v1 hierarchy has them. */
int plan_network(struct plan_ctx *c, const struct spec_resources *r)
{
	const char *v1;
	if (r->net_class_id.set && r->net_class_id.value) {
		if (plan_locate(c, NULL, "net_cls", "linux.resources.network.classID", &v1) < 0)
			return -1;
		plan_add(c, v1, "linux.resources.network.classID", 0, "net_cls.classid", "%llu",
			 (unsigned long long)r->net_class_id.value);
	}
	for (size_t i = 0; i < r->n_net_priorities; i++) {
		const struct spec_net_priority *p = &r->net_priorities[i];
		_cleanup_free_ char *field =
		    xasprintf("linux.resources.network.priorities[%zu]", i);
		if (!word_valid(p->name) || strlen(p->name) >= 16)
			return err_set(c->err, EINVAL, "%s.name: bad interface name \"%s\"", field,
				       p->name);
		if (plan_locate(c, NULL, "net_prio", field, &v1) < 0)
			return -1;
		plan_add(c, v1, field, 0, "net_prio.ifpriomap", "%s %u", p->name, p->priority);
	}
	return 0;
}

/* ---- unified ---- */

static int unified_key(struct plan_ctx *c, const char *key)
{
	const char *dot = strchr(key, '.');
	if (!word_valid(key) || !strcmp(key, ".") || !strcmp(key, "..") || !dot || dot == key)
		return err_set(c->err, EINVAL,
			       "linux.resources.unified: \"%s\" is not a cgroup file name such as "
			       "memory.high",
			       key);
	_cleanup_free_ char *ctl = xasprintf("%.*s", (int)(dot - key), key);
	if (!strcmp(ctl, "cgroup"))
		return 0;
	if (!cgroups_host_has_v2(c->h, ctl))
		return err_set(
		    c->err, ENOTSUP,
		    "invalid configuration: linux.resources.unified: \"%s\": the %s "
		    "controller is not in the cgroup v2 hierarchy (%s/cgroup.controllers)",
		    key, ctl, c->h->v2_mount);
	if (!strv_has(c->p->v2_controllers, ctl))
		strv_push(&c->p->v2_controllers, xstrdup(ctl));
	return 0;
}

int plan_unified(struct plan_ctx *c, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const struct spec_kv *kv = &r->unified[i];
		if (unified_key(c, kv->key) < 0)
			return -1;
		if (!*kv->value)
			continue; /* crun: an empty value writes nothing */
		_cleanup_free_ char *field = xasprintf("linux.resources.unified.%s", kv->key);
		plan_add(c, NULL, field, 0, kv->key, "%s", kv->value);
	}
	return 0;
}

/* ---- devices ---- */

int plan_devices(struct plan_ctx *c, const struct spec_resources *r)
{
	if (c->update && !r->n_devices)
		return 0; /* an update without rules keeps the filter */
	size_t n_default, n;
	const struct spec_device_rule *dflt = cgroups_default_device_rules(&n_default);
	n = r->n_devices + n_default;
	_cleanup_free_ struct spec_device_rule *rules = xcalloc(n, sizeof(*rules));
	if (r->n_devices)
		memcpy(rules, r->devices, r->n_devices * sizeof(*rules));
	memcpy(rules + r->n_devices, dflt, n_default * sizeof(*rules));
	if (cgroups_device_program(rules, n, &c->p->devices, &c->p->n_devices, c->err) < 0)
		return err_wrap(c->err, "linux.resources.devices");
	/* hybrid host with devices on v1: those rules too, for the tools that read them */
	if (plan_on_v1(c, "devices"))
		plan_devices_v1(c, rules, n);
	return 0;
}
