// SPDX-License-Identifier: Apache-2.0
/* Paths inside the container's root, resolved without ever leaving it. Every
 * mount target, device node and masked path goes through here: the rootfs is
 * the container's (possibly hostile) content, and a symlink in it must not
 * redirect a mount to the host (runc CVE-2021-30465 and friends). */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

const char *fd_path(int fd, char buf[FD_PATH_MAX])
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

int open_in_root(int root_fd, const char *path, int flags, struct brig_error *err)
{
	return open_in_root_resolve(root_fd, path, flags, 0, err);
}

int open_in_root_resolve(int root_fd, const char *path, int flags, uint64_t resolve,
			 struct brig_error *err)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	int fd;
	do
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	if (fd < 0)
		return err_sys(err, "open '/%s' in the container", path);
	return fd;
}

/* Creates the last component of `name` in dir_fd: a directory or an empty file. */
static int make_component(int dir_fd, const char *name, bool is_dir)
{
	if (is_dir)
		return mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
	int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/* A component that is a dangling symlink: the path it names, joined with the
 * rest, to be made instead (runc's securejoin and MkdirAll: a mount target
 * /etc/x -> ../foo/bar is made as /foo/bar). RESOLVE_IN_ROOT keeps every
 * later open, and so every mkdirat, inside the root whatever the link says. */
static char *follow_dangling(int parent, const char *comp, const char *dir, const char *rest)
{
	struct stat st;
	char target[PATH_MAX];
	if (fstatat(parent, comp, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return NULL;
	ssize_t n = readlinkat(parent, comp, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	return xasprintf("%.*s%s%s%s%s", target[0] == '/' ? 0 : (int)strlen(dir), dir,
			 target[0] == '/' || !*dir ? "" : "/", target, *rest ? "/" : "", rest);
}

static int mkpath_depth(int root_fd, const char *path, bool last_is_dir, int depth,
			struct brig_error *err)
{
	int fd = open_in_root(root_fd, path, O_PATH, err);
	if (fd >= 0 || err->errnum != ENOENT)
		return fd;
	if (depth > 40) /* the kernel's own bound on symlinks in a path */
		return err_errno(err, ELOOP, "create '%s' in the container", path);

	/* Walk the components, re-resolving each prefix from the root, so a
	 * symlink among them is followed the way the container will see it. */
	_cleanup_free_ char *copy = xstrdup(path);
	_cleanup_close_ int parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		bool last = strspn(save, "/") == strlen(save);
		if (make_component(parent, comp, last ? last_is_dir : true) < 0)
			return err_sys(err, "create '%s' in the container", path);
		/* copy is path with NULs for the separators consumed so far */
		size_t dir_len = (size_t)(comp - copy), prefix_len = dir_len + strlen(comp);
		_cleanup_free_ char *prefix = xasprintf("%.*s", (int)prefix_len, path);
		int next = open_in_root(root_fd, prefix, O_PATH, err);
		if (next < 0 && err->errnum == ENOENT) {
			_cleanup_free_ char *dir = xasprintf("%.*s", (int)dir_len, path);
			_cleanup_free_ char *via =
			    follow_dangling(parent, comp, dir, save + strspn(save, "/"));
			if (via)
				return mkpath_depth(root_fd, via, last_is_dir, depth + 1, err);
		}
		closep(&parent);
		parent = next;
		if (parent < 0)
			return -1;
	}
	return steal_fd(&parent);
}

int mkpath_in_root(int root_fd, const char *path, bool last_is_dir, struct brig_error *err)
{
	return mkpath_depth(root_fd, path, last_is_dir, 0, err);
}

int open_nofollow_path(const char *path, int flags, struct brig_error *err)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_NO_SYMLINKS,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	if (fd < 0)
		return err_sys(err, "open '%s'", path);
	return fd;
}

bool same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
