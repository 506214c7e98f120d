// SPDX-License-Identifier: Apache-2.0
/* The systemd driver's I/O: the container's unit made with the init's pid in it, the
 * directories around it, its properties changed, and the unit stopped at delete. systemd
 * makes and removes the unit's cgroup; brig writes what systemd has no property for into
 * that cgroup through the same writer as the cgroupfs driver (cgroups_apply), and makes the
 * v1 directories systemd does not manage on a hybrid host, as runc does. */
#include "cgroups/internal.h"

#include <systemd/sd-bus.h>

#define STOP_TIMEOUT_MS 30000

static bool is_slice(const struct cgroups_unit *u)
{
	size_t n = strlen(u->name);
	return n > 6 && !strcmp(u->name + n - 6, ".slice");
}

int cgroups_systemd_start(const struct cgroups_host *h, const struct cgroups_plan *plan,
			  const struct cgroups_props *props, pid_t pid, int timeout_ms,
			  struct cgroups_cgroup *cg, struct brig_error *err)
{
	sd_bus *bus = NULL;
	/* a slice takes no PIDs: the init joins its cgroup by cgroup.procs below */
	bool slice = is_slice(&cg->unit), queued = false;
	if (bus_open(cg->unit.manager, &bus, err) < 0)
		return -1;
	int r =
	    bus_start_unit(bus, cg->unit.name, props, slice ? 0 : pid, timeout_ms, &queued, err);
	if (r < 0 && queued) {
		/* ours, but failed or late: stop it, and clear a failed state */
		struct brig_error ignored;
		bus_stop_unit(bus, cg->unit.name, STOP_TIMEOUT_MS, &ignored);
	}
	bus_close(bus);
	if (r < 0)
		return -1;
	log_debug("systemd: unit %s started with pid %d", cg->unit.name, (int)pid);
	/* The unified directory is systemd's (created stays 0); the walk enables what the
	 * plan needs above it, as runc does. v1 hierarchies systemd leaves alone (freezer,
	 * cpuset, net_cls, ...) are brig's, and the init joins them. cgroups_create removes
	 * what it made, and stops the unit, when it fails. */
	if (cgroups_create(h, plan, cg, err) < 0)
		return err_wrap(err, "unit %s", cg->unit.name);
	if (cgroups_add_pid(cg, pid, !slice, err) < 0) {
		struct brig_error ignored;
		cgroups_remove(h, cg, &ignored);
		return err_wrap(err, "unit %s", cg->unit.name);
	}
	return 0;
}

int cgroups_systemd_set(const struct cgroups_cgroup *cg, const struct cgroups_props *props,
			struct brig_error *err)
{
	sd_bus *bus = NULL;
	if (!props->n)
		return 0;
	if (bus_open(cg->unit.manager, &bus, err) < 0)
		return -1;
	int r = bus_set_properties(bus, cg->unit.name, props, err);
	bus_close(bus);
	return r;
}

int systemd_stop(const struct cgroups_cgroup *cg, struct brig_error *err)
{
	sd_bus *bus = NULL;
	if (bus_open(cg->unit.manager, &bus, err) < 0)
		return err_wrap(err, "stop unit %s", cg->unit.name);
	int r = bus_stop_unit(bus, cg->unit.name, STOP_TIMEOUT_MS, err);
	bus_close(bus);
	if (r == 0)
		log_debug("systemd: unit %s stopped", cg->unit.name);
	return r;
}
