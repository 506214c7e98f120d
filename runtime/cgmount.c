// SPDX-License-Identifier: Apache-2.0
/* Mounts of type "cgroup": what the container sees at /sys/fs/cgroup. On a
 * cgroup2-only host that is cgroup2 itself; on a hybrid host (the v1
 * controllers beside a unified mount) a tmpfs with one directory per
 * hierarchy, as runc builds it. With a cgroup namespace each hierarchy is a
 * fresh mount rooted at the namespace; without one, a bind of the container's
 * own cgroup directory so the host's tree stays hidden. */
#include "runtime/linux.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* Keeps the v1 controller names (and name=...) of a superblock option list. */
static char *v1_options(const char *super)
{
	_cleanup_free_ char *copy = xstrdup(super);
	char *out = xcalloc(1, strlen(super) + 8);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "rw") || !strcmp(o, "ro") ||
		    (strchr(o, '=') && strncmp(o, "name=", 5)))
			continue;
		if (!strcmp(o, "clone_children") || !strcmp(o, "noprefix") || !strcmp(o, "xattr") ||
		    !strcmp(o, "cpuset_v2_mode"))
			continue;
		if (*out)
			strcat(out, ",");
		else if (!strncmp(o, "name=", 5))
			strcat(out, "none,");
		strcat(out, o);
	}
	return out;
}

/* The path of this process's cgroup in the hierarchy whose options are
 * `opts` (NULL: cgroup2), from /proc/self/cgroup. */
static char *own_path(const char *cgroup_file, const char *opts)
{
	_cleanup_free_ char *copy = xstrdup(cgroup_file);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrl = c1 + 1;
		if (!opts ? *ctrl == '\0' : strstr(opts, ctrl) && *ctrl)
			return xstrdup(c2 + 1);
	}
	return xstrdup("/");
}

static void add_hier(struct child_plan *p, const char *mnt, const char *opts, const char *cg)
{
	p->cgroups = xrealloc(p->cgroups, (p->n_cgroups + 1) * sizeof(*p->cgroups));
	struct cgroup_hier *h = &p->cgroups[p->n_cgroups++];
	const char *base = strrchr(mnt, '/');
	h->mountpoint = xstrdup(mnt);
	h->name = xstrdup(base ? base + 1 : mnt);
	h->options = opts ? xstrdup(opts) : NULL;
	h->own_path = own_path(cg, opts);
}

int plan_cgroup_mounts(struct child_plan *p, struct brig_error *err)
{
	_cleanup_free_ char *info = NULL, *cg = NULL;
	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL, err) < 0 ||
	    read_file_at(AT_FDCWD, "/proc/self/cgroup", &cg, NULL, err) < 0)
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mnt[4096], fstype[64], super[1024];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			if (!strcmp(mnt, "/sys/fs/cgroup"))
				p->cgroup_unified = true;
			add_hier(p, mnt, NULL, cg);
		} else if (!strcmp(fstype, "cgroup")) {
			_cleanup_free_ char *o = v1_options(super);
			add_hier(p, mnt, o, cg);
		}
	}
	return 0;
}

/* Mounts hierarchy h on parent_fd/name. */
static int mount_hier(struct child_ctx *c, const struct cgroup_hier *h, int parent_fd,
		      const char *name, unsigned long flags, struct brig_error *err)
{
	char t[FD_PATH_MAX];
	_cleanup_close_ int target =
	    openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return err_sys(err, "open '%s'", name);
	const struct spec_namespace *cgns = &c->plan->spec->linux.namespaces[SPEC_NS_CGROUP];
	if (cgns->present) {
		const char *type = h->options ? "cgroup" : "cgroup2";
		if (mount(type, fd_path(target, t), type, flags, h->options) < 0)
			return err_sys(err, "mount %s %s", type, h->options ? h->options : "");
		return 0;
	}
	_cleanup_free_ char *src = path_join(h->mountpoint, h->own_path);
	if (mount(src, fd_path(target, t), NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "bind '%s'", src);
	_cleanup_close_ int top =
	    openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t set = ((flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) |
		       ((flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
		       ((flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) |
		       ((flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
	if (top < 0 || (set && mount_setattr_fd(top, set, 0, true, err) < 0))
		return top < 0 ? err_sys(err, "open '%s'", name) : -1;
	return 0;
}

/* Splits dest into its parent directory (opened in the root) and last name. */
static int open_parent(struct child_ctx *c, const char *dest, const char **ret_name,
		       struct brig_error *err)
{
	const char *slash = strrchr(dest, '/');
	_cleanup_free_ char *parent = xasprintf("%.*s", (int)(slash - dest), dest);
	*ret_name = slash + 1;
	return open_in_root(c->root_fd, parent, O_PATH | O_DIRECTORY, err);
}

int mounts_cgroup(struct child_ctx *c, const struct mount_plan *p, int target,
		  struct brig_error *err)
{
	struct child_plan *plan = c->plan;
	unsigned long flags = p->opts.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	char t[FD_PATH_MAX];
	const char *name;

	if (plan->cgroup_unified || !strcmp(p->fstype, "cgroup2")) {
		for (size_t i = 0; i < plan->n_cgroups; i++) {
			if (plan->cgroups[i].options)
				continue;
			_cleanup_close_ int parent = open_parent(c, p->dest, &name, err);
			if (parent < 0)
				return -1;
			return mount_hier(c, &plan->cgroups[i], parent, name, flags, err);
		}
		return err_set(err, ENOENT, "the host has no cgroup2 mount");
	}
	if (mount("tmpfs", fd_path(target, t), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
		return err_sys(err, "mount tmpfs for cgroups");
	_cleanup_close_ int dir = open_in_root(c->root_fd, p->dest, O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return -1;
	for (size_t i = 0; i < plan->n_cgroups; i++) {
		const struct cgroup_hier *h = &plan->cgroups[i];
		if (mkdirat(dir, h->name, 0755) < 0 && errno != EEXIST)
			return err_sys(err, "mkdir '%s'", h->name);
		if (mount_hier(c, h, dir, h->name, flags, err) < 0)
			return err_wrap(err, "cgroup '%s'", h->name);
	}
	if ((flags & MS_RDONLY) && mount_setattr_fd(dir, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
		return err_wrap(err, "make cgroup tmpfs read-only");
	return 0;
}

/* The container's own cgroup in each hierarchy, once it exists: what a bind
 * mount (no cgroup namespace) shows at /sys/fs/cgroup. */
void cgmount_use_cgroup(struct child_plan *p, const struct ctr_cgroup *cg)
{
	for (size_t i = 0; cg->active && i < p->n_cgroups; i++) {
		struct cgroup_hier *h = &p->cgroups[i];
		const char *path = NULL;
		if (!h->options) {
			path = cg->cg.v2.path;
		} else {
			for (size_t j = 0; j < cg->host.n_v1 && !path; j++) {
				if (strcmp(cg->host.v1[j].mount, h->mountpoint))
					continue;
				for (size_t k = 0; k < cg->cg.n_v1; k++)
					if (!strcmp(cg->cg.v1[k].hierarchy,
						    cg->host.v1[j].controllers))
						path = cg->cg.v1[k].path;
			}
		}
		if (path) {
			free(h->own_path);
			h->own_path = xstrdup(path);
		}
	}
}
