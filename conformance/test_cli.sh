#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# brig's command line (runc's): --version, --help, VERB --help, the error
# contract (one "brig: VERB: message" line), --log and --log-format json,
# list's formats, and spec writing a config that runs.
. "$(dirname "$0")/lib.sh"
conf_init

VERBS="create start state kill delete run list spec"
LIST_IDS=()

# ---- version and help ----------------------------------------------------------

for flag in --version -v; do
	brig "$flag"
	check_rc "[brig] $flag exits 0" 0
	check_match "[brig] $flag: first line is 'brig version X.Y.Z'" '^brig version [0-9]+\.[0-9]+\.[0-9]+' \
		"$(sed -n 1p <<<"$OUT")"
	check_match "[brig] $flag: second line is 'commit: ...'" '^commit: [^ ]+$' "$(sed -n 2p <<<"$OUT")"
	check_eq "[brig] $flag: third line is 'spec: 1.3.0'" "spec: 1.3.0" "$(sed -n 3p <<<"$OUT")"
done

for flag in --help -h; do
	brig "$flag"
	check_rc "[brig] $flag exits 0" 0
	check_match "[brig] $flag prints a usage line on stdout" '^usage: brig ' "$(sed -n 1p <<<"$OUT")"
	missing=
	for v in $VERBS; do grep -Eq "^  $v " <<<"$OUT" || missing="$missing $v"; done
	check_eq "[brig] $flag lists every verb" "" "$missing"
done

for v in $VERBS; do
	brig "$v" --help
	check_true "[brig] $v --help exits 0 with its usage on stdout" "exit $RC, stdout: $(sed -n 1p <<<"$OUT")" \
		eval '[ "$RC" = 0 ] && [[ $(sed -n 1p <<<"$OUT") == "usage: brig [global options] $v"* ]]'
done

"$BRIG" >"$CONF_TMP/o" 2>"$CONF_TMP/e"
RC=$? OUT=$(cat "$CONF_TMP/o") ERR=$(cat "$CONF_TMP/e") LAST_CMD=brig
check_true "[brig] no verb: non-zero exit, usage on stderr, nothing on stdout" "exit $RC" \
	eval '[ "$RC" != 0 ] && [ -z "$OUT" ] && grep -q "^usage: brig" <<<"$ERR"'

# ---- errors ------------------------------------------------------------------------

brig bogus-verb
check_true "[brig] an unknown verb: one stderr line 'brig: bogus-verb: ...'" "exit $RC, stderr '$ERR'" \
	eval '[ "$RC" != 0 ] && [ "$(grep -c ^ <<<"$ERR")" = 1 ] && grep -q "^brig: bogus-verb: " <<<"$ERR"'
brig --bogus-flag state x
check_true "[brig] an unknown global option: one stderr line 'brig: ...'" "exit $RC, stderr '$ERR'" \
	eval '[ "$RC" != 0 ] && [ "$(grep -c ^ <<<"$ERR")" = 1 ] && grep -q "^brig: .*bogus-flag" <<<"$ERR"'
brig create --bogus-flag x
check_error_line "[brig] an unknown verb option: one stderr line 'brig: create: ...'" create
brig create --bundle
check_error_line "[brig] a missing option argument: one stderr line 'brig: create: ...'" create
brig --log-format yaml state x
check_fails "[brig] an unknown --log-format is an error"
new_id ID
brig state "$ID"
check_error_line "[brig] errors are one line with runc's wording" state "container \"$ID\" does not exist"

# ---- --log -------------------------------------------------------------------------

LOG=$CONF_TMP/brig.json
new_id ID
brig --log "$LOG" --log-format json state "$ID"
brig --log "$LOG" --log-format json delete "$ID"
check_error_line "[brig] with --log the error is still printed on stderr" delete
check_eq "[brig] --log-format json appends one record per error" 2 "$(grep -c ^ "$LOG" 2>/dev/null)"
check_true "[brig] every record is a JSON object" "$(cat "$LOG")" eval 'jq -e "type == \"object\"" "$LOG" >/dev/null 2>&1'
check_eq "[brig] the record's level is error" "error error" "$(jq -r .level "$LOG" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
check_contains "[brig] the record's msg is the error" "container \"$ID\" does not exist" "$(jq -r .msg "$LOG" 2>/dev/null)"
check_match "[brig] the record's time is RFC 3339 UTC" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' \
	"$(jq -r .time "$LOG" 2>/dev/null | head -n1)"

TLOG=$CONF_TMP/brig.log
brig --log "$TLOG" state "$ID"
check_contains "[brig] --log-format text writes the error to the log" "container \"$ID\" does not exist" "$(cat "$TLOG" 2>/dev/null)"

new_bundle B
DLOG=$CONF_TMP/debug.json
brig --debug --log "$DLOG" --log-format json run --bundle "$B" "$ID-debug"
CONF_IDS+=("$ID-debug")
check_succeeds "[brig] run with --debug works"
check_true "[brig] --debug writes debug records" "$(head -c 400 "$DLOG" 2>/dev/null)" \
	eval 'jq -e "select(.level == \"debug\")" "$DLOG" 2>/dev/null | grep -q .'

# ---- list --------------------------------------------------------------------------

brig list --format json
check_succeeds "[brig] list of an empty root succeeds"
check_eq "[brig] list --format json of an empty root is empty" 0 "$(jq length <<<"$OUT" 2>/dev/null)"
brig list -q
check_eq "[brig] list -q of an empty root prints nothing" "" "$OUT"

new_bundle B
set_args "$B" /bin/probe signal-trap
brig_create "$B"
LC=$ID LCP=$PID
brig_create "$B"
LR=$ID LRP=$PID
brig start "$LR"

brig list -q
check_eq "[brig] list -q prints the ids, one per line" "$(printf '%s\n' "$LC" "$LR" | sort)" "$(sort <<<"$OUT")"
brig list --format json
J=$OUT
check_eq "[brig] list --format json is an array of the containers" 2 "$(jq length <<<"$J" 2>/dev/null)"
check_eq "[brig] list json: status of each" "created running" \
	"$(jq -r --arg a "$LC" --arg b "$LR" '[(.[] | select(.id == $a) | .status), (.[] | select(.id == $b) | .status)] | join(" ")' <<<"$J" 2>/dev/null)"
check_eq "[brig] list json: pid of each" "$LCP $LRP" \
	"$(jq -r --arg a "$LC" --arg b "$LR" '[(.[] | select(.id == $a) | .pid), (.[] | select(.id == $b) | .pid)] | map(tostring) | join(" ")' <<<"$J" 2>/dev/null)"
check_eq "[brig] list json: each has id, pid, status, bundle, created, owner" true \
	"$(jq 'all(.[]; has("id") and has("pid") and has("status") and has("bundle") and has("created") and has("owner"))' <<<"$J" 2>/dev/null)"
check_eq "[brig] list json: bundle of each" "$B" "$(jq -r '.[0].bundle' <<<"$J" 2>/dev/null)"
brig list
check_match "[brig] list prints a table header" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER' "$(sed -n 1p <<<"$OUT")"
check_match "[brig] list table: the created container's row" "^$LC +$LCP +created +$B " "$OUT"
check_match "[brig] list table: the running container's row" "^$LR +$LRP +running +$B " "$OUT"
brig list --format yaml
check_fails "[brig] list with an unknown format is an error"
brig delete --force "$LC"
brig delete --force "$LR"

# ---- runc's argument rules ------------------------------------------------------
# Options may follow the id (runc's callers put them there), an argument a
# verb does not take is an error, and exec's own errors exit 255.

new_bundle B
set_args "$B" /bin/probe signal-trap
brig_create "$B"
A=$ID
brig start "$A"
brig kill "$A" 0
check_rc "[runc] kill ID 0 of a running container exits 0 (a liveness check)" 0
brig state "$A" extra
check_error_line "[brig] an argument a verb does not take is an error" state \
	"unexpected argument 'extra' (usage: brig state ID)"
brig delete "$A" --force
check_succeeds "[runc] delete ID --force (the flag after the id) deletes a running container"
check_true "[runc] ... and the container is gone" "$CONF_ROOT/$A exists" test ! -e "$CONF_ROOT/$A"
brig kill "$A" 0
check_fails "[runc] kill ID 0 of a deleted container fails"
brig exec "$A" /bin/true
check_rc "[runc] exec's own errors exit 255 (not the process's status)" 255
check_error_line "[runc] ... with one error line" exec "container \"$A\" does not exist"

brig_create "$B"
S1=$ID
brig start "$S1"
kill -9 "$PID" 2>/dev/null
wait_for 5 eval '! pid_alive "$PID"'
brig ps --format json "$S1"
check_eq "[runc] ps --format json of a stopped container exits 0 with no processes" "0 []" "$RC $OUT"
brig delete "$S1"

for n in zz aa mm; do
	LIST_IDS+=("$n-$$")
	CONF_IDS+=("$n-$$")
	brig create --bundle "$B" "$n-$$"
done
brig list -q
check_eq "[runc] list prints the containers sorted by id" "aa-$$ mm-$$ zz-$$" "$(echo $OUT)"
for n in "${LIST_IDS[@]}"; do brig delete --force "$n"; done

# ---- spec ----------------------------------------------------------------------

mkdir -p "$CONF_TMP/spec1"
brig spec --bundle "$CONF_TMP/spec1"
check_succeeds "[brig] spec --bundle DIR succeeds"
S=$CONF_TMP/spec1/config.json
check_true "[brig] spec writes DIR/config.json as JSON" "$(head -c 200 "$S" 2>/dev/null)" eval 'jq -e . "$S" >/dev/null 2>&1'
check_eq "[brig] spec's ociVersion is 1.3.0" 1.3.0 "$(jq -r .ociVersion "$S" 2>/dev/null)"
check_eq "[runc] spec's defaults: args sh, root rootfs, terminal true" '["sh"] rootfs true' \
	"$(jq -c .process.args "$S" 2>/dev/null) $(jq -r .root.path "$S" 2>/dev/null) $(jq -r .process.terminal "$S" 2>/dev/null)"
sum=$(md5sum <"$S")
echo '{}' >"$CONF_TMP/spec1/marker"
brig spec --bundle "$CONF_TMP/spec1"
check_error_line "[runc] spec refuses to overwrite an existing config.json" spec
check_eq "[runc] ... and leaves it untouched" "$sum" "$(md5sum <"$S")"
mkdir -p "$CONF_TMP/spec2"
(cd "$CONF_TMP/spec2" && "$BRIG" spec >/dev/null 2>&1)
check_true "[runc] spec without --bundle writes ./config.json" "no $CONF_TMP/spec2/config.json" \
	test -s "$CONF_TMP/spec2/config.json"

# The config spec writes round-trips through create: only terminal changes
# (no console here); busybox sh with stdin at /dev/null exits 0.
new_bundle B
rm "$B/config.json"
brig spec --bundle "$B"
cfg "$B" '.process.terminal = false'
brig_run "$B"
check_rc "[brig] spec's config (terminal off) runs: sh exits 0" 0
# runc's tests edit a `runc spec` config with jq, e.g. "events oom" sets its
# memory limit as (.. | select(.resources? != null)) .resources.memory: brig
# spec's config has runc's linux.resources (one rule denying every device), so
# the edit lands and the hog is bounded.
check_eq "[runc] spec has linux.resources with runc's deny-all device rule" \
	'[{"allow":false,"access":"rwm"}]' "$(jq -c .linux.resources.devices "$B/config.json" 2>/dev/null)"
cfg "$B" '(.. | select(.resources? != null)) .resources.memory |= {"limit": 33554432}
	| .process.args = ["/bin/sh", "-c",
		"echo limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)"]'
brig_run "$B"
check_eq "[runc] ... so a runc-style edit of \"the object with resources\" sets a limit that applies" \
	33554432 "$(kv limit)"

new_bundle B
rm "$B/config.json"
brig spec --rootless --bundle "$B"
check_succeeds "[runc] spec --rootless succeeds"
check_eq "[runc] spec --rootless has a user namespace" true \
	"$(jq '[.linux.namespaces[].type] | index("user") != null' "$B/config.json" 2>/dev/null)"
check_eq "[runc] spec --rootless maps the caller's uid to root" "0 $(id -u) 1" \
	"$(jq -r '.linux.uidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$B/config.json" 2>/dev/null)"
check_eq "[runc] spec --rootless has no network namespace" false \
	"$(jq '[.linux.namespaces[].type] | index("network") != null' "$B/config.json" 2>/dev/null)"
cfg "$B" '.process.terminal = false | .process.args = ["/bin/probe", "ids"]'
brig_run "$B"
check_succeeds "[runc] spec --rootless's config runs"

conf_finish
