# SPDX-License-Identifier: Apache-2.0
# Shared by scripts/demo and scripts/test: install what is missing from
# Debian's archive, build brig.

# The packages brig builds and tests with. Runtime libraries come with the -dev ones.
BRIG_BUILD_PKGS="build-essential cmake pkg-config libjansson-dev libseccomp-dev libcap-dev libmnl-dev libsystemd-dev libprotobuf-c-dev protobuf-c-compiler"
BRIG_TEST_PKGS="check busybox-static jq python3 iproute2 clang-format qemu-system-x86 xz-utils"
# man(1) renders the generated man pages and zsh parses the completion (tests/cli_docs.sh).
BRIG_TEST_PKGS="$BRIG_TEST_PKGS man-db zsh"
# clang and its runtime libraries (libFuzzer, ASan, UBSan) build tests/fuzz.
BRIG_TEST_PKGS="$BRIG_TEST_PKGS clang libclang-rt-dev"
# The real clients conformance/clients runs brig under (runc comes with docker.io),
# and crun, compared with in the pure cgroup v2 VM (conformance/vm/clients_v2.sh);
# systemd and dbus boot the VM whose PID 1 is systemd (conformance/vm/systemd.sh).
BRIG_TEST_PKGS="$BRIG_TEST_PKGS docker.io containerd podman conmon crun systemd dbus"
# brig behind containerd's CRI plugin (conformance/cri): the CNI plugins, a
# local registry, and the CRI client's gRPC and protobuf (Debian's python3).
BRIG_TEST_PKGS="$BRIG_TEST_PKGS containernetworking-plugins docker-registry python3-grpcio python3-protobuf protobuf-compiler"
# The rootless tests (conformance/test_rootless*.sh): newuidmap/newgidmap for a
# test user's ranges, slirp4netns for rootless podman's and Docker's network,
# rootlesskit for dockerd-rootless.sh, setfacl to let that user open
# /dev/net/tun where no udev rule did.
BRIG_TEST_PKGS="$BRIG_TEST_PKGS uidmap slirp4netns rootlesskit acl"
# criu for checkpoint and restore (conformance/vm/test_checkpoint.sh, in the
# cgroup v2 VM: criu 3.17 does not work on newer host kernels).
BRIG_TEST_PKGS="$BRIG_TEST_PKGS criu"

die() {
	echo "$0: $*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" = 0 ] || die "run me as root (brig creates namespaces and mounts; apt-get installs packages)"
}

# apt_install PKG...: installs the packages not installed yet, quietly.
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "== installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# build DIR CMAKE_ARGS...: configures and builds into DIR; the output is
# shown only when something fails.
build() {
	local dir=$1
	shift
	mkdir -p "$dir"
	cmake -S "$BRIG_TOP" -B "$dir" "$@" >"$dir/configure.log" 2>&1 ||
		{ cat "$dir/configure.log"; die "cmake configure failed"; }
	cmake --build "$dir" -j"$(nproc)" >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log"; die "build failed"; }
}

BRIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
