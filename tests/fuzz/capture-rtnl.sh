#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# capture-rtnl.sh BUILD_DIR: refreshes corpus/rtnl/ with the kernel's answers to brig's
# requests (tests/fuzz/rtnl_capture.c) in a new network namespace holding a bridge, veth
# pairs (one with a point-to-point address) and IPv4/IPv6 addresses. Run as root; nothing outlives the namespace.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
cmake --build "$build" --target fuzz_rtnl_capture >/dev/null
capture=$(find "$build" -name fuzz_rtnl_capture -type f -perm -u+x | head -n1)
mkdir -p "$here/corpus/rtnl"
unshare -n bash -euc '
	ip link set lo up
	ip link add brfuzz0 type bridge
	ip link add vfuzz0 type veth peer name vfuzz1
	ip link set vfuzz0 master brfuzz0
	ip link add dfuzz0 mtu 9000 type veth peer name dfuzz1
	ip addr add 10.88.0.1/24 dev brfuzz0
	ip addr add 10.99.0.1 peer 10.99.0.2/32 dev dfuzz0
	ip addr add fd00:88::1/64 dev brfuzz0
	ip link set brfuzz0 up
	ip link set vfuzz0 up
	ip link set dfuzz0 up
	ASAN_OPTIONS=detect_leaks=0 "$1" "$2"
' capture "$capture" "$here/corpus/rtnl"
ls -l "$here/corpus/rtnl"
