// SPDX-License-Identifier: Apache-2.0
/* /dev inside the container: the spec's default devices, linux.devices, and
 * the standard symlinks. Nodes are made with mknod; in a user namespace, where
 * mknod is refused, the host's node is bind-mounted onto an empty file. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const struct spec_device default_devices[] = {
    {.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
    {.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
    {.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
    {.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
    {.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
    {.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
};

static const char *const dev_links[][2] = {
    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

static mode_t node_type(char t)
{
	switch (t) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default: /* 'c' and 'u' */
		return S_IFCHR;
	}
}

static int bind_host_node(int dir_fd, const char *name, const char *host, struct brig_error *err)
{
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(err, "create '%s'", name);
	_cleanup_close_ int target = fd;
	char t[FD_PATH_MAX];
	if (mount(host, fd_path(target, t), NULL, MS_BIND, NULL) < 0)
		return err_sys(err, "bind '%s'", host);
	return 0;
}

static bool same_node(const struct stat *st, const struct spec_device *d)
{
	if ((st->st_mode & S_IFMT) != node_type(d->type))
		return false;
	if (d->type == 'p')
		return true;
	return major(st->st_rdev) == (unsigned)d->major && minor(st->st_rdev) == (unsigned)d->minor;
}

/* Whether name in dir_fd already is the device d asks for. */
static int existing_node(int dir_fd, const char *name, const struct spec_device *d)
{
	struct stat st;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return same_node(&st, d);
}

/* mknod applies the umask: set the mode (and owner) the spec asked for. The
 * rootfs is the container owner's, who may swap the new node for a symlink
 * to a host file at any moment: the node is opened without following
 * anything, checked to be the device made, and changed through that fd,
 * never by its name again. */
static int set_node_attrs(int dfd, const char *name, const struct spec_device *d, mode_t mode,
			  struct brig_error *err)
{
	_cleanup_close_ int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_sys(err, "open '%s'", d->path);
	if (!same_node(&st, d))
		return err_set(err, EXDEV, "'%s' was replaced while it was being created", d->path);
	char p[FD_PATH_MAX];
	/* an O_PATH fd takes no fchmod: its /proc/self/fd link names the inode */
	if (fchmodat(AT_FDCWD, fd_path(fd, p), mode, 0) < 0)
		return err_sys(err, "chmod '%s'", d->path);
	uid_t uid = d->uid.set ? (uid_t)d->uid.value : 0;
	gid_t gid = d->gid.set ? (gid_t)d->gid.value : 0;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return err_sys(err, "chown '%s'", d->path);
	return 0;
}

static int make_node(struct child_ctx *c, const struct spec_device *d, bool is_default,
		     struct brig_error *err)
{
	const char *slash = strrchr(d->path, '/');
	_cleanup_free_ char *dir = xasprintf("%.*s", (int)(slash - d->path), d->path);
	const char *name = slash + 1;
	_cleanup_close_ int dfd = mkpath_in_root(c->root_fd, *dir ? dir : "/", true, err);
	if (dfd < 0)
		return -1;
	if (c->plan->in_userns)
		return bind_host_node(dfd, name, d->path, err);
	mode_t mode = (mode_t)(d->file_mode.set ? d->file_mode.value : 0666) & 07777;
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	if (mknodat(dfd, name, node_type(d->type) | mode, dev) < 0) {
		if (errno == EPERM) /* a user namespace around brig itself */
			return bind_host_node(dfd, name, d->path, err);
		if (errno != EEXIST)
			return err_sys(err, "mknod '%s'", d->path);
		/* config-linux.md: a file at path that is not the device asked
		 * for is an error. A default device the image got wrong is
		 * replaced, as runc does. */
		int same = existing_node(dfd, name, d);
		if (same == 0 && !is_default)
			return err_set(err, EEXIST, "'%s' exists and is not the device asked for",
				       d->path);
		if (same == 0 && (unlinkat(dfd, name, 0) < 0 ||
				  mknodat(dfd, name, node_type(d->type) | mode, dev) < 0))
			return err_sys(err, "mknod '%s'", d->path);
	}
	return set_node_attrs(dfd, name, d, mode, err);
}

static bool listed(const struct spec_linux *l, const char *path)
{
	for (size_t i = 0; i < l->n_devices; i++)
		if (!strcmp(l->devices[i].path, path))
			return true;
	return false;
}

int dev_setup(struct child_ctx *c, struct brig_error *err)
{
	const struct spec_linux *l = &c->plan->spec->linux;
	if (!c->plan->setup_dev)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (!listed(l, default_devices[i].path) &&
		    make_node(c, &default_devices[i], true, err) < 0)
			return -1;
	for (size_t i = 0; i < l->n_devices; i++)
		if (make_node(c, &l->devices[i], false, err) < 0)
			return -1;
	_cleanup_close_ int dev = open_in_root(c->root_fd, "/dev", O_PATH | O_DIRECTORY, err);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		if (!strcmp(dev_links[i][1], "ptmx"))
			unlinkat(dev, "ptmx",
				 0); /* a node in the image: the newinstance one wins */
		if (symlinkat(dev_links[i][0], dev, dev_links[i][1]) < 0 && errno != EEXIST)
			return err_sys(err, "symlink /dev/%s", dev_links[i][1]);
	}
	/* /dev/core only where the kernel has /proc/kcore (runc's rule) */
	struct stat st;
	if (fstatat(AT_FDCWD, "/proc/kcore", &st, 0) == 0 &&
	    symlinkat("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
		return err_sys(err, "symlink /dev/core");
	return 0;
}

/* runc's reOpenDevNull: stdio that is a /dev/null (a caller's </dev/null,
 * conmon's stdin) becomes the container's own, after pivot_root. The host's
 * is on a mount outside the container, which criu cannot dump. A container
 * /dev/null that is not the null device itself (a link, a file of the
 * rootfs) is not opened for it: stdio stays the caller's, as with runc. */
int dev_reopen_null(struct child_ctx *c, struct brig_error *err)
{
	(void)c;
	_cleanup_close_ int null = -1;
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			continue;
		if (null < 0) {
			struct stat ns;
			null = open("/dev/null",
				    O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
			if (null < 0 || fstat(null, &ns) < 0 || !S_ISCHR(ns.st_mode) ||
			    ns.st_rdev != makedev(1, 3)) {
				log_debug(
				    "stdio keeps the caller's /dev/null: the container's is not "
				    "the null device");
				return 0;
			}
			/* (opened without blocking: it could have been any device) */
			if (fcntl(null, F_SETFL, 0) < 0)
				return err_sys(err, "reopen /dev/null");
		}
		if (dup3(null, fd, 0) < 0)
			return err_sys(err, "reopen /dev/null as fd %d", fd);
	}
	return 0;
}
