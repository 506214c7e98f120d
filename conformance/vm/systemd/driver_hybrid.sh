# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# driver.sh's part on systemd's hybrid layout (Ubuntu 20.04, RHEL 8: v1
# controllers, cgroup2 at /sys/fs/cgroup/unified), sourced by it: the same
# scope, and in every v1 hierarchy the scope's path, made by systemd for the
# controllers it manages and by brig for the others (freezer, cpuset, ...),
# runc's v1 property names, pause through the v1 freezer, update across a
# daemon-reload, and nothing left in any hierarchy after delete or a failed
# create.

UNIT=$U-h.scope
CG=system.slice/$UNIT
sd_bundle B "system.slice:$U:h" \
	'{"memory": {"limit": 67108864}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 50}}' \
	. /bin/sleep 600
brig_create "$B"
check_succeeds "[brig] hybrid: create with --systemd-cgroup"
check_eq "[brig] hybrid: the unit is active, delegated, in system.slice" "loaded/active yes system.slice" \
	"$(unit_state "$UNIT") $(show "$UNIT" Delegate) $(show "$UNIT" Slice)"
check_eq "[brig] hybrid: the init is in the scope's path in every hierarchy (v1 and unified)" "" \
	"$(awk -F: -v p="/$CG" '$3 != p' "/proc/$PID/cgroup" 2>/dev/null)"
check_eq "[brig] hybrid: runc's v1 properties in systemctl show" "67108864 512 50 500ms" \
	"$(show "$UNIT" MemoryLimit) $(show "$UNIT" CPUShares) $(show "$UNIT" TasksMax) $(show "$UNIT" CPUQuotaPerSecUSec)"
v1() { rd "$(v1_mount "$1")/$CG/$2"; } # CONTROLLER FILE
check_eq "[brig] hybrid: ... and in the v1 files" "67108864 512 50000 100000 50" \
	"$(v1 memory memory.limit_in_bytes) $(v1 cpu cpu.shares) $(v1 cpu cpu.cfs_quota_us) $(v1 cpu cpu.cfs_period_us) $(v1 pids pids.max)"
check_eq "[brig] hybrid: brig made the hierarchies systemd leaves alone, with the init (freezer)" "$PID" \
	"$(v1 freezer cgroup.procs)"
brig start "$ID"
brig pause "$ID"
check_eq "[brig] hybrid: pause freezes the v1 freezer, the unit stays active" "paused FROZEN active" \
	"$(state_field "$ID" status) $(v1 freezer freezer.state) $(show "$UNIT" ActiveState)"
brig resume "$ID"
check_eq "[brig] hybrid: resume" "running THAWED" "$(state_field "$ID" status) $(v1 freezer freezer.state)"
brig update --memory 100m --pids-limit 80 "$ID"
systemctl daemon-reload
check_eq "[brig] hybrid: update, kept across daemon-reload" "104857600 80 104857600 80" \
	"$(show "$UNIT" MemoryLimit) $(show "$UNIT" TasksMax) $(v1 memory memory.limit_in_bytes) $(v1 pids pids.max)"
brig delete -f "$ID"
check_true "[brig] hybrid: delete leaves no unit and nothing in any hierarchy" \
	"unit $(unit_state "$UNIT"), left: $(dirs_left "$CG")" eval 'no_unit "$UNIT" && gone "$CG"'

sd_bundle B "system.slice:$U:hfail" '{"memory": {"limit": 67108864}}' . /no/such/program
brig_create "$B"
check_error_line "[brig] hybrid: create of a program that does not exist fails" create
check_true "[brig] hybrid: ... and leaves no unit and nothing in any hierarchy" \
	"unit $(unit_state "$U-hfail.scope"), left: $(dirs_left "system.slice/$U-hfail.scope")" \
	eval 'no_unit "$U-hfail.scope" && gone "system.slice/$U-hfail.scope"'
check_no_container
