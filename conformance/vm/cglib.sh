# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034
# (its variables are for the scripts that source it)
# Helpers of the two cgroup scripts, sourced after lib.sh and conf_init: the
# host's (../test_cgroups.sh, hybrid) and the VM's (test_cgroups_v2.sh, pure
# cgroup v2). Test-only cgroup names the lib's cleanup removes, cgroup file
# readers, bundles with a cgroupsPath, events in the background, and the
# linux.resources the callers send.

# ---- the host's hierarchies ------------------------------------------------------

# "FSTYPE MOUNTPOINT ROOT SUPER-OPTIONS" of every cgroup and cgroup2 mount.
cg_mounts() {
	awk '{ for (i = 7; $i != "-"; i++) ;
		if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $(i + 1), $5, $4, $(i + 3) }' \
		/proc/self/mountinfo
}
# The mount point of the v1 hierarchy a controller (or name=...) is bound to.
v1_mount() {
	cg_mounts | awk -v c="$1" '$1 == "cgroup" && index("," $4 ",", "," c ",") { print $2; exit }'
}
# The mount point of the hierarchy of a /proc/PID/cgroup controllers field.
hier_mount() { if [ -z "$1" ]; then echo "$V2"; else v1_mount "${1%%,*}"; fi; }
V2=$(cg_mounts | awk '$1 == "cgroup2" { print $2 }' | sort | head -n1)
ALL_MOUNTS=$(cg_mounts | awk '{ print $2 }' | sort -u)

# ---- test-only cgroups -------------------------------------------------------------

P=brig-test-$$       # absolute cgroupsPaths: /$P/cN
PF=brig-test-$$-fail # the failed creates: /$PF/cN
CG_LEAVES=()
CG_PARENTS=()
cg_seq=0

# The lib's cleanup removes the names in .cgroups in order, below every
# hierarchy: the leaves, then their parents.
cg_write_list() { printf '%s\n' "${CG_LEAVES[@]}" "${CG_PARENTS[@]}" >"$CONF_TMP/.cgroups"; }
cg_register() { # LEAF PARENT
	CG_LEAVES+=("$1")
	case " ${CG_PARENTS[*]} " in *" $2 "*) ;; *) CG_PARENTS+=("$2") ;; esac
	cg_write_list
}

# cg_new VAR [PARENT]: a cgroup name "PARENT/cN" for an absolute cgroupsPath
# "/PARENT/cN" (PARENT defaults to $P).
cg_new() {
	local p=${2:-$P} n
	n="$p/c$((cg_seq += 1))"
	cg_register "$n" "$p"
	printf -v "$1" '%s' "$n"
}

# The dir of cgroup NAME in each hierarchy; dirs_left NAME: those that exist.
cg_dirs() { local m; for m in $ALL_MOUNTS; do echo "$m/$1"; done; }
dirs_left() { local d; for d in $(cg_dirs "$1"); do [ -d "$d" ] && echo "$d"; done; }
gone() { [ -z "$(dirs_left "$1")" ]; }

# What is left below the test parents (their sub-cgroups), then removes the
# parents themselves: brig leaves a parent it did not make, by design.
cg_sweep() {
	local m p
	for m in $ALL_MOUNTS; do
		for p in "$P" "$PF"; do
			[ -d "$m/$p" ] && find "$m/$p" -mindepth 1 -type d
		done
	done
	for m in $ALL_MOUNTS; do rmdir "$m/$P" "$m/$PF" 2>/dev/null; done
	return 0
}

# ---- reading cgroup files -------------------------------------------------------------

rd() { tr '\n' ' ' 2>/dev/null <"$1" | sed 's/ *$//'; } # a file on one line
key() { awk -v k="$2" '$1 == k { print $2; exit }' "$1" 2>/dev/null; }
nprocs() { # DIR: the processes in a cgroup
	local n
	n=$(grep -c . "$1/cgroup.procs" 2>/dev/null)
	echo "${n:-0}"
}
# The host pids of a container's processes (its cgroup.procs in cgroup2).
procs_of() { sort -n "$V2/$1/cgroup.procs" 2>/dev/null; }
all_dead() {
	local p
	for p in $1; do pid_alive "$p" && return 1; done
	return 0
}
# jget JSON PATH: the value at PATH (".a.b.0"), with 64-bit integers exact
# (jq 1.6 reads numbers as doubles: UINT64_MAX would come out rounded).
jget() {
	python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split(".")[1:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1" "$2" 2>/dev/null
}
UINT64_MAX=18446744073709551615

# ---- running brig ------------------------------------------------------------------

# brig_in FILE ARGS...: brig with stdin from FILE (brig's is /dev/null).
brig_in() {
	local in=$1
	shift
	LAST_CMD="brig --root \$ROOT $* <$in"
	conf_fg bash -c 'in=$1; shift; exec "$@" <"$in"' _ "$in" timeout -k 5 60 "$BRIG" \
		--root "$CONF_ROOT" "$@" >"$CONF_TMP/.out" 2>"$CONF_TMP/.err"
	RC=$?
	OUT=$(cat "$CONF_TMP/.out")
	ERR=$(cat "$CONF_TMP/.err")
}

# cg_bundle VAR CGNAME RESOURCES-JSON FILTER ARG...: a bundle with
# cgroupsPath /CGNAME, linux.resources, process.args ARG... and its out/ at
# /out, then the jq FILTER ("." for none). A copy of a template bundle made
# once, edited by one jq: under the VM's emulated CPU every process counts.
cg_bundle() {
	local v=$1 cg=$2 res=$3 filter=$4 cb
	shift 4
	if [ -z "${CG_TEMPLATE:-}" ]; then
		new_bundle CG_TEMPLATE
		mount_out "$CG_TEMPLATE"
	fi
	cb=$(mktemp -d "$CONF_TMP/bundle.XXXXXX")
	chmod 755 "$cb"
	cp -a "$CG_TEMPLATE/rootfs" "$cb/rootfs"
	mkdir -m 777 "$cb/out"
	jq --arg p "/$cg" --argjson r "$res" --arg o "$cb/out" \
		'.linux.cgroupsPath = $p | .linux.resources = $r | .process.args = $ARGS.positional
		| (.mounts[] | select(.destination == "/out")).source = $o | '"$filter" \
		"$CG_TEMPLATE/config.json" --args -- "$@" >"$cb/config.json" ||
		echo "cg_bundle: jq failed on filter $filter" >&2
	printf -v "$v" '%s' "$cb"
}
# Without a pid namespace (a cg_bundle FILTER).
NO_PIDNS='del(.linux.namespaces[] | select(.type == "pid"))'

# start_ctr BUNDLE: create and start (ID, PID); false if either failed.
start_ctr() {
	brig_create "$1"
	[ "$RC" = 0 ] || return 1
	brig start "$ID"
	[ "$RC" = 0 ]
}

# events_bg DIR: `events --interval 1s` of ID in the background (pid in EV,
# output in $CONF_TMP/ID.events); once its first line is out, touches DIR/go.
events_bg() {
	timeout -k 5 120 "$BRIG" --root "$CONF_ROOT" events --interval 1s "$ID" \
		>"$CONF_TMP/$ID.events" 2>&1 &
	EV=$!
	conf_track_pid "$EV" wait
	wait_for 20 test -s "$CONF_TMP/$ID.events"
	touch "$1/go"
}
oom_lines() { jq -c 'select(.type == "oom")' "$CONF_TMP/$ID.events" 2>/dev/null; }
first_oom() { oom_lines | head -n1 | jq -c '{type, id}' 2>/dev/null; }

# A process that needs more than 32 MiB: dd's 64 MiB buffer.
MEM32='{"memory": {"limit": 33554432}}'
DD64='dd if=/dev/zero of=/dev/null bs=64M count=1'
# Writes /out/count, incremented every 10 ms.
COUNTER='i=0; while :; do i=$((i + 1)); echo $i >/out/count; usleep 10000; done'
# Without a pid namespace: an init, two children and one that left its tree.
KILL_SCRIPT='(sleep 600 &); sleep 600 & sleep 600 & echo ready >/out/ready; wait'

# ---- what the callers send --------------------------------------------------------------

# linux.resources as Docker, containerd (ctr) and podman send them, copied
# from their configs (the shared reference tools' clients/samples/*.config.json; the
# cgroupsPath is replaced by a test one).
DOCKER_RUN='{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},{"allow":false,"type":"c","major":10,"minor":229,"access":"rwm"}],"memory":{"disableOOMKiller":false},"cpu":{"shares":0},"blockIO":{"weight":0}}'
DOCKER_HARDENED='{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},{"allow":false,"type":"c","major":10,"minor":229,"access":"rwm"}],"memory":{"limit":536870912,"swap":1073741824,"disableOOMKiller":false},"cpu":{"shares":0,"quota":100000,"period":100000},"pids":{"limit":50},"blockIO":{"weight":0}}'
CTR_LIMITS='{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":7,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},{"allow":true,"type":"c","major":136,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":2,"access":"rwm"}],"memory":{"limit":536870912},"cpu":{"shares":1024,"quota":100000,"period":100000}}'
PODMAN_RUN='{"devices":[{"allow":false,"access":"rwm"}],"pids":{"limit":2048}}'
# The updates: Docker's through containerd's shim (`update --resources -`),
# where 0 means "unchanged", and podman's (`update --resources=FILE`).
DOCKER_UPDATE='{"memory":{"limit":268435456,"reservation":0,"swap":536870912,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"pids":{"limit":100},"blockIO":{"weight":0}}'
PODMAN_UPDATE='{"memory":{"limit":268435456,"swap":536870912},"cpu":{"quota":50000,"period":100000}}'

# /dev/kmsg (c 1:11) is not among the devices every container gets; opening
# it for writing needs no capability, so EPERM can only be the filter's.
KMSG='{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 438, uid: 0, gid: 0}'
DENY_KMSG='[{"allow": false, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rwm"}]'
ALLOW_KMSG='[{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
dev_bundle() { # VAR CG RULES-JSON
	cg_bundle "$1" "$2" "{\"devices\": $3}" ".linux.devices = [$KMSG]" \
		/bin/probe open-write /dev/kmsg + @null open-write /dev/null + @zero readable /dev/zero
}
