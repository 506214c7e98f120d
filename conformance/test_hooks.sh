#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config.md#posix-platform-hooks and runtime.md#lifecycle: the order of the
# six hook kinds, the state each gets on stdin, the namespace each runs in,
# args and env, and what a failing or timed-out hook does.
. "$(dirname "$0")/lib.sh"
conf_init

HOSTPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
touch "$CONF_TMP/host-marker"

# A host hook: records what it sees under OUT as KIND.*, then exits RC after
# sleeping DELAY seconds. args: KIND OUT [RC [DELAY]].
cat >"$CONF_TMP/hook.sh" <<'EOF'
#!/bin/sh
kind=$1 out=$2 rc=${3:-0} delay=${4:-0}
echo $$ >"$out/$kind.hookpid"
cat >"$out/$kind.json"
echo "$kind" >>"$out/order"
readlink /proc/self/ns/net >"$out/$kind.net"
readlink /proc/self/ns/mnt >"$out/$kind.mnt"
env >"$out/$kind.env"
echo "$0" >"$out/$kind.argv0"
pid=$(jq -r .pid <"$out/$kind.json")
stat -L -c %d:%i "/proc/$pid/exe" >"$out/$kind.exe" 2>/dev/null
[ -e "$HOST_MARKER" ] && echo yes >"$out/$kind.marker"
[ "$delay" = 0 ] || sleep "$delay"
exit "$rc"
EOF
chmod 755 "$CONF_TMP/hook.sh"

# startContainer's path resolves in the container: busybox sh in the rootfs.
CONTAINER_HOOK='kind=$1 out=$2 rc=${3:-0}
cat >$out/$kind.json; echo $kind >>$out/order
readlink /proc/self/ns/net >$out/$kind.net; readlink /proc/self/ns/mnt >$out/$kind.mnt
env >$out/$kind.env; /bin/probe exe >$out/$kind.exe; exit $rc'

# host_hook KIND OUT [RC [DELAY]] -> a hook object
host_hook() {
	jq -nc --arg p "$CONF_TMP/hook.sh" --arg k "$1" --arg o "$2" --arg rc "${3:-0}" --arg d "${4:-0}" \
		--arg path "$HOSTPATH" --arg m "$CONF_TMP/host-marker" \
		'{path: $p, args: ["conf-hook", $k, $o, $rc, $d], env: ["PATH=" + $path, "HOOKVAR=v-" + $k, "HOST_MARKER=" + $m]}'
}
container_hook() { # KIND [RC]
	jq -nc --arg s "$CONTAINER_HOOK" --arg k "$1" --arg rc "${2:-0}" \
		'{path: "/bin/sh", args: ["sh", "-c", $s, "sh", $k, "/out", $rc], env: ["PATH=/bin", "HOOKVAR=v-" + $k]}'
}

# hooks_bundle VAR [KIND=RC...]: a bundle with one hook of every kind; the
# listed kinds exit with RC. Host hooks write to $bundle/out, which the
# container sees as /out.
hooks_bundle() {
	local bb var=$1 k rc h
	shift
	new_bundle bb
	mount_out "$bb"
	set_args "$bb" /bin/probe write /out/ran yes + signal-trap
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		rc=0
		for h in "$@"; do [ "${h%%=*}" = "$k" ] && rc=${h#*=}; done
		if [ "$k" = startContainer ]; then
			cfg "$bb" '.hooks[$k] = [$h]' --arg k "$k" --argjson h "$(container_hook "$k" "$rc")"
		else
			cfg "$bb" '.hooks[$k] = [$h]' --arg k "$k" --argjson h "$(host_hook "$k" "$bb/out" "$rc")"
		fi
	done
	printf -v "$var" '%s' "$bb"
}
order() { tr '\n' ' ' <"$1/out/order" 2>/dev/null | sed 's/ $//'; }
hook_state() { jq -r ".$3 // empty" "$1/out/$2.json" 2>/dev/null; }

# ---- the full lifecycle with every hook --------------------------------------

hooks_bundle B
cfg "$B" '.annotations = {"org.example.hooks": "yes"}'
PROBE_INO=$(stat -c %d:%i "$B/rootfs/bin/probe")
CONF_LEAK=from-the-runtime
export CONF_LEAK
brig_create "$B"
unset CONF_LEAK
check_succeeds "[config.md#posix-platform-hooks] create with hooks of every kind succeeds"
C_NET=$(readlink "/proc/$PID/ns/net") C_MNT=$(readlink "/proc/$PID/ns/mnt")
check_eq "[config.md#prestart] prestart, createRuntime, createContainer MUST be called in order during create" \
	"prestart createRuntime createContainer" "$(order "$B")"
for k in prestart createRuntime createContainer; do
	check_eq "[config.md#posix-platform-hooks] $k gets the state on stdin: status created" created "$(hook_state "$B" $k status)"
	check_eq "[config.md#posix-platform-hooks] $k gets the state on stdin: id" "$ID" "$(hook_state "$B" $k id)"
	check_eq "[config.md#posix-platform-hooks] $k gets the state on stdin: pid of the init" "$PID" "$(hook_state "$B" $k pid)"
	check_eq "[config.md#posix-platform-hooks] $k gets the state on stdin: bundle" "$B" "$(hook_state "$B" $k bundle)"
	check_eq "[config.md#posix-platform-hooks] $k gets env as configured" v-$k \
		"$(sed -n 's/^HOOKVAR=//p' "$B/out/$k.env" 2>/dev/null)"
done
check_eq "[config.md#posix-platform-hooks] the state hooks get has the annotations" yes \
	"$(jq -r '.annotations["org.example.hooks"]' "$B/out/prestart.json" 2>/dev/null)"
check_true "[config.md#posix-platform-hooks] a hook's env is only the configured one" \
	"$(grep CONF_LEAK "$B/out/prestart.env")" eval '! grep -q CONF_LEAK "$B/out/prestart.env"'
for k in prestart createRuntime; do
	check_eq "[config.md#$k] $k MUST be executed in the runtime namespace (network)" "$(host_ns net)" "$(cat "$B/out/$k.net")"
	check_eq "[config.md#$k] $k MUST be executed in the runtime namespace (mount)" "$(host_ns mnt)" "$(cat "$B/out/$k.mnt")"
done
check_eq "[config.md#createContainer-hooks] createContainer MUST be executed in the container namespace (network)" \
	"$C_NET" "$(cat "$B/out/createContainer.net" 2>/dev/null)"
check_eq "[config.md#createContainer-hooks] createContainer MUST be executed in the container namespace (mount)" \
	"$C_MNT" "$(cat "$B/out/createContainer.mnt" 2>/dev/null)"
check_eq "[config.md#createContainer-hooks] createContainer runs before pivot_root (its path resolves in the runtime namespace)" \
	yes "$(cat "$B/out/createContainer.marker" 2>/dev/null)"
check_true "[runtime.md#lifecycle] the user program has not run during create" "$B/out/ran exists" test ! -e "$B/out/ran"

brig start "$ID"
check_succeeds "[runtime.md#start] start with startContainer and poststart hooks succeeds"
check_eq "[config.md#startContainer-hooks] start calls startContainer then poststart" \
	"prestart createRuntime createContainer startContainer poststart" "$(order "$B")"
check_eq "[config.md#startContainer-hooks] startContainer gets the state: status created" created \
	"$(hook_state "$B" startContainer status)"
check_eq "[config.md#startContainer-hooks] startContainer gets the state: pid of the init" "$PID" \
	"$(hook_state "$B" startContainer pid)"
check_eq "[config.md#startContainer-hooks] startContainer MUST be executed in the container namespace (network)" \
	"$C_NET" "$(cat "$B/out/startContainer.net" 2>/dev/null)"
check_eq "[config.md#startContainer-hooks] startContainer MUST be executed in the container namespace (mount)" \
	"$C_MNT" "$(cat "$B/out/startContainer.mnt" 2>/dev/null)"
check_eq "[config.md#startContainer-hooks] startContainer gets its configured env" v-startContainer \
	"$(sed -n 's/^HOOKVAR=//p' "$B/out/startContainer.env" 2>/dev/null)"
check_ne "[config.md#startContainer-hooks] startContainer MUST be called before the user program is executed" \
	"$PROBE_INO" "$(sed -n 's/^pid1.ino=//p' "$B/out/startContainer.exe" 2>/dev/null)"
check_eq "[config.md#poststart] poststart gets the state: status running" running "$(hook_state "$B" poststart status)"
check_eq "[config.md#poststart] poststart MUST be called after the user program is executed" "$PROBE_INO" \
	"$(cat "$B/out/poststart.exe" 2>/dev/null)"
check_eq "[config.md#poststart] poststart MUST be executed in the runtime namespace" "$(host_ns net)" \
	"$(cat "$B/out/poststart.net" 2>/dev/null)"

wait_for 5 file_has "$CONF_TMP/$ID.out" ready
brig kill "$ID" KILL
wait_for 5 status_is "$ID" stopped
check_eq "[config.md#poststop] poststop is not called before delete" \
	"prestart createRuntime createContainer startContainer poststart" "$(order "$B")"
brig delete "$ID"
check_succeeds "[runtime.md#delete] delete with a poststop hook succeeds"
check_eq "[config.md#posix-platform-hooks] hooks MUST be called in the listed order, each once" \
	"prestart createRuntime createContainer startContainer poststart poststop" "$(order "$B")"
check_eq "[config.md#poststop] poststop gets the state: status stopped" stopped "$(hook_state "$B" poststop status)"
check_eq "[config.md#poststop] poststop gets the state: id" "$ID" "$(hook_state "$B" poststop id)"
check_eq "[config.md#poststop] poststop MUST be executed in the runtime namespace" "$(host_ns net)" \
	"$(cat "$B/out/poststop.net" 2>/dev/null)"

# ---- failing create-time hooks -----------------------------------------------

for k in prestart createRuntime createContainer; do
	hooks_bundle B "$k=3"
	brig_create "$B"
	check_error_line "[runtime.md#lifecycle] a failing $k hook MUST generate an error (create fails)" create
	check_no_container
	hpid=$(hook_state "$B" "$k" pid)
	check_true "[runtime.md#lifecycle] a failing $k hook MUST stop the container" "init $hpid is alive" \
		wait_for 5 eval '! pid_alive "$hpid"'
	case $k in
	prestart) want="prestart poststop" ;;
	createRuntime) want="prestart createRuntime poststop" ;;
	createContainer) want="prestart createRuntime createContainer poststop" ;;
	esac
	check_eq "[runtime.md#lifecycle] after a failing $k no later hook runs but poststop (steps 12, 13)" \
		"$want" "$(order "$B")"
done

# ---- failing start-time hooks ------------------------------------------------

hooks_bundle B "startContainer=3"
brig_create "$B"
P=$PID
brig start "$ID"
check_error_line "[runtime.md#lifecycle] a failing startContainer hook MUST generate an error (start fails)" start
check_true "[runtime.md#lifecycle] a failing startContainer hook MUST stop the container" "init $P is alive" \
	wait_for 5 eval '! pid_alive "$P"'
check_true "[runtime.md#lifecycle] after a failing startContainer hook the user program does not run" \
	"$B/out/ran exists" test ! -e "$B/out/ran"
check_nomatch "[runtime.md#lifecycle] after a failing startContainer hook poststart does not run" poststart "$(order "$B")"
brig delete --force "$ID"

hooks_bundle B "poststart=3"
brig_create "$B"
P=$PID
brig start "$ID"
check_error_line "[runtime.md#lifecycle] a failing poststart hook MUST generate an error (start fails)" start
check_true "[runtime.md#lifecycle] a failing poststart hook MUST stop the container" "init $P is alive" \
	wait_for 5 eval '! pid_alive "$P"'
st=$(state_field "$ID" status)
check_true "[brig] after a failing poststart the container is stopped" "state says '$st'" \
	eval '[ -z "$st" ] || [ "$st" = stopped ]'
brig delete --force "$ID"

# Two poststop hooks, the first failing: a warning, and the lifecycle goes on.
hooks_bundle B "poststop=3"
cfg "$B" '.hooks.poststop += [$h]' --argjson h "$(host_hook poststop2 "$B/out")"
brig_create "$B"
brig start "$ID"
brig kill "$ID" KILL
wait_for 5 status_is "$ID" stopped
brig delete "$ID"
check_rc "[runtime.md#lifecycle] a failing poststop hook does not fail delete" 0
check_match "[runtime.md#lifecycle] a failing poststop hook MUST be logged as a warning" '[Ww]arn.*poststop|poststop.*[Ww]arn' "$ERR"
check_true "[runtime.md#lifecycle] ... and the container is deleted" "$CONF_ROOT/$ID exists" test ! -e "$CONF_ROOT/$ID"
check_match "[runtime.md#lifecycle] ... and the remaining poststop hooks run" 'poststop poststop2$' "$(order "$B")"

# ---- timeouts and invalid hooks ----------------------------------------------

new_bundle B
cfg "$B" '.hooks.prestart = [$h + {timeout: 1}]' --argjson h "$(host_hook prestart "$B/out" 0 30)"
t0=$(date +%s)
brig_create "$B"
t1=$(date +%s)
check_error_line "[config.md#posix-platform-hooks] a hook that outlives its timeout fails create" create
check_true "[config.md#posix-platform-hooks] ... within a few seconds of the timeout" "create took $((t1 - t0))s" \
	eval '[ $((t1 - t0)) -lt 10 ]'
check_no_container
hp=$(cat "$B/out/prestart.hookpid" 2>/dev/null)
check_true "[config.md#posix-platform-hooks] the timed-out hook is killed" "hook $hp is alive" \
	wait_for 5 eval '! pid_alive "$hp"'

new_bundle B
cfg "$B" '.hooks.prestart = [{path: "bin/true"}]'
brig_create "$B"
check_error_line "[config.md#posix-platform-hooks] a relative hook path is an error (path MUST be absolute)" create
check_no_container

new_bundle B
cfg "$B" '.hooks.prestart = [{path: $p, timeout: 0}]' --arg p "$CONF_TMP/hook.sh"
brig_create "$B"
check_error_line "[config.md#posix-platform-hooks] a hook timeout of 0 is an error (timeout MUST be greater than zero)" create
check_no_container

new_bundle B
cfg "$B" '.hooks.createRuntime = [{path: $p}]' --arg p "$CONF_TMP/no-such-hook"
brig_create "$B"
check_error_line "[runtime.md#lifecycle] a createRuntime hook that cannot be run fails create" create
check_no_container

# ---- hooks that close stdin unread (issue #12 item 7) ------------------------

# Every kind of hook closes its stdin at once and lives on a little, while
# the state (100 KB of annotations: more than a pipe holds) is still being
# written to it: no verb may die of SIGPIPE (exit 141), and each succeeds.
new_bundle B
set_args "$B" /bin/probe signal-trap
cfg "$B" '.annotations["conf.big"] = ("x" * 100000)'
closer='{path: "/bin/sh", args: ["sh", "-c", "exec 0<&-; sleep 0.2"]}'
cfg "$B" ".hooks = {prestart: [$closer], createRuntime: [$closer], createContainer: [$closer],
	startContainer: [$closer], poststart: [$closer], poststop: [$closer]}"
brig_create "$B"
check_rc "[brig] create succeeds when its hooks close stdin before reading a 100 KB state (no SIGPIPE)" 0
brig start "$ID"
check_rc "[brig] start succeeds when its hooks close stdin unread" 0
brig kill "$ID" KILL
wait_for 5 status_is "$ID" stopped
brig delete "$ID"
check_rc "[brig] delete succeeds when its poststop hook closes stdin unread (not 141)" 0
check_eq "[brig] ... and the container is gone" "" "$("$BRIG" --root "$CONF_ROOT" list -q 2>/dev/null)"

# the container's program still gets SIGPIPE's default, as do hooks: brig's
# own ignoring of it does not leak
new_bundle B
set_args "$B" /bin/sh -c 'grep SigIgn /proc/self/status'
mount_out "$B"
cfg "$B" '.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "grep SigIgn /proc/self/status > \($o)/hook"]}]' \
	--arg o "$B/out"
brig_run "$B"
sigpipe_ignored() { # "SigIgn: HEX" -> 1 if SIGPIPE (13) is ignored, 0 if not
	local v=${1##*[[:space:]]}
	[ -n "$v" ] && echo $(((0x$v >> 12) & 1))
}
check_eq "[brig] the container's process does not inherit an ignored SIGPIPE" 0 "$(sigpipe_ignored "$OUT")"
check_eq "[brig] ... nor does a hook" 0 "$(sigpipe_ignored "$(cat "$B/out/hook" 2>/dev/null)")"

# runc's hooks: createContainer runs with the container's rootfs as its cwd
# (runc's hooks library test touches ./lib/... there); a hook without env
# inherits brig's environment (crun's test-hook-env-inherit; runc's hooks,
# through Go's exec, do), one with env gets that alone
new_bundle B
cfg "$B" '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", "pwd -P > \($o)/cwd; touch ./created-here"]}]
	| .hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "echo \"${CONF_HOOK_INHERIT-unset}:${CONF_HOOK_OWN-unset}\" > \($o)/env"], env: ["CONF_HOOK_OWN=own"]}]
	| .hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "echo \"${CONF_HOOK_INHERIT-unset}\" > \($o)/env2"]}]' \
	--arg o "$B/out"
export CONF_HOOK_INHERIT=inherited
brig_run "$B"
unset CONF_HOOK_INHERIT
check_rc "[brig] a container whose hooks read their cwd and environment runs" 0
check_eq "[brig] a createContainer hook runs with the rootfs as its cwd (runc)" \
	"$(cd "$B/rootfs" && pwd -P)" "$(cat "$B/out/cwd" 2>/dev/null)"
check_true "[brig] ... where a relative path lands in the rootfs" "no $B/rootfs/created-here" \
	test -e "$B/rootfs/created-here"
check_eq "[runc] a hook with env gets that env alone" \
	"unset:own" "$(cat "$B/out/env" 2>/dev/null)"
check_eq "[runc] a hook without env inherits brig's environment" \
	"inherited" "$(cat "$B/out/env2" 2>/dev/null)"

conf_finish
