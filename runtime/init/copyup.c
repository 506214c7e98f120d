// SPDX-License-Identifier: Apache-2.0
/* tmpcopyup: a tmpfs mounted over a directory of the image starts with a copy
 * of what it covers (files, directories, symlinks, device nodes, with owners
 * and modes), read through an fd taken before the mount hid it. */
#include "runtime/init/init.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st,
		     struct brig_error *err)
{
	_cleanup_close_ int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out =
	    openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   st->st_mode & 07777);
	if (in < 0 || out < 0)
		return err_sys(err, "copy '%s'", name);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			return err_sys(err, "write '%s'", name);
	return n < 0 ? err_sys(err, "read '%s'", name) : 0;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, struct brig_error *err);

static int copy_dir(int src_dir, int dst_dir, struct brig_error *err)
{
	int fd = fcntl(src_dir, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		closep(&fd);
		return err_sys(err, "read directory");
	}
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = copy_entry(src_dir, dst_dir, de->d_name, err);
	closedir(d);
	return r;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, struct brig_error *err)
{
	struct stat st;
	if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(err, "stat '%s'", name);
	int r = 0;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dst_dir, name, st.st_mode & 07777) < 0)
			return err_sys(err, "mkdir '%s'", name);
		_cleanup_close_ int s =
		    openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d =
		    openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = s < 0 || d < 0 ? err_sys(err, "open '%s'", name) : copy_dir(s, d, err);
	} else if (S_ISREG(st.st_mode)) {
		r = copy_file(src_dir, dst_dir, name, &st, err);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(src_dir, name, target, sizeof(target) - 1);
		if (n < 0)
			return err_sys(err, "readlink '%s'", name);
		target[n] = '\0';
		if (symlinkat(target, dst_dir, name) < 0)
			return err_sys(err, "symlink '%s'", name);
	} else if (mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0) {
		return err_sys(err, "mknod '%s'", name);
	}
	if (r == 0 && fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(err, "chown '%s'", name);
	return r;
}

int mount_copy_up(int orig_dir, int new_dir, struct brig_error *err)
{
	struct stat st;
	/* The owner carries over; the mode is the tmpfs's own (mode= decides). */
	if (fstat(orig_dir, &st) == 0 && fchown(new_dir, st.st_uid, st.st_gid) < 0)
		return err_sys(err, "tmpcopyup: chown");
	if (copy_dir(orig_dir, new_dir, err) < 0)
		return err_wrap(err, "tmpcopyup");
	return 0;
}
