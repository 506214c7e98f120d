#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# conformance: rootless Docker (dockerd-rootless.sh: dockerd and containerd in
# rootlesskit's user namespace) with --runtime brig, beside runc. The test
# (root) creates a user with subuid/subgid ranges and XDG_RUNTIME_DIR; that
# user starts its dockerd with brig added as a runtime (vfs storage, the
# cgroupfs driver), imports a busybox image and runs the scenarios with each
# runtime: run --rm, container root being the user, an exit code, run -d +
# exec + stop (137), top, the bridge network, a memory limit (which rootless
# Docker drops without cgroup v2 delegation). A table; a scenario passes when
# brig passes it wherever runc does. Cleanup (also on failure): dockerd by
# pid, then the user's processes, its data and the user (rootless.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/rootless.sh"

# dockerd: one client run at a time on a machine others test on too
if [ -z "${BRIG_DAEMONS_LOCKED:-}" ] && command -v flock >/dev/null; then
	BRIG_DAEMONS_LOCKED=1 exec flock /tmp/brig-daemons.lock bash "$0" "$@"
fi

conf_init
conf_need setpriv util-linux
conf_need newuidmap uidmap
conf_need dockerd docker.io
conf_need rootlesskit rootlesskit
conf_need slirp4netns slirp4netns
ROOTLESS_SH=${DOCKERD_ROOTLESS_SH:-/usr/share/docker.io/contrib/dockerd-rootless.sh}
[ -x "$ROOTLESS_SH" ] || conf_skip_all "no $ROOTLESS_SH (Debian's docker.io has it)"
command -v runc >/dev/null || conf_skip_all "no runc to compare with (Debian package runc)"

rl_user_create "brig-rld-$$" || conf_skip_all "cannot create a test user (useradd)"
rl_as unshare -Ur true
[ "$RC" = 0 ] || conf_skip_all "unprivileged user namespaces are not available here: $ERR"
rl_tun_allow || conf_log "/dev/net/tun is not usable: rootlesskit's slirp4netns fails"

mkdir -p "$CONF_TMP/bin"
cp "$BRIG" "$CONF_TMP/bin/brig"
chmod 755 "$CONF_TMP/bin" "$CONF_TMP/bin/brig"

# the user's dockerd, as `dockerd-rootless.sh` starts it (its arguments go
# to dockerd); its pid is the test's to end
RL_ENV=("DOCKER_HOST=unix://$RL_XDG/docker.sock")
dcmd=()
mapfile -d '' -t dcmd < <(rl_cmd "$ROOTLESS_SH" --storage-driver vfs \
	--exec-opt native.cgroupdriver=cgroupfs --add-runtime "brig=$CONF_TMP/bin/brig")
setsid "${dcmd[@]}" </dev/null >"$CONF_TMP/dockerd.log" 2>&1 &
DOCKERD=$!
conf_track_pid "$DOCKERD"
for _ in $(seq 1 120); do
	rl_as docker version
	[ "$RC" = 0 ] && break
	pid_alive "$DOCKERD" || break
	sleep 0.5
done
if [ "$RC" != 0 ]; then
	tail -n 20 "$CONF_TMP/dockerd.log" | sed 's/^/# dockerd: /'
	conf_skip_all "the user's rootless dockerd did not start"
fi
rl_as docker info --format '{{.CgroupVersion}} cgroups, cgroup driver {{.CgroupDriver}}, storage {{.Driver}}, {{.SecurityOptions}}'
conf_log "rootless dockerd $(dockerd --version | awk '{ print $3 }' | tr -d ,): $OUT"

IMAGE=brig-rootless:latest
tar --numeric-owner -C "$BASE_ROOTFS" -cf "$CONF_TMP/image.tar" .
chmod 644 "$CONF_TMP/image.tar"
rl_as docker import -c 'CMD ["/bin/sh"]' "$CONF_TMP/image.tar" "$IMAGE"
[ "$RC" = 0 ] || conf_skip_all "docker import as the user failed: $ERR"

# ---- scenarios -------------------------------------------------------------------

RT=
d() { rl_as docker "$@"; }

s_run_rm() {
	d run --runtime "$RT" --rm "$IMAGE" true
	expect_rc 0 "run --rm" || return 1
	d ps -aq
	[ -z "$OUT" ] || { R="run --rm left a container: $OUT"; return 1; }
}

s_root_is_user() {
	d run --runtime "$RT" --rm "$IMAGE" sh -c 'id -u; head -n1 /proc/self/uid_map'
	expect_rc 0 "run id" || return 1
	local map
	map=$(sed -n 2p <<<"$OUT" | squeeze)
	[ "$(head -n1 <<<"$OUT")" = 0 ] && [ "$map" = "0 $RL_UID 1" ] ||
		{ R="printed '$OUT', want 0 and '0 $RL_UID 1'"; return 1; }
}

s_exit_code() {
	d run --runtime "$RT" --rm "$IMAGE" sh -c 'exit 42'
	expect_rc 42 "run sh -c 'exit 42'"
}

s_detach_exec_stop() {
	local name=rl-$$-$RT
	d run --runtime "$RT" -d --name "$name" "$IMAGE" sleep 1000
	expect_rc 0 "run -d" || return 1
	d exec "$name" sh -c 'id -u; exit 7'
	expect_rc 7 "exec sh -c 'id -u; exit 7'" || return 1
	[ "$OUT" = 0 ] || { R="exec id -u printed '$OUT'"; return 1; }
	d stop -t 1 "$name"
	expect_rc 0 "stop -t 1" || return 1
	d inspect -f '{{.State.ExitCode}}' "$name"
	[ "$OUT" = 137 ] || { R="exit code after stop '$OUT', want 137"; return 1; }
	d rm "$name"
	expect_rc 0 "rm"
}

# docker top asks the runtime (ps --format json): without a cgroup of its own
# the container's processes are those of its pid namespace
s_top() {
	local name=rl-$$-t-$RT
	d run --runtime "$RT" -d --name "$name" "$IMAGE" sleep 1001
	expect_rc 0 "run -d" || return 1
	d top "$name"
	expect_rc 0 "top" || return 1
	grep -q 'sleep 1001' <<<"$OUT" || { R="top has no 'sleep 1001': $OUT"; return 1; }
}

s_bridge() {
	d run --runtime "$RT" --rm "$IMAGE" ip -4 addr show eth0
	expect_rc 0 "run (bridge network)" || return 1
	grep -q 'inet 172\.' <<<"$OUT" || { R="no bridge address on eth0: $OUT"; return 1; }
}

s_memory() {
	d run --runtime "$RT" --rm --memory 64m "$IMAGE" true
	expect_rc 0 "run --memory 64m"
}

s_leftovers() {
	local left= dir
	d ps -aq
	[ -n "$OUT" ] && left="docker containers: $OUT"
	# dockerd gives every runtime the root runtime-runc/moby
	for dir in "$RL_XDG"/docker/runtime-*/moby/*; do
		[ -d "$dir" ] && left="$left $dir"
	done
	[ -z "$left" ] || { R="left: $left"; return 1; }
}
scn_cleanup() {
	d ps -aq
	[ -z "$OUT" ] || rl_as sh -c 'docker rm -f $(docker ps -aq)' >/dev/null 2>&1
}

SCENARIOS=(run_rm root_is_user exit_code detach_exec_stop top bridge memory leftovers)
for RT in brig runc; do
	rl_scenarios "$RT" "${SCENARIOS[@]}"
done
rl_table docker "${SCENARIOS[@]}"

rl_as docker system prune -af
check_rc "[docker] docker system prune as the user" 0
kill -TERM "$DOCKERD" 2>/dev/null
check_true "[docker] the user's dockerd stops on SIGTERM" "pid $DOCKERD alive" \
	wait_for 20 eval '! pid_alive "$DOCKERD"'

conf_finish
