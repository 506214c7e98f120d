#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The real clients with their default cgroup settings on a host whose PID 1
# is systemd (run.sh runs it in the systemd VM): dockerd+containerd (docker
# info must say "systemd": dockerd picks it by itself on cgroup v2) and
# podman (cgroup_manager "systemd", its default), through
# ../../clients/test_clients.sh with CLIENTS_CGROUP=systemd, which passes no
# cgroup parent or manager to either; and containerd alone the way
# Kubernetes uses it (SystemdCgroup = true, ctr's --runc-systemd-cgroup, a
# cgroupsPath "kubepods-burstable-POD.slice:cri-containerd:ID"). Each
# scenario runs with brig, runc and crun; passes when brig passes every
# scenario runc passes, crun's column printed beside. Then no container's
# scope may be left.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
clients=$(cd "$here/../../clients" && pwd -P)
[ -d /.vm-run ] || {
	echo "SKIP: runs inside the systemd VM only (ctest -R conformance.systemd boots it)"
	exit 77
}

# What the issue asks of each client, and the systemd checks (cgroup-driver,
# cgroup-manager, *-scope, *-unit-removed): run, limits read from the scope's
# files and from inside, an OOM kill docker reports, a fork refused by
# pids.max, update, stats, pause, exec, logs, stop. Under
# emulation every client command costs seconds: the other scenarios are
# conformance.clients' (on the host), as are the checks of the runtime's
# calls (calls.*): the runtimes run without the logging wrapper here
# (CLIENTS_LOG=0), whose dozen processes per call would double the time. How
# long a stop takes is not checked (STOP_MAX=60): under emulation the clients'
# own work can exceed the 10 s stop timeout, and exit 0 with the trap's
# output already shows SIGTERM did it (SIGKILL would be 137). crun's column
# is docker's and ctr's (CRUN_CLIENTS): its podman pass would cost two
# minutes of the budget for a column that is for information.
D='cgroup-driver|run-d|systemd-scope|exec|logs|stats|pause-unpause|systemd-unit-removed|limits|memory-oom-killed|pids-limit-fork-fails|update'
PM='cgroup-manager|run-d|systemd-scope|exec|stats|pause-unpause|update|stop-sigterm|hardened-flags|systemd-unit-removed'
SCN="^(docker\.($D)|podman\.($PM)|ctr\.k8s-.*)$"

export CLIENTS_CGROUP=systemd
[ -n "${CRUN+set}" ] || CRUN=$(command -v crun 2>/dev/null || echo none)
TMPDIR=${SYSTEMD_STATE:-/tmp} SCN_ONLY=${SCN_ONLY:-$SCN} CRUN=$CRUN \
	CLIENTS_LOG=${CLIENTS_LOG:-0} STOP_MAX=${STOP_MAX:-60} CRUN_CLIENTS=${CRUN_CLIENTS:-docker ctr} \
	bash "$clients/test_clients.sh"
rc=$?
left=$(systemctl list-units --all --plain --no-legend 'docker-*.scope' 'libpod-*.scope' \
	'cri-containerd-*.scope' 2>/dev/null)
if [ -n "$left" ]; then
	echo "FAIL container scopes left after the run:"
	printf '%s\n' "$left" | sed 's/^/  /'
	[ $rc = 0 ] && rc=1
fi
exit $rc
