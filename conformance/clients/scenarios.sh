#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# scenarios.sh DIR NAME RUNTIME [docker] [ctr] [podman]: what users do with
# an OCI runtime through the real clients, one scenario at a time.
#
#   DIR      the run's directory (daemons.sh start, images.sh)
#   NAME     the runtime's name with dockerd (--add-runtime NAME=RUNTIME)
#   RUNTIME  the runtime's path, given to ctr (--runc-binary) and podman
#            (--runtime); its basename must be in podman's
#            runtime_supports_json (daemons.sh writes that)
#
# Prints "PASS name" or "FAIL name: reason" per scenario, then
# "N passed, M failed"; notes go to stderr as "# ...". Writes
# DIR/marks-NAME.tsv: name, start and end time, result (to find the runtime
# calls of a scenario in the runtime-logger log). Exit status 0 when all
# passed.
# env: SCN_ONLY (an ERE: run only the scenarios whose name matches),
#      SCN_TIMEOUT (60 s per client command), STOP_MAX (5 s: a stop by
#      SIGTERM must take less; the stop timeout is 10 s), HEALTH_INTERVAL (5s: the
#      hardened app's health check interval), PODMAN_RUN_OPTS, SCN_LOG (the
#      runtime-logger directory of RUNTIME: adds the calls.* checks),
#      SCN_TIMES=1 (a note with each scenario's time).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR=${1:?usage: scenarios.sh DIR NAME RUNTIME [docker] [ctr] [podman]}
NAME=${2:?usage: scenarios.sh DIR NAME RUNTIME [docker] [ctr] [podman]}
RT=${3:?usage: scenarios.sh DIR NAME RUNTIME [docker] [ctr] [podman]}
shift 3
CLIENTS=${*:-docker ctr podman}
. "$DIR/env.sh"
IMG=brig-busybox:latest
CIMG=docker.io/library/$IMG
PIMG=localhost/$IMG
T=${SCN_TIMEOUT:-60}
P=cl-$NAME # names of this pass's containers
NET=$CLIENTS_TOKEN-net
MARKS=$DIR/marks-$NAME.tsv
: >"$MARKS"
pass=0
fail=0

# scn NAME FUNC: runs FUNC, which returns 0 on success and sets R to the
# reason of a failure.
scn() {
	local name=$1 t0 res
	shift
	[ -n "${SCN_FORCE:-}" ] || wanted "$name" || return 0
	R='' t0=$(now)
	if "$@"; then
		echo "PASS $name"
		pass=$((pass + 1)) res=PASS
	else
		echo "FAIL $name: $(printf '%s' "${R:-failed}" | tr '\n\t' '  ' | sed 's/  */ /g' | cut -c1-400)"
		fail=$((fail + 1)) res=FAIL
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$t0" "$(now)" "$res" >>"$MARKS"
	[ -z "${SCN_TIMES:-}" ] || cl_note "$name: $(since "$t0")s"
}
# wanted NAME...: one of the scenarios is selected (SCN_ONLY)
wanted() {
	local n
	[ -z "${SCN_ONLY:-}" ] && return 0
	for n in "$@"; do [[ $n =~ $SCN_ONLY ]] && return 0; done
	return 1
}
# needed NAME FUNC DEPENDENT...: scenario NAME, which the DEPENDENTs need,
# runs when one of them is selected too
needed() {
	local name=$1 func=$2
	shift 2
	wanted "$name" "$@" || return 0
	SCN_FORCE=1 scn "$name" "$func"
}
has() { grep -qE -- "$1" <<<"$2"; } # has ERE TEXT
not_run() { R=$1; return 1; }       # not_run REASON: a scenario that could not run
wait_for() {                      # wait_for SECONDS CMD...: polls CMD every 0.1 s
	local n=$(($1 * 10))
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# -k: ctr and podman pass SIGTERM on to the container, whose pid 1 may ignore it
d() { timeout -k 5 "$T" "$DOCKER" "$@"; }
c() { timeout -k 5 "$T" "$CTR" "$@"; }
# shellcheck disable=SC2086
p() { timeout -k 5 "$T" "$PODMAN" $PODMAN_OPTS --runtime "$RT" "$@"; }
# tty_run CMD...: CMD with a pty as its terminal (script(1)), stdin closed
tty_run() { timeout -k 5 "$T" script -qec "$(printf '%q ' "$@")" /dev/null </dev/null; }

# The init of a container is the process that runs the user's program
# (created by the runtime, execve'd into the program) and a child of the
# client's monitor (the runtime exited; the monitor is a subreaper).
check_init() { # PID MONITOR-COMM EXPECTED-CMDLINE
	local pp comm cmd
	pp=$(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	comm=$(cat "/proc/$pp/comm" 2>/dev/null)
	cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)
	[ "$comm" = "$2" ] && [ "${cmd% }" = "$3" ] ||
		{ R="pid $1 runs '${cmd% }' (expected '$3'), its parent $pp is '$comm' (expected '$2')"; return 1; }
}

# A process that counts in /tmp/tick of the container whose init is PID: the
# host reads it through /proc/PID/root. Paused, the count must not move.
TICKER='i=0; while :; do i=$((i + 1)); echo $i >/tmp/tick.new; mv /tmp/tick.new /tmp/tick; usleep 20000; done'
tick() { cat "/proc/$1/root/tmp/tick" 2>/dev/null; }
tick_moves() { # PID: the count changes within 2 s
	local a
	a=$(tick "$1")
	wait_for 2 eval '[ "$(tick '"$1"')" != "$a" ] && [ -n "$(tick '"$1"')" ]'
}
check_frozen() { # PID: does not run for 0.5 s, and its cgroup is frozen
	local a b fz
	a=$(tick "$1")
	sleep 0.5
	b=$(tick "$1")
	[ -n "$a" ] && [ "$a" = "$b" ] || { R="the container ran while paused (count $a, then $b)"; return 1; }
	fz=$(cg_limit "$1" frozen)
	[ -z "$fz" ] || [ "$fz" = 1 ] ||
		{ R="the container does not run, but its $CG_MODE freezer cgroup is not frozen"; return 1; }
}
check_thawed() { # PID
	local fz
	fz=$(cg_limit "$1" frozen)
	[ -z "$fz" ] || [ "$fz" = 0 ] || { R="the cgroup is still frozen (freezer: $fz)"; return 1; }
	tick_moves "$1" || { R="the container does not run after resuming (count $(tick "$1"))"; return 1; }
}

# ---- the systemd driver (CG_DRIVER=systemd) ----
# A container's unit, from its init's cgroup (".../docker-ID.scope").
unit_of() { local c; c=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null); echo "${c##*/}"; }
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
# no unit left: collected, or inactive and not failed
unit_gone() {
	[ "$(systemctl show -P LoadState "$1" 2>/dev/null)" = not-found ] && return 0
	[ "$(systemctl show -P ActiveState "$1" 2>/dev/null)" = inactive ] &&
		[ -z "$(systemctl list-units --all --plain --no-legend "$1" 2>/dev/null)" ]
}
# in_scope PID CGROUP: PID is in CGROUP (or below it: crun puts the container in a
# sub-cgroup "container" of its scope), whose unit (its last part) is active
in_scope() {
	local cg u
	cg=$(cgroup_of "$1") u=${2##*/}
	case $cg in "$2" | "$2"/*) ;; *) cg="$cg (expected $2 or below)" ;; esac
	[ "${cg%% *}" = "$cg" ] && [ "$(systemctl is-active "$u" 2>/dev/null)" = active ] ||
		{ R="cgroup '$cg', unit $u $(systemctl is-active "$u" 2>&1)"; return 1; }
}

# ============================================================== docker and podman
# The scenarios whose commands the two CLIs share: CLI is d or p, CN a
# container that printed "started" and runs `sleep 300`.
cstate() { "$1" inspect -f "{{$3}}" "$2" 2>&1; } # CLI CN FIELD
cli_exec() {
	out=$("$1" exec "$2" echo hi 2>&1)
	[ "$out" = hi ] || { R="got: $out"; return 1; }
}
cli_exec_t() { # CLI CN ERE: exec -t gets a pty (docker's output starts with it)
	out=$("$1" exec -t "$2" tty 2>&1)
	has "$3" "$out" || { R="got: $out"; return 1; }
}
cli_exec_rc() {
	out=$("$1" exec "$2" sh -c 'exit 3' 2>&1)
	rc=$?
	[ $rc = 3 ] || { R="expected exit 3, got $rc $out"; return 1; }
}
cli_exec_user() {
	out=$("$1" exec -u 1000:1000 -w /tmp -e FOO=bar "$2" sh -c 'echo "$(id -u):$(id -g):$(pwd):$FOO"' 2>&1)
	[ "$out" = "1000:1000:/tmp:bar" ] || { R="got: $out"; return 1; }
}
cli_logs() {
	out=$("$1" logs "$2" 2>&1)
	has started "$out" || { R="got: $out"; return 1; }
}
cli_top() {
	out=$("$1" top "$2" 2>&1)
	has 'sleep 300' "$out" || { R="got: $out"; return 1; }
}
cli_pause() {
	local pid st
	pid=$(cstate "$1" "$2" .State.Pid)
	"$1" exec -d "$2" sh -c "$TICKER" >/dev/null 2>&1
	tick_moves "$pid" || { R="the counting process does not count"; return 1; }
	out=$("$1" pause "$2" 2>&1) || { R="pause: $out"; return 1; }
	st=$(cstate "$1" "$2" .State.Status)
	[ "$st" = paused ] && check_frozen "$pid" || {
		R="after pause: status $st; $R"
		"$1" unpause "$2" >/dev/null 2>&1
		return 1
	}
	out=$("$1" unpause "$2" 2>&1) || { R="unpause: $out"; return 1; }
	st=$(cstate "$1" "$2" .State.Status)
	[ "$st" = running ] && check_thawed "$pid" || { R="after unpause: status $st; $R"; return 1; }
	out=$("$1" exec "$2" echo alive 2>&1)
	[ "$out" = alive ] || { R="exec after unpause: $out"; return 1; }
}

# ============================================================== docker
DR() { d run --runtime "$NAME" "$@"; }
dstate() { cstate d "$@"; }

ds_run_rm() {
	local t0
	t0=$(now)
	out=$(DR --rm --network none "$IMG" true 2>&1) || { R="exit $? $out"; return 1; }
	cl_note "docker run --rm true took $(since "$t0")s"
}
ds_exit_code() {
	out=$(DR --rm --network none "$IMG" sh -c 'exit 42' 2>&1)
	rc=$?
	[ $rc = 42 ] || { R="expected exit 42, got $rc $out"; return 1; }
}
ds_id_caps() {
	out=$(DR --rm --network none "$IMG" sh -c 'id; grep Cap /proc/self/status; hostname' 2>&1) || { R=$out; return 1; }
	has 'uid=0\(root\) gid=0\(root\)' "$out" && has 'CapBnd:\s+00000000a80425fb' "$out" &&
		has 'CapEff:\s+00000000a80425fb' "$out" && has '^[0-9a-f]{12}$' "$out" || { R="got: $out"; return 1; }
}
# The docker CLI turns the runtime's error into 127 or 126 by its words
# ("no such file or directory", "executable file not found", "permission denied").
ds_not_found() {
	out=$(DR --rm --network none "$IMG" /no/such/cmd 2>&1)
	rc=$?
	[ $rc = 127 ] || { R="expected exit 127, got $rc $out"; return 1; }
}
ds_not_exec() {
	out=$(DR --rm --network none "$IMG" /etc/passwd 2>&1)
	rc=$?
	[ $rc = 126 ] && has 'permission denied' "$out" || { R="expected exit 126, got $rc $out"; return 1; }
}
ds_stdin() {
	out=$(echo hello-stdin | DR --rm -i --network none "$IMG" cat 2>&1)
	[ "$out" = hello-stdin ] || { R="got: $out"; return 1; }
}
ds_tty() {
	out=$(DR --rm -t --network none "$IMG" tty 2>&1)
	has '^/dev/pts/[0-9]+' "$out" || { R="got: $out"; return 1; }
}
ds_detach() {
	out=$(DR -d --name "$P-bg" --network none "$IMG" sh -c 'echo started; exec sleep 300' 2>&1) || { R=$out; return 1; }
	wait_for 5 eval '[ "$(dstate "$P-bg" .State.Status)" = running ]' ||
		{ R="not running: $(dstate "$P-bg" '.State.Status}} {{.State.Error')"; return 1; }
}
ds_init() { check_init "$(dstate "$P-bg" .State.Pid)" containerd-shim "sleep 300"; }
ds_stats() {
	out=$(d stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$P-bg" 2>&1) || { R=$out; return 1; }
	has '^[0-9.]+[KMG]i?B / ' "$out" && ! has '^0B' "$out" && ! has '\|0$' "$out" || { R="got: $out"; return 1; }
}
ds_kill() {
	out=$(d kill "$P-bg" 2>&1) || { R=$out; return 1; }
	wait_for 5 eval '[ "$(dstate "$P-bg" .State.Status)" = exited ]'
	st=$(dstate "$P-bg" '.State.Status}} {{.State.ExitCode')
	[ "$st" = "exited 137" ] || { R="after kill: $st"; return 1; }
}
ds_stop() {
	local t0 dt ec lg
	out=$(DR -d --name "$P-stop" --network none "$IMG" sh -c \
		'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.2; done' 2>&1) || { R=$out; return 1; }
	wait_for 5 eval 'has ready "$(d logs "$P-stop" 2>&1)"'
	t0=$(now)
	out=$(d stop -t 10 "$P-stop" 2>&1) || { R=$out; return 1; }
	dt=$(since "$t0") ec=$(dstate "$P-stop" .State.ExitCode) lg=$(d logs "$P-stop" 2>&1)
	awk -v x="$dt" -v m="${STOP_MAX:-5}" 'BEGIN { exit !(x < m) }' && [ "$ec" = 0 ] && has got-term "$lg" ||
		{ R="stop took ${dt}s, exit $ec, logs: $lg"; return 1; }
}
ds_restart() {
	local p1 p2
	out=$(DR -d --name "$P-rs" --network none "$IMG" sleep 300 2>&1) || { R=$out; return 1; }
	p1=$(dstate "$P-rs" .State.Pid)
	out=$(d restart -t 1 "$P-rs" 2>&1) || { R=$out; return 1; }
	p2=$(dstate "$P-rs" '.State.Pid}} {{.State.Status')
	[ "${p2#* }" = running ] && [ "${p2% *}" != "$p1" ] || { R="pid $p1 before, after: $p2"; return 1; }
}
# restored_counter CLI NAME LABEL: the checkpoint scenarios' counter (its
# count in /tmp/count, "tick=N" on stdout) runs on after the restore, from
# where it was, and its output reaches CLI's logs
restored_counter() {
	local n1 n2
	n1=$($1 exec "$2" cat /tmp/count 2>&1)
	sleep 1.5
	n2=$($1 exec "$2" cat /tmp/count 2>&1)
	[ "$(cstate "$1" "$2" .State.Status)" = running ] && [ "${n1:-0}" -ge 3 ] 2>/dev/null &&
		[ "${n2:-0}" -gt "${n1:-0}" ] 2>/dev/null ||
		{ R="after the restore: status $(cstate "$1" "$2" .State.Status), count $n1 then $n2"; return 1; }
	out=$($1 logs "$2" 2>&1)
	has "tick=$n2" "$out" || { R="the restored container's output is not in $3 logs: $(tail -c 200 <<<"$out")"; return 1; }
}
# docker checkpoint create (dockerd's experimental mode), then docker start
# --checkpoint: containerd's shim calls the runtime's checkpoint and restore
# (with its stdio pipes); the counter goes on from where it was, its output
# in docker logs (criu; only where `criu check` passes)
ds_checkpoint() {
	local st
	out=$(DR -d --name "$P-ckpt" --network none "$IMG" sh -c \
		'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count; echo "tick=$i"; sleep 0.5; done' 2>&1) ||
		{ R="run -d: $out"; return 1; }
	sleep 2
	out=$(d checkpoint create "$P-ckpt" cp1 2>&1) || { R="checkpoint create: $out"; return 1; }
	st=$(dstate "$P-ckpt" .State.Status)
	[ "$st" = exited ] || { R="after checkpoint: status $st"; return 1; }
	out=$(d start --checkpoint cp1 "$P-ckpt" 2>&1) || { R="start --checkpoint: $out"; return 1; }
	restored_counter d "$P-ckpt" docker
}
ds_rm_f() {
	out=$(DR -d --name "$P-rm" --network none "$IMG" sleep 300 2>&1) || { R=$out; return 1; }
	out=$(d rm -f "$P-rm" 2>&1) || { R=$out; return 1; }
	! d inspect "$P-rm" >/dev/null 2>&1 || { R="still there"; return 1; }
}
ds_readonly() {
	out=$(DR --rm --network none --read-only --tmpfs /tmp:rw,noexec,size=64m "$IMG" sh -c \
		'touch /rootfs-write 2>/dev/null && echo ROOT-WRITABLE; touch /tmp/x && echo TMP-OK; grep " /tmp " /proc/mounts;
		 cp /bin/busybox /tmp/bb && /tmp/bb true 2>/dev/null && echo EXEC-OK' 2>&1)
	has TMP-OK "$out" && ! has ROOT-WRITABLE "$out" && ! has EXEC-OK "$out" && has noexec "$out" &&
		has 'size=65536k' "$out" || { R="got: $out"; return 1; }
}
ds_limits() {
	local pid m pl q in
	out=$(DR -d --name "$P-lim" --network none --memory=512m --cpus=1 --pids-limit=50 "$IMG" sleep 300 2>&1) ||
		{ R=$out; return 1; }
	pid=$(dstate "$P-lim" .State.Pid)
	m=$(cg_limit "$pid" memory) pl=$(cg_limit "$pid" pids) q=$(cg_limit "$pid" cpu_quota)
	in=$(d exec "$P-lim" sh -c "$CG_INSIDE" 2>&1)
	d rm -f "$P-lim" >/dev/null 2>&1
	[ "$m" = 536870912 ] && [ "$pl" = 50 ] && [ "$q" = 100000 ] ||
		{ R="host cgroup: memory $m, pids $pl, cpu quota $q"; return 1; }
	[ "$in" = "536870912 50" ] || { R="set, but the container's /sys/fs/cgroup shows: $in"; return 1; }
}
# The limits hold: a process above the memory limit is killed and docker
# sees the OOM (through the shim's watch on the container's cgroup, which
# starts after the task does, and must see the event before the exit: a
# second of sleep on either side); a fork beyond the pids limit fails.
ds_oom() {
	local st
	out=$(DR --name "$P-oom" --network none --memory=32m --memory-swap=32m "$IMG" sh -c \
		'sleep 1; head -c 200m /dev/zero | tail -c 100m >/dev/null; rc=$?; sleep 1; exit $rc' 2>&1)
	st=$(dstate "$P-oom" '.State.ExitCode}} {{.State.OOMKilled')
	d rm -f "$P-oom" >/dev/null 2>&1
	[ "$st" = "137 true" ] || { R="exit code and OOMKilled: $st, output: $out"; return 1; }
}
ds_pids_enforced() {
	out=$(DR --rm --network none --pids-limit=10 "$IMG" sh -c \
		'for i in $(seq 20); do sleep 5 & done' 2>&1)
	has "can't fork" "$out" || { R="20 forks with --pids-limit=10, got: $out"; return 1; }
}
# docker update sends every field; 0 means "unchanged" (the cpu quota here).
ds_update() {
	local pid m s pl q
	out=$(DR -d --name "$P-upd" --network none --memory=512m --memory-swap=1g --cpus=1 --pids-limit=50 "$IMG" sleep 300 2>&1) ||
		{ R=$out; return 1; }
	out=$(d update --memory 256m --memory-swap 512m --pids-limit 100 "$P-upd" 2>&1) || { R=$out; return 1; }
	pid=$(dstate "$P-upd" .State.Pid)
	m=$(cg_limit "$pid" memory) s=$(cg_limit "$pid" memsw) pl=$(cg_limit "$pid" pids) q=$(cg_limit "$pid" cpu_quota)
	d rm -f "$P-upd" >/dev/null 2>&1
	[ "$m" = 268435456 ] && { [ -z "$s" ] || [ "$s" = 536870912 ]; } && [ "$pl" = 100 ] && [ "$q" = 100000 ] ||
		{ R="memory $m (256m), memory+swap $s (512m), pids $pl (100), cpu quota $q (100000, unchanged)"; return 1; }
}
ds_caps() {
	out=$(DR --rm --network none --cap-drop=ALL --cap-add=NET_BIND_SERVICE "$IMG" grep Cap /proc/self/status 2>&1) ||
		{ R=$out; return 1; }
	has 'CapEff:\s+0000000000000400' "$out" && has 'CapBnd:\s+0000000000000400' "$out" || { R="got: $out"; return 1; }
}
ds_nnp() {
	out=$(DR --rm --network none --security-opt=no-new-privileges:true "$IMG" grep NoNewPrivs /proc/self/status 2>&1)
	has 'NoNewPrivs:\s+1' "$out" || { R="got: $out"; return 1; }
}
ds_user() {
	out=$(DR --rm --network none --user=1000:1000 "$IMG" id 2>&1)
	has '^uid=1000\(app\) gid=1000\(app\)' "$out" || { R="got: $out"; return 1; }
}
ds_net_none() {
	out=$(DR --rm --network none "$IMG" sh -c 'ls /sys/class/net; ip -o link show lo' 2>&1)
	[ "$(head -n1 <<<"$out")" = lo ] && [ "$(grep -c . <<<"$out")" = 2 ] && has 'state UNKNOWN|UP' "$out" ||
		{ R="got: $out"; return 1; }
}
net_create() {
	d network inspect "$NET" >/dev/null 2>&1 || d network create --internal "$NET" >/dev/null 2>&1
}
# Two containers on an --internal network (a bridge of its own, no route
# out): docker sets up their interfaces from the prestart hook.
ds_network() {
	local ip
	net_create || { R="network create failed"; return 1; }
	out=$(DR -d --name "$P-web" --network "$NET" "$IMG" httpd -f -p 8080 -h /www 2>&1) || { R=$out; return 1; }
	ip=$(dstate "$P-web" "(index .NetworkSettings.Networks \"$NET\").IPAddress")
	wait_for 5 eval 'd exec "$P-web" netstat -ltn 2>/dev/null | grep -q ":8080 "'
	# (nc: the static busybox's wget crashes on a non-loopback address)
	out=$(DR --rm --network "$NET" "$IMG" sh -c \
		"ip -4 -o addr show eth0; printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $ip 8080" 2>&1)
	d rm -f "$P-web" >/dev/null 2>&1
	has 'inet [0-9.]+/' "$out" && has 'hello from brig' "$out" || { R="server $ip, client got: $out"; return 1; }
}
ds_health() {
	local hs
	out=$(DR -d --name "$P-hc" --network none --health-cmd 'test -e /bin/sh' --health-interval 1s \
		--health-retries 2 "$IMG" sleep 300 2>&1) || { R=$out; return 1; }
	wait_for 15 eval '[ "$(dstate "$P-hc" .State.Health.Status)" = healthy ]'
	hs=$(dstate "$P-hc" .State.Health.Status)
	d rm -f "$P-hc" >/dev/null 2>&1
	[ "$hs" = healthy ] || { R="health status: $hs"; return 1; }
}
# With the systemd driver: what docker info says, the container's scope, and
# none left once the container is removed.
ds_driver() {
	out=$(d info --format '{{.CgroupDriver}} {{.CgroupVersion}}' 2>&1)
	[ "$out" = "systemd 2" ] || [ "$out" = "systemd 1" ] || { R="docker info: $out"; return 1; }
}
ds_scope() { in_scope "$(dstate "$P-bg" .State.Pid)" "/system.slice/docker-$(dstate "$P-bg" .Id).scope"; }
# (last: removes the run-d container)
ds_unit_removed() {
	local id
	id=$(dstate "$P-bg" .Id)
	out=$(d rm -f "$P-bg" 2>&1) || { R="rm -f: $out"; return 1; }
	wait_for 5 unit_gone "docker-$id.scope" ||
		{ R="docker-$id.scope is left: $(systemctl show -P ActiveState "docker-$id.scope")"; return 1; }
}

# The hardened app of the issue, as a user types it (the port is not
# published: docker drops the ports of --internal networks). Started first,
# checked last, so that its health check has run by then.
ds_hardened_start() {
	net_create || { R="network create failed"; return 1; }
	out=$(d run --runtime "$NAME" --detach --name="$P-hardened" --user=1000:1000 --cap-drop=ALL \
		--cap-add=NET_BIND_SERVICE --security-opt=no-new-privileges:true --read-only \
		--tmpfs /tmp:rw,noexec,size=64m --memory=512m --cpus=1 --pids-limit=50 --network="$NET" \
		--publish 127.0.0.1:8080:8080 --health-cmd="wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1" \
		--health-interval="${HEALTH_INTERVAL:-5s}" "$IMG" httpd -f -p 8080 -h /www 2>&1) || { R=$out; return 1; }
}
ds_hardened_check() {
	local st hs
	st=$(dstate "$P-hardened" .State.Status)
	[ "$st" = running ] || { R="status $st"; return 1; }
	out=$(d exec "$P-hardened" sh -c 'id; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status;
		wget -q -O- http://127.0.0.1:8080/' 2>&1)
	has 'uid=1000\(app\)' "$out" && has 'CapBnd:\s+0000000000000400' "$out" && has 'NoNewPrivs:\s+1' "$out" &&
		has 'hello from brig' "$out" || { R="inside: $out"; return 1; }
	wait_for 60 eval '[ "$(dstate "$P-hardened" .State.Health.Status)" != starting ]'
	hs=$(dstate "$P-hardened" .State.Health.Status)
	[ "$hs" = healthy ] || { R="health: $hs $(dstate "$P-hardened" 'json .State.Health.Log' | cut -c1-200)"; return 1; }
}

run_docker() {
	local s
	if ! d version >/dev/null 2>&1; then
		scn docker.daemon not_run "dockerd does not answer at $DOCKER_HOST"
		return
	fi
	needed docker.hardened-start ds_hardened_start docker.hardened-app
	scn docker.run-rm ds_run_rm
	[ "$CG_DRIVER" = systemd ] && scn docker.cgroup-driver ds_driver
	scn docker.exit-code-42 ds_exit_code
	scn docker.id-caps-hostname ds_id_caps
	scn docker.cmd-not-found-127 ds_not_found
	scn docker.cmd-not-executable-126 ds_not_exec
	scn docker.run-i ds_stdin
	scn docker.run-t ds_tty
	local deps=(init-is-shim-child exec exec-t exec-exit-code exec-user-workdir-env logs top stats pause-unpause kill-137)
	[ "$CG_DRIVER" = systemd ] && deps+=(systemd-scope systemd-unit-removed)
	needed docker.run-d ds_detach "${deps[@]/#/docker.}"
	if ! wanted "${deps[@]/#/docker.}"; then
		:
	elif [ "$(dstate "$P-bg" .State.Status)" = running ]; then
		scn docker.init-is-shim-child ds_init
		scn docker.exec cli_exec d "$P-bg"
		scn docker.exec-t cli_exec_t d "$P-bg" '^/dev/pts/[0-9]+'
		scn docker.exec-exit-code cli_exec_rc d "$P-bg"
		scn docker.exec-user-workdir-env cli_exec_user d "$P-bg"
		scn docker.logs cli_logs d "$P-bg"
		scn docker.top cli_top d "$P-bg"
		[ "$CG_DRIVER" = systemd ] && scn docker.systemd-scope ds_scope
		scn docker.stats ds_stats
		scn docker.pause-unpause cli_pause d "$P-bg"
		scn docker.kill-137 ds_kill
		[ "$CG_DRIVER" = systemd ] && scn docker.systemd-unit-removed ds_unit_removed
	else
		for s in "${deps[@]}"; do
			scn "docker.$s" not_run "not run: docker run -d failed"
		done
	fi
	scn docker.stop-sigterm ds_stop
	scn docker.restart ds_restart
	scn docker.rm-f ds_rm_f
	scn docker.read-only-tmpfs ds_readonly
	scn docker.limits ds_limits
	scn docker.memory-oom-killed ds_oom
	scn docker.pids-limit-fork-fails ds_pids_enforced
	scn docker.update ds_update
	scn docker.cap-drop-add ds_caps
	scn docker.no-new-privileges ds_nnp
	scn docker.user ds_user
	scn docker.network-none ds_net_none
	scn docker.network-internal ds_network
	scn docker.healthcheck ds_health
	scn docker.hardened-app ds_hardened_check
	if criu check >/dev/null 2>&1; then
		scn docker.checkpoint-restore ds_checkpoint
	else
		cl_note "docker.checkpoint-restore not run: criu check fails here"
	fi
	# shellcheck disable=SC2046
	d rm -f $(d ps -aq --filter "name=^$P-") >/dev/null 2>&1
	d network rm "$NET" >/dev/null 2>&1
}

# ============================================================== ctr
CR() { c run --runc-binary "$RT" --runc-root "$CLIENTS_RUN/ctr-root/$NAME" --fifo-dir "$CLIENTS_RUN/fifo" "$@"; }
task_status() { c task ls 2>/dev/null | awk -v n="$1" '$1 == n { print $3 }'; }
task_pid() { c task ls 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
ctr_rm() { # ID...
	local id
	for id in "$@"; do
		c task kill -s SIGKILL "$id" >/dev/null 2>&1
		wait_for 5 eval '[ "$(task_status "$id")" != RUNNING ]'
		c task delete -f "$id" >/dev/null 2>&1
		c container rm "$id" >/dev/null 2>&1
	done
}

cs_run_rm() {
	local t0
	t0=$(now)
	out=$(CR --rm "$CIMG" "$P-c1" true 2>&1) || { R="exit $? $out"; return 1; }
	cl_note "ctr run --rm true took $(since "$t0")s"
}
cs_exit() {
	out=$(CR --rm "$CIMG" "$P-c2" sh -c 'exit 42' 2>&1)
	rc=$?
	[ $rc = 42 ] || { R="expected exit 42, got $rc $out"; return 1; }
}
# (ctr run never closes the container's stdin at EOF: stdin is /dev/null)
cs_stdio() {
	out=$(CR --rm "$CIMG" "$P-c3" sh -c 'echo to-stdout; echo to-stderr >&2' </dev/null 2>&1)
	has to-stdout "$out" && has to-stderr "$out" || { R="got: $out"; return 1; }
}
# (sleep: ctr loses the console output of a process that exits at once)
cs_tty() {
	out=$(tty_run "$CTR" run --runc-binary "$RT" --runc-root "$CLIENTS_RUN/ctr-root/$NAME" \
		--fifo-dir "$CLIENTS_RUN/fifo" --rm -t "$CIMG" "$P-c4" sh -c 'tty; sleep 0.3' 2>&1)
	has '/dev/pts/[0-9]+' "$out" || { R="got: $out"; return 1; }
}
cs_detach() {
	out=$(CR -d "$CIMG" "$P-cbg" sleep 300 2>&1) || { R=$out; return 1; }
	[ "$(task_status "$P-cbg")" = RUNNING ] || { R="task ls: $(c task ls 2>&1)"; return 1; }
}
cs_init() { check_init "$(task_pid "$P-cbg")" containerd-shim "sleep 300"; }
cs_exec() {
	out=$(c task exec --fifo-dir "$CLIENTS_RUN/fifo" --exec-id e1 "$P-cbg" echo hi 2>&1)
	[ "$out" = hi ] || { R="got: $out"; return 1; }
}
cs_exec_rc() {
	out=$(c task exec --fifo-dir "$CLIENTS_RUN/fifo" --exec-id e2 "$P-cbg" sh -c 'exit 3' 2>&1)
	rc=$?
	[ $rc = 3 ] || { R="expected exit 3, got $rc $out"; return 1; }
}
cs_exec_t() {
	out=$(tty_run "$CTR" task exec --fifo-dir "$CLIENTS_RUN/fifo" -t --exec-id e3 "$P-cbg" tty 2>&1)
	has '/dev/pts/[0-9]+' "$out" || { R="got: $out"; return 1; }
}
# ctr task ps is the runtime's "ps --format json"
cs_ps() {
	local pid
	pid=$(task_pid "$P-cbg")
	out=$(c task ps "$P-cbg" 2>&1)
	has "^$pid\s" "$out" || { R="task pid $pid, task ps: $out"; return 1; }
}
cs_pause() { # [TASK]
	local pid t=${1:-$P-cbg}
	pid=$(task_pid "$t")
	c task exec --fifo-dir "$CLIENTS_RUN/fifo" --detach --exec-id tick "$t" sh -c "$TICKER" >/dev/null 2>&1
	tick_moves "$pid" || { R="the counting process does not count"; return 1; }
	out=$(c task pause "$t" 2>&1) || { R="pause: $out"; return 1; }
	[ "$(task_status "$t")" = PAUSED ] && check_frozen "$pid" || {
		R="after pause: $(task_status "$t"); $R"
		c task resume "$t" >/dev/null 2>&1
		return 1
	}
	out=$(c task resume "$t" 2>&1) || { R="resume: $out"; return 1; }
	[ "$(task_status "$t")" = RUNNING ] && check_thawed "$pid" || { R="after resume: $(task_status "$t"); $R"; return 1; }
}
cs_metrics() { # [TASK]
	out=$(c task metrics "${1:-$P-cbg}" 2>&1) || { R=$out; return 1; }
	has 'memory\.(usage_in_bytes|usage|current)\s+[1-9]' "$out" && has 'pids.current\s+[1-9]' "$out" ||
		{ R="got: $out"; return 1; }
}
cs_kill() {
	out=$(c task kill -s SIGKILL "$P-cbg" 2>&1) || { R=$out; return 1; }
	wait_for 5 eval '[ "$(task_status "$P-cbg")" = STOPPED ]' || { R="after kill: $(c task ls 2>&1)"; return 1; }
	out=$(c task delete "$P-cbg" 2>&1) || { R="task delete: $out"; return 1; }
	has 'exit code 137' "$out" || { R="task delete (expected exit code 137): $out"; return 1; }
	out=$(c container rm "$P-cbg" 2>&1) || { R="container rm: $out"; return 1; }
}
cs_limits() {
	local pid m q
	out=$(CR -d --memory-limit 536870912 --cpus 1 "$CIMG" "$P-clim" sleep 300 2>&1) || { R=$out; return 1; }
	pid=$(task_pid "$P-clim")
	m=$(cg_limit "$pid" memory) q=$(cg_limit "$pid" cpu_quota)
	ctr_rm "$P-clim"
	[ "$m" = 536870912 ] && [ "$q" = 100000 ] || { R="host cgroup: memory $m, cpu quota $q"; return 1; }
}
cs_readonly_caps() {
	out=$(CR --rm --read-only --cap-drop CAP_CHOWN "$CIMG" "$P-c5" sh -c \
		'touch /x 2>/dev/null && echo ROOT-WRITABLE; grep CapEff /proc/self/status' 2>&1) || { R=$out; return 1; }
	! has ROOT-WRITABLE "$out" && has 'CapEff:\s+00000000a80425fa' "$out" || { R="got: $out"; return 1; }
}

# Kubernetes' way through containerd (SystemdCgroup = true, as ctr's
# --runc-systemd-cgroup sets it): a cgroupsPath "POD-SLICE:cri-containerd:ID"
# whose slice nests below kubepods.slice.
K8S_POD=pod${NAME//[^a-z0-9]/}$$
KP() { # ID CTR-RUN-ARGS...
	local id=$1
	shift
	CR --runc-systemd-cgroup --cgroup "kubepods-burstable-$K8S_POD.slice:cri-containerd:$id" "$@"
}
k8s_cg() { echo "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-$K8S_POD.slice/cri-containerd-$1.scope"; }
ck_run() {
	out=$(KP "$P-k8s" -d --memory-limit 536870912 --cpus 1 "$CIMG" "$P-k8s" sleep 300 2>&1) || { R=$out; return 1; }
	[ "$(task_status "$P-k8s")" = RUNNING ] || { R="task ls: $(c task ls 2>&1)"; return 1; }
	in_scope "$(task_pid "$P-k8s")" "$(k8s_cg "$P-k8s")"
}
ck_limits() {
	local pid m q
	pid=$(task_pid "$P-k8s")
	m=$(cg_limit "$pid" memory) q=$(cg_limit "$pid" cpu_quota)
	[ "$m" = 536870912 ] && [ "$q" = 100000 ] || { R="the scope's cgroup: memory $m, cpu quota $q"; return 1; }
}
ck_exec() {
	out=$(c task exec --fifo-dir "$CLIENTS_RUN/fifo" --exec-id k1 "$P-k8s" cat /proc/self/cgroup 2>&1)
	case $out in "0::/" | "0::$(k8s_cg "$P-k8s")" | "0::$(k8s_cg "$P-k8s")/"*) ;;
	*) R="exec's cgroup: $out"; return 1 ;; esac
}
ck_kill() {
	out=$(c task kill -s SIGKILL "$P-k8s" 2>&1) || { R=$out; return 1; }
	wait_for 5 eval '[ "$(task_status "$P-k8s")" = STOPPED ]' || { R="after kill: $(c task ls 2>&1)"; return 1; }
	out=$(c task delete "$P-k8s" 2>&1) || { R="task delete: $out"; return 1; }
	has 'exit code 137' "$out" || { R="task delete (expected exit code 137): $out"; return 1; }
	c container rm "$P-k8s" >/dev/null 2>&1
	wait_for 5 unit_gone "cri-containerd-$P-k8s.scope" ||
		{ R="cri-containerd-$P-k8s.scope is left: $(systemctl show -P ActiveState "cri-containerd-$P-k8s.scope")"; return 1; }
}
run_ctr_k8s() {
	local s deps=(k8s-limits k8s-exec k8s-pause-resume k8s-metrics k8s-kill-delete)
	needed ctr.k8s-run-d ck_run "${deps[@]/#/ctr.}"
	if ! wanted "${deps[@]/#/ctr.}"; then
		:
	elif [ "$(task_status "$P-k8s")" = RUNNING ]; then
		scn ctr.k8s-limits ck_limits
		scn ctr.k8s-exec ck_exec
		scn ctr.k8s-pause-resume cs_pause "$P-k8s"
		scn ctr.k8s-metrics cs_metrics "$P-k8s"
		scn ctr.k8s-kill-delete ck_kill
	else
		for s in "${deps[@]}"; do
			scn "ctr.$s" not_run "not run: ctr run -d in a pod slice failed"
		done
	fi
	ctr_rm "$P-k8s"
	systemctl stop "kubepods-burstable-$K8S_POD.slice" >/dev/null 2>&1
}

run_ctr() {
	local s
	if ! c version >/dev/null 2>&1; then
		scn ctr.daemon not_run "containerd does not answer at $CONTAINERD_ADDRESS"
		return
	fi
	mkdir -p "$CLIENTS_RUN/fifo"
	scn ctr.run-rm cs_run_rm
	scn ctr.exit-code-42 cs_exit
	scn ctr.run-stdout-stderr cs_stdio
	scn ctr.run-t cs_tty
	local deps=(init-is-shim-child task-exec task-exec-exit-code task-exec-t task-ps task-pause-resume task-metrics task-kill-delete)
	needed ctr.run-d cs_detach "${deps[@]/#/ctr.}"
	if ! wanted "${deps[@]/#/ctr.}"; then
		:
	elif [ "$(task_status "$P-cbg")" = RUNNING ]; then
		scn ctr.init-is-shim-child cs_init
		scn ctr.task-exec cs_exec
		scn ctr.task-exec-exit-code cs_exec_rc
		scn ctr.task-exec-t cs_exec_t
		scn ctr.task-ps cs_ps
		scn ctr.task-pause-resume cs_pause
		scn ctr.task-metrics cs_metrics
		scn ctr.task-kill-delete cs_kill
	else
		for s in "${deps[@]}"; do
			scn "ctr.$s" not_run "not run: ctr run -d failed"
		done
	fi
	scn ctr.limits cs_limits
	scn ctr.read-only-cap-drop cs_readonly_caps
	[ "$CG_DRIVER" = systemd ] && run_ctr_k8s
	# shellcheck disable=SC2046
	ctr_rm $(c container ls -q 2>/dev/null | grep "^$P-")
}

# ============================================================== podman
# Rootful podman asks for RLIMIT_NOFILE and RLIMIT_NPROC 1048576, above the
# hard limits of a machine without CAP_SYS_RESOURCE: ask for what we have.
hn=$(ulimit -Hn) hu=$(ulimit -Hu)
{ [ "$hu" = unlimited ] || [ "$hu" -gt 32768 ]; } && hu=32768
PODMAN_RUN_OPTS=${PODMAN_RUN_OPTS-"--ulimit nofile=$hn:$hn --ulimit nproc=$hu:$hu"}
PCG=(--cgroup-parent "/$CLIENTS_TOKEN/podman") # the systemd driver: podman's default
[ "$CG_DRIVER" = systemd ] && PCG=()
# shellcheck disable=SC2086
PR() { p run --network none "${PCG[@]}" $PODMAN_RUN_OPTS "$@"; }
pstate() { cstate p "$@"; }

ps_run_rm() {
	local t0
	t0=$(now)
	out=$(PR --rm "$PIMG" true 2>&1) || { R="exit $? $out"; return 1; }
	cl_note "podman run --rm true took $(since "$t0")s"
}
ps_exit() {
	out=$(PR --rm "$PIMG" sh -c 'exit 42' 2>&1)
	rc=$?
	[ $rc = 42 ] || { R="expected exit 42, got $rc $out"; return 1; }
}
ps_id_caps() {
	out=$(PR --rm "$PIMG" sh -c 'id; grep Cap /proc/self/status' 2>&1) || { R=$out; return 1; }
	has 'uid=0\(root\)' "$out" && has 'CapEff:\s+00000000800405fb' "$out" || { R="got: $out"; return 1; }
}
ps_not_found() {
	out=$(PR --rm "$PIMG" /no/such/cmd 2>&1)
	rc=$?
	[ $rc = 127 ] || { R="expected exit 127, got $rc $out"; return 1; }
}
ps_not_exec() {
	out=$(PR --rm "$PIMG" /etc/passwd 2>&1)
	rc=$?
	[ $rc = 126 ] && has 'permission denied' "$out" || { R="expected exit 126, got $rc $out"; return 1; }
}
ps_stdin() {
	out=$(echo hello-stdin | PR --rm -i "$PIMG" cat 2>&1)
	[ "$out" = hello-stdin ] || { R="got: $out"; return 1; }
}
ps_tty() {
	out=$(PR --rm -t "$PIMG" tty 2>&1)
	has '/dev/pts/[0-9]+' "$out" || { R="got: $out"; return 1; }
}
ps_detach() {
	out=$(PR -d --name "$P-pbg" "$PIMG" sh -c 'echo started; exec sleep 300' 2>&1) || { R=$out; return 1; }
	st=$(pstate "$P-pbg" .State.Status)
	[ "$st" = running ] || { R="status: $st"; return 1; }
}
ps_init() { check_init "$(pstate "$P-pbg" .State.Pid)" conmon "sleep 300"; }
ps_stats() {
	out=$(p stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$P-pbg" 2>&1) || { R=$out; return 1; }
	has '^[0-9.]+[kKMG]i?B' "$out" && ! has '\|0$' "$out" || { R="got: $out"; return 1; }
}
# (podman 4.3's update has no --pids-limit)
ps_update() {
	local pid m q
	out=$(p update --memory 256m --memory-swap 512m --cpus 0.5 "$P-pbg" 2>&1) || { R=$out; return 1; }
	pid=$(pstate "$P-pbg" .State.Pid)
	m=$(cg_limit "$pid" memory) q=$(cg_limit "$pid" cpu_quota)
	[ "$m" = 268435456 ] && [ "$q" = 50000 ] || { R="host cgroup: memory $m, cpu quota $q"; return 1; }
}
ps_kill() {
	out=$(p kill "$P-pbg" 2>&1) || { R=$out; return 1; }
	p wait "$P-pbg" >/dev/null 2>&1
	st=$(pstate "$P-pbg" '.State.Status}} {{.State.ExitCode')
	[ "$st" = "exited 137" ] || { R="after kill: $st"; return 1; }
}
ps_stop() {
	local t0 dt ec
	out=$(PR -d --name "$P-pstop" "$PIMG" sh -c \
		'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.2; done' 2>&1) || { R=$out; return 1; }
	wait_for 5 eval 'has ready "$(p logs "$P-pstop" 2>&1)"'
	t0=$(now)
	out=$(p stop -t 10 "$P-pstop" 2>&1) || { R=$out; return 1; }
	dt=$(since "$t0") ec=$(pstate "$P-pstop" .State.ExitCode)
	awk -v x="$dt" -v m="${STOP_MAX:-5}" 'BEGIN { exit !(x < m) }' && [ "$ec" = 0 ] && has got-term "$(p logs "$P-pstop" 2>&1)" ||
		{ R="stop took ${dt}s, exit $ec"; return 1; }
}
ps_rm_f() {
	out=$(PR -d --name "$P-prm" "$PIMG" sleep 300 2>&1) || { R=$out; return 1; }
	out=$(p rm -f -t 1 "$P-prm" 2>&1) || { R=$out; return 1; }
	! p container exists "$P-prm" || { R="still there"; return 1; }
}
# (podman's timers need systemd: the check runs by hand)
ps_health() {
	local rc hs
	out=$(PR -d --name "$P-phc" --health-cmd 'test -e /bin/sh' --health-interval 0 "$PIMG" sleep 300 2>&1) ||
		{ R=$out; return 1; }
	out=$(p healthcheck run "$P-phc" 2>&1)
	rc=$? hs=$(pstate "$P-phc" .State.Health.Status)
	p rm -f -t 0 "$P-phc" >/dev/null 2>&1
	[ $rc = 0 ] && [ "$hs" = healthy ] || { R="healthcheck run: exit $rc '$out', status $hs"; return 1; }
}
ps_manager() {
	local m
	out=$(p info --format json 2>&1)
	m=$(jq -r .host.cgroupManager <<<"$out" 2>/dev/null)
	[ "$m" = systemd ] || { R="podman info: cgroup manager '$m': $(head -c 300 <<<"$out")"; return 1; }
}
ps_scope() { in_scope "$(pstate "$P-pbg" .State.Pid)" "/machine.slice/libpod-$(pstate "$P-pbg" .Id).scope"; }
# (last: removes the run-d container)
ps_unit_removed() {
	local id
	id=$(pstate "$P-pbg" .Id)
	out=$(p rm -f -t 0 "$P-pbg" 2>&1) || { R="rm -f: $out"; return 1; }
	wait_for 5 unit_gone "libpod-$id.scope" ||
		{ R="libpod-$id.scope is left: $(systemctl show -P ActiveState "libpod-$id.scope")"; return 1; }
}
ps_hardened() {
	out=$(PR --rm --user=1000:1000 --cap-drop=ALL --cap-add=NET_BIND_SERVICE --security-opt=no-new-privileges:true \
		--read-only --tmpfs /tmp:rw,noexec,size=64m --memory=512m --cpus=1 --pids-limit=50 "$PIMG" \
		sh -c 'id; grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status; touch /x 2>/dev/null && echo ROOT-WRITABLE;
		       grep " /tmp " /proc/mounts; '"$CG_INSIDE" 2>&1) || { R=$out; return 1; }
	has 'uid=1000' "$out" && has 'CapBnd:\s+0000000000000400' "$out" && has 'NoNewPrivs:\s+1' "$out" &&
		! has ROOT-WRITABLE "$out" && has noexec "$out" && has '^536870912 50$' "$out" || { R="got: $out"; return 1; }
}
# podman container checkpoint, then restore: the counter goes on in the same
# container, from where it was (criu; only where `criu check` passes)
ps_checkpoint() {
	local st
	out=$(PR -d --name "$P-ckpt" "$PIMG" sh -c \
		'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count; echo "tick=$i"; sleep 0.5; done' 2>&1) ||
		{ R="run -d: $out"; return 1; }
	sleep 2
	out=$(p container checkpoint "$P-ckpt" 2>&1) || { R="checkpoint: $out"; return 1; }
	st=$(pstate "$P-ckpt" .State.Status)
	[ "$st" = exited ] || { R="after checkpoint: status $st"; return 1; }
	out=$(p container restore "$P-ckpt" 2>&1) || { R="restore: $out"; return 1; }
	restored_counter p "$P-ckpt" podman
}

run_podman() {
	local s
	scn podman.run-rm ps_run_rm
	[ "$CG_DRIVER" = systemd ] && scn podman.cgroup-manager ps_manager
	scn podman.exit-code-42 ps_exit
	scn podman.id-caps ps_id_caps
	scn podman.cmd-not-found-127 ps_not_found
	scn podman.cmd-not-executable-126 ps_not_exec
	scn podman.run-i ps_stdin
	scn podman.run-t ps_tty
	local deps=(init-is-conmon-child exec exec-t exec-exit-code exec-user-workdir-env logs top stats pause-unpause update kill-137)
	[ "$CG_DRIVER" = systemd ] && deps+=(systemd-scope systemd-unit-removed)
	needed podman.run-d ps_detach "${deps[@]/#/podman.}"
	if ! wanted "${deps[@]/#/podman.}"; then
		:
	elif [ "$(pstate "$P-pbg" .State.Status)" = running ]; then
		scn podman.init-is-conmon-child ps_init
		scn podman.exec cli_exec p "$P-pbg"
		scn podman.exec-t cli_exec_t p "$P-pbg" '/dev/pts/[0-9]+'
		scn podman.exec-exit-code cli_exec_rc p "$P-pbg"
		scn podman.exec-user-workdir-env cli_exec_user p "$P-pbg"
		scn podman.logs cli_logs p "$P-pbg"
		scn podman.top cli_top p "$P-pbg"
		[ "$CG_DRIVER" = systemd ] && scn podman.systemd-scope ps_scope
		scn podman.stats ps_stats
		scn podman.pause-unpause cli_pause p "$P-pbg"
		scn podman.update ps_update
		scn podman.kill-137 ps_kill
		[ "$CG_DRIVER" = systemd ] && scn podman.systemd-unit-removed ps_unit_removed
	else
		for s in "${deps[@]}"; do
			scn "podman.$s" not_run "not run: podman run -d failed"
		done
	fi
	scn podman.stop-sigterm ps_stop
	scn podman.rm-f ps_rm_f
	scn podman.healthcheck-run ps_health
	scn podman.hardened-flags ps_hardened
	if criu check >/dev/null 2>&1; then
		scn podman.checkpoint-restore ps_checkpoint
	else
		cl_note "podman.checkpoint-restore not run: criu check fails here"
	fi
	local id
	for id in $(p ps -aq --filter "name=^$P-" 2>/dev/null); do p rm -f -t 0 "$id" >/dev/null 2>&1; done
}

# ============================================================== the calls
# What the clients rely on, checked over every call of the pass in the
# runtime-logger log (SCN_LOG): the runtime's side of the contract.
CALLS=${SCN_LOG:+$SCN_LOG/calls.jsonl}
calls() { jq -c "$1" "$CALLS" 2>/dev/null | head -n 3; }
# create and exec: the pid file holds the pid when the call returns
cl_pid_file() {
	out=$(calls 'select((.verb == "create" or .verb == "exec") and .rc == 0 and .pidfile != "" and
		(.pidfile_after | test("^[0-9]+$") | not)) | {argv, pidfile_after}')
	[ -z "$out" ] || { R="pid file missing or not a pid after: $out"; return 1; }
}
# ps --format json (containerd's shim): a JSON array of pids
cl_ps_json() {
	out=$(calls 'select(.verb == "ps" and (.argv | index("json"))) |
		select(.rc != 0 or ((.stdout | try fromjson catch "x") | (type != "array" or any(.[]; type != "number")))) |
		{argv, rc, stdout}')
	[ -z "$out" ] || { R=$out; return 1; }
}
# podman's own calls (start, kill, delete, pause...) come without PATH
cl_podman_no_path() {
	out=$(calls 'select(.client == "podman" and .rc != null and .rc != 0) | {argv, rc, env}')
	[ -z "$out" ] || { R="failed: $out"; return 1; }
	[ -n "$(calls 'select(.client == "podman" and .env.PATH == null)')" ] || { R="no podman call without PATH seen"; return 1; }
}
run_calls() {
	[ -n "$CALLS" ] && [ -f "$CALLS" ] || return 0
	scn calls.pid-file-on-return cl_pid_file
	case " $CLIENTS " in *" ctr "* | *" docker "*) scn calls.ps-format-json cl_ps_json ;; esac
	case " $CLIENTS " in *" podman "*) scn calls.podman-without-path cl_podman_no_path ;; esac
}

cl_note "runtime $NAME ($RT); clients: $CLIENTS; cgroup $CG_MODE, driver $CG_DRIVER"
for cl in $CLIENTS; do
	case $cl in
	docker) run_docker ;;
	ctr) run_ctr ;;
	podman) run_podman ;;
	*) echo "unknown client $cl" >&2 ;;
	esac
done
run_calls
echo "$pass passed, $fail failed"
[ $fail = 0 ]
