// SPDX-License-Identifier: Apache-2.0
/* Every write brig makes into /proc (id maps, setgroups, oom_score_adj, time
 * offsets, sysctl, LSM attributes) goes through here: through an fd of a
 * procfs brig mounted itself (a private instance made with fsopen, or, where
 * that is refused, a /proc checked to be a procfs root), opened beneath it
 * with openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_XDEV) and
 * checked with fstatfs. A symlink, a bind mount or another filesystem put in
 * the way (CVE-2025-52881: a write redirected to another procfs file) makes
 * the open fail instead of writing elsewhere. The path logic is pure and
 * unit-tested (tests/test_procfs.c). */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

/* ---- pure ---- */

bool procfs_rel_ok(const char *rel)
{
	if (!rel || !*rel || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false; /* a trailing '/' */
	}
	return true;
}

char *procfs_rel(const char *path, pid_t pid, pid_t tid)
{
	if (strncmp(path, "/proc/", 6))
		return NULL;
	const char *rest = path + 6;
	char *rel;
	if (!strncmp(rest, "thread-self/", 12))
		rel = xasprintf("%d/task/%d/%s", (int)pid, (int)tid, rest + 12);
	else if (!strncmp(rest, "self/", 5))
		rel = xasprintf("%d/%s", (int)pid, rest + 5);
	else
		rel = xstrdup(rest);
	if (!procfs_rel_ok(rel)) {
		free(rel);
		return NULL;
	}
	return rel;
}

/* sysctl(8)'s key syntax: when the first separator is '.', dots separate and
 * a '/' stands for a literal dot ("net.ipv4.conf.eth0/1.forwarding"). */
char *procfs_sysctl_rel(const char *key)
{
	char *rel = xasprintf("sys/%s", key);
	char *k = rel + 4;
	if (k[strcspn(k, "./")] == '.')
		for (char *p = k; *p; p++)
			*p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
	if (!procfs_rel_ok(rel)) {
		free(rel);
		return NULL;
	}
	return rel;
}

int procfs_check_fs(const struct statfs *st, unsigned long magic, const char *what,
		    struct brig_error *err)
{
	if ((unsigned long)st->f_type != magic)
		return err_set(err, EXDEV, "%s is not on %s (filesystem type %#lx)", what,
			       magic == PROC_SUPER_MAGIC ? "procfs"
			       : magic == SYSFS_MAGIC	 ? "sysfs"
							 : "the expected filesystem",
			       (unsigned long)st->f_type);
	return 0;
}

/* ---- I/O ---- */

static int check_fd_fs(int fd, unsigned long magic, const char *what, struct brig_error *err)
{
	struct statfs st;
	if (fstatfs(fd, &st) < 0)
		return err_sys(err, "statfs '%s'", what);
	return procfs_check_fs(&st, magic, what, err);
}

/* A fresh procfs of the caller's pid namespace, detached: nothing of any
 * mount tree can be in its way. */
static int private_procfs(void)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int procfs_root_at(int dir_fd, const char *path, struct brig_error *err)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH,
	};
	if (dir_fd == AT_FDCWD && path[0] == '/') /* "/proc" of brig's own root */
		how.resolve = RESOLVE_NO_SYMLINKS;
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
	struct stat st;
	if (fd < 0)
		return err_sys(err, "open '%s'", path);
	if (check_fd_fs(fd, PROC_SUPER_MAGIC, path, err) < 0)
		return -1;
	/* its root, not a directory of a procfs mounted elsewhere */
	if (fstat(fd, &st) < 0 || st.st_ino != 1)
		return err_set(err, EXDEV, "'%s' is not the root of a procfs", path);
	return steal_fd(&fd);
}

int procfs_root(struct brig_error *err)
{
	int fd = private_procfs();
	if (fd >= 0)
		return fd;
	/* Refused (a user namespace without its own pid namespace, a kernel
	 * without the new mount API): the /proc brig sees, checked. */
	log_debug("private procfs: %s; using /proc", strerror(errno));
	return procfs_root_at(AT_FDCWD, "/proc", err);
}

/* Shared by the parent's writes; an fd of another process (a forked child
 * holds the number, perhaps closed or reused) is never taken for ours. */
static int shared_fd = -1;
static pid_t shared_owner;

int procfs_shared_root(struct brig_error *err)
{
	if (shared_fd >= 0 && shared_owner == getpid())
		return shared_fd;
	int fd = procfs_root(err);
	if (fd < 0)
		return -1;
	shared_fd = fd;
	shared_owner = getpid();
	return fd;
}

int pseudofs_open(int root, const char *rel, int flags, unsigned long magic, bool no_xdev,
		  struct brig_error *err)
{
	if (!procfs_rel_ok(rel))
		return err_set(err, EINVAL, "'%s' is not a plain relative path", rel);
	struct open_how how = {
	    /* openat2 takes only O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC with O_PATH */
	    .flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY)),
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
		       (no_xdev ? RESOLVE_NO_XDEV : 0),
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	if (fd < 0)
		return err_sys(err, "open '%s'", rel);
	if (magic && check_fd_fs(fd, magic, rel, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int procfs_open(int root, const char *rel, int flags, struct brig_error *err)
{
	return pseudofs_open(root, rel, flags, PROC_SUPER_MAGIC, true, err);
}

int procfs_write(int root, const char *rel, const char *data, size_t len, struct brig_error *err)
{
	_cleanup_close_ int fd = procfs_open(root, rel, O_WRONLY, err);
	if (fd < 0)
		return -1;
	/* one write: the kernel parses the buffer as one command */
	ssize_t n = write(fd, data, len);
	if (n < 0)
		return err_sys(err, "write '%s'", rel);
	if ((size_t)n != len)
		return err_set(err, EIO, "write '%s': short write (%zd of %zu bytes)", rel, n, len);
	return 0;
}

int procfs_pid_write(pid_t pid, const char *file, const char *data, size_t len,
		     struct brig_error *err)
{
	int root = procfs_shared_root(err);
	if (root < 0)
		return -1;
	char rel[64];
	snprintf(rel, sizeof(rel), "%d/%s", (int)pid, file);
	return procfs_write(root, rel, data, len, err);
}
