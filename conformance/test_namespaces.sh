#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config-linux.md#namespaces: new namespaces when asked, the runtime's when
# absent, joining by path, errors for bad paths and duplicates, lo up in a new
# network namespace, user namespaces with uid/gid mappings, time offsets.
. "$(dirname "$0")/lib.sh"
conf_init
conf_need ip iproute2
conf_need unshare util-linux

ALL="cgroup ipc mnt net pid uts"
# probe's ns.<name> keys use the /proc/self/ns names.
spec_type() { case $1 in mnt) echo mount ;; net) echo network ;; *) echo "$1" ;; esac; }

# ---- new namespaces --------------------------------------------------------

new_bundle B
cfg "$B" '.linux.namespaces += [{type: "time"}]'
set_args "$B" /bin/probe ns + net + cat /proc/self/cgroup
brig_run "$B"
check_succeeds "[config-linux.md#namespaces] a container with pid, network, ipc, uts, mount, cgroup and time namespaces runs"
for ns in $ALL time; do
	check_ne "[config-linux.md#namespaces] a $(spec_type "$ns") namespace without path MUST be new" \
		"$(host_ns "$ns")" "$(kv "ns.$ns")"
done
check_eq "[config-linux.md#namespaces] user is not asked for, so the container MUST share the runtime's" \
	"$(host_ns user)" "$(kv ns.user)"
check_eq "[brig] a new network namespace has lo up" up "$(kv if.lo)"
hostif=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); if ($1 != "lo") print $1 }' /proc/net/dev | head -n1)
if [ -n "$hostif" ]; then
	check_eq "[config-linux.md#namespaces] the host's $hostif is not in a new network namespace" "" \
		"$(kv "if.$hostif")"
fi
check_nomatch "[config-linux.md#namespaces] in a new cgroup namespace the container's cgroups are its root" \
	':/.+$' "$(printf '%s\n' "$OUT" | grep -E '^[0-9]+:[^=]*:/')"

# ---- absent namespaces are the runtime's -----------------------------------

new_bundle B
cfg "$B" '.linux.namespaces = [{type: "mount"}] | del(.hostname)'
set_args "$B" /bin/probe ns
brig_run "$B"
check_succeeds "[config-linux.md#namespaces] a container with only a mount namespace runs"
for ns in $ALL time user; do
	[ "$ns" = mnt ] && continue
	check_eq "[config-linux.md#namespaces] $(spec_type "$ns") not in namespaces: the container MUST inherit the runtime's" \
		"$(host_ns "$ns")" "$(kv "ns.$ns")"
done

# ---- joining by path -------------------------------------------------------

NETNS=conf-$$-net
if conf_netns_add "$NETNS"; then
	want="net:[$(stat -L -c %i "/run/netns/$NETNS")]"
	new_bundle B
	ns_add "$B" network "/run/netns/$NETNS"
	set_args "$B" /bin/probe ns
	brig_run "$B"
	check_succeeds "[config-linux.md#namespaces] a container joining a netns by path runs"
	check_eq "[config-linux.md#namespaces] network with path: the runtime MUST place the process in that namespace" \
		"$want" "$(kv ns.net)"
else
	skip "[config-linux.md#namespaces] network with path: the runtime MUST place the process in that namespace" \
		"ip netns add failed"
fi

# A holder process owns uts and ipc namespaces to join through /proc/PID/ns.
unshare --uts --ipc sleep 600 &
HOLDER=$!
conf_track_pid "$HOLDER"
wait_for 5 eval '[ "$(readlink /proc/$HOLDER/ns/uts)" != "$(host_ns uts)" ]'
new_bundle B
ns_add "$B" uts "/proc/$HOLDER/ns/uts"
ns_add "$B" ipc "/proc/$HOLDER/ns/ipc"
cfg "$B" 'del(.hostname)'
set_args "$B" /bin/probe ns
brig_run "$B"
check_succeeds "[config-linux.md#namespaces] a container joining uts and ipc namespaces by /proc/PID/ns path runs"
check_eq "[config-linux.md#namespaces] uts with path: the runtime MUST place the process in that namespace" \
	"$(readlink "/proc/$HOLDER/ns/uts")" "$(kv ns.uts)"
check_eq "[config-linux.md#namespaces] ipc with path: the runtime MUST place the process in that namespace" \
	"$(readlink "/proc/$HOLDER/ns/ipc")" "$(kv ns.ipc)"

new_bundle B
ns_add "$B" network "/proc/$HOLDER/ns/uts"
brig_create "$B"
check_error_line "[config-linux.md#namespaces] a path that is not a namespace of that type MUST generate an error" create
check_no_container

new_bundle B
ns_add "$B" network "$CONF_TMP/no-such-netns"
brig_create "$B"
check_error_line "[config-linux.md#namespaces] a namespace path that does not exist MUST generate an error" create
check_no_container

new_bundle B
cfg "$B" '.linux.namespaces += [{type: "ipc"}]'
brig_create "$B"
check_error_line "[config-linux.md#namespaces] duplicated namespace types MUST generate an error" create
check_no_container

# ---- pid namespace ---------------------------------------------------------

new_bundle B
set_args "$B" /bin/probe pid + ps
brig_run "$B"
check_eq "[config-linux.md#namespaces] in a new pid namespace the process is pid 1" 1 "$(kv pid)"
check_eq "[config-linux.md#namespaces] in a new pid namespace only the container's processes are visible" 1 \
	"$(kv pids)"

# ---- user namespace with mappings ------------------------------------------

HOST_ID=200000
# The rootfs belongs to the mapped root, as an image unpacked for that
# mapping would: the container's root can then create mount points in it.
userns_bundle() { # VAR: user namespace, container 0-65535 = host 200000-265535
	local bb
	new_bundle bb
	chown -R "$HOST_ID:$HOST_ID" "$bb/rootfs"
	ns_add "$bb" user
	cfg "$bb" '.linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]
		| .mounts |= map(select(.type != "cgroup"))' --argjson h "$HOST_ID"
	mount_out "$bb"
	printf -v "$1" '%s' "$bb"
}

if [ ! -e /proc/self/ns/user ]; then
	skip "[config-linux.md#user-namespace-mappings] user namespaces" "kernel has no user namespaces"
else
	userns_bundle B
	set_args "$B" /bin/probe ids + ns + cat /proc/self/uid_map + write /out/made-inside x + signal-trap
	brig_create "$B"
	check_succeeds "[config-linux.md#namespaces] create with a user namespace and mappings succeeds"
	UID_HOST=$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status" 2>/dev/null)
	GID_HOST=$(awk '/^Gid:/ { print $2 }' "/proc/$PID/status" 2>/dev/null)
	check_eq "[config-linux.md#user-namespace-mappings] the uid map is written before the init runs (host uid of container root)" \
		"$HOST_ID" "$UID_HOST"
	check_eq "[config-linux.md#user-namespace-mappings] the gid map is written before the init runs (host gid of container root)" \
		"$HOST_ID" "$GID_HOST"
	brig start "$ID"
	check_succeeds "[runtime.md#start] start of a container with a user namespace succeeds"
	wait_for 5 file_has "$CONF_TMP/$ID.out" ready
	OUT=$(cat "$CONF_TMP/$ID.out")
	check_eq "[config-linux.md#user-namespace-mappings] inside, the process is uid 0" 0 "$(kv uid)"
	check_eq "[config-linux.md#user-namespace-mappings] inside, the process is gid 0" 0 "$(kv gid)"
	check_match "[config-linux.md#user-namespace-mappings] uid_map is the configured mapping" \
		"^ +0 +$HOST_ID +65536$" "$(printf '%s\n' "$OUT" | grep -E '^ +0 +[0-9]+ +[0-9]+$')"
	check_ne "[config-linux.md#namespaces] a user namespace without path MUST be new" "$(host_ns user)" "$(kv ns.user)"
	check_eq "[config-linux.md#user-namespace-mappings] a file the container's root creates belongs to host uid $HOST_ID" \
		"$HOST_ID:$HOST_ID" "$(stat -c %u:%g "$B/out/made-inside" 2>/dev/null)"
	check_eq "[config-linux.md#user-namespace-mappings] outside, the running process is host uid $HOST_ID" \
		"$HOST_ID" "$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status" 2>/dev/null)"
	brig delete --force "$ID"

	# The default mounts of `brig spec` (cgroup included) in a user namespace.
	new_bundle B
	chown -R "$HOST_ID:$HOST_ID" "$B/rootfs"
	ns_add "$B" user
	cfg "$B" '.linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]' --argjson h "$HOST_ID"
	set_args "$B" /bin/probe ids
	brig_run "$B"
	check_succeeds "[config-linux.md#user-namespace-mappings] the default spec's mounts work in a user namespace"
	# A bind source only host root may reach (runc's "userns with inaccessible
	# mount"): brig opens it before the user namespace, as runc does
	mkdir -p "$CONF_TMP/inaccessible/dir"
	echo secret-ok >"$CONF_TMP/inaccessible/dir/file"
	chmod 700 "$CONF_TMP/inaccessible"
	userns_bundle B
	add_mount "$B" /mnt/in bind "$CONF_TMP/inaccessible/dir" rbind ro
	set_args "$B" /bin/cat /mnt/in/file
	brig_run "$B"
	check_eq "[runc] in a user namespace, a bind of a source the mapped root cannot reach works" \
		secret-ok "$OUT"
	brig_create "$B"
	brig start "$ID"
	wait_for 5 status_is "$ID" stopped
	check_eq "[runc] ... with create and start too" secret-ok "$(cat "$CONF_TMP/$ID.out" 2>/dev/null)"
	brig delete "$ID"
fi

# ---- time namespace offsets ------------------------------------------------

if [ ! -e /proc/self/ns/time ]; then
	skip "[config-linux.md#offset-for-time-namespace] timeOffsets" "kernel has no time namespaces"
else
	new_bundle B
	cfg "$B" '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}, boottime: {secs: 172800, nanosecs: 0}}'
	set_args "$B" /bin/probe clock
	mono=$(python3 -c 'import time; print(int(time.clock_gettime(time.CLOCK_MONOTONIC)))')
	boot=$(python3 -c 'import time; print(int(time.clock_gettime(time.CLOCK_BOOTTIME)))')
	brig_run "$B"
	check_succeeds "[config-linux.md#offset-for-time-namespace] a container with timeOffsets runs"
	d=$(($(kv monotonic) - mono))
	check_true "[config-linux.md#offset-for-time-namespace] the monotonic clock is offset by 86400s" \
		"host $mono, container $(kv monotonic)" eval '[ "$d" -ge 86400 ] && [ "$d" -le 86410 ]'
	d=$(($(kv boottime) - boot))
	check_true "[config-linux.md#offset-for-time-namespace] the boottime clock is offset by 172800s" \
		"host $boot, container $(kv boottime)" eval '[ "$d" -ge 172800 ] && [ "$d" -le 172810 ]'
fi

# ---- uts ---------------------------------------------------------------------

new_bundle B
cfg "$B" '.hostname = "conf-host" | .domainname = "conf.example"'
set_args "$B" /bin/probe hostname
brig_run "$B"
check_eq "[config.md#hostname] hostname is set in the new uts namespace" conf-host "$(kv hostname)"
check_eq "[config-linux.md#domainname] domainname is set in the new uts namespace" conf.example "$(kv domainname)"
check_ne "[config-linux.md#namespaces] the host's hostname is untouched" conf-host "$(uname -n)"

conf_finish
