# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared by the client scripts: the private directory layout, the clients'
# binaries, process and cgroup helpers. Sourced; sets nothing but variables
# and functions.
#
# One run owns one directory, CLIENTS_DIR ($TMPDIR/brig-clients.XXXXXX):
#   state/  containerd root, docker data-root, podman storage (overlay mounts)
#   run/    sockets, pid files, daemon logs, containerd state, docker exec-root
#   bin/    the runtimes under test (private copies) and their logging wrappers
#   log/    one runtime-logger directory per runtime
#   images/ the image files
#   env.sh  the variables below, for the other scripts and for a shell
# CLIENTS_TOKEN (brig-cl-<pid>) names everything outside it that the run
# creates: the cgroup parent of every container, the containerd namespace of
# ctr, the docker network.

# The packaged clients, not whatever comes first in PATH (a newer docker CLI
# in /usr/local/bin talks to dockerd 20.10 differently).
pick() { # pick NAME: /usr/bin/NAME or /usr/sbin/NAME, else the PATH's
	local p
	for p in /usr/bin/"$1" /usr/sbin/"$1"; do
		[ -x "$p" ] && { echo "$p"; return 0; }
	done
	command -v "$1" 2>/dev/null
}
DOCKER=${DOCKER:-$(pick docker)}
DOCKERD=${DOCKERD:-$(pick dockerd)}
CONTAINERD=${CONTAINERD:-$(pick containerd)}
CTR=${CTR:-$(pick ctr)}
PODMAN=${PODMAN:-$(pick podman)}

cl_note() { echo "# $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# proc_start PID: the start time that tells a pid from a reused one.
proc_start() { awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null; }
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# alive PIDFILE: the pid in PIDFILE runs.
alive() { [ -s "$1" ] && pid_alive "$(cat "$1")"; }

# stop_pid PID NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS (10).
stop_pid() {
	local pid=$1 name=$2 n=$((${3:-10} * 10))
	pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	while [ "$n" -gt 0 ] && pid_alive "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	if pid_alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
		cl_note "killed $name ($pid) after the timeout"
	fi
}

# pids_with STRING: the processes whose command line contains STRING (our
# private socket or storage paths: only processes of our daemons match).
pids_with() {
	local p
	for p in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$1" && echo "${p#/proc/}"
	done
}

# Mount points at or under DIR, deepest first.
mounts_under() {
	awk -v d="$1" '{ m = $5; gsub(/\\040/, " ", m);
		if (m == d || index(m, d "/") == 1) print m }' /proc/self/mountinfo | sort -r
}
unmount_under() {
	local m _
	for _ in 1 2 3; do
		m=$(mounts_under "$1")
		[ -n "$m" ] || return 0
		printf '%s\n' "$m" | while IFS= read -r mp; do
			umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null
		done
	done
}

# ---- cgroups ---------------------------------------------------------------

# CG_DRIVER: the clients' cgroup settings. cgroupfs (the default): each gets
# its cgroup parent and manager set explicitly, below the run's token. systemd
# (CLIENTS_CGROUP=systemd, on a host whose PID 1 is systemd): none at all, so
# each uses its own default, which is the systemd driver there (dockerd on
# cgroup v2, podman, and ctr's --runc-systemd-cgroup scenarios).
CG_DRIVER=${CLIENTS_CGROUP:-cgroupfs}

# CG_MODE: v2 on a pure cgroup2 host, v1 on a hybrid or legacy one (limits
# are v1 files there; the unified hierarchy has no controller that matters).
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then CG_MODE=v2; else CG_MODE=v1; fi

# cg_dir PID CONTROLLER: the host directory of PID's cgroup for CONTROLLER
# (v1), or its cgroup2 directory (v2, CONTROLLER ignored).
cg_dir() {
	local path
	if [ "$CG_MODE" = v2 ]; then
		path=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null)
		[ -n "$path" ] && echo "/sys/fs/cgroup$path"
		return
	fi
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ",");
		for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup" 2>/dev/null | head -n1)
	[ -n "$path" ] && echo "/sys/fs/cgroup/$2$path"
}

# cg_limit PID memory|memsw|pids|cpu_quota|cpu_shares|frozen: the limit as
# the container's host cgroup has it, in v1 units on both cgroup versions
# (bytes, a count or "max", microseconds or -1, shares, 1 or 0).
cg_limit() {
	local d v
	if [ "$CG_MODE" = v2 ]; then
		d=$(cg_dir "$1") || return 1
		[ -n "$d" ] || return 1
		case $2 in
		memory) cat "$d/memory.max" ;;
		memsw) # v2 counts swap apart: memory + swap is v1's memsw
			v=$(cat "$d/memory.swap.max") || return 1
			[ "$v" = max ] && echo max || echo $(($(cat "$d/memory.max") + v)) ;;
		pids) cat "$d/pids.max" ;;
		cpu_quota) v=$(awk '{ print $1 }' "$d/cpu.max") && { [ "$v" = max ] && echo -1 || echo "$v"; } ;;
		cpu_shares) cat "$d/cpu.weight" ;;
		frozen) sed -n 's/^frozen //p' "$d/cgroup.events" ;;
		esac 2>/dev/null
		return
	fi
	case $2 in
	memory) d=$(cg_dir "$1" memory) && cat "$d/memory.limit_in_bytes" ;;
	memsw) d=$(cg_dir "$1" memory) && cat "$d/memory.memsw.limit_in_bytes" ;;
	pids) d=$(cg_dir "$1" pids) && cat "$d/pids.max" ;;
	cpu_quota) d=$(cg_dir "$1" cpu) && cat "$d/cpu.cfs_quota_us" ;;
	cpu_shares) d=$(cg_dir "$1" cpu) && cat "$d/cpu.shares" ;;
	frozen) # the v1 freezer is the one of record on a hybrid host
		d=$(cg_dir "$1" freezer) && v=$(cat "$d/freezer.state") &&
			{ [ "$v" = FROZEN ] && echo 1 || echo 0; } ;;
	esac 2>/dev/null
}

# The limits as the container sees them in its own /sys/fs/cgroup (docker
# and podman mount it): a shell command printing "MEMORY PIDS".
# shellcheck disable=SC2016,SC2034
if [ "$CG_MODE" = v2 ]; then
	CG_INSIDE='echo $(cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max 2>&1)'
else
	CG_INSIDE='echo $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>&1)'
fi

# Every cgroup directory named TOKEN at the top of a hierarchy.
cg_token_dirs() {
	local d
	for d in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do
		[ -d "$d" ] && echo "$d"
	done
}

# cg_remove_token TOKEN: ends the processes left in the cgroups this run
# created (every container's cgroup is below /TOKEN) and removes them,
# deepest first.
cg_remove_token() {
	local d sub p n
	for d in $(cg_token_dirs "$1"); do
		for n in 1 2 3; do
			for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u); do
				kill -KILL "$p" 2>/dev/null
			done
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$d" ] || break
			sleep 0.3
		done
		[ -d "$d" ] && cl_note "cleanup: could not remove cgroup $d"
		find "$d" -mindepth 1 -type d 2>/dev/null | while read -r sub; do cl_note "  left: $sub"; done
	done
	return 0
}
