#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# daemons.sh: containerd and dockerd started by hand (no systemd), with
# private state, sockets and cgroup parent, and the podman settings of the
# same run; stopped by pid.
#
#   daemons.sh start DIR [NAME=RUNTIME...]   start both, register each runtime
#                                            with dockerd (--add-runtime) and
#                                            podman (runtime_supports_json);
#                                            writes DIR/env.sh
#   daemons.sh stop DIR                      remove every container of the run,
#                                            stop dockerd, containerd, their
#                                            shims and podman's conmons, end
#                                            what is left in the run's cgroups,
#                                            unmount and delete DIR and what
#                                            the run created outside it
#
# DIR is the run's private directory (see common.sh). STORAGE_DRIVER
# (overlay2, vfs; default: overlay2 when a test mount works), LOG_LEVEL (info).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# What the clients create outside the private dirs whatever their options
# are (shim sockets, ctr fifos, plugin dirs, the runtimes' default roots
# that podman uses, podman's blob cache). The ones missing before the start
# are ours to remove, when empty, at the stop.
OUTSIDE_PATHS="/run/containerd /run/docker /run/runc /run/brig /var/lib/containers"

daemons_env() { # DIR: the variables of a run
	local dir=$1
	CLIENTS_DIR=$dir
	CLIENTS_STATE=$dir/state
	CLIENTS_RUN=$dir/run
	CLIENTS_TOKEN=$(cat "$dir/.token" 2>/dev/null || echo "brig-cl-$$")
}

start_containerd() {
	local run=$CLIENTS_RUN state=$CLIENTS_STATE sock=$CLIENTS_RUN/containerd/containerd.sock t0
	cat >"$run/containerd.toml" <<-EOF
		version = 2
		root = "$state/containerd"
		state = "$run/containerd"
		# no CRI: this run talks to containerd through dockerd and ctr only
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$sock"
		[debug]
		  level = "${LOG_LEVEL:-info}"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$state/containerd/opt"
	EOF
	t0=$(now)
	# setsid: the daemons get no signal meant for the test's process group;
	# the stop ends them by pid.
	setsid "$CONTAINERD" --config "$run/containerd.toml" >>"$run/containerd.log" 2>&1 </dev/null &
	echo $! >"$run/containerd.pid"
	for _ in $(seq 1 100); do
		"$CTR" --address "$sock" version >/dev/null 2>&1 && break
		alive "$run/containerd.pid" || { tail -n 20 "$run/containerd.log" >&2; return 1; }
		sleep 0.1
	done
	"$CTR" --address "$sock" version >/dev/null 2>&1 || { cl_note "containerd does not answer"; return 1; }
	cl_note "containerd started (pid $(cat "$run/containerd.pid")) in $(since "$t0")s"
}

storage_driver() {
	local t drv=${STORAGE_DRIVER:-}
	if [ -z "$drv" ]; then
		t=$(mktemp -d "$CLIENTS_STATE/ovl.XXXXXX")
		mkdir -p "$t/l" "$t/u" "$t/w" "$t/m"
		if mount -t overlay overlay -o "lowerdir=$t/l,upperdir=$t/u,workdir=$t/w" "$t/m" 2>/dev/null; then
			umount "$t/m"
			drv=overlay2
		else
			drv=vfs
		fi
		rm -rf "$t"
	fi
	echo "$drv"
}

start_dockerd() { # DRIVER NAME=RUNTIME...
	local run=$CLIENTS_RUN drv=$1 t0 r args=()
	shift
	for r in "$@"; do args+=(--add-runtime "$r"); done
	# the systemd driver: dockerd's default cgroup settings
	[ "$CG_DRIVER" = systemd ] || args+=(--cgroup-parent "/$CLIENTS_TOKEN/docker")
	# dockerd 20.10 has no flag for its libtrust key: keep it out of /etc/docker;
	# `docker checkpoint` needs the experimental mode
	jq -n --arg k "$CLIENTS_STATE/docker-key.json" '{"deprecated-key-path": $k, "experimental": true}' \
		>"$run/daemon.json"
	t0=$(now)
	setsid "$DOCKERD" --config-file "$run/daemon.json" \
		--data-root "$CLIENTS_STATE/docker" --exec-root "$run/docker" \
		--pidfile "$run/docker.pid" -H "unix://$run/docker.sock" \
		--containerd "$run/containerd/containerd.sock" --storage-driver "$drv" \
		--iptables=false --ip6tables=false --ip-masq=false --ip-forward=false --bridge=none \
		"${args[@]}" \
		--log-level "${LOG_LEVEL:-info}" >>"$run/dockerd.log" 2>&1 </dev/null &
	echo $! >"$run/dockerd.pid"
	for _ in $(seq 1 300); do
		DOCKER_HOST=unix://$run/docker.sock "$DOCKER" version >/dev/null 2>&1 && break
		alive "$run/dockerd.pid" || { tail -n 30 "$run/dockerd.log" >&2; return 1; }
		sleep 0.1
	done
	DOCKER_HOST=unix://$run/docker.sock "$DOCKER" version >/dev/null 2>&1 ||
		{ cl_note "dockerd does not answer"; tail -n 30 "$run/dockerd.log" >&2; return 1; }
	cl_note "dockerd started (pid $(cat "$run/dockerd.pid"), storage $drv) in $(since "$t0")s"
}

# podman reads the system's containers.conf; CONTAINERS_CONF replaces it,
# so the copy keeps its settings (default capabilities, sysctls) and adds
# the runtimes' names to runtime_supports_json: podman passes
# "--log-format=json --log FILE" only to runtimes named there.
podman_conf() { # NAME...
	local sys=/usr/share/containers/containers.conf f n names='"crun", "runc", "kata", "runsc", "krun"'
	for f in /usr/share/containers/containers.conf /etc/containers/containers.conf; do
		[ -f "$f" ] && sys=$f
	done
	for n in "$@"; do
		case ", $names," in *"\"$n\""*) ;; *) names="$names, \"$n\"" ;; esac
	done
	local line="runtime_supports_json = [$names]"
	if [ -f "$sys" ] && grep -q '^\[engine\]' "$sys"; then
		grep -v '^runtime_supports_json' "$sys" | sed "/^\[engine\]/a $line"
	else
		[ -f "$sys" ] && cat "$sys"
		printf '[engine]\n%s\n' "$line"
	fi
}

daemons_start() { # DIR NAME=RUNTIME...
	local dir=$1 p drv pdrv names=() r
	shift
	mkdir -p "$dir"
	[ -f "$dir/.token" ] || echo "brig-cl-$$" >"$dir/.token"
	daemons_env "$dir"
	mkdir -p "$CLIENTS_STATE" "$CLIENTS_RUN/containerd" "$CLIENTS_RUN/docker" \
		"$CLIENTS_RUN/podman" "$CLIENTS_RUN/libpod" "$CLIENTS_RUN/cni" "$dir/docker-cli"
	for p in $OUTSIDE_PATHS; do
		[ -e "$p" ] || echo "$p" >>"$dir/.outside"
	done
	echo '{}' >"$dir/docker-cli/config.json" # podman reads DOCKER_CONFIG too
	drv=$(storage_driver) pdrv=$drv
	[ "$drv" = overlay2 ] && pdrv=overlay
	local pcg=" --cgroup-manager cgroupfs" # the systemd driver: podman's default
	[ "$CG_DRIVER" = systemd ] && pcg=
	# first: the stop needs it, whatever fails next
	cat >"$dir/env.sh" <<-EOF
		export CLIENTS_DIR='$dir' CLIENTS_STATE='$CLIENTS_STATE' CLIENTS_RUN='$CLIENTS_RUN'
		export CLIENTS_TOKEN='$CLIENTS_TOKEN'
		export DOCKER_HOST='unix://$CLIENTS_RUN/docker.sock' DOCKER_CONFIG='$dir/docker-cli'
		export CONTAINERD_ADDRESS='$CLIENTS_RUN/containerd/containerd.sock'
		export CONTAINERD_NAMESPACE='$CLIENTS_TOKEN'
		export CONTAINERS_CONF='$CLIENTS_RUN/containers.conf'
		export PODMAN_OPTS='--root $CLIENTS_STATE/podman --runroot $CLIENTS_RUN/podman --tmpdir $CLIENTS_RUN/libpod --storage-driver $pdrv$pcg --events-backend file --network-config-dir $CLIENTS_RUN/cni'
	EOF
	. "$dir/env.sh"
	for r in "$@"; do names+=("$(basename "${r#*=}")"); done
	podman_conf "${names[@]}" >"$CLIENTS_RUN/containers.conf"
	start_containerd || return 1
	start_dockerd "$drv" "$@" || return 1
}

# ---- stop ------------------------------------------------------------------

remove_containers() {
	local id ids ns
	if [ -S "$CLIENTS_RUN/docker.sock" ]; then
		ids=$(timeout 20 "$DOCKER" ps -aq 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$ids" ] && timeout 60 "$DOCKER" rm -f $ids >/dev/null 2>&1
		for id in $(timeout 20 "$DOCKER" network ls -q --filter "name=$CLIENTS_TOKEN" 2>/dev/null); do
			timeout 20 "$DOCKER" network rm "$id" >/dev/null 2>&1
		done
	fi
	if [ -S "$CONTAINERD_ADDRESS" ]; then
		ns=$CLIENTS_TOKEN
		for id in $(timeout 20 "$CTR" -n "$ns" tasks ls -q 2>/dev/null); do
			timeout 20 "$CTR" -n "$ns" tasks kill -s SIGKILL "$id" >/dev/null 2>&1
		done
		for id in $(timeout 20 "$CTR" -n "$ns" containers ls -q 2>/dev/null); do
			timeout 20 "$CTR" -n "$ns" tasks delete -f "$id" >/dev/null 2>&1
			timeout 20 "$CTR" -n "$ns" containers rm "$id" >/dev/null 2>&1
		done
	fi
	if [ -n "$PODMAN" ] && [ -d "$CLIENTS_STATE/podman" ]; then
		# shellcheck disable=SC2086
		ids=$(timeout 20 "$PODMAN" $PODMAN_OPTS ps -aq --no-trunc 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$ids" ] && timeout 60 "$PODMAN" $PODMAN_OPTS rm -f -t 0 $ids >/dev/null 2>&1
	fi
	return 0
}

# The paths outside DIR that the run created: removed when nothing else is
# in them (a container of a runtime's default root that podman did not
# delete stays, and is reported).
remove_outside() {
	local p
	[ -f "$CLIENTS_DIR/.outside" ] || return 0
	while read -r p; do
		[ -e "$p" ] || continue
		case $p in
		/run/brig) # brig's compiled-filter cache (the clients' default seccomp profiles)
			rm -rf "$p/.seccomp-cache"
			find "$p" -depth -type d -empty -delete 2>/dev/null ;;
		/var/lib/containers) # podman's blob-info cache only
			[ -z "$(find "$p" -mindepth 1 ! -path "$p/cache" ! -path "$p/cache/blob-info-cache-v1.boltdb" | head -n1)" ] &&
				rm -rf "$p" ;;
		*) find "$p" -depth -type d -empty -delete 2>/dev/null ;;
		esac
		[ -e "$p" ] && cl_note "cleanup: left $p (not empty: $(find "$p" -mindepth 1 | head -n3 | tr '\n' ' '))"
	done <"$CLIENTS_DIR/.outside"
	return 0
}

daemons_stop() { # DIR
	local dir=$1 pid
	[ -d "$dir" ] || return 0
	daemons_env "$dir"
	set +e
	# a scenario pass still running (test_clients.sh: its own process group)
	if [ -f "$dir/.pass" ]; then
		pid=$(cut -d: -f1 "$dir/.pass")
		[ "$(proc_start "$pid"):" = "$(cut -d: -f2 "$dir/.pass"):" ] && kill -TERM -- -"$pid" 2>/dev/null
	fi
	if [ -r "$dir/env.sh" ]; then
		. "$dir/env.sh"
		remove_containers
	fi
	alive "$CLIENTS_RUN/dockerd.pid" && stop_pid "$(cat "$CLIENTS_RUN/dockerd.pid")" dockerd 30
	alive "$CLIENTS_RUN/containerd.pid" && stop_pid "$(cat "$CLIENTS_RUN/containerd.pid")" containerd 20
	# the shims outlive containerd by design; ours carry "-address OUR-SOCKET"
	for pid in $(pids_with "-address $CLIENTS_RUN/containerd/containerd.sock"); do
		stop_pid "$pid" containerd-shim 5
	done
	for pid in $(pids_with "$CLIENTS_RUN/podman/"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = conmon ] && stop_pid "$pid" conmon 5
	done
	# container processes a runtime failed to end, then the cgroups themselves
	cg_remove_token "$CLIENTS_TOKEN"
	unmount_under "$dir"
	remove_outside
	rm -rf --one-file-system "$dir"
	[ -e "$dir" ] && cl_note "cleanup: could not remove $dir"
	return 0
}

# Runs left behind by a test killed with SIGKILL: the pid in their .owner
# (test_clients.sh's; 0 for a run kept on purpose) is gone.
daemons_sweep() { # PARENT-DIR
	local d owner
	for d in "$1"/brig-clients.*; do
		[ -f "$d/.owner" ] || continue
		owner=$(cat "$d/.owner")
		{ [ "$owner" = 0 ] || pid_alive "$owner"; } && continue
		cl_note "removing the stale run $d (owner $owner is gone)"
		(daemons_stop "$d")
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	start) shift; daemons_start "$@" ;;
	stop) daemons_stop "${2:?usage: daemons.sh stop DIR}" ;;
	*) echo "usage: daemons.sh start DIR [NAME=RUNTIME...] | stop DIR" >&2; exit 2 ;;
	esac
fi
