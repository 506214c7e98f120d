// SPDX-License-Identifier: Apache-2.0
/* cgroups_apply: the plan's writes, relative to the cgroup's directory fds. */
#include "cgroups/internal.h"

#include <fcntl.h>

/* One line per write(2): io.max, devices.allow, net_prio.ifpriomap and most other
 * multi-entry files take one entry per write. */
static int write_value(int dirfd, const char *file, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, "\n");
		if (len) {
			_cleanup_free_ char *line = xasprintf("%.*s\n", (int)len, p);
			if (write_all(fd, line, len + 1) < 0)
				return -1;
		}
		p += len + (p[len] == '\n');
	}
	return 0;
}

static int dir_for(const struct cgroups_cgroup *cg, const struct cgroups_write *w,
		   struct brig_error *err)
{
	int fd = w->v1 ? v1_fd(cg, w->v1) : cg->v2.fd;
	if (fd < 0)
		return err_set(err, ENOENT, "%s: the container has no cgroup in the %s hierarchy",
			       w->field, w->v1 ? w->v1 : "unified");
	return fd;
}

/* memory.checkBeforeUpdate: refuse a limit lower than what the cgroup already uses (v1's
 * kernel refuses it by itself; v2 would OOM-kill instead). */
static int check_usage(int fd, const struct cgroups_write *w, struct brig_error *err)
{
	uint64_t usage;
	int64_t limit;
	if (parse_int64(w->value, 0, INT64_MAX, &limit) < 0)
		return 0; /* "max" */
	if (read_u64_at(fd, w->v1 ? "memory.usage_in_bytes" : "memory.current", &usage, err) < 0)
		return err_wrap(err, "%s: checkBeforeUpdate", w->field);
	if ((uint64_t)limit < usage)
		return err_set(err, EBUSY,
			       "%s: the new limit %lld is below the current usage %llu "
			       "(checkBeforeUpdate)",
			       w->field, (long long)limit, (unsigned long long)usage);
	return 0;
}

/* cpu.max with a new period only: "QUOTA PERIOD" needs the current quota. */
static char *keep_quota(int fd, const struct cgroups_write *w, struct brig_error *err)
{
	_cleanup_free_ char *cur = NULL;
	if (read_file_at(fd, w->file, &cur, NULL, err) < 0)
		return NULL;
	cur[strcspn(cur, " \n")] = '\0';
	return xasprintf("%s%s", *cur ? cur : "max", w->value);
}

static int write_error(const struct cgroups_write *w, const char *file, const char *value,
		       int errnum, struct brig_error *err)
{
	if (w->v1)
		return err_errno(err, errnum, "cgroup v1 %s: write %s = \"%s\" (%s)", w->v1, file,
				 value, w->field);
	return err_errno(err, errnum, "cgroup: write %s = \"%s\" (%s)", file, value, w->field);
}

static bool missing(int e)
{
	return e == ENOENT || e == EOPNOTSUPP || e == ENOTSUP;
}

static int apply_one(const struct cgroups_cgroup *cg, const struct cgroups_write *w,
		     char ***warnings, struct brig_error *err)
{
	_cleanup_free_ char *merged = NULL;
	const char *value = w->value;
	int fd = dir_for(cg, w, err);
	if (fd < 0 || ((w->flags & CGROUPS_WRITE_CHECK_USAGE) && check_usage(fd, w, err) < 0))
		return -1;
	if ((w->flags & CGROUPS_WRITE_KEEP_QUOTA) && !(value = merged = keep_quota(fd, w, err)))
		return -1;
	if (write_value(fd, w->file, value) == 0)
		return 0;
	int e = errno;
	if (e == ENOENT && w->alt_file) {
		if (write_value(fd, w->alt_file, w->alt_value) == 0)
			return 0;
		return write_error(w, w->alt_file, w->alt_value, errno, err);
	}
	if (missing(e) && (w->flags & CGROUPS_WRITE_IF_PRESENT))
		return 0;
	if (missing(e) && (w->flags & CGROUPS_WRITE_OPTIONAL)) {
		if (warnings)
			strv_push(warnings, xasprintf("%s: %s is not available on this kernel: not "
						      "applied",
						      w->field, w->file));
		return 0;
	}
	return write_error(w, w->file, value, e, err);
}

int cgroups_apply(const struct cgroups_cgroup *cg, const struct cgroups_plan *plan,
		  char ***warnings, struct brig_error *err)
{
	for (size_t i = 0; i < plan->n_writes; i++) {
		const struct cgroups_write *w = &plan->writes[i];
		if (apply_one(cg, w, warnings, err) == 0)
			continue;
		/* the kernel refused an order (memory below memsw, a period below the
		 * parent's quota): write the next entry first, then this one again */
		if (err->errnum != EINVAL || !(w->flags & CGROUPS_WRITE_RETRY_AFTER_NEXT) ||
		    i + 1 == plan->n_writes)
			return -1;
		if (apply_one(cg, &plan->writes[i + 1], warnings, err) < 0 ||
		    apply_one(cg, w, warnings, err) < 0)
			return -1;
		i++;
	}
	return 0;
}

int cgroups_plan_resolve(const struct cgroups_cgroup *cg, struct cgroups_plan *plan,
			 struct brig_error *err)
{
	for (size_t i = 0; i < plan->n_writes; i++) {
		struct cgroups_write *w = &plan->writes[i];
		if (!(w->flags & CGROUPS_WRITE_KEEP_QUOTA))
			continue;
		int fd = dir_for(cg, w, err);
		char *merged = fd < 0 ? NULL : keep_quota(fd, w, err);
		if (!merged)
			return -1;
		free(w->value);
		w->value = merged;
		w->flags &= ~(unsigned)CGROUPS_WRITE_KEEP_QUOTA;
	}
	return 0;
}
