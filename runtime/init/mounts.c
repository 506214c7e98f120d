// SPDX-License-Identifier: Apache-2.0
/* The container's mount tree: planned in the parent (options parsed, sources
 * resolved and checked), applied in the child inside its new mount namespace,
 * targets always opened inside the rootfs (rootpath.c) and mounted through
 * /proc/self/fd so nothing is resolved twice. */
#include "runtime/init/internal.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define PROC_ROOT_INO 1

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* The root of a procfs (a bind source that may cover /proc, as runc checks:
 * rootless podman's --pid host binds the host's /proc). */
static bool is_procfs_root(const char *path)
{
	struct statfs sf;
	struct stat st;
	return path && statfs(path, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
	       stat(path, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

/* What may be mounted over parts of /proc (lxcfs's files), as runc allows: a
 * mount elsewhere under /proc could hide the files brig and LSMs rely on.
 * Over /proc itself only a procfs: a new one, or (type NULL: a bind) the root
 * of one. */
static bool proc_dest_allowed(const char *dest, const char *type, const char *bind_source)
{
	static const char *const allowed[] = {
	    "/proc/cpuinfo", "/proc/diskstats",
	    "/proc/meminfo", "/proc/stat",
	    "/proc/swaps",   "/proc/uptime",
	    "/proc/loadavg", "/proc/slabinfo",
	    "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	if (strncmp(dest, "/proc", 5) || (dest[5] != '/' && dest[5] != '\0'))
		return true;
	if (dest[5] == '\0')
		return type ? !strcmp(type, "proc") : is_procfs_root(bind_source);
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!strcmp(dest, allowed[i]))
			return true;
	return false;
}

static int plan_one(const struct spec *s, size_t i, struct mount_plan *p, struct brig_error *err)
{
	const struct spec_mount *m = &s->mounts[i];
	p->m = m;
	p->tree_fd = -1;
	p->dest = path_clean(m->destination);
	if (spec_mount_opts_parse(m->options, &p->opts, err) < 0)
		return -1;
	const char *type = m->type;
	if (p->opts.bind || (type && !strcmp(type, "bind"))) {
		p->kind = MOUNT_BIND;
		if (!m->source)
			return err_set(err, EINVAL, "a bind mount needs a source");
		p->source =
		    m->source[0] == '/' ? xstrdup(m->source) : path_join(s->bundle, m->source);
		struct stat st;
		if (stat(p->source, &st) < 0)
			return err_sys(err, "source '%s'", p->source);
		p->source_is_dir = S_ISDIR(st.st_mode);
		if (!proc_dest_allowed(p->dest, NULL, p->source))
			return err_set(err, EPERM, "bind mounts over '%s' are not allowed",
				       p->dest);
		if (!p->opts.bind) /* type "bind" without "bind"/"rbind": runc binds */
			p->opts.flags |= MS_BIND;
		return 0;
	}
	if (!type || !*type)
		return err_set(err, EINVAL,
			       "type is required for a mount that is not a bind mount");
	if (!proc_dest_allowed(p->dest, type, NULL))
		return err_set(err, EPERM, "mounting %s over '%s' is not allowed", type, p->dest);
	p->kind = (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) ? MOUNT_CGROUP : MOUNT_FS;
	p->fstype = type;
	/* As runc: a read-only tmpfs or /dev is filled first (device nodes, the
	 * mount points of /dev/pts and the like, copy-up) and made read-only at
	 * the end; mounted "ro" right away, the first mknod failed. */
	if (p->kind == MOUNT_FS && (p->opts.flags & MS_RDONLY) &&
	    (!strcmp(type, "tmpfs") || !strcmp(p->dest, "/dev"))) {
		p->opts.flags &= ~(unsigned long)MS_RDONLY;
		p->ro_at_end = true;
	}
	p->source = xstrdup(m->source && *m->source ? m->source : type);
	if (!strcmp(p->dest, "/"))
		return err_set(err, EINVAL, "mounting over the container's root is not supported");
	return 0;
}

int plan_mounts(const struct spec *s, struct child_plan *p, struct brig_error *err)
{
	p->mounts = xcalloc(s->n_mounts, sizeof(*p->mounts));
	p->n_mounts = s->n_mounts;
	p->setup_dev = true;
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (plan_one(s, i, &p->mounts[i], err) < 0)
			return err_wrap(err, "mounts[%zu] (%s)", i, s->mounts[i].destination);
		if (!strcmp(p->mounts[i].dest, "/dev") && p->mounts[i].kind == MOUNT_BIND)
			p->setup_dev = false;
	}
	return plan_idmapped_mounts(s, p, err);
}

void plan_free_mounts(struct child_plan *p)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		closep(&p->mounts[i].tree_fd);
		free(p->mounts[i].dest);
		free(p->mounts[i].source);
		spec_mount_opts_free(&p->mounts[i].opts);
	}
	free(p->mounts);
	p->mounts = NULL;
	p->n_mounts = 0;
}

static int do_mount(const char *src, int target_fd, const char *type, unsigned long flags,
		    const char *data, struct brig_error *err)
{
	char t[FD_PATH_MAX];
	if (mount(src, fd_path(target_fd, t), type, flags, data) < 0)
		return err_sys(err, "mount %s%s%s", type ? type : "", type ? " " : "",
			       src ? src : "");
	return 0;
}

int mount_setattr_fd(int fd, uint64_t set, uint64_t clr, bool recursive, struct brig_error *err)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
	unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof(attr)) < 0)
		return err_sys(err, "set mount attributes");
	return 0;
}

/* MS_* flags that a bind mount takes as mount attributes after the bind. */
void init_mount_attrs(unsigned long flags, unsigned long clear, uint64_t *set, uint64_t *clr)
{
	static const struct {
		unsigned long ms;
		uint64_t attr;
	} map[] = {
	    {MS_RDONLY, MOUNT_ATTR_RDONLY},	    {MS_NOSUID, MOUNT_ATTR_NOSUID},
	    {MS_NODEV, MOUNT_ATTR_NODEV},	    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (flags & map[i].ms)
			*set |= map[i].attr;
		else if (clear & map[i].ms)
			*clr |= map[i].attr;
	}
	/* atime modes are one field: setting one clears the others */
	if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) {
		*clr |= MOUNT_ATTR__ATIME;
		*set |= (flags & MS_NOATIME)	   ? MOUNT_ATTR_NOATIME
			: (flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
						   : MOUNT_ATTR_RELATIME;
	}
}

/* Mount propagation and mount_setattr attributes, on the mount now at dest. */
static int apply_after(struct child_ctx *c, const struct mount_plan *p, bool bind,
		       struct brig_error *err)
{
	uint64_t set = 0, clr = 0;
	if (bind)
		init_mount_attrs(p->opts.flags, p->opts.clear, &set, &clr);
	if (!set && !clr && !p->opts.propagation && !p->opts.attr_set && !p->opts.attr_clr)
		return 0;
	_cleanup_close_ int fd = open_in_root(c->root_fd, p->dest, O_PATH, err);
	if (fd < 0)
		return -1;
	if ((set || clr) && mount_setattr_fd(fd, set, clr, false, err) < 0)
		return -1;
	if ((p->opts.attr_set || p->opts.attr_clr) &&
	    mount_setattr_fd(fd, p->opts.attr_set, p->opts.attr_clr, true, err) < 0)
		return -1;
	if (p->opts.propagation && do_mount(NULL, fd, NULL, p->opts.propagation, NULL, err) < 0)
		return err_wrap(err, "set propagation");
	return 0;
}

/* Data without its gid= option: devpts refuses a gid not mapped in the user
 * namespace (runc's rootless configs drop the option; brig does it here). */
char *init_drop_gid(const char *data)
{
	_cleanup_free_ char *copy = xstrdup(data);
	char *out = xcalloc(1, strlen(data) + 1);
	char *save = NULL;
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "gid=", 4))
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, o);
	}
	return out;
}

/* sysfs needs a network namespace of the mounter's user namespace, mqueue
 * an ipc one: inside a user namespace without them, bind the host's, as
 * runc does. */
static int bind_host_fs(struct child_ctx *c, const struct mount_plan *p, int target,
			unsigned long flags, struct brig_error *err)
{
	const char *host = !strcmp(p->fstype, "sysfs") ? "/sys" : "/dev/mqueue";
	if (do_mount(host, target, NULL, MS_BIND | MS_REC, NULL, err) < 0)
		return -1;
	_cleanup_close_ int fd = open_in_root(c->root_fd, p->dest, O_PATH, err);
	uint64_t set = 0, clr = 0;
	init_mount_attrs(flags, 0, &set, &clr);
	return fd < 0 ? -1 : mount_setattr_fd(fd, set, clr, true, err);
}

static int mount_fs(struct child_ctx *c, const struct mount_plan *p, int target,
		    struct brig_error *err)
{
	unsigned long flags = p->opts.flags & ~(MS_BIND | MS_REC);
	char t[FD_PATH_MAX];
	if (mount(p->source, fd_path(target, t), p->fstype, flags, p->opts.data) == 0)
		return 0;
	if (errno == EPERM && c->plan->in_userns &&
	    (!strcmp(p->fstype, "sysfs") || !strcmp(p->fstype, "mqueue")))
		return bind_host_fs(c, p, target, flags, err);
	if (errno == EINVAL && c->plan->in_userns && !strcmp(p->fstype, "devpts") && p->opts.data &&
	    strstr(p->opts.data, "gid=")) {
		_cleanup_free_ char *data = init_drop_gid(p->opts.data);
		if (mount(p->source, t, p->fstype, flags, data) == 0)
			return 0;
	}
	if (errno == EPERM && c->plan->in_userns && !strcmp(p->fstype, "proc"))
		return err_set(err, EPERM,
			       "mount proc: %s (inside a user namespace a new procfs needs a pid "
			       "namespace that user namespace owns, {\"type\": \"pid\"} in "
			       "linux.namespaces, and a /proc of brig's with nothing mounted over "
			       "its files)",
			       strerror(EPERM));
	return err_sys(err, "mount %s", p->fstype);
}

static int mount_tmpfs_copyup(struct child_ctx *c, const struct mount_plan *p, int target,
			      struct brig_error *err)
{
	/* Taken before the mount: afterwards the path shows the empty tmpfs. */
	_cleanup_close_ int orig = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (orig < 0)
		return err_sys(err, "open '%s'", p->dest);
	if (mount_fs(c, p, target, err) < 0)
		return -1;
	_cleanup_close_ int now = open_in_root(c->root_fd, p->dest, O_RDONLY | O_DIRECTORY, err);
	if (now < 0 || mount_copy_up(orig, now, err) < 0)
		return -1;
	return apply_after(c, p, false, err);
}

static int mount_one(struct child_ctx *c, const struct mount_plan *p, struct brig_error *err)
{
	bool dir = p->kind != MOUNT_BIND || p->source_is_dir;
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, p->dest, dir, err);
	if (target < 0)
		return -1;
	switch (p->kind) {
	case MOUNT_BIND:
		if (p->tree_fd >= 0) {
			if (mount_attach_tree(p->tree_fd, target, err) < 0)
				return -1;
			return apply_after(c, p, true, err);
		}
		if (do_mount(p->source, target, NULL, MS_BIND | (p->opts.recursive ? MS_REC : 0),
			     NULL, err) < 0)
			return -1;
		return apply_after(c, p, true, err);
	case MOUNT_CGROUP:
		if (mounts_cgroup(c, p, target, err) < 0)
			return -1;
		return apply_after(c, p, false, err);
	case MOUNT_FS:
		if (p->opts.tmpcopyup && !strcmp(p->fstype, "tmpfs"))
			return mount_tmpfs_copyup(c, p, target, err);
		if (mount_fs(c, p, target, err) < 0)
			return -1;
		return apply_after(c, p, false, err);
	}
	return 0;
}

int mounts_apply(struct child_ctx *c, struct brig_error *err)
{
	for (size_t i = 0; i < c->plan->n_mounts; i++) {
		const struct mount_plan *p = &c->plan->mounts[i];
		if (mount_one(c, p, err) < 0)
			return err_wrap(err, "mount '%s'", p->dest);
	}
	return 0;
}

/* No mount namespace: leave the runtime's mounts alone and keep everything the
 * container mounts on a private bind of its rootfs, which delete detaches. */
static int prepare_host_root(struct child_ctx *c, struct brig_error *err)
{
	const char *rootfs = c->plan->rootfs;
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == EPERM && c->plan->in_userns)
			return err_set(err, EPERM,
				       "bind rootfs '%s': %s (the container's user namespace does "
				       "not own brig's mount namespace: add {\"type\": \"mount\"} "
				       "to linux.namespaces)",
				       rootfs, strerror(EPERM));
		return err_sys(err, "bind rootfs '%s'", rootfs);
	}
	if (mount(NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return err_sys(err, "make rootfs private");
	c->root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return err_sys(err, "open rootfs '%s'", rootfs);
	return 0;
}

/* The mount that holds the rootfs, made private (only it, as runc does):
 * pivot_root refuses a shared parent, and the bind of the rootfs must not
 * propagate to the host. The mount point is the deepest ancestor of the
 * real path that mount(MS_PRIVATE) takes: EINVAL means "not a mount root". */
static int make_rootfs_mount_private(const char *rootfs, struct brig_error *err)
{
	_cleanup_free_ char *p = realpath(rootfs, NULL);
	if (!p)
		return err_sys(err, "resolve rootfs '%s'", rootfs);
	for (;;) {
		if (mount(NULL, p, NULL, MS_PRIVATE, NULL) == 0)
			return 0;
		if (errno != EINVAL || !strcmp(p, "/"))
			return err_sys(err, "make the mount of rootfs '%s' private", rootfs);
		char *slash = strrchr(p, '/');
		slash[slash == p ? 1 : 0] = '\0';
	}
}

int mounts_prepare_root(struct child_ctx *c, struct brig_error *err)
{
	unsigned long want = c->plan->spec->linux.rootfs_propagation;
	if (c->plan->host_mounts)
		return prepare_host_root(c, err);
	/* By default nothing mounted from here propagates to the host. A shared
	 * or unbindable root is set after pivot_root, which refuses a shared
	 * parent and cannot bind an unbindable rootfs. A shared rootfsPropagation
	 * keeps the copies of the host's shared mounts in the host's peer groups
	 * (runc's order), so that a mount made inside an rshared volume reaches
	 * the host; only the mount holding the rootfs turns private. */
	unsigned long first = MS_SLAVE | MS_REC;
	if (want & (MS_PRIVATE | MS_UNBINDABLE))
		first = MS_PRIVATE | MS_REC;
	else if (want & MS_SHARED)
		first = want;
	if (mount(NULL, "/", NULL, first, NULL) < 0)
		return err_sys(err, "make / %s",
			       first & MS_PRIVATE  ? "rprivate"
			       : first & MS_SHARED ? "shared"
						   : "rslave");
	const char *rootfs = c->plan->rootfs;
	if ((first & MS_SHARED) && make_rootfs_mount_private(rootfs, err) < 0)
		return -1;
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "bind rootfs '%s'", rootfs);
	c->root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return err_sys(err, "open rootfs '%s'", rootfs);
	return 0;
}

int mounts_pivot(struct child_ctx *c, struct brig_error *err)
{
	const char *rootfs = c->plan->rootfs;
	if (c->plan->host_mounts) {
		/* pivot_root or MS_MOVE would change the runtime's own root */
		if (fchdir(c->root_fd) < 0 || chroot(".") < 0)
			return err_sys(err, "chroot into '%s'", rootfs);
	} else if (c->plan->no_pivot) {
		if (chdir(rootfs) < 0)
			return err_sys(err, "chdir '%s'", rootfs);
		if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return err_sys(err, "move rootfs to /");
		if (chroot(".") < 0)
			return err_sys(err, "chroot");
	} else {
		_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (oldroot < 0)
			return err_sys(err, "open /");
		if (fchdir(c->root_fd) < 0)
			return err_sys(err, "chdir rootfs");
		/* pivot_root(".", ".") stacks the old root on the new one; no
		 * put_old directory is needed, and it is detached right away. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return err_sys(err, "pivot_root");
		if (fchdir(oldroot) < 0)
			return err_sys(err, "chdir old root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return err_sys(err, "make old root rslave");
		if (umount2(".", MNT_DETACH) < 0)
			return err_sys(err, "detach old root");
	}
	if (chdir("/") < 0)
		return err_sys(err, "chdir /");
	closep(&c->root_fd);
	c->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return err_sys(err, "open new root");
	return 0;
}

int mounts_finish_root(struct child_ctx *c, struct brig_error *err)
{
	unsigned long want = c->plan->spec->linux.rootfs_propagation;
	if (want && mount(NULL, "/", NULL, want, NULL) < 0)
		return err_sys(err, "set root propagation");
	return 0;
}

int mounts_mask_paths(struct child_ctx *c, struct brig_error *err)
{
	char *const *paths = c->plan->spec->linux.masked_paths;
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_close_ int fd = open_in_root(c->root_fd, paths[i], O_PATH, err);
		struct stat st;
		if (fd < 0 && err->errnum == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return err_wrap(err, "mask '%s'", paths[i]);
		/* A directory gets an empty read-only tmpfs, anything else /dev/null. */
		int r = S_ISDIR(st.st_mode) ? do_mount("tmpfs", fd, "tmpfs", MS_RDONLY, NULL, err)
					    : do_mount("/dev/null", fd, NULL, MS_BIND, NULL, err);
		if (r < 0)
			return err_wrap(err, "mask '%s'", paths[i]);
	}
	return 0;
}

int mounts_readonly_paths(struct child_ctx *c, struct brig_error *err)
{
	char *const *paths = c->plan->spec->linux.readonly_paths;
	char buf[FD_PATH_MAX];
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_close_ int fd = open_in_root(c->root_fd, paths[i], O_PATH, err);
		if (fd < 0 && err->errnum == ENOENT)
			continue;
		if (fd < 0 || do_mount(fd_path(fd, buf), fd, NULL, MS_BIND | MS_REC, NULL, err) < 0)
			return err_wrap(err, "make '%s' read-only", paths[i]);
		_cleanup_close_ int top = open_in_root(c->root_fd, paths[i], O_PATH, err);
		if (top < 0 || mount_setattr_fd(top, MOUNT_ATTR_RDONLY, 0, true, err) < 0)
			return err_wrap(err, "make '%s' read-only", paths[i]);
	}
	return 0;
}

/* The mounts plan_one left writable until now: the tree is complete. */
int mounts_readonly_late(struct child_ctx *c, struct brig_error *err)
{
	for (size_t i = 0; i < c->plan->n_mounts; i++) {
		const struct mount_plan *p = &c->plan->mounts[i];
		if (!p->ro_at_end)
			continue;
		_cleanup_close_ int fd = open_in_root(c->root_fd, p->dest, O_PATH, err);
		if (fd < 0 || mount_setattr_fd(fd, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
			return err_wrap(err, "make '%s' read-only", p->dest);
	}
	return 0;
}

int mounts_readonly_root(struct child_ctx *c, struct brig_error *err)
{
	if (!c->plan->spec->root.readonly)
		return 0;
	/* Only the root mount: the spec's mounts keep their own flags. */
	if (mount_setattr_fd(c->root_fd, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
		return err_wrap(err, "remount / read-only");
	return 0;
}
