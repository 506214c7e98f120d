#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Inside the VM whose PID 1 is systemd (../systemd.sh boots it): runs the
# parts named in SYSTEMD_PARTS in order, each a script of this directory
# (NAME.sh) that prints its own results and exits 0 (passed), 1 (failed) or
# 77 (skipped), then a summary. Everything runs in one boot, which is the
# expensive part under emulation: a new part (rootless podman under a
# user's systemd, a CRI test with SystemdCgroup) is one more script here and
# one more name in SYSTEMD_PARTS.
#
# What every part may count on: systemd is PID 1 and the system bus answers;
# $SYSTEMD_STATE is a fresh tmpfs for daemons' state (overlay2 cannot use the
# guest's root, itself an overlay over 9p, as its upper layer); /dev/fd and
# /dev/std* exist. The VM is thrown away afterwards, but each part still
# removes what it made, which its own checks of leftovers look at.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
[ -d /.vm-run ] || {
	echo "systemd/run.sh runs inside the VM only (ctest -R conformance.systemd boots it)" >&2
	exit 1
}
[ "$(cat /proc/1/comm)" = systemd ] || {
	echo "FAIL PID 1 is $(cat /proc/1/comm), not systemd"
	exit 1
}

export SYSTEMD_STATE=/brig-sd # (short: podman refuses a runroot of over 50 characters)
mkdir -p "$SYSTEMD_STATE" && mount -t tmpfs -o mode=0711,size=75% tmpfs "$SYSTEMD_STATE" || exit 1
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${i#*:}" ] || ln -s "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"
done
# the bus is socket-activated: the first call starts dbus-daemon
busctl --system status >/dev/null 2>&1 || echo "# the system bus does not answer yet"
layout=v2
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || layout=hybrid
echo "# guest: kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MB," \
	"cgroup layout $layout, $(systemctl --version | head -n1), up $(cut -d' ' -f1 /proc/uptime) s"
export SYSTEMD_LAYOUT=$layout

# A part's bound (seconds; SYSTEMD_PART_TIMEOUT overrides them all): a part
# that hangs fails alone, with what the guest was doing, instead of taking
# the boot's whole time and the later parts with it. About three times what
# each takes under emulation on a loaded 2-core host.
part_limit() {
	[ -n "${SYSTEMD_PART_TIMEOUT:-}" ] && { echo "$SYSTEMD_PART_TIMEOUT"; return; }
	case $1 in
	driver) echo 420 ;;
	clients) echo 1100 ;;
	cri) echo 600 ;;
	rootless) echo 400 ;;
	*) echo 600 ;;
	esac
}
# What a hung part was doing: the processes (no kernel threads), the kernel
# stacks of those in uninterruptible sleep and of brig's, the kernel's last
# lines.
hang_report() {
	echo "# ---- part $1 passed its bound of $2 s: the guest's processes"
	ps -eo pid,ppid,stat,wchan:28,etimes,args --forest 2>&1 | awk '$1 != 2 && $2 != 2' |
		cut -c1-200 | sed 's/^/#   /' | tail -n 100
	local pid st comm
	while read -r pid st comm; do
		case "$st:$comm" in
		D*:* | *:brig* | *:runc | *:memfd:brig*) ;;
		*) continue ;;
		esac
		echo "# kernel stack of $pid ($comm, state $st):"
		sed 's/^/#     /' "/proc/$pid/stack" 2>/dev/null | head -n 20
	done < <(ps -eo pid=,stat=,comm= 2>/dev/null)
	echo "# the kernel's last lines:"
	dmesg 2>/dev/null | tail -n 25 | sed 's/^/#   /'
}
# run_part NAME: the part's script under its bound; its status (124 when it
# was ended at the bound: TERM, for its trap to remove what it made, then
# KILL two minutes later).
run_part() {
	local limit pid wd rc fired
	limit=$(part_limit "$1")
	fired=$(mktemp)
	bash "$here/$1.sh" &
	pid=$!
	(
		end=$((SECONDS + limit))
		while [ $SECONDS -lt $end ]; do sleep 5; done
		hang_report "$1" "$limit"
		echo "# ending part $1 (TERM; KILL in 120 s)"
		echo fired >"$fired"
		kill -TERM "$pid" 2>/dev/null
		end=$((SECONDS + 120))
		while [ $SECONDS -lt $end ] && kill -0 "$pid" 2>/dev/null; do sleep 2; done
		kill -KILL "$pid" 2>/dev/null
	) &
	wd=$!
	wait "$pid"
	rc=$?
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	if [ -s "$fired" ]; then
		echo "FAIL part $1: ended after its bound of $limit s (exit $rc)"
		rc=124
	fi
	rm -f "$fired"
	return "$rc"
}

results=()
rc_all=0
for part in ${SYSTEMD_PARTS:-driver}; do
	echo "# ==== part $part ($layout)"
	t0=$(date +%s)
	if [ -f "$here/$part.sh" ]; then
		run_part "$part"
		rc=$?
	else
		echo "FAIL no part $part ($here/$part.sh)"
		rc=1
	fi
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	*) res=FAIL rc_all=1 ;;
	esac
	results+=("$(printf '%-10s %s (%s s)' "$part" "$res" $(($(date +%s) - t0)))")
done
echo "# ==== parts ($layout)"
printf '# %s\n' "${results[@]}"
umount "$SYSTEMD_STATE" 2>/dev/null
[ $rc_all = 0 ] || exit 1
# all skipped: a skip
printf '%s\n' "${results[@]}" | grep -q ' PASS ' || exit 77
exit 0
