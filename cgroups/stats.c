// SPDX-License-Identifier: Apache-2.0
/* events --stats: the numbers of runc's stats JSON, from the v2 files or, for controllers
 * bound to v1 on a hybrid host, from the v1 ones, converted as runc does. */
#include "cgroups/internal.h"

#include <dirent.h>
#include <fcntl.h>

/* Missing files (a controller not enabled, an older kernel) read as 0. */
static uint64_t get(int fd, const char *file)
{
	struct brig_error ignored;
	uint64_t v = 0;
	if (fd < 0 || read_u64_at(fd, file, &v, &ignored) < 0)
		return 0;
	return v;
}

static uint64_t key(int fd, const char *file, const char *k)
{
	struct brig_error ignored;
	uint64_t v = 0;
	if (fd < 0 || read_key_at(fd, file, k, &v, &ignored) <= 0)
		return 0;
	return v;
}

static char *slurp(int fd, const char *file)
{
	struct brig_error ignored;
	char *buf = NULL;
	if (fd < 0 || read_file_at(fd, file, &buf, NULL, &ignored) < 0)
		return NULL;
	return buf;
}

static void cpu_v2(int fd, struct spec_stats *s)
{
	s->cpu.total = key(fd, "cpu.stat", "usage_usec") * 1000;
	s->cpu.user = key(fd, "cpu.stat", "user_usec") * 1000;
	s->cpu.kernel = key(fd, "cpu.stat", "system_usec") * 1000;
	s->cpu.periods = key(fd, "cpu.stat", "nr_periods");
	s->cpu.throttled_periods = key(fd, "cpu.stat", "nr_throttled");
	s->cpu.throttled_time = key(fd, "cpu.stat", "throttled_usec") * 1000;
}

static void cpu_v1(int cpu, int acct, struct spec_stats *s)
{
	/* cpuacct.stat counts USER_HZ ticks */
	uint64_t tick = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
	s->cpu.total = get(acct, "cpuacct.usage");
	s->cpu.user = key(acct, "cpuacct.stat", "user") * tick;
	s->cpu.kernel = key(acct, "cpuacct.stat", "system") * tick;
	_cleanup_free_ char *percpu = slurp(acct, "cpuacct.usage_percpu");
	for (char *p = percpu, *end; p && *p; p = end) {
		uint64_t v = strtoull(p, &end, 10);
		if (end == p)
			break;
		s->cpu.percpu = xrealloc(s->cpu.percpu, (s->cpu.n_percpu + 1) * sizeof(uint64_t));
		s->cpu.percpu[s->cpu.n_percpu++] = v;
	}
	s->cpu.periods = key(cpu, "cpu.stat", "nr_periods");
	s->cpu.throttled_periods = key(cpu, "cpu.stat", "nr_throttled");
	s->cpu.throttled_time = key(cpu, "cpu.stat", "throttled_time");
}

static void memory_raw(int fd, struct spec_stats *s)
{
	_cleanup_free_ char *buf = slurp(fd, "memory.stat");
	for (char *sv = NULL, *l = buf ? strtok_r(buf, "\n", &sv) : NULL; l;
	     l = strtok_r(NULL, "\n", &sv)) {
		char *sp = strchr(l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		s->memory.raw =
		    xrealloc(s->memory.raw, (s->memory.n_raw + 1) * sizeof(*s->memory.raw));
		s->memory.raw[s->memory.n_raw].key = xstrdup(l);
		s->memory.raw[s->memory.n_raw++].value = strtoull(sp + 1, NULL, 10);
	}
}

static uint64_t raw(const struct spec_stats *s, const char *k)
{
	for (size_t i = 0; i < s->memory.n_raw; i++)
		if (!strcmp(s->memory.raw[i].key, k))
			return s->memory.raw[i].value;
	return 0;
}

static void memory_v2(int fd, struct spec_stats *s)
{
	struct spec_stats_mem *u = &s->memory.usage, *sw = &s->memory.swap;
	memory_raw(fd, s);
	s->memory.cache = raw(s, "file");
	u->usage = get(fd, "memory.current");
	u->limit = get(fd, "memory.max");
	u->max = get(fd, "memory.peak");
	u->failcnt = key(fd, "memory.events", "max");
	/* v1 reported swap as memory+swap; runc keeps that on v2 */
	sw->usage = get(fd, "memory.swap.current") + u->usage;
	sw->limit = get(fd, "memory.swap.max");
	if (sw->limit != UINT64_MAX && u->limit != UINT64_MAX)
		sw->limit += u->limit;
	else
		sw->limit = UINT64_MAX;
	s->memory.oom = key(fd, "memory.events", "oom");
	s->memory.oom_kill = key(fd, "memory.events", "oom_kill");
}

static void mem_entry_v1(int fd, const char *prefix, struct spec_stats_mem *e)
{
	char f[64];
	snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	e->usage = get(fd, f);
	snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	e->limit = get(fd, f);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	e->max = get(fd, f);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	e->failcnt = get(fd, f);
}

static void memory_v1(int fd, struct spec_stats *s)
{
	memory_raw(fd, s);
	s->memory.cache = raw(s, "cache");
	mem_entry_v1(fd, "memory", &s->memory.usage);
	mem_entry_v1(fd, "memory.memsw", &s->memory.swap);
	mem_entry_v1(fd, "memory.kmem", &s->memory.kernel);
	mem_entry_v1(fd, "memory.kmem.tcp", &s->memory.kernel_tcp);
	s->memory.oom_kill = key(fd, "memory.oom_control", "oom_kill");
}

static void pids_stats(int fd, const struct cgroups_cgroup *cg, struct spec_stats *s)
{
	_cleanup_free_ char *cur = slurp(fd, "pids.current");
	s->pids.limit = get(fd, "pids.max");
	if (cur) {
		s->pids.current = strtoull(cur, NULL, 10);
		return;
	}
	/* no pids controller: count the processes, as runc does */
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	struct brig_error ignored;
	if (cgroups_pids(cg, &pids, &n, &ignored) == 0)
		s->pids.current = n;
}

static void io_push(struct spec_stats_blkio **v, size_t *n, uint64_t major, uint64_t minor,
		    const char *op, uint64_t value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct spec_stats_blkio *e = &(*v)[(*n)++];
	e->major = major;
	e->minor = minor;
	/* ops are short names ("Read", "Discard"): cut to the field, knowingly */
	size_t len = strlen(op);
	if (len >= sizeof(e->op))
		len = sizeof(e->op) - 1;
	memcpy(e->op, op, len);
	e->op[len] = '\0';
	e->value = value;
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void io_v2(int fd, struct spec_stats *s)
{
	_cleanup_free_ char *buf = slurp(fd, "io.stat");
	for (char *sv = NULL, *l = buf ? strtok_r(buf, "\n", &sv) : NULL; l;
	     l = strtok_r(NULL, "\n", &sv)) {
		unsigned long long ma, mi;
		int off = 0;
		if (sscanf(l, "%llu:%llu%n", &ma, &mi, &off) != 2)
			continue;
		for (char *sv2 = NULL, *t = strtok_r(l + off, " ", &sv2); t;
		     t = strtok_r(NULL, " ", &sv2)) {
			char *eq = strchr(t, '=');
			if (!eq)
				continue;
			*eq = '\0';
			uint64_t v = strtoull(eq + 1, NULL, 10);
			if (!strcmp(t, "rbytes") || !strcmp(t, "wbytes"))
				io_push(&s->blkio.service_bytes, &s->blkio.n_service_bytes, ma, mi,
					t[0] == 'r' ? "Read" : "Write", v);
			else if (!strcmp(t, "rios") || !strcmp(t, "wios"))
				io_push(&s->blkio.serviced, &s->blkio.n_serviced, ma, mi,
					t[0] == 'r' ? "Read" : "Write", v);
		}
	}
}

/* "8:0 Read 123" lines; the "Total 123" summary is left out, as runc does. */
static void io_v1_file(int fd, const char *file, struct spec_stats_blkio **v, size_t *n)
{
	_cleanup_free_ char *buf = slurp(fd, file);
	for (char *sv = NULL, *l = buf ? strtok_r(buf, "\n", &sv) : NULL; l;
	     l = strtok_r(NULL, "\n", &sv)) {
		unsigned long long ma, mi, value;
		char op[16];
		if (sscanf(l, "%llu:%llu %15s %llu", &ma, &mi, op, &value) == 4)
			io_push(v, n, ma, mi, op, value);
	}
}

static void hugetlb_one(int fd, bool v1, const char *size, struct spec_stats *s)
{
	char f[96];
	s->hugetlb = xrealloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof(*s->hugetlb));
	struct spec_stats_hugetlb *h = &s->hugetlb[s->n_hugetlb++];
	memset(h, 0, sizeof(*h));
	snprintf(h->page_size, sizeof(h->page_size), "%s", size);
	if (v1) {
		snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
		h->usage = get(fd, f);
		snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
		h->max = get(fd, f);
		snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
		h->failcnt = get(fd, f);
		return;
	}
	/* reservations are what hugepageLimits limits, where the kernel has them */
	snprintf(f, sizeof(f), "hugetlb.%s.rsvd.current", size);
	_cleanup_free_ char *rsvd = slurp(fd, f);
	snprintf(f, sizeof(f), rsvd ? "hugetlb.%s.rsvd.current" : "hugetlb.%s.current", size);
	h->usage = get(fd, f);
	snprintf(f, sizeof(f), "hugetlb.%s.events", size);
	h->failcnt = key(fd, f, "max");
}

/* The page sizes are those of the hugetlb.<size>.<usage file> names in the directory. */
static void hugetlb_stats(int fd, bool v1, struct spec_stats *s)
{
	const char *suffix = v1 ? ".usage_in_bytes" : ".current";
	int own = fd >= 0 ? openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	DIR *d = own >= 0 ? fdopendir(own) : NULL;
	if (!d) {
		closep(&own);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		const char *n = e->d_name;
		size_t len = strlen(n), sl = strlen(suffix);
		if (strncmp(n, "hugetlb.", 8) || len <= 8 + sl || strcmp(n + len - sl, suffix) ||
		    strstr(n, ".rsvd."))
			continue;
		char size[16];
		if (len - 8 - sl >= sizeof(size))
			continue;
		snprintf(size, sizeof(size), "%.*s", (int)(len - 8 - sl), n + 8);
		hugetlb_one(fd, v1, size, s);
	}
	closedir(d);
}

int cgroups_stats(const struct cgroups_cgroup *cg, struct spec_stats *ret, struct brig_error *err)
{
	struct spec_stats s;
	memset(&s, 0, sizeof(s));
	if (cg->v2.fd < 0)
		return err_set(err, ENOENT, "the container's cgroup is gone");
	int cpu = v1_fd(cg, "cpu"), acct = v1_fd(cg, "cpuacct"), mem = v1_fd(cg, "memory");
	int pids = v1_fd(cg, "pids"), blkio = v1_fd(cg, "blkio"), huge = v1_fd(cg, "hugetlb");
	if (cpu >= 0 || acct >= 0)
		cpu_v1(cpu, acct, &s);
	else
		cpu_v2(cg->v2.fd, &s);
	if (mem >= 0)
		memory_v1(mem, &s);
	else
		memory_v2(cg->v2.fd, &s);
	pids_stats(pids >= 0 ? pids : cg->v2.fd, cg, &s);
	if (blkio >= 0) {
		io_v1_file(blkio, "blkio.throttle.io_service_bytes_recursive",
			   &s.blkio.service_bytes, &s.blkio.n_service_bytes);
		io_v1_file(blkio, "blkio.throttle.io_serviced_recursive", &s.blkio.serviced,
			   &s.blkio.n_serviced);
	} else {
		io_v2(cg->v2.fd, &s);
	}
	hugetlb_stats(huge >= 0 ? huge : cg->v2.fd, huge >= 0, &s);
	*ret = s;
	return 0;
}

void cgroups_stats_clear(struct spec_stats *s)
{
	free(s->cpu.percpu);
	for (size_t i = 0; i < s->memory.n_raw; i++)
		free(s->memory.raw[i].key);
	free(s->memory.raw);
	free(s->blkio.service_bytes);
	free(s->blkio.serviced);
	free(s->hugetlb);
	memset(s, 0, sizeof(*s));
}

int cgroups_oom_count(const struct cgroups_cgroup *cg, uint64_t *ret, struct brig_error *err)
{
	int mem = v1_fd(cg, "memory");
	int fd = mem >= 0 ? mem : cg->v2.fd;
	const char *file = mem >= 0 ? "memory.oom_control" : "memory.events";
	*ret = 0;
	if (fd < 0)
		return err_set(err, ENOENT, "the container's cgroup is gone");
	/* before 4.13 v1 had no oom_kill line: no count is 0 */
	return read_key_at(fd, file, "oom_kill", ret, err) < 0 ? -1 : 0;
}
