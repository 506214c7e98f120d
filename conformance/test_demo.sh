#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# scripts/demo, the first command README gives a newcomer, on the test build
# (BRIG_DEMO_BUILD: it takes brig from that tree instead of building one): the
# binary is where the script looks for it, and the demo shows what it says.
. "$(dirname "$0")/lib.sh"
conf_init

# $BRIG is BUILD/runtime/cli/brig
build=$(cd "$(dirname "$BRIG")/../.." && pwd -P)
LAST_CMD="BRIG_DEMO_BUILD=$build scripts/demo"
OUT=$(BRIG_DEMO_BUILD=$build timeout 120 bash "$(dirname "$0")/../scripts/demo" 2>"$CONF_TMP/err")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_rc "[brig] scripts/demo runs brig from the build tree where the script looks for it" 0
check_match "[brig] ... the container's init is pid 1" '^pid: +1 ' "$OUT"
check_match "[brig] ... with the demo's hostname" '^hostname: +brig-demo$' "$OUT"
check_match "[brig] ... and a read-only root" '^root fs: +read-only' "$OUT"
check_match "[brig] ... it exits 0 and brig removes it" 'exited with status 0; brig removed it \(list: 0 containers\)' "$OUT"
conf_finish
