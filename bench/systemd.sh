#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# systemd.sh [-n N] [-o OUT] [BRIG]: the systemd cgroup driver's cost. Boots the VM of
# conformance/vm/vm-run.sh with systemd as PID 1 (pure cgroup v2, the system bus from
# dbus) and runs lifecycle.sh -S there: brig, runc and crun with --systemd-cgroup (each
# container a transient scope in system.slice, made over D-Bus), and brig again with its
# cgroupfs driver (brig-cgfs) for the driver's own share; interleaved, medians, ratios
# against brig. The VM emulates its CPU (TCG) where the host has no KVM: absolute times
# are slow there, the ratios are what counts.
#
#   BRIG   a brig binary (default /tmp/bench-build/runtime/cli/brig, a Release build;
#          built if missing)
#   -n N   iterations (default 30)
#   -o DIR the report and samples (default /tmp/bench-systemd.PID; kept)
# Needs root, qemu-system-x86, busybox-static, runc, crun, dbus (apt-get installs
# what is missing).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd -P)
REPO=$(dirname "$HERE")
N=30 OUT=
while getopts "n:o:h" o; do
	case $o in
	n) N=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
BRIG=${1:-/tmp/bench-build/runtime/cli/brig}
if [ ! -x "$BRIG" ] && [ $# = 0 ]; then
	echo "# building brig into /tmp/bench-build" >&2
	cmake -S "$REPO" -B /tmp/bench-build -DCMAKE_BUILD_TYPE=Release >&2
	cmake --build /tmp/bench-build --target brig >&2
fi
BRIG=$(readlink -f "$BRIG")
for p in runc:runc crun:crun dbus-daemon:dbus jq:jq; do
	command -v "${p%%:*}" >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${p#*:}" >/dev/null
done
OUT=${OUT:-/tmp/bench-systemd.$$}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
# the guest's /tmp is its own: bundles and samples there, the report copied to OUT
flock /tmp/brig-vm.lock bash "$REPO/conformance/vm/vm-run.sh" --systemd --cpus 2 --mem 2048 \
	--timeout 3600 --share-ro "$REPO" --share-ro "$(dirname "$BRIG")" --share "$OUT" \
	-- bash -c 'bash "$1/bench/lifecycle.sh" -S -n "$2" -o /tmp/bench-out \
		brig="$3" runc="$(command -v runc)" crun="$(command -v crun)" brig-cgfs="$3@cgroupfs";
		rc=$?; cp -r /tmp/bench-out/. "$4/"; exit $rc' _ "$REPO" "$N" "$BRIG" "$OUT"
echo "# report and samples in $OUT"
