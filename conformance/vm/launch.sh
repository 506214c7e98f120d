# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Sourced by the host side of the VM tests (cgroups_v2.sh, clients_v2.sh):
# the checks before a boot, the shares, the boot itself and its exit status.
# Set VM_SKIP_FORMAT before sourcing to print skips another way than TAP's.

VM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

vm_skip() { # REASON: the test cannot run here (exit 77)
	# shellcheck disable=SC2059
	printf "${VM_SKIP_FORMAT:-1..0 # SKIP %s\n}" "$*"
	exit 77
}

# vm_need_binary VAR: VAR names an executable (ctest sets it); made absolute.
vm_need_binary() {
	if [ -z "${!1:-}" ] || [ ! -x "${!1}" ]; then
		echo "$1 must name the ${1,,} binary (ctest sets it)" >&2
		exit 1
	fi
	printf -v "$1" '%s' "$(readlink -f "${!1}")"
}

# vm_prepare: installs what vm-run.sh needs and unpacks the kernel; no qemu,
# no static busybox, no kernel package to be had is a skip.
vm_prepare() {
	local reason rc
	reason=$(bash "$VM_HERE/vm-run.sh" --prepare 2>&1)
	rc=$?
	case $rc in
	0) ;;
	77) vm_skip "$(printf '%s\n' "$reason" | tail -n1 | sed 's/^vm-run.sh: //')" ;;
	*)
		printf '%s\n' "$reason" >&2
		exit 1
		;;
	esac
}

# vm_share_args DIR...: VM_ARGS gets a --share-ro for each DIR not below
# another (the guest sees the host's root, but not its /tmp or /run).
vm_share_args() {
	local d s shared=()
	for d in $(printf '%s\n' "$@" | sort -u); do
		for s in "${shared[@]}"; do
			case $d/ in "$s"/*) continue 2 ;; esac
		done
		shared+=("$d")
	done
	VM_ARGS=()
	for s in "${shared[@]}"; do VM_ARGS+=(--share-ro "$s"); done
}

# vm_boot TIMEOUT VM-RUN-ARGS... -- COMMAND...: boots, runs COMMAND and exits
# with its status when it is a test's (0, 1, 77); a timeout or a failed boot
# (exit 125: not the environment's) is a failure.
vm_boot() {
	local timeout=$1 rc
	shift
	BRIG_VM_TIMING=1 bash "$VM_HERE/vm-run.sh" "${VM_ARGS[@]}" --timeout "$timeout" "$@"
	rc=$?
	case $rc in
	0 | 1 | 77) exit "$rc" ;;
	124) echo "# the VM ran out of time (BRIG_VM_TIMEOUT=$timeout)" ;;
	*) echo "# the VM or the test failed (status $rc)" ;;
	esac
	exit 1
}
