#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# test_cri.sh: brig behind containerd's CRI plugin, the way kubelet reaches a
# runtime (RuntimeClass handler -> io.containerd.runc.v2 shim -> BinaryName).
# Every scenario of scenarios.py runs with the runtime handler "brig" and then
# "runc"; the test passes when brig passes every scenario runc passes.
#
# What it starts, all private to the run and stopped by it:
#   - a network namespace (brig-cri-PID) where containerd, its CNI bridge and
#     veths, Debian's docker-registry on 127.0.0.1:5000 and the scenarios
#     live: no address of the test is reachable from the host's network;
#   - the registry, holding images built here (busybox-static; the sandbox
#     image: pause.c compiled static), pushed over its HTTP API (images.py);
#   - containerd 1.6 with the CRI plugin: root, state, socket, CNI config and
#     leases, the runtimes' --root under the run's directory, the registry
#     names docker.io and registry.k8s.io mapped to the local registry
#     (hosts.toml), restrict_oom_score_adj (no CAP_SYS_RESOURCE here), the pod
#     network namespaces under its state dir; every pod's cgroup parent is
#     below /brig-cri-PID.
# Runs under flock /tmp/brig-daemons.lock (daemons share the host's cgroups).
#
# env: BRIG (the brig binary; ctest sets it), RUNC (default: runc in PATH),
#      CRI_ONLY (an ERE of scenario names), CRI_CGROUP_DRIVER (cgroupfs;
#      systemd for a host whose PID 1 is systemd: SystemdCgroup = true and
#      slice cgroup parents), CRI_KEEP=1 (leave everything running for a look
#      or a critest run: . DIR/env.sh; stop with "test_cri.sh --stop DIR"),
#      CRI_KILL_ALL_WITHIN (1.0 s: how soon stop-shared-pid-kills-children
#      wants the child gone), TMPDIR. test_cri.sh --prepare only installs what is missing.
# Exit status: 0 passed, 1 failed, 77 skipped (not root, packages missing).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../clients/common.sh"
PY=/usr/bin/python3 # Debian's, with python3-grpcio and python3-protobuf
REGISTRY=127.0.0.1:5000
PAUSE_IMAGE=registry.k8s.io/pause:3.9
BUSYBOX_IMAGE=docker.io/library/busybox:1.36 # scenarios.py's BUSYBOX

skip() {
	echo "SKIP: $*"
	exit 77
}

# ---- stop: everything a run made, by pid and by path -------------------------

cri_stop() { # DIR
	local dir=$1 pid token ns
	[ -d "$dir" ] || return 0
	token=$(cat "$dir/.token" 2>/dev/null) || token=
	ns=$token
	if [ -f "$dir/.pass" ]; then
		pid=$(cut -d: -f1 "$dir/.pass")
		[ "$(proc_start "$pid"):" = "$(cut -d: -f2 "$dir/.pass"):" ] && kill -TERM -- -"$pid" 2>/dev/null
	fi
	# the pods first, through the CRI, while containerd runs
	if [ -S "$dir/containerd.sock" ] && alive "$dir/containerd.pid"; then
		CRI_GEN=$dir/gen timeout 120 "$PY" -c '
import sys; sys.path.insert(0, sys.argv[1]); import cri
c = cri.Client(sys.argv[2], timeout=30)
for p in c.call("ListPodSandbox").get("items", []):
    try:
        c.call("StopPodSandbox", {"pod_sandbox_id": p["id"]})
        c.call("RemovePodSandbox", {"pod_sandbox_id": p["id"]})
    except cri.CRIError as e:
        print("# cleanup: pod %s: %s" % (p["id"], e), file=sys.stderr)
' "$HERE" "$dir/containerd.sock"
	fi
	alive "$dir/containerd.pid" && stop_pid "$(cat "$dir/containerd.pid")" containerd 20
	for pid in $(pids_with "-address $dir/containerd.sock"); do
		stop_pid "$pid" containerd-shim 5
	done
	alive "$dir/registry.pid" && stop_pid "$(cat "$dir/registry.pid")" docker-registry 5
	[ -n "$token" ] && cg_remove_token "$token"
	# the systemd driver's slices (kubelet's to make and stop) nest under TOKEN.slice
	[ -n "$token" ] && [ -d /run/systemd/system ] && systemctl stop "${token//-/_}.slice" 2>/dev/null
	unmount_under "$dir"
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ -f "$dir/.outside" ]; then
		while read -r p; do
			[ -d "$p" ] && find "$p" -depth -type d -empty -delete 2>/dev/null
		done <"$dir/.outside"
	fi
	rm -rf --one-file-system "$dir"
	[ -e "$dir" ] && cl_note "cleanup: could not remove $dir"
	return 0
}

# Runs a SIGKILLed test left behind: their owner pid is gone.
cri_sweep() {
	local d owner
	for d in "${TMPDIR:-/tmp}"/brig-cri.*; do
		[ -f "$d/.owner" ] || continue
		owner=$(cat "$d/.owner")
		{ [ "$owner" = 0 ] || pid_alive "$owner"; } && continue
		cl_note "removing the stale run $d (owner $owner is gone)"
		(cri_stop "$d")
	done
}

if [ "${1:-}" = --stop ]; then
	cri_stop "${2:?usage: test_cri.sh --stop DIR}"
	exit 0
fi

# ---- what it needs --------------------------------------------------------------

[ "$(id -u)" = 0 ] || skip "needs root"
BRIG=${BRIG:-$HERE/../../build/runtime/cli/brig}
[ -x "$BRIG" ] || { echo "BRIG must name the brig binary (ctest sets it): $BRIG" >&2; exit 1; }
BRIG=$(readlink -f "$BRIG")

cri_apt() { # PACKAGE...: quietly; one apt-get update when the install fails
	command -v apt-get >/dev/null || return 1
	local opts=(-y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends)
	cl_note "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1 && return 0
	apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1
}
have_py() { "$PY" -c 'import grpc, google.protobuf' 2>/dev/null; }
missing=()
for pc in containerd:containerd containerd-shim-runc-v2:containerd runc:runc docker-registry:docker-registry \
	protoc:protobuf-compiler nsenter:util-linux flock:util-linux ip:iproute2 cc:gcc; do
	[ -n "$(pick "${pc%%:*}")" ] || missing+=("${pc#*:}")
done
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /usr/lib/cni/loopback ] ||
	missing+=(containernetworking-plugins)
have_py || missing+=(python3-grpcio python3-protobuf)
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -n "$(find /usr/lib -name libc.a 2>/dev/null | head -n1)" ] ||
	missing+=(libc6-dev)
if [ ${#missing[@]} -gt 0 ]; then
	# shellcheck disable=SC2046
	cri_apt $(printf '%s\n' "${missing[@]}" | sort -u) || skip "cannot install ${missing[*]} (Debian packages)"
	CONTAINERD=$(pick containerd)
fi
have_py || skip "python3-grpcio or python3-protobuf did not install"
[ -n "$CONTAINERD" ] && [ -n "$(pick docker-registry)" ] || skip "containerd or docker-registry did not install"
RUNC=${RUNC:-$(pick runc)}
# --prepare: only what is missing installed (the systemd VM's guest has no network)
[ "${1:-}" = --prepare ] && exit 0

# One run of anything that starts daemons on the host at a time.
if [ -z "${CRI_LOCKED:-}" ]; then
	CRI_LOCKED=1 exec flock -w 900 /tmp/brig-daemons.lock bash "$0" "$@"
fi

# ---- the run's directory, namespace and cleanup ---------------------------------

cri_sweep
TOKEN=brig-cri-$$
DIR=$(mktemp -d "${TMPDIR:-/tmp}/brig-cri.XXXXXX")
chmod 755 "$DIR"
echo $$ >"$DIR/.owner"
echo "$TOKEN" >"$DIR/.token"
for p in /run/containerd /var/lib/cni; do [ -e "$p" ] || echo "$p" >>"$DIR/.outside"; done
cleanup() {
	local rc=$?
	trap - EXIT HUP INT TERM
	if [ "${CRI_KEEP:-0}" = 1 ]; then
		echo 0 >"$DIR/.owner"
		cl_note "kept $DIR: . $DIR/env.sh; stop with: bash $0 --stop $DIR"
	else
		cri_stop "$DIR"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DIR/bin" "$DIR/gen" "$DIR/logs" "$DIR/registry" "$DIR/cni/net.d" "$DIR/cni/ipam" \
	"$DIR/certs.d" "$DIR/runtime/brig" "$DIR/runtime/runc" "$DIR/vol"
cp "$BRIG" "$DIR/bin/brig"
ip netns add "$TOKEN" || skip "cannot add a network namespace"
ip -n "$TOKEN" link set lo up
NSENTER=(nsenter "--net=/run/netns/$TOKEN")
cat >"$DIR/env.sh" <<-EOF
	export CRI_DIR='$DIR' CRI_TOKEN='$TOKEN' CRI_SOCKET='$DIR/containerd.sock' CRI_GEN='$DIR/gen'
	export CONTAINER_RUNTIME_ENDPOINT='unix://$DIR/containerd.sock'
	# run a client in the daemons' network namespace: \$CRI_NSENTER COMMAND...
	export CRI_NSENTER='nsenter --net=/run/netns/$TOKEN'
EOF
export CRI_GEN=$DIR/gen
t_start=$(now)

# ---- the registry and the images ----------------------------------------------------

cat >"$DIR/registry.yml" <<-EOF
	version: 0.1
	log:
	  level: warn
	storage:
	  filesystem:
	    rootdirectory: $DIR/registry
	http:
	  addr: $REGISTRY
EOF
"${NSENTER[@]}" setsid "$(pick docker-registry)" serve "$DIR/registry.yml" >"$DIR/registry.log" 2>&1 </dev/null &
echo $! >"$DIR/registry.pid"
cc -O2 -static -o "$DIR/bin/pause" "$HERE/pause.c" || skip "cannot link a static program (libc6-dev)"
push() { "${NSENTER[@]}" "$PY" "$HERE/images.py" "$REGISTRY" "$@" >/dev/null; }
push busybox library/busybox:1.36 && push pause pause:3.9 --pause "$DIR/bin/pause" ||
	{ tail -n 20 "$DIR/registry.log" >&2; echo "FAIL the images could not be pushed to the local registry"; exit 1; }

# ---- containerd ---------------------------------------------------------------------

for r in docker.io registry.k8s.io; do
	mkdir -p "$DIR/certs.d/$r"
	cat >"$DIR/certs.d/$r/hosts.toml" <<-EOF
		server = "http://$REGISTRY"
		[host."http://$REGISTRY"]
		  capabilities = ["pull", "resolve"]
	EOF
done
cat >"$DIR/cni/net.d/10-brig-cri.conflist" <<-EOF
	{
	  "cniVersion": "0.4.0",
	  "name": "brig-cri",
	  "plugins": [{
	    "type": "bridge", "bridge": "brigcri0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
	    "ipam": {"type": "host-local", "dataDir": "$DIR/cni/ipam",
	             "ranges": [[{"subnet": "10.99.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}
	  }]
	}
EOF
snap=overlayfs
t=$(mktemp -d "$DIR/ovl.XXXXXX") && mkdir -p "$t/l" "$t/u" "$t/w" "$t/m"
if mount -t overlay overlay -o "lowerdir=$t/l,upperdir=$t/u,workdir=$t/w" "$t/m" 2>/dev/null; then
	umount "$t/m"
else
	snap=native
fi
rm -rf "$t"
systemd_cgroup=false
[ "${CRI_CGROUP_DRIVER:-cgroupfs}" = systemd ] && systemd_cgroup=true
runtime_toml() { # NAME BINARY
	cat <<-EOF
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$1.options]
		        BinaryName = "$2"
		        Root = "$DIR/runtime/$1"
		        SystemdCgroup = $systemd_cgroup
	EOF
}
{
	cat <<-EOF
		version = 2
		root = "$DIR/containerd/root"
		state = "$DIR/containerd/state"
		[grpc]
		  address = "$DIR/containerd.sock"
		[ttrpc]
		  address = "$DIR/containerd.sock.ttrpc"
		[debug]
		  level = "${LOG_LEVEL:-info}"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$DIR/containerd/opt"
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$PAUSE_IMAGE"
		  # this host lacks CAP_SYS_RESOURCE: no oom_score_adj below containerd's own
		  restrict_oom_score_adj = true
		  disable_apparmor = true
		  stream_server_address = "127.0.0.1"
		  stream_server_port = "0"
		  netns_mounts_under_state_dir = true
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    snapshotter = "$snap"
		    default_runtime_name = "runc"
	EOF
	runtime_toml runc "$RUNC"
	runtime_toml brig "$DIR/bin/brig"
	cat <<-EOF
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "/usr/lib/cni"
		    conf_dir = "$DIR/cni/net.d"
		  [plugins."io.containerd.grpc.v1.cri".registry]
		    config_path = "$DIR/certs.d"
	EOF
} >"$DIR/containerd.toml"
"${NSENTER[@]}" setsid "$CONTAINERD" --config "$DIR/containerd.toml" >"$DIR/containerd.log" 2>&1 </dev/null &
echo $! >"$DIR/containerd.pid"
ready=0
for _ in $(seq 1 150); do
	if [ -S "$DIR/containerd.sock" ] &&
		"$PY" "$HERE/cri.py" "$DIR/containerd.sock" Status 2>/dev/null | grep -q '"NetworkReady"'; then
		ready=1
		break
	fi
	alive "$DIR/containerd.pid" || break
	sleep 0.2
done
if [ $ready = 0 ]; then
	tail -n 30 "$DIR/containerd.log" >&2
	echo "FAIL containerd's CRI plugin did not become ready"
	exit 1
fi
cl_note "containerd (pid $(cat "$DIR/containerd.pid"), snapshotter $snap) and the registry ready in $(since "$t_start")s"
# kubelet pulls before it creates; the sandbox image would be pulled by RunPodSandbox
for img in "$PAUSE_IMAGE" "$BUSYBOX_IMAGE"; do
	"$PY" "$HERE/cri.py" "$DIR/containerd.sock" PullImage '{"image": {"image": "'"$img"'"}}' >/dev/null ||
		{ tail -n 20 "$DIR/containerd.log" >&2; echo "FAIL containerd cannot pull $img from the local registry"; exit 1; }
done

if [ "${CRI_KEEP:-0}" = 1 ] && [ "${CRI_ONLY:-}" = none ]; then
	exit 0
fi

# ---- the scenarios, with brig then runc ---------------------------------------------

pass_run() { # HANDLER
	local t0 pid
	t0=$(now)
	echo "== handler $1"
	# its own process group, waited for: a signal reaches the trap at once
	setsid bash -c '"$@" | tee "$0"' "$DIR/results-$1.txt" \
		"${NSENTER[@]}" "$PY" "$HERE/scenarios.py" --socket "$DIR/containerd.sock" --handler "$1" \
		--dir "$DIR" --token "$TOKEN" --netns "$TOKEN" --only "${CRI_ONLY:-}" &
	pid=$!
	echo "$pid:$(proc_start "$pid")" >"$DIR/.pass"
	wait "$pid"
	rm -f "$DIR/.pass"
	cl_note "$1: $(since "$t0")s"
}
pass_run brig
pass_run runc

result() { sed -n "s/^\(PASS\|FAIL\) $2\(:.*\)\?$/\1/p" "$DIR/results-$1.txt" 2>/dev/null; }
echo "== brig and runc through containerd's CRI ($(${CONTAINERD} --version | awk '{print $3}'), ${CRI_CGROUP_DRIVER:-cgroupfs})"
printf '%-36s %-5s %s\n' scenario brig runc
regressions=()
while read -r name; do
	b=$(result brig "$name") r=$(result runc "$name")
	printf '%-36s %-5s %s\n' "$name" "${b:--}" "${r:--}"
	[ "$b" = PASS ] || [ "$r" != PASS ] || regressions+=("$name")
done < <(sed -n 's/^\(PASS\|FAIL\) \([^:]*\).*/\2/p' "$DIR/results-brig.txt" "$DIR/results-runc.txt" | awk '!seen[$0]++')
echo "brig: $(tail -n1 "$DIR/results-brig.txt")"
echo "runc: $(tail -n1 "$DIR/results-runc.txt")"
if grep -q '^PASS' "$DIR/results-brig.txt" 2>/dev/null || grep -q '^PASS' "$DIR/results-runc.txt" 2>/dev/null; then :; else
	echo "FAIL no scenario passed with either runtime: the set-up is broken"
	exit 1
fi
cl_note "total $(since "$t_start")s"
if [ ${#regressions[@]} -gt 0 ]; then
	grep -E "level=(error|warning)" "$DIR/containerd.log" | grep -v "failed to load cni" | tail -n 20 | sed 's/^/#   /'
	echo "FAIL brig fails where runc passes: ${regressions[*]}"
	exit 1
fi
echo "PASS brig passes every CRI scenario runc passes"
exit 0
