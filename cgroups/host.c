// SPDX-License-Identifier: Apache-2.0
/* The host's cgroup layout, from /proc/self/mountinfo, /proc/self/cgroup and the cgroup2
 * mount's cgroup.controllers. Parsing is pure; only cgroups_host_detect reads files. */
#include "cgroups/internal.h"

#include <fcntl.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

/* The controllers of a v1 superblock option list ("rw,cpu,cpuacct" -> "cpu,cpuacct"),
 * named hierarchies kept as "name=systemd", mount flags dropped. */
static char *v1_controllers(const char *super)
{
	static const char *const flags[] = {"rw",	  "ro",	   "clone_children",
					    "noprefix",	  "xattr", "cpuset_v2_mode",
					    "nsdelegate", "none"};
	_cleanup_free_ char *copy = xstrdup(super);
	char *out = xcalloc(1, strlen(super) + 1);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		bool skip = strchr(o, '=') && strncmp(o, "name=", 5);
		for (size_t i = 0; i < ARRAY_SIZE(flags) && !skip; i++)
			skip = !strcmp(o, flags[i]);
		if (skip)
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, o);
	}
	return out;
}

/* Same names in any order. */
static bool same_list(const char *a, const char *b)
{
	size_t na = 0, nb = 0;
	for (const char *p = a; p; p = strchr(p + 1, ','))
		na++;
	for (const char *p = b; p; p = strchr(p + 1, ','))
		nb++;
	if (na != nb)
		return false;
	_cleanup_free_ char *copy = xstrdup(a);
	char *save = NULL;
	for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save))
		if (!list_has(b, n))
			return false;
	return true;
}

struct mount_line {
	char *root, *mountpoint, *fstype, *super;
};

/* Splits one mountinfo line in place. Returns false for lines it cannot read. */
static bool split_mount_line(char *line, struct mount_line *m)
{
	char *f[6] = {NULL};
	char *save = NULL;
	char *sep = strstr(line, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	for (int i = 0; i < 6; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return false;
	save = NULL;
	m->fstype = strtok_r(sep + 3, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	m->super = strtok_r(NULL, " ", &save);
	if (!m->fstype || !source || !m->super)
		return false;
	m->root = f[3];
	m->mountpoint = f[4];
	unescape(m->root);
	unescape(m->mountpoint);
	return true;
}

/* /sys/fs/cgroup beats /sys/fs/cgroup/unified beats anything else; a later mount on the
 * same point hides the earlier one. */
static int v2_rank(const char *mountpoint)
{
	if (!strcmp(mountpoint, "/sys/fs/cgroup"))
		return 3;
	if (!strcmp(mountpoint, "/sys/fs/cgroup/unified"))
		return 2;
	return 1;
}

static void take_v2(struct cgroups_host *h, const struct mount_line *m, int *best)
{
	int rank = v2_rank(m->mountpoint);
	if (rank < *best || (rank == *best && rank == 1))
		return;
	*best = rank;
	free(h->v2_mount);
	free(h->v2_root);
	h->v2_mount = xstrdup(m->mountpoint);
	h->v2_root = xstrdup(m->root);
}

static void take_v1(struct cgroups_host *h, const struct mount_line *m)
{
	_cleanup_free_ char *ctl = v1_controllers(m->super);
	if (!*ctl)
		return;
	for (size_t i = 0; i < h->n_v1; i++)
		if (same_list(h->v1[i].controllers, ctl))
			return; /* a second mount of a hierarchy already seen */
	h->v1 = xrealloc(h->v1, (h->n_v1 + 1) * sizeof(*h->v1));
	struct cgroups_v1_hierarchy *v = &h->v1[h->n_v1++];
	v->controllers = steal_ptr(&ctl);
	v->mount = xstrdup(m->mountpoint);
	v->root = xstrdup(m->root);
	v->own = xstrdup("/");
}

static void parse_mounts(const char *mountinfo, struct cgroups_host *h)
{
	_cleanup_free_ char *copy = xstrdup(mountinfo);
	char *save = NULL;
	int best = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct mount_line m;
		if (!split_mount_line(line, &m))
			continue;
		if (!strcmp(m.fstype, "cgroup2"))
			take_v2(h, &m, &best);
		else if (!strcmp(m.fstype, "cgroup"))
			take_v1(h, &m);
	}
}

/* "0::/path" is the unified hierarchy, "4:memory:/path" a v1 one. */
static void parse_own(const char *proc_cgroup, struct cgroups_host *h)
{
	_cleanup_free_ char *copy = xstrdup(proc_cgroup ? proc_cgroup : "");
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctl = c1 + 1, *path = c2 + 1;
		if (!*ctl) {
			free(h->v2_own);
			h->v2_own = xstrdup(path);
			continue;
		}
		for (size_t i = 0; i < h->n_v1; i++)
			if (same_list(h->v1[i].controllers, ctl)) {
				free(h->v1[i].own);
				h->v1[i].own = xstrdup(path);
			}
	}
}

int cgroups_host_parse(const char *mountinfo, const char *proc_cgroup, const char *controllers,
		       struct cgroups_host *ret, struct brig_error *err)
{
	struct cgroups_host h = {0};
	parse_mounts(mountinfo, &h);
	if (!h.v2_mount) {
		cgroups_host_clear(&h);
		return err_set(err, ENOENT,
			       "no cgroup2 mount: brig needs the unified hierarchy (a pure "
			       "cgroup v1 host is not supported)");
	}
	h.layout = h.n_v1 ? CGROUPS_HYBRID : CGROUPS_UNIFIED;
	h.v2_own = xstrdup("/");
	parse_own(proc_cgroup, &h);
	_cleanup_free_ char *copy = xstrdup(controllers ? controllers : "");
	char *save = NULL;
	for (char *c = strtok_r(copy, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		strv_push(&h.v2_controllers, xstrdup(c));
	*ret = h;
	return 0;
}

int cgroups_host_detect(struct cgroups_host *ret, struct brig_error *err)
{
	_cleanup_free_ char *info = NULL, *cg = NULL, *ctl = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL, err) < 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/cgroup", &cg, NULL, err) < 0)
		return -1;
	if (cgroups_host_parse(info, cg, NULL, ret, err) < 0)
		return -1;
	_cleanup_free_ char *path = path_join(ret->v2_mount, "cgroup.controllers");
	if (read_file_at(AT_FDCWD, path, &ctl, NULL, err) < 0) {
		cgroups_host_clear(ret);
		return -1;
	}
	char *save = NULL;
	for (char *c = strtok_r(ctl, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
		strv_push(&ret->v2_controllers, xstrdup(c));
	return 0;
}

void cgroups_host_clear(struct cgroups_host *h)
{
	free(h->v2_mount);
	free(h->v2_root);
	free(h->v2_own);
	strv_free(h->v2_controllers);
	for (size_t i = 0; i < h->n_v1; i++) {
		free(h->v1[i].controllers);
		free(h->v1[i].mount);
		free(h->v1[i].root);
		free(h->v1[i].own);
	}
	free(h->v1);
	memset(h, 0, sizeof(*h));
}

const struct cgroups_v1_hierarchy *cgroups_host_v1(const struct cgroups_host *h,
						   const char *controller)
{
	for (size_t i = 0; i < h->n_v1; i++)
		if (list_has(h->v1[i].controllers, controller))
			return &h->v1[i];
	return NULL;
}

bool cgroups_host_has_v2(const struct cgroups_host *h, const char *controller)
{
	return strv_has(h->v2_controllers, controller);
}

const struct cgroups_v1_hierarchy *host_hierarchy(const struct cgroups_host *h,
						  const char *controllers)
{
	for (size_t i = 0; i < h->n_v1; i++)
		if (same_list(h->v1[i].controllers, controllers))
			return &h->v1[i];
	return NULL;
}
