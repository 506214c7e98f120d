/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/init's own declarations: the pure parts of the child's steps,
 * shared by their files and unit-tested without root (tests/test_init.c). */
#pragma once

#include "runtime/init/init.h"

#include <sched.h>

/* "0-3,7" -> a cpu set; a malformed list is an error naming it. */
int init_parse_cpus(const char *list, cpu_set_t *set, struct brig_error *err);
/* The MS_* flags a bind mount takes as mount attributes after the bind:
 * those in flags are set, those in clear cleared; an atime mode replaces
 * the others. */
void init_mount_attrs(unsigned long flags, unsigned long clear, uint64_t *set, uint64_t *clr);
/* Mount data without its gid= option (devpts in a user namespace). */
char *init_drop_gid(const char *data);

/* An inclusive range of fds, [first, last]. */
struct init_fd_range {
	unsigned first, last;
};
/* The ranges to close so that only fds below first and those in keep
 * (sorted in place; -1 entries ignored) stay open. ret holds n + 1. */
size_t init_close_ranges(int *keep, size_t n, unsigned first, struct init_fd_range *ret);
