#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Many brigs at once (issue #12): 100 containers run in parallel, and 20
# verbs at once on one id (the state directory's lock serialises them):
# every run succeeds, exactly one of 20 creates or starts of one id wins, and
# nothing is left once they are done.
. "$(dirname "$0")/lib.sh"
conf_init
conf_need ps procps

bg_brig() { # OUTFILE ARGS...: brig in the background; its exit status goes to OUTFILE.rc
	local o=$1
	shift
	("$BRIG" --root "$CONF_ROOT" "$@" </dev/null >"$o" 2>"$o.err"; echo $? >"$o.rc") &
}
# rcs PREFIX: the exit statuses of PREFIX.*.rc, sorted and counted ("20x0")
rcs() { cat "$1".*.rc 2>/dev/null | sort | uniq -c | awk '{ printf "%s%sx%s", sep, $1, $2; sep = " " }'; }

# ---- 100 parallel runs ------------------------------------------------------------

new_bundle B
set_args "$B" /bin/probe exit 0
ids=()
for i in $(seq 100); do
	new_id ID
	ids+=("$ID")
	bg_brig "$CONF_TMP/par.$i" run --bundle "$B" "$ID"
done
wait
LAST_CMD="100 x brig run in parallel"
check_eq "[brig] 100 containers run in parallel: every run exits 0" 100x0 "$(rcs "$CONF_TMP/par")"
check_eq "[brig] ... and none is left" "" "$("$BRIG" --root "$CONF_ROOT" list -q 2>/dev/null)"
left=
for ID in "${ids[@]}"; do left="$left$(conf_cgroup_dirs "brig/$ID")"; done
check_eq "[brig] ... nor any of their cgroups" "" "$left"

# ---- 20 verbs at once on one id -----------------------------------------------------

new_bundle B
set_args "$B" /bin/probe signal-trap
new_id ID
for i in $(seq 20); do bg_brig "$CONF_TMP/cr.$i" create --bundle "$B" "$ID"; done
wait
LAST_CMD="20 x brig create $ID at once"
check_eq "[runtime.md#create] of 20 creates of one id at once exactly one succeeds" 1 \
	"$(grep -lx 0 "$CONF_TMP"/cr.*.rc | wc -l)"
check_eq "[brig] ... the others say it exists" 19 "$(grep -l 'already exists' "$CONF_TMP"/cr.*.err | wc -l)"

for i in $(seq 20); do bg_brig "$CONF_TMP/st.$i" start "$ID"; done
wait
LAST_CMD="20 x brig start $ID at once"
check_eq "[runtime.md#start] of 20 starts of one container at once exactly one succeeds" 1 \
	"$(grep -lx 0 "$CONF_TMP"/st.*.rc | wc -l)"
check_true "[runtime.md#start] ... and it runs" "status $(state_field "$ID" status)" status_is "$ID" running

for i in $(seq 20); do
	case $((i % 5)) in
	0) bg_brig "$CONF_TMP/mix.$i" state "$ID" ;;
	1) bg_brig "$CONF_TMP/mix.$i" kill "$ID" 0 ;;
	2) bg_brig "$CONF_TMP/mix.$i" exec "$ID" /bin/probe exit 0 ;;
	3) bg_brig "$CONF_TMP/mix.$i" ps "$ID" ;;
	4) bg_brig "$CONF_TMP/mix.$i" list ;;
	esac
done
wait
LAST_CMD="20 x brig state/kill 0/exec/ps/list $ID at once"
check_eq "[brig] 20 verbs at once on one running container (state, kill 0, exec, ps, list) all succeed" 20x0 \
	"$(rcs "$CONF_TMP/mix")"
check_eq "[brig] ... and every state is the same" 1 \
	"$(for i in 5 10 15 20; do jq -r '.status + " " + (.pid | tostring)' "$CONF_TMP/mix.$i"; done | sort -u | wc -l)"

for i in $(seq 20); do bg_brig "$CONF_TMP/del.$i" delete --force "$ID"; done
wait
LAST_CMD="20 x brig delete --force $ID at once"
check_eq "[brig] 20 delete --force of one container at once all succeed" 20x0 "$(rcs "$CONF_TMP/del")"
check_eq "[brig] ... and it is gone, with its cgroup" ":" \
	"$("$BRIG" --root "$CONF_ROOT" list -q 2>/dev/null):$(conf_cgroup_dirs "brig/$ID")"

conf_finish
