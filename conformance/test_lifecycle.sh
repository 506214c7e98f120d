#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# runtime.md: the lifecycle and the operations create, start, state, kill and
# delete, plus run and the runc-compatible behaviour brig promises (pid file,
# error wording, delete of a created container, exit statuses of run).
. "$(dirname "$0")/lib.sh"
conf_init

# A bundle whose program records that it ran, then waits for a signal.
trap_bundle() { # VAR
	local bb
	new_bundle bb
	mount_out "$bb"
	set_args "$bb" /bin/probe write /out/ran yes + signal-trap
	printf -v "$1" '%s' "$bb"
}

# run_bg BUNDLE: `brig run` in the foreground of a background job; its pid in
# RUN_PID, the container's stdout in $CONF_TMP/$ID.out.
run_bg() {
	new_id ID
	timeout -k 5 60 "$BRIG" --root "$CONF_ROOT" run --bundle "$1" "$ID" </dev/null \
		>"$CONF_TMP/$ID.out" 2>"$CONF_TMP/$ID.err" &
	RUN_PID=$!
}

# ---- create ------------------------------------------------------------------

trap_bundle B
cfg "$B" '.annotations = {"org.example.conformance": "yes"}'
brig_create "$B"
C1=$ID P1=$PID
check_rc "[runtime.md#create] create of a valid bundle succeeds" 0
check_true "[brig] the pid file exists when create returns" "no file $CONF_TMP/$C1.pid" \
	test -f "$CONF_TMP/$C1.pid"
check_match "[brig] the pid file holds only the init's pid" '^[1-9][0-9]*$' "$P1"
check_eq "[brig] the pid file has no trailing newline" "" \
	"$(tail -c1 "$CONF_TMP/$C1.pid" | tr -d -c '\n' | od -An -c | tr -d ' ')"
check_true "[brig] the init outlives the create process" "pid $P1 is not alive" pid_alive "$P1"

brig state "$C1"
S=$OUT
check_succeeds "[runtime.md#query-state] state of a created container succeeds"
check_eq "[runtime.md#state] status is created after create" created "$(jq -r .status <<<"$S")"
check_eq "[runtime.md#state] id is the container's id" "$C1" "$(jq -r .id <<<"$S")"
check_eq "[runtime.md#state] pid is the init's host pid (as in the pid file)" "$P1" "$(jq -r .pid <<<"$S")"
check_eq "[runtime.md#state] bundle is the absolute bundle path" "$B" "$(jq -r .bundle <<<"$S")"
check_match "[runtime.md#state] ociVersion is a SemVer" '^[0-9]+\.[0-9]+\.[0-9]+' "$(jq -r .ociVersion <<<"$S")"
check_eq "[runtime.md#state] annotations are the config's" '{"org.example.conformance":"yes"}' \
	"$(jq -c .annotations <<<"$S")"
check_eq "[brig] state has rootfs, created and owner" "true" \
	"$(jq 'has("rootfs") and has("created") and has("owner")' <<<"$S")"
check_match "[brig] created is an RFC 3339 time" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' \
	"$(jq -r .created <<<"$S")"

sleep 0.3
check_true "[runtime.md#create] process.args MUST NOT be applied until start" \
	"the program wrote $B/out/ran before start" test ! -e "$B/out/ran"
PROBE_INO=$(stat -c %d:%i "$B/rootfs/bin/probe")
check_ne "[brig] the created init is blocked before exec (its exe is not the program yet)" \
	"$PROBE_INO" "$(stat -L -c %d:%i "/proc/$P1/exe" 2>/dev/null)"

# Updates to config.json after create MUST NOT affect the container.
set_args "$B" /bin/probe write /out/ran changed + exit 7

# ---- start -----------------------------------------------------------------

brig start "$C1"
check_succeeds "[runtime.md#start] start of a created container succeeds"
check_true "[runtime.md#start] start MUST run the user-specified program" \
	"$B/out/ran never appeared" wait_for 5 test -s "$B/out/ran"
check_eq "[runtime.md#lifecycle] updates to config.json after create MUST NOT affect the container" \
	yes "$(cat "$B/out/ran" 2>/dev/null)"
check_eq "[runtime.md#state] status is running after start" running "$(state_field "$C1" status)"
check_eq "[runtime.md#state] pid is unchanged by start" "$P1" "$(state_field "$C1" pid)"
check_eq "[brig] after start the init is the program" "$PROBE_INO" \
	"$(stat -L -c %d:%i "/proc/$P1/exe" 2>/dev/null)"

brig start "$C1"
check_error_line "[runtime.md#start] start of a running container MUST generate an error" start
check_true "[runtime.md#start] ... and MUST have no effect on the container" \
	"status $(state_field "$C1" status), pid $P1 alive: $(pid_alive "$P1" && echo yes || echo no)" \
	eval 'status_is "$C1" running && pid_alive "$P1"'

# ---- kill ------------------------------------------------------------------

wait_for 5 file_has "$CONF_TMP/$C1.out" ready
brig kill "$C1"
check_succeeds "[runtime.md#kill] kill of a running container succeeds"
check_true "[brig] state reports stopped by itself once the process has exited" \
	"status is $(state_field "$C1" status)" wait_for 5 status_is "$C1" stopped
check_eq "[brig] state pid is 0 once stopped" 0 "$(state_field "$C1" pid)"

brig kill "$C1"
check_error_line "[runtime.md#kill] kill of a stopped container MUST generate an error" kill \
	"container not running"
brig kill "$C1" KILL
check_fails "[runtime.md#kill] kill of a stopped container with a signal MUST generate an error"
brig kill --all "$C1" 9
check_rc "[runc] kill --all ID 9 of a stopped container exits 0" 0
brig start "$C1"
check_error_line "[runtime.md#start] start of a stopped container MUST generate an error" start

# ---- delete ----------------------------------------------------------------

brig delete "$C1"
check_succeeds "[runtime.md#delete] delete of a stopped container succeeds"
check_true "[runtime.md#delete] delete MUST remove what create made (the state dir)" \
	"$CONF_ROOT/$C1 still exists" test ! -e "$CONF_ROOT/$C1"
brig state "$C1"
check_error_line "[runtime.md#query-state] state of a deleted container MUST generate an error" state \
	"container \"$C1\" does not exist"
brig delete "$C1"
check_error_line "[runtime.md#delete] delete of a missing container is an error" delete \
	"container \"$C1\" does not exist"
brig delete --force "$C1"
check_rc "[runc] delete --force of a missing container exits 0" 0

trap_bundle B2
brig_create "$B2"
C2=$ID P2=$PID
brig start "$C2"
brig delete "$C2"
check_error_line "[runtime.md#delete] delete of a running container without --force MUST generate an error" delete
check_true "[runtime.md#delete] ... and MUST have no effect on the container" \
	"status $(state_field "$C2" status)" eval 'status_is "$C2" running && pid_alive "$P2"'
brig delete --force "$C2"
check_succeeds "[runc] delete --force of a running container succeeds"
check_true "[runc] delete --force kills the container's process" "pid $P2 still alive" \
	wait_for 5 eval '! pid_alive "$P2"'
check_true "[runtime.md#delete] delete --force removes the state dir" "$CONF_ROOT/$C2 exists" \
	test ! -e "$CONF_ROOT/$C2"

trap_bundle B3
brig_create "$B3"
C3=$ID P3=$PID
brig delete "$C3"
check_succeeds "[runc] delete of a created container succeeds"
check_true "[runc] delete of a created container kills its init" "pid $P3 still alive" \
	wait_for 5 eval '! pid_alive "$P3"'
check_true "[runc] delete of a created container removes it" "$CONF_ROOT/$C3 exists" \
	test ! -e "$CONF_ROOT/$C3"
check_true "[runtime.md#start] the program of a container deleted before start never runs" \
	"$B3/out/ran exists" test ! -e "$B3/out/ran"

# ---- kill signals and the exit status of run ------------------------------

trap_bundle B4
brig_create "$B4"
C4=$ID P4=$PID
brig kill "$C4" KILL
check_succeeds "[runtime.md#kill] kill of a created container MUST send the signal"
check_true "[runtime.md#kill] ... the created init dies of SIGKILL" "pid $P4 alive" \
	wait_for 5 eval '! pid_alive "$P4"'
check_true "[brig] a created container killed before start is stopped" \
	"status $(state_field "$C4" status)" wait_for 5 status_is "$C4" stopped
brig delete "$C4"

new_bundle B5
set_args "$B5" /bin/probe signal-trap
for spec in ":42:default (TERM)" "TERM:42:TERM" "SIGTERM:42:SIGTERM" "USR1:110:USR1" \
	"SIGUSR2:112:SIGUSR2" "1:101:1 (HUP)" "sigint:102:sigint" "KILL:137:KILL" "9:137:9"; do
	sig=${spec%%:*} rest=${spec#*:}
	want=${rest%%:*} label=${rest#*:}
	run_bg "$B5"
	if ! wait_for 5 file_has "$CONF_TMP/$ID.out" ready; then
		kill "$RUN_PID" 2>/dev/null
		wait "$RUN_PID"
		RC=$? ERR=$(cat "$CONF_TMP/$ID.err")
		not_ok "[runtime.md#kill] kill $label MUST send that signal" "the container never became ready"
		continue
	fi
	if [ -n "$sig" ]; then brig kill "$ID" "$sig"; else brig kill "$ID"; fi
	krc=$RC
	wait "$RUN_PID"
	RC=$? ERR=$(cat "$CONF_TMP/$ID.err")
	if [ "$krc" = 0 ] && [ "$RC" = "$want" ]; then
		ok "[runtime.md#kill] kill $label MUST send that signal (run exits $want)"
	else
		not_ok "[runtime.md#kill] kill $label MUST send that signal (run exits $want)" \
			"kill exited $krc, run exited $RC (want $want)"
	fi
done
brig kill "$C1" BOGUS
check_fails "[brig] kill with an unknown signal name is an error"

new_bundle B6
ns_del "$B6" pid # a pid namespace's init cannot kill itself with raise()
for spec in "exit 0:0" "exit 42:42" "exit 255:255" "raise 9:137" "raise 15:143"; do
	# shellcheck disable=SC2086 # "exit 42" is two words
	set_args "$B6" /bin/probe ${spec%%:*}
	brig_run "$B6"
	check_rc "[brig] run exits with the container's status: probe ${spec%%:*} -> ${spec#*:}" "${spec#*:}"
done
check_true "[brig] run without --keep deletes the container" "$CONF_ROOT/$ID exists" \
	test ! -e "$CONF_ROOT/$ID"

set_args "$B6" /bin/probe exit 3
brig_run "$B6" --keep
check_rc "[brig] run --keep exits with the container's status" 3
check_eq "[brig] run --keep leaves a stopped container" stopped "$(state_field "$ID" status)"
brig delete "$ID"
check_succeeds "[brig] the container run --keep left can be deleted"

trap_bundle B7
new_id ID
brig run --detach --pid-file "$CONF_TMP/$ID.pid" --bundle "$B7" "$ID"
check_succeeds "[brig] run --detach returns while the container runs"
check_eq "[brig] run --detach leaves a running container" running "$(state_field "$ID" status)"
check_eq "[brig] run --detach writes the pid file" "$(state_field "$ID" pid)" \
	"$(cat "$CONF_TMP/$ID.pid" 2>/dev/null)"
brig kill --all "$ID" KILL
check_succeeds "[brig] kill --all of a running container succeeds"
check_true "[brig] kill --all KILL stops the container" "status $(state_field "$ID" status)" \
	wait_for 5 status_is "$ID" stopped
brig delete "$ID"

# kill --all reaches every process of the container, not only the init:
# without a pid namespace a child of the init survives the init's death.
new_bundle B14
mount_out "$B14"
ns_del "$B14" pid
set_args "$B14" /bin/sh -c '/bin/probe sleep 300 & echo $! >/out/child; exec /bin/probe signal-trap'
brig_create "$B14"
brig start "$ID"
wait_for 5 test -s "$B14/out/child"
HOST_CHILD=$(cat "$B14/out/child" 2>/dev/null) # no pid namespace: a host pid
brig kill --all "$ID" KILL
check_succeeds "[runc] kill --all of a container without a pid namespace succeeds"
check_true "[runc] kill --all signals every process of the container, not only the init" \
	"child $HOST_CHILD is alive" wait_for 5 eval '! pid_alive "$HOST_CHILD"'
brig delete --force "$ID"
check_true "[runc] delete --force leaves no process of the container behind" "child $HOST_CHILD is alive" \
	wait_for 5 eval '! pid_alive "$HOST_CHILD"'
# Only if it is still the container's probe.
if pid_alive "$HOST_CHILD" && [ "$(stat -L -c %d:%i "/proc/$HOST_CHILD/exe" 2>/dev/null)" = "$(stat -c %d:%i "$B14/rootfs/bin/probe")" ]; then
	kill -9 "$HOST_CHILD"
fi

# kill --all of a stopped container still reaches what its init left in the
# container's cgroup: in a pid namespace shared with another container (a
# CRI pod with shareProcessNamespace) the init's children outlive it, and
# containerd's shim waits for them when it stops the container.
new_bundle B20
set_args "$B20" /bin/probe signal-trap
brig_create "$B20"
brig start "$ID"
ID20=$ID PID20=$PID
conf_cgroup_name CG21
new_bundle B21
ns_add "$B21" pid "/proc/$PID20/ns/pid"
cfg "$B21" '.linux.cgroupsPath = $p' --arg p "/$CG21"
set_args "$B21" /bin/sh -c '/bin/probe sleep 300 & exit 0'
brig_create "$B21"
brig start "$ID"
wait_for 5 status_is "$ID" stopped
LEFT=$(cat "$(conf_cgroup_dirs "$CG21" | head -n1)/cgroup.procs" 2>/dev/null | head -n1)
if [ -n "$LEFT" ] && pid_alive "$LEFT"; then
	brig kill --all "$ID" KILL
	check_succeeds "[runc] kill --all of a stopped container whose init left a process succeeds"
	check_true "[runc] kill --all of a stopped container signals the processes left in its cgroup" \
		"pid $LEFT is alive" wait_for 5 eval '! pid_alive "$LEFT"'
else
	not_ok "[runc] kill --all of a stopped container signals the processes left in its cgroup" \
		"no process was left in the cgroup of $ID (status $(state_field "$ID" status))"
fi
brig delete --force "$ID"

# Joining a pid namespace by path takes the intermediate process (spawn.c):
# the init must still land in its cgroup in every hierarchy, v1 ones
# included (the pid the parent writes there used to race with the init's).
conf_cgroup_name CG22
new_bundle B22
ns_add "$B22" pid "/proc/$PID20/ns/pid"
cfg "$B22" '.linux.cgroupsPath = $p' --arg p "/$CG22"
set_args "$B22" /bin/probe signal-trap
outside=
for _ in $(seq 1 20); do
	brig_create "$B22"
	[ "$RC" = 0 ] || { outside="create failed: $ERR"; break; }
	outside=$(grep -v ":/$CG22\$" "/proc/$PID/cgroup" 2>/dev/null)
	brig delete --force "$ID"
	[ -z "$outside" ] || break
done
check_eq "[config-linux.md#cgroups-path] an init joining a pid namespace by path is in cgroupsPath in every hierarchy" "" "$outside"
brig delete --force "$ID20"

# linux.cgroupsPath: create places the init there, delete removes it.
conf_cgroup_name CG
new_bundle B15
set_args "$B15" /bin/probe signal-trap
cfg "$B15" '.linux.cgroupsPath = $p' --arg p "/$CG"
brig_create "$B15"
check_succeeds "[config-linux.md#cgroups-path] create with an absolute cgroupsPath succeeds"
check_match "[config-linux.md#cgroups-path] the init is in cgroupsPath" ":/$CG\$" "$(cat "/proc/$PID/cgroup" 2>/dev/null)"
check_true "[config-linux.md#cgroups-path] the cgroup exists while the container does" "no dir named $CG" \
	eval '[ -n "$(conf_cgroup_dirs "$CG")" ]'
made=$(conf_cgroup_dirs "$CG")
brig delete --force "$ID"
if [ -n "$made" ]; then
	wait_for 3 eval '[ -z "$(conf_cgroup_dirs "$CG")" ]'
	check_eq "[runtime.md#delete] delete MUST remove the resources create made: the cgroup" "" "$(conf_cgroup_dirs "$CG")"
else
	skip "[runtime.md#delete] delete MUST remove the resources create made: the cgroup" "brig made no cgroup"
fi

# run in the foreground forwards the signals it gets to the container.
new_bundle B16
set_args "$B16" /bin/probe signal-trap
new_id ID
"$BRIG" --root "$CONF_ROOT" run --bundle "$B16" "$ID" </dev/null >"$CONF_TMP/$ID.out" 2>"$CONF_TMP/$ID.err" &
RUN_PID=$!
conf_track_pid "$RUN_PID" wait
if wait_for 5 file_has "$CONF_TMP/$ID.out" ready; then
	kill -TERM "$RUN_PID"
	wait "$RUN_PID"
	RC=$? ERR=$(cat "$CONF_TMP/$ID.err") LAST_CMD="brig run (SIGTERM to brig)"
	check_rc "[runc] run forwards SIGTERM to the container (its handler exits 42)" 42
else
	not_ok "[runc] run forwards SIGTERM to the container (its handler exits 42)" "the container never became ready"
fi

# The program exiting on its own.
new_bundle B8
set_args "$B8" /bin/probe exit 0
brig_create "$B8"
C8=$ID
brig start "$C8"
check_true "[runtime.md#lifecycle] a container whose process exits is stopped without any operation" \
	"status $(state_field "$C8" status)" wait_for 5 status_is "$C8" stopped
brig delete "$C8"

# ---- the init's parent: create's own child (seen by a prestart hook) -------

new_bundle B9
cat >"$B9/hook.sh" <<EOF
#!/bin/sh
pid=\$(jq -r .pid)
awk '/^PPid:/ { print \$2 }' /proc/\$pid/status >"$B9/out/ppid"
EOF
chmod 755 "$B9/hook.sh"
cfg "$B9" '.hooks.prestart = [{path: $p}]' --arg p "$B9/hook.sh"
new_id C9
"$BRIG" --root "$CONF_ROOT" create --bundle "$B9" "$C9" </dev/null >/dev/null 2>"$CONF_TMP/c9.err" &
cpid=$!
wait "$cpid"
RC=$? ERR=$(cat "$CONF_TMP/c9.err") LAST_CMD="brig create --bundle $B9 $C9"
check_eq "[brig] the init is a direct child of the create process" "$cpid" \
	"$(cat "$B9/out/ppid" 2>/dev/null)"
brig delete --force "$C9"

# ---- errors: ids, bundles, missing containers ------------------------------

new_bundle B10
brig_create "$B10"
C10=$ID P10=$PID
brig create --bundle "$B10" "$C10"
check_error_line "[runtime.md#create] create with an id in use MUST generate an error" create \
	"container \"$C10\" already exists"
check_true "[runtime.md#create] ... and the existing container is untouched" \
	"status $(state_field "$C10" status), pid $(state_field "$C10" pid) (was $P10)" \
	eval '[ "$(state_field "$C10" pid)" = "$P10" ] && status_is "$C10" created'
brig delete "$C10"

for bad in "a/b" ".." "with space" ""; do
	brig create --bundle "$B10" "$bad"
	check_fails "[runtime.md#create] create with the invalid id '$bad' MUST generate an error"
done
check_eq "[runtime.md#create] ... and no container is created" "" "$("$BRIG" --root "$CONF_ROOT" list -q 2>/dev/null)"

for verb in state start kill delete; do
	brig "$verb"
	check_fails "[runtime.md#operations] $verb without an id MUST generate an error"
	new_id missing
	brig "$verb" "$missing"
	check_error_line "[runtime.md#operations] $verb of a missing container MUST generate an error" \
		"$verb" "container \"$missing\" does not exist"
done
brig create --bundle "$B10"
check_fails "[runtime.md#create] create without an id MUST generate an error"

mkdir -p "$CONF_TMP/empty-bundle"
new_id ID
brig create --bundle "$CONF_TMP/empty-bundle" "$ID"
check_error_line "[runtime.md#create] create of a bundle without config.json MUST generate an error" create
check_no_container

new_bundle B11
rm -rf "$B11/rootfs"
new_id ID
brig create --bundle "$B11" "$ID"
check_error_line "[config.md#root] create with a missing root.path MUST generate an error" create
check_no_container

new_bundle B12
cfg "$B12" 'del(.process)'
brig_create "$B12"
crc=$RC
if [ "$crc" = 0 ]; then brig start "$ID"; fi
if [ "$crc" != 0 ] || [ "$RC" != 0 ]; then ok "[runtime.md#start] start without process MUST generate an error"
else not_ok "[runtime.md#start] start without process MUST generate an error" "create and start both exited 0"; fi
brig delete --force "$ID"

# Two creates of one id at once: exactly one wins.
new_bundle B17
races=
for i in 1 2 3 4 5; do
	new_id ID
	"$BRIG" --root "$CONF_ROOT" create --bundle "$B17" "$ID" </dev/null >/dev/null 2>"$CONF_TMP/race1.err" &
	r1=$!
	"$BRIG" --root "$CONF_ROOT" create --bundle "$B17" "$ID" </dev/null >/dev/null 2>"$CONF_TMP/race2.err" &
	r2=$!
	wait "$r1"
	rc1=$?
	wait "$r2"
	rc2=$?
	if [ $((rc1 == 0)) -eq $((rc2 == 0)) ]; then
		races="$races try $i: exits $rc1 and $rc2 ($(cat "$CONF_TMP/race1.err" "$CONF_TMP/race2.err" | tr '\n' ' '));"
	fi
	"$BRIG" --root "$CONF_ROOT" delete --force "$ID" >/dev/null 2>&1
done
LAST_CMD="two concurrent brig create of one id"
check_eq "[runtime.md#create] an id MUST be unique: of two concurrent creates exactly one succeeds" "" "$races"

new_id ID
LAST_CMD="(cd piddir-rel; brig create --pid-file rel.pid)"
mkdir -p "$CONF_TMP/piddir-rel"
(cd "$CONF_TMP/piddir-rel" && "$BRIG" --root "$CONF_ROOT" create --bundle "$B17" --pid-file rel.pid "$ID" </dev/null >/dev/null 2>&1)
RC=$?
check_true "[runc] a relative --pid-file is relative to the caller's cwd" "no $CONF_TMP/piddir-rel/rel.pid" \
	test -s "$CONF_TMP/piddir-rel/rel.pid"
brig delete --force "$ID"

mkdir -p "$CONF_TMP/piddir"
new_bundle B13
new_id ID
brig create --bundle "$B13" --pid-file "$CONF_TMP/piddir/init.pid" "$ID"
check_eq "[brig] the pid file is written atomically (no temp file left beside it)" init.pid \
	"$(ls -A "$CONF_TMP/piddir")"
brig delete --force "$ID"

conf_finish
