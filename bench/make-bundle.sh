#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-bundle.sh [DIR]
#
# Builds the OCI bundles the benchmarks run, under DIR (default /tmp/bench-bundles):
#   DIR/default  runc-spec-like config: pid, network, ipc, uts, mount and cgroup
#                namespaces; proc, /dev tmpfs, devpts, shm, mqueue and read-only sysfs
#                mounts; masked and read-only paths; runc's default capabilities;
#                read-only root; process /bin/true, no terminal
#   DIR/nonet    default without the network namespace
#   DIR/userns   default plus a user namespace mapping 0 -> 100000 (65536 ids),
#                with its own copy of the rootfs chowned to 100000:100000
# Each bundle has its own rootfs: a static busybox as /bin/busybox plus a symlink per
# applet (so /bin/true is busybox's applet). The config is written from the template
# below with jq; it does not depend on any runtime's `spec` verb.
# Needs: a static busybox (apt-get install busybox-static, or BUSYBOX=PATH), jq. Run as root.
set -eu

OUT=${1:-/tmp/bench-bundles}

# Installs PKG with apt-get when CMD is missing.
need() { # CMD PKG
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "make-bundle: installing $2" >&2
	# a fresh machine may have no package lists yet
	apt-get install -y --no-install-recommends "$2" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "$2" >&2; }
}

need jq jq
[ -n "${BUSYBOX:-}" ] || { need busybox busybox-static; BUSYBOX=$(command -v busybox); }
# A dynamic busybox would need the host's libc inside the rootfs.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	echo "make-bundle: $BUSYBOX is dynamically linked; install busybox-static or set BUSYBOX" >&2
	exit 1
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

mkrootfs() { # DIR
	r=$1
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root" "$r/run"
	chmod 1777 "$r/tmp"
	cp "$BUSYBOX" "$r/bin/busybox"
	for app in $("$BUSYBOX" --list); do
		[ "$app" = busybox ] || ln -sf busybox "$r/bin/$app"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
		>"$r/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$r/etc/group"
	echo bench >"$r/etc/hostname"
	[ -x "$r/bin/true" ] || { echo "make-bundle: busybox has no 'true' applet" >&2; exit 1; }
}

# The template follows `runc spec` (runc 1.1), with the cgroup namespace added and
# the process set to /bin/true. It leaves out runc's /sys/fs/cgroup mount: brig does
# not manage cgroups yet, and on v1 hosts that one entry is a dozen mounts.
# linux.cgroupsPath is set per run by lifecycle.sh (unique per run, absolute: without
# it runc 1.1 nests the container under the caller's own cgroup, crun does not).
template() {
	cat <<'EOF'
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ "/bin/true" ],
		"env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ],
		"cwd": "/",
		"capabilities": {
			"bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"ambient": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
		},
		"rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
		"noNewPrivileges": true
	},
	"root": { "path": "rootfs", "readonly": true },
	"hostname": "bench",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		{ "destination": "/dev/pts", "type": "devpts", "source": "devpts",
		  "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
		{ "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		  "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
		{ "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
		  "options": [ "nosuid", "noexec", "nodev" ] },
		{ "destination": "/sys", "type": "sysfs", "source": "sysfs",
		  "options": [ "nosuid", "noexec", "nodev", "ro" ] }
	],
	"linux": {
		"resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
		"namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
				{ "type": "uts" }, { "type": "mount" }, { "type": "cgroup" } ],
		"maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
			"/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
		"readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			"/proc/sysrq-trigger" ]
	}
}
EOF
}

bundle() { # NAME JQFILTER
	mkdir -p "$OUT/$1"
	mkrootfs "$OUT/$1/rootfs"
	template | jq "$2" >"$OUT/$1/config.json"
}

bundle default '.'
bundle nonet '.linux.namespaces |= map(select(.type != "network"))'
bundle userns '.linux.namespaces += [{"type": "user"}]
	| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
# Container root is host uid 100000: it must own its rootfs to use it.
chown -hR 100000:100000 "$OUT/userns/rootfs"

echo "bundles in $OUT: default nonet userns"
