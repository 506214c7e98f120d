// SPDX-License-Identifier: Apache-2.0
/* `update` and `events`: change a running container's limits, and report its
 * cgroup's numbers the way runc does (containerd's shim and podman read them). */
#include "runtime/cli/cli.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>

/* Bytes with runc's units: 512, 64k, 512m, 1g, 1t (also "512MB", any case). */
static int parse_bytes(const char *flag, const char *s, int64_t *ret, struct brig_error *err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno)
		return err_set(err, EINVAL, "--%s: not a size: '%s'", flag, s);
	int shift = 0;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	case '\0':
		break;
	default:
		return err_set(err, EINVAL, "--%s: not a size: '%s'", flag, s);
	}
	if (shift && end[1] && (tolower((unsigned char)end[1]) != 'b' || end[2]))
		return err_set(err, EINVAL, "--%s: not a size: '%s'", flag, s);
	if (v > 0 && shift && v > (INT64_MAX >> shift))
		return err_set(err, ERANGE, "--%s: too large: '%s'", flag, s);
	*ret = v > 0 ? v << shift : v;
	return 0;
}

static int set_i64(struct spec_i64 *f, const char *flag, const char *v, bool bytes,
		   struct brig_error *err)
{
	int64_t n;
	if (bytes ? parse_bytes(flag, v, &n, err) < 0
		  : parse_int64(v, INT64_MIN, INT64_MAX, &n) < 0)
		return bytes ? -1 : err_set(err, EINVAL, "--%s: not a number: '%s'", flag, v);
	*f = (struct spec_i64){true, n};
	return 0;
}

static int set_u64(struct spec_u64 *f, const char *flag, const char *v, struct brig_error *err)
{
	int64_t n;
	if (parse_int64(v, 0, INT64_MAX, &n) < 0)
		return err_set(err, EINVAL, "--%s: not a number: '%s'", flag, v);
	*f = (struct spec_u64){true, (uint64_t)n};
	return 0;
}

struct update_opts {
	const char *resources;
	const char *memory, *swap, *reservation, *kmem, *kmem_tcp;
	const char *shares, *quota, *period, *rt_period, *rt_runtime, *cpus, *mems;
	const char *pids, *blkio, *l3, *mba;
};

#define U(field) offsetof(struct update_opts, field)
static const struct cli_opt update_opts[] = {
    {"resources", 'r', CLI_STRING, U(resources), "FILE",
     "the new linux.resources as JSON (- for stdin); excludes the other options", CLI_RUNC},
    {"memory", 0, CLI_STRING, U(memory), "BYTES", "memory limit (k, m, g, t suffixes)", CLI_RUNC},
    {"memory-swap", 0, CLI_STRING, U(swap), "BYTES", "memory + swap limit; -1: unlimited",
     CLI_RUNC},
    {"memory-reservation", 0, CLI_STRING, U(reservation), "BYTES", "memory soft limit", CLI_RUNC},
    {"kernel-memory", 0, CLI_STRING, U(kmem), "BYTES", "kernel memory limit (cgroup v1)", CLI_RUNC},
    {"kernel-memory-tcp", 0, CLI_STRING, U(kmem_tcp), "BYTES",
     "kernel TCP buffer limit (cgroup v1)", CLI_RUNC},
    {"cpu-share", 0, CLI_STRING, U(shares), "N", "CPU shares (relative weight)", CLI_RUNC, NULL,
     "cpu-shares"},
    {"cpu-quota", 0, CLI_STRING, U(quota), "USEC", "CPU time allowed per period; -1: none",
     CLI_RUNC},
    {"cpu-period", 0, CLI_STRING, U(period), "USEC", "the CPU quota's period", CLI_RUNC},
    {"cpu-rt-period", 0, CLI_STRING, U(rt_period), "USEC", "the realtime period (cgroup v1)",
     CLI_RUNC},
    {"cpu-rt-runtime", 0, CLI_STRING, U(rt_runtime), "USEC",
     "realtime time allowed per period (cgroup v1)", CLI_RUNC},
    {"cpuset-cpus", 0, CLI_STRING, U(cpus), "LIST", "the CPUs to run on (0-3,5)", CLI_RUNC},
    {"cpuset-mems", 0, CLI_STRING, U(mems), "LIST", "the memory nodes to use", CLI_RUNC},
    {"pids-limit", 0, CLI_STRING, U(pids), "N", "the most tasks; 0 or -1: no limit", CLI_RUNC},
    {"blkio-weight", 0, CLI_STRING, U(blkio), "N", "block I/O weight, 10 to 1000", CLI_RUNC},
    {"l3-cache-schema", 0, CLI_STRING, U(l3), "SCHEMA", "Intel RDT (not supported by brig)",
     CLI_RUNC},
    {"mem-bw-schema", 0, CLI_STRING, U(mba), "SCHEMA", "Intel RDT (not supported by brig)",
     CLI_RUNC},
};

/* The flags into a resources struct; 0 and absent mean "unchanged". */
static int flags_to_resources(const struct update_opts *o, struct spec_resources *r,
			      struct brig_error *err)
{
	struct spec_memory *m = &r->memory;
	struct spec_cpu *c = &r->cpu;
	if (o->l3 || o->mba)
		return err_set(err, ENOTSUP, "--%s: Intel RDT is not supported",
			       o->l3 ? "l3-cache-schema" : "mem-bw-schema");
	const struct {
		const char *v, *flag;
		struct spec_i64 *f;
		bool bytes;
	} i64s[] = {
	    {o->memory, "memory", &m->limit, true},
	    {o->swap, "memory-swap", &m->swap, true},
	    {o->reservation, "memory-reservation", &m->reservation, true},
	    {o->kmem, "kernel-memory", &m->kernel, true},
	    {o->kmem_tcp, "kernel-memory-tcp", &m->kernel_tcp, true},
	    {o->quota, "cpu-quota", &c->quota, false},
	    {o->rt_runtime, "cpu-rt-runtime", &c->realtime_runtime, false},
	    {o->pids, "pids-limit", &r->pids_limit, false},
	};
	const struct {
		const char *v, *flag;
		struct spec_u64 *f;
	} u64s[] = {
	    {o->shares, "cpu-share", &c->shares},
	    {o->period, "cpu-period", &c->period},
	    {o->rt_period, "cpu-rt-period", &c->realtime_period},
	    {o->blkio, "blkio-weight", &r->blkio.weight},
	};
	for (size_t i = 0; i < ARRAY_SIZE(i64s); i++)
		if (i64s[i].v &&
		    set_i64(i64s[i].f, i64s[i].flag, i64s[i].v, i64s[i].bytes, err) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(u64s); i++)
		if (u64s[i].v && set_u64(u64s[i].f, u64s[i].flag, u64s[i].v, err) < 0)
			return -1;
	c->cpus = o->cpus ? xstrdup(o->cpus) : NULL;
	c->mems = o->mems ? xstrdup(o->mems) : NULL;
	r->has_memory = o->memory || o->swap || o->reservation || o->kmem || o->kmem_tcp;
	r->has_cpu = o->shares || o->quota || o->period || o->rt_period || o->rt_runtime ||
		     o->cpus || o->mems;
	r->has_blkio = o->blkio != NULL;
	r->present = r->has_memory || r->has_cpu || r->has_blkio || o->pids;
	return 0;
}

static struct spec_resources *read_resources(const char *file, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, strcmp(file, "-") ? file : "/dev/stdin", &text, NULL, err) < 0)
		return NULL;
	return spec_resources_parse(text, strcmp(file, "-") ? file : "resources", err);
}

static struct spec_resources *update_resources(const struct update_opts *o, struct brig_error *err)
{
	_cleanup_free_ struct spec_resources *r = xcalloc(1, sizeof(*r));
	if (flags_to_resources(o, r, err) < 0) {
		spec_resources_free(steal_ptr(&r));
		return NULL;
	}
	if (!o->resources)
		return steal_ptr(&r);
	bool flags = r->present;
	spec_resources_free(steal_ptr(&r));
	if (flags) {
		err_set(err, EINVAL, "--resources and the limit flags are exclusive");
		return NULL;
	}
	return read_resources(o->resources, err);
}

static int update(const struct global_opts *g, void *opts, char **args, size_t n,
		  struct brig_error *err)
{
	(void)n;
	const char *id = args[0];
	struct spec_resources *r = update_resources(opts, err);
	if (!r)
		return -1;
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	_cleanup_container_ struct container *c = container_open_at(g->root, id, err);
	int rc = c ? 0 : -1;
	if (rc == 0 && container_status(&c->state) == SPEC_STATUS_STOPPED)
		rc = err_set(err, ESRCH, "container not running");
	if (rc == 0 && (rc = cgroup_load(&c->state, &cg, err)) == 0 && !cg.opened)
		rc = cgroup_none_error(id, "update", err);
	if (rc == 0)
		rc = cgroup_update(&cg, r, err);
	spec_resources_free(r);
	return rc;
}

const struct cli_verb cli_update = {
    .name = "update",
    .summary = "change a running container's resource limits",
    .args = "ID",
    .description =
	"Changes the limits of the container's cgroup, from the flags or from a JSON "
	"linux.resources object (--resources FILE, - for stdin; Docker's and containerd's way). "
	"Values of 0 and absent fields leave a limit unchanged.",
    .opts = CLI_OPTS(update_opts),
    .opts_size = sizeof(struct update_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = update,
};

static int print_stats(const struct ctr_cgroup *cg, const char *id, struct brig_error *err)
{
	struct spec_stats s = {0};
	if (cgroups_stats(&cg->cg, &s, err) < 0)
		return -1;
	_cleanup_free_ char *line = spec_event_format("stats", id, &s);
	printf("%s\n", line);
	fflush(stdout);
	cgroups_stats_clear(&s);
	return 0;
}

/* Go's durations as runc takes them: "5s", "100ms", "1m", "1m30s"; ms. */
static int parse_duration(const char *s, long long *ret_ms, struct brig_error *err)
{
	long long total = 0;
	for (const char *p = s; *p;) {
		char *end;
		double v = strtod(p, &end);
		if (end == p)
			return err_set(err, EINVAL, "--interval: bad duration '%s'", s);
		double unit = !strncmp(end, "ms", 2) ? 1
			      : *end == 's'	     ? 1000
			      : *end == 'm'	     ? 60000
			      : *end == 'h'	     ? 3600000
						     : -1;
		if (unit < 0)
			return err_set(err, EINVAL, "--interval: bad duration '%s' (want e.g. 5s)",
				       s);
		total += (long long)(v * unit);
		p = end + (!strncmp(end, "ms", 2) ? 2 : 1);
	}
	if (total <= 0)
		return err_set(err, EINVAL, "--interval: must be positive");
	*ret_ms = total;
	return 0;
}

static void report_oom(const struct ctr_cgroup *cg, const char *id, uint64_t *seen)
{
	uint64_t now = 0;
	struct brig_error ignored;
	if (cgroups_oom_count(&cg->cg, &now, &ignored) == 0 && now > *seen) {
		_cleanup_free_ char *line = spec_event_format("oom", id, NULL);
		printf("%s\n", line);
		fflush(stdout);
		*seen = now;
	}
}

/* Stats every interval and an "oom" event whenever the OOM kill count grows,
 * until the container's init exits. */
static int stream_events(const struct ctr_cgroup *cg, const char *id, int pidfd, long long ms,
			 struct brig_error *err)
{
	uint64_t ooms = 0;
	bool have_oom = cgroups_oom_count(&cg->cg, &ooms, err) == 0;
	for (;;) {
		if (print_stats(cg, id, err) < 0)
			return -1;
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		for (long long left = ms; left > 0; left -= 250) {
			bool stopped = poll(&p, 1, (int)(left < 250 ? left : 250)) > 0;
			/* also after the init died: an OOM kill of the init itself */
			if (have_oom)
				report_oom(cg, id, &ooms);
			if (stopped)
				return 0;
		}
	}
}

struct events_opts {
	bool stats;
	const char *interval;
};

static const struct cli_opt events_opts[] = {
    {"stats", 0, CLI_FLAG, offsetof(struct events_opts, stats), NULL,
     "print the container's stats once and exit", CLI_RUNC},
    {"interval", 0, CLI_STRING, offsetof(struct events_opts, interval), "DURATION",
     "the stats interval (default 5s; Go's syntax: 100ms, 5s, 1m30s)", CLI_RUNC},
};

static int events(const struct global_opts *g, void *opts, char **args, size_t n,
		  struct brig_error *err)
{
	(void)n;
	const struct events_opts *o = opts;
	const char *id = args[0];
	long long ms = 5000;
	if (o->interval && parse_duration(o->interval, &ms, err) < 0)
		return -1;
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	struct container *ct = container_open_at(g->root, id, err);
	if (!ct)
		return -1;
	int r = container_status(&ct->state) == SPEC_STATUS_STOPPED
		    ? err_set(err, ESRCH, "container not running")
		    : cgroup_load(&ct->state, &cg, err);
	if (r == 0 && !cg.opened)
		r = cgroup_none_error(id, "events", err);
	_cleanup_close_ int pidfd = process_pidfd(ct->state.pid, ct->state.init_start_time);
	container_free(ct); /* streaming holds no lock */
	if (r < 0)
		return -1;
	if (o->stats)
		return print_stats(&cg, id, err);
	return pidfd < 0 ? 0 : stream_events(&cg, id, pidfd, ms, err);
}

const struct cli_verb cli_events = {
    .name = "events",
    .summary = "a container's stats and OOM events as JSON lines",
    .args = "ID",
    .description = "Prints the container's cgroup stats every --interval, and an oom event "
		   "whenever the kernel's OOM killer acts in it, until the container's init "
		   "exits; with --stats, the stats once.",
    .opts = CLI_OPTS(events_opts),
    .opts_size = sizeof(struct events_opts),
    .min_args = 1,
    .max_args = 1,
    .runc = true,
    .run = events,
};
