// SPDX-License-Identifier: Apache-2.0
/* Talking to systemd over D-Bus with sd-bus: the connection (the bus, else systemd's
 * private socket), StartTransientUnit and StopUnit with the wait for their job's
 * JobRemoved signal, ResetFailedUnit, SetUnitProperties. The properties come from the pure
 * cgroups_systemd_props as (name, D-Bus type, text); this file only encodes them. */
#include "cgroups/internal.h"

#include <systemd/sd-bus.h>
#include <time.h>

#define DEST "org.freedesktop.systemd1"
#define OBJ "/org/freedesktop/systemd1"
#define MANAGER "org.freedesktop.systemd1.Manager"
#define ANNOTATION "org.systemd.property."
#define CALL_TIMEOUT_US (25 * 1000000ULL)

/* ---- where systemd answers ---- */

void cgroups_systemd_addresses(enum cgroups_manager m, uid_t euid, const char *system_env,
			       const char *session_env, const char *runtime_dir,
			       struct cgroups_bus_addresses *ret)
{
	*ret = (struct cgroups_bus_addresses){0};
	if (m == CGROUPS_MANAGER_SYSTEM) {
		ret->address[ret->n] =
		    xstrdup(system_env && *system_env ? system_env
						      : "unix:path=/run/dbus/system_bus_socket");
		ret->bus[ret->n++] = true;
		if (euid == 0) /* the socket is root's only */
			ret->address[ret->n++] = xstrdup("unix:path=/run/systemd/private");
		return;
	}
	if (session_env && *session_env)
		ret->address[ret->n] = xstrdup(session_env);
	else if (runtime_dir && *runtime_dir)
		ret->address[ret->n] = xasprintf("unix:path=%s/bus", runtime_dir);
	if (ret->address[ret->n])
		ret->bus[ret->n++] = true;
	if (runtime_dir && *runtime_dir)
		ret->address[ret->n++] = xasprintf("unix:path=%s/systemd/private", runtime_dir);
}

void cgroups_bus_addresses_clear(struct cgroups_bus_addresses *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->address[i]);
	*a = (struct cgroups_bus_addresses){0};
}

static int connect_one(const char *address, bool bus_client, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, bus_client);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, CALL_TIMEOUT_US);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

int bus_open(enum cgroups_manager m, sd_bus **ret, struct brig_error *err)
{
	if (cgroups_sdlib_load(err) < 0)
		return -1;
	struct cgroups_bus_addresses a;
	cgroups_systemd_addresses(m, geteuid(), getenv("DBUS_SYSTEM_BUS_ADDRESS"),
				  getenv("DBUS_SESSION_BUS_ADDRESS"), getenv("XDG_RUNTIME_DIR"),
				  &a);
	char why[512] = "";
	int last = ENOENT;
	for (size_t i = 0; i < a.n; i++) {
		int r = connect_one(a.address[i], a.bus[i], ret);
		if (r >= 0) {
			log_debug("systemd: connected to %s", a.address[i]);
			cgroups_bus_addresses_clear(&a);
			return 0;
		}
		last = -r;
		size_t n = strlen(why);
		snprintf(why + n, sizeof(why) - n, "%s%s: %s", n ? "; " : "", a.address[i],
			 strerror(-r));
	}
	cgroups_bus_addresses_clear(&a);
	if (!*why)
		snprintf(why, sizeof(why), "no address (XDG_RUNTIME_DIR is not set)");
	return err_set(err, last, "cannot reach the %s systemd over D-Bus (%s)",
		       m == CGROUPS_MANAGER_USER ? "user's" : "system's", why);
}

void bus_close(sd_bus *bus)
{
	sd_bus_flush_close_unref(bus);
}

/* ---- properties ---- */

static int append_basic(sd_bus_message *m, char type, const char *v)
{
	union {
		uint8_t y;
		int16_t n;
		uint16_t q;
		int32_t i;
		uint32_t u;
		int64_t x;
		uint64_t t;
		double d;
		int b;
	} x;
	switch (type) {
	case 's':
		return sd_bus_message_append_basic(m, 's', v);
	case 'b':
		x.b = !strcmp(v, "true");
		return sd_bus_message_append_basic(m, 'b', &x.b);
	case 'd':
		x.d = strtod(v, NULL);
		return sd_bus_message_append_basic(m, 'd', &x.d);
	case 't':
		x.t = strtoull(v, NULL, 10);
		return sd_bus_message_append_basic(m, 't', &x.t);
	case 'x':
		x.x = strtoll(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'x', &x.x);
	case 'u':
		x.u = (uint32_t)strtoul(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'u', &x.u);
	case 'i':
		x.i = (int32_t)strtol(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'i', &x.i);
	case 'q':
		x.q = (uint16_t)strtoul(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'q', &x.q);
	case 'n':
		x.n = (int16_t)strtol(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'n', &x.n);
	case 'y':
		x.y = (uint8_t)strtoul(v, NULL, 10);
		return sd_bus_message_append_basic(m, 'y', &x.y);
	default:
		return -EINVAL;
	}
}

/* "as", "au": one element per line; "a(ss)": "PATH PERMS" per line. */
static int append_array(sd_bus_message *m, const char *type, const char *value)
{
	int r = sd_bus_message_open_container(m, 'a', type + 1);
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); r >= 0 && l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');
		if (!strcmp(type, "a(ss)") && sp) {
			*sp = '\0';
			r = sd_bus_message_append(m, "(ss)", l, sp + 1);
		} else if (strlen(type) == 2) {
			r = append_basic(m, type[1], l);
		} else {
			r = -EINVAL;
		}
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_bytes(sd_bus_message *m, const char *hex)
{
	size_t n = strlen(hex) / 2;
	_cleanup_free_ uint8_t *b = xcalloc(n + 1, 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		b[i] = (uint8_t)v;
	}
	return sd_bus_message_append_array(m, 'y', b, n);
}

static int append_prop(sd_bus_message *m, const struct cgroups_prop *p)
{
	int r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append_basic(m, 's', p->name);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', p->type);
	if (r >= 0)
		r = !strcmp(p->type, "ay") ? append_bytes(m, p->value)
		    : p->type[0] == 'a'	   ? append_array(m, p->type, p->value)
					   : append_basic(m, p->type[0], p->value);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

/* a(sv): PIDs first (pid > 0), then the props not in `skip`. */
static int append_props(sd_bus_message *m, const struct cgroups_props *props, const bool *skip,
			pid_t pid)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0 && pid > 0)
		r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	for (size_t i = 0; r >= 0 && i < props->n; i++)
		if (!skip[i])
			r = append_prop(m, &props->v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* systemd refuses a property it does not know ("Cannot set property X, or unknown
 * property."): one of brig's own (an older systemd without CPUQuotaPeriodUSec or
 * AllowedCPUs) is left out and the files keep it; an annotation's is the caller's error.
 * Returns the index to skip, -1 when there is none. */
static ssize_t unknown_prop(const sd_bus_error *e, const struct cgroups_props *props,
			    const bool *skip)
{
	static const char lead[] = "Cannot set property ";
	if (!sd_bus_error_has_name(e, SD_BUS_ERROR_PROPERTY_READ_ONLY) || !e->message ||
	    strncmp(e->message, lead, strlen(lead)))
		return -1;
	const char *name = e->message + strlen(lead);
	size_t len = strcspn(name, ", ");
	for (size_t i = 0; i < props->n; i++)
		if (!skip[i] && strlen(props->v[i].name) == len &&
		    !strncmp(props->v[i].name, name, len) &&
		    strncmp(props->v[i].field, ANNOTATION, strlen(ANNOTATION))) {
			log_debug("systemd: %s is not known here: left to the cgroup files",
				  props->v[i].name);
			return (ssize_t)i;
		}
	return -1;
}

static int bus_fail(struct brig_error *err, int r, const sd_bus_error *e, const char *fmt,
		    const char *unit)
{
	char what[300];
	snprintf(what, sizeof(what), fmt, unit);
	if (e && e->message)
		return err_set(err, sd_bus_error_get_errno(e) ?: EIO, "systemd: %s: %s", what,
			       e->message);
	return err_errno(err, r < 0 ? -r : EIO, "systemd: %s", what);
}

/* ---- jobs ---- */

struct job_wait {
	char *job; /* the job's object path, once the call returned it */
	bool done;
	char result[32];
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	(void)e;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && !strcmp(path, w->job)) {
		w->done = true;
		snprintf(w->result, sizeof(w->result), "%s", result);
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the JobRemoved of w->job. Signals that came in with the call's reply are
 * already queued: sd_bus_process runs their callback now that the job is known. */
static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, const char *unit,
		    int timeout_ms, struct brig_error *err)
{
	for (long end = now_ms() + timeout_ms; !w->done;) {
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			return err_errno(err, -r, "systemd: %s %s: connection lost", what, unit);
		if (r > 0)
			continue;
		long left = end - now_ms();
		if (left <= 0)
			return err_set(err, ETIMEDOUT,
				       "systemd: %s %s: its job (%s) did not finish within %d s",
				       what, unit, w->job, timeout_ms / 1000);
		r = sd_bus_wait(bus, (uint64_t)left * 1000);
		if (r < 0)
			return err_errno(err, -r, "systemd: %s %s: wait", what, unit);
	}
	if (strcmp(w->result, "done"))
		return err_set(err, EIO, "systemd: %s %s: the job ended with \"%s\"", what, unit,
			       w->result);
	return 0;
}

/* JobRemoved comes from systemd itself on its private socket, through the bus daemon
 * (with systemd's name as sender) otherwise; the match goes first, so it cannot be missed. */
static int match_jobs(sd_bus *bus, struct job_wait *w, sd_bus_slot **slot)
{
	int client = sd_bus_is_bus_client(bus);
	return sd_bus_match_signal_async(bus, slot, client > 0 ? DEST : NULL, OBJ, MANAGER,
					 "JobRemoved", on_job_removed, NULL, w);
}

static int read_job(sd_bus_message *reply, struct job_wait *w)
{
	const char *job;
	int r = sd_bus_message_read(reply, "o", &job);
	if (r >= 0)
		w->job = xstrdup(job);
	return r;
}

/* ---- the calls ---- */

static int call_start(sd_bus *bus, const char *unit, const struct cgroups_props *props,
		      const bool *skip, pid_t pid, sd_bus_error *e, sd_bus_message **reply)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r = sd_bus_message_new_method_call(bus, &m, DEST, OBJ, MANAGER, "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "replace");
	if (r >= 0)
		r = append_props(m, props, skip, pid);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return r;
	return sd_bus_call(bus, m, 0, e, reply);
}

static void reset_failed(sd_bus *bus, const char *unit)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	if (sd_bus_call_method(bus, DEST, OBJ, MANAGER, "ResetFailedUnit", &e, NULL, "s", unit) <
		0 &&
	    !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		log_debug("systemd: reset-failed %s: %s", unit, e.message ? e.message : "failed");
	sd_bus_error_free(&e);
}

/* StartTransientUnit, retried once after clearing a failed unit of that name (runc does
 * so) and without each of brig's properties systemd does not know. */
static int call_start_retrying(sd_bus *bus, const char *unit, const struct cgroups_props *props,
			       pid_t pid, struct job_wait *w, bool *ret_queued,
			       struct brig_error *err)
{
	_cleanup_free_ bool *skip = xcalloc(props->n + 1, sizeof(bool));
	for (int tries = 0;; tries++) {
		sd_bus_error e = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		ssize_t drop = -1;
		int r = call_start(bus, unit, props, skip, pid, &e, &reply);
		if (r >= 0) {
			*ret_queued = true;
			r = read_job(reply, w);
			sd_bus_message_unref(reply);
			return r < 0 ? err_errno(err, -r, "systemd: start unit %s: its job", unit)
				     : 0;
		}
		bool retry =
		    sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists") && !tries;
		if (retry)
			reset_failed(bus, unit); /* a failed unit of an earlier container */
		else if (tries < 8 && (drop = unknown_prop(&e, props, skip)) >= 0)
			skip[drop] = true;
		if (!retry && drop < 0)
			bus_fail(err, r, &e, "start unit %s", unit);
		sd_bus_error_free(&e);
		if (!retry && drop < 0)
			return -1;
	}
}

int bus_start_unit(sd_bus *bus, const char *unit, const struct cgroups_props *props, pid_t pid,
		   int timeout_ms, bool *ret_queued, struct brig_error *err)
{
	struct job_wait w = {0};
	sd_bus_slot *slot = NULL;
	int r = match_jobs(bus, &w, &slot);
	if (r < 0)
		r = err_errno(err, -r, "systemd: watch for the jobs of %s", unit);
	else if ((r = call_start_retrying(bus, unit, props, pid, &w, ret_queued, err)) == 0)
		r = wait_job(bus, &w, "start unit", unit, timeout_ms, err);
	sd_bus_slot_unref(slot);
	free(w.job);
	return r;
}

int bus_stop_unit(sd_bus *bus, const char *unit, int timeout_ms, struct brig_error *err)
{
	struct job_wait w = {0};
	sd_bus_slot *slot = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = match_jobs(bus, &w, &slot);
	if (r >= 0)
		r = sd_bus_call_method(bus, DEST, OBJ, MANAGER, "StopUnit", &e, &reply, "ss", unit,
				       "replace");
	if (r >= 0)
		r = read_job(reply, &w);
	bool gone = false;
	if (r >= 0)
		r = wait_job(bus, &w, "stop unit", unit, timeout_ms, err);
	else if ((gone = sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")))
		r = 0; /* its processes ended and systemd collected it: nothing failed */
	else
		bus_fail(err, r, &e, "stop unit %s", unit);
	/* a unit that failed (an OOM kill, a stop that timed out) stays listed until reset */
	if (r >= 0 && !gone)
		reset_failed(bus, unit);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_slot_unref(slot);
	free(w.job);
	return r < 0 ? -1 : 0;
}

int bus_set_properties(sd_bus *bus, const char *unit, const struct cgroups_props *props,
		       struct brig_error *err)
{
	_cleanup_free_ bool *skip = xcalloc(props->n + 1, sizeof(bool));
	for (int tries = 0;; tries++) {
		_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
		sd_bus_error e = SD_BUS_ERROR_NULL;
		ssize_t drop;
		int r = sd_bus_message_new_method_call(bus, &m, DEST, OBJ, MANAGER,
						       "SetUnitProperties");
		/* runtime: under /run, so a daemon-reload keeps them */
		if (r >= 0)
			r = sd_bus_message_append(m, "sb", unit, 1);
		if (r >= 0)
			r = append_props(m, props, skip, 0);
		if (r >= 0)
			r = sd_bus_call(bus, m, 0, &e, NULL);
		if (r >= 0)
			return 0;
		if ((drop = unknown_prop(&e, props, skip)) < 0 || tries >= 8) {
			bus_fail(err, r, &e, "set properties of %s", unit);
			sd_bus_error_free(&e);
			return -1;
		}
		skip[drop] = true;
		sd_bus_error_free(&e);
	}
}

int cgroups_systemd_manager_cgroup(enum cgroups_manager m, char **ret, struct brig_error *err)
{
	sd_bus *bus = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	if (bus_open(m, &bus, err) < 0)
		return -1;
	int r = sd_bus_get_property_string(bus, DEST, OBJ, MANAGER, "ControlGroup", &e, ret);
	if (r < 0)
		bus_fail(err, r, &e, "read the manager's %s", "ControlGroup");
	sd_bus_error_free(&e);
	bus_close(bus);
	return r < 0 ? -1 : 0;
}
