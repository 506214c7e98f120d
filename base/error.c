// SPDX-License-Identifier: Apache-2.0
#include "base/base.h"

static void vset(struct brig_error *e, int errnum, bool with_strerror, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (n < 0)
		n = 0;
	if (with_strerror && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	e->errnum = errnum;
}

int err_sys(struct brig_error *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vset(e, saved, true, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int err_errno(struct brig_error *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	if (errnum < 0)
		errnum = -errnum;
	va_start(ap, fmt);
	vset(e, errnum, true, fmt, ap);
	va_end(ap);
	return -1;
}

int err_set(struct brig_error *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(e, errnum, false, fmt, ap);
	va_end(ap);
	return -1;
}

int err_wrap(struct brig_error *e, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Truncation keeps the outer context; the end of a very long chain goes. */
	size_t n = strlen(prefix);
	if (n > sizeof(e->msg) - 3)
		n = sizeof(e->msg) - 3;
	memcpy(e->msg, prefix, n);
	memcpy(e->msg + n, ": ", 2);
	size_t rest = sizeof(e->msg) - n - 3;
	size_t ol = strnlen(old, rest);
	memcpy(e->msg + n + 2, old, ol);
	e->msg[n + 2 + ol] = '\0';
	return -1;
}

void err_clear(struct brig_error *e)
{
	e->errnum = 0;
	e->msg[0] = '\0';
}
