// SPDX-License-Identifier: Apache-2.0
/* libsystemd, loaded the first time the systemd driver needs it. Linking it
 * made every brig process load it and the five libraries it needs (libgcrypt,
 * liblzma, libzstd, liblz4, libgpg-error): 2.7 ms of a 4 ms process start on
 * this project's machines, paid by `start`, `state` and `kill` too, and by
 * every container on a host without systemd. The sd-bus functions brig calls
 * are defined here under their own names, each calling into the loaded
 * library, so systemd_bus.c reads as plain sd-bus. They are not exported
 * (brig is linked without -rdynamic): libsystemd's own calls stay its own. */
#include "cgroups/internal.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <systemd/sd-bus.h>

#define LIBSYSTEMD "libsystemd.so.0"

/* X(return type, name, parameters, arguments, value when not loaded) */
#define SD_FUNCS(X)                                                                                \
	X(int, sd_bus_call,                                                                        \
	  (sd_bus * b, sd_bus_message * m, uint64_t u, sd_bus_error * e, sd_bus_message * *r),     \
	  (b, m, u, e, r), -ENOSYS)                                                                \
	X(int, sd_bus_error_get_errno, (const sd_bus_error *e), (e), ENOSYS)                       \
	X(int, sd_bus_error_has_name, (const sd_bus_error *e, const char *n), (e, n), 0)           \
	X(sd_bus *, sd_bus_flush_close_unref, (sd_bus * b), (b), NULL)                             \
	X(int, sd_bus_get_property_string,                                                         \
	  (sd_bus * b, const char *d, const char *p, const char *i, const char *m,                 \
	   sd_bus_error *e, char **r),                                                             \
	  (b, d, p, i, m, e, r), -ENOSYS)                                                          \
	X(int, sd_bus_is_bus_client, (sd_bus * b), (b), -ENOSYS)                                   \
	X(int, sd_bus_match_signal_async,                                                          \
	  (sd_bus * b, sd_bus_slot * *r, const char *s, const char *p, const char *i,              \
	   const char *m, sd_bus_message_handler_t cb, sd_bus_message_handler_t add, void *u),     \
	  (b, r, s, p, i, m, cb, add, u), -ENOSYS)                                                 \
	X(int, sd_bus_message_append_array, (sd_bus_message * m, char t, const void *p, size_t n), \
	  (m, t, p, n), -ENOSYS)                                                                   \
	X(int, sd_bus_message_append_basic, (sd_bus_message * m, char t, const void *p),           \
	  (m, t, p), -ENOSYS)                                                                      \
	X(int, sd_bus_message_close_container, (sd_bus_message * m), (m), -ENOSYS)                 \
	X(int, sd_bus_message_new_method_call,                                                     \
	  (sd_bus * b, sd_bus_message * *m, const char *d, const char *p, const char *i,           \
	   const char *n),                                                                         \
	  (b, m, d, p, i, n), -ENOSYS)                                                             \
	X(int, sd_bus_message_open_container, (sd_bus_message * m, char t, const char *c),         \
	  (m, t, c), -ENOSYS)                                                                      \
	X(sd_bus_message *, sd_bus_message_unref, (sd_bus_message * m), (m), NULL)                 \
	X(int, sd_bus_new, (sd_bus * *r), (r), -ENOSYS)                                            \
	X(int, sd_bus_process, (sd_bus * b, sd_bus_message * *r), (b, r), -ENOSYS)                 \
	X(int, sd_bus_set_address, (sd_bus * b, const char *a), (b, a), -ENOSYS)                   \
	X(int, sd_bus_set_bus_client, (sd_bus * b, int c), (b, c), -ENOSYS)                        \
	X(int, sd_bus_set_method_call_timeout, (sd_bus * b, uint64_t u), (b, u), -ENOSYS)          \
	X(sd_bus_slot *, sd_bus_slot_unref, (sd_bus_slot * s), (s), NULL)                          \
	X(int, sd_bus_start, (sd_bus * b), (b), -ENOSYS)                                           \
	X(sd_bus *, sd_bus_unref, (sd_bus * b), (b), NULL)                                         \
	X(int, sd_bus_wait, (sd_bus * b, uint64_t u), (b, u), -ENOSYS)

/* the variadic calls go to their va_list forms */
#define SD_VFUNCS(X)                                                                               \
	X(int, sd_bus_call_methodv,                                                                \
	  (sd_bus *, const char *, const char *, const char *, const char *, sd_bus_error *,       \
	   sd_bus_message **, const char *, va_list))                                              \
	X(int, sd_bus_message_appendv, (sd_bus_message *, const char *, va_list))                  \
	X(int, sd_bus_message_readv, (sd_bus_message *, const char *, va_list))                    \
	X(void, sd_bus_error_free, (sd_bus_error *))

#define FIELD(type, name, params, ...) type(*name) params;
static struct {
	bool tried;
	void *handle;
	char why[256];
	SD_FUNCS(FIELD)
	SD_VFUNCS(FIELD)
} lib;
#undef FIELD

static bool resolve(void)
{
#define SYM(type, name, ...)                                                                       \
	if (!(*(void **)&lib.name = dlsym(lib.handle, #name))) {                                   \
		snprintf(lib.why, sizeof(lib.why), "%s has no %s", LIBSYSTEMD, #name);             \
		return false;                                                                      \
	}
	SD_FUNCS(SYM)
	SD_VFUNCS(SYM)
#undef SYM
	return true;
}

int cgroups_sdlib_load(struct brig_error *err)
{
	if (!lib.tried) {
		lib.tried = true;
		lib.handle = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
		if (!lib.handle)
			snprintf(lib.why, sizeof(lib.why), "%s", dlerror());
		else if (!resolve()) {
			dlclose(lib.handle);
			lib.handle = NULL;
		}
	}
	if (lib.handle)
		return 0;
	return err_set(
	    err, ENOSYS,
	    "the systemd cgroup driver needs libsystemd (Debian package libsystemd0): %s", lib.why);
}

/* Called only with objects the loaded library made (bus_open loads it
 * first), except the cleanups, which then have nothing to free. */
#define WRAP(type, name, params, args, none)                                                       \
	type name params                                                                           \
	{                                                                                          \
		return lib.handle ? lib.name args : none;                                          \
	}
SD_FUNCS(WRAP)
#undef WRAP

void sd_bus_error_free(sd_bus_error *e)
{
	if (lib.handle)
		lib.sd_bus_error_free(e);
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path,
		       const char *interface, const char *member, sd_bus_error *ret_error,
		       sd_bus_message **reply, const char *types, ...)
{
	if (!lib.handle)
		return -ENOSYS;
	va_list ap;
	va_start(ap, types);
	int r = lib.sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply,
					types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_append(sd_bus_message *m, const char *types, ...)
{
	if (!lib.handle)
		return -ENOSYS;
	va_list ap;
	va_start(ap, types);
	int r = lib.sd_bus_message_appendv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...)
{
	if (!lib.handle)
		return -ENOSYS;
	va_list ap;
	va_start(ap, types);
	int r = lib.sd_bus_message_readv(m, types, ap);
	va_end(ap);
	return r;
}
