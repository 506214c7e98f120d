#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance.cgroups_v2: boots the pure cgroup v2 VM (vm-run.sh) once and runs
# test_cgroups_v2.sh in it with the brig and brig-probe under test. Its TAP
# output is the test's; the exit status too (0 passed, 1 failed, 77 skipped:
# not root, or the VM cannot be started here, with the reason).
#
# Usage (as root; ctest sets BRIG and PROBE):
#   BRIG=build/runtime/brig PROBE=build/conformance/brig-probe bash conformance/vm/cgroups_v2.sh
# BRIG_VM_TIMEOUT (default 600) bounds the VM's run, in seconds.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)

skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip_all "needs root"
for v in BRIG PROBE; do
	if [ -z "${!v:-}" ] || [ ! -x "${!v}" ]; then
		echo "$v must name the ${v,,} binary (ctest sets it)" >&2
		exit 1
	fi
done
BRIG=$(readlink -f "$BRIG")
PROBE=$(readlink -f "$PROBE")

# The host's base rootfs (CONF_CACHE, as the other conformance tests use it),
# when there is one, seeds the guest's: building it costs 400 processes.
seed=
[ -x "${CONF_CACHE:-/nonexistent}/rootfs-base/bin/busybox" ] && seed=$(readlink -f "$CONF_CACHE")

# The guest sees the host's root, but not its /tmp or /run: share (read-only)
# the dirs the test needs, each once, parents first.
shared=()
for d in $(printf '%s\n' "$(dirname "$here")" "$(dirname "$BRIG")" "$(dirname "$PROBE")" $seed | sort -u); do
	for s in "${shared[@]}"; do
		case $d/ in "$s"/*) continue 2 ;; esac
	done
	shared+=("$d")
done
args=()
for s in "${shared[@]}"; do args+=(--share-ro "$s"); done

# No qemu, no static busybox, no kernel package to be had: a skip.
reason=$(bash "$here/vm-run.sh" --prepare 2>&1)
case $? in
0) ;;
77) skip_all "$(printf '%s\n' "$reason" | tail -n1 | sed 's/^vm-run.sh: //')" ;;
*)
	printf '%s\n' "$reason" >&2
	exit 1
	;;
esac
# Boot errors that are not the environment's (exit 125) are failures.
BRIG_VM_TIMING=1 bash "$here/vm-run.sh" "${args[@]}" --cpus 2 --mem 1024 --timeout "${BRIG_VM_TIMEOUT:-600}" \
	--env BRIG="$BRIG" --env PROBE="$PROBE" --env CONF_CACHE=/tmp/brig-conf-cache --env BRIG_SEED_CACHE="$seed" \
	--env ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" --env UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	-- bash "$here/test_cgroups_v2.sh"
rc=$?
case $rc in
0 | 1 | 77) exit "$rc" ;;
124) echo "# the VM ran out of time (BRIG_VM_TIMEOUT=${BRIG_VM_TIMEOUT:-600})" ;;
*) echo "# the VM or the test failed (status $rc)" ;;
esac
exit 1
