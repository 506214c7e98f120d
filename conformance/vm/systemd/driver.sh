#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# brig's systemd cgroup driver (--systemd-cgroup), in the VM whose PID 1 is
# systemd (run.sh runs it; on the pure cgroup v2 layout and on the hybrid
# one): the unit and its slice as systemctl shows them, Delegate=yes, every
# property in `systemctl show` and in the cgroup files, the end state equal
# to the cgroupfs driver's, what systemd has no property for written all the
# same, daemon-reload keeping the values of create and of update, the device
# filter after a daemon-reload, pause and resume (the unit stays active),
# ps, exec, events --stats, kill --all, nothing left after delete, after a
# failed create, after kill -9 of the init and after an OOM kill, the
# private socket when dbus is stopped and the error when nothing answers,
# errors for a bad cgroupsPath and for a bad or unknown property,
# annotations passed through, Kubernetes' pod slices, a slice as the unit.
. "$(dirname "$0")/../../lib.sh"
[ -d /.vm-run ] || conf_skip_all "runs inside the systemd VM only (ctest -R conformance.systemd boots it)"
[ "$(cat /proc/1/comm)" = systemd ] || conf_skip_all "PID 1 is not systemd"
if [ -n "${BRIG_SEED_CACHE:-}" ] && [ -x "$BRIG_SEED_CACHE/rootfs-base/bin/busybox" ] &&
	[ -n "${CONF_CACHE:-}" ] && [ ! -e "$CONF_CACHE/rootfs-base" ]; then
	mkdir -p "$CONF_CACHE" && cp -a "$BRIG_SEED_CACHE/rootfs-base" "$CONF_CACHE/"
fi
conf_init
. "$(dirname "$0")/../cglib.sh"

# brig with --systemd-cgroup, as docker, podman and containerd call it
REAL=$BRIG
BRIG=$CONF_TMP/brig-sd
printf '#!/bin/sh\nexec %q --systemd-cgroup "$@"\n' "$REAL" >"$BRIG"
chmod 755 "$BRIG"
U=brig-sd-$$ # every unit of this run: "$U-NAME.scope"
LAYOUT=${SYSTEMD_LAYOUT:-v2}
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || LAYOUT=hybrid

show() { systemctl show -P "$2" "$1" 2>/dev/null; } # UNIT PROPERTY
# no unit left: gone (systemd collected it), or at most inactive and not failed
unit_gone() {
	local st
	st=$(systemctl show -P LoadState "$1" 2>/dev/null)
	[ "$st" = not-found ] && return 0
	[ "$(show "$1" ActiveState)" = inactive ] && [ -z "$(systemctl list-units --all --plain \
		--no-legend "$1" 2>/dev/null)" ]
}
no_unit() { wait_for 5 unit_gone "$1"; }
unit_state() { echo "$(show "$1" LoadState)/$(show "$1" ActiveState)"; }
failed_units() { systemctl list-units --failed --all --plain --no-legend 2>/dev/null | grep -F "$U" || true; }
# The dir of a unit's cgroup in cgroup2 and, hybrid, in a v1 hierarchy
ucg() { echo "$V2$(show "$1" ControlGroup)"; }
# every unit of the run, at the end and on the way out
sd_sweep() {
	local u
	for u in $(systemctl list-units --all --plain --no-legend "$U-*" 2>/dev/null | awk '{ print $1 }'); do
		echo "# cleanup: unit $u was left" >&2
		systemctl stop "$u" >/dev/null 2>&1
	done
	systemctl reset-failed "$U-*" >/dev/null 2>&1
	return 0
}
trap 'rc=$?; sd_sweep; (exit $rc); conf_cleanup' EXIT

# sd_bundle VAR CGROUPSPATH RESOURCES-JSON FILTER ARG...: cg_bundle with a
# systemd cgroupsPath ("" for none).
sd_bundle() {
	local v=$1 path=$2 res=$3 filter=$4
	shift 4
	cg_bundle "$v" unused "$res" ".linux.cgroupsPath = \"$path\" | $filter" "$@"
	[ -n "$path" ] || cfg "${!v}" 'del(.linux.cgroupsPath)'
}

conf_log "layout $LAYOUT, $(systemctl --version | head -n1), units $U-*"

# ---- features, check --------------------------------------------------------------

check_eq "[brig] features advertises the systemd driver (linux.cgroup.systemd)" true \
	"$("$REAL" features | jq -r .linux.cgroup.systemd)"
sd_bundle B "system.slice:$U:check" '{}' . /bin/true
LAST_CMD="brig check --bundle B --format json"
OUT=$("$REAL" check --bundle "$B" --format json 2>&1)
RC=$?
check_true "[brig] check reads a systemd cgroupsPath and does not flag it" "exit $RC: $OUT" \
	eval '[ $RC -le 1 ] && printf "%s" "$OUT" | jq -e . >/dev/null && ! printf "%s" "$OUT" | grep -qi cgroupsPath'

if [ "$LAYOUT" = hybrid ]; then
	. "$(dirname "$0")/driver_hybrid.sh"
	sd_sweep
	conf_finish
fi

# ---- a unit with every limit systemd has a property for, and some it has not ------------------

FULL='{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728},
 "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0"},
 "pids": {"limit": 50}, "blockIO": {"weight": 300},
 "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
 "unified": {"memory.high": "62914560", "memory.oom.group": "1"}}'
sd_bundle B "system.slice:$U:full" "$FULL" . /bin/sleep 600
brig_create "$B"
check_succeeds "[brig] create with --systemd-cgroup and cgroupsPath system.slice:PREFIX:NAME"
UNIT=$U-full.scope
CG=/system.slice/$UNIT
check_eq "[brig] the unit is PREFIX-NAME.scope in the slice, active, as systemctl shows it" \
	"loaded/active system.slice $CG brig container $UNIT" \
	"$(unit_state "$UNIT") $(show "$UNIT" Slice) $(show "$UNIT" ControlGroup) $(show "$UNIT" Description)"
check_eq "[brig] the init is in the unit's cgroup" "0::$CG" "$(cat "/proc/$PID/cgroup" 2>/dev/null)"
check_eq "[brig] Delegate=yes, accounting on, DefaultDependencies=no" "yes yes yes yes yes no" \
	"$(show "$UNIT" Delegate) $(show "$UNIT" MemoryAccounting) $(show "$UNIT" CPUAccounting) $(show "$UNIT" IOAccounting) $(show "$UNIT" TasksAccounting) $(show "$UNIT" DefaultDependencies)"
SWAPACCT=
[ -e "$V2$CG/memory.swap.max" ] && SWAPACCT=1
props() { # the properties brig sets, as systemctl shows them
	local p out=
	for p in MemoryMax MemoryLow MemoryHigh MemorySwapMax CPUWeight CPUQuotaPerSecUSec \
		CPUQuotaPeriodUSec AllowedCPUs AllowedMemoryNodes TasksMax IOWeight DevicePolicy; do
		out="$out $p=$(show "$1" "$p")"
	done
	echo "${out# }"
}
check_eq "[brig] every property in systemctl show" \
	"MemoryMax=67108864 MemoryLow=33554432 MemoryHigh=62914560 MemorySwapMax=67108864 CPUWeight=59 CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms AllowedCPUs=0 AllowedMemoryNodes=0 TasksMax=50 IOWeight=2930 DevicePolicy=strict" \
	"$(props "$UNIT")"
check_match "[brig] DeviceAllow: the default devices" '^/dev/char/10:200 rwm .*char-\* m$' \
	"$(show "$UNIT" DeviceAllow | tr '\n' ' ' | sed 's/ $//')"
FILES="memory.max memory.low memory.high memory.swap.max cpu.weight cpu.max cpu.max.burst cpuset.cpus cpuset.mems pids.max io.weight hugetlb.2MB.max memory.oom.group"
files() { # DIR: the files of FILES, "name=value" on one line
	local f out=
	for f in $FILES; do out="$out $f=$(rd "$1/$f")"; done
	echo "${out# }"
}
# (BFQ, where a disk uses it, takes blkio's own scale in io.bfq.weight)
IOW="default 2930"
[ -e "$V2$CG/io.bfq.weight" ] && IOW=$(rd "$V2$CG/io.weight")
want_files="memory.max=67108864 memory.low=33554432 memory.high=62914560 memory.swap.max=$([ -n "$SWAPACCT" ] && echo 67108864) cpu.weight=59 cpu.max=50000 100000 cpu.max.burst=10000 cpuset.cpus=0 cpuset.mems=0 pids.max=50 io.weight=$IOW hugetlb.2MB.max=4194304 memory.oom.group=1"
check_eq "[brig] ... and in the unit's cgroup files, with what systemd has no property for (cpu.max.burst, hugetlb, memory.oom.group)" \
	"$want_files" "$(files "$V2$CG")"
SD_ID=$ID SD_PID=$PID
# the same config with the cgroupfs driver: the same files
cg_new CGFS
cg_bundle BFS "$CGFS" "$FULL" . /bin/sleep 600
BRIG=$REAL brig_create "$BFS"
check_eq "[brig] the end state equals the cgroupfs driver's" "$(files "$V2/$CGFS")" "$(files "$V2$CG")"
BRIG=$REAL brig delete -f "$ID"
ID=$SD_ID PID=$SD_PID
systemctl daemon-reload
# memory.oom.group is the unit's OOMPolicy=kill; a systemd whose scopes have no
# OOMPolicy (upstream before 253) refuses it, and a daemon-reload then writes its
# own memory.oom.group 0, for runc's containers too
[ "$(show "$UNIT" OOMPolicy)" = kill ] || want_files=${want_files%memory.oom.group=1}memory.oom.group=0
check_eq "[brig] daemon-reload keeps the files" "$want_files" "$(files "$V2$CG")"
brig start "$ID"
check_succeeds "[runtime.md#start] start"
brig ps --format json "$ID"
check_eq "[brig] ps lists the init, from the unit's cgroup" "[$PID]" "$OUT"
brig events --stats "$ID"
check_eq "[brig] events --stats reads the unit's cgroup (memory and pids limits)" "67108864 50" \
	"$(jget "$OUT" .data.memory.usage.limit) $(jget "$OUT" .data.pids.limit)"
brig exec "$ID" cat /proc/self/cgroup
check_eq "[brig] exec joins the unit's cgroup" "0::/" "$OUT" # (the container's cgroup namespace)
brig exec "$ID" sh -c "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max"
check_eq "[brig] the container sees its limits in its /sys/fs/cgroup" "67108864 50" "$(echo $OUT)"

# ---- update ----------------------------------------------------------------------------

brig update --memory 100m --memory-swap 200m --pids-limit 80 --cpu-quota 30000 --cpu-period 100000 "$ID"
check_succeeds "[brig] update"
check_eq "[brig] update changes the unit's properties" "104857600 104857600 80 300ms" \
	"$(show "$UNIT" MemoryMax) $(show "$UNIT" MemorySwapMax) $(show "$UNIT" TasksMax) $(show "$UNIT" CPUQuotaPerSecUSec)"
check_eq "[brig] ... and the files" "104857600 $([ -n "$SWAPACCT" ] && echo 104857600) 80 30000 100000" \
	"$(rd "$V2$CG/memory.max") $(rd "$V2$CG/memory.swap.max") $(rd "$V2$CG/pids.max") $(rd "$V2$CG/cpu.max")"
systemctl daemon-reload
check_eq "[brig] the update survives daemon-reload (properties and files)" \
	"104857600 80 300ms 104857600 80 30000 100000 10000" \
	"$(show "$UNIT" MemoryMax) $(show "$UNIT" TasksMax) $(show "$UNIT" CPUQuotaPerSecUSec) $(rd "$V2$CG/memory.max") $(rd "$V2$CG/pids.max") $(rd "$V2$CG/cpu.max") $(rd "$V2$CG/cpu.max.burst")"
echo "$DOCKER_UPDATE" >"$CONF_TMP/docker-update.json"
brig_in "$CONF_TMP/docker-update.json" update --resources - "$ID"
check_eq "[brig] Docker's update (0: unchanged): memory and pids, the quota kept" \
	"268435456 100 30000 100000 268435456 100 300ms" \
	"$(rd "$V2$CG/memory.max") $(rd "$V2$CG/pids.max") $(rd "$V2$CG/cpu.max") $(show "$UNIT" MemoryMax) $(show "$UNIT" TasksMax) $(show "$UNIT" CPUQuotaPerSecUSec)"
brig update --cpu-quota 123400 "$ID"
check_eq "[brig] a quota systemd cannot keep exactly rounds up to 10 ms per second, file and unit alike" \
	"124000 100000 1.240000s" "$(rd "$V2$CG/cpu.max") $(show "$UNIT" CPUQuotaPerSecUSec)"

# ---- pause, kill --all, delete -----------------------------------------------------------

brig pause "$ID"
check_eq "[brig] pause freezes the cgroup, the unit stays active" "paused 1 active" \
	"$(state_field "$ID" status) $(key "$V2$CG/cgroup.events" frozen) $(show "$UNIT" ActiveState)"
brig resume "$ID"
check_eq "[brig] resume" "running 0" "$(state_field "$ID" status) $(key "$V2$CG/cgroup.events" frozen)"
brig kill --all "$ID" KILL
wait_for 5 eval '! pid_alive "$PID"'
check_eq "[brig] kill --all ends the unit's processes" "" "$(cat "$V2$CG/cgroup.procs" 2>/dev/null)"
brig delete "$ID"
check_succeeds "[runtime.md#delete] delete"
check_true "[brig] delete leaves no unit, no cgroup, no failed state" \
	"unit $(unit_state "$UNIT"), dir $(ls -d "$V2$CG" 2>&1), failed: $(failed_units)" \
	eval 'no_unit "$UNIT" && [ ! -e "$V2$CG" ] && [ -z "$(failed_units)" ]'

# ---- the device filter, after a daemon-reload ------------------------------------------------

sd_bundle B "system.slice:$U:dev" "{\"devices\": $DENY_KMSG}" ".linux.devices = [$KMSG]" /bin/sleep 600
brig_create "$B"
systemctl daemon-reload
brig exec "$ID" /bin/probe open-write /dev/kmsg + @null open-write /dev/null + @zero readable /dev/zero
check_eq "[brig] the device filter holds after daemon-reload: /dev/kmsg denied, /dev/null and /dev/zero usable" \
	"fail EPERM ok yes" "$(kv open) $(kv errno) $(kv null.open) $(kv zero.readable)"
brig delete -f "$ID"
check_true "[brig] delete -f of a created container leaves no unit" "$(unit_state "$U-dev.scope")" no_unit "$U-dev.scope"

# ---- a namespace joined by path: the init comes from an intermediate process ------------------

NS=brig-sd-$$
if conf_netns_add "$NS"; then
	sd_bundle B "system.slice:$U:join" '{"pids": {"limit": 40}}' . /bin/sleep 600
	ns_add "$B" network "/run/netns/$NS"
	brig_create "$B"
	check_eq "[brig] joining a namespace by path: the init (not the intermediate) is in the unit" \
		"0::/system.slice/$U-join.scope 40 net:[$(stat -L -c %i "/run/netns/$NS")]" \
		"$(cat "/proc/$PID/cgroup" 2>/dev/null) $(show "$U-join.scope" TasksMax) $(readlink "/proc/$PID/ns/net")"
	brig delete -f "$ID"
else
	skip "[brig] joining a namespace by path" "ip netns add failed"
fi

# ---- what must leave nothing behind ---------------------------------------------------------

sd_bundle B "system.slice:$U:nocmd" '{}' . /no/such/program
brig_create "$B"
check_error_line "[runtime.md#create] create of a program that does not exist fails" create
check_true "[brig] a failed create leaves no unit, cgroup or failed state" \
	"unit $(unit_state "$U-nocmd.scope"), failed: $(failed_units)" \
	eval 'no_unit "$U-nocmd.scope" && [ ! -e "$V2/system.slice/$U-nocmd.scope" ] && [ -z "$(failed_units)" ]'
check_no_container

sd_bundle B "system.slice:$U:k9" '{}' . /bin/sleep 600
start_ctr "$B"
kill -9 "$PID"
wait_for 5 eval '! pid_alive "$PID"'
brig delete "$ID"
check_true "[brig] after kill -9 of the init, delete leaves no unit or failed state" \
	"exit $RC, unit $(unit_state "$U-k9.scope"), failed: $(failed_units)" \
	eval '[ $RC = 0 ] && no_unit "$U-k9.scope" && [ -z "$(failed_units)" ]'

sd_bundle B "system.slice:$U:oom" "$MEM32" . /bin/sh -c "$DD64"
brig_run "$B"
check_rc "[brig] a process over memory.max is OOM-killed (run exits 137)" 137
check_true "[brig] ... and the run's delete leaves no unit or failed state" \
	"unit $(unit_state "$U-oom.scope"), failed: $(failed_units)" \
	eval 'no_unit "$U-oom.scope" && [ -z "$(failed_units)" ]'

# ---- errors ------------------------------------------------------------------------------

sd_bundle B "system.slice:$U" '{}' . /bin/true
brig_create "$B"
check_error_line "[brig] a cgroupsPath not of the form slice:prefix:name is an error" create \
	"cgroup: linux.cgroupsPath \"system.slice:$U\": --systemd-cgroup expects the form slice:prefix:name (e.g. system.slice:docker:abc)"
check_no_container
sd_bundle B "/$U/x" '{}' . /bin/true
brig_create "$B"
check_error_line "[brig] ... also a cgroupfs path" create
check_no_container
sd_bundle B "system.slice:$U:unk" '{}' '.annotations["org.systemd.property.NoSuchProperty"] = "uint64 5"' /bin/true
brig_create "$B"
check_error_line "[brig] systemd refuses an unknown property (annotation): an error naming it" create
check_contains "[brig] ... which says which" NoSuchProperty "$ERR"
check_true "[brig] ... and leaves no unit" "$(unit_state "$U-unk.scope")" no_unit "$U-unk.scope"
check_no_container
sd_bundle B "system.slice:$U:bad" '{}' '.annotations["org.systemd.property.TasksMax"] = "'"'lots'"'"' /bin/true
brig_create "$B"
check_error_line "[brig] a property of the wrong type is an error before anything is made" create \
	"cgroup: annotation org.systemd.property.TasksMax: TasksMax is of type uint64 (D-Bus t), not \"'lots'\""
check_no_container

# ---- annotations, Kubernetes' slices, the default, a slice ----------------------------------------

sd_bundle B "system.slice:$U:ann" '{}' \
	'.annotations["org.systemd.property.TimeoutStopSec"] = "7" | .annotations["org.systemd.property.CollectMode"] = "'"'inactive-or-failed'"'"' \
	/bin/sleep 600
brig_create "$B"
check_eq "[brig] org.systemd.property annotations pass through (TimeoutStopSec in seconds)" \
	"7s inactive-or-failed" "$(show "$U-ann.scope" TimeoutStopUSec) $(show "$U-ann.scope" CollectMode)"
brig delete -f "$ID"

POD=pod$$c0ffee
sd_bundle B "kubepods-burstable-$POD.slice:cri-containerd:$U-k" '{"memory": {"limit": 67108864}}' . /bin/sleep 600
brig_create "$B"
want=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-$POD.slice/cri-containerd-$U-k.scope
check_eq "[brig] Kubernetes' pod slice nests as systemd nests it" "$want 0::$want" \
	"$(show "cri-containerd-$U-k.scope" ControlGroup) $(cat "/proc/$PID/cgroup" 2>/dev/null)"
check_eq "[brig] ... with its limit" 67108864 "$(rd "$V2$want/memory.max")"
brig delete -f "$ID"
check_true "[brig] ... and leaves nothing at delete" "$(unit_state "cri-containerd-$U-k.scope")" \
	no_unit "cri-containerd-$U-k.scope"
systemctl stop kubepods.slice >/dev/null 2>&1

sd_bundle B "" '{}' . /bin/sleep 600
brig_create "$B"
check_eq "[brig] no cgroupsPath: brig-ID.scope in system.slice (runc's default with brig's prefix)" \
	"active 0::/system.slice/brig-$ID.scope" "$(show "brig-$ID.scope" ActiveState) $(cat "/proc/$PID/cgroup" 2>/dev/null)"
DEF=brig-$ID.scope
brig delete -f "$ID"
check_true "[brig] ... removed at delete" "$(unit_state "$DEF")" no_unit "$DEF"

SL=brigsd$$own.slice
sd_bundle B "system.slice::$SL" '{"pids": {"limit": 20}}' . /bin/sleep 600
brig_create "$B"
check_eq "[brig] a name ending in .slice makes a slice; the init is in its cgroup" \
	"active 20 0::/$SL" "$(show "$SL" ActiveState) $(show "$SL" TasksMax) $(cat "/proc/$PID/cgroup" 2>/dev/null)"
brig delete -f "$ID"
check_true "[brig] ... stopped at delete" "$(unit_state "$SL")" no_unit "$SL"

# ---- the private socket --------------------------------------------------------------------

systemctl stop dbus.socket dbus.service >/dev/null 2>&1
if busctl --system status >/dev/null 2>&1; then
	skip "[brig] without dbus, systemd's private socket" "the system bus still answers"
else
	sd_bundle B "system.slice:$U:priv" '{"pids": {"limit": 30}}' . /bin/sleep 600
	new_id ID
	LAST_CMD="brig --debug create (dbus stopped)"
	"$BRIG" --root "$CONF_ROOT" --debug create --bundle "$B" "$ID" </dev/null >/dev/null 2>"$CONF_TMP/priv.err"
	RC=$?
	check_true "[brig] without dbus, systemd's private socket makes the unit" \
		"exit $RC, unit $(unit_state "$U-priv.scope"): $(grep -v '^brig: debug: systemd: [A-Z]' "$CONF_TMP/priv.err" | tail -n 5)" \
		eval '[ $RC = 0 ] && grep -q "connected to unix:path=/run/systemd/private" "$CONF_TMP/priv.err" && [ "$(show "$U-priv.scope" TasksMax)" = 30 ]'
	brig delete -f "$ID"
	check_true "[brig] ... and stops it at delete" "$(unit_state "$U-priv.scope")" no_unit "$U-priv.scope"
	# neither: the private socket hidden from brig alone
	new_id ID
	LAST_CMD="unshare -m: /run/systemd/private hidden; brig create"
	ERR=$(unshare -m sh -c 'mount --bind /dev/null /run/systemd/private &&
		exec "$@"' _ "$BRIG" --root "$CONF_ROOT" create --bundle "$B" "$ID" 2>&1 >/dev/null)
	RC=$?
	check_error_line "[brig] neither the bus nor the private socket: one error naming both" create
	check_match "[brig] ... both" "system_bus_socket: .*; unix:path=/run/systemd/private: " "$ERR"
	check_no_container
fi
systemctl start dbus.socket >/dev/null 2>&1
wait_for 10 busctl --system status >/dev/null 2>&1

check_eq "[brig] no unit of the run is left" "" \
	"$(systemctl list-units --all --plain --no-legend "$U-*" "*-$U-*" 2>/dev/null)"
sd_sweep
conf_finish
