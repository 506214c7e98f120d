#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The rootfs is its owner's: anything in it may be swapped for a symlink at
# any moment while brig creates the container (the runc advisories of
# 2024-2025: CVE-2024-21626, CVE-2025-31133, CVE-2025-52565, CVE-2025-52881).
# Each check here keeps a helper swapping one target for a symlink while brig
# runs containers in a loop (RACE_RUNS of them, 200 by default; half as many
# for the directory swaps, which brig's old code lost at once), then checks
# that the host-side victim never changed and that no run saw the redirection.
# A run may fail (brig refuses what it finds swapped); none may be redirected.
# Issue #12, items 1-4.
. "$(dirname "$0")/lib.sh"
conf_init

RUNS=${RACE_RUNS:-200}
HALF=$(((RUNS + 1) / 2))

# The swapper: renames a symlink over TARGET again and again (link), or
# exchanges the directory TARGET with a symlink (exchange: renameat2
# RENAME_EXCHANGE, so the directory itself comes and goes). Runs until STOP
# exists (bounded at 15 minutes).
cat >"$CONF_TMP/swap.py" <<'EOF'
import ctypes, os, sys, time
mode, target, victim, stop = sys.argv[1:5]
libc = ctypes.CDLL(None, use_errno=True)
tmp = target + ".swap"
deadline = time.time() + 900
def put(make):
    try:
        os.unlink(tmp)
    except OSError:
        pass
    try:
        make()
        os.rename(tmp, target)
    except OSError:
        pass
if mode == "exchange":
    os.symlink(victim, tmp)
n = 0
while time.time() < deadline:
    n += 1
    if n % 64 == 0 and os.path.exists(stop):
        break
    if mode == "link":
        put(lambda: os.symlink(victim, tmp))
    elif mode == "exchange":
        libc.renameat2(-100, target.encode(), -100, tmp.encode(), 2)
EOF

# swap_start MODE TARGET VICTIM: starts the swapper (SWAP_PID, SWAP_STOP).
swap_start() {
	SWAP_STOP=$CONF_TMP/stop.$((conf_seq += 1))
	python3 "$CONF_TMP/swap.py" "$1" "$2" "$3" "$SWAP_STOP" &
	SWAP_PID=$!
	conf_track_pid "$SWAP_PID" wait
}

swap_stop() {
	touch "$SWAP_STOP"
	wait "$SWAP_PID" 2>/dev/null
}

# race_runs BUNDLE CHECK [N]: N (default RUNS) x `brig run`; CHECK (a
# function) is called with each successful run's OUT and prints a complaint
# if the run saw something it must not. Sets RACE_OK (runs that succeeded)
# and RACE_BAD.
race_runs() {
	local b=$1 check=$2 runs=${3:-$RUNS} i out bad n_bad=0
	RACE_OK=0 RACE_BAD=
	for ((i = 1; i <= runs; i++)); do
		new_id ID
		out=$(timeout -k 5 60 "$BRIG" --root "$CONF_ROOT" run --bundle "$b" "$ID" </dev/null 2>"$CONF_TMP/race.err")
		if [ $? = 0 ]; then
			RACE_OK=$((RACE_OK + 1))
			bad=$("$check" "$out")
		elif grep -q "AddressSanitizer\|runtime error" "$CONF_TMP/race.err"; then
			bad=$(head -c 300 "$CONF_TMP/race.err")
		else
			bad=
		fi
		if [ -n "$bad" ]; then
			n_bad=$((n_bad + 1))
			[ "$n_bad" -gt 3 ] || RACE_BAD="$RACE_BAD run $i: $(echo $bad);"
		fi
		"$BRIG" --root "$CONF_ROOT" delete --force "$ID" >/dev/null 2>&1
	done
	[ "$n_bad" -le 3 ] || RACE_BAD="$n_bad of $runs runs:$RACE_BAD ..."
	conf_log "$RACE_OK of $runs runs succeeded while the target was being swapped"
}

no_check() { :; }

# A config whose /dev is the rootfs's own directory (no tmpfs over it): the
# device nodes brig makes are where the rootfs's owner can reach them.
rootfs_dev_bundle() {
	new_bundle "$1"
	cfg "${!1}" 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))
		| .root.readonly = false'
	set_args "${!1}" /bin/true
}

# ---- 1. device nodes: chmod and chown never follow a swapped-in symlink --------

rootfs_dev_bundle B
VICTIM=$CONF_TMP/victim-file
echo "host data" >"$VICTIM"
chmod 0600 "$VICTIM"
before=$(stat -c '%a %u:%g %s' "$VICTIM")
swap_start link "$B/rootfs/dev/null" "$VICTIM"
race_runs "$B" no_check
swap_stop
LAST_CMD="brig run (rootfs/dev/null swapped for a symlink to a host file) x $RUNS"
check_eq "[brig] while dev/null is swapped for a symlink to a host file, the file's mode and owner never change" \
	"$before" "$(stat -c '%a %u:%g %s' "$VICTIM")"
check_eq "[brig] ... and its content neither" "host data" "$(cat "$VICTIM")"
check_eq "[brig] ... and brig never crashed" "" "$RACE_BAD"

# ---- 2. masked paths bind the host's /dev/null, never the rootfs's -----------

rootfs_dev_bundle B
cfg "$B" '.linux.maskedPaths = ["/proc/keys", "/proc/timer_list"]'
set_args "$B" /bin/probe @keys stat /proc/keys + @timer stat /proc/timer_list
masked_ok() {
	local k t
	k="$(kv keys.type "$1") $(kv keys.rdev "$1")" t="$(kv timer.type "$1") $(kv timer.rdev "$1")"
	[ "$k" = "chr 1:3" ] || echo "/proc/keys is '$k'"
	[ "$t" = "chr 1:3" ] || echo "/proc/timer_list is '$t'"
}
core_before=$(cat /proc/sys/kernel/core_pattern)
swap_start link "$B/rootfs/dev/null" /proc/sys/kernel/core_pattern
race_runs "$B" masked_ok
swap_stop
LAST_CMD="brig run (rootfs/dev/null swapped for a symlink to /proc/sys/kernel/core_pattern) x $RUNS"
check_eq "[brig] while dev/null is swapped for a symlink to a procfs file, every masked file is the null device (CVE-2025-31133)" \
	"" "$RACE_BAD"
check_eq "[brig] ... and the host's core_pattern is unchanged" "$core_before" "$(cat /proc/sys/kernel/core_pattern)"
if [ "$RACE_OK" -gt 0 ]; then ok "[brig] ... (some runs got through to the masks: $RACE_OK)"; else
	skip "[brig] ... (some runs got through to the masks)" "none of $RUNS runs succeeded here"
fi

# ---- 3. proc only on the real /proc; no mount stacked on the root ------------

new_bundle B
mkdir -p "$B/rootfs/fakeproc"
set_args "$B" /bin/probe @top fstypes / + @root statfs /
# proc (0x9fa0) may be on the directory that is (or, swapped since, was) /proc,
# on nothing else, and never on the root
proc_ok() {
	local where
	where=$(printf '%s\n' "$1" | sed -n 's/^top\.\(.*\)=0x9fa0$/\1/p' | grep -vx 'proc\|proc\.swap' | tr '\n' ' ')
	[ -z "$where" ] || echo "proc mounted on: $where"
	[ "$(kv root.fstype "$1")" != 0x9fa0 ] || echo "proc mounted over the root"
}
swap_start exchange "$B/rootfs/proc" fakeproc
race_runs "$B" proc_ok "$HALF"
swap_stop
LAST_CMD="brig run (rootfs/proc exchanged with a symlink to fakeproc) x $HALF"
check_eq "[brig] while /proc comes and goes as a symlink, proc is mounted only on the real directory (CVE-2025-52881)" \
	"" "$RACE_BAD"

mkdir -p "$CONF_TMP/victim-bind"
new_bundle B
mkdir -p "$B/rootfs/data"
add_mount "$B" /data none "$CONF_TMP/victim-bind" rbind ro
set_args "$B" /bin/probe @root mountinfo /
root_ok() { [ "$(kv root.mnt.count "$1")" = 1 ] || echo "$(kv root.mnt.count "$1") mounts at /"; }
swap_start exchange "$B/rootfs/data" /
race_runs "$B" root_ok "$HALF"
swap_stop
LAST_CMD="brig run (rootfs/data, a bind mount's destination, exchanged with a symlink to /) x $HALF"
check_eq "[brig] while a mount destination comes and goes as a symlink to /, nothing is stacked on the container's root" \
	"" "$RACE_BAD"

# ---- 4. the rootfs itself --------------------------------------------------------

VROOT=$CONF_TMP/victim-root
mkdir -p "$VROOT"
new_bundle B
set_args "$B" /bin/true
swap_start exchange "$B/rootfs" "$VROOT"
race_runs "$B" no_check "$HALF"
swap_stop
LAST_CMD="brig run (the rootfs exchanged with a symlink to a host directory) x $HALF"
check_eq "[runc] while the rootfs comes and goes as a symlink, nothing is created in the host directory it points to" \
	"" "$(ls -A "$VROOT")"
check_eq "[brig] ... nor mounted there" "" "$(conf_mounts_under "$VROOT")"
check_eq "[brig] ... and brig never crashed" "" "$RACE_BAD"

check_eq "[brig] no container is left after the races" "" "$("$BRIG" --root "$CONF_ROOT" list -q 2>/dev/null)"
conf_finish
