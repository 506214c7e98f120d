# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared helpers of the conformance scripts: environment checks, bundles made
# of busybox and brig-probe, container ids, TAP-like assertions and a cleanup
# trap that deletes every container, mount, netns and temp dir a script made,
# also when the script fails or is interrupted.
#
# A script sources this file, calls conf_init, runs its checks and ends with
# conf_finish. Exit status: 0 all passed, 1 some failed, 77 all skipped.

set -u

CONF_AREA=$(basename "$0" .sh)
CONF_AREA=${CONF_AREA#test_}
conf_n=0
conf_pass=0
conf_fail=0
conf_skip=0
CONF_TMP=
CONF_ROOT=
CONF_IDS=()     # every container id handed out
CONF_NETNS=()   # named netns created with ip netns add
CONF_MOUNTS=()  # host mounts made by the script (unmounted in reverse)
conf_seq=0
CONF_FG=        # the command conf_fg waits for
LAST_CMD=
RC=0
OUT=
ERR=

# ---- output ----------------------------------------------------------------

conf_log() { printf '# %s\n' "$*"; }

# Indents multi-line details as TAP comments.
conf_details() {
	[ -n "$1" ] || return 0
	printf '%s\n' "$1" | head -n 40 | sed 's/^/#   /'
}

ok() {
	conf_n=$((conf_n + 1))
	conf_pass=$((conf_pass + 1))
	printf 'ok %d - %s\n' "$conf_n" "$1"
}

# not_ok DESC DETAILS: details name what was expected and what was seen; the
# last brig command and its stderr are appended.
not_ok() {
	conf_n=$((conf_n + 1))
	conf_fail=$((conf_fail + 1))
	printf 'not ok %d - %s: %s\n' "$conf_n" "$1" "$(printf '%s' "${2:-}" | head -n1)"
	conf_details "$(printf '%s' "${2:-}" | tail -n +2)"
	if [ -n "$LAST_CMD" ]; then
		conf_details "command: $LAST_CMD (exit $RC)"
		[ -z "$ERR" ] || conf_details "stderr: $ERR"
	fi
}

skip() {
	conf_n=$((conf_n + 1))
	conf_skip=$((conf_skip + 1))
	printf 'ok %d - %s # SKIP %s\n' "$conf_n" "$1" "$2"
}

check_eq() { # DESC EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}

check_ne() { # DESC UNEXPECTED ACTUAL
	if [ "$2" != "$3" ]; then ok "$1"; else not_ok "$1" "expected anything but '$2'"; fi
}

check_match() { # DESC ERE TEXT
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"; else
		not_ok "$1" "expected a match for /$2/, got:
$3"
	fi
}

check_nomatch() { # DESC ERE TEXT
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		not_ok "$1" "expected no match for /$2/, got:
$(printf '%s' "$3" | grep -E -- "$2")"
	else ok "$1"; fi
}

check_contains() { # DESC FIXED-STRING TEXT
	if printf '%s' "$3" | grep -Fq -- "$2"; then ok "$1"; else
		not_ok "$1" "expected to contain '$2', got:
$3"
	fi
}

check_rc() { # DESC EXPECTED-RC (uses RC of the last command)
	if [ "$RC" = "$2" ]; then ok "$1"; else not_ok "$1" "expected exit $2, got $RC
stdout: $OUT"; fi
}

check_fails() { # DESC (the last command must have exited non-zero)
	if [ "$RC" != 0 ]; then ok "$1"; else not_ok "$1" "expected a non-zero exit, got 0
stdout: $OUT"; fi
}

check_succeeds() { # DESC
	if [ "$RC" = 0 ]; then ok "$1"; else not_ok "$1" "expected exit 0, got $RC
stdout: $OUT"; fi
}

check_true() { # DESC DETAILS-IF-FALSE CMD...
	local desc=$1 det=$2
	shift 2
	if "$@"; then ok "$desc"; else not_ok "$desc" "$det"; fi
}

# brig's error contract: exactly one line on stderr, "brig: VERB: message".
check_error_line() { # DESC VERB [FIXED-MESSAGE]
	local lines
	lines=$(printf '%s' "$ERR" | grep -c '^')
	if [ "$RC" = 0 ]; then
		not_ok "$1" "expected a non-zero exit, got 0"
	elif [ "$lines" != 1 ]; then
		not_ok "$1" "expected exactly one stderr line, got $lines"
	elif [ -n "${3:-}" ] && [ "$ERR" != "brig: $2: $3" ]; then
		not_ok "$1" "expected stderr 'brig: $2: $3', got '$ERR'"
	elif ! printf '%s' "$ERR" | grep -q "^brig: $2: "; then
		not_ok "$1" "expected stderr to start with 'brig: $2: ', got '$ERR'"
	else
		ok "$1"
	fi
}

# After an operation that had to fail: nothing of the container is left. If
# it did not fail, that was the failure: the container is removed, no check.
check_no_container() {
	if [ "$RC" = 0 ]; then
		"$BRIG" --root "$CONF_ROOT" delete -f "$ID" >/dev/null 2>&1
		skip "[runtime.md#errors] ... and leaves no container" "the operation did not fail"
	elif [ -e "$CONF_ROOT/$ID" ]; then
		not_ok "[runtime.md#errors] ... and leaves no container" "$CONF_ROOT/$ID exists"
	else
		ok "[runtime.md#errors] ... and leaves no container"
	fi
}

# ---- environment -----------------------------------------------------------

conf_skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 77
}

conf_apt() { # installs Debian packages; quiet; one retry after apt-get update
	command -v apt-get >/dev/null || return 1
	local opts=(-y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends)
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1 && return 0
	apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1
}

conf_need() { # COMMAND PACKAGE
	command -v "$1" >/dev/null && return 0
	conf_apt "$2"
	command -v "$1" >/dev/null || conf_skip_all "needs $1 (Debian package $2)"
}

conf_static_busybox() {
	BUSYBOX=$(command -v busybox || true)
	if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
		conf_apt busybox-static
		BUSYBOX=$(command -v busybox || true)
	fi
	[ -n "$BUSYBOX" ] || conf_skip_all "needs a static busybox (Debian package busybox-static)"
	ldd "$BUSYBOX" >/dev/null 2>&1 &&
		conf_skip_all "$BUSYBOX is dynamically linked (install busybox-static)"
}

# proc_start PID: the start time that tells a pid from a reused one.
proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
# pid_alive PID: a live process (a zombie is dead).
pid_alive() {
	[ -n "${1:-}" ] && [ "$1" != 0 ] && kill -0 "$1" 2>/dev/null || return 1
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# conf_netns_add NAME: `ip netns add`, remembered for the cleanup (also in
# the temp dir, for the sweep after a SIGKILL).
conf_netns_add() {
	ip netns add "$1" 2>/dev/null || return 1
	CONF_NETNS+=("$1")
	echo "$1" >>"$CONF_TMP/.netns"
}

# conf_cgroup_name VAR: a cgroupsPath name unique to this run ("/NAME"); the
# cleanup removes what brig left of it below each hierarchy, and nothing else.
conf_cgroup_name() {
	local n="brig-conf-$$-cg$((conf_seq += 1))"
	echo "$n" >>"$CONF_TMP/.cgroups"
	printf -v "$1" '%s' "$n"
}

# The dirs of cgroup NAME, one per hierarchy (v1 controllers, cgroup2).
conf_cgroup_dirs() {
	local d
	for d in /sys/fs/cgroup/"$1" /sys/fs/cgroup/*/"$1"; do [ -d "$d" ] && echo "$d"; done
}

# Remembers a helper process so the cleanup kills it, and only it (pid and
# start time, in the temp dir so the sweep after a SIGKILL finds it too).
# With "wait" as second argument the job stays the script's, for `wait PID`.
conf_track_pid() {
	echo "$1:$(proc_start "$1")" >>"$CONF_TMP/.pids"
	# No "Killed" job report when the cleanup kills it.
	[ "${2:-}" = wait ] || disown "$1" 2>/dev/null
}

# Stale temp dirs of this area whose owner died without cleaning (SIGKILL).
conf_sweep_stale() {
	local d owner
	for d in "${TMPDIR:-/tmp}"/brig-conf-"$CONF_AREA".*; do
		[ -f "$d/.owner" ] || continue
		owner=$(cat "$d/.owner")
		pid_alive "$owner" && continue
		conf_log "removing stale $d (owner $owner is gone)"
		conf_teardown_dir "$d"
	done
}

conf_init() {
	[ "$(id -u)" = 0 ] || conf_skip_all "needs root"
	if [ -z "${BRIG:-}" ] || [ ! -x "$BRIG" ]; then
		echo "BRIG must name the brig binary (ctest sets it)" >&2
		exit 1
	fi
	if [ -z "${PROBE:-}" ] || [ ! -x "$PROBE" ]; then
		echo "PROBE must name the brig-probe binary (ctest sets it)" >&2
		exit 1
	fi
	BRIG=$(readlink -f "$BRIG")
	PROBE=$(readlink -f "$PROBE")
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
	conf_need jq jq
	conf_need python3 python3
	conf_need timeout coreutils
	conf_static_busybox
	conf_sweep_stale
	CONF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/brig-conf-$CONF_AREA.XXXXXX")
	echo $$ >"$CONF_TMP/.owner"
	# Containers with a user namespace run as a non-root host uid: every
	# directory above their rootfs must be searchable.
	chmod 755 "$CONF_TMP"
	CONF_ROOT=$CONF_TMP/root
	trap conf_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	conf_base_rootfs
	conf_log "conformance.$CONF_AREA: brig $BRIG, probe $PROBE, tmp $CONF_TMP"
}

# ---- cleanup ---------------------------------------------------------------

# Mount points under DIR, deepest first.
conf_mounts_under() {
	awk -v d="$1" '{ m = $5; gsub(/\\040/, " ", m);
		if (m == d || index(m, d "/") == 1) print m }' /proc/self/mountinfo | sort -r
}

conf_unmount_under() {
	local m i
	for i in 1 2 3; do
		m=$(conf_mounts_under "$1")
		[ -n "$m" ] || return 0
		printf '%s\n' "$m" | while IFS= read -r mp; do umount -l "$mp" 2>/dev/null; done
	done
}

# Deletes every container of a state root, then its processes if delete left
# them, its mounts and the directory itself.
conf_teardown_dir() {
	local dir=$1 root=$1/root id pid start p cg d
	# a script's own teardown (rootless.sh: the test user) goes first
	declare -F conf_teardown_hook >/dev/null && conf_teardown_hook "$dir"
	if [ -f "$dir/.pids" ] || [ -f "$dir/.fg" ]; then
		cat "$dir/.pids" "$dir/.fg" 2>/dev/null | while read -r p; do
			pid=${p%%:*} start=${p#*:}
			[ "$(proc_start "$pid")" = "$start" ] && kill -9 "$pid" 2>/dev/null
		done
	fi
	if [ -d "$root" ]; then
		for id in "$root"/*; do
			[ -d "$id" ] || continue
			id=${id##*/}
			pid=$(timeout 10 "$BRIG" --root "$root" state "$id" 2>/dev/null | jq -r '.pid // 0' 2>/dev/null)
			timeout 20 "$BRIG" --root "$root" delete -f "$id" >/dev/null 2>&1 ||
				echo "# cleanup: brig delete -f $id failed" >&2
			if pid_alive "$pid" && ! wait_for 2 eval '! pid_alive "$pid"'; then
				echo "# cleanup: init $pid of $id survived delete -f; killing it" >&2
				kill -9 "$pid" 2>/dev/null
			fi
		done
	fi
	if [ -f "$dir/.cgroups" ]; then
		while read -r cg; do
			for d in $(conf_cgroup_dirs "$cg"); do
				echo "# cleanup: brig left cgroup $d" >&2
				for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
				wait_for 2 rmdir "$d"
			done
		done <"$dir/.cgroups"
	fi
	if [ -f "$dir/.netns" ]; then
		while read -r ns; do ip netns del "$ns" 2>/dev/null; done <"$dir/.netns"
	fi
	conf_unmount_under "$dir"
	rm -rf --one-file-system "$dir" 2>/dev/null
	if [ -e "$dir" ]; then
		echo "# cleanup: could not remove $dir" >&2
	fi
}

conf_cleanup() {
	local rc=$? ns id i
	trap - EXIT HUP INT TERM
	set +e
	if [ -n "$CONF_FG" ]; then
		kill -TERM "$CONF_FG" 2>/dev/null
		wait "$CONF_FG" 2>/dev/null
	fi
	if [ -n "$CONF_ROOT" ] && [ -d "$CONF_ROOT" ]; then
		for id in "${CONF_IDS[@]}"; do
			[ -d "$CONF_ROOT/$id" ] || continue
			echo "# cleanup: container $id was left; deleting it" >&2
		done
	fi
	for ns in "${CONF_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for ((i = ${#CONF_MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${CONF_MOUNTS[i]}" 2>/dev/null; done
	[ -n "$CONF_TMP" ] && [ -d "$CONF_TMP" ] && conf_teardown_dir "$CONF_TMP"
	exit "$rc"
}

conf_finish() {
	printf '1..%d\n' "$conf_n"
	conf_log "conformance.$CONF_AREA: $conf_n checks, $conf_pass passed, $conf_fail failed, $conf_skip skipped"
	if [ "$conf_fail" -gt 0 ]; then exit 1; fi
	if [ "$conf_n" -gt 0 ] && [ "$conf_skip" = "$conf_n" ]; then exit 77; fi
	exit 0
}

# ---- bundles ---------------------------------------------------------------

# A cached busybox rootfs, shared by all scripts of one build (built once
# under a lock, renamed into place).
conf_base_rootfs() {
	local cache=${CONF_CACHE:-${TMPDIR:-/tmp}/brig-conf-cache}
	BASE_ROOTFS=$cache/rootfs-base
	mkdir -p "$cache"
	(
		flock 9
		[ -x "$BASE_ROOTFS/bin/busybox" ] && exit 0
		local t
		t=$(mktemp -d "$cache/rootfs.XXXXXX")
		mkdir -p "$t"/{bin,etc,proc,sys,dev,tmp,root,home/tester,run,var,mnt,opt}
		cp "$BUSYBOX" "$t/bin/busybox"
		for a in $("$BUSYBOX" --list); do
			[ -e "$t/bin/$a" ] || ln -s busybox "$t/bin/$a"
		done
		chmod 1777 "$t/tmp"
		chown 1000:1000 "$t/home/tester"
		cat >"$t/etc/passwd" <<-EOF
			root:x:0:0:root:/root:/bin/sh
			tester:x:1000:1000:tester:/home/tester:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		EOF
		cat >"$t/etc/group" <<-EOF
			root:x:0:
			tty:x:5:
			wheel:x:10:
			tester:x:1000:
			nogroup:x:65534:
		EOF
		chmod 755 "$t"
		mv -T "$t" "$BASE_ROOTFS"
	) 9>"$cache/.lock"
}

# new_bundle VAR: a fresh bundle dir with rootfs (busybox, /bin/probe) and a
# config.json from `brig spec`, edited to run "/bin/probe exit 0" without a
# terminal. The bundle path is stored in VAR.
new_bundle() {
	local b
	b=$(mktemp -d "$CONF_TMP/bundle.XXXXXX")
	chmod 755 "$b"
	cp -a "$BASE_ROOTFS" "$b/rootfs"
	cp "$PROBE" "$b/rootfs/bin/probe"
	chmod 755 "$b/rootfs/bin/probe"
	mkdir -p "$b/out"
	chmod 777 "$b/out"
	timeout -k 5 60 "$BRIG" spec --bundle "$b" >/dev/null 2>&1 || {
		echo "brig spec --bundle $b failed" >&2
		return 1
	}
	cfg "$b" '.process.terminal = false | .process.args = ["/bin/probe", "exit", "0"]'
	printf -v "$1" '%s' "$b"
}

# cfg BUNDLE FILTER [JQ-ARGS...]: edits config.json in place with jq.
cfg() {
	local b=$1 f=$2
	shift 2
	jq "$@" "$f" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# json_array ARG...: a JSON array of strings (jq's --args would take "-c"
# for one of its own options).
json_array() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; }

# set_args BUNDLE ARG...: process.args.
set_args() {
	local b=$1
	shift
	cfg "$b" '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_mount BUNDLE DEST TYPE SOURCE [OPTION...]
add_mount() {
	local b=$1 d=$2 t=$3 s=$4
	shift 4
	cfg "$b" '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
		--arg d "$d" --arg t "$t" --arg s "$s" --argjson o "$(json_array "$@")"
}

# The bundle's out/ dir, bind-mounted rw at /out: where a container with a
# read-only root writes what the host should see.
mount_out() { add_mount "$1" /out none "$1/out" rbind rw; }

ns_del() { cfg "$1" 'del(.linux.namespaces[] | select(.type == $t))' --arg t "$2"; }
ns_add() { # BUNDLE TYPE [PATH]
	if [ -n "${3:-}" ]; then
		cfg "$1" 'del(.linux.namespaces[] | select(.type == $t)) | .linux.namespaces += [{type: $t, path: $p}]' \
			--arg t "$2" --arg p "$3"
	else
		cfg "$1" 'del(.linux.namespaces[] | select(.type == $t)) | .linux.namespaces += [{type: $t}]' --arg t "$2"
	fi
}

# new_id VAR: a container id unique to this script run; remembered for cleanup.
new_id() {
	conf_seq=$((conf_seq + 1))
	local id="conf-$$-$conf_seq"
	CONF_IDS+=("$id")
	printf -v "$1" '%s' "$id"
}

# ---- running brig ----------------------------------------------------------

# conf_fg CMD...: runs CMD and returns its status. bash runs a trap only
# once the foreground command is done; `wait` is interrupted at once, so an
# interrupted script cleans up right away (and the cleanup ends CMD).
conf_fg() {
	"$@" &
	CONF_FG=$!
	echo "$CONF_FG:$(proc_start "$CONF_FG")" >"$CONF_TMP/.fg" # for the sweep after a SIGKILL
	wait "$CONF_FG"
	local rc=$?
	CONF_FG=
	return "$rc"
}

# brig ARGS...: runs brig with the script's --root; sets RC, OUT, ERR.
brig() {
	LAST_CMD="brig --root \$ROOT $*"
	conf_fg timeout -k 5 60 "$BRIG" --root "$CONF_ROOT" "$@" </dev/null >"$CONF_TMP/.out" 2>"$CONF_TMP/.err"
	RC=$?
	OUT=$(cat "$CONF_TMP/.out")
	ERR=$(cat "$CONF_TMP/.err")
	return 0
}

# brig_run BUNDLE [RUN-OPTIONS...]: runs a container in the foreground with a
# new id (in ID); OUT is the container's stdout.
brig_run() {
	local bundle=$1
	shift
	new_id ID
	brig run --bundle "$bundle" "$@" "$ID"
}

# brig_create BUNDLE [CREATE-OPTIONS...]: creates a container (id in ID, init
# pid in PID) whose stdout and stderr go to $CONF_TMP/ID.out and .err.
brig_create() {
	local bundle=$1
	shift
	new_id ID
	LAST_CMD="brig --root \$ROOT create --bundle $bundle --pid-file $CONF_TMP/$ID.pid $* $ID"
	conf_fg timeout -k 5 60 "$BRIG" --root "$CONF_ROOT" create --bundle "$bundle" \
		--pid-file "$CONF_TMP/$ID.pid" "$@" "$ID" </dev/null \
		>"$CONF_TMP/$ID.out" 2>"$CONF_TMP/$ID.err"
	RC=$?
	OUT=
	ERR=$(cat "$CONF_TMP/$ID.err")
	PID=$(cat "$CONF_TMP/$ID.pid" 2>/dev/null || true)
}

# state_field ID FIELD: a field of `brig state ID`, "" if it fails.
state_field() {
	timeout 20 "$BRIG" --root "$CONF_ROOT" state "$1" 2>/dev/null | jq -r ".$2 // empty" 2>/dev/null
}

# wait_for SECONDS CMD...: polls CMD every 0.05s.
wait_for() {
	local n=$(($1 * 20))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

status_is() { [ "$(state_field "$1" status)" = "$2" ]; }
file_has() { grep -q -- "$2" "$1" 2>/dev/null; }

# kv KEY [TEXT]: the value of the first KEY=value line of TEXT (default OUT).
kv() { printf '%s\n' "${2-$OUT}" | sed -n "s/^$1=//p" | head -n1; }

# The host's view, for comparisons with the probe's.
host_ns() { readlink "/proc/$$/ns/$1"; }
