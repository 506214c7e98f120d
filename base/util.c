// SPDX-License-Identifier: Apache-2.0
#include "base/base.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>

static void oom(void)
{
	static const char msg[] = "brig: out of memory\n";
	write_all(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p = NULL;
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int read_file_at(int dirfd, const char *path, char **ret_buf, size_t *ret_len,
		 struct brig_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(err, "open '%s'", path);
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(err, "read '%s'", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret_buf = steal_ptr(&buf);
	return 0;
}

int write_file_at(int dirfd, const char *path, const char *data, size_t len, int flags,
		  struct brig_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, flags | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return err_sys(err, "open '%s'", path);
	if (write_all(fd, data, len) < 0)
		return err_sys(err, "write '%s'", path);
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
		      struct brig_error *err)
{
	_cleanup_free_ char *tmp = xasprintf(".%s.tmp", name);
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return err_sys(err, "create '%s'", tmp);
	if (write_all(fd, data, len) < 0) {
		err_sys(err, "write '%s'", tmp);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		err_sys(err, "rename '%s' to '%s'", tmp, name);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct brig_error *err)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return err_sys(err, "mkdir '%s'", p);
		*s = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0)
		return err_sys(err, "stat '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, ENOTDIR, "'%s' is not a directory", path);
	return 0;
}

static int rm_children(int dfd, dev_t dev, struct brig_error *err)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_sys(err, "opendir");
	}
	int ret = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev)
				continue; /* a mount point: never descend into another fs */
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0 && rm_children(cfd, dev, err) < 0)
				ret = -1;
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && ret == 0)
				ret = err_sys(err, "rmdir '%s'", de->d_name);
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && ret == 0) {
			ret = err_sys(err, "unlink '%s'", de->d_name);
		}
	}
	closedir(d);
	return ret;
}

int rm_rf_at(int dirfd, const char *name, struct brig_error *err)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_sys(err, "stat '%s'", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return err_sys(err, "unlink '%s'", name);
		return 0;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(err, "open '%s'", name);
	if (rm_children(fd, st.st_dev, err) < 0)
		return err_wrap(err, "remove '%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return err_sys(err, "rmdir '%s'", name);
	return 0;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		return xasprintf("/%s", b);
	if (*b == '\0')
		return xasprintf("%.*s", (int)la, a);
	return xasprintf("%.*s/%s", (int)la, a, b);
}

int fd_set_cloexec(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return -1;
	flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
	return fcntl(fd, F_SETFD, flags);
}

static uint8_t *plugs; /* bit fd: a plug */
static int plugs_end;

void fd_plug_below(int end)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)end > rl.rlim_cur)
		end = (int)rl.rlim_cur; /* no fd can be above it */
	if (plugs || end <= 3)
		return;
	plugs = xcalloc((size_t)end / 8 + 1, 1);
	plugs_end = end;
	/* each open takes the lowest free fd: the gaps, in order */
	for (;;) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		if (fd >= end) {
			close(fd);
			return;
		}
		plugs[fd / 8] |= (uint8_t)(1u << (fd % 8));
	}
}

bool fd_is_plug(int fd)
{
	return plugs && fd >= 0 && fd < plugs_end && (plugs[fd / 8] & (1u << (fd % 8)));
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	char *end;
	if (!s || !*s) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0' || end == s) {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*ret = v;
	return 0;
}

/* Lexically cleans an absolute path, like Go's filepath.Clean: no "." or
 * empty components, ".." removes the one before it. */
char *path_clean(const char *path)
{
	char *out = xmalloc(strlen(path) + 2);
	size_t len = 0;

	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[--len] != '/')
				;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
		p += strspn(p, "/");
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}
