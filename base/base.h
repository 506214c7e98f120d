/* SPDX-License-Identifier: Apache-2.0 */
/* base: the one error type, cleanup attributes, logging and small fd/path I/O
 * helpers shared by every brig module. Nothing in here knows about containers;
 * a helper used by only one module lives in that module. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors: one type, returned up, printed once (by runtime/main.c) ---- */

struct brig_error {
	int errnum;	/* errno of the innermost failure, 0 when there was none */
	char msg[1024]; /* "outer: inner: strerror" */
};

/* Formats fmt, appends ": strerror(errno)" and saves errno. Returns -1. */
int err_sys(struct brig_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like err_sys with an explicit errno (a negative return of a library call). */
int err_errno(struct brig_error *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the message as given, no strerror; errnum is kept for callers that test it. */
int err_set(struct brig_error *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "fmt: " to the message. Returns -1. */
int err_wrap(struct brig_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct brig_error *e);

/* ---- cleanup ---- */

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Closes *fd if open and marks it closed (-1); errno is kept. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_ _cleanup_(strv_freep)

static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline void *steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}

/* Allocation failure is not an error brig can report usefully: these abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
size_t strv_length(char *const *v);

/* ---- logging ---- */

enum brig_log_level {
	BRIG_LOG_ERROR,
	BRIG_LOG_WARN,
	BRIG_LOG_INFO,
	BRIG_LOG_DEBUG,
};

enum brig_log_format {
	BRIG_LOG_TEXT,
	BRIG_LOG_JSON,
};

/* path NULL: stderr. Opens path for append; the fd is close-on-exec. */
int log_open(const char *path, enum brig_log_format format, bool debug, struct brig_error *err);
void log_close(void);
bool log_debug_enabled(void);
int log_fd(void); /* the log file's fd, -1 when logging to stderr */
/* Writes a log record to the log file; errors also go to stderr when a log file
 * is set, since containerd reads the file and conmon reads stderr. */
void log_write(enum brig_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_write(BRIG_LOG_DEBUG, __VA_ARGS__);                                    \
	} while (0)
#define log_warn(...) log_write(BRIG_LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(BRIG_LOG_ERROR, __VA_ARGS__)

/* RFC 3339 UTC with nanoseconds: "2026-12-01T08:00:00.123456789Z". */
void format_rfc3339(const struct timespec *ts, char buf[static 40]);

/* ---- fd and path I/O ---- */

/* Reads a whole file (NUL-terminated; *ret_len excludes the NUL). */
int read_file_at(int dirfd, const char *path, char **ret_buf, size_t *ret_len,
		 struct brig_error *err);
/* Writes all of buf to an open fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Reads exactly len bytes unless EOF comes first; returns bytes read or -1. */
ssize_t read_all(int fd, void *buf, size_t len);
/* Opens dirfd/path with flags (O_CLOEXEC added) and writes data. */
int write_file_at(int dirfd, const char *path, const char *data, size_t len, int flags,
		  struct brig_error *err);
/* Writes to dirfd/.name.tmp, fsyncs nothing (state is in tmpfs), renames over name. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
		      struct brig_error *err);
/* mkdir -p with mode for each created component; an existing directory is fine. */
int mkdir_p(const char *path, mode_t mode, struct brig_error *err);
/* Recursively removes dirfd/name (not following symlinks, staying on one fs). */
int rm_rf_at(int dirfd, const char *name, struct brig_error *err);
/* Lexically cleans a path into an absolute one, like Go's filepath.Clean of
 * "/" + path: no "." or empty components, ".." removes the one before it. */
char *path_clean(const char *path);
/* Joins two path parts with exactly one '/' between them. */
char *path_join(const char *a, const char *b);
/* Sets or clears FD_CLOEXEC. */
int fd_set_cloexec(int fd, bool on);
/* Fills every fd below end that is not open with a close-on-exec /dev/null,
 * held until the process ends, so that what the process opens afterwards
 * lands at end or above (a range passed on, --preserve-fds, then holds only
 * the caller's fds). Stops early when no fd is left. Call before anything is
 * opened; once. */
void fd_plug_below(int end);
/* Whether fd is one of fd_plug_below's plugs (a gap the caller left). */
bool fd_is_plug(int fd);
/* Parses a whole decimal string into [min, max]. Returns -1 with errno EINVAL/ERANGE. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret);

/* ---- processes, by /proc ---- */

/* /proc/PID/stat field 22 (starttime in clock ticks); 0 on error or when the
 * process has exited (a zombie is not alive). */
uint64_t process_start_time(pid_t pid);
/* Whether pid is alive and is the process that started at start_time. */
bool process_alive(pid_t pid, uint64_t start_time);
/* pidfd for pid checked against start_time, or -1 with errno ESRCH. */
int process_pidfd(pid_t pid, uint64_t start_time);
/* Whether brig runs inside a user namespace (rootless, `unshare -r`). */
bool process_in_userns(void);
