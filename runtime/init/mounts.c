// SPDX-License-Identifier: Apache-2.0
/* The container's mount tree: planned in the parent (options parsed, sources
 * resolved and checked), applied in the child inside its new mount namespace,
 * targets always opened inside the rootfs (rootpath.c) and mounted through
 * /proc/self/fd so nothing is resolved twice. */
#include "runtime/init/internal.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

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

int plan_rootfs(const char *rootfs, struct child_plan *p, struct brig_error *err)
{
	_cleanup_free_ char *real = realpath(rootfs, NULL);
	struct stat st, host;
	if (!real)
		return err_sys(err, "rootfs '%s'", rootfs);
	/* runc: "invalid rootfs: not an absolute path, or a symlink" */
	if (strcmp(real, rootfs))
		return err_set(err, EINVAL,
			       "invalid rootfs: '%s' is a symlink or has one in its path", rootfs);
	if (stat(real, &st) < 0)
		return err_sys(err, "rootfs '%s'", rootfs);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ENOTDIR, "invalid rootfs: '%s' is not a directory", rootfs);
	if (!strcmp(real, "/") ||
	    (stat("/", &host) == 0 && host.st_dev == st.st_dev && host.st_ino == st.st_ino))
		return err_set(err, EINVAL, "invalid rootfs: '%s' is the host's root", rootfs);
	p->rootfs_dev = st.st_dev;
	p->rootfs_ino = st.st_ino;
	return 0;
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

/* proc and sysfs go on a real directory reached without any symlink (runc:
 * "must be mounted on ordinary directory"): a /proc that is a symlink would
 * mount proc elsewhere, or over the container's root (CVE-2025-52881). */
static int open_ordinary_dir(struct child_ctx *c, const struct mount_plan *p,
			     struct brig_error *err)
{
	/* a symlink there, even one to nothing, is refused before anything is made
	 * through it (runc's mask test: rootfs/proc -> /symlink) */
	struct brig_error le;
	_cleanup_close_ int link = open_in_root_resolve(c->root_fd, p->dest, O_PATH | O_NOFOLLOW,
							RESOLVE_NO_SYMLINKS, &le);
	struct stat st;
	if ((link < 0 && (le.errnum == ELOOP || le.errnum == ENOTDIR)) ||
	    (link >= 0 && fstat(link, &st) == 0 && !S_ISDIR(st.st_mode)))
		return err_set(err, ELOOP,
			       "filesystem \"%s\" must be mounted on ordinary directory",
			       p->fstype);
	_cleanup_close_ int made = mkpath_in_root(c->root_fd, p->dest, true, err);
	if (made < 0)
		return -1;
	struct brig_error e;
	int fd = open_in_root_resolve(c->root_fd, p->dest, O_PATH | O_DIRECTORY,
				      RESOLVE_NO_SYMLINKS, &e);
	if (fd < 0 && (e.errnum == ELOOP || e.errnum == ENOTDIR))
		return err_set(err, e.errnum,
			       "filesystem \"%s\" must be mounted on ordinary directory",
			       p->fstype);
	if (fd < 0) {
		*err = e;
		return -1;
	}
	return fd;
}

static bool needs_ordinary_dir(const struct mount_plan *p)
{
	return p->kind == MOUNT_FS && (!strcmp(p->fstype, "proc") || !strcmp(p->fstype, "sysfs"));
}

static int mount_one(struct child_ctx *c, const struct mount_plan *p, struct brig_error *err)
{
	bool dir = p->kind != MOUNT_BIND || p->source_is_dir;
	_cleanup_close_ int target = needs_ordinary_dir(p)
					 ? open_ordinary_dir(c, p, err)
					 : mkpath_in_root(c->root_fd, p->dest, dir, err);
	if (target < 0)
		return -1;
	/* a destination that is, or resolves through a symlink to, the root
	 * would stack the mount on the container's root */
	if (same_inode(target, c->root_fd))
		return err_set(err, EINVAL,
			       "the destination resolves to the container's root: refused");
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

/* The rootfs bound over itself, as the root of the container's tree. It is
 * opened without following any symlink and must be the directory the parent
 * checked (plan_rootfs): a rootfs swapped for a symlink (to "/", say) fails
 * here instead of mounting the container's tree over the host's. The bind
 * is a clone of that fd attached on it: nothing is looked up by name again. */
static int bind_rootfs(struct child_ctx *c, struct brig_error *err)
{
	const char *rootfs = c->plan->rootfs;
	struct stat st;
	_cleanup_close_ int fd = open_nofollow_path(rootfs, O_PATH | O_DIRECTORY, err);
	if (fd < 0)
		return err_wrap(err, "invalid rootfs");
	if (fstat(fd, &st) < 0)
		return err_sys(err, "stat rootfs '%s'", rootfs);
	if (st.st_dev != c->plan->rootfs_dev || st.st_ino != c->plan->rootfs_ino)
		return err_set(err, EXDEV, "invalid rootfs: '%s' was replaced after it was checked",
			       rootfs);
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, fd, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return err_sys(err, "bind rootfs '%s'", rootfs);
	if (mount_attach_tree(tree, fd, err) < 0)
		return err_wrap(err, "bind rootfs '%s'", rootfs);
	c->root_fd = steal_fd(&tree);
	return 0;
}

/* No mount namespace: leave the runtime's mounts alone and keep everything the
 * container mounts on a private bind of its rootfs, which delete detaches. */
static int prepare_host_root(struct child_ctx *c, struct brig_error *err)
{
	if (bind_rootfs(c, err) < 0) {
		if (err->errnum != EPERM || !c->plan->in_userns)
			return -1;
		char old[sizeof(err->msg)];
		memcpy(old, err->msg, sizeof(old));
		return err_set(err, EPERM,
			       "%s (the container's user namespace does not own brig's mount "
			       "namespace: add {\"type\": \"mount\"} to linux.namespaces)",
			       old);
	}
	struct mount_attr attr = {.propagation = MS_PRIVATE};
	if (syscall(SYS_mount_setattr, c->root_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0)
		return err_sys(err, "make rootfs private");
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
	if ((first & MS_SHARED) && make_rootfs_mount_private(c->plan->rootfs, err) < 0)
		return -1;
	return bind_rootfs(c, err);
}

/* mountinfo's octal escapes (\040 for a space) undone in place. */
static void unescape_mountinfo(char *s)
{
	char *o = s;
	for (char *i = s; *i; o++) {
		if (i[0] == '\\' && i[1] >= '0' && i[1] <= '3' && i[2] >= '0' && i[2] <= '7' &&
		    i[3] >= '0' && i[3] <= '7') {
			*o = (char)((i[1] - '0') * 64 + (i[2] - '0') * 8 + (i[3] - '0'));
			i += 4;
		} else {
			*o = *i++;
		}
	}
	*o = '\0';
}

static int cmp_len_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* --no-pivot keeps the runtime's mounts below the moved rootfs, reachable no more but
 * still there: a full proc or sysfs among them lets a process that makes a user
 * namespace mount a fresh one (the kernel allows it while a full one is visible to the
 * mount namespace). runc's msMoveRoot detaches them first, or covers them with an empty
 * tmpfs where they cannot be detached; so does brig. */
static int hide_host_pseudofs(const char *rootfs, struct brig_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return err_sys(err, "open /proc/self/mountinfo");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, n = 0, len = strlen(rootfs);
	_cleanup_strv_ char **v = NULL;
	while (getline(&line, &cap, f) > 0) {
		char mp[4096], fstype[64];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash, " - %63s", fstype) != 1)
			continue;
		if (strcmp(fstype, "proc") && strcmp(fstype, "sysfs"))
			continue;
		unescape_mountinfo(mp);
		if (!strncmp(mp, rootfs, len) && (mp[len] == '/' || mp[len] == '\0'))
			continue; /* the container's own */
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(mp);
		v[n] = NULL;
	}
	if (n)
		qsort(v, n, sizeof(char *), cmp_len_desc);
	for (size_t i = 0; i < n; i++) {
		if (umount2(v[i], MNT_DETACH) == 0 || errno == ENOENT)
			continue;
		if (mount("tmpfs", v[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0,mode=0") < 0)
			return err_sys(err, "--no-pivot: hide the runtime's %s", v[i]);
	}
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
		if (hide_host_pseudofs(rootfs, err) < 0)
			return -1;
		if (fchdir(c->root_fd) < 0)
			return err_sys(err, "chdir '%s'", rootfs);
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
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

int mounts_open_null(struct child_ctx *c, struct brig_error *err)
{
	if (!c->plan->spec->linux.masked_paths || !c->plan->spec->linux.masked_paths[0])
		return 0;
	/* the host's, in brig's (copied) tree: nothing of the container's */
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, "/dev/null",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	struct stat st;
	struct statfs fs;
	if (tree < 0)
		return err_sys(err, "open /dev/null");
	if (fstat(tree, &st) < 0 || fstatfs(tree, &fs) < 0)
		return err_sys(err, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3) ||
	    (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC))
		return err_set(err, EXDEV,
			       "/dev/null is not the null device (1:3) on a devtmpfs or tmpfs");
	c->null_fd = steal_fd(&tree);
	return 0;
}

/* Where a masked or read-only path is: under /proc in the container's own
 * procfs (checked when opened), under /sys in the root, both without
 * following any symlink; anywhere else inside the root. */
static int open_special(struct child_ctx *c, const char *path, struct brig_error *err)
{
	_cleanup_free_ char *clean = path_clean(path);
	if (!strncmp(clean, "/proc/", 6)) {
		if (c->ctr_proc_fd < 0)
			return err_set(err, ENOENT, "no procfs at /proc");
		return pseudofs_open(c->ctr_proc_fd, clean + 6, O_PATH, 0, false, err);
	}
	if (!strncmp(clean, "/sys/", 5))
		return open_in_root_resolve(c->root_fd, clean, O_PATH, RESOLVE_NO_SYMLINKS, err);
	return open_in_root(c->root_fd, clean, O_PATH, err);
}

/* A file is masked by a bind of the host's /dev/null (mounts_open_null),
 * never by the container's (CVE-2025-31133): the detached mount the first
 * time, clones of it after that. */
static int mask_file(struct child_ctx *c, int target, struct brig_error *err)
{
	if (c->null_fd < 0)
		return err_set(err, ENOENT, "no /dev/null to mask with");
	_cleanup_close_ int clone = -1;
	int src = c->null_fd;
	if (c->null_attached) {
		clone = (int)syscall(SYS_open_tree, c->null_fd, "",
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (clone < 0)
			return err_sys(err, "clone the /dev/null mount");
		src = clone;
	}
	if (mount_attach_tree(src, target, err) < 0)
		return -1;
	c->null_attached = true;
	return 0;
}

/* A fresh filesystem of type fstype, attached at target with attrs. */
static int attach_new_fs(const char *fstype, int target, uint64_t attrs, struct brig_error *err)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_sys(err, "create %s", fstype);
	_cleanup_close_ int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return err_sys(err, "mount %s", fstype);
	return mount_attach_tree(mnt, target, err);
}

/* After the mount, the path must show it: the null device, or an empty
 * read-only tmpfs. */
static int check_masked(struct child_ctx *c, const char *path, bool dir, struct brig_error *err)
{
	_cleanup_close_ int fd = open_special(c, path, err);
	struct stat st;
	struct statfs fs;
	if (fd < 0 || fstat(fd, &st) < 0 || fstatfs(fd, &fs) < 0)
		return fd < 0 ? -1 : err_sys(err, "stat");
	bool ok = dir ? S_ISDIR(st.st_mode) && fs.f_type == TMPFS_MAGIC && (fs.f_flags & ST_RDONLY)
		      : S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
	if (!ok)
		return err_set(err, EXDEV, "the mask is not in place after mounting it");
	return 0;
}

int mounts_mask_paths(struct child_ctx *c, struct brig_error *err)
{
	char *const *paths = c->plan->spec->linux.masked_paths;
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_close_ int fd = open_special(c, paths[i], err);
		struct stat st;
		if (fd < 0 && err->errnum == ENOENT)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return fd < 0 ? err_wrap(err, "mask '%s'", paths[i])
				      : err_sys(err, "mask '%s'", paths[i]);
		/* A directory gets an empty read-only tmpfs, anything else /dev/null. */
		bool dir = S_ISDIR(st.st_mode);
		int r = dir ? attach_new_fs("tmpfs", fd, MOUNT_ATTR_RDONLY, err)
			    : mask_file(c, fd, err);
		if (r < 0 || check_masked(c, paths[i], dir, err) < 0)
			return err_wrap(err, "mask '%s'", paths[i]);
	}
	return 0;
}

/* A read-only bind of the path over itself, made read-only before it is
 * attached, then checked where the path is. */
static int make_readonly(struct child_ctx *c, const char *path, int fd, struct brig_error *err)
{
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, fd, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return err_sys(err, "bind");
	if (mount_setattr_fd(tree, MOUNT_ATTR_RDONLY, 0, true, err) < 0 ||
	    mount_attach_tree(tree, fd, err) < 0)
		return -1;
	_cleanup_close_ int now = open_special(c, path, err);
	struct statfs fs;
	if (now < 0 || fstatfs(now, &fs) < 0)
		return now < 0 ? -1 : err_sys(err, "statfs");
	if (!(fs.f_flags & ST_RDONLY))
		return err_set(err, EXDEV, "not read-only after the remount");
	return 0;
}

int mounts_readonly_paths(struct child_ctx *c, struct brig_error *err)
{
	char *const *paths = c->plan->spec->linux.readonly_paths;
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_close_ int fd = open_special(c, paths[i], err);
		if (fd < 0 && err->errnum == ENOENT)
			continue;
		if (fd < 0 || make_readonly(c, paths[i], fd, err) < 0)
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
