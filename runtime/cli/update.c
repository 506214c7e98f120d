// SPDX-License-Identifier: Apache-2.0
/* `update` and `events`: change a running container's limits, and report its
 * cgroup's numbers the way runc does (containerd's shim and podman read them). */
#include "runtime/container/container.h"

#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sys/syscall.h>

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

enum {
	U_RESOURCES = 'r',
	U_MEMORY = 256,
	U_SWAP,
	U_RESERVATION,
	U_KMEM,
	U_KMEM_TCP,
	U_SHARES,
	U_QUOTA,
	U_PERIOD,
	U_RT_PERIOD,
	U_RT_RUNTIME,
	U_CPUS,
	U_MEMS,
	U_PIDS,
	U_BLKIO,
	U_L3,
	U_MBA,
};

static const struct option update_longopts[] = {
    {"resources", required_argument, NULL, U_RESOURCES},
    {"memory", required_argument, NULL, U_MEMORY},
    {"memory-swap", required_argument, NULL, U_SWAP},
    {"memory-reservation", required_argument, NULL, U_RESERVATION},
    {"kernel-memory", required_argument, NULL, U_KMEM},
    {"kernel-memory-tcp", required_argument, NULL, U_KMEM_TCP},
    {"cpu-shares", required_argument, NULL, U_SHARES},
    {"cpu-quota", required_argument, NULL, U_QUOTA},
    {"cpu-period", required_argument, NULL, U_PERIOD},
    {"cpu-rt-period", required_argument, NULL, U_RT_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, U_RT_RUNTIME},
    {"cpuset-cpus", required_argument, NULL, U_CPUS},
    {"cpuset-mems", required_argument, NULL, U_MEMS},
    {"pids-limit", required_argument, NULL, U_PIDS},
    {"blkio-weight", required_argument, NULL, U_BLKIO},
    {"l3-cache-schema", required_argument, NULL, U_L3},
    {"mem-bw-schema", required_argument, NULL, U_MBA},
    {"help", no_argument, NULL, 'h'},
    {0},
};

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

static int update_flag(int c, const char *flag, struct spec_resources *r, struct brig_error *err)
{
	struct spec_memory *m = &r->memory;
	struct spec_cpu *cpu = &r->cpu;
	r->present = true;
	r->has_memory |= c >= U_MEMORY && c <= U_KMEM_TCP;
	r->has_cpu |= c >= U_SHARES && c <= U_MEMS;
	switch (c) {
	case U_MEMORY:
		return set_i64(&m->limit, flag, optarg, true, err);
	case U_SWAP:
		return set_i64(&m->swap, flag, optarg, true, err);
	case U_RESERVATION:
		return set_i64(&m->reservation, flag, optarg, true, err);
	case U_KMEM:
		return set_i64(&m->kernel, flag, optarg, true, err);
	case U_KMEM_TCP:
		return set_i64(&m->kernel_tcp, flag, optarg, true, err);
	case U_SHARES:
		return set_u64(&cpu->shares, flag, optarg, err);
	case U_QUOTA:
		return set_i64(&cpu->quota, flag, optarg, false, err);
	case U_PERIOD:
		return set_u64(&cpu->period, flag, optarg, err);
	case U_RT_PERIOD:
		return set_u64(&cpu->realtime_period, flag, optarg, err);
	case U_RT_RUNTIME:
		return set_i64(&cpu->realtime_runtime, flag, optarg, false, err);
	case U_CPUS:
		free(cpu->cpus), cpu->cpus = xstrdup(optarg);
		return 0;
	case U_MEMS:
		free(cpu->mems), cpu->mems = xstrdup(optarg);
		return 0;
	case U_PIDS:
		return set_i64(&r->pids_limit, flag, optarg, false, err);
	case U_BLKIO:
		r->has_blkio = true;
		return set_u64(&r->blkio.weight, flag, optarg, err);
	default:
		return err_set(err, ENOTSUP, "--%s: Intel RDT is not supported", flag);
	}
}

static struct spec_resources *read_resources(const char *file, struct brig_error *err)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, strcmp(file, "-") ? file : "/dev/stdin", &text, NULL, err) < 0)
		return NULL;
	return spec_resources_parse(text, strcmp(file, "-") ? file : "resources", err);
}

static int parse_update(int argc, char **argv, struct spec_resources **ret, struct brig_error *err)
{
	const char *file = NULL;
	int c, idx;
	opterr = 0;
	_cleanup_free_ struct spec_resources *flags = xcalloc(1, sizeof(*flags));
	while ((c = getopt_long(argc, argv, "+:r:h", update_longopts, &idx)) != -1) {
		if (c == 'h')
			return verb_usage("update", stdout), 1;
		if (c == '?' || c == ':')
			return err_set(err, EINVAL,
				       "update: bad option '%s' (see brig update --help)",
				       argv[optind - 1]);
		if (c == U_RESOURCES)
			file = optarg;
		else if (update_flag(c, update_longopts[idx].name, flags, err) < 0)
			return -1;
	}
	if (file && flags->present)
		return err_set(err, EINVAL,
			       "update: --resources and the limit flags are exclusive");
	*ret = file ? read_resources(file, err) : steal_ptr(&flags);
	return *ret ? 0 : -1;
}

int verb_update(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	struct spec_resources *r = NULL;
	int rc = parse_update(argc, argv, &r, err);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	const char *id = NULL;
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_container_ struct container *c = NULL;
	rc = parse_id_arg("update", argc, argv, optind, &id, err);
	if (rc == 0 && !(c = root_fd >= 0 ? container_open(root_fd, id, err) : NULL))
		rc =
		    root_fd >= 0 ? -1 : err_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (rc == 0 && container_status(&c->state) == SPEC_STATUS_STOPPED)
		rc = err_set(err, ESRCH, "container not running");
	if (rc == 0 && (rc = cgroup_load(&c->state, &cg, err)) == 0 && !cg.opened)
		rc = err_set(err, ENOTSUP, "container \"%s\" has no cgroup of its own", id);
	if (rc == 0)
		rc = cgroup_update(&cg, r, err);
	spec_resources_free(r);
	return rc;
}

/* cgroups' numbers into the spec's event struct (no copies: pointers into s). */
static void to_event(const struct cgroups_stats *s, struct spec_stats *e, struct spec_stats_kv *raw,
		     struct spec_stats_blkio *sb, struct spec_stats_blkio *sv,
		     struct spec_stats_hugetlb *h)
{
	*e = (struct spec_stats){0};
	e->cpu.total = s->cpu.total, e->cpu.kernel = s->cpu.kernel, e->cpu.user = s->cpu.user;
	e->cpu.percpu = s->cpu.percpu, e->cpu.n_percpu = s->cpu.n_percpu;
	e->cpu.periods = s->cpu.periods, e->cpu.throttled_periods = s->cpu.throttled_periods;
	e->cpu.throttled_time = s->cpu.throttled_time;
	e->memory.cache = s->memory.cache;
	const struct cgroups_mem_entry *src[] = {&s->memory.usage, &s->memory.swap,
						 &s->memory.kernel, &s->memory.kernel_tcp};
	struct spec_stats_mem *dst[] = {&e->memory.usage, &e->memory.swap, &e->memory.kernel,
					&e->memory.kernel_tcp};
	for (size_t i = 0; i < ARRAY_SIZE(src); i++)
		*dst[i] = (struct spec_stats_mem){src[i]->usage, src[i]->limit, src[i]->max,
						  src[i]->failcnt};
	for (size_t i = 0; i < s->memory.n_raw; i++)
		raw[i] = (struct spec_stats_kv){s->memory.raw[i].key, s->memory.raw[i].value};
	e->memory.raw = raw, e->memory.n_raw = s->memory.n_raw;
	/* runc: "no limit" for pids is 0, not the max value */
	e->pids.current = s->pids.current;
	e->pids.limit = s->pids.limit == UINT64_MAX ? 0 : s->pids.limit;
	for (size_t i = 0; i < s->io.n_service_bytes; i++) {
		const struct cgroups_io_entry *x = &s->io.service_bytes[i];
		sb[i] = (struct spec_stats_blkio){x->major, x->minor, x->op, x->value};
	}
	for (size_t i = 0; i < s->io.n_serviced; i++) {
		const struct cgroups_io_entry *x = &s->io.serviced[i];
		sv[i] = (struct spec_stats_blkio){x->major, x->minor, x->op, x->value};
	}
	e->blkio.service_bytes = sb, e->blkio.n_service_bytes = s->io.n_service_bytes;
	e->blkio.serviced = sv, e->blkio.n_serviced = s->io.n_serviced;
	for (size_t i = 0; i < s->n_hugetlb; i++)
		h[i] = (struct spec_stats_hugetlb){s->hugetlb[i].page_size, s->hugetlb[i].usage,
						   s->hugetlb[i].max, s->hugetlb[i].failcnt};
	e->hugetlb = h, e->n_hugetlb = s->n_hugetlb;
}

static int print_stats(const struct ctr_cgroup *cg, const char *id, struct brig_error *err)
{
	struct cgroups_stats s = {0};
	if (cgroups_stats(&cg->cg, &s, err) < 0)
		return -1;
	struct spec_stats e;
	_cleanup_free_ struct spec_stats_kv *raw = xcalloc(s.memory.n_raw + 1, sizeof(*raw));
	_cleanup_free_ struct spec_stats_blkio *sb = xcalloc(s.io.n_service_bytes + 1, sizeof(*sb));
	_cleanup_free_ struct spec_stats_blkio *sv = xcalloc(s.io.n_serviced + 1, sizeof(*sv));
	_cleanup_free_ struct spec_stats_hugetlb *h = xcalloc(s.n_hugetlb + 1, sizeof(*h));
	to_event(&s, &e, raw, sb, sv, h);
	_cleanup_free_ char *line = spec_event_format("stats", id, &e);
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

int verb_events(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	static const struct option longopts[] = {{"stats", no_argument, NULL, 's'},
						 {"interval", required_argument, NULL, 'i'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	bool stats = false;
	long long ms = 5000;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 's')
			stats = true;
		else if (c == 'i' && parse_duration(optarg, &ms, err) < 0)
			return -1;
		else if (c == 'h')
			return verb_usage("events", stdout), 0;
		else if (c != 'i')
			return err_set(err, EINVAL, "events: bad option '%s'", argv[optind - 1]);
	}
	const char *id = NULL;
	if (parse_id_arg("events", argc, argv, optind, &id, err) < 0)
		return -1;
	_cleanup_(cgroup_clearp) struct ctr_cgroup cg = CTR_CGROUP_INIT;
	_cleanup_close_ int root_fd = open(g->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct container *ct = root_fd >= 0 ? container_open(root_fd, id, err) : NULL;
	if (!ct)
		return root_fd >= 0 ? -1
				    : err_set(err, ENOENT, "container \"%s\" does not exist", id);
	int r = container_status(&ct->state) == SPEC_STATUS_STOPPED
		    ? err_set(err, ESRCH, "container not running")
		    : cgroup_load(&ct->state, &cg, err);
	if (r == 0 && !cg.opened)
		r = err_set(err, ENOTSUP, "container \"%s\" has no cgroup of its own", id);
	_cleanup_close_ int pidfd = process_pidfd(ct->state.pid, ct->state.init_start_time);
	container_free(ct); /* streaming holds no lock */
	if (r < 0)
		return -1;
	if (stats)
		return print_stats(&cg, id, err);
	return pidfd < 0 ? 0 : stream_events(&cg, id, pidfd, ms, err);
}
