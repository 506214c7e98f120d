#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config-linux.md#control-groups on a hybrid host (cgroup v1 controllers beside
# a cgroup2 mount): where the cgroup goes (absolute and relative cgroupsPath),
# the limits brig writes through its v1 layer and their enforcement (an OOM
# kill, pids.max, the cfs quota, cpuset), the device filter, the verbs that
# work on the cgroup (pause/resume, kill --all, ps, update, events), the
# "unset" values Docker, containerd and podman send, and the cleanup after
# delete and after a failed create. The pure cgroup v2 side runs in a VM:
# vm/test_cgroups_v2.sh (conformance.cgroups_v2).
#
# Every cgroup is below a test-only parent (/brig-test-PID/...) or, for the
# relative cgroupsPath, below this script's own cgroup; the lib's cleanup
# removes what is left of them (.cgroups in the temp dir) and nothing else.
. "$(dirname "$0")/lib.sh"
conf_init
. "$(dirname "$0")/vm/cglib.sh" # the helpers shared with the VM's script

MEM=$(v1_mount memory) PIDS=$(v1_mount pids) CPU=$(v1_mount cpu) ACCT=$(v1_mount cpuacct)
CPUSET=$(v1_mount cpuset) DEVS=$(v1_mount devices)
[ -n "$V2" ] || conf_skip_all "no cgroup2 mount (brig needs one)"
for c in MEM PIDS CPU ACCT CPUSET DEVS; do
	[ -n "${!c}" ] || conf_skip_all "not a hybrid host: no cgroup v1 hierarchy for ${c,,} (the cgroup v2 side is conformance.cgroups_v2)"
done
conf_log "hybrid host: cgroup2 at $V2; v1 memory $MEM, pids $PIDS, cpu $CPU, cpuacct $ACCT, cpuset $CPUSET, devices $DEVS"
PR=brig-test-$$-rel # relative cgroupsPaths: $PR/rN below this script's cgroup
UNLIMITED=9223372036854771712 # v1's memory "-1", read back (PAGE_COUNTER_MAX pages)

# This shell's cgroup in each hierarchy, below that hierarchy's mount point,
# one "ID:CONTROLLERS:PATH" line each (brig runs in the same cgroups).
own_lines() {
	local id ctrls path root
	while IFS=: read -r id ctrls path; do
		if [ -z "$ctrls" ]; then
			root=$(cg_mounts | awk -v m="$V2" '$1 == "cgroup2" && $2 == m { print $3 }')
		else
			root=$(cg_mounts | awk -v c="${ctrls%%,*}" '$1 == "cgroup" && index("," $4 ",", "," c ",") { print $3; exit }')
		fi
		[ "${root:-/}" != / ] && path=${path#"$root"}
		echo "$id:$ctrls:${path:-/}"
	done </proc/$$/cgroup
}

# ---- placement: absolute and relative cgroupsPath --------------------------------------

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sleep 600
brig_create "$B"
check_succeeds "[config-linux.md#cgroups-path] create with an absolute cgroupsPath (/$P/c1) succeeds"
exp=$(awk -F: -v p="/$CG" '{ print $1 ":" $2 ":" p }' /proc/$$/cgroup)
check_eq "[config-linux.md#cgroups-path] an absolute cgroupsPath is below each hierarchy's root: the init is in /$CG in every v1 hierarchy and in cgroup2" \
	"$exp" "$(cat "/proc/$PID/cgroup" 2>/dev/null)"
missing=$(for d in $(cg_dirs "$CG"); do [ -d "$d" ] || echo "$d"; done)
check_eq "[brig] the cgroup exists in every mounted hierarchy" "" "$missing"
brig delete "$ID"
check_succeeds "[runtime.md#delete] delete of the created container succeeds"
check_eq "[runtime.md#delete] delete removes the cgroup in every v1 hierarchy and in cgroup2" "" "$(dirs_left "$CG")"
check_eq "[brig] delete removes the parents create made (/$P)" "" "$(dirs_left "$P")"

REL=$PR/r1
while IFS=: read -r _ ctrls path; do
	leaf=${path%/}/$REL
	cg_register "${leaf#/}" "$(dirname "${leaf#/}")"
done < <(own_lines)
cg_bundle B none '{}' ".linux.cgroupsPath = \"$REL\"" /bin/sleep 600
brig_create "$B"
check_succeeds "[config-linux.md#cgroups-path] create with a relative cgroupsPath ($REL) succeeds"
exp=$(awk -F: -v r="$REL" '{ p = $3; sub(/\/$/, "", p); print $1 ":" $2 ":" p "/" r }' /proc/$$/cgroup)
check_eq "[config-linux.md#cgroups-path] a relative cgroupsPath is below the runtime's own cgroup in each hierarchy" \
	"$exp" "$(cat "/proc/$PID/cgroup" 2>/dev/null)"
rel_left() {
	local ctrls path leaf m
	while IFS=: read -r _ ctrls path; do
		m=$(hier_mount "$ctrls")
		leaf=${path%/}/$REL
		[ -d "$m$leaf" ] && echo "$m$leaf"
		[ -d "$m$(dirname "$leaf")" ] && echo "$m$(dirname "$leaf")"
	done < <(own_lines)
}
brig delete -f "$ID"
check_eq "[runtime.md#delete] delete removes a relative cgroup and the parent it made, in every hierarchy" "" "$(rel_left)"

# ---- exec --cgroup: a sub-cgroup of the container's (runc's v1 test) -------------------------

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sleep 600
if start_ctr "$B"; then
	brig exec --cgroup .. "$ID" true
	check_fails "[runc] exec --cgroup .. is refused"
	check_contains "[runc] ... in runc's words" " .. is not a sub cgroup path" "$ERR"
	brig exec --cgroup nonexistent "$ID" true
	check_fails "[runc] exec --cgroup of a sub-cgroup that does not exist fails"
	check_match "[runc] ... saying so, in runc's words" " adding pid .*/nonexistent/cgroup.procs: no such file " "$ERR"
	brig exec --cgroup whaaat:/ "$ID" true
	check_fails "[runc] exec --cgroup with a controller that is not mounted fails"
	check_contains "[runc] ... naming it" "unknown controller whaaat" "$ERR"
	brig exec "$ID" cat /proc/self/cgroup
	own=$OUT
	brig exec --cgroup / "$ID" cat /proc/self/cgroup
	check_eq "[runc] exec --cgroup / runs in the container's own cgroup" "$own" "$OUT"
	mkdir -p "$MEM/$CG/submem" "$CPU/$CG/subcpu" "$ACCT/$CG/subcpu"
	brig exec --cgroup memory:submem --cgroup cpu,cpuacct:subcpu "$ID" cat /proc/self/cgroup
	check_rc "[runc] exec --cgroup memory:submem --cgroup cpu,cpuacct:subcpu runs" 0
	check_match "[runc] ... in memory's sub-cgroup" ':memory:(/'"$CG"')?/submem($|[[:space:]])' "$OUT"
	check_match "[runc] ... in cpu's sub-cgroup" ':cpu[,a-z]*:(/'"$CG"')?/subcpu($|[[:space:]])' "$OUT"
	check_nomatch "[runc] ... and in the container's own cgroup elsewhere" ':pids:.*/sub' "$OUT"
	rmdir "$MEM/$CG/submem" "$CPU/$CG/subcpu" "$ACCT/$CG/subcpu" 2>/dev/null
	brig delete -f "$ID"
else
	not_ok "[runc] exec --cgroup: the container did not start" "$ERR"
fi

# ---- cleanup after a failed create ----------------------------------------------------------

cg_new CG "$PF"
cg_bundle B "$CG" '{}' . /nonexistent
brig_create "$B"
check_error_line "[runtime.md#create] create of a program that does not exist fails" create
check_eq "[runtime.md#errors] a failed create leaves no cgroup (v1 and cgroup2) behind" "" "$(dirs_left "$CG")"
check_eq "[runtime.md#errors] ... nor the parents it made" "" "$(dirs_left "$PF")"
check_true "[runtime.md#errors] ... nor a container" "$CONF_ROOT/$ID exists" test ! -e "$CONF_ROOT/$ID"

# ---- a cgroupsPath that existed before (runc's checks and words) ----------------------------

# frozen (here by the v1 freezer, as runc's test does): the process would
# freeze before it reports anything; runc refuses it
cg_new CG
for d in $(cg_dirs "$CG"); do mkdir -p "$d"; done
echo FROZEN >"$(v1_mount freezer)/$CG/freezer.state"
cg_bundle B "$CG" '{}' . /bin/true
brig_create "$B"
check_fails "[runc] create in a frozen cgroupsPath that existed before is refused, not a hang"
check_contains "[runc] ... in runc's words" "container's cgroup unexpectedly frozen" "$ERR"
check_no_container
check_eq "[runc] ... and the frozen cgroup is left as it was" FROZEN \
	"$(cat "$(v1_mount freezer)/$CG/freezer.state" 2>/dev/null)"
brig_create "$B"
check_fails "[runc] ... and so is a second create there"
echo THAWED >"$(v1_mount freezer)/$CG/freezer.state" 2>/dev/null
# with processes in it: runc warns, and runs the container there (the failed
# create removed the unused cgroup: made again)
for d in $(cg_dirs "$CG"); do mkdir -p "$d"; done
(exec sleep 600) &
sleeper=$!
conf_track_pid "$sleeper"
for d in $(cg_dirs "$CG"); do echo "$sleeper" >"$d/cgroup.procs"; done
brig_run "$B"
check_rc "[runc] a container runs in a cgroupsPath with other processes in it" 0
check_contains "[runc] ... with runc's warning" "container's cgroup is not empty" "$ERR"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
# and delete removes it, as runc does, once nothing else is in it
brig_run "$B"
check_rc "[runc] a container runs in a cgroupsPath that existed before, empty" 0
check_eq "[runc] ... and delete removes that cgroup in every hierarchy" "" "$(dirs_left "$CG")"
# unified resources on a host whose controller is on v1: runc's words
cg_new CG
cg_bundle B "$CG" '{"unified": {"memory.min": "0"}}' . /bin/true
brig_create "$B"
check_fails "[runc] linux.resources.unified for a controller on v1 fails create"
check_contains "[runc] ... as runc says it" "invalid configuration" "$ERR"
check_no_container

# A cpu that is not there: the kernel refuses the cpuset.cpus write, after
# brig made the cgroup.
cg_new CG "$PF"
cg_bundle B "$CG" "{\"cpu\": {\"cpus\": \"$(nproc --all)\"}}" . /bin/sleep 600
brig_create "$B"
check_error_line "[runtime.md#create] create fails when the kernel refuses a limit (cpuset.cpus $(nproc --all))" create
check_eq "[runtime.md#errors] a create that failed writing a limit leaves no cgroup behind" "" "$(dirs_left "$CG")"
check_eq "[runtime.md#errors] ... nor the parents it made" "" "$(dirs_left "$PF")"

# ---- pause and resume ----------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sh -c "$COUNTER"
# The container rewrites the file (truncate, then write): retry an empty read.
count() {
	local v i
	for i in $(seq 50); do
		v=$(cat "$B/out/count" 2>/dev/null)
		[ -n "$v" ] && break
		sleep 0.01
	done
	echo "$v"
}
if start_ctr "$B" && wait_for 10 test -s "$B/out/count"; then
	brig pause "$ID"
	check_succeeds "[runc] pause of a running container succeeds"
	check_eq "[runc] state shows paused after pause" paused "$(state_field "$ID" status)"
	frozen="events frozen $(key "$V2/$CG/cgroup.events" frozen), freezer.state $(rd "$(v1_mount freezer)/$CG/freezer.state")"
	check_match "[brig] the cgroup is frozen (cgroup2 cgroup.events or the v1 freezer)" \
		'events frozen 1|freezer.state FROZEN' "$frozen"
	c1=$(count)
	sleep 0.5
	c2=$(count)
	check_eq "[runc] a paused container's processes do not run (its counter stops)" "$c1" "$c2"
	brig pause "$ID"
	check_error_line "[runc] pause of a paused container fails" pause
	brig resume "$ID"
	check_succeeds "[runc] resume of a paused container succeeds"
	check_eq "[runc] state shows running after resume" running "$(state_field "$ID" status)"
	sleep 0.3
	check_true "[runc] after resume the processes run again (the counter advances)" \
		"counter $c2 before, $(count) after" test "$(count)" -gt "${c2:-0}"
	brig resume "$ID"
	check_error_line "[runc] resume of a running container fails" resume
	# exec --ignore-paused into a paused container: the process freezes at
	# birth; brig must not hold the container's lock through it, or resume
	# hangs (runc's "runc exec --ignore-paused")
	brig pause "$ID"
	"$BRIG" --root "$CONF_ROOT" exec --ignore-paused "$ID" /bin/echo exec-ran >"$CONF_TMP/ip.out" 2>&1 &
	ipx=$!
	conf_track_pid "$ipx" wait
	sleep 0.5
	brig resume "$ID"
	check_succeeds "[runc] resume succeeds while an exec --ignore-paused waits in the frozen cgroup"
	wait_for 20 test -s "$CONF_TMP/ip.out"
	kill -9 "$ipx" 2>/dev/null # still there only if it hangs (it forwards other signals)
	wait "$ipx" 2>/dev/null
	check_eq "[runc] ... and the exec runs once the container is resumed" exec-ran "$(cat "$CONF_TMP/ip.out")"
	brig pause "$ID"
	pids=$(procs_of "$CG")
	brig delete -f "$ID"
	check_succeeds "[runc] delete -f of a paused container succeeds"
	check_true "[runc] ... and kills its processes" "alive: $pids" wait_for 5 all_dead "$pids"
	check_true "[runc] ... and removes its cgroup" "left: $(dirs_left "$CG")" wait_for 3 gone "$CG"
else
	not_ok "[runc] pause/resume: the container runs" "it did not start or write its counter"
fi

# ---- kill --all ---------------------------------------------------------------------

# Without a pid namespace nothing kills the init's children when it dies:
# only the cgroup knows them, including one that left the init's tree.
for sig in KILL TERM; do
	cg_new CG
	cg_bundle B "$CG" '{}' "$NO_PIDNS" /bin/sh -c "$KILL_SCRIPT"
	if start_ctr "$B" && wait_for 10 eval '[ "$(nprocs "$V2/$CG")" -ge 4 ]'; then
		pids=$(procs_of "$CG")
		brig kill --all "$ID" "$sig"
		check_succeeds "[runc] kill --all $sig of a container without a pid namespace succeeds"
		check_true "[runc] kill --all $sig reaches every process of the cgroup, also one outside the init's tree" \
			"alive after 5s: $(for p in $pids; do pid_alive "$p" && echo "$p"; done | xargs)" \
			wait_for 5 all_dead "$pids"
		check_true "[runc] ... and the container is stopped" "status $(state_field "$ID" status)" \
			wait_for 5 status_is "$ID" stopped
		check_eq "[brig] ... and its v1 memory cgroup is empty too" 0 "$(nprocs "$MEM/$CG")"
		brig delete "$ID"
		check_eq "[runtime.md#delete] delete after kill --all removes the cgroup" "" "$(dirs_left "$CG")"
	else
		not_ok "[runc] kill --all $sig: the container runs its 4 processes" \
			"procs: $(procs_of "$CG" | xargs)"
	fi
done

# The init dies alone (no pid namespace): delete must end the rest.
cg_new CG
cg_bundle B "$CG" '{}' "$NO_PIDNS" /bin/sh -c "$KILL_SCRIPT"
if start_ctr "$B" && wait_for 10 eval '[ "$(nprocs "$V2/$CG")" -ge 4 ]'; then
	pids=$(procs_of "$CG")
	brig kill "$ID" KILL
	wait_for 5 status_is "$ID" stopped
	check_true "[brig] without a pid namespace the init's children outlive it" \
		"none of $pids alive" eval '! all_dead "$pids"'
	brig delete "$ID"
	check_succeeds "[runtime.md#delete] delete of a stopped container whose cgroup still has processes succeeds"
	check_true "[brig] ... and kills what was left in its cgroup" "alive: $pids" wait_for 5 all_dead "$pids"
	check_eq "[runtime.md#delete] ... and removes the cgroup" "" "$(dirs_left "$CG")"
else
	not_ok "[brig] delete of a stopped container with processes left: the container runs" ""
fi

# ---- ps -------------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sh -c 'sleep 600 & sleep 600 & wait'
if start_ctr "$B" && wait_for 10 eval '[ "$(nprocs "$V2/$CG")" -ge 3 ]'; then
	pids=$(procs_of "$CG")
	brig ps --format json "$ID"
	check_succeeds "[runc] ps --format json succeeds"
	check_eq "[runc] ps --format json is a bare array of numbers" true \
		"$(jq 'type == "array" and all(.[]; type == "number")' <<<"$OUT" 2>&1)"
	check_eq "[runc] ps --format json lists the container's host pids (its cgroup.procs)" \
		"$(xargs <<<"$pids")" "$(jq '.[]' <<<"$OUT" 2>/dev/null | sort -n | xargs)"
	check_contains "[runc] ... the init among them" " $PID " " $(xargs <<<"$pids") "
	brig ps "$ID"
	check_succeeds "[runc] ps (table) succeeds"
	check_match "[runc] ps prints ps -ef's header first" '^UID +PID +PPID' "$(head -n1 <<<"$OUT")"
	check_eq "[runc] ps prints one line per process of the container, and only those" \
		"$(xargs <<<"$pids")" "$(awk 'NR > 1 { print $2 }' <<<"$OUT" | sort -n | xargs)"
	brig ps "$ID" -o pid,comm
	check_eq "[runc] ps passes the options after the id to ps(1) (-o pid,comm)" \
		"PID COMMAND|sh sleep sleep" \
		"$(head -n1 <<<"$OUT" | xargs)|$(awk 'NR > 1 { print $2 }' <<<"$OUT" | sort | xargs)"
	brig exec -d --pid-file "$CONF_TMP/exec.pid" "$ID" /bin/sleep 600
	epid=$(cat "$CONF_TMP/exec.pid" 2>/dev/null)
	check_eq "[runc] a process started by exec is in the container's cgroup in every hierarchy" \
		"$(cat "/proc/$PID/cgroup" 2>/dev/null)" "$(cat "/proc/$epid/cgroup" 2>/dev/null)"
	brig ps --format json "$ID"
	check_contains "[runc] ... and ps lists it" ",$epid," ",$(jq -r 'join(",")' <<<"$OUT" 2>/dev/null),"
	brig delete -f "$ID"
	brig ps "$ID"
	check_error_line "[runc] ps of a deleted container fails" ps
else
	not_ok "[runc] ps: the container runs its 3 processes" "procs: $(procs_of "$CG" | xargs)"
fi

# ---- the device filter -------------------------------------------------------------------

cg_new CG
dev_bundle B "$CG" "$DENY_KMSG"
brig_run "$B"
check_eq "[config-linux.md#allowed-device-list] a device the rules deny cannot be opened (EPERM)" \
	"fail EPERM" "$(kv open) $(kv errno)"
check_eq "[config-linux.md#allowed-device-list] ... while /dev/null (always allowed) opens" ok "$(kv null.open)"
check_eq "[config-linux.md#allowed-device-list] ... and /dev/zero reads" yes "$(kv zero.readable)"
check_eq "[runtime.md#delete] run removes the cgroup when the container ends" "" "$(dirs_left "$CG")"
cg_new CG
dev_bundle B "$CG" "$ALLOW_KMSG"
brig_run "$B"
check_eq "[config-linux.md#allowed-device-list] a device the rules allow opens" ok "$(kv open)"
# runc reads access as the set of its r, w and m letters: "rwa" (in runc's
# own tests) is "rw", other letters and repeats do not matter.
cg_new CG
dev_bundle B "$CG" '[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rwa"}]'
brig_run "$B"
check_eq "[runc] access \"rwa\" is accepted as runc reads it (r and w): the device opens" \
	"0 ok" "$RC $(kv open)"
cg_new CG
dev_bundle B "$CG" '[{"allow": false, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "wwra"}]'
brig_run "$B"
check_eq "[runc] ... and a deny rule \"wwra\" denies r and w" "0 fail EPERM" "$RC $(kv open) $(kv errno)"
cg_new CG
dev_bundle B "$CG" '[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "a"}]'
brig_run "$B"
check_error_line "[brig] an access string with none of r, w and m is refused" run
check_contains "[brig] ... naming the JSON path" ".linux.resources.devices[1].access: invalid access" "$ERR"
check_no_container
cg_new CG
dev_bundle B "$CG" "$DENY_KMSG"
brig_create "$B"
list=$(cat "$DEVS/$CG/devices.list" 2>/dev/null)
check_contains "[brig] the v1 devices cgroup allows the default devices (c 1:3 rwm)" "c 1:3 rwm" "$list"
check_nomatch "[brig] ... neither all devices nor the denied c 1:11" '^(a \*:\* rwm|c 1:11 )' "$list"
brig delete -f "$ID"

# ---- memory: limit and OOM kill ------------------------------------------------------------

# dd's 64 MiB buffer cannot fit in 32 MiB: the OOM killer ends dd.
cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "exec $DD64"
brig_run "$B" --keep
check_rc "[config-linux.md#memory] over memory.limit the OOM killer kills the init: run exits 128+SIGKILL" 137
check_eq "[config-linux.md#memory] limit is written to v1 memory.limit_in_bytes" 33554432 "$(rd "$MEM/$CG/memory.limit_in_bytes")"
check_true "[config-linux.md#memory] v1 memory.oom_control counts the OOM kill" \
	"memory.oom_control: $(rd "$MEM/$CG/memory.oom_control")" test "$(key "$MEM/$CG/memory.oom_control" oom_kill)" -ge 1
check_true "[config-linux.md#memory] the usage never went above the limit (memory.max_usage_in_bytes)" \
	"max_usage $(rd "$MEM/$CG/memory.max_usage_in_bytes")" test "$(rd "$MEM/$CG/memory.max_usage_in_bytes")" -le 33554432
brig delete "$ID"
check_eq "[runtime.md#delete] delete of the OOM-killed container removes its cgroup" "" "$(dirs_left "$CG")"

# events: an "oom" line when a process of the container is OOM-killed.
cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "while [ ! -e /out/go ]; do usleep 20000; done; $DD64; echo dd=\$? >/out/dd; sleep 600"
if start_ctr "$B"; then
	events_bg "$B/out"
	wait_for 10 test -s "$B/out/dd"
	check_eq "[config-linux.md#memory] a process over the limit is killed with SIGKILL (its shell sees 137)" \
		dd=137 "$(cat "$B/out/dd" 2>/dev/null)"
	wait_for 3 eval '[ -n "$(oom_lines)" ]'
	check_eq "[runc] events prints an oom event for the OOM kill" "{\"type\":\"oom\",\"id\":\"$ID\"}" \
		"$(oom_lines | head -n1 | jq -c '{type, id}' 2>/dev/null)"
	check_eq "[brig] ... one, for one kill" 1 "$(oom_lines | grep -c .)"
	brig delete -f "$ID"
	wait_for 5 eval '! pid_alive "$EV"'
	check_true "[runc] events ends when the container is gone" "events (pid $EV) still runs" eval '! pid_alive "$EV"'
	wait "$EV" 2>/dev/null
else
	not_ok "[runc] events oom: the container runs" ""
fi

# The init itself is OOM-killed: the kill is still reported before events ends.
cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "while [ ! -e /out/go ]; do usleep 20000; done; exec $DD64"
if start_ctr "$B"; then
	events_bg "$B/out"
	wait_for 10 status_is "$ID" stopped
	wait_for 5 eval '! pid_alive "$EV"'
	check_true "[runc] events ends when the container's init is gone" "events (pid $EV) still runs" \
		eval '! pid_alive "$EV"'
	check_eq "[runc] events reports the OOM kill of the init before it ends" \
		"{\"type\":\"oom\",\"id\":\"$ID\"}" "$(oom_lines | head -n1 | jq -c '{type, id}' 2>/dev/null)"
	kill "$EV" 2>/dev/null
	wait "$EV" 2>/dev/null
	brig delete -f "$ID"
else
	not_ok "[runc] events oom of the init: the container runs" ""
fi

# disableOOMKiller (v1 only): the process over the limit waits instead of dying.
cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 33554432, "disableOOMKiller": true}}' . /bin/sh -c "exec $DD64"
if start_ctr "$B"; then
	check_eq "[config-linux.md#memory] disableOOMKiller is written to memory.oom_control" 1 \
		"$(key "$MEM/$CG/memory.oom_control" oom_kill_disable)"
	wait_for 10 eval '[ "$(key "$MEM/$CG/memory.oom_control" under_oom)" = 1 ]'
	check_eq "[config-linux.md#memory] ... the process over the limit is not killed but waits (under_oom 1)" \
		"under_oom 1 oom_kill 0 alive" \
		"under_oom $(key "$MEM/$CG/memory.oom_control" under_oom) oom_kill $(key "$MEM/$CG/memory.oom_control" oom_kill) $(pid_alive "$PID" && echo alive)"
	brig delete -f "$ID"
	check_true "[runc] delete -f ends a container stuck at its memory limit and removes its cgroup" \
		"init $PID alive: $(pid_alive "$PID" && echo yes); left: $(dirs_left "$CG")" \
		eval 'wait_for 5 eval "! pid_alive $PID" && wait_for 3 gone "$CG"'
else
	not_ok "[config-linux.md#memory] disableOOMKiller: the container runs" ""
fi

# ---- pids -------------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"pids": {"limit": 10}}' . /bin/sh -c 'sh -c '\''i=0; while [ $i -lt 20 ]; do sleep 600 & i=$((i + 1)); done'\'' 2>/out/err
echo done >/out/done; sleep 600'
if start_ctr "$B" && wait_for 10 test -e "$B/out/done"; then
	check_eq "[config-linux.md#pids] limit is written to v1 pids.max" 10 "$(rd "$PIDS/$CG/pids.max")"
	check_true "[config-linux.md#pids] the container never has more than 10 tasks (pids.current)" \
		"pids.current $(rd "$PIDS/$CG/pids.current")" test "$(rd "$PIDS/$CG/pids.current")" -le 10
	check_true "[config-linux.md#pids] forks over the limit fail (pids.events max)" \
		"pids.events: $(rd "$PIDS/$CG/pids.events")" test "$(key "$PIDS/$CG/pids.events" max)" -ge 1
	check_match "[config-linux.md#pids] ... and the container's shell sees the fork fail" "fork" \
		"$(cat "$B/out/err" 2>/dev/null)"
	brig delete -f "$ID"
else
	not_ok "[config-linux.md#pids] the container forks" "$(cat "$B/out/err" 2>/dev/null)"
fi

# ---- cpu and cpuset ------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}}' . /bin/sh -c 'while :; do :; done'
brig_create "$B"
check_succeeds "[config-linux.md#cpu] create with shares, quota, period, cpus and mems succeeds"
check_eq "[config-linux.md#cpu] shares, quota, period, cpus and mems are written to v1 cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us, cpuset.cpus, cpuset.mems" \
	"512 50000 100000 0 0" \
	"$(rd "$CPU/$CG/cpu.shares") $(rd "$CPU/$CG/cpu.cfs_quota_us") $(rd "$CPU/$CG/cpu.cfs_period_us") $(rd "$CPUSET/$CG/cpuset.cpus") $(rd "$CPUSET/$CG/cpuset.mems")"
brig start "$ID"
check_eq "[config-linux.md#cpu] the init may run on the cpus listed only" 0 \
	"$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$PID/status" 2>/dev/null)"
u0=$(rd "$ACCT/$CG/cpuacct.usage") t0=$(date +%s%N)
sleep 1.5
u1=$(rd "$ACCT/$CG/cpuacct.usage") t1=$(date +%s%N)
pct=$(((${u1:-0} - ${u0:-0}) * 100 / (t1 - t0)))
check_true "[config-linux.md#cpu] the cfs quota is enforced: a busy loop gets at most about 50% of a cpu" \
	"it got $pct%" test "$pct" -le 65
if [ "$pct" -lt 40 ]; then # it did not even use its quota: the host is busy
	skip "[config-linux.md#cpu] ... and is throttled (cpu.stat nr_throttled)" "the loop got $pct% of a cpu only"
else
	check_true "[config-linux.md#cpu] ... and is throttled (cpu.stat nr_throttled)" "cpu.stat: $(rd "$CPU/$CG/cpu.stat")" \
		test "$(key "$CPU/$CG/cpu.stat" nr_throttled)" -ge 1
fi
brig delete -f "$ID"

# blkio on v1: the throttle file, for the host's first disk (no I/O is done).
BLKIO=$(v1_mount blkio)
DISK=$(for d in /sys/block/*; do case ${d##*/} in loop* | ram* | zram* | dm-* | md* | sr*) ;; *) cat "$d/dev"; break ;; esac; done 2>/dev/null)
if [ -n "$BLKIO" ] && [ -n "$DISK" ]; then
	cg_new CG
	cg_bundle B "$CG" "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": ${DISK%:*}, \"minor\": ${DISK#*:}, \"rate\": 1048576}],
		\"throttleWriteIOPSDevice\": [{\"major\": ${DISK%:*}, \"minor\": ${DISK#*:}, \"rate\": 100}]}}" . /bin/sleep 600
	brig_create "$B"
	check_eq "[config-linux.md#block-io] the throttles are written to v1 blkio.throttle.read_bps_device and write_iops_device ($DISK)" \
		"$DISK 1048576|$DISK 100" \
		"$(rd "$BLKIO/$CG/blkio.throttle.read_bps_device")|$(rd "$BLKIO/$CG/blkio.throttle.write_iops_device")"
	brig delete -f "$ID"
else
	skip "[config-linux.md#block-io] the v1 blkio throttles" "no blkio hierarchy or no disk"
fi

# ---- update of a running container ------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864, "reservation": 33554432},
	"cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 100}}' . /bin/sleep 600
if start_ctr "$B"; then
	lim() { rd "$MEM/$CG/memory.limit_in_bytes"; }
	memsw() { rd "$MEM/$CG/memory.memsw.limit_in_bytes"; }
	soft() { rd "$MEM/$CG/memory.soft_limit_in_bytes"; }
	pmax() { rd "$PIDS/$CG/pids.max"; }
	cpus() { echo "$(rd "$CPU/$CG/cpu.shares") $(rd "$CPU/$CG/cpu.cfs_quota_us") $(rd "$CPU/$CG/cpu.cfs_period_us")"; }
	brig update --memory 128m --pids-limit 50 "$ID"
	check_succeeds "[runc] update --memory 128m --pids-limit 50 of a running container succeeds"
	check_eq "[runc] update --memory sets memory.limit_in_bytes" 134217728 "$(lim)"
	check_eq "[runc] update --pids-limit sets pids.max" 50 "$(pmax)"
	check_eq "[runc] ... and leaves the other limits alone" "33554432|512 50000 100000" "$(soft)|$(cpus)"
	brig update --cpu-shares 256 --cpu-quota 20000 --cpu-period 50000 "$ID"
	check_succeeds "[runc] update --cpu-shares --cpu-quota --cpu-period succeeds"
	check_eq "[runc] ... and sets cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us" "256 20000 50000" "$(cpus)"
	# runc's callers put flags after the id, and runc spells it --cpu-share
	brig update "$ID" --pids-limit 7 --cpu-share 300
	check_succeeds "[runc] update ID --pids-limit 7 --cpu-share 300 (flags after the id) succeeds"
	check_eq "[runc] ... and takes effect: pids.max 7, cpu.shares 300" "7 300" \
		"$(pmax) $(rd "$CPU/$CG/cpu.shares")"
	brig update --cpu-shares=256 "$ID"
	check_eq "[brig] --cpu-shares=N (brig's earlier spelling, the = form) sets cpu.shares" 256 \
		"$(rd "$CPU/$CG/cpu.shares")"
	# Docker's update (containerd's shim pipes it): 0 means "unchanged".
	echo "$DOCKER_UPDATE" >"$CONF_TMP/docker-update.json"
	brig_in "$CONF_TMP/docker-update.json" update --resources - "$ID"
	check_succeeds "[runc] update --resources - with Docker's JSON succeeds"
	check_eq "[runc] ... it sets memory.limit_in_bytes and pids.max" "268435456 100" "$(lim) $(pmax)"
	if [ -e "$MEM/$CG/memory.memsw.limit_in_bytes" ]; then
		check_eq "[runc] ... and memory.memsw.limit_in_bytes (swap)" 536870912 "$(memsw)"
	else
		skip "[runc] ... and memory.memsw.limit_in_bytes (swap)" "no swap accounting"
	fi
	check_eq "[runc] ... and its zeros leave reservation, shares, quota and period unchanged" \
		"33554432|256 20000 50000" "$(soft)|$(cpus)"
	# podman's update (--resources=FILE)
	echo "$PODMAN_UPDATE" >"$CONF_TMP/podman-update.json"
	brig update --resources="$CONF_TMP/podman-update.json" "$ID"
	check_succeeds "[runc] update --resources=FILE with podman's JSON succeeds"
	check_eq "[runc] ... and sets quota and period" "256 50000 100000" "$(cpus)"
	brig update --cpuset-cpus 0 --cpuset-mems 0 "$ID"
	check_eq "[runc] update --cpuset-cpus --cpuset-mems sets cpuset.cpus and cpuset.mems" "0 0" \
		"$(rd "$CPUSET/$CG/cpuset.cpus") $(rd "$CPUSET/$CG/cpuset.mems")"
	check_eq "[runc] ... and the init may run on cpu 0 only" 0 \
		"$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$PID/status" 2>/dev/null)"
	brig update --memory -1 --pids-limit -1 "$ID"
	check_succeeds "[runc] update --memory -1 --pids-limit -1 succeeds"
	check_eq "[runc] ... and lifts both limits (memory, memsw and pids.max unlimited)" \
		"$UNLIMITED $UNLIMITED max" "$(lim) $(if [ -e "$MEM/$CG/memory.memsw.limit_in_bytes" ]; then memsw; else echo "$UNLIMITED"; fi) $(pmax)"
	brig update --memory 64x "$ID"
	check_error_line "[runc] update with a malformed size fails" update
	brig delete -f "$ID"
	brig update --pids-limit 5 "$ID"
	check_error_line "[runc] update of a deleted container fails" update
else
	not_ok "[runc] update: the container runs" ""
fi

# ---- events --stats ------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"quota": 50000, "period": 100000}}' . /bin/sh -c 'sleep 600 & sleep 600 & wait'
if start_ctr "$B" && wait_for 10 eval '[ "$(nprocs "$V2/$CG")" -ge 3 ]'; then
	u0=$(rd "$ACCT/$CG/cpuacct.usage") m0=$(rd "$MEM/$CG/memory.usage_in_bytes")
	p0=$(key "$CPU/$CG/cpu.stat" nr_periods)
	brig events --stats "$ID"
	u1=$(rd "$ACCT/$CG/cpuacct.usage") m1=$(rd "$MEM/$CG/memory.usage_in_bytes")
	p1=$(key "$CPU/$CG/cpu.stat" nr_periods)
	S=$OUT
	d() { jget "$S" ".data$1"; }
	check_succeeds "[runc] events --stats succeeds"
	check_eq "[runc] events --stats prints one JSON object of type stats for the id" "1 stats $ID" \
		"$(grep -c . <<<"$S") $(jq -r '"\(.type) \(.id)"' <<<"$S" 2>/dev/null)"
	check_eq "[runc] memory.usage.limit is memory.limit_in_bytes" "$(rd "$MEM/$CG/memory.limit_in_bytes")" "$(d .memory.usage.limit)"
	mu=$(d .memory.usage.usage)
	check_true "[runc] memory.usage.usage is memory.usage_in_bytes (read before $m0 and after $m1)" "got $mu" \
		test "${mu:-0}" -ge $(((m0 < m1 ? m0 : m1) - 262144)) -a "${mu:-0}" -le $(((m0 > m1 ? m0 : m1) + 262144))
	check_eq "[runc] memory.usage.max and failcnt are memory.max_usage_in_bytes and memory.failcnt" \
		"$(rd "$MEM/$CG/memory.max_usage_in_bytes") $(rd "$MEM/$CG/memory.failcnt")" \
		"$(d .memory.usage.max) $(d .memory.usage.failcnt)"
	check_eq "[runc] memory.swap.limit is memory.memsw.limit_in_bytes" \
		"$(rd "$MEM/$CG/memory.memsw.limit_in_bytes")" "$(d .memory.swap.limit)"
	check_eq "[runc] memory.cache and memory.raw are memory.stat's" \
		"$(key "$MEM/$CG/memory.stat" cache) $(awk '{ print $1 }' "$MEM/$CG/memory.stat" | sort | xargs)" \
		"$(d .memory.cache) $(jq -r '.data.memory.raw | keys[]' <<<"$S" 2>/dev/null | sort | xargs)"
	check_eq "[runc] pids.current and pids.limit are pids.current and pids.max" \
		"$(rd "$PIDS/$CG/pids.current") 20" "$(d .pids.current) $(d .pids.limit)"
	ct=$(d .cpu.usage.total)
	check_true "[runc] cpu.usage.total is cpuacct.usage (read before $u0 and after $u1)" "got $ct" \
		test "${ct:-0}" -ge "${u0:-0}" -a "${ct:-0}" -le "${u1:-0}"
	check_eq "[runc] cpu.usage.percpu has cpuacct.usage_percpu's entries" \
		"$(rd "$ACCT/$CG/cpuacct.usage_percpu" | wc -w)" "$(jq '.data.cpu.usage.percpu | length' <<<"$S" 2>/dev/null)"
	cp_=$(d .cpu.throttling.periods)
	check_true "[runc] cpu.throttling.periods is cpu.stat nr_periods (before $p0, after $p1)" "got $cp_" \
		test "${cp_:-0}" -ge "${p0:-0}" -a "${cp_:-0}" -le "${p1:-0}"
	check_eq "[runc] cpu.throttling names its fields as runc does (periods, throttledPeriods, throttledTime)" \
		"periods throttledPeriods throttledTime" "$(jq -r '.data.cpu.throttling | keys_unsorted[]' <<<"$S" 2>/dev/null | xargs)"
	check_eq "[runc] blkio has the ioServiceBytesRecursive and ioServicedRecursive lists" "array array" \
		"$(jq -r '[.data.blkio.ioServiceBytesRecursive, .data.blkio.ioServicedRecursive] | map(type) | join(" ")' <<<"$S" 2>/dev/null)"
	brig update --pids-limit -1 "$ID"
	brig events --stats "$ID"
	check_eq "[runc] without a pids limit pids.limit is 0, as runc reports it" 0 "$(jget "$OUT" .data.pids.limit)"
	brig delete -f "$ID"
	brig events --stats "$ID"
	check_error_line "[runc] events --stats of a deleted container fails" events
else
	not_ok "[runc] events --stats: the container runs its 3 processes" ""
fi

# ---- the callers' "unset" values ----------------------------------------------------------------

# Each caller's linux.resources (cglib.sh) must create, write what they set
# and leave the "unset" fields at the kernel's defaults.
# caller NAME RESOURCES EXPECTED: EXPECTED is "memory memsw shares quota
# period pids oom_kill_disable" as the v1 files read them.
caller() {
	cg_new CG
	cg_bundle B "$CG" "$2" . /bin/probe open-write /dev/null
	brig_create "$B"
	check_succeeds "[runc] $1's linux.resources are accepted"
	local pm
	pm=$(rd "$PIDS/$CG/pids.max")
	check_eq "[runc] ... and give memory, memsw, cpu.shares, quota, period, pids.max, oom_kill_disable: $3" "$3" \
		"$(rd "$MEM/$CG/memory.limit_in_bytes") $(rd "$MEM/$CG/memory.memsw.limit_in_bytes") $(rd "$CPU/$CG/cpu.shares") $(rd "$CPU/$CG/cpu.cfs_quota_us") $(rd "$CPU/$CG/cpu.cfs_period_us") $pm $(key "$MEM/$CG/memory.oom_control" oom_kill_disable)"
	brig start "$ID"
	wait_for 10 status_is "$ID" stopped
	check_eq "[runc] ... and the container runs (/dev/null opens)" open=ok "$(cat "$CONF_TMP/$ID.out")"
	brig delete "$ID"
}
[ -e "$MEM/memory.memsw.limit_in_bytes" ] || conf_log "no swap accounting: memsw reads empty"
sw() { [ -e "$MEM/memory.memsw.limit_in_bytes" ] && echo "$1"; }
caller "Docker (docker run -d)" "$DOCKER_RUN" "$UNLIMITED $(sw $UNLIMITED) 1024 -1 100000 max 0"
caller "Docker (hardened: memory, swap, quota, pids)" "$DOCKER_HARDENED" "536870912 $(sw 1073741824) 1024 100000 100000 50 0"
caller "containerd (ctr run with limits, cpu.shares 1024)" "$CTR_LIMITS" "536870912 $(sw $UNLIMITED) 1024 100000 100000 max 0"
caller "podman (podman run -d, pids.limit 2048)" "$PODMAN_RUN" "$UNLIMITED $(sw $UNLIMITED) 1024 -1 100000 2048 0"

# ---- --rootless: a container without limits and no cgroup to be had -----------------------------

# ro_cg ARGS...: brig ARGS in a mount namespace of its own where every cgroup
# mount is read-only (mkdir there fails with EROFS, as it fails with EACCES
# for a user without a delegated cgroup); sets RC, OUT, ERR like brig.
ro_cg() {
	LAST_CMD="(cgroup mounts read-only) brig --root \$ROOT $*"
	# shellcheck disable=SC2016
	conf_fg timeout -k 5 60 unshare -m --propagation private sh -c '
		awk "{ for (i = 7; i <= NF; i++) if (\$i == \"-\") { t = \$(i + 1); break }
			if (t == \"cgroup\" || t == \"cgroup2\") print \$5 }" /proc/self/mountinfo |
		while read -r m; do mount -o remount,bind,ro "$m" || exit 1; done || exit 125
		exec "$@"' sh "$BRIG" --root "$CONF_ROOT" "$@" </dev/null >"$CONF_TMP/.out" 2>"$CONF_TMP/.err"
	RC=$?
	OUT=$(cat "$CONF_TMP/.out")
	ERR=$(cat "$CONF_TMP/.err")
}
cg_new CG
cg_bundle B "$CG" '{}' . /bin/sh -c 'echo ran'
new_id ID
ro_cg run --bundle "$B" "$ID"
check_fails "[brig] as root (--rootless auto) a cgroup brig cannot make fails create, limits or not"
check_match "[brig] ... naming the cgroup and the reason" 'brig: run: cgroup: .*Read-only file system' "$ERR"
check_no_container
new_id ID
ro_cg --rootless true run --bundle "$B" "$ID"
check_eq "[runc] --rootless true: a container without limits runs without a cgroup of its own" "0 ran" "$RC $OUT"
check_eq "[runc] ... and run leaves neither a cgroup nor the container's state" "" \
	"$(dirs_left "$CG")$(ls -d "$CONF_ROOT/$ID" 2>/dev/null)"
new_id ID
ro_cg --rootless=false run --bundle "$B" "$ID"
check_fails "[runc] --rootless false: the cgroup error is an error"
cg_new CG
cg_bundle B "$CG" '{"pids": {"limit": 20}}' . /bin/sh -c 'echo ran'
new_id ID
ro_cg --rootless true run --bundle "$B" "$ID"
check_fails "[runc] --rootless true: a container with limits still needs its cgroup"
check_match "[runc] ... and the error names the cgroup" 'brig: run: cgroup: ' "$ERR"
check_no_container

# ---- nothing left ---------------------------------------------------------------------------

check_eq "[runtime.md#delete] after the deletes no cgroup is left below the test parents" "" "$(cg_sweep)"

conf_finish
