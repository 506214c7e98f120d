/* SPDX-License-Identifier: Apache-2.0 */
/* brig-init, the sealed init (brig-init.c says what it does and why): the
 * container process execs it from a sealed memfd, so no process of brig's
 * image ever runs inside a container (CVE-2019-5736). */
#pragma once

#include "base/base.h"

/* brig-init's fork mode reports the child's pid as {BRIG_INIT_PID_MAGIC, pid}. */
#define BRIG_INIT_PID_MAGIC 0x21444950 /* "PID!" */

/* A sealed memfd holding brig-init; -1 with err if memfds are unavailable. */
int brig_init_memfd(struct brig_error *err);
