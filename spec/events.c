// SPDX-License-Identifier: Apache-2.0
/* `events`: the JSON lines runc prints, which containerd's shim and podman
 * read (runc's libcontainer/cgroups stats types and its event wrapper). */
#include "spec/internal.h"

/* jansson holds long long: a value above INT64_MAX (UINT64_MAX for "max") goes
 * in as -1, which no stat can be, and is written back as UINT64_MAX below. */
static json_int_t u64(uint64_t v)
{
	return v > INT64_MAX ? -1 : (json_int_t)v;
}

static char *unsigned_max(char *text)
{
	static const char max[] = "18446744073709551615";
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, ":-1")); p += 3)
		n++;
	char *out = xmalloc(strlen(text) + n * sizeof(max) + 1), *o = out;
	for (const char *p = text; *p;) {
		if (!strncmp(p, ":-1", 3) && (p[3] == ',' || p[3] == '}' || p[3] == ']')) {
			o += sprintf(o, ":%s", max);
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(text);
	return out;
}

static json_t *mem_entry(const struct spec_stats_mem *m)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "limit", u64(m->limit), "usage", u64(m->usage), "max",
			 u64(m->max), "failcnt", u64(m->failcnt));
}

static json_t *cpu_json(const struct spec_stats *s)
{
	json_t *percpu = json_array();
	for (size_t i = 0; i < s->cpu.n_percpu; i++)
		json_array_append_new(percpu, json_integer(u64(s->cpu.percpu[i])));
	return json_pack("{s:{s:I,s:o,s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total",
			 u64(s->cpu.total), "percpu", percpu, "kernel", u64(s->cpu.kernel), "user",
			 u64(s->cpu.user), "throttling", "periods", u64(s->cpu.periods),
			 "throttledPeriods", u64(s->cpu.throttled_periods), "throttledTime",
			 u64(s->cpu.throttled_time));
}

static json_t *memory_json(const struct spec_stats *s)
{
	json_t *raw = json_object();
	for (size_t i = 0; i < s->memory.n_raw; i++)
		json_object_set_new(raw, s->memory.raw[i].key,
				    json_integer(u64(s->memory.raw[i].value)));
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "cache", u64(s->memory.cache), "usage",
			 mem_entry(&s->memory.usage), "swap", mem_entry(&s->memory.swap), "kernel",
			 mem_entry(&s->memory.kernel), "kernelTCP",
			 mem_entry(&s->memory.kernel_tcp), "raw", raw);
}

static json_t *blkio_list(const struct spec_stats_blkio *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:I}", "major", u64(v[i].major),
						   "minor", u64(v[i].minor), "op", v[i].op, "value",
						   u64(v[i].value)));
	return a;
}

static json_t *stats_json(const struct spec_stats *s)
{
	json_t *huge = json_object();
	for (size_t i = 0; i < s->n_hugetlb; i++)
		json_object_set_new(huge, s->hugetlb[i].page_size,
				    json_pack("{s:I,s:I,s:I}", "usage", u64(s->hugetlb[i].usage),
					      "max", u64(s->hugetlb[i].max), "failcnt",
					      u64(s->hugetlb[i].failcnt)));
	return json_pack("{s:o,s:o,s:{s:I,s:I},s:{s:o,s:o},s:o}", "cpu", cpu_json(s), "memory",
			 memory_json(s), "pids", "current", u64(s->pids.current), "limit",
			 /* runc: "no limit" for pids is 0, not the max value */
			 u64(s->pids.limit == UINT64_MAX ? 0 : s->pids.limit), "blkio",
			 "ioServiceBytesRecursive",
			 blkio_list(s->blkio.service_bytes, s->blkio.n_service_bytes),
			 "ioServicedRecursive", blkio_list(s->blkio.serviced, s->blkio.n_serviced),
			 "hugetlb", huge);
}

char *spec_event_format(const char *type, const char *id, const struct spec_stats *data)
{
	json_t *ev = json_pack("{s:s,s:s}", "type", type, "id", id);
	if (data)
		json_object_set_new(ev, "data", stats_json(data));
	char *text = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	if (!text)
		abort(); /* only out of memory */
	return unsigned_max(text);
}
