#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# File descriptors: the process gets stdio and nothing else of the runtime
# (runtime-linux.md#file-descriptors), --preserve-fds N passes fds 3..3+N-1,
# and systemd socket activation (LISTEN_FDS) is passed on like runc does.
. "$(dirname "$0")/lib.sh"
conf_init

echo secret-7 >"$CONF_TMP/secret7"
echo secret-8 >"$CONF_TMP/secret8"
echo three >"$CONF_TMP/fd3"
echo four >"$CONF_TMP/fd4"
echo five >"$CONF_TMP/fd5"

# run_fds BUNDLE [RUN-OPTIONS...]: brig run with fds 5..9 of the runtime open
# (files, a pipe, a directory) and a log file.
run_fds() {
	local bnd=$1
	shift
	new_id ID
	LAST_CMD="brig --log F run --bundle $bnd $* $ID (fds 5-9 open)"
	OUT=$(timeout 30 "$BRIG" --root "$CONF_ROOT" --log "$CONF_TMP/brig.log" run --bundle "$bnd" "$@" "$ID" \
		</dev/null 2>"$CONF_TMP/err" 5<"$CONF_TMP/secret7" 6>>"$CONF_TMP/secret8" 7< <(sleep 30) \
		8<"$CONF_TMP" 9<"$BRIG")
	RC=$? ERR=$(cat "$CONF_TMP/err")
}

new_bundle B
set_args "$B" /bin/probe fds
run_fds "$B"
check_succeeds "[runtime-linux.md#file-descriptors] a container run with extra fds open runs"
check_eq "[runtime-linux.md#file-descriptors] the process has only stdio: no fd of the runtime leaks" "" "$(kv fds)"

# The same through create and start, each with fds of its own.
new_id ID
"$BRIG" --root "$CONF_ROOT" --log "$CONF_TMP/brig.log" create --bundle "$B" "$ID" </dev/null \
	>"$CONF_TMP/$ID.out" 2>"$CONF_TMP/$ID.err" 5<"$CONF_TMP/secret7" 8<"$CONF_TMP" 9<"$BRIG"
RC=$? ERR=$(cat "$CONF_TMP/$ID.err") LAST_CMD="brig create (fds 5, 8, 9 open)"
PID=$(state_field "$ID" pid)
held=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -E "secret7|$CONF_TMP\$|$(basename "$BRIG")\$")
check_eq "[brig] the created init holds no fd of the create process" "" "$held"
"$BRIG" --root "$CONF_ROOT" start "$ID" </dev/null >/dev/null 2>"$CONF_TMP/start.err" 6>>"$CONF_TMP/secret8"
wait_for 5 status_is "$ID" stopped
OUT=$(cat "$CONF_TMP/$ID.out")
check_eq "[runtime-linux.md#file-descriptors] create then start: no fd of either leaks" "" "$(kv fds)"
brig delete "$ID"

# --preserve-fds.
new_bundle B
set_args "$B" /bin/probe fds + readfd 3 + readfd 4
new_id ID
LAST_CMD="brig run --preserve-fds 2 (fds 3, 4, 5 open)"
OUT=$(timeout 30 "$BRIG" --root "$CONF_ROOT" run --preserve-fds 2 --bundle "$B" "$ID" </dev/null \
	2>"$CONF_TMP/err" 3<"$CONF_TMP/fd3" 4<"$CONF_TMP/fd4" 5<"$CONF_TMP/fd5")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_succeeds "[runc] run --preserve-fds 2 works"
check_eq "[runc] --preserve-fds 2 passes fds 3 and 4 and no other" 3,4 "$(kv fds)"
check_eq "[runc] ... fd 3 is the runtime's fd 3" three "$(kv fd.3.content)"
check_eq "[runc] ... fd 4 is the runtime's fd 4" four "$(kv fd.4.content)"

# close_fds: in a subshell, closes every fd above 2: what the harness left
# open would be the caller's, rightly passed, in a preserved range.
close_fds() {
	local fd
	for fd in $(ls "/proc/$BASHPID/fd"); do
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
	return 0
}
# More fds preserved than the caller has (crun's preserve-fds-some): the
# range's gaps are where brig's own fds land; create waits for its sync
# socket to close at the exec, so that one must not be made inheritable there.
new_id ID
LAST_CMD="brig run --preserve-fds 40 (fds 3, 4 open)"
OUT=$(close_fds && exec 3<"$CONF_TMP/fd3" 4<"$CONF_TMP/fd4"
	timeout -k 5 30 "$BRIG" --root "$CONF_ROOT" run --preserve-fds 40 --bundle "$B" "$ID" </dev/null \
		2>"$CONF_TMP/err")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_succeeds "[runc] run --preserve-fds 40 with only fds 3 and 4 open ends (no wait for ever)"
check_eq "[runc] ... fd 3 is the runtime's fd 3" three "$(kv fd.3.content)"
# brig's own fds (state dir, log, cgroup dirs, exec fifo, brig-init's memfd)
# must not land in the gaps and pass with them: --log puts one more in play.
check_eq "[brig] ... and the range's gaps stay closed: fds 3 and 4 only, none of brig's" 3,4 "$(kv fds)"
new_id ID
set_args "$B" /bin/probe fds + readfd 3 + readfd 5
LAST_CMD="brig --log FILE run --preserve-fds 8 (fds 3, 5 open)"
OUT=$(close_fds && exec 3<"$CONF_TMP/fd3" 5<"$CONF_TMP/fd5"
	timeout -k 5 30 "$BRIG" --root "$CONF_ROOT" --log "$CONF_TMP/preserve.log" run --preserve-fds 8 \
		--bundle "$B" "$ID" </dev/null 2>"$CONF_TMP/err")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_succeeds "[runc] run --preserve-fds 8 with fds 3 and 5 open, and a log file"
check_eq "[brig] ... passes fds 3 and 5, their own, and nothing in the gaps" "3,5 three five" \
	"$(kv fds) $(kv fd.3.content) $(kv fd.5.content)"
"$BRIG" --root "$CONF_ROOT" delete -f "$ID" >/dev/null 2>&1
"$BRIG" --root "$CONF_ROOT" delete -f "$ID" >/dev/null 2>&1

set_args "$B" /bin/probe fds + readfd 3
new_id ID
LAST_CMD="brig create --preserve-fds 1; brig start"
"$BRIG" --root "$CONF_ROOT" create --preserve-fds 1 --bundle "$B" "$ID" </dev/null \
	>"$CONF_TMP/$ID.out" 2>"$CONF_TMP/$ID.err" 3<"$CONF_TMP/fd3" 4<"$CONF_TMP/fd4"
RC=$? ERR=$(cat "$CONF_TMP/$ID.err")
brig start "$ID"
wait_for 5 status_is "$ID" stopped
OUT=$(cat "$CONF_TMP/$ID.out")
check_eq "[runc] create --preserve-fds 1: the process gets create's fd 3" "3 three" "$(kv fds) $(kv fd.3.content)"
brig delete "$ID"

# LISTEN_FDS: honoured only when LISTEN_PID is the runtime's own pid.
new_bundle B
set_args "$B" /bin/probe fds + env + readfd 3
# brig runs directly under the bash that sets LISTEN_PID=$$ and execs it
# (a timeout(1) in between would be the pid LISTEN_PID names).
new_id ID
LAST_CMD="LISTEN_FDS=2 LISTEN_PID=<brig> brig run"
OUT=$(env -u LISTEN_FDNAMES bash -c 'export LISTEN_FDS=2 LISTEN_PID=$$; exec "$@"' sh \
	"$BRIG" --root "$CONF_ROOT" run --bundle "$B" "$ID" </dev/null 2>"$CONF_TMP/err" \
	3<"$CONF_TMP/fd3" 4<"$CONF_TMP/fd4" 5<"$CONF_TMP/fd5")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_succeeds "[runc] LISTEN_FDS=2 with LISTEN_PID of the runtime: the container runs"
check_eq "[runc] ... fds 3 and 4 are passed" 3,4 "$(kv fds)"
check_eq "[runc] ... the process gets LISTEN_FDS=2" 2 "$(kv LISTEN_FDS)"
check_eq "[runc] ... and LISTEN_PID=1 (itself)" 1 "$(kv LISTEN_PID)"
check_eq "[runc] ... fd 3 is the runtime's fd 3" three "$(kv fd.3.content)"

# exec --preserve-fds, with a gap: the same plugs as create's
new_bundle B
set_args "$B" /bin/sleep 60
brig_create "$B"
brig start "$ID"
LAST_CMD="brig exec --preserve-fds 4 ID probe (fds 3, 6 open)"
OUT=$(close_fds && exec 3<"$CONF_TMP/fd3" 6<"$CONF_TMP/fd4"
	timeout -k 5 30 "$BRIG" --root "$CONF_ROOT" exec --preserve-fds 4 "$ID" \
		/bin/probe fds + readfd 6 </dev/null 2>"$CONF_TMP/err")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_eq "[brig] exec --preserve-fds 4 with fds 3 and 6 open passes them and nothing in the gaps" \
	"3,6 four" "$(kv fds) $(kv fd.6.content)"
brig delete -f "$ID"

new_id ID
LAST_CMD="LISTEN_FDS=2 LISTEN_PID=1 brig run"
OUT=$(LISTEN_FDS=2 LISTEN_PID=1 timeout 30 "$BRIG" --root "$CONF_ROOT" run --bundle "$B" "$ID" </dev/null \
	2>"$CONF_TMP/err" 3<"$CONF_TMP/fd3" 4<"$CONF_TMP/fd4")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_eq "[runc] LISTEN_FDS for another pid is ignored: no fd passed" "" "$(kv fds)"
check_eq "[runc] ... and no LISTEN_FDS in the process's env" "" "$(kv LISTEN_FDS)"

# runc's reOpenDevNull: stdio that is the caller's /dev/null (brig's helper
# runs it </dev/null) becomes the container's own /dev/null, on a mount of
# the container (criu cannot dump the host's; podman's checkpoint needs it).
new_bundle B
cat >"$B/rootfs/fd0.sh" <<'EOF'
m=$(sed -n 's/^mnt_id:[[:space:]]*//p' /proc/self/fdinfo/0)
echo "fd0.mount=$(awk -v m="$m" '$1 == m { print $5 }' /proc/self/mountinfo)"
echo "fd0.rdev=$(stat -L -c '%t:%T' /proc/self/fd/0)"
EOF
set_args "$B" /bin/sh /fd0.sh
brig_run "$B"
check_succeeds "[runc] a container whose stdin is the host's /dev/null runs"
check_match "[runc] ... its stdin is the container's /dev/null (a mount of the container: /dev or /dev/null)" \
	'^/dev(/null)? 1:3$' "$(kv fd0.mount) $(kv fd0.rdev)"

conf_finish
