#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance: rootless podman (podman's default for a normal user) with
# --runtime brig, beside runc. The test (root) creates a user with subuid and
# subgid ranges, XDG_RUNTIME_DIR and a vfs storage, imports a busybox image
# without a registry, and that user runs the scenarios with each runtime:
# run --rm, an exit code, container root being the user, slirp4netns,
# run -d + exec + stop, --userns=keep-id, stdin. It prints a table; a scenario
# passes when brig passes it wherever runc does. Cleanup (also on failure):
# podman's containers and storage, the user's processes, the user.
#
# RL_PODMAN_CGROUP_MANAGER (default cgroupfs: no systemd user session here)
# is podman's cgroup_manager; RL_RUNC the runc to compare with ("none": brig
# alone).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rootless.sh"

# podman starts processes of its own (its pause process, conmon): one client
# run at a time on a machine others test on too
if [ -z "${BRIG_DAEMONS_LOCKED:-}" ] && command -v flock >/dev/null; then
	BRIG_DAEMONS_LOCKED=1 exec flock /tmp/brig-daemons.lock bash "$0" "$@"
fi

conf_init
conf_need setpriv util-linux
conf_need newuidmap uidmap
conf_need podman podman
conf_need conmon conmon
conf_need slirp4netns slirp4netns
RUNC=${RL_RUNC:-$(command -v runc || true)}
if [ -z "$RUNC" ]; then
	conf_apt runc
	RUNC=$(command -v runc || echo none)
fi

rl_user_create "brig-rlp-$$" || conf_skip_all "cannot create a test user (useradd)"
rl_as unshare -Ur true
[ "$RC" = 0 ] || conf_skip_all "unprivileged user namespaces are not available here: $ERR"

# the runtimes where the user may run them; podman picks features by the
# runtime's name (runtime_supports_json), so brig stays "brig"
mkdir -p "$CONF_TMP/bin"
cp "$BRIG" "$CONF_TMP/bin/brig"
chmod 755 "$CONF_TMP/bin" "$CONF_TMP/bin/brig"
RUNTIMES=("$CONF_TMP/bin/brig")
[ "$RUNC" != none ] && RUNTIMES+=("$RUNC")

# the user's podman configuration: what a user writes in ~/.config
rl_podman_config "${RL_PODMAN_CGROUP_MANAGER:-cgroupfs}"

# slirp4netns opens /dev/net/tun as the user
rl_tun_allow || conf_log "/dev/net/tun is not usable: the slirp4netns scenario fails for both"

# a busybox image without a registry
IMAGE=localhost/brig-rootless:latest
tar --numeric-owner -C "$BASE_ROOTFS" -cf "$CONF_TMP/image.tar" .
chmod 644 "$CONF_TMP/image.tar"
RL_TIMEOUT=120
rl_as podman import -c 'CMD ["/bin/sh"]' "$CONF_TMP/image.tar" "$IMAGE"
[ "$RC" = 0 ] || conf_skip_all "podman import as the user failed: $ERR"
RL_TIMEOUT=60

# ---- scenarios: R (the reason) set on failure ------------------------------------

P=() # podman --runtime RT
p() { rl_as podman "${P[@]}" "$@"; }

s_run_rm() {
	p run --rm --network none "$IMAGE" true
	expect_rc 0 "run --rm" || return 1
	p ps -aq
	[ -z "$OUT" ] || { R="run --rm left a container: $OUT"; return 1; }
}

s_exit_code() {
	p run --rm --network none "$IMAGE" sh -c 'exit 42'
	expect_rc 42 "run sh -c 'exit 42'"
}

s_root_is_user() {
	p run --rm --network none "$IMAGE" cat /proc/self/uid_map
	expect_rc 0 "run cat uid_map" || return 1
	local first
	first=$(head -n1 <<<"$OUT" | squeeze)
	[ "$first" = "0 $RL_UID 1" ] || { R="uid_map starts with '$first', want '0 $RL_UID 1'"; return 1; }
}

s_slirp() {
	p run --rm --network slirp4netns "$IMAGE" ip -4 addr show
	expect_rc 0 "run --network slirp4netns" || return 1
	grep -q 'inet 10\.0\.2\.100/' <<<"$OUT" || { R="no 10.0.2.100 (slirp4netns's tap0): $OUT"; return 1; }
}

s_detach_exec_stop() {
	local name=rl-$$-d
	p run -d --name "$name" --network none "$IMAGE" sleep 1000
	expect_rc 0 "run -d" || return 1
	p exec "$name" id -u
	expect_rc 0 "exec id -u" || return 1
	[ "$OUT" = 0 ] || { R="exec id -u printed '$OUT', want 0"; return 1; }
	p exec "$name" sh -c 'exit 7'
	expect_rc 7 "exec sh -c 'exit 7'" || return 1
	p stop -t 1 "$name"
	expect_rc 0 "stop -t 1" || return 1
	p inspect -f '{{.State.Status}}' "$name"
	[ "$OUT" = exited ] || { R="after stop: status '$OUT', want exited"; return 1; }
	p rm "$name"
	expect_rc 0 "rm"
}

s_keep_id() {
	p run --rm --network none --userns=keep-id "$IMAGE" id -u
	expect_rc 0 "run --userns=keep-id" || return 1
	[ "$OUT" = "$RL_UID" ] || { R="id -u printed '$OUT', want $RL_UID"; return 1; }
}

s_stdin() {
	rl_as sh -c 'echo hello-brig | podman "$@" run -i --rm --network none "$0" cat' \
		"$IMAGE" "${P[@]}"
	expect_rc 0 "echo | run -i cat" || return 1
	[ "$OUT" = hello-brig ] || { R="cat printed '$OUT', want hello-brig"; return 1; }
}

s_tty() {
	p run --rm -t --network none "$IMAGE" sh -c 'test -t 0 && test -t 1 && echo tty'
	expect_rc 0 "run -t" || return 1
	[ "$(tr -d '\r' <<<"$OUT")" = tty ] || { R="run -t printed '$OUT', want tty"; return 1; }
}

s_kill_137() {
	local name=rl-$$-k
	p run -d --name "$name" --network none "$IMAGE" sleep 1000
	expect_rc 0 "run -d" || return 1
	p kill "$name"
	expect_rc 0 "kill" || return 1
	p wait "$name"
	[ "$OUT" = 137 ] || { R="wait printed '$OUT', want 137"; return 1; }
	p rm "$name"
	expect_rc 0 "rm"
}

s_pause() {
	local name=rl-$$-p
	p run -d --name "$name" --network none "$IMAGE" sleep 1000
	expect_rc 0 "run -d" || return 1
	p pause "$name"
	expect_rc 0 "pause" || return 1
	p unpause "$name"
	expect_rc 0 "unpause"
}

s_pid_host() {
	p run --rm --network none --pid host "$IMAGE" sh -c 'test -d /proc/1 && echo ok'
	expect_rc 0 "run --pid host" || return 1
	[ "$OUT" = ok ] || { R="printed '$OUT'"; return 1; }
}

s_net_host() {
	p run --rm --network host "$IMAGE" ip -4 addr show lo
	expect_rc 0 "run --network host" || return 1
	grep -q 'inet 127\.0\.0\.1/' <<<"$OUT" || { R="no 127.0.0.1: $OUT"; return 1; }
}

s_privileged() {
	p run --rm --network none --privileged "$IMAGE" sh -c 'test -c /dev/null && ls /dev | wc -l'
	expect_rc 0 "run --privileged"
}

s_read_only() {
	p run --rm --network none --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null && echo rw || echo ro'
	expect_rc 0 "run --read-only" || return 1
	[ "$OUT" = ro ] || { R="printed '$OUT', want ro"; return 1; }
}

s_user_range() {
	p run --rm --network none --user 1000:1000 "$IMAGE" sh -c 'id -u; cat /proc/self/uid_map'
	expect_rc 0 "run --user 1000" || return 1
	[ "$(head -n1 <<<"$OUT")" = 1000 ] || { R="id -u printed '$OUT'"; return 1; }
}

SCENARIOS=(run_rm exit_code root_is_user slirp detach_exec_stop keep_id stdin tty kill_137 pause
	pid_host net_host privileged read_only user_range)

# leftovers of one runtime's run: podman's containers, the runtime's state
s_leftovers() {
	local left= d
	p ps -aq
	[ -n "$OUT" ] && left="podman containers: $OUT"
	for d in "$RL_XDG/$(basename "${P[1]}")"/*; do
		[ -d "$d" ] && left="$left $d"
	done
	[ -z "$left" ] || { R="left: $left"; return 1; }
}
scn_cleanup() { p rm -f -t 0 -a >/dev/null 2>&1; }

for rt in "${RUNTIMES[@]}"; do
	P=(--runtime "$rt")
	rl_scenarios "$(basename "$rt")" "${SCENARIOS[@]}" leftovers
done

rl_as podman info --format '{{.Host.CgroupsVersion}} cgroups, cgroup_manager {{.Host.CgroupManager}}, storage {{.Store.GraphDriverName}}, rootless {{.Host.Security.Rootless}}'
conf_log "rootless podman $(podman --version | awk '{ print $3 }'): $OUT"
rl_table podman "${SCENARIOS[@]}" leftovers

# podman's storage goes before the user (files of the user's ranges)
RL_TIMEOUT=120
rl_as podman system reset -f
check_rc "[podman] podman system reset as the user" 0

conf_finish
