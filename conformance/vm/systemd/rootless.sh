#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Rootless under a user's systemd, in the VM whose PID 1 is systemd (run.sh
# runs it; pure cgroup v2 only: systemd delegates no v1 controller to a
# user). The test (root) creates a user with subuid/subgid ranges
# (../../rootless.sh) and starts its manager, user@UID.service (lingering
# needs logind, which the VM masks: systemctl start does what linger does),
# whose cgroup systemd delegates (Delegate=pids memory cpu on Debian 12).
# Then, as that user, every command in a scope of its manager (systemd-run
# --user --scope, as a login shell's commands are in session scopes):
#   - brig with the cgroupfs driver in a delegated cgroup: the user's shell
#     moves to a leaf of a Delegate=yes scope, which enables memory and pids
#     for a sibling, the container's cgroupsPath; run, create/start/kill/
#     delete, memory.max and pids.max written, nothing left
#   - brig --systemd-cgroup through the user manager: user.slice:PREFIX:NAME
#     is a scope of the user's manager (not the system's), with MemoryMax and
#     TasksMax and the files, no slice means user.slice, nothing left
#   - rootless podman with its default cgroup manager (systemd) and --runtime
#     brig, then runc: --memory/--pids-limit inside the container and in the
#     libpod-ID.scope of the user manager, stats, update, exec, stop, run
#     --rm's exit code; a table, where brig passes wherever runc does
# and at the end no unit of the test in the user manager, and none of the
# user in the system's once its manager is stopped. Everything is removed on
# the way out, also on failure (the manager stopped before the user goes).
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../rootless.sh"
[ -d /.vm-run ] || conf_skip_all "runs inside the systemd VM only (ctest -R conformance.systemd boots it)"
[ "$(cat /proc/1/comm)" = systemd ] || conf_skip_all "PID 1 is not systemd"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
	conf_skip_all "the hybrid layout: systemd delegates cgroup v2 only to a user"
if [ -n "${BRIG_SEED_CACHE:-}" ] && [ -x "$BRIG_SEED_CACHE/rootfs-base/bin/busybox" ] &&
	[ -n "${CONF_CACHE:-}" ] && [ ! -e "$CONF_CACHE/rootfs-base" ]; then
	mkdir -p "$CONF_CACHE" && cp -a "$BRIG_SEED_CACHE/rootfs-base" "$CONF_CACHE/"
fi
conf_init
conf_need setpriv util-linux
conf_need runuser util-linux
conf_need newuidmap uidmap
RUNC=${RL_RUNC:-$(command -v runc || echo none)}
PODMAN=1
command -v podman >/dev/null && command -v conmon >/dev/null || PODMAN=
[ -f /usr/lib/systemd/user/dbus.socket ] || [ -f /lib/systemd/user/dbus.socket ] ||
	conf_skip_all "no user bus (Debian package dbus-user-session; systemd.sh installs it)"

rl_user_create "brig-rlv-$$" || conf_skip_all "cannot create a test user (useradd)"
P=brig-rlv-$$ # the prefix of every unit and container of the run
MGR_UNIT=user@$RL_UID.service
V2=/sys/fs/cgroup

# uctl ARGS...: systemctl --user of the test user's manager
uctl() {
	runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="$RL_XDG" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$RL_XDG/bus" systemctl --user "$@"
}
ushow() { uctl show -P "$2" "$1" 2>/dev/null; } # UNIT PROPERTY
uunit_gone() {
	[ "$(ushow "$1" LoadState)" = not-found ] && return 0
	[ "$(ushow "$1" ActiveState)" = inactive ] &&
		[ -z "$(uctl list-units --all --plain --no-legend "$1" 2>/dev/null)" ]
}
test_units() { # the units of the test in the user's manager
	uctl list-units --all --plain --no-legend "$P-*" 'libpod-*' 2>/dev/null | awk '{ print $1 }'
}
rd() { cat "$1" 2>/dev/null; }
# within SECS CMD...: CMD succeeds within SECS seconds (lib.sh's wait_for
# counts tries, and a command of the user's costs a second under emulation)
within() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }

# The way out: the user's containers, its podman storage, its units, then
# its manager, before rootless.sh removes the user.
MGR_STARTED=
rlv_cleanup() {
	local u id
	[ -n "$RL_USER" ] || return 0
	if [ -n "$MGR_STARTED" ]; then
		for id in "$RL_XDG"/brig/*; do
			[ -d "$id" ] && RL_TIMEOUT=20 ub delete -f "${id##*/}"
		done
		if [ -n "$PODMAN" ] && [ -d "$RL_HOME/.local/share/containers" ]; then
			RL_TIMEOUT=120 rl_as podman system reset -f
		fi
		for u in $(test_units); do
			echo "# cleanup: unit $u of the user's manager was left" >&2
			uctl stop "$u" >/dev/null 2>&1
		done
		systemctl stop "$MGR_UNIT" >/dev/null 2>&1
		systemctl stop "user-runtime-dir@$RL_UID.service" "user-$RL_UID.slice" >/dev/null 2>&1
		systemctl reset-failed "$MGR_UNIT" "user-runtime-dir@$RL_UID.service" >/dev/null 2>&1
		MGR_STARTED=
	fi
	return 0
}
trap 'rc=$?; rlv_cleanup; (exit $rc); conf_cleanup' EXIT

# brig and the probe where the user may run them; podman picks features by
# the runtime's name, so brig stays "brig"
mkdir -p "$CONF_TMP/bin"
cp "$BRIG" "$CONF_TMP/bin/brig"
cp "$PROBE" "$CONF_TMP/bin/probe"
chmod 755 "$CONF_TMP/bin" "$CONF_TMP/bin/brig" "$CONF_TMP/bin/probe"
UB=$CONF_TMP/bin/brig

# ---- the user's manager and its delegated cgroup -------------------------------------

t0=$(date +%s)
if systemctl is-active -q systemd-logind.service; then
	LAST_CMD="loginctl enable-linger $RL_USER"
	ERR=$(loginctl enable-linger "$RL_USER" 2>&1 && systemctl start "$MGR_UNIT" 2>&1)
else # what lingering does: logind starts user@UID.service at boot
	LAST_CMD="systemctl start $MGR_UNIT"
	ERR=$(systemctl start "$MGR_UNIT" 2>&1)
fi
RC=$?
MGR_STARTED=1
conf_log "$LAST_CMD: $(($(date +%s) - t0)) s"
check_eq "[systemd] the user's manager user@UID.service runs" active \
	"$(systemctl is-active "$MGR_UNIT" 2>&1)"
[ "$(systemctl is-active "$MGR_UNIT" 2>&1)" = active ] ||
	{ journalctl -b --no-pager -n 30 2>/dev/null | sed 's/^/#   /'; conf_finish; }
MGR_CG=$(systemctl show -P ControlGroup "$MGR_UNIT")
check_eq "[systemd] its cgroup is user-UID.slice/user@UID.service" \
	"/user.slice/user-$RL_UID.slice/$MGR_UNIT" "$MGR_CG"
check_true "[systemd] delegated: memory and pids in its cgroup.controllers, the user owns it" \
	"controllers '$(rd "$V2$MGR_CG/cgroup.controllers")', Delegate '$(systemctl show -P DelegateControllers "$MGR_UNIT")', owner $(stat -c %u "$V2$MGR_CG" 2>&1)" \
	eval 'grep -qw memory "$V2$MGR_CG/cgroup.controllers" && grep -qw pids "$V2$MGR_CG/cgroup.controllers" && [ "$(stat -c %u "$V2$MGR_CG")" = "$RL_UID" ]'
wait_for 10 test -S "$RL_XDG/bus"
check_true "[systemd] the user's bus answers at \$XDG_RUNTIME_DIR/bus" "$(ls -la "$RL_XDG" 2>&1)" \
	eval '[ -S "$RL_XDG/bus" ] && uctl show -P Version >/dev/null'

# Every command of the user in a scope of its manager, as a login's are; the
# bus address for the clients that look for it in the environment
RL_RUNNER="runuser -u $RL_USER -- env XDG_RUNTIME_DIR=$RL_XDG systemd-run --user --scope --quiet --collect -p Delegate=yes"
RL_ENV=("DBUS_SESSION_BUS_ADDRESS=unix:path=$RL_XDG/bus")
rl_as sh -c 'cat /proc/self/cgroup; id -u'
check_true "[systemd] the user's commands run as the user in a scope of its manager" \
	"exit $RC: $OUT $ERR" eval '[ $RC = 0 ] && grep -q "^0::$MGR_CG/.*\.scope\$" <<<"$OUT" && [ "$(tail -n1 <<<"$OUT")" = "$RL_UID" ]'
rl_as unshare -Ur true
[ "$RC" = 0 ] || conf_skip_all "unprivileged user namespaces are not available here: $ERR"

# ---- brig, cgroupfs driver, in a delegated cgroup ------------------------------------------

# The commands that start a container's processes (create, run, podman's)
# run in a scope of the user's manager; state, start, update, kill and delete
# start none and run as the user by setpriv alone (a second less each under
# emulation).
ub() {
	local RL_RUNNER=
	rl_as "$UB" "$@"
}

# One rootfs the user owns for every bundle (its containers only sleep and
# exit) and its own `brig spec --rootless` as every bundle's config.
t0=$(date +%s)
URFS=$RL_HOME/rootfs
cp -a "$BASE_ROOTFS" "$URFS"
chown -R "$RL_UID:$RL_GID" "$URFS"
mkdir "$RL_HOME/spec"
chown "$RL_UID:$RL_GID" "$RL_HOME/spec"
ub spec --rootless --bundle "$RL_HOME/spec"
check_rc "[brig] spec --rootless as the user" 0

# rl_bundle VAR ARGS...: a bundle the user owns running ARGS, with a 64 MiB
# memory and a 50 pids limit
rl_bundle() {
	local v=$1 b
	shift
	b=$(mktemp -d "$RL_HOME/bundle.XXXXXX")
	jq --arg r "$URFS" --argjson a "$(json_array "$@")" '.root.path = $r
		| .process.terminal = false | .process.args = $a
		| .linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}}' \
		"$RL_HOME/spec/config.json" >"$b/config.json"
	chown -R "$RL_UID:$RL_GID" "$b"
	printf -v "$v" '%s' "$b"
}

# leaf.sh BUNDLE NAME CMD...: in the user's Delegate=yes scope, moves itself
# to a leaf (no process may sit beside a child cgroup with controllers),
# enables memory and pids for children, points BUNDLE's cgroupsPath at the
# sibling NAME and runs CMD there
cat >"$CONF_TMP/bin/leaf.sh" <<'EOF'
#!/bin/sh
b=$1 name=$2
shift 2
cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
mkdir "/sys/fs/cgroup$cg/shell" && echo $$ >"/sys/fs/cgroup$cg/shell/cgroup.procs" &&
	echo "+memory +pids" >"/sys/fs/cgroup$cg/cgroup.subtree_control" || exit 125
jq --arg p "$cg/$name" '.linux.cgroupsPath = $p' "$b/config.json" >"$b/config.json.new" &&
	mv "$b/config.json.new" "$b/config.json" || exit 125
exec "$@"
EOF
chmod 755 "$CONF_TMP/bin/leaf.sh"
LEAF=$CONF_TMP/bin/leaf.sh
cgpath() { jq -r '.linux.cgroupsPath // empty' "$1/config.json"; }

rl_bundle B /bin/sh -c 'exit 3'
rl_as "$LEAF" "$B" ctr "$UB" run --bundle "$B" "$P-run"
CG=$(cgpath "$B")
check_rc "[brig] cgroupfs driver: run as the user in a delegated cgroup, with limits (exit status)" 3
check_true "[brig] ... the cgroupsPath is in the user's manager and gone after run" "$CG" \
	eval '[ "${CG#"$MGR_CG"/}" != "$CG" ] && [ ! -e "$V2$CG" ]'

rl_bundle B /bin/sleep 300
rl_as "$LEAF" "$B" ctr "$UB" create --bundle "$B" "$P-cfs"
check_rc "[brig] cgroupfs driver: create as the user, cgroupsPath beside its leaf" 0
CG=$(cgpath "$B")
PID=$(ub state "$P-cfs" && jq -r '.pid // 0' <<<"$OUT")
check_eq "[brig] ... the init is in the container's cgroup" "$CG" "$(cgroup_of "$PID")"
check_eq "[brig] ... memory.max and pids.max written" "67108864 50" \
	"$(rd "$V2$CG/memory.max") $(rd "$V2$CG/pids.max")"
ub start "$P-cfs"
check_rc "[brig] ... start" 0
ub update --memory 134217728 "$P-cfs"
check_eq "[brig] ... update --memory as the user" "0 134217728" "$RC $(rd "$V2$CG/memory.max")"
ub kill "$P-cfs" KILL
within 10 eval '! pid_alive "$PID"'
ub delete "$P-cfs"
check_rc "[brig] ... kill, delete" 0
check_true "[brig] ... the container's cgroup and state are gone" "$(ls -d "$V2$CG" "$RL_XDG/brig/$P-cfs" 2>&1)" \
	eval '[ ! -e "$V2$CG" ] && [ ! -e "$RL_XDG/brig/$P-cfs" ]'

conf_log "brig, cgroupfs driver: $(($(date +%s) - t0)) s"

# ---- brig --systemd-cgroup through the user's manager ---------------------------------------

check_eq "[brig] features advertises the user's manager (linux.cgroup.systemdUser)" true \
	"$("$BRIG" features | jq -r .linux.cgroup.systemdUser)"

t0=$(date +%s)
rl_bundle B /bin/sleep 300
cfg "$B" '.linux.cgroupsPath = $p' --arg p "user.slice:$P:sd"
chown "$RL_UID:$RL_GID" "$B/config.json"
UNIT=$P-sd.scope
rl_as "$UB" --systemd-cgroup create --bundle "$B" "$P-sd"
check_rc "[brig] --systemd-cgroup as the user: create with cgroupsPath user.slice:PREFIX:NAME" 0
UCG=$(ushow "$UNIT" ControlGroup)
check_eq "[brig] ... PREFIX-NAME.scope in the user manager's user.slice, active" \
	"active user.slice $MGR_CG/user.slice/$UNIT" \
	"$(ushow "$UNIT" ActiveState) $(ushow "$UNIT" Slice) $UCG"
check_eq "[brig] ... not a unit of the system's manager" not-found \
	"$(systemctl show -P LoadState "$UNIT" 2>&1)"
PID=$(ub state "$P-sd" && jq -r '.pid // 0' <<<"$OUT")
check_eq "[brig] ... the init is in the unit's cgroup" "$MGR_CG/user.slice/$UNIT" "$(cgroup_of "$PID")"
check_eq "[brig] ... MemoryMax, TasksMax, Delegate in systemctl --user show" "67108864 50 yes" \
	"$(ushow "$UNIT" MemoryMax) $(ushow "$UNIT" TasksMax) $(ushow "$UNIT" Delegate)"
check_eq "[brig] ... memory.max and pids.max in the unit's cgroup" "67108864 50" \
	"$(rd "$V2$UCG/memory.max") $(rd "$V2$UCG/pids.max")"
ub --systemd-cgroup start "$P-sd"
check_rc "[brig] ... start" 0
ub --systemd-cgroup update --memory 134217728 --pids-limit 60 "$P-sd"
check_eq "[brig] ... update: the unit's properties and files" "0 134217728 60 134217728 60" \
	"$RC $(ushow "$UNIT" MemoryMax) $(ushow "$UNIT" TasksMax) $(rd "$V2$UCG/memory.max") $(rd "$V2$UCG/pids.max")"
ub --systemd-cgroup delete -f "$P-sd"
check_rc "[brig] ... delete -f" 0
check_true "[brig] ... the unit and its cgroup are gone" \
	"$UNIT: $(ushow "$UNIT" LoadState)/$(ushow "$UNIT" ActiveState), $(ls -d "$V2$UCG" 2>&1)" \
	eval 'within 10 uunit_gone "$UNIT" && [ ! -e "$V2$MGR_CG/user.slice/$UNIT" ]'

# no slice: user.slice, the user manager's (runc's rule for rootless)
rl_bundle B /bin/sh -c 'cat /proc/self/cgroup >/dev/null; exit 5'
cfg "$B" '.linux.cgroupsPath = $p' --arg p ":$P:sdrun"
chown "$RL_UID:$RL_GID" "$B/config.json"
rl_as "$UB" --systemd-cgroup --debug run --bundle "$B" "$P-sdrun"
check_rc "[brig] --systemd-cgroup run with cgroupsPath :PREFIX:NAME (exit status)" 5
check_true "[brig] ... its unit was in the user manager's user.slice and is gone" \
	"$(grep -i 'systemd' <<<"$ERR" | tail -n 3)" \
	eval 'grep -q "user.slice" <<<"$ERR" && within 10 uunit_gone "$P-sdrun.scope"'

conf_log "brig, systemd driver: $(($(date +%s) - t0)) s"

# ---- rootless podman, its default cgroup manager (systemd) ---------------------------------

podman_part() {
	rl_podman_config # no cgroup_manager: podman's default (systemd, with a user session)
	IMAGE=localhost/brig-rootless:latest
	tar --numeric-owner -C "$BASE_ROOTFS" -cf "$CONF_TMP/image.tar" .
	chmod 644 "$CONF_TMP/image.tar"
	local t
	t=$(date +%s)
	RL_TIMEOUT=180
	rl_as podman import -c 'CMD ["/bin/sh"]' "$CONF_TMP/image.tar" "$IMAGE"
	if [ "$RC" != 0 ]; then
		not_ok "[podman] podman import as the user" "$ERR"
		return
	fi
	rl_as podman info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}} {{.Host.Security.Rootless}}'
	check_eq "[podman] rootless podman's default cgroup manager is systemd here" "systemd v2 true" "$OUT"
	conf_log "podman import, info: $(($(date +%s) - t)) s"
	conf_log "rootless podman $(podman --version | awk '{ print $3 }'), runc $("$RUNC" --version 2>/dev/null | awk 'NR == 1 { print $3 }')"
	RL_TIMEOUT=90
	local rts=("$UB")
	[ "$RUNC" != none ] && rts+=("$RUNC")
	for rt in "${rts[@]}"; do
		PR=(--runtime "$rt")
		t=$(date +%s)
		rl_scenarios "$(basename "$rt")" "${SCENARIOS[@]}"
		conf_log "podman --runtime $(basename "$rt"): $(($(date +%s) - t)) s"
	done
	rl_table podman "${SCENARIOS[@]}"
}

PR=()
p() { rl_as podman "${PR[@]}" "$@"; }
N=$P-pd
# CID, CPID: the detached container's id and init pid (one inspect: each
# podman command costs seconds under emulation)
CID="" CPID=""
ctr_ids() {
	[ -n "$CID" ] && return 0
	p inspect -f '{{.Id}} {{.State.Pid}}' "$N"
	read -r CID CPID <<<"$OUT"
}

s_run_limits() {
	p run --rm --network none --memory 64m --pids-limit 50 "$IMAGE" \
		sh -c 'echo $(cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max); exit 42'
	expect_rc 42 "run --rm --memory 64m --pids-limit 50 sh -c 'exit 42'" || return 1
	[ "$OUT" = "67108864 50" ] || { R="inside: memory.max pids.max '$OUT', want '67108864 50'"; return 1; }
}

s_scope() {
	local id cg
	CID="" CPID=""
	p run -d --name "$N" --network none --memory 64m --pids-limit 50 "$IMAGE" sleep 1000
	expect_rc 0 "run -d --memory 64m --pids-limit 50" || return 1
	ctr_ids
	id=$CID cg=$(cgroup_of "$CPID")
	# the container's own cgroup is the scope's (runc) or below it
	case $cg in
	"$MGR_CG/user.slice/libpod-$id.scope" | "$MGR_CG/user.slice/libpod-$id.scope"/*) ;;
	*)
		R="cgroup '$cg', want $MGR_CG/user.slice/libpod-$id.scope"
		return 1
		;;
	esac
	[ "$(ushow "libpod-$id.scope" ActiveState)" = active ] ||
		{ R="libpod-$id.scope: $(ushow "libpod-$id.scope" ActiveState) in the user manager"; return 1; }
	[ "$(rd "$V2$cg/memory.max") $(rd "$V2$cg/pids.max")" = "67108864 50" ] ||
		{ R="$cg: memory.max pids.max '$(rd "$V2$cg/memory.max") $(rd "$V2$cg/pids.max")'"; return 1; }
}

s_stats() {
	p stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$N"
	expect_rc 0 "stats --no-stream" || return 1
	grep -Eq '^[0-9.]+[kKMG]i?B / 67\.1[0-9]*MB\|[1-9]' <<<"$OUT" ||
		{ R="stats: '$OUT', want a usage / 67.11MB and pids"; return 1; }
}

s_update() {
	local cg
	p update --memory 128m "$N"
	expect_rc 0 "update --memory 128m" || return 1
	ctr_ids
	cg=$(cgroup_of "$CPID")
	[ "$(rd "$V2$cg/memory.max")" = 134217728 ] ||
		{ R="$cg: memory.max '$(rd "$V2$cg/memory.max")' after update, want 134217728"; return 1; }
}

s_exec() {
	p exec "$N" sh -c 'exit 7'
	expect_rc 7 "exec sh -c 'exit 7'"
}

s_stop_rm() {
	local id
	ctr_ids
	id=$CID
	p stop -t 1 "$N"
	expect_rc 0 "stop -t 1" || return 1
	p rm "$N"
	expect_rc 0 "rm" || return 1
	within 10 uunit_gone "libpod-$id.scope" ||
		{ R="libpod-$id.scope left: $(ushow "libpod-$id.scope" ActiveState)"; return 1; }
	[ ! -e "$V2$MGR_CG/user.slice/libpod-$id.scope" ] || { R="its cgroup is left"; return 1; }
}

SCENARIOS=(run_limits scope stats update exec stop_rm)
scn_cleanup() { :; }

if [ -z "$PODMAN" ]; then
	skip "[podman] rootless podman with the systemd cgroup manager" "no podman/conmon (systemd.sh installs them)"
else
	t0=$(date +%s)
	podman_part
	p rm -f -t 0 -a >/dev/null 2>&1
	conf_log "podman: $(($(date +%s) - t0)) s"
fi

# ---- nothing left ---------------------------------------------------------------------------

check_eq "[systemd] no unit of the test left in the user's manager" "" "$(test_units | tr '\n' ' ')"
check_eq "[brig] no container state left in \$XDG_RUNTIME_DIR/brig (nor runc's)" "" \
	"$(ls -d "$RL_XDG"/brig/* "$RL_XDG"/runc/* 2>/dev/null)"
rlv_cleanup
check_true "[systemd] the user's manager, its runtime dir and its slice are stopped and gone" \
	"$(systemctl list-units --all --plain --no-legend "$MGR_UNIT" "user-runtime-dir@$RL_UID.service" "user-$RL_UID.slice" 2>&1)" \
	eval '[ -z "$(systemctl list-units --all --plain --no-legend "$MGR_UNIT" "user-runtime-dir@$RL_UID.service" "user-$RL_UID.slice" 2>/dev/null)" ] && [ ! -e "$V2/user.slice/user-$RL_UID.slice" ]'
conf_finish
