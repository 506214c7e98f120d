#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Kubernetes' default on a host whose PID 1 is systemd (run.sh runs it in the
# systemd VM): containerd's CRI plugin with SystemdCgroup = true for both
# runtimes, and the pods' cgroup parents named as kubelet's systemd driver
# names them (TOKEN-kubepods-burstable-pod<uid>.slice). The scenarios are
# ../../cri's, with the handler brig then runc (CRI_CGROUP_DRIVER=systemd);
# passes when brig passes every scenario runc passes. Then no container's
# scope and none of the run's slices may be left.
#
# Under emulation a scenario costs 2 to 20 s per runtime: by default the
# scenarios whose outcome depends on the cgroup driver run here (the pod's
# slice and its containers' scopes, the limits kubelet sends read from the
# scope's files, an OOM kill, UpdateContainerResources, stats, stopping a
# shared-pid pod through the scope, teardown); the security context, exec and
# namespace scenarios do not touch cgroups and run on the host
# (conformance.cri). CRI_ONLY=. runs all of them here. How soon the child of
# a stopped init must be gone (the shim's kill --all) is 1.8 s here instead
# of 1 s: under emulation a brig process alone takes 0.3 s, and without the
# kill --all the child lives until the shim's 2 s wait for its output ends.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
cri=$(cd "$here/../../cri" && pwd -P)
[ -d /.vm-run ] || {
	echo "SKIP: runs inside the systemd VM only (ctest -R conformance.systemd boots it)"
	exit 77
}
only='^(version-status|pull-image|pod-shares-net-ipc-uts|stop-shared-pid-kills-children|limits-from-kubelet'
only+='|oom-killed|update-container-resources|exec-sync|container-stats|stop-remove-leaves-nothing)$'
CRI_KILL_ALL_WITHIN=${CRI_KILL_ALL_WITHIN:-1.8} CRI_ONLY=${CRI_ONLY:-$only} CRI_CGROUP_DRIVER=systemd TMPDIR=${SYSTEMD_STATE:-/tmp} bash "$cri/test_cri.sh"
rc=$?
left=$(systemctl list-units --all --plain --no-legend 'cri-containerd-*.scope' 'brig_cri_*.slice' 2>/dev/null)
if [ -n "$left" ]; then
	echo "FAIL units left after the run:"
	printf '%s\n' "$left" | sed 's/^/  /'
	[ $rc = 0 ] && rc=1
fi
exit $rc
