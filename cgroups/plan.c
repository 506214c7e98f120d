// SPDX-License-Identifier: Apache-2.0
/* cgroups_plan: linux.resources -> (file, value) writes, with no I/O. This file holds the
 * plan's plumbing and the memory, cpu, cpuset and pids controllers; plan_io.c the others,
 * plan_v1.c the v1 file names of the same decisions. */
#include "cgroups/internal.h"

#include <math.h>
#include <stdarg.h>

void plan_add(struct plan_ctx *c, const char *v1, const char *field, unsigned flags,
	      const char *file, const char *fmt, ...)
{
	struct cgroups_plan *p = c->p;
	p->writes = xrealloc(p->writes, (p->n_writes + 1) * sizeof(*p->writes));
	struct cgroups_write *w = &p->writes[p->n_writes++];
	memset(w, 0, sizeof(*w));
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&w->value, fmt, ap) < 0)
		abort();
	va_end(ap);
	w->v1 = v1;
	w->file = xstrdup(file);
	w->field = xstrdup(field);
	w->flags = flags;
}

void plan_alt(struct plan_ctx *c, const char *alt_file, const char *fmt, ...)
{
	struct cgroups_write *w = &c->p->writes[c->p->n_writes - 1];
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&w->alt_value, fmt, ap) < 0)
		abort();
	va_end(ap);
	w->alt_file = xstrdup(alt_file);
}

void plan_warn(struct plan_ctx *c, const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_push(&c->p->warnings, s);
}

int plan_locate(struct plan_ctx *c, const char *v2, const char *v1, const char *field,
		const char **ret_v1)
{
	if (v2 && cgroups_host_has_v2(c->h, v2)) {
		if (!strv_has(c->p->v2_controllers, v2))
			strv_push(&c->p->v2_controllers, xstrdup(v2));
		*ret_v1 = NULL;
		return 0;
	}
	if (v1 && cgroups_host_v1(c->h, v1)) {
		*ret_v1 = v1;
		return 0;
	}
	if (!v2)
		return err_set(c->err, ENOTSUP,
			       "%s: needs the %s controller, which cgroup v2 does not have, and no "
			       "cgroup v1 %s hierarchy is mounted",
			       field, v1, v1);
	return err_set(c->err, ENOTSUP,
		       "%s: the %s controller is not available on this host (not in %s/"
		       "cgroup.controllers%s)",
		       field, v2, c->h->v2_mount, v1 ? " nor mounted as cgroup v1" : "");
}

bool plan_on_v1(const struct plan_ctx *c, const char *controller)
{
	return !cgroups_host_has_v2(c->h, controller) && cgroups_host_v1(c->h, controller);
}

/* ---- memory ---- */

static int memory_want(const struct plan_ctx *c, const struct spec_memory *m, struct mem_want *w)
{
	/* 0 is "unset" for every limit (Docker, and runc's reading); -1 ("max") is a new
	 * cgroup's default, so only an update writes it. */
	int64_t floor = c->update ? -1 : 1;
	w->limit = m->limit.set && m->limit.value != 0 && m->limit.value >= floor;
	w->limit_v = m->limit.value;
	w->reservation = m->reservation.set && m->reservation.value != 0;
	w->reservation_v = m->reservation.value;
	w->swap = m->swap.set && m->swap.value != 0 && m->swap.value >= floor;
	w->swap_v = m->swap.value;
	w->kernel = m->kernel.set && m->kernel.value != 0 && m->kernel.value >= floor;
	w->kernel_v = m->kernel.value;
	w->kernel_tcp =
	    m->kernel_tcp.set && m->kernel_tcp.value != 0 && m->kernel_tcp.value >= floor;
	w->kernel_tcp_v = m->kernel_tcp.value;
	w->swappiness = m->swappiness.set;
	w->swappiness_v = m->swappiness.value;
	w->oom_disable = m->disable_oom_killer.set && m->disable_oom_killer.value;
	w->hierarchy = m->use_hierarchy.set;
	w->hierarchy_v = m->use_hierarchy.value;
	w->check = m->check_before_update.set && m->check_before_update.value;
	/* runc: an unlimited memory with swap unset means unlimited swap too */
	if (c->update && w->limit && w->limit_v == -1 && !w->swap) {
		w->swap = true;
		w->swap_v = -1;
	}
	if (w->swappiness && w->swappiness_v > 100)
		return err_set(c->err, EINVAL,
			       "linux.resources.memory.swappiness: must be 0 to 100 (got %llu)",
			       (unsigned long long)w->swappiness_v);
	if (!w->swap || w->swap_v == -1)
		return 0;
	/* an update of swap alone on v1: memsw is written by itself, as runc does (the
	 * kernel refuses it below the limit); v2's swap.max is the difference, which
	 * needs the limit */
	if (!w->limit && c->update && !cgroups_host_has_v2(c->h, "memory"))
		return 0;
	if (!w->limit || w->limit_v < 0)
		return err_set(c->err, EINVAL,
			       "linux.resources.memory.swap: needs a memory.limit (swap is the "
			       "memory+swap total)");
	if (w->swap_v < w->limit_v)
		return err_set(c->err, EINVAL,
			       "linux.resources.memory.swap: must be at least memory.limit (got "
			       "%lld < %lld)",
			       (long long)w->swap_v, (long long)w->limit_v);
	return 0;
}

static bool memory_writes(const struct mem_want *w)
{
	return w->limit || w->reservation || w->swap || w->kernel || w->kernel_tcp ||
	       w->swappiness || w->oom_disable || w->hierarchy;
}

/* v2 writes "max" where v1 takes -1. */
static const char *num_or_max(char buf[static 24], int64_t v)
{
	if (v < 0)
		return "max";
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

/* v2 has no swappiness, kernel memory limits or OOM-killer switch: crun refuses them,
 * brig warns so that a config written for v1 still runs. */
static void memory_v2_warnings(struct plan_ctx *c, const struct mem_want *w)
{
	if (w->kernel && w->kernel_v > 0)
		plan_warn(c, "linux.resources.memory.kernel: cgroup v2 has no kernel memory limit: "
			     "ignored");
	if (w->kernel_tcp && w->kernel_tcp_v > 0)
		plan_warn(c, "linux.resources.memory.kernelTCP: cgroup v2 has no kernel TCP "
			     "memory limit: ignored");
	if (w->swappiness)
		plan_warn(c, "linux.resources.memory.swappiness: cgroup v2 has no per-cgroup "
			     "swappiness: ignored");
	if (w->oom_disable)
		plan_warn(c, "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable "
			     "the OOM killer: ignored");
	if (w->hierarchy && !w->hierarchy_v)
		plan_warn(c, "linux.resources.memory.useHierarchy: cgroup v2 is always "
			     "hierarchical: ignored");
}

static void memory_v2(struct plan_ctx *c, const struct mem_want *w)
{
	char buf[24];
	if (w->limit)
		plan_add(c, NULL, "linux.resources.memory.limit",
			 w->check ? CGROUPS_WRITE_CHECK_USAGE : 0, "memory.max", "%s",
			 num_or_max(buf, w->limit_v));
	if (w->reservation)
		plan_add(c, NULL, "linux.resources.memory.reservation", 0, "memory.low", "%s",
			 num_or_max(buf, w->reservation_v));
	/* without swap accounting there is no memory.swap.max: crun ignores that too */
	if (w->swap)
		plan_add(c, NULL, "linux.resources.memory.swap", CGROUPS_WRITE_OPTIONAL,
			 "memory.swap.max", "%s",
			 num_or_max(buf, w->swap_v < 0 ? -1 : w->swap_v - w->limit_v));
	memory_v2_warnings(c, w);
}

static int plan_memory(struct plan_ctx *c, const struct spec_memory *m)
{
	struct mem_want w = {0};
	const char *v1;
	if (memory_want(c, m, &w) < 0)
		return -1;
	if (!memory_writes(&w))
		return 0;
	if (plan_on_v1(c, "memory")) {
		plan_memory_v1(c, &w);
		return 0;
	}
	/* only the warnings: no need for a memory controller */
	if (!w.limit && !w.reservation && !w.swap) {
		memory_v2_warnings(c, &w);
		return 0;
	}
	const char *field = w.limit	    ? "linux.resources.memory.limit"
			    : w.reservation ? "linux.resources.memory.reservation"
					    : "linux.resources.memory.swap";
	if (plan_locate(c, "memory", "memory", field, &v1) < 0)
		return -1;
	memory_v2(c, &w);
	return 0;
}

/* ---- cpu ---- */

uint64_t cgroups_cpu_weight(uint64_t shares)
{
	/* runc (opencontainers/cgroups) and crun since 2025: a quadratic in log2(shares)
	 * through the three fixed points min (2 -> 1), default (1024 -> 100) and max
	 * (262144 -> 10000). The linear 1 + (shares - 2) * 9999 / 262142 of before put the
	 * default 1024 at 39, well below the v2 default 100 (kubernetes#131216). */
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	double l = log2((double)shares);
	double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

static int cpu_check(const struct plan_ctx *c, const struct cpu_want *w)
{
	if (w->quota && w->quota_v < -1)
		return err_set(c->err, EINVAL,
			       "linux.resources.cpu.quota: must be -1 (unlimited) or positive (got "
			       "%lld)",
			       (long long)w->quota_v);
	if (w->quota && w->quota_v > 0 && w->quota_v < 1000)
		return err_set(c->err, EINVAL,
			       "linux.resources.cpu.quota: must be at least 1000 (1ms; got %lld)",
			       (long long)w->quota_v);
	if (w->period && (w->period_v < 1000 || w->period_v > 1000000))
		return err_set(c->err, EINVAL,
			       "linux.resources.cpu.period: must be 1000 to 1000000 (got %llu)",
			       (unsigned long long)w->period_v);
	if (w->burst && w->quota && w->quota_v > 0 && w->burst_v > (uint64_t)w->quota_v)
		return err_set(c->err, EINVAL,
			       "linux.resources.cpu.burst: must not exceed cpu.quota (got %llu > "
			       "%lld)",
			       (unsigned long long)w->burst_v, (long long)w->quota_v);
	if (w->idle && w->idle_v != 0 && w->idle_v != 1)
		return err_set(c->err, EINVAL,
			       "linux.resources.cpu.idle: must be 0 or 1 (got %lld)",
			       (long long)w->idle_v);
	return 0;
}

static int cpu_want(const struct plan_ctx *c, const struct spec_cpu *s, struct cpu_want *w)
{
	bool up = c->update;
	/* Docker sends shares 0 (unset), ctr 1024 (the default weight) */
	w->shares = s->shares.set && s->shares.value != 0 && (up || s->shares.value != 1024);
	w->shares_v = s->shares.value;
	w->quota = s->quota.set && s->quota.value != 0 && (up || s->quota.value != -1);
	w->quota_v = s->quota.value;
	w->period = s->period.set && s->period.value != 0;
	w->period_v = s->period.value;
	w->burst = s->burst.set && s->burst.value != 0;
	w->burst_v = s->burst.value;
	w->rt_runtime = s->realtime_runtime.set && s->realtime_runtime.value != 0;
	w->rt_runtime_v = s->realtime_runtime.value;
	w->rt_period = s->realtime_period.set && s->realtime_period.value != 0;
	w->rt_period_v = s->realtime_period.value;
	w->idle = s->idle.set && (up || s->idle.value != 0);
	w->idle_v = s->idle.value;
	return cpu_check(c, w);
}

static void cpu_max_v2(struct plan_ctx *c, const struct cpu_want *w)
{
	char q[24];
	if (w->quota) {
		if (w->period)
			plan_add(c, NULL, "linux.resources.cpu.quota", 0, "cpu.max", "%s %llu",
				 num_or_max(q, w->quota_v), (unsigned long long)w->period_v);
		else
			plan_add(c, NULL, "linux.resources.cpu.quota", 0, "cpu.max", "%s",
				 num_or_max(q, w->quota_v));
	} else if (w->period && !c->update) {
		plan_add(c, NULL, "linux.resources.cpu.period", 0, "cpu.max", "max %llu",
			 (unsigned long long)w->period_v);
	} else if (w->period) {
		/* cpu.max takes "QUOTA PERIOD": a new period alone keeps the quota */
		plan_add(c, NULL, "linux.resources.cpu.period", CGROUPS_WRITE_KEEP_QUOTA, "cpu.max",
			 " %llu", (unsigned long long)w->period_v);
	}
}

static int cpu_v2(struct plan_ctx *c, const struct cpu_want *w)
{
	if (w->rt_runtime || w->rt_period)
		return err_set(c->err, ENOTSUP,
			       "linux.resources.cpu.%s: cgroup v2 has no realtime "
			       "CPU settings",
			       w->rt_runtime ? "realtimeRuntime" : "realtimePeriod");
	if (!w->shares && !w->quota && !w->period && !w->burst && !w->idle)
		return 0;
	const char *v1, *field = w->shares   ? "linux.resources.cpu.shares"
				 : w->quota  ? "linux.resources.cpu.quota"
				 : w->period ? "linux.resources.cpu.period"
				 : w->burst  ? "linux.resources.cpu.burst"
					     : "linux.resources.cpu.idle";
	if (plan_locate(c, "cpu", "cpu", field, &v1) < 0)
		return -1;
	if (w->shares)
		plan_add(c, NULL, "linux.resources.cpu.shares", 0, "cpu.weight", "%llu",
			 (unsigned long long)cgroups_cpu_weight(w->shares_v));
	cpu_max_v2(c, w);
	if (w->burst)
		plan_add(c, NULL, "linux.resources.cpu.burst", 0, "cpu.max.burst", "%llu",
			 (unsigned long long)w->burst_v);
	if (w->idle)
		plan_add(c, NULL, "linux.resources.cpu.idle", 0, "cpu.idle", "%lld",
			 (long long)w->idle_v);
	return 0;
}

/* "0-3,7": comma-separated numbers and ranges. */
static bool cpu_list_valid(const char *s)
{
	const char *p = s;
	while (*p) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned long a = strtoul(p, (char **)&p, 10);
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9' || strtoul(p, (char **)&p, 10) < a)
				return false;
		}
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return true;
}

static int plan_cpuset(struct plan_ctx *c, const struct spec_cpu *s)
{
	const char *vals[2] = {s->cpus, s->mems};
	static const char *const keys[2] = {"cpus", "mems"};
	for (int i = 0; i < 2; i++) {
		if (!vals[i] || !*vals[i])
			continue;
		_cleanup_free_ char *field = xasprintf("linux.resources.cpu.%s", keys[i]);
		_cleanup_free_ char *file = xasprintf("cpuset.%s", keys[i]);
		const char *v1;
		if (!cpu_list_valid(vals[i]))
			return err_set(c->err, EINVAL, "%s: \"%s\" is not a list such as 0-3,7",
				       field, vals[i]);
		if (plan_locate(c, "cpuset", "cpuset", field, &v1) < 0)
			return -1;
		plan_add(c, v1, field, 0, file, "%s", vals[i]);
	}
	return 0;
}

static int plan_cpu(struct plan_ctx *c, const struct spec_cpu *s)
{
	struct cpu_want w = {0};
	if (cpu_want(c, s, &w) < 0)
		return -1;
	if (plan_on_v1(c, "cpu"))
		plan_cpu_v1(c, &w);
	else if (cpu_v2(c, &w) < 0)
		return -1;
	return plan_cpuset(c, s);
}

/* ---- pids ---- */

static int plan_pids(struct plan_ctx *c, const struct spec_i64 *limit)
{
	/* runtime-spec 1.3: -1 is "max"; 0 is a real limit (no new tasks). In an update 0
	 * means "unchanged", as everywhere in Docker's resources JSON. */
	if (!limit->set || (!c->update && limit->value == -1) || (c->update && !limit->value))
		return 0;
	if (limit->value < -1)
		return err_set(c->err, EINVAL,
			       "linux.resources.pids.limit: must be -1 (unlimited) or at least 0 "
			       "(got %lld)",
			       (long long)limit->value);
	const char *v1;
	if (plan_locate(c, "pids", "pids", "linux.resources.pids.limit", &v1) < 0)
		return -1;
	char buf[24];
	plan_add(c, v1, "linux.resources.pids.limit", 0, "pids.max", "%s",
		 num_or_max(buf, limit->value));
	return 0;
}

/* ---- the plan ---- */

static void write_clear(struct cgroups_write *w)
{
	free(w->file);
	free(w->value);
	free(w->alt_file);
	free(w->alt_value);
	free(w->field);
}

size_t cgroups_plan_drop_v1(struct cgroups_plan *p, const char *controller)
{
	size_t kept = 0, n = p->n_writes;
	for (size_t i = 0; i < n; i++) {
		if (p->writes[i].v1 && !strcmp(p->writes[i].v1, controller))
			write_clear(&p->writes[i]);
		else
			p->writes[kept++] = p->writes[i];
	}
	p->n_writes = kept;
	return n - kept;
}

void cgroups_plan_clear(struct cgroups_plan *p)
{
	for (size_t i = 0; i < p->n_writes; i++)
		write_clear(&p->writes[i]);
	free(p->writes);
	strv_free(p->v2_controllers);
	free(p->devices);
	strv_free(p->warnings);
	memset(p, 0, sizeof(*p));
}

int cgroups_plan(const struct spec_resources *r, const struct cgroups_host *h, bool update,
		 struct cgroups_plan *ret, struct brig_error *err)
{
	struct cgroups_plan p = {0};
	struct plan_ctx c = {.h = h, .update = update, .p = &p, .err = err};
	/* crun's order; unified last, so that it overrides what the named fields set */
	if (plan_devices(&c, r) < 0 || (r->has_memory && plan_memory(&c, &r->memory) < 0) ||
	    plan_pids(&c, &r->pids_limit) < 0 || (r->has_cpu && plan_cpu(&c, &r->cpu) < 0) ||
	    (r->has_blkio && plan_blkio(&c, &r->blkio) < 0) || plan_hugetlb(&c, r) < 0 ||
	    plan_network(&c, r) < 0 || plan_rdma(&c, r) < 0 || plan_unified(&c, r) < 0) {
		cgroups_plan_clear(&p);
		return -1;
	}
	*ret = p;
	return 0;
}
