#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance: brig run by an unprivileged user, for real. The test (root)
# creates a user with /etc/subuid and /etc/subgid ranges and its
# XDG_RUNTIME_DIR, and that user runs brig on bundles it owns, without --root
# (runc's default: $XDG_RUNTIME_DIR/brig): spec --rootless and check, run,
# create/start/state/exec/ps/list/kill/delete, a single-id mapping (no helper)
# and a newuidmap/newgidmap range mapping, the errors of what needs privilege
# it does not have (a limit without cgroup delegation, a range not its own, no
# user namespace, a lower OOM score), a cgroup root delegated by hand (limits,
# ps, pause, update, events), and no leftovers. The user and all it made are
# removed at the end, also on failure (rootless.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rootless.sh"

conf_init
conf_need setpriv util-linux
conf_need newuidmap uidmap
command -v getfacl >/dev/null || conf_apt acl

rl_user_create "brig-rl-$$" || conf_skip_all "cannot create a test user (useradd)"
rl_as unshare -Ur true
[ "$RC" = 0 ] || conf_skip_all "unprivileged user namespaces are not available here: $ERR"

# brig and the probe where the user may run them (the build tree may be
# under a directory it cannot search)
mkdir -p "$CONF_TMP/bin"
cp "$BRIG" "$CONF_TMP/bin/brig"
cp "$PROBE" "$CONF_TMP/bin/probe"
chmod 755 "$CONF_TMP/bin" "$CONF_TMP/bin/brig" "$CONF_TMP/bin/probe"
UB=$CONF_TMP/bin/brig
UROOT=$RL_XDG/brig # the default --root the user's brig must pick

# ub ARGS...: the user's brig, without --root.
ub() { rl_as "$UB" "$@"; }

# rl_bundle VAR: a bundle the user owns, its config from the user's own
# `brig spec --rootless`, running "/bin/probe exit 0" without a terminal.
rl_bundle() {
	local b
	b=$(mktemp -d "$RL_HOME/bundle.XXXXXX")
	cp -a "$BASE_ROOTFS" "$b/rootfs"
	cp "$PROBE" "$b/rootfs/bin/probe"
	chown -R "$RL_UID:$RL_GID" "$b"
	rl_as "$UB" spec --rootless --bundle "$b"
	[ "$RC" = 0 ] || { not_ok "[brig] brig spec --rootless as the user" "$ERR"; return 1; }
	ucfg "$b" '.process.terminal = false | .process.args = ["/bin/probe", "exit", "0"]'
	printf -v "$1" '%s' "$b"
}

ucfg() { cfg "$@" && chown "$RL_UID:$RL_GID" "$1/config.json"; }

uset_args() {
	local b=$1
	shift
	ucfg "$b" '.process.args = $a' --argjson a "$(json_array "$@")"
}

# range mappings: the user's own id as 0, its subordinate range above
umap_range() {
	ucfg "$1" '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1},
			{containerID: 1, hostID: $su, size: $n}]
		| .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1},
			{containerID: 1, hostID: $sg, size: $n}]' \
		--argjson u "$RL_UID" --argjson g "$RL_GID" --argjson su "$RL_SUBUID" \
		--argjson sg "$RL_SUBGID" --argjson n "$RL_SUBN"
}

ustate() { rl_as "$UB" state "$1" && jq -r ".$2 // empty" <<<"$OUT" 2>/dev/null; }
ustatus_is() { [ "$(ustate "$1" status)" = "$2" ]; }
host_uid_of() { awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# ub_nothing_left ID DESC: no state dir and no cgroup named after ID
ub_nothing_left() {
	local left=
	[ -e "$UROOT/$1" ] && left="$UROOT/$1"
	left="$left$(conf_cgroup_dirs "brig/$1")"
	check_eq "[brig] $2 leaves nothing (state, cgroup)" "" "$left"
}

# ---- spec --rootless and check ---------------------------------------------------

rl_bundle B || conf_finish
check_eq "[brig] spec --rootless maps the user's uid to container root" \
	"0 $RL_UID 1" "$(jq -r '.linux.uidMappings[] | "\(.containerID) \(.hostID) \(.size)"' "$B/config.json")"
check_eq "[brig] spec --rootless maps the user's gid to container root" \
	"0 $RL_GID 1" "$(jq -r '.linux.gidMappings[] | "\(.containerID) \(.hostID) \(.size)"' "$B/config.json")"
rl_as "$UB" check --fail-on high --bundle "$B"
check_rc "[brig] brig check finds nothing high in the user's rootless config" 0

# ---- run, single-id mapping -------------------------------------------------------

uset_args "$B" /bin/probe ids + ns + cat /proc/self/uid_map + exit 3
new_id ID
ub run --bundle "$B" "$ID"
check_rc "[brig] run as the user: the container's exit status" 3
check_eq "[brig] the process is root in its user namespace" 0 "$(kv uid)"
check_eq "[brig] uid_map maps the user alone" "0 $RL_UID 1" "$(grep -E '^ *0 ' <<<"$OUT" | squeeze)"
check_ne "[brig] a user namespace of its own" "$(host_ns user)" "$(kv ns.user)"
check_true "[brig] the default --root is \$XDG_RUNTIME_DIR/brig, the user's, mode 0700" \
	"$(stat -c '%U %a' "$UROOT" 2>&1)" [ "$(stat -c '%u %a' "$UROOT" 2>/dev/null)" = "$RL_UID 700" ]
check_eq "[brig] run leaves no state behind" "" "$(ls "$UROOT" 2>/dev/null)"
check_true "[brig] the seccomp cache is the user's, under its root" "$(ls -la "$UROOT" 2>&1)" \
	[ "$(stat -c %u "$UROOT/.seccomp-cache" 2>/dev/null)" = "$RL_UID" ]

# a single-id mapping is written directly: no newuidmap in PATH needed
RL_ENV=(PATH=/nonexistent)
uset_args "$B" /bin/probe exit 0
new_id ID
ub run --bundle "$B" "$ID"
check_rc "[brig] a single-id mapping needs no newuidmap/newgidmap" 0
RL_ENV=()

# ---- create, start, state, exec, ps, list, kill, delete --------------------------

uset_args "$B" /bin/probe sleep 300
new_id ID
ub create --bundle "$B" "$ID"
check_rc "[brig] create as the user" 0
PID=$(ustate "$ID" pid)
check_eq "[brig] state: created" created "$(ustate "$ID" status)"
check_true "[brig] the state directory is under \$XDG_RUNTIME_DIR/brig" "$(ls -la "$UROOT")" \
	[ -d "$UROOT/$ID" ]
check_eq "[brig] the init runs as the user on the host" "$RL_UID" "$(host_uid_of "$PID")"
ub start "$ID"
check_rc "[brig] start" 0
check_eq "[brig] state: running" running "$(ustate "$ID" status)"
ub exec "$ID" /bin/probe ids + ns
check_rc "[brig] exec" 0
check_eq "[brig] exec: root in the container" 0 "$(kv uid)"
check_eq "[brig] exec: in the init's pid namespace" "$(readlink "/proc/$PID/ns/pid")" "$(kv ns.pid)"
check_eq "[brig] exec: in the init's user namespace" "$(readlink "/proc/$PID/ns/user")" "$(kv ns.user)"
ub ps --format json "$ID"
check_rc "[brig] ps without a cgroup of its own (none delegated)" 0
check_eq "[brig] ps --format json lists the init (its pid namespace)" "$PID" \
	"$(jq -r --argjson p "$PID" '.[] | select(. == $p)' <<<"$OUT" 2>/dev/null)"
ub ps "$ID"
check_match "[brig] ps table has the init's row" "^[^ ]+ +$PID " "$OUT"
ub list
check_match "[brig] list: the user's container, owned by the user" "^$ID +$PID +running .* $RL_USER\$" "$OUT"
ub pause "$ID"
check_fails "[brig] pause without a cgroup fails"
check_contains "[brig] ... saying it has none, and why" "without cgroup delegation" "$ERR"
ub kill "$ID" KILL
check_rc "[brig] kill" 0
check_true "[brig] state: stopped after kill" "status $(ustate "$ID" status)" \
	wait_for 5 ustatus_is "$ID" stopped
ub delete "$ID"
check_rc "[brig] delete" 0
check_true "[brig] delete removes the state directory" "$UROOT/$ID exists" [ ! -e "$UROOT/$ID" ]
check_true "[brig] the init is gone" "pid $PID alive" wait_for 2 eval '! pid_alive "$PID"'

# ---- range mapping through newuidmap/newgidmap ------------------------------------

rl_bundle R || conf_finish
umap_range "$R"
ucfg "$R" '.process.user = {uid: 1000, gid: 1000}'
uset_args "$R" /bin/probe ids + cat /proc/self/uid_map + cat /proc/self/gid_map
new_id ID
ub run --bundle "$R" "$ID"
check_rc "[brig] run with the user's subordinate ranges (newuidmap/newgidmap)" 0
check_eq "[brig] ... the process is uid 1000 in it" 1000 "$(kv uid)"
check_eq "[brig] ... uid_map has the user's id and its range" \
	"0 $RL_UID 1|1 $RL_SUBUID $RL_SUBN" "$(grep -E '^ *[01] ' <<<"$OUT" | head -2 | squeeze | paste -sd'|')"
uset_args "$R" /bin/probe sleep 300
new_id ID
ub create --bundle "$R" "$ID"
check_rc "[brig] create with a range mapping" 0
PID=$(ustate "$ID" pid)
check_eq "[brig] ... container uid 1000 is the range's uid $((RL_SUBUID + 999)) on the host" \
	"$((RL_SUBUID + 999))" "$(host_uid_of "$PID")"
ub exec "$ID" /bin/probe ids
check_eq "[brig] ... exec runs as uid 1000 too" 1000 "$(kv uid)"
ub delete -f "$ID"
check_rc "[brig] ... delete -f" 0
check_true "[brig] ... its init is gone" "pid $PID alive" wait_for 2 eval '! pid_alive "$PID"'

RL_ENV=(PATH=/nonexistent)
new_id ID
ub run --bundle "$R" "$ID"
RL_ENV=()
check_error_line "[brig] ranges without newuidmap installed fail" run
check_contains "[brig] ... naming the package" "newuidmap is not installed" "$ERR"
ub_nothing_left "$ID" "the failed run"

ucfg "$R" '.linux.uidMappings[1].hostID = $h' --argjson h "$((RL_SUBUID + RL_SUBN))"
new_id ID
ub run --bundle "$R" "$ID"
check_error_line "[brig] a range that is not the user's fails" run
check_match "[brig] ... with newuidmap's reason and /etc/subuid" \
	"newuidmap refused linux.uidMappings \(newuidmap: .*\).*/etc/subuid" "$ERR"
ub_nothing_left "$ID" "the refused mapping"

# ---- what needs privilege the user does not have --------------------------------

rl_bundle E || conf_finish
ucfg "$E" '.linux.resources = {memory: {limit: 67108864}}'
new_id ID
ub run --bundle "$E" "$ID"
check_error_line "[brig] a memory limit without a delegated cgroup fails" run
check_match "[brig] ... saying it needs cgroup delegation and how" \
	"linux.resources.memory.limit needs cgroup delegation .*(Delegate=yes|chown it to uid $RL_UID)" "$ERR"
ub_nothing_left "$ID" "the refused limit"

ucfg "$E" 'del(.linux.resources) | .linux.cgroupsPath = $p' --arg p "/brig-rl-$$-none"
new_id ID
ub run --bundle "$E" "$ID"
check_rc "[brig] no limits: it runs without a cgroup of its own (--rootless auto)" 0
check_eq "[brig] ... and made none" "" "$(conf_cgroup_dirs "brig-rl-$$-none")"

ucfg "$E" 'del(.linux.cgroupsPath) | del(.linux.namespaces[] | select(.type == "user"))
	| del(.linux.uidMappings, .linux.gidMappings)'
new_id ID
ub run --bundle "$E" "$ID"
check_error_line "[brig] no user namespace: creating namespaces fails" run
check_contains "[brig] ... pointing at a user namespace (brig spec --rootless)" "brig spec --rootless" "$ERR"
ub_nothing_left "$ID" "the refused clone"

rl_bundle O || conf_finish
ucfg "$O" '.process.oomScoreAdj = -999'
new_id ID
ub run --bundle "$O" "$ID"
check_error_line "[brig] a lower oomScoreAdj fails" run
check_contains "[brig] ... saying lowering needs CAP_SYS_RESOURCE" "CAP_SYS_RESOURCE" "$ERR"
ub_nothing_left "$ID" "the refused score"
ucfg "$O" '.process.oomScoreAdj = 777'
uset_args "$O" /bin/probe oom
new_id ID
ub run --bundle "$O" "$ID"
check_rc "[brig] a higher oomScoreAdj is the user's to set" 0
check_eq "[brig] ... and the process has it" 777 "$(kv oom_score_adj)"

# ---- a cgroup delegated by hand -----------------------------------------------------

# What systemd's Delegate=yes does on cgroup v2, by hand and in every
# hierarchy (systemd never delegates v1 controllers): root makes a cgroup,
# chowns it to the user, and the user's processes start inside it.
DG=brig-rl-$$-dg
if ! rl_cgroup_delegate "$DG"; then
	skip "[brig] limits in a delegated cgroup" "could not make the cgroup $DG"
else
	rl_bundle D || conf_finish
	ucfg "$D" '.linux.cgroupsPath = $p | .linux.resources = {memory: {limit: 67108864}, pids: {limit: 32}}' \
		--arg p "/$DG/c1"
	uset_args "$D" /bin/probe sleep 300
	new_id ID
	ub run --detach --bundle "$D" "$ID"
	check_rc "[brig] limits in a cgroup delegated to the user: run --detach" 0
	PID=$(ustate "$ID" pid)
	mem=$(cat "/sys/fs/cgroup/memory/$DG/c1/memory.limit_in_bytes" 2>/dev/null ||
		cat "/sys/fs/cgroup/$DG/c1/memory.max" 2>/dev/null)
	check_eq "[brig] ... the memory limit is written" 67108864 "$mem"
	pids=$(cat "/sys/fs/cgroup/pids/$DG/c1/pids.max" 2>/dev/null || cat "/sys/fs/cgroup/$DG/c1/pids.max" 2>/dev/null)
	check_eq "[brig] ... the pids limit is written" 32 "$pids"
	ub ps --format json "$ID"
	check_eq "[brig] ... ps reads the cgroup" "$PID" \
		"$(jq -r --argjson p "$PID" '.[] | select(. == $p)' <<<"$OUT" 2>/dev/null)"
	ub pause "$ID"
	check_rc "[brig] ... pause" 0
	check_eq "[brig] ... paused" paused "$(ustate "$ID" status)"
	ub resume "$ID"
	check_eq "[brig] ... resumed" running "$(ustate "$ID" status)"
	ub update --memory 134217728 "$ID"
	check_rc "[brig] ... update" 0
	mem=$(cat "/sys/fs/cgroup/memory/$DG/c1/memory.limit_in_bytes" 2>/dev/null ||
		cat "/sys/fs/cgroup/$DG/c1/memory.max" 2>/dev/null)
	check_eq "[brig] ... update wrote the new limit" 134217728 "$mem"
	ub events --stats "$ID"
	check_eq "[brig] ... events --stats reads its memory" 134217728 \
		"$(jq -r '.data.memory.usage.limit' <<<"$OUT" 2>/dev/null)"
	ub delete -f "$ID"
	check_rc "[brig] ... delete -f" 0
	check_eq "[brig] ... delete removes the cgroup it made in every hierarchy" "" \
		"$(conf_cgroup_dirs "$DG/c1")"
	RL_CGROUP=
fi

# ---- no leftovers ----------------------------------------------------------------------

left=$(rl_user_procs | paste -sd' ')
check_eq "[brig] no process of the user or its ranges is left" "" \
	"${left:+$left: $(ps -o pid=,uid=,ppid=,stat=,args= -p "${left// /,}")}"
check_eq "[brig] no container is left in the user's root" "" "$(ls "$UROOT" 2>/dev/null)"
check_eq "[brig] no mount of the user's is left on the host" "" \
	"$(awk -v h="$RL_HOME" -v x="$RL_XDG" 'index($5, h) == 1 || index($5, x) == 1 { print $5 }' /proc/self/mountinfo)"

conf_finish
