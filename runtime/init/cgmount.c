// SPDX-License-Identifier: Apache-2.0
/* Mounts of type "cgroup": what the container sees at /sys/fs/cgroup. On a
 * cgroup2-only host that is cgroup2 itself; on a hybrid host (the v1
 * controllers beside a unified mount) a tmpfs with one directory per
 * hierarchy, as runc builds it. With a cgroup namespace each hierarchy is a
 * fresh mount rooted at the namespace; without one, a bind of the container's
 * own cgroup directory so the host's tree stays hidden. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>

static void add_hier(struct child_plan *p, const char *mnt, const char *opts, const char *own)
{
	p->cgroups = xrealloc(p->cgroups, (p->n_cgroups + 1) * sizeof(*p->cgroups));
	struct cgroup_hier *h = &p->cgroups[p->n_cgroups++];
	const char *base = strrchr(mnt, '/');
	h->mountpoint = xstrdup(mnt);
	h->name = xstrdup(base ? base + 1 : mnt);
	h->options = opts ? xstrdup(opts) : NULL;
	h->own_path = xstrdup(own);
}

/* The container's cgroup in the v1 hierarchy of `controllers`, if it has one. */
static const char *v1_path(const struct cgroups_cgroup *cg, const char *controllers)
{
	for (size_t k = 0; cg && k < cg->n_v1; k++)
		if (!strcmp(cg->v1[k].hierarchy, controllers))
			return cg->v1[k].path;
	return NULL;
}

int plan_cgroup_mounts(struct child_plan *p, const struct cgroups_host *h,
		       const struct cgroups_cgroup *cg, struct brig_error *err)
{
	if (!h->v2_mount)
		return err_set(err, ENOENT, "a cgroup mount needs the host's cgroup2 hierarchy");
	p->cgroup_unified = h->layout == CGROUPS_UNIFIED;
	add_hier(p, h->v2_mount, NULL, cg ? cg->v2.path : h->v2_own);
	for (size_t i = 0; i < h->n_v1; i++) {
		const struct cgroups_v1_hierarchy *v = &h->v1[i];
		/* a named hierarchy without controllers mounts as "none,name=X" */
		_cleanup_free_ char *opts = !strncmp(v->controllers, "name=", 5)
						? xasprintf("none,%s", v->controllers)
						: xstrdup(v->controllers);
		const char *own = v1_path(cg, v->controllers);
		add_hier(p, v->mount, opts, own ? own : v->own);
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
