/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/: what the module's files share. Not part of the public API. */
#pragma once

#include "cgroups/cgroups.h"

/* ---- small helpers (util.c) ---- */

/* Appends s (taken) to a NULL-terminated list that may be NULL. */
void strv_push(char ***v, char *s);
bool strv_has(char *const *v, const char *s);
/* Whether `name` is one of the comma-separated names in `list`. */
bool list_has(const char *list, const char *name);
/* Reads a one-number file; "max" reads as UINT64_MAX. */
int read_u64_at(int dirfd, const char *file, uint64_t *ret, struct brig_error *err);
/* Reads the value of "key N" in a flat-keyed file (memory.events, cpu.stat, ...).
 * Returns 1 when found, 0 when not. */
int read_key_at(int dirfd, const char *file, const char *key, uint64_t *ret,
		struct brig_error *err);
/* Opens dirfd/name as a directory. */
int open_dir_at(int dirfd, const char *name);
/* The fd of the v1 hierarchy of cg that holds `controller`, -1 when none. */
int v1_fd(const struct cgroups_cgroup *cg, const char *controller);
/* The v1 hierarchy of h named exactly `controllers` (in any order). */
const struct cgroups_v1_hierarchy *host_hierarchy(const struct cgroups_host *h,
						  const char *controllers);
/* Writes one short value (a line, "\n" appended) to an existing file. */
int write_line_at(int dirfd, const char *file, const char *value, struct brig_error *err);

/* ---- planning (plan.c, plan_io.c, plan_v1.c) ---- */

struct plan_ctx {
	const struct cgroups_host *h;
	bool update;
	struct cgroups_plan *p;
	struct brig_error *err;
};

/* Appends a write; v1 NULL is the unified hierarchy. */
void plan_add(struct plan_ctx *c, const char *v1, const char *field, unsigned flags,
	      const char *file, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Gives the last write an alternative file used when its own does not exist. */
void plan_alt(struct plan_ctx *c, const char *alt_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void plan_warn(struct plan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where a controller lives: *ret_v1 = NULL for the unified hierarchy (the controller is
 * then recorded as needed), the v1 name when bound to v1; an error naming field when no
 * mounted hierarchy has it. v2 or v1 may be NULL: no such controller there. */
int plan_locate(struct plan_ctx *c, const char *v2, const char *v1, const char *field,
		const char **ret_v1);
bool plan_on_v1(const struct plan_ctx *c, const char *controller);

/* What a config asks of the memory controller, after the "unset" rules. */
struct mem_want {
	bool limit, reservation, swap, kernel, kernel_tcp, swappiness, oom_disable, hierarchy;
	int64_t limit_v, reservation_v, swap_v, kernel_v, kernel_tcp_v;
	uint64_t swappiness_v;
	bool hierarchy_v;
	bool check; /* checkBeforeUpdate */
};

struct cpu_want {
	bool shares, quota, period, burst, rt_runtime, rt_period, idle;
	uint64_t shares_v, period_v, burst_v, rt_period_v;
	int64_t quota_v, rt_runtime_v, idle_v;
};

int plan_blkio(struct plan_ctx *c, const struct spec_blkio *b);
int plan_hugetlb(struct plan_ctx *c, const struct spec_resources *r);
int plan_rdma(struct plan_ctx *c, const struct spec_resources *r);
int plan_network(struct plan_ctx *c, const struct spec_resources *r);
int plan_unified(struct plan_ctx *c, const struct spec_resources *r);
int plan_devices(struct plan_ctx *c, const struct spec_resources *r);

/* The v1 translation of the same decisions. */
void plan_memory_v1(struct plan_ctx *c, const struct mem_want *w);
void plan_cpu_v1(struct plan_ctx *c, const struct cpu_want *w);
void plan_blkio_v1(struct plan_ctx *c, const struct spec_blkio *b);
/* devices.allow/devices.deny writes that give a v1 devices cgroup the rules' outcome. */
void plan_devices_v1(struct plan_ctx *c, const struct spec_device_rule *rules, size_t n);

/* ---- the systemd driver (systemd_props.c, systemd_annotations.c, systemd_bus.c) ---- */

void props_add(struct cgroups_props *p, const char *name, const char *type, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "0-3,7" -> the bytes of systemd's CPU mask (cpu 0 in the low bit of the first), in hex. */
int cpu_mask_hex(const char *list, char **ret);
/* The org.systemd.property.NAME annotations, parsed and type-checked, appended to p. */
int systemd_annotations(struct cgroups_props *p, const struct spec_kv *annotations, size_t n,
			struct brig_error *err);

/* A connection to a systemd manager (systemd_bus.c). */
struct sd_bus;
/* dlopens libsystemd on first use (systemd_lib.c): bus_open calls it first. */
int cgroups_sdlib_load(struct brig_error *err);
int bus_open(enum cgroups_manager m, struct sd_bus **ret, struct brig_error *err);
/* StartTransientUnit with props and PIDs=[pid] (pid 0: none), waiting for the job;
 * *ret_queued once systemd took the job (a failure after that leaves a unit of ours). */
int bus_start_unit(struct sd_bus *bus, const char *unit, const struct cgroups_props *props,
		   pid_t pid, int timeout_ms, bool *ret_queued, struct brig_error *err);
/* StopUnit (waiting for the job), then ResetFailedUnit; a unit already gone is no error. */
int bus_stop_unit(struct sd_bus *bus, const char *unit, int timeout_ms, struct brig_error *err);
int bus_set_properties(struct sd_bus *bus, const char *unit, const struct cgroups_props *props,
		       struct brig_error *err);
void bus_close(struct sd_bus *bus);
/* cgroups_remove's part for a unit: StopUnit and ResetFailedUnit (systemd.c). */
int systemd_stop(const struct cgroups_cgroup *cg, struct brig_error *err);

/* ---- bpf(2) (bpf.c) ---- */

/* Loads a cgroup device program; returns its fd. */
int bpf_device_load(const struct bpf_insn *insns, size_t n, struct brig_error *err);
