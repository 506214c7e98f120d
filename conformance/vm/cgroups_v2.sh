#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance.cgroups_v2: boots the pure cgroup v2 VM (vm-run.sh) once and runs
# test_cgroups_v2.sh, then test_checkpoint.sh (criu works on the VM's kernel)
# in it with the brig and brig-probe under test. Their TAP output is the
# test's; the exit status 1 if either failed, 77 if both skipped (not root,
# or the VM cannot be started here, with the reason), else 0.
#
# Usage (as root; ctest sets BRIG and PROBE):
#   BRIG=build/runtime/cli/brig PROBE=build/conformance/brig-probe bash conformance/vm/cgroups_v2.sh
# BRIG_VM_TIMEOUT (default 1080, under ctest's 1200) bounds the VM's run, in seconds.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)

. "$here/launch.sh"
[ "$(id -u)" = 0 ] || vm_skip "needs root"
vm_need_binary BRIG
vm_need_binary PROBE

# The host's base rootfs (CONF_CACHE, as the other conformance tests use it),
# when there is one, seeds the guest's: building it costs 400 processes.
seed=
[ -x "${CONF_CACHE:-/nonexistent}/rootfs-base/bin/busybox" ] && seed=$(readlink -f "$CONF_CACHE")

vm_share_args "$(dirname "$here")" "$(dirname "$BRIG")" "$(dirname "$PROBE")" $seed
vm_prepare
vm_boot "${BRIG_VM_TIMEOUT:-1080}" --cpus 2 --mem 1024 \
	--env BRIG="$BRIG" --env PROBE="$PROBE" --env CONF_CACHE=/tmp/brig-conf-cache --env BRIG_SEED_CACHE="$seed" \
	--env ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" --env UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	-- bash -c 'bash "$1/test_cgroups_v2.sh"; a=$?; bash "$1/test_checkpoint.sh"; b=$?
		case $a$b in 00 | 077 | 770) exit 0 ;; 7777) exit 77 ;; *) exit 1 ;; esac' _ "$here"
