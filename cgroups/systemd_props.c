// SPDX-License-Identifier: Apache-2.0
/* cgroups_systemd_props: the D-Bus properties of the container's systemd unit, with no I/O.
 * The resource properties are read off the plan of the same resources (plan.c has every
 * "unset" rule and conversion once), so that systemd and the files cannot disagree; the
 * device rules become DevicePolicy/DeviceAllow; the org.systemd.property.* annotations are
 * parsed as GVariant text (runc's format) and checked against the types systemd documents.
 * systemd_annotations.c has the annotations. */
#include "cgroups/internal.h"

#include <stdarg.h>

#define USEC_PER_SEC 1000000ULL
#define DEFAULT_PERIOD 100000ULL

void props_add(struct cgroups_props *p, const char *name, const char *type, const char *field,
	       const char *fmt, ...)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	struct cgroups_prop *x = &p->v[p->n++];
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&x->value, fmt, ap) < 0)
		abort();
	va_end(ap);
	x->name = xstrdup(name);
	x->type = xstrdup(type);
	x->field = xstrdup(field);
}

void cgroups_props_clear(struct cgroups_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].type);
		free(p->v[i].value);
		free(p->v[i].field);
	}
	free(p->v);
	strv_free(p->warnings);
	memset(p, 0, sizeof(*p));
}

char *cgroups_prop_format(const struct cgroups_prop *p)
{
	return xasprintf("%s %s %s", p->name, p->type, p->value);
}

int cpu_mask_hex(const char *list, char **ret)
{
	uint8_t bytes[1024] = {0};
	size_t n = 0;
	const char *p = list;
	while (*p) {
		char *end;
		if (*p < '0' || *p > '9')
			return -1;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b >= 8 * sizeof(bytes))
			return -1;
		for (unsigned long i = a; i <= b; i++)
			bytes[i / 8] |= (uint8_t)(1U << (i % 8));
		n = b / 8 + 1 > n ? b / 8 + 1 : n;
		p = end + (*end == ',');
		if (*end && *end != ',')
			return -1;
	}
	if (!n)
		return -1;
	char *hex = xcalloc(1, 2 * n + 1);
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", bytes[i]);
	*ret = hex;
	return 0;
}

/* "max" or a number; "max" and -1 are systemd's infinity. */
static bool limit_value(const char *v, uint64_t *ret)
{
	int64_t n;
	if (!strcmp(v, "max") || !strcmp(v, "-1")) {
		*ret = UINT64_MAX;
		return true;
	}
	if (parse_int64(v, 0, INT64_MAX, &n) < 0)
		return false;
	*ret = (uint64_t)n;
	return true;
}

/* ---- cpu quota: systemd keeps it per second, in whole percent ---- */

struct quota {
	struct cgroups_write *quota_w; /* cpu.max, or v1 cpu.cfs_quota_us */
	int64_t quota;		       /* -1: unlimited */
	uint64_t period;	       /* 0: not given */
	const char *field;
};

/* systemd writes its CPUQuota= to the unit's drop-in in whole percent and reads it back so
 * at daemon-reload: round the quota up to 10 ms per second (runc does the same) and write
 * that to the file too, so both say the same. */
static void add_quota(struct cgroups_props *p, struct quota *q, bool v1)
{
	if (q->period)
		props_add(p, "CPUQuotaPeriodUSec", "t", q->field, "%llu",
			  (unsigned long long)q->period);
	if (!q->quota_w)
		return;
	if (q->quota < 0) {
		props_add(p, "CPUQuotaPerSecUSec", "t", q->field, "%llu",
			  (unsigned long long)UINT64_MAX);
		return;
	}
	uint64_t period = q->period ? q->period : DEFAULT_PERIOD;
	uint64_t per_sec = (uint64_t)q->quota * USEC_PER_SEC / period;
	if ((uint64_t)q->quota * USEC_PER_SEC % period || per_sec % 10000) {
		per_sec = (per_sec / 10000 + 1) * 10000;
		int64_t rounded = (int64_t)(per_sec * period / USEC_PER_SEC);
		free(q->quota_w->value);
		if (v1)
			q->quota_w->value = xasprintf("%lld", (long long)rounded);
		else if (q->period)
			q->quota_w->value =
			    xasprintf("%lld %llu", (long long)rounded, (unsigned long long)period);
		else
			q->quota_w->value = xasprintf("%lld", (long long)rounded);
	}
	props_add(p, "CPUQuotaPerSecUSec", "t", q->field, "%llu", (unsigned long long)per_sec);
}

/* cpu.max: "QUOTA [PERIOD]", QUOTA "max" for none; " PERIOD" alone when the plan was not
 * resolved (cgroups_plan_resolve): the period only. */
static void read_cpu_max(struct cgroups_write *w, struct quota *q)
{
	char quota[32] = "";
	unsigned long long period = 0;
	q->field = w->field;
	if (w->flags & CGROUPS_WRITE_KEEP_QUOTA) {
		q->period = strtoull(w->value, NULL, 10);
		return;
	}
	if (sscanf(w->value, "%31s %llu", quota, &period) < 1)
		return;
	q->period = period;
	q->quota_w = w;
	int64_t n;
	q->quota = !strcmp(quota, "max") || parse_int64(quota, 1, INT64_MAX, &n) < 0 ? -1 : n;
}

/* ---- the resources, from the plan's writes ---- */

struct v2_name {
	const char *file, *prop;
};

static const struct v2_name v2_limits[] = {
    {"memory.max", "MemoryMax"},	  {"memory.low", "MemoryLow"},
    {"memory.high", "MemoryHigh"},	  {"memory.min", "MemoryMin"},
    {"memory.swap.max", "MemorySwapMax"},
};

static void plain_write(struct cgroups_props *p, struct cgroups_write *w, struct quota *q)
{
	uint64_t v;
	for (size_t i = 0; i < ARRAY_SIZE(v2_limits); i++)
		if (!strcmp(w->file, v2_limits[i].file) && limit_value(w->value, &v))
			props_add(p, v2_limits[i].prop, "t", w->field, "%llu",
				  (unsigned long long)v);
	if (!strcmp(w->file, "pids.max") && limit_value(w->value, &v))
		/* systemd takes no TasksMax=0: 1 is the nearest it keeps */
		props_add(p, "TasksMax", "t", w->field, "%llu", (unsigned long long)(v ? v : 1));
	if (!strcmp(w->file, "cpu.weight") && limit_value(w->value, &v) && v != UINT64_MAX)
		props_add(p, "CPUWeight", "t", w->field, "%llu", (unsigned long long)v);
	if (!strcmp(w->file, "cpu.max"))
		read_cpu_max(w, q);
	if (!strcmp(w->file, "io.bfq.weight") && w->alt_value && !strchr(w->value, ':'))
		props_add(p, "IOWeight", "t", w->field, "%s", w->alt_value);
	if (!strcmp(w->file, "io.weight") && limit_value(w->value, &v) && v != UINT64_MAX)
		props_add(p, "IOWeight", "t", w->field, "%llu", (unsigned long long)v);
}

/* On a hybrid host: runc's v1 names (what systemd writes to the v1 files). */
static void v1_write(struct cgroups_props *p, struct cgroups_write *w, struct quota *q)
{
	uint64_t v;
	int64_t n;
	if (!strcmp(w->file, "memory.limit_in_bytes") && limit_value(w->value, &v))
		props_add(p, "MemoryLimit", "t", w->field, "%llu", (unsigned long long)v);
	if (!strcmp(w->file, "cpu.shares"))
		props_add(p, "CPUShares", "t", w->field, "%s", w->value);
	if (!strcmp(w->file, "blkio.weight"))
		props_add(p, "BlockIOWeight", "t", w->field, "%s", w->value);
	if (!strcmp(w->file, "pids.max") && limit_value(w->value, &v))
		props_add(p, "TasksMax", "t", w->field, "%llu", (unsigned long long)(v ? v : 1));
	if (!strcmp(w->file, "cpu.cfs_period_us") && parse_int64(w->value, 1, INT64_MAX, &n) == 0)
		q->period = (uint64_t)n, q->field = q->field ? q->field : w->field;
	if (!strcmp(w->file, "cpu.cfs_quota_us") && parse_int64(w->value, -1, INT64_MAX, &n) == 0) {
		q->quota_w = w;
		q->quota = n;
		q->field = w->field;
	}
}

static int cpuset_write(struct cgroups_props *p, const struct cgroups_write *w,
			struct brig_error *err)
{
	const char *prop = !strcmp(w->file, "cpuset.cpus")   ? "AllowedCPUs"
			   : !strcmp(w->file, "cpuset.mems") ? "AllowedMemoryNodes"
							     : NULL;
	_cleanup_free_ char *hex = NULL;
	if (!prop)
		return 0;
	if (cpu_mask_hex(w->value, &hex) < 0)
		return err_set(err, EINVAL, "%s: \"%s\" is not a list such as 0-3,7", w->field,
			       w->value);
	props_add(p, prop, "ay", w->field, "%s", hex);
	return 0;
}

static int resource_props(struct cgroups_props *p, struct cgroups_plan *plan,
			  struct brig_error *err)
{
	struct quota q = {.quota = -1};
	bool v1 = false;
	for (size_t i = 0; i < plan->n_writes; i++) {
		struct cgroups_write *w = &plan->writes[i];
		if (cpuset_write(p, w, err) < 0)
			return -1;
		if (!w->v1) {
			plain_write(p, w, &q);
		} else if (strcmp(w->v1, "cpuset")) {
			v1_write(p, w, &q);
			v1 = v1 || !strcmp(w->v1, "cpu");
		}
	}
	if (q.quota_w || q.period)
		add_quota(p, &q, v1);
	return 0;
}

/* ---- devices ---- */

static void perms(const char *access, char out[4])
{
	size_t n = 0;
	if (!*access)
		access = "rwm";
	for (const char *c = "rwm"; *c; c++)
		if (strchr(access, *c))
			out[n++] = *c;
	out[n] = '\0';
}

/* One allow rule in systemd's words; a rule systemd cannot say (a wildcard major with a
 * fixed minor) widens to the whole type: brig's own BPF program stays the one that decides,
 * systemd's only must not deny what it allows. */
static void device_entry(char **list, char type, int64_t major, int64_t minor, const char *p)
{
	const char *kind = type == 'b' ? "block" : "char";
	_cleanup_free_ char *line = NULL;
	if (major < 0)
		line = xasprintf("%s-* %s", kind, p);
	else if (minor < 0)
		line = xasprintf("%s-%lld %s", kind, (long long)major, p);
	else
		line =
		    xasprintf("/dev/%s/%lld:%lld %s", kind, (long long)major, (long long)minor, p);
	for (const char *s = *list; s && *s;) { /* once each */
		size_t len = strcspn(s, "\n");
		if (len == strlen(line) && !strncmp(s, line, len))
			return;
		s += len + (s[len] == '\n');
	}
	char *next = xasprintf("%s%s%s", *list ? *list : "", *list && **list ? "\n" : "", line);
	free(*list);
	*list = next;
}

/* DevicePolicy and DeviceAllow: the union of the allow rules (the config's and runc's
 * defaults), which is what systemd can enforce of them without deny rules. */
static void device_props(struct cgroups_props *p, const struct spec_resources *r)
{
	size_t n_default;
	const struct spec_device_rule *dflt = cgroups_default_device_rules(&n_default);
	_cleanup_free_ char *list = xstrdup("");
	bool all = false;
	for (size_t i = 0; i < r->n_devices + n_default; i++) {
		const struct spec_device_rule *d =
		    i < r->n_devices ? &r->devices[i] : &dflt[i - r->n_devices];
		char pm[4];
		if (!d->allow)
			continue;
		perms(d->access, pm);
		if (d->type == 'a' && d->major < 0 && d->minor < 0)
			all = true;
		if (d->type == 'a' || d->type == 'c')
			device_entry(&list, 'c', d->major, d->minor, pm);
		if (d->type == 'a' || d->type == 'b')
			device_entry(&list, 'b', d->major, d->minor, pm);
	}
	/* DeviceAllow= adds to what the unit has: an empty one first clears it (update) */
	props_add(p, "DeviceAllow", "a(ss)", "linux.resources.devices", "%s", "");
	props_add(p, "DevicePolicy", "s", "linux.resources.devices", "%s", all ? "auto" : "strict");
	if (!all)
		props_add(p, "DeviceAllow", "a(ss)", "linux.resources.devices", "%s", list);
}

/* memory.oom.group (Kubernetes sets it) is systemd's OOMPolicy= of the unit: kill is 1,
 * continue 0. It can only be set at create (runc); a systemd older than 253 has no
 * OOMPolicy for scopes, refuses it, and the file alone keeps it until a daemon-reload. */
static void oom_policy(struct cgroups_props *p, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_unified; i++)
		if (!strcmp(r->unified[i].key, "memory.oom.group") &&
		    (!strcmp(r->unified[i].value, "0") || !strcmp(r->unified[i].value, "1")))
			props_add(p, "OOMPolicy", "s", "linux.resources.unified.memory.oom.group",
				  "%s", r->unified[i].value[0] == '1' ? "kill" : "continue");
}

/* ---- the unit's own ---- */

static void unit_props(struct cgroups_props *p, const struct cgroups_host *h,
		       const struct cgroups_unit *u)
{
	const char *f = "linux.cgroupsPath";
	size_t n = strlen(u->name);
	bool slice = n > 6 && !strcmp(u->name + n - 6, ".slice");
	props_add(p, "Description", "s", f, "brig container %s", u->name);
	if (slice) {
		props_add(p, "Wants", "as", f, "%s", u->slice);
	} else {
		props_add(p, "Slice", "s", f, "%s", u->slice);
		props_add(p, "Delegate", "b", f, "true");
	}
	/* accounting on: the controllers are there for limits set later and for stats */
	props_add(p, "MemoryAccounting", "b", f, "true");
	props_add(p, "CPUAccounting", "b", f, "true");
	props_add(p, h->layout == CGROUPS_UNIFIED ? "IOAccounting" : "BlockIOAccounting", "b", f,
		  "true");
	props_add(p, "TasksAccounting", "b", f, "true");
	/* no ordering against shutdown.target and friends: the container's life is brig's */
	props_add(p, "DefaultDependencies", "b", f, "false");
}

int cgroups_systemd_props(const struct cgroups_host *h, const struct cgroups_cgroup *cg,
			  const struct spec_resources *r, const struct spec_kv *annotations,
			  size_t n_annotations, bool update, struct cgroups_plan *plan,
			  struct cgroups_props *ret, struct brig_error *err)
{
	struct cgroups_props p = {0};
	if (!cg->unit.name)
		return err_set(err, EINVAL, "the container's cgroup is not a systemd unit");
	if (!update)
		unit_props(&p, h, &cg->unit);
	if (!update || r->n_devices)
		device_props(&p, r);
	if (!update)
		oom_policy(&p, r);
	if (resource_props(&p, plan, err) < 0 ||
	    (!update && systemd_annotations(&p, annotations, n_annotations, err) < 0)) {
		cgroups_props_clear(&p);
		return -1;
	}
	*ret = p;
	return 0;
}
