#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config-linux.md#network-devices (linux.netDevices) and brig's own networks
# (docs/networking.md): internal, no-icc and host-reachable networks between
# containers, addresses and leases, errors that leave nothing behind, and
# many containers on one network. Everything stays on this machine: the
# networks live in a private BRIG_NETWORK_DIR, on subnets of 198.18.0.0/15
# (RFC 2544's benchmarking range), with names unique to this run.
. "$(dirname "$0")/lib.sh"
conf_init
conf_need ip iproute2
conf_need nsenter util-linux

export BRIG_NETWORK_DIR=$CONF_TMP/networks
NETS=()  # networks this script made (removed by the cleanup)
LINKS=() # host links this script made

net_cleanup() {
	local id n l
	for id in "${CONF_IDS[@]}"; do
		[ -d "$CONF_ROOT/$id" ] && timeout 20 "$BRIG" --root "$CONF_ROOT" delete -f "$id" >/dev/null 2>&1
	done
	for n in "${NETS[@]}"; do timeout 20 "$BRIG" network rm "$n" >/dev/null 2>&1; done
	for l in "${LINKS[@]}"; do ip link del "$l" 2>/dev/null; done
	for n in "${NETS[@]}"; do ip link del "brig-$n" 2>/dev/null; done
	return 0
}
trap 'rc=$?; net_cleanup; (exit $rc); conf_cleanup' EXIT

if ! "$BRIG" network --help >/dev/null 2>&1; then
	conf_skip_all "this brig has no 'network' verb yet (runtime/network.c is not wired in)"
fi

net_seq=0
net_name() { # VAR: a network name unique to this run (its bridge is brig-NAME)
	local letters=abcdefghij
	local n="n$$${letters:net_seq:1}"
	net_seq=$((net_seq + 1))
	NETS+=("$n")
	printf -v "$1" '%s' "$n"
}
link_exists() { ip link show "$1" >/dev/null 2>&1; }
net() { LAST_CMD="brig network $*"; timeout -k 5 60 "$BRIG" network "$@" </dev/null >"$CONF_TMP/.out" 2>"$CONF_TMP/.err"; RC=$?; OUT=$(cat "$CONF_TMP/.out"); ERR=$(cat "$CONF_TMP/.err"); }
# in_ctr PID CMD...: a host command in the container's network namespace
in_ctr() { local p=$1; shift; nsenter -t "$p" -n "$@"; }
ctr_ping() { in_ctr "$1" "$BUSYBOX" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
host_ping() { "$BUSYBOX" ping -c 1 -W 1 "$1" >/dev/null 2>&1; }
ctr_addr() { in_ctr "$1" ip -4 -o addr show dev eth0 2>/dev/null | awk '{ print $4 }' | cut -d/ -f1; }
lease_count() { jq '.containers | length' <<<"$("$BRIG" network inspect "$1" 2>/dev/null)" 2>/dev/null || echo "?"; }
veths_of() { ip -o link show master "brig-$1" 2>/dev/null | grep -c 'vb'; }

new_bundle B
set_args "$B" /bin/sleep 300
net_bundle() { # VAR NETWORK [IP]: B with the annotations
	local nb
	new_bundle nb
	set_args "$nb" /bin/sleep 300
	cfg "$nb" '.annotations["run.brig.network"] = $n' --arg n "$2"
	[ -z "${3:-}" ] || cfg "$nb" '.annotations["run.brig.network.ip"] = $a' --arg a "$3"
	printf -v "$1" '%s' "$nb"
}

# ---- brig network create / ls / inspect / rm --------------------------------

net_name N1
net create "$N1" --subnet 198.18.1.0/24
check_succeeds "[brig] network create makes an internal network"
check_true "[brig] its bridge exists" "no link brig-$N1" link_exists "brig-$N1"
check_eq "[brig] an internal network gives the host no address on the bridge" "" \
	"$(ip -o addr show dev "brig-$N1" 2>/dev/null)"
check_eq "[brig] the bridge does not forward IPv4 it receives" 0 \
	"$(cat "/proc/sys/net/ipv4/conf/brig-$N1/forwarding" 2>/dev/null)"
net ls
check_match "[brig] network ls lists it" "^$N1 +198\.18\.1\.0/24 +internal +yes" "$OUT"
net inspect "$N1"
check_eq "[brig] network inspect prints its subnet" 198.18.1.0/24 "$(jq -r .subnet <<<"$OUT")"
net create "$N1" --subnet 198.18.2.0/24
check_error_line "[brig] a second network of the same name is refused" network \
	"network '$N1' already exists"
net_name NX
net create "$NX" --subnet 198.18.1.128/25
check_error_line "[brig] an overlapping subnet is refused" network \
	"network '$N1' already uses 198.18.1.0/24"
net create "$NX" --subnet 198.18.300.0/24
check_error_line "[brig] a bad CIDR is refused" network \
	"invalid subnet '198.18.300.0/24': not an IPv4 address"
net create "$NX" --subnet 198.18.3.1/24
check_error_line "[brig] a CIDR with host bits is refused" network \
	"invalid subnet '198.18.3.1/24': host bits are set (did you mean 198.18.3.0/24?)"
check_true "[brig] ... and leaves no bridge" "brig-$NX exists" eval "! link_exists brig-$NX"
check_true "[brig] ... and no definition" "$NX.json exists" eval "[ ! -e $BRIG_NETWORK_DIR/$NX.json ]"

# ---- two containers on an internal network --------------------------------

brig_create "$B" --network "$N1"
check_succeeds "[brig] create --network NAME joins a network"
A=$ID PA=$PID
net_bundle B2 "$N1" 198.18.1.77
brig_create "$B2"
check_succeeds "[brig] the run.brig.network annotations join a network at an address"
C=$ID PC=$PID
check_eq "[brig] the first container gets the first free address" 198.18.1.2 "$(ctr_addr "$PA")"
check_eq "[brig] run.brig.network.ip picks the address" 198.18.1.77 "$(ctr_addr "$PC")"
check_true "[brig] containers on an internal network reach each other" "ping failed" \
	ctr_ping "$PA" 198.18.1.77
check_eq "[brig] a container on an internal network has no default route" "" \
	"$(in_ctr "$PA" ip route show default)"
check_true "[brig] ... and reaches nothing off its subnet" "ping 198.19.0.1 answered" \
	eval "! ctr_ping $PA 198.19.0.1"
check_true "[brig] the host does not reach a container on an internal network" "ping answered" \
	eval "! host_ping 198.18.1.2"
check_eq "[brig] the container's end is eth0, up" UP \
	"$(in_ctr "$PA" ip -o link show eth0 | grep -o 'state [A-Z]*' | cut -d' ' -f2)"
check_eq "[brig] network inspect shows both leases" 2 "$(lease_count "$N1")"
net rm "$N1"
check_error_line "[brig] network rm refuses while containers are attached" network
brig_create "$B" --network "$N1:198.18.1.77"
check_error_line "[brig] a duplicate address is refused" create \
	"address 198.18.1.77 of network '$N1' is in use by container '$C'"
check_no_container
check_eq "[brig] ... and leaves no veth or lease" "2 2" "$(veths_of "$N1") $(lease_count "$N1")"
brig delete -f "$A"
brig delete -f "$C"
check_eq "[brig] delete releases the leases and removes the veths" "0 0" \
	"$(veths_of "$N1") $(lease_count "$N1")"

# ---- kill -9, then delete ---------------------------------------------------

brig_create "$B" --network "$N1"
K=$ID
kill -9 "$PID"
wait_for 5 eval '! pid_alive $PID'
brig delete -f "$K"
check_succeeds "[brig] delete of a container killed with SIGKILL succeeds"
check_eq "[brig] ... and leaves no veth or lease" "0 0" "$(veths_of "$N1") $(lease_count "$N1")"

# ---- --no-icc ----------------------------------------------------------------

net_name N2
net create "$N2" --subnet 198.18.2.0/24 --no-icc --mtu 1400
check_succeeds "[brig] network create --no-icc --mtu"
brig_create "$B" --network "$N2"
PA=$PID
brig_create "$B" --network "$N2"
PB=$PID
check_true "[brig] with --no-icc containers cannot reach each other" "ping answered" \
	eval "! ctr_ping $PA 198.18.2.3"
check_eq "[brig] --mtu sets the container's MTU" 1400 \
	"$(in_ctr "$PA" ip -o link show eth0 | grep -o 'mtu [0-9]*' | cut -d' ' -f2)"

# ---- --host-reachable ----------------------------------------------------------

net_name N3
net create "$N3" --subnet 198.18.3.0/24 --host-reachable
check_succeeds "[brig] network create --host-reachable"
check_match "[brig] the bridge has the subnet's first address" "inet 198\.18\.3\.1/24" \
	"$(ip -o addr show dev "brig-$N3")"
brig_create "$B" --network "$N3"
PH=$PID
check_true "[brig] the host reaches a container on a host-reachable network" "ping failed" \
	host_ping 198.18.3.2
check_true "[brig] the container reaches the host's address on the bridge" "ping failed" \
	ctr_ping "$PH" 198.18.3.1
check_eq "[brig] ... and has no default route" "" "$(in_ctr "$PH" ip route show default)"
check_true "[brig] ... and reaches nothing beyond the host" "ping 198.18.2.2 answered" \
	eval "! ctr_ping $PH 198.18.2.2"
check_eq "[brig] the bridge does not forward what containers send it" 0 \
	"$(cat "/proc/sys/net/ipv4/conf/brig-$N3/forwarding")"

# ---- errors: unknown network, exhausted subnet --------------------------------

brig_create "$B" --network nosuch$$
check_error_line "[brig] an unknown network fails create" create "network 'nosuch$$' does not exist"
check_no_container
net_name N4
net create "$N4" --subnet 198.18.4.0/30
brig_create "$B" --network "$N4"
check_succeeds "[brig] a /30 network has room for one container"
brig_create "$B" --network "$N4"
check_error_line "[brig] an exhausted subnet fails create" create \
	"network '$N4' has no free address (198.18.4.0/30: 1 in use)"
check_no_container
check_eq "[brig] ... and leaves no veth, no extra lease" "1 1" "$(veths_of "$N4") $(lease_count "$N4")"
brig_create "$B" --network "$N4:198.18.5.2"
check_error_line "[brig] an address outside the subnet fails create" create
check_no_container

# ---- a network survives the loss of its bridge (a reboot) ----------------------

net_name N5
net create "$N5" --subnet 198.18.5.0/24 --host-reachable
ip link del "brig-$N5"
brig_create "$B" --network "$N5"
check_succeeds "[brig] create recreates a missing bridge on demand"
check_match "[brig] ... configured as defined" "inet 198\.18\.5\.1/24" "$(ip -o addr show dev "brig-$N5" 2>/dev/null)"
brig delete -f "$ID"

# ---- linux.netDevices -------------------------------------------------------

DEV=nd$$
DEV=${DEV:0:12}
if ip link add "$DEV" type dummy 2>/dev/null; then
	LINKS+=("$DEV")
	KIND=dummy
else # no dummy driver here: one end of a veth pair is a device like any other
	ip link add "$DEV" type veth peer name "${DEV}p"
	LINKS+=("$DEV")
	KIND=veth
fi
ip addr add 192.0.2.10/24 dev "$DEV"
ip link set "$DEV" up
new_bundle D
set_args "$D" /bin/sleep 300
cfg "$D" '.linux.netDevices = {($h): {name: "inner0"}}' --arg h "$DEV"
brig_create "$D"
check_succeeds "[config-linux.md#network-devices] a container with netDevices ($KIND $DEV) is created"
PD=$PID
check_true "[config-linux.md#network-devices] the device MUST be moved into the container" \
	"$DEV still on the host" eval "! link_exists $DEV"
check_match "[config-linux.md#network-devices] ... under its new name, up" "inner0.*[<,]UP[,>]" \
	"$(in_ctr "$PD" ip -o link show inner0 2>&1)"
check_match "[config-linux.md#network-devices] its permanent global address MUST be kept" \
	"inet 192\.0\.2\.10/24" "$(in_ctr "$PD" ip -o addr show dev inner0 2>&1)"
brig delete -f "$ID"
check_true "[brig] delete moves the device back under its original name" "no $DEV on the host" \
	link_exists "$DEV"
check_match "[brig] ... with its address" "inet 192\.0\.2\.10/24" "$(ip -o addr show dev "$DEV" 2>&1)"

# a name clash: the container's own lo
new_bundle D2
set_args "$D2" /bin/sleep 300
cfg "$D2" '.linux.netDevices = {($h): {name: "lo"}}' --arg h "$DEV"
brig_create "$D2"
check_error_line "[config-linux.md#network-devices] a name that exists in the container MUST fail create" \
	create "linux.netDevices: device '$DEV': the container already has a device named 'lo'"
check_no_container
check_match "[config-linux.md#network-devices] ... and leave the device where it was" \
	"inet 192\.0\.2\.10/24" "$(ip -o addr show dev "$DEV" 2>&1)"
new_bundle D3
cfg "$D3" '.linux.netDevices = {"nosuch0": {}}'
brig_create "$D3"
check_error_line "[config-linux.md#network-devices] a missing device fails create" create \
	"linux.netDevices: device 'nosuch0' does not exist on the host"
check_no_container

# ---- many containers on one network -------------------------------------------

net_name N6
net create "$N6" --subnet 198.18.6.0/24 --no-icc
fails=0
IDS6=()
for i in $(seq 1 50); do
	brig_create "$B" --network "$N6"
	[ "$RC" = 0 ] || fails=$((fails + 1))
	IDS6+=("$ID")
done
check_eq "[brig] 50 containers join one network" "0 50 50" \
	"$fails $(veths_of "$N6") $(lease_count "$N6")"
for id in "${IDS6[@]}"; do brig delete -f "$id"; done
check_eq "[brig] ... and once deleted leave no veth and no lease" "0 0" \
	"$(veths_of "$N6") $(lease_count "$N6")"
net rm "$N6"
check_succeeds "[brig] network rm of an empty network succeeds"
check_true "[brig] ... and removes its bridge" "brig-$N6 exists" eval "! link_exists brig-$N6"

conf_finish
