#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance.clients_v2: the real clients' limit scenarios on a pure cgroup
# v2 host. Boots the VM of vm-run.sh once, starts containerd and dockerd
# inside it (podman too, which has no daemon) and runs
# ../clients/test_clients.sh there with the scenarios that exercise the
# cgroup v2 writer: docker run with --memory/--cpus/--pids-limit (the
# host's cgroup files and the container's own /sys/fs/cgroup), an OOM kill
# docker reports, a fork refused by pids.max, docker update (with its
# "kernel":0), docker stats, the same limits through ctr and `ctr task
# metrics`, podman update and stats and the hardened podman run; each with
# brig, then with runc as on the host; with CRUN=/usr/bin/crun (crun works on
# pure v2; scripts/test installs it) a third pass, for information, left out
# by default: it costs 140 s under emulation, and crun's column in CI is the
# systemd VM's (vm/systemd/clients.sh). Passes when brig passes every
# scenario that runc passes. Exit status 0 passed, 1 failed, 77 skipped (not
# root, the clients cannot be installed, or no VM can be started here: the
# reason is printed).
#
# Usage (as root; ctest sets BRIG):
#   BRIG=build/runtime/cli/brig bash conformance/vm/clients_v2.sh
# env: BRIG_VM_TIMEOUT (default 1200 s, the VM's whole run), BRIG_VM_MEM
#      (default 3072 MB: two daemons, podman and the containers), SCN_ONLY
#      (the scenarios, an ERE; default below), RUNC, CRUN (default none:
#      no comparison with crun).
#
# Inside the guest (/.vm-run) the script runs itself with --inside. What the
# daemons need there that vm-run's guest does not give by itself:
#  - a fresh tmpfs for their state: overlay2 cannot use the guest's root
#    (itself an overlay over 9p) as its upper layer;
#  - a leaf cgroup for this script and so for the daemons: dockerd 20.10
#    decides "swap limit support" by looking for memory.swap.max in its own
#    cgroup, which the root cgroup has not, and then drops --memory-swap;
#  - /dev/fd and /dev/std* links (the guest's devtmpfs has none).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
clients=$(cd "$here/../clients" && pwd -P)

# The scenarios that depend on the cgroup writer (and the ones they need
# first, which scenarios.sh runs by itself), and the checks of the calls.
LIMITS='^(docker\.(limits|memory-oom-killed|pids-limit-fork-fails|update|stats|checkpoint-restore)|ctr\.(limits|task-metrics)|podman\.(update|stats|hardened-flags|checkpoint-restore)|calls\..*)$'

if [ "${1:-}" = --inside ]; then
	[ -d /.vm-run ] || {
		echo "clients_v2.sh --inside runs in the VM only" >&2
		exit 1
	}
	# (short: podman refuses a runroot of over 50 characters)
	state=/brig-v2
	mkdir -p "$state"
	mount -t tmpfs -o mode=0711,size=75% tmpfs "$state" || exit 1
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	for i in 0:stdin 1:stdout 2:stderr; do
		[ -e "/dev/${i#*:}" ] || ln -s "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"
	done
	mkdir -p /sys/fs/cgroup/brig-clients-daemons &&
		echo $$ >/sys/fs/cgroup/brig-clients-daemons/cgroup.procs || exit 1
	echo "# guest: kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MB," \
		"$(stat -f -c %T /sys/fs/cgroup) at /sys/fs/cgroup: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
	# The VM is gone afterwards: nothing to keep, but the test still stops
	# its daemons and removes its cgroups (its trap), which the check of
	# leftovers below looks at.
	# crun runs on a pure v2 host: CRUN=PATH makes its results a third column.
	TMPDIR=$state SCN_ONLY=${SCN_ONLY:-$LIMITS} CRUN=${CRUN:-none} bash "$clients/test_clients.sh"
	rc=$?
	left=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d -name 'brig-cl-*')
	if [ -n "$left" ]; then
		echo "FAIL cgroups left after the run: $left"
		[ $rc = 0 ] && rc=1
	fi
	exit $rc
fi

VM_SKIP_FORMAT='SKIP: %s\n'
. "$here/launch.sh"
[ "$(id -u)" = 0 ] || vm_skip "needs root"
vm_need_binary BRIG

# The guest has no network: install the clients here first (the guest sees
# the host's root).
bash "$clients/test_clients.sh" --prepare
case $? in
0) ;;
77) exit 77 ;;
*) exit 1 ;;
esac
vm_prepare
vm_share_args "$(dirname "$here")" "$(dirname "$BRIG")"
envs=(--env BRIG="$BRIG" --env ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}")
for v in UBSAN_OPTIONS SCN_ONLY RUNC CRUN CLIENTS CLIENTS_LOG SCN_TIMEOUT; do
	[ -n "${!v+set}" ] && envs+=(--env "$v=${!v}")
done
vm_boot "${BRIG_VM_TIMEOUT:-1200}" --cpus 2 --mem "${BRIG_VM_MEM:-3072}" "${envs[@]}" \
	-- bash "$here/clients_v2.sh" --inside
