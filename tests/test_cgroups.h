/* SPDX-License-Identifier: Apache-2.0 */
/* What the cgroups plan tests share: sample hosts and checks of a plan's writes. */
#pragma once

#include "cgroups/cgroups.h"

#include <check.h>

#define I64(v) ((struct spec_i64){true, (v)})
#define U64(v) ((struct spec_u64){true, (v)})
#define BOOLV(v) ((struct spec_bool){true, (v)})

static const char unified_info[] =
    "35 24 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
static const char all_controllers[] = "cpuset cpu io memory hugetlb pids rdma misc\n";

/* This machine: hugetlb on v2, the rest on v1, no net_cls/net_prio/rdma. */
static const char dev_info[] = "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
			       "33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n"
			       "34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
			       "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
			       "36 31 0:33 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n"
			       "38 31 0:35 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n"
			       "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
			       "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";

/* Ubuntu 20.04 / RHEL 8 style: every controller on v1, the unified mount empty. */
static const char ubuntu_info[] =
    "26 25 0:24 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
    "27 25 0:25 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
    "30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
    "31 25 0:29 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
    "32 25 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    "33 25 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
    "34 25 0:32 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n"
    "35 25 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
    "36 25 0:34 / /sys/fs/cgroup/hugetlb rw - cgroup cgroup rw,hugetlb\n"
    "37 25 0:35 / /sys/fs/cgroup/rdma rw - cgroup cgroup rw,rdma\n"
    "38 25 0:36 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n";

enum host_kind { UNIFIED, BARE, DEVBOX, UBUNTU };

static inline struct cgroups_host host(enum host_kind k)
{
	struct cgroups_host h;
	struct brig_error err = {0};
	const char *info = k == DEVBOX ? dev_info : k == UBUNTU ? ubuntu_info : unified_info;
	const char *ctl = k == UNIFIED ? all_controllers : k == DEVBOX ? "hugetlb" : "";
	ck_assert_msg(cgroups_host_parse(info, "0::/\n", ctl, &h, &err) == 0, "%s", err.msg);
	return h;
}

struct want {
	const char *v1, *file, *value;
	unsigned flags;
	const char *alt_file, *alt_value;
};

static inline void dump(const struct cgroups_plan *p)
{
	for (size_t i = 0; i < p->n_writes; i++)
		fprintf(stderr, "  [%zu] %s %s = \"%s\" flags %u alt %s (%s)\n", i,
			p->writes[i].v1 ? p->writes[i].v1 : "v2", p->writes[i].file,
			p->writes[i].value, p->writes[i].flags,
			p->writes[i].alt_file ? p->writes[i].alt_file : "-", p->writes[i].field);
}

static inline bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The plan's writes, the v1 devices ones left out unless `with_devices`. */
static inline void expect(const struct cgroups_plan *p, const struct want *w, size_t n,
			  bool with_devices)
{
	size_t j = 0;
	for (size_t i = 0; i < p->n_writes; i++) {
		const struct cgroups_write *x = &p->writes[i];
		if (!with_devices && x->v1 && !strcmp(x->v1, "devices"))
			continue;
		if (j >= n || !str_eq(x->v1, w[j].v1) || strcmp(x->file, w[j].file) ||
		    strcmp(x->value, w[j].value) || x->flags != w[j].flags ||
		    !str_eq(x->alt_file, w[j].alt_file) || !str_eq(x->alt_value, w[j].alt_value)) {
			dump(p);
			ck_abort_msg("write %zu: got %s %s = \"%s\", want %s %s = \"%s\"", j,
				     x->v1 ? x->v1 : "v2", x->file, x->value,
				     j < n ? (w[j].v1 ? w[j].v1 : "v2") : "-",
				     j < n ? w[j].file : "(none)", j < n ? w[j].value : "");
		}
		j++;
	}
	if (j != n)
		dump(p);
	ck_assert_msg(j == n, "%zu writes, want %zu", j, n);
}

static inline struct cgroups_plan plan_ok(const struct spec_resources *r, enum host_kind k,
					  bool update)
{
	struct cgroups_host h = host(k);
	struct cgroups_plan p;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_plan(r, &h, update, &p, &err) == 0, "%s", err.msg);
	cgroups_host_clear(&h);
	return p;
}

static inline void plan_fails(const struct spec_resources *r, enum host_kind k, bool update,
			      const char *msg)
{
	struct cgroups_host h = host(k);
	struct cgroups_plan p;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_plan(r, &h, update, &p, &err), -1);
	ck_assert_str_eq(err.msg, msg);
	cgroups_host_clear(&h);
}

static inline void expect_warning(const struct cgroups_plan *p, const char *prefix)
{
	for (size_t i = 0; p->warnings && p->warnings[i]; i++)
		if (!strncmp(p->warnings[i], prefix, strlen(prefix)))
			return;
	ck_abort_msg("no warning starting \"%s\"", prefix);
}

static inline struct spec_resources mem(struct spec_memory m)
{
	return (struct spec_resources){.present = true, .has_memory = true, .memory = m};
}

static inline struct spec_resources cpu(struct spec_cpu c)
{
	return (struct spec_resources){.present = true, .has_cpu = true, .cpu = c};
}
