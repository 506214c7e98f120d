#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config-linux.md#control-groups on a pure cgroup v2 host, inside the VM that
# cgroups_v2.sh boots (never on a host: it sets up loop devices and huge pages
# of the VM's kernel): where the cgroup goes and what enables its controllers,
# memory.max with an OOM kill (memory.events, `events`), pids.max, cpu.max,
# cpu.weight, cpuset, io.weight and io.max on a loop device (enforced),
# hugetlb, the BPF device filter, pause/resume through cgroup.freeze, kill
# --all through cgroup.kill, ps, update of a running container, events --stats
# against the cgroup files, the callers' "unset" values, and the cleanup after
# delete and after a failed create. One boot runs all of it.
. "$(dirname "$0")/../lib.sh"
[ -d /.vm-run ] || conf_skip_all "runs inside the VM only (ctest -R conformance.cgroups_v2 boots it)"
# The host's base rootfs, when cgroups_v2.sh found one: building it here
# would cost 400 processes under the emulated CPU.
if [ -n "${BRIG_SEED_CACHE:-}" ] && [ -x "$BRIG_SEED_CACHE/rootfs-base/bin/busybox" ] &&
	[ -n "${CONF_CACHE:-}" ] && [ ! -e "$CONF_CACHE/rootfs-base" ]; then
	mkdir -p "$CONF_CACHE" && cp -a "$BRIG_SEED_CACHE/rootfs-base" "$CONF_CACHE/"
fi
conf_init
. "$(dirname "$0")/cglib.sh"

[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && [ "$V2" = /sys/fs/cgroup ] ||
	conf_skip_all "not a pure cgroup v2 host (cgroup2 at '$V2')"
[ "$(cg_mounts | awk '$1 == "cgroup"' | wc -l)" = 0 ] || conf_skip_all "cgroup v1 hierarchies are mounted"
CTRLS=" $(cat "$V2/cgroup.controllers") "
for c in memory pids cpu cpuset io; do
	case $CTRLS in *" $c "*) ;; *) conf_skip_all "no $c controller in $V2/cgroup.controllers" ;; esac
done
conf_log "kernel $(uname -r), $(nproc) cpus, controllers:$CTRLS"
NCPU=$(nproc)
# io.weight takes blkio's weight through BFQ's own file where BFQ is loaded,
# else converted (crun's and runc's 10..1000 -> 1..10000).
io_weight() { # CG: "bfq W" or "io W" (the default line)
	if [ -e "$V2/$1/io.bfq.weight" ]; then
		echo "bfq $(key "$V2/$1/io.bfq.weight" default)"
	else
		echo "io $(key "$V2/$1/io.weight" default)"
	fi
}
G() { rd "$V2/$CG/$1"; } # a file of the current cgroup
SWAPACCT=         # memory.swap.max exists (swap accounting): set by the first create
sw() { [ -z "$SWAPACCT" ] || echo " $1"; }            # an expected memory.swap.max
swp() { [ -z "$SWAPACCT" ] || echo " $(G memory.swap.max)"; } # the actual one

# ---- placement and controllers ------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864}}' . /bin/sleep 600
brig_create "$B"
check_succeeds "[config-linux.md#cgroups-path] create with an absolute cgroupsPath succeeds"
check_eq "[config-linux.md#cgroups-path] the init is in /$CG" "0::/$CG" "$(cat "/proc/$PID/cgroup" 2>/dev/null)"
[ -e "$V2/$CG/memory.swap.max" ] && SWAPACCT=1
sub=" $(rd "$V2/$P/cgroup.subtree_control") "
check_true "[brig] the parent delegates memory, pids, cpu and io (cgroup.subtree_control), so the container's files exist" \
	"subtree_control:$sub" eval 'for c in memory pids cpu io; do case $sub in *" $c "*) ;; *) exit 1 ;; esac; done'
check_eq "[config-linux.md#memory] limit is written to memory.max" 67108864 "$(G memory.max)"
brig delete "$ID"
check_eq "[runtime.md#delete] delete removes the cgroup" "" "$(dirs_left "$CG")"
check_eq "[brig] ... and the parent create made" "" "$(dirs_left "$P")"

cg_new CG "$PF"
cg_bundle B "$CG" '{}' . /nonexistent
brig_create "$B"
check_error_line "[runtime.md#create] create of a program that does not exist fails" create
check_eq "[runtime.md#errors] a failed create leaves no cgroup (nor its parent) behind" "" "$(dirs_left "$CG")$(dirs_left "$PF")"
cg_new CG "$PF"
cg_bundle B "$CG" "{\"cpu\": {\"cpus\": \"$NCPU\"}}" . /bin/sleep 600
brig_create "$B"
check_error_line "[runtime.md#create] create fails when the kernel refuses a limit (cpuset.cpus $NCPU)" create
check_eq "[runtime.md#errors] a create that failed writing a limit leaves no cgroup behind" "" "$(dirs_left "$CG")$(dirs_left "$PF")"

# ---- memory: memory.max and the OOM kill --------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 33554432, "swap": 67108864, "reservation": 16777216}}' . /bin/sh -c "exec $DD64"
brig_create "$B"
check_eq "[config-linux.md#memory] limit, reservation and swap are written to memory.max, memory.low and memory.swap.max (swap - limit)" \
	"33554432 16777216$(sw 33554432)" "$(G memory.max) $(G memory.low)$(swp)"
brig start "$ID"
wait_for 20 status_is "$ID" stopped
check_true "[config-linux.md#memory] over memory.max the OOM killer kills the init (memory.events oom_kill)" \
	"memory.events: $(G memory.events)" test "$(key "$V2/$CG/memory.events" oom_kill)" -ge 1
check_true "[config-linux.md#memory] ... and memory.events counts the hits of the limit (max)" \
	"memory.events: $(G memory.events)" test "$(key "$V2/$CG/memory.events" max)" -ge 1
if [ -e "$V2/$CG/memory.peak" ]; then
	check_true "[config-linux.md#memory] the usage never went above the limit (memory.peak)" \
		"memory.peak $(G memory.peak)" test "$(G memory.peak)" -le 33554432
fi
brig delete "$ID"
check_eq "[runtime.md#delete] delete of the OOM-killed container removes its cgroup" "" "$(dirs_left "$CG")"

cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "exec $DD64"
brig_run "$B"
check_rc "[config-linux.md#memory] run of the OOM-killed init exits 128+SIGKILL" 137

cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "while [ ! -e /out/go ]; do usleep 20000; done; $DD64; echo dd=\$? >/out/dd; sleep 600"
if start_ctr "$B"; then
	events_bg "$B/out"
	wait_for 20 test -s "$B/out/dd"
	check_eq "[config-linux.md#memory] a process over the limit is killed with SIGKILL (its shell sees 137)" \
		dd=137 "$(cat "$B/out/dd" 2>/dev/null)"
	wait_for 5 eval '[ -n "$(oom_lines)" ]'
	check_eq "[runc] events prints an oom event for the OOM kill (memory.events oom_kill $(key "$V2/$CG/memory.events" oom_kill))" \
		"{\"type\":\"oom\",\"id\":\"$ID\"}" "$(first_oom)"
	brig delete -f "$ID"
	wait_for 5 eval '! pid_alive "$EV"'
	check_true "[runc] events ends when the container is gone" "events (pid $EV) still runs" eval '! pid_alive "$EV"'
	wait "$EV" 2>/dev/null
else
	not_ok "[runc] events oom: the container runs" ""
fi

cg_new CG
cg_bundle B "$CG" "$MEM32" . /bin/sh -c "while [ ! -e /out/go ]; do usleep 20000; done; exec $DD64"
if start_ctr "$B"; then
	events_bg "$B/out"
	wait_for 20 status_is "$ID" stopped
	wait_for 5 eval '! pid_alive "$EV"'
	check_eq "[runc] events reports the OOM kill of the init before it ends" \
		"{\"type\":\"oom\",\"id\":\"$ID\"}" "$(first_oom)"
	kill "$EV" 2>/dev/null
	wait "$EV" 2>/dev/null
	brig delete -f "$ID"
else
	not_ok "[runc] events oom of the init: the container runs" ""
fi

# linux.resources.unified: cgroup v2 files by name, after the named fields.
cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864}, "unified": {"memory.high": "50331648", "memory.max": "62914560"}}' . /bin/sleep 600
brig_create "$B"
check_eq "[config-linux.md#unified] unified writes memory.high, and its memory.max overrides memory.limit" \
	"50331648 62914560" "$(G memory.high) $(G memory.max)"
brig delete -f "$ID"
cg_new CG
cg_bundle B "$CG" '{"unified": {"nosuch.max": "1"}}' . /bin/sleep 600
brig_create "$B"
check_error_line "[config-linux.md#unified] a key of a controller that is not there is an error" create
check_eq "[runtime.md#errors] ... and leaves no cgroup behind" "" "$(dirs_left "$CG")"

# ---- pids ------------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"pids": {"limit": 10}}' . /bin/sh -c 'sh -c '\''i=0; while [ $i -lt 20 ]; do sleep 600 & i=$((i + 1)); done'\'' 2>/out/err
echo done >/out/done; sleep 600'
if start_ctr "$B" && wait_for 20 test -e "$B/out/done"; then
	check_eq "[config-linux.md#pids] limit is written to pids.max" 10 "$(G pids.max)"
	check_true "[config-linux.md#pids] the container never has more than 10 tasks (pids.current)" \
		"pids.current $(G pids.current)" test "$(G pids.current)" -le 10
	check_true "[config-linux.md#pids] forks over the limit fail (pids.events max)" \
		"pids.events: $(G pids.events)" test "$(key "$V2/$CG/pids.events" max)" -ge 1
	check_match "[config-linux.md#pids] ... and the container's shell sees the fork fail" fork "$(cat "$B/out/err" 2>/dev/null)"
	brig delete -f "$ID"
else
	not_ok "[config-linux.md#pids] the container forks" "$(cat "$B/out/err" 2>/dev/null)"
fi

# ---- cpu and cpuset ------------------------------------------------------------------------

LASTCPU=$((NCPU - 1))
cg_new CG
cg_bundle B "$CG" "{\"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"cpus\": \"$LASTCPU\", \"mems\": \"0\"}}" . \
	/bin/sh -c 'while :; do :; done'
brig_create "$B"
check_succeeds "[config-linux.md#cpu] create with shares, quota, period, cpus and mems succeeds"
check_eq "[config-linux.md#cpu] quota and period are written to cpu.max" "50000 100000" "$(G cpu.max)"
check_eq "[config-linux.md#cpu] shares 512 become cpu.weight 59 (runc's and crun's mapping: 2->1, 1024->100, 262144->10000)" \
	59 "$(G cpu.weight)"
check_eq "[config-linux.md#cpu] cpus and mems are written to cpuset.cpus and cpuset.mems" "$LASTCPU 0" \
	"$(G cpuset.cpus) $(G cpuset.mems)"
brig start "$ID"
check_eq "[config-linux.md#cpu] the init may run on the cpus listed only" "$LASTCPU" \
	"$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$PID/status" 2>/dev/null)"
u0=$(key "$V2/$CG/cpu.stat" usage_usec) t0=$(date +%s%N)
sleep 2
u1=$(key "$V2/$CG/cpu.stat" usage_usec) t1=$(date +%s%N)
pct=$(((${u1:-0} - ${u0:-0}) * 100000 / (t1 - t0)))
check_true "[config-linux.md#cpu] cpu.max is enforced: a busy loop gets at most about 50% of a cpu" \
	"it got $pct%" test "$pct" -le 65
if [ "$pct" -lt 40 ]; then # it did not even use its quota: the host is busy
	skip "[config-linux.md#cpu] ... and is throttled (cpu.stat nr_throttled)" "the loop got $pct% of a cpu only"
else
	check_true "[config-linux.md#cpu] ... and is throttled (cpu.stat nr_throttled)" "cpu.stat: $(G cpu.stat)" \
		test "$(key "$V2/$CG/cpu.stat" nr_throttled)" -ge 1
fi
brig delete -f "$ID"

# ---- block I/O on a loop device -------------------------------------------------------------

LOOP=
if modprobe loop 2>/dev/null || [ -e /dev/loop-control ]; then
	truncate -s 64M "$CONF_TMP/disk.img" && LOOP=$(losetup -f --show "$CONF_TMP/disk.img" 2>/dev/null)
fi
if [ -n "$LOOP" ]; then
	LMAJ=$((0x$(stat -c %t "$LOOP"))) LMIN=$((0x$(stat -c %T "$LOOP")))
	conf_log "loop device $LOOP ($LMAJ:$LMIN)"
	VDISK=".linux.devices = [{path: \"/dev/vdisk\", type: \"b\", major: $LMAJ, minor: $LMIN, fileMode: 432}]"
	IO=$(jq -nc --argjson ma "$LMAJ" --argjson mi "$LMIN" '{blockIO: {weight: 500,
		throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
		throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 100}]},
		devices: [{allow: false, access: "rwm"}, {allow: true, type: "b", major: $ma, minor: $mi, access: "rw"}]}')
	cg_new CG
	cg_bundle B "$CG" "$IO" "$VDISK" /bin/sh -c 'read t0 _ </proc/uptime; dd if=/dev/vdisk of=/dev/null bs=1M count=4 2>/out/dd
echo rc=$? >>/out/dd; read t1 _ </proc/uptime; echo "$t0 $t1" >/out/t; echo done >/out/done; sleep 600'
	brig_create "$B"
	check_succeeds "[config-linux.md#block-io] create with weight and throttles on $LOOP succeeds"
	w=$(io_weight "$CG")
	case $w in bfq*) expw="bfq 500" ;; *) expw="io 4950" ;; esac
	check_eq "[config-linux.md#block-io] weight 500 is io.bfq.weight 500, or io.weight 4950 without BFQ" "$expw" "$w"
	check_eq "[config-linux.md#block-io] the throttles are one io.max line for the device" \
		"$LMAJ:$LMIN rbps=1048576 wbps=max riops=max wiops=100" "$(G io.max)"
	brig start "$ID"
	wait_for 30 test -e "$B/out/done"
	ms=$(awk '{ printf "%d", ($2 - $1) * 1000 }' "$B/out/t" 2>/dev/null)
	conf_log "4 MiB read through rbps=1048576 in ${ms:-?} ms"
	check_contains "[config-linux.md#block-io] the container reads the device" "rc=0" "$(cat "$B/out/dd" 2>/dev/null)"
	check_true "[config-linux.md#block-io] io.max is enforced: 4 MiB at 1 MiB/s take more than 2 s" "it took $ms ms" \
		test "${ms:-0}" -ge 2000
	brig events --stats "$ID"
	rb=$(awk -v d="$LMAJ:$LMIN" '$1 == d { for (i = 2; i <= NF; i++) if ($i ~ /^rbytes=/) print substr($i, 8) }' "$V2/$CG/io.stat")
	check_eq "[runc] events --stats blkio ioServiceBytesRecursive has the device's Read bytes of io.stat" "${rb:-none}" \
		"$(jq -r --argjson ma "$LMAJ" --argjson mi "$LMIN" '.data.blkio.ioServiceBytesRecursive[] |
			select(.major == $ma and .minor == $mi and .op == "Read") | .value' <<<"$OUT" 2>/dev/null)"
	brig delete -f "$ID"
	# The same device without a rule: the BPF filter refuses it.
	cg_new CG
	cg_bundle B "$CG" '{"devices": [{"allow": false, "access": "rwm"}]}' "$VDISK" /bin/probe readable /dev/vdisk
	brig_run "$B"
	check_eq "[config-linux.md#allowed-device-list] a block device the rules do not allow cannot be opened (EPERM)" \
		"no EPERM" "$(kv readable) $(kv errno)"
	losetup -d "$LOOP"
else
	skip "[config-linux.md#block-io] io.weight and io.max on a loop device" "no loop device"
fi

# ---- hugetlb ---------------------------------------------------------------------------------

HP=/sys/kernel/mm/hugepages/hugepages-2048kB
case $CTRLS in *" hugetlb "*) hugetlb=yes ;; *) hugetlb= ;; esac
if [ -n "$hugetlb" ] && [ -d "$HP" ] && echo 8 >"$HP/nr_hugepages" && [ "$(cat "$HP/nr_hugepages")" -ge 4 ] &&
	mkdir -p "$CONF_TMP/huge" && mount -t hugetlbfs -o pagesize=2M none "$CONF_TMP/huge"; then
	CONF_MOUNTS+=("$CONF_TMP/huge")
	chmod 1777 "$CONF_TMP/huge"
	cg_new CG
	cg_bundle B "$CG" '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}' \
		".mounts += [{destination: \"/huge\", type: \"none\", source: \"$CONF_TMP/huge\", options: [\"rbind\", \"rw\"]}]" \
		/bin/sh -c 'fallocate -l 4M /huge/a && echo a=ok >/out/h; fallocate -l 4M /huge/b 2>>/out/err; echo b=$? >>/out/h
echo done >/out/done; sleep 600'
	brig_create "$B"
	check_succeeds "[config-linux.md#huge-page-limits] create with a 2MB page limit succeeds"
	if [ -e "$V2/$CG/hugetlb.2MB.rsvd.max" ]; then
		check_eq "[config-linux.md#huge-page-limits] the limit is written to hugetlb.2MB.max and hugetlb.2MB.rsvd.max" \
			"4194304 4194304" "$(G hugetlb.2MB.max) $(G hugetlb.2MB.rsvd.max)"
	else
		check_eq "[config-linux.md#huge-page-limits] the limit is written to hugetlb.2MB.max" 4194304 "$(G hugetlb.2MB.max)"
	fi
	brig start "$ID"
	wait_for 20 test -e "$B/out/done"
	check_match "[config-linux.md#huge-page-limits] the container gets 2 pages (4 MiB) and no more" \
		'^a=ok b=[1-9]' "$(rd "$B/out/h")"
	brig events --stats "$ID"
	f=hugetlb.2MB.rsvd.current
	[ -e "$V2/$CG/$f" ] || f=hugetlb.2MB.current
	check_eq "[runc] events --stats hugetlb.2MB.usage is $f" "$(G "$f")" "$(jget "$OUT" .data.hugetlb.2MB.usage)"
	brig delete -f "$ID"
	rm -f "$CONF_TMP/huge/"*
else
	skip "[config-linux.md#huge-page-limits] hugetlb.2MB.max" "no hugetlb controller or no 2 MB huge pages"
fi

# ---- the device filter ---------------------------------------------------------------------

cg_new CG
dev_bundle B "$CG" "$DENY_KMSG"
brig_run "$B"
check_eq "[config-linux.md#allowed-device-list] a device the rules deny cannot be opened (EPERM)" \
	"fail EPERM" "$(kv open) $(kv errno)"
check_eq "[config-linux.md#allowed-device-list] ... while /dev/null (always allowed) opens" ok "$(kv null.open)"
check_eq "[config-linux.md#allowed-device-list] ... and /dev/zero reads" yes "$(kv zero.readable)"
cg_new CG
dev_bundle B "$CG" "$ALLOW_KMSG"
brig_run "$B"
check_eq "[config-linux.md#allowed-device-list] a device the rules allow opens" ok "$(kv open)"

# ---- pause, kill --all, ps ----------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sh -c "$COUNTER"
# The container rewrites the file (truncate, then write): retry an empty read.
count() {
	local v i
	for i in $(seq 50); do
		v=$(cat "$B/out/count" 2>/dev/null)
		[ -n "$v" ] && break
		sleep 0.01
	done
	echo "$v"
}
if start_ctr "$B" && wait_for 20 test -s "$B/out/count"; then
	brig pause "$ID"
	check_succeeds "[runc] pause of a running container succeeds"
	check_eq "[runc] state shows paused, and cgroup.events frozen 1" "paused 1" \
		"$(state_field "$ID" status) $(key "$V2/$CG/cgroup.events" frozen)"
	c1=$(count)
	sleep 0.5
	check_eq "[runc] a paused container's processes do not run (its counter stops)" "$c1" "$(count)"
	brig resume "$ID"
	check_succeeds "[runc] resume of a paused container succeeds"
	sleep 0.5
	check_true "[runc] after resume the processes run again (the counter advances)" \
		"counter $c1 before, $(count) after" test "$(count)" -gt "${c1:-0}"
	check_eq "[runc] ... state running, cgroup.events frozen 0" "running 0" \
		"$(state_field "$ID" status) $(key "$V2/$CG/cgroup.events" frozen)"
	brig pause "$ID"
	pids=$(procs_of "$CG")
	brig delete -f "$ID"
	check_true "[runc] delete -f of a paused container kills its processes and removes its cgroup" \
		"alive: $pids; left: $(dirs_left "$CG")" eval 'wait_for 5 all_dead "$pids" && wait_for 3 gone "$CG"'
else
	not_ok "[runc] pause/resume: the container runs" ""
fi

for sig in KILL TERM; do
	cg_new CG
	cg_bundle B "$CG" '{}' "$NO_PIDNS" /bin/sh -c "$KILL_SCRIPT"
	if start_ctr "$B" && wait_for 20 eval '[ "$(nprocs "$V2/$CG")" -ge 4 ]'; then
		pids=$(procs_of "$CG")
		brig kill --all "$ID" "$sig"
		check_succeeds "[runc] kill --all $sig of a container without a pid namespace succeeds"
		check_true "[runc] kill --all $sig reaches every process of the cgroup, also one outside the init's tree" \
			"alive after 5s: $(for p in $pids; do pid_alive "$p" && echo "$p"; done | xargs)" \
			wait_for 5 all_dead "$pids"
		wait_for 5 status_is "$ID" stopped
		brig delete "$ID"
		check_eq "[runtime.md#delete] delete after kill --all removes the cgroup" "" "$(dirs_left "$CG")"
	else
		not_ok "[runc] kill --all $sig: the container runs its 4 processes" "procs: $(procs_of "$CG" | xargs)"
	fi
done

cg_new CG
cg_bundle B "$CG" '{}' . /bin/sh -c 'sleep 600 & sleep 600 & wait'
if start_ctr "$B" && wait_for 20 eval '[ "$(nprocs "$V2/$CG")" -ge 3 ]'; then
	pids=$(procs_of "$CG")
	brig ps --format json "$ID"
	check_eq "[runc] ps --format json is a bare array of the container's host pids (cgroup.procs)" \
		"$(xargs <<<"$pids")" "$(jq '.[]' <<<"$OUT" 2>/dev/null | sort -n | xargs)"
	brig ps "$ID"
	check_eq "[runc] ps prints ps -ef's header and one line per process of the container" \
		"UID PID PPID|$(xargs <<<"$pids")" "$(head -n1 <<<"$OUT" | awk '{ print $1, $2, $3 }')|$(awk 'NR > 1 { print $2 }' <<<"$OUT" | sort -n | xargs)"
	brig delete -f "$ID"
else
	not_ok "[runc] ps: the container runs its 3 processes" ""
fi

# ---- update of a running container ---------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864, "reservation": 33554432},
	"cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 100}}' . /bin/sleep 600
if start_ctr "$B"; then
	cpus() { echo "$(G cpu.weight) $(G cpu.max)"; }
	brig update --memory 128m --pids-limit 50 "$ID"
	check_succeeds "[runc] update --memory 128m --pids-limit 50 of a running container succeeds"
	check_eq "[runc] ... and sets memory.max and pids.max, leaving memory.low and the cpu files alone" \
		"134217728 50 33554432 59 50000 100000" "$(G memory.max) $(G pids.max) $(G memory.low) $(cpus)"
	brig update --cpu-shares 256 --cpu-quota 20000 --cpu-period 50000 "$ID"
	check_eq "[runc] update --cpu-shares 256 --cpu-quota --cpu-period sets cpu.weight (35) and cpu.max" \
		"35 20000 50000" "$(cpus)"
	brig update --cpu-period 200000 "$ID"
	check_eq "[runc] update --cpu-period alone keeps cpu.max's quota" "35 20000 200000" "$(cpus)"
	echo "$DOCKER_UPDATE" >"$CONF_TMP/docker-update.json"
	brig_in "$CONF_TMP/docker-update.json" update --resources - "$ID"
	check_succeeds "[runc] update --resources - with Docker's JSON succeeds"
	check_eq "[runc] ... sets memory.max, pids.max and memory.swap.max (swap - limit)" \
		"268435456 100$(sw 268435456)" "$(G memory.max) $(G pids.max)$(swp)"
	check_eq "[runc] ... and its zeros leave memory.low, cpu.weight and cpu.max unchanged" \
		"33554432 35 20000 200000" "$(G memory.low) $(cpus)"
	echo "$PODMAN_UPDATE" >"$CONF_TMP/podman-update.json"
	brig update --resources="$CONF_TMP/podman-update.json" "$ID"
	check_eq "[runc] update --resources=FILE with podman's JSON sets cpu.max" "35 50000 100000" "$(cpus)"
	brig update --blkio-weight 300 "$ID"
	w=$(io_weight "$CG")
	case $w in bfq*) expw="bfq 300" ;; *) expw="io 2930" ;; esac
	check_eq "[runc] update --blkio-weight 300 sets io.bfq.weight 300, or io.weight 2930" "$expw" "$w"
	brig update --cpuset-cpus "$LASTCPU" --cpuset-mems 0 "$ID"
	check_eq "[runc] update --cpuset-cpus --cpuset-mems sets cpuset.cpus and cpuset.mems, and the init's cpus" \
		"$LASTCPU 0 $LASTCPU" "$(G cpuset.cpus) $(G cpuset.mems) $(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$PID/status" 2>/dev/null)"
	brig update --memory -1 --pids-limit -1 "$ID"
	check_eq "[runc] update --memory -1 --pids-limit -1 lifts the limits (memory.max, memory.swap.max, pids.max)" \
		"max max$(sw max)" "$(G memory.max) $(G pids.max)$(swp)"
	brig delete -f "$ID"
	brig update --pids-limit 5 "$ID"
	check_error_line "[runc] update of a deleted container fails" update
else
	not_ok "[runc] update: the container runs" ""
fi

# ---- events --stats ----------------------------------------------------------------------------

cg_new CG
cg_bundle B "$CG" '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"quota": 50000, "period": 100000}}' . /bin/sh -c 'sleep 600 & sleep 600 & i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; wait'
if start_ctr "$B" && wait_for 20 eval '[ "$(nprocs "$V2/$CG")" -ge 3 ]'; then
	sleep 1
	u0=$(key "$V2/$CG/cpu.stat" usage_usec) m0=$(G memory.current) p0=$(key "$V2/$CG/cpu.stat" nr_periods)
	brig events --stats "$ID"
	u1=$(key "$V2/$CG/cpu.stat" usage_usec) m1=$(G memory.current) p1=$(key "$V2/$CG/cpu.stat" nr_periods)
	S=$OUT
	d() { jget "$S" ".data$1"; }
	check_eq "[runc] events --stats prints one JSON object of type stats for the id" "1 stats $ID" \
		"$(grep -c . <<<"$S") $(jq -r '"\(.type) \(.id)"' <<<"$S" 2>/dev/null)"
	check_eq "[runc] memory.usage.limit is memory.max" 67108864 "$(d .memory.usage.limit)"
	mu=$(d .memory.usage.usage)
	check_true "[runc] memory.usage.usage is memory.current (read before $m0 and after $m1)" "got $mu" \
		test "${mu:-0}" -ge $(((m0 < m1 ? m0 : m1) - 262144)) -a "${mu:-0}" -le $(((m0 > m1 ? m0 : m1) + 262144))
	if [ -e "$V2/$CG/memory.peak" ]; then
		check_eq "[runc] memory.usage.max is memory.peak" "$(G memory.peak)" "$(d .memory.usage.max)"
	fi
	check_eq "[runc] memory.usage.failcnt is memory.events max" "$(key "$V2/$CG/memory.events" max)" "$(d .memory.usage.failcnt)"
	if [ -n "$SWAPACCT" ]; then
		check_eq "[runc] memory.swap.limit is memory.swap.max + memory.max (or max)" \
			"$([ "$(G memory.swap.max)" = max ] && echo "$UINT64_MAX" || echo $(($(G memory.swap.max) + 67108864)))" "$(d .memory.swap.limit)"
	fi
	check_eq "[runc] memory.cache is memory.stat file, memory.raw is memory.stat" \
		"$(key "$V2/$CG/memory.stat" file) $(awk '{ print $1 }' "$V2/$CG/memory.stat" | sort | xargs)" \
		"$(d .memory.cache) $(jq -r '.data.memory.raw | keys[]' <<<"$S" 2>/dev/null | sort | xargs)"
	check_eq "[runc] pids.current and pids.limit are pids.current and pids.max" \
		"$(G pids.current) 20" "$(d .pids.current) $(d .pids.limit)"
	ct=$(d .cpu.usage.total)
	check_true "[runc] cpu.usage.total is cpu.stat usage_usec in ns (read before ${u0}000 and after ${u1}000)" "got $ct" \
		test "${ct:-0}" -ge "${u0:-0}000" -a "${ct:-0}" -le "${u1:-0}000"
	check_true "[runc] cpu.usage.user + kernel is about the total (user_usec, system_usec)" \
		"user $(d .cpu.usage.user) kernel $(d .cpu.usage.kernel) total $ct" \
		test $(($(d .cpu.usage.user) + $(d .cpu.usage.kernel) + 0)) -le $((${ct:-0} + 1000000))
	cp_=$(d .cpu.throttling.periods)
	check_true "[runc] cpu.throttling.periods is cpu.stat nr_periods (before $p0, after $p1)" "got $cp_" \
		test "${cp_:-0}" -ge "${p0:-0}" -a "${cp_:-0}" -le "${p1:-0}"
	check_eq "[runc] cpu.throttling names its fields as runc does (periods, throttledPeriods, throttledTime)" \
		"periods throttledPeriods throttledTime" "$(jq -r '.data.cpu.throttling | keys_unsorted[]' <<<"$S" 2>/dev/null | xargs)"
	brig update --pids-limit -1 "$ID"
	brig events --stats "$ID"
	check_eq "[runc] without a pids limit pids.limit is 0, as runc reports it" 0 "$(jget "$OUT" .data.pids.limit)"
	brig delete -f "$ID"
else
	not_ok "[runc] events --stats: the container runs its 3 processes" ""
fi

# ---- the callers' "unset" values ---------------------------------------------------------------

# caller NAME RESOURCES EXPECTED: EXPECTED is "memory.max memory.swap.max
# cpu.weight cpu.max pids.max" (memory.swap.max left out without swap accounting).
caller() {
	cg_new CG
	cg_bundle B "$CG" "$2" . /bin/probe open-write /dev/null
	brig_create "$B"
	check_succeeds "[runc] $1's linux.resources are accepted"
	check_eq "[runc] ... and give memory.max, memory.swap.max, cpu.weight, cpu.max, pids.max: $3" "$3" \
		"$(G memory.max)$(swp) $(G cpu.weight) $(G cpu.max) $(G pids.max)"
	brig start "$ID"
	wait_for 20 status_is "$ID" stopped
	check_eq "[runc] ... and the container runs (/dev/null opens)" open=ok "$(cat "$CONF_TMP/$ID.out")"
	brig delete "$ID"
}
caller "Docker (docker run -d)" "$DOCKER_RUN" "max$(sw max) 100 max 100000 max"
caller "Docker (hardened: memory, swap, quota, pids)" "$DOCKER_HARDENED" "536870912$(sw 536870912) 100 100000 100000 50"
caller "containerd (ctr run with limits, cpu.shares 1024)" "$CTR_LIMITS" "536870912$(sw max) 100 100000 100000 max"
caller "podman (podman run -d, pids.limit 2048)" "$PODMAN_RUN" "max$(sw max) 100 max 100000 2048"

# ---- nothing left ---------------------------------------------------------------------------

check_eq "[runtime.md#delete] after the deletes no cgroup is left below the test parents" "" "$(cg_sweep)"

conf_finish
