#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance.systemd: brig's systemd cgroup driver on hosts whose PID 1 is
# systemd, which CI machines are not. Boots the VM of vm-run.sh with
# systemd as PID 1 (--systemd: the system bus from Debian's dbus, the
# clients' own units masked) and runs systemd/run.sh inside, once, with the
# parts of systemd/ in order:
#   driver    brig's own checks of the driver (systemd/driver.sh, TAP)
#   clients   dockerd+containerd and podman with their default cgroup
#             settings (both pick the systemd driver by themselves), and
#             containerd alone with SystemdCgroup=true and Kubernetes'
#             cgroupsPath form through ctr: the scenarios of ../clients
#             for brig and runc, and crun's column for docker and ctr
#             (systemd/clients.sh)
#   cri       containerd's CRI plugin with SystemdCgroup = true and kubelet's
#             slice cgroup parents: the scenarios of ../cri for brig and runc
#             (systemd/cri.sh)
#   rootless  a test user's manager (user@UID.service, its cgroup delegated)
#             and, as that user, brig with the cgroupfs driver in a
#             delegated cgroup, brig --systemd-cgroup through the user's
#             manager, and rootless podman with its default cgroup manager
#             (systemd) for brig and runc: limits in the libpod scope,
#             stats, update, exec, stop (systemd/rootless.sh)
# then, unless SYSTEMD_HYBRID=0, a second, shorter boot with systemd's
# hybrid layout (v1 controllers, cgroup2 at /sys/fs/cgroup/unified) running
# the driver part there. Passes when every part passes; a client scenario
# passes when brig passes it wherever runc does (crun's column is beside).
# Exit status 0 passed, 1 failed, 77 skipped (not root, or no VM can start
# here: the reason is printed).
#
# Usage (as root; ctest sets BRIG and PROBE):
#   BRIG=build/runtime/cli/brig PROBE=build/conformance/brig-probe bash conformance/vm/systemd.sh
# env: SYSTEMD_PARTS (default "driver clients cri rootless"), SYSTEMD_HYBRID
#      (1; 0: no hybrid boot), BRIG_VM_TIMEOUT (the v2 boot's bound, 1800 s),
#      BRIG_VM_MEM (3072 MB), and what ../clients takes (SCN_ONLY, RUNC,
#      CRUN, CLIENTS_LOG, SCN_TIMEOUT); SYSTEMD_PART_TIMEOUT bounds each part
#      (default: its own, in systemd/run.sh; a part past it fails alone,
#      with the guest's processes and kernel stacks printed).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
clients=$(cd "$here/../clients" && pwd -P)

VM_SKIP_FORMAT='SKIP: %s\n'
. "$here/launch.sh"
[ "$(id -u)" = 0 ] || vm_skip "needs root"
vm_need_binary BRIG
vm_need_binary PROBE
command -v /lib/systemd/systemd >/dev/null || vm_skip "no /lib/systemd/systemd (Debian package systemd)"

parts=${SYSTEMD_PARTS:-driver clients cri rootless}
# The guest has no network: what the parts run is installed here first (the
# guest sees the host's root). dbus gives the guest its system bus.
for prep in "clients:$clients/test_clients.sh" "cri:$here/../cri/test_cri.sh"; do
	case " $parts " in *" ${prep%%:*} "*) ;; *) continue ;; esac
	bash "${prep#*:}" --prepare
	case $? in
	0) ;;
	77) exit 77 ;;
	*) exit 1 ;;
	esac
done
# rootless: podman, the id helpers, and the user's bus (dbus-user-session)
case " $parts " in
*" rootless "*)
	pkgs=()
	command -v podman >/dev/null || pkgs+=(podman)
	command -v conmon >/dev/null || pkgs+=(conmon)
	command -v runc >/dev/null || pkgs+=(runc)
	command -v newuidmap >/dev/null || pkgs+=(uidmap)
	[ -f /usr/lib/systemd/user/dbus.socket ] || [ -f /lib/systemd/user/dbus.socket ] ||
		pkgs+=(dbus-user-session)
	if [ ${#pkgs[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" \
			>/dev/null 2>&1 || echo "# cannot install ${pkgs[*]}: the rootless part skips what needs them"
	fi
	;;
esac
if ! command -v dbus-daemon >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dbus >/dev/null 2>&1 ||
		vm_skip "cannot install dbus (Debian package dbus)"
fi
vm_prepare

# The host's base rootfs (CONF_CACHE, as the other conformance tests use it),
# when there is one, seeds the guest's: building it costs 400 processes.
seed=
[ -x "${CONF_CACHE:-/nonexistent}/rootfs-base/bin/busybox" ] && seed=$(readlink -f "$CONF_CACHE")
vm_share_args "$(dirname "$here")" "$(dirname "$BRIG")" "$(dirname "$PROBE")" $seed
envs=(--env BRIG="$BRIG" --env PROBE="$PROBE" --env CONF_CACHE=/tmp/brig-conf-cache
	--env BRIG_SEED_CACHE="$seed" --env ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}")
for v in UBSAN_OPTIONS SCN_ONLY CRI_ONLY RUNC CRUN CRUN_CLIENTS CLIENTS_LOG CLIENTS_LOG_REFS SCN_TIMEOUT SCN_TIMES STOP_MAX SYSTEMD_PART_TIMEOUT; do
	[ -n "${!v+set}" ] && envs+=(--env "$v=${!v}")
done

# vm_boot exits: each boot runs in a subshell
(vm_boot "${BRIG_VM_TIMEOUT:-1800}" --systemd --cpus 2 --mem "${BRIG_VM_MEM:-3072}" "${envs[@]}" \
	--env SYSTEMD_PARTS="$parts" -- bash "$here/systemd/run.sh")
rcs=($?)
if [ "${SYSTEMD_HYBRID:-1}" != 0 ] && [ -z "${parts##*driver*}" ]; then
	echo "# ---- the hybrid layout (v1 controllers, cgroup2 at /sys/fs/cgroup/unified): the driver part"
	(vm_boot 600 --systemd --cgroup hybrid --cpus 2 --mem 1024 "${envs[@]}" \
		--env SYSTEMD_PARTS=driver -- bash "$here/systemd/run.sh")
	rcs+=($?)
fi
# 1 if a boot failed, 77 if both skipped
for r in "${rcs[@]}"; do [ "$r" = 0 ] || [ "$r" = 77 ] || exit 1; done
for r in "${rcs[@]}"; do [ "$r" = 0 ] && exit 0; done
exit 77
