/* SPDX-License-Identifier: Apache-2.0 */
/* Private to spec/: what the `brig check` rule files share. */
#pragma once

#include "spec/internal.h"

enum check_rule {
	R_ROOT_USER,
	R_NO_USERNS,
	R_ALL_CAPS,
	R_DANGEROUS_CAP,
	R_NO_NEW_PRIVS,
	R_WRITABLE_ROOT,
	R_NO_SECCOMP,
	R_SECCOMP_UNCONFINED,
	R_SECCOMP_DANGEROUS,
	R_SECCOMP_DENIES_ALL,
	R_NO_MEMORY_LIMIT,
	R_NO_PIDS_LIMIT,
	R_NO_CPU_LIMIT,
	R_HOST_NETWORK,
	R_HOST_PID,
	R_HOST_IPC,
	R_HOST_UTS,
	R_HOST_MOUNT,
	R_HOST_CGROUP,
	R_SENSITIVE_MOUNT,
	R_DEVICES,
	R_MASKED_PATHS,
	R_READONLY_PATHS,
	R_PROC_SYS,
	R_WRITABLE_SYSFS,
	R_TMPFS_EXEC,
	R_SECRET_ENV,
	R_APPARMOR,
	R_SELINUX,
	R_COUNT,
};

struct check_ctx {
	const struct spec *s;
	const struct spec_check_host *host;
	struct spec_finding *v;
	size_t n, cap;
};

void check_add(struct check_ctx *c, enum check_rule r, enum spec_severity sev, const char *path,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* check.c: the host uid that container uid 0 is; 0 without a user namespace, -1 when no
 * mapping says (a joined one), INT64_MAX when 0 is not mapped. */
int64_t check_host_root(const struct spec_linux *l);

/* check_linux.c */
void check_namespaces(struct check_ctx *c);
void check_resources(struct check_ctx *c);
void check_mounts(struct check_ctx *c);
void check_devices(struct check_ctx *c);
void check_paths(struct check_ctx *c);
