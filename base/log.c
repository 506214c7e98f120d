// SPDX-License-Identifier: Apache-2.0
#include "base/base.h"

#include <fcntl.h>
#include <time.h>

static struct {
	int fd; /* -1: stderr only */
	enum brig_log_format format;
	bool debug;
} logger = {-1, BRIG_LOG_TEXT, false};

static const char *const level_names[] = {
    [BRIG_LOG_ERROR] = "error",
    [BRIG_LOG_WARN] = "warning",
    [BRIG_LOG_INFO] = "info",
    [BRIG_LOG_DEBUG] = "debug",
};

int log_open(const char *path, enum brig_log_format format, bool debug, struct brig_error *err)
{
	logger.format = format;
	logger.debug = debug;
	if (!path)
		return 0;
	logger.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logger.fd < 0)
		return err_sys(err, "open log file '%s'", path);
	return 0;
}

void log_close(void)
{
	closep(&logger.fd);
	logger.fd = -1;
}

int log_fd(void)
{
	return logger.fd;
}

bool log_debug_enabled(void)
{
	return logger.debug;
}

void format_rfc3339(const struct timespec *ts, char buf[static 40])
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, 40 - n, ".%09ldZ", ts->tv_nsec);
}

/* JSON string escaping for the one structured record brig writes without jansson:
 * base/ must not depend on spec/'s library. */
static size_t json_escape(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

static void write_record(int fd, enum brig_log_level level, const char *msg)
{
	char line[4096 + 256];
	int n;

	if (logger.format == BRIG_LOG_JSON) {
		char esc[4096];
		char ts[40];
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		format_rfc3339(&now, ts);
		json_escape(msg, esc, sizeof(esc));
		n = snprintf(line, sizeof(line),
			     "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level_names[level], esc, ts);
	} else if (level == BRIG_LOG_ERROR) {
		n = snprintf(line, sizeof(line), "brig: %s\n", msg);
	} else {
		n = snprintf(line, sizeof(line), "brig: %s: %s\n", level_names[level], msg);
	}
	if (n > 0)
		write_all(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void log_write(enum brig_log_level level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (logger.fd >= 0) {
		write_record(logger.fd, level, msg);
		/* conmon and people read stderr; containerd reads the file. Errors
		 * go to both, in text on stderr. */
		if (level == BRIG_LOG_ERROR) {
			enum brig_log_format f = logger.format;
			logger.format = BRIG_LOG_TEXT;
			write_record(STDERR_FILENO, level, msg);
			logger.format = f;
		}
	} else {
		write_record(STDERR_FILENO, level, msg);
	}
	errno = saved;
}
