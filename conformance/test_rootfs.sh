#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config.md#root and #mounts, config-linux.md (rootfsPropagation, devices,
# default devices, maskedPaths, readonlyPaths, sysctl) and runtime-linux.md's
# /dev symlinks: what the container's filesystem looks like from inside.
. "$(dirname "$0")/lib.sh"
conf_init

TMPFS_MAGIC=0x1021994
MASKED_TEXT=s3cret-$$

# ---- root ------------------------------------------------------------------

touch "$CONF_TMP/host-marker"
new_bundle B
touch "$B/rootfs/rootfs-marker"
set_args "$B" /bin/probe pid + writable / + @in stat /rootfs-marker + @host stat "$CONF_TMP/host-marker" \
	+ mountinfo / + cwd
brig_run "$B"
check_succeeds "[config.md#root] a container with brig spec's root runs"
check_eq "[config-linux.md#namespaces] the process is pid 1 of its pid namespace" 1 "$(kv pid)"
check_eq "[config.md#root] root.readonly true: the root filesystem MUST be read-only" no "$(kv writable)"
check_eq "[config.md#root] root.readonly true: writes fail with EROFS" EROFS "$(kv errno)"
check_eq "[config.md#root] root.path relative to the bundle is the container's /" file "$(kv in.type)"
check_eq "[brig] after pivot_root the host's files are out of reach" missing "$(kv host.type)"
check_match "[brig] the container's / is a mount of the bundle's rootfs" "$(basename "$B")/rootfs\$" "$(kv mnt.root)"
check_eq "[brig] /proc/self/root is /" / "$(kv root.link)"

cfg "$B" '.root.readonly = false | .root.path = $p' --arg p "$B/rootfs"
set_args "$B" /bin/probe writable / + stat /rootfs-marker
brig_run "$B"
check_eq "[config.md#root] root.readonly false: the root filesystem is writable" yes "$(kv writable)"
check_eq "[config.md#root] an absolute root.path is the container's /" file "$(kv type)"

set_args "$B" /bin/probe pid + @in stat /rootfs-marker + @host stat "$CONF_TMP/host-marker"
brig_run "$B" --no-pivot
check_succeeds "[runc] run --no-pivot works"
check_eq "[runc] --no-pivot: root.path is the container's /" file "$(kv in.type)"
check_eq "[runc] --no-pivot: the host's files are out of reach" missing "$(kv host.type)"
# ... and leaves no full proc or sysfs of the runtime's in the container's
# mount namespace: with one there, a process that makes a user namespace may
# mount a fresh proc (runc's "--no-pivot must not expose bare /proc")
new_bundle B
# (mapping the parent's root into a user namespace takes CAP_SETFCAP since Linux 5.12)
caps='["CAP_SYS_ADMIN", "CAP_SETFCAP", "CAP_SETUID", "CAP_SETGID"]'
cfg "$B" "del(.linux.seccomp) | .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}"
set_args "$B" /bin/sh -c 'unshare -mrpf true && echo userns=ok; unshare -mrpf sh -c "mount -t proc none /proc" 2>/dev/null && echo proc=mounted || echo proc=refused'
brig_run "$B" --no-pivot
if [ "$(kv userns)" != ok ]; then
	skip "[runc] --no-pivot: no fresh proc in a user namespace" "unshare -mrpf fails in the container here: $OUT $ERR"
else
	check_eq "[runc] --no-pivot: a user namespace in the container cannot mount a fresh proc" refused "$(kv proc)"
fi

# ---- default filesystems and mounts ----------------------------------------

new_bundle B
set_args "$B" /bin/probe @1 mountinfo /proc + @2 mountinfo /sys + @3 mountinfo /dev/pts + @4 mountinfo /dev/shm \
	+ @5 mountinfo /dev/mqueue
brig_run "$B"
for fs in "1 proc /proc" "2 sysfs /sys" "3 devpts /dev/pts" "4 tmpfs /dev/shm" "5 mqueue /dev/mqueue"; do
	read -r n type dest <<<"$fs"
	check_eq "[config-linux.md#default-filesystems] $dest SHOULD be $type" "$type" "$(kv "$n.mnt.fstype")"
done

new_bundle B
add_mount "$B" /mnt/t tmpfs tmpfs size=1m mode=1770
add_mount "$B" /mnt/flags tmpfs tmpfs ro nosuid nodev noexec
add_mount "$B" /mnt/over tmpfs tmpfs size=2m
add_mount "$B" /mnt/over tmpfs tmpfs size=3m
add_mount "$B" rel-tmp tmpfs tmpfs size=1m
add_mount "$B" /new/deeper/dir tmpfs tmpfs
set_args "$B" /bin/probe @t statfs /mnt/t + @t stat /mnt/t + @t writable /mnt/t + @flags statfs /mnt/flags + @over mountinfo /mnt/over \
	+ @rel statfs /rel-tmp + @new statfs /new/deeper/dir
brig_run "$B"
check_succeeds "[config.md#mounts] a container with tmpfs mounts runs"
check_eq "[config.md#mounts] tmpfs size= option is applied" 1024 "$(kv t.size_kb)"
check_eq "[config.md#mounts] tmpfs mode= option is applied" 1770 "$(kv t.mode)"
check_eq "[config.md#root] a tmpfs mount under a read-only root is writable" yes "$(kv t.writable)"
check_eq "[config.md#mounts] options ro, nosuid, nodev and noexec are applied" "1 1 1 1" \
	"$(kv flags.rdonly) $(kv flags.nosuid) $(kv flags.nodev) $(kv flags.noexec)"
check_match "[config.md#mounts] the runtime MUST mount entries in the listed order (the later one is on top)" \
	'size=3072k' "$(kv over.mnt.super)"
check_eq "[config.md#mounts] a relative destination MUST be interpreted relative to /" "$TMPFS_MAGIC" "$(kv rel.fstype)"
check_eq "[config.md#mounts] a missing destination is created, also under a read-only root" "$TMPFS_MAGIC" \
	"$(kv new.fstype)"

# ---- bind mounts ------------------------------------------------------------

mkdir -p "$CONF_TMP/data" "$CONF_TMP/rw"
echo hostdata >"$CONF_TMP/data/file"
echo filedata >"$CONF_TMP/single-file"
new_bundle B
mkdir -p "$B/data-rel"
echo reldata >"$B/data-rel/file"
add_mount "$B" /data none "$CONF_TMP/data" bind ro
add_mount "$B" /rw none "$CONF_TMP/rw" bind rw
add_mount "$B" /etc/bound-file none "$CONF_TMP/single-file" bind ro
add_mount "$B" /rel none data-rel bind ro
set_args "$B" /bin/probe cat /data/file + writable /data + write /rw/from-container yes + cat /etc/bound-file \
	+ cat /rel/file
brig_run "$B"
check_succeeds "[config.md#mounts] a container with bind mounts runs"
check_contains "[config.md#mounts] bind: the source's content is at the destination" hostdata "$OUT"
check_eq "[config.md#mounts] bind with ro is read-only" no "$(kv writable)"
check_eq "[config.md#mounts] bind rw: a write inside reaches the source" yes "$(cat "$CONF_TMP/rw/from-container" 2>/dev/null)"
check_contains "[config.md#mounts] a file can be bind-mounted onto a missing destination" filedata "$OUT"
check_contains "[config.md#mounts] a relative bind source is relative to the bundle" reldata "$OUT"

mkdir -p "$CONF_TMP/rb/sub"
mount -t tmpfs conf-rb "$CONF_TMP/rb/sub" && CONF_MOUNTS+=("$CONF_TMP/rb/sub")
echo submount >"$CONF_TMP/rb/sub/marker"
new_bundle B
add_mount "$B" /rb none "$CONF_TMP/rb" rbind ro
add_mount "$B" /nb none "$CONF_TMP/rb" bind ro
set_args "$B" /bin/probe @rb stat /rb/sub/marker + @nb stat /nb/sub/marker
brig_run "$B"
check_eq "[config.md#mounts] rbind: submounts of the source are mounted too" file "$(kv rb.type)"
check_eq "[config.md#mounts] bind: submounts of the source are not" missing "$(kv nb.type)"

new_bundle B
add_mount "$B" /bad nosuchfs none
brig_create "$B"
check_error_line "[runtime.md#lifecycle] a mount the runtime cannot make MUST generate an error" create
check_no_container

# Over /proc only a procfs: a new one, or a bind of the root of one (rootless
# podman's --pid host binds the host's /proc), and under it only lxcfs's files.
new_bundle B
ns_del "$B" pid
cfg "$B" '.mounts |= map(if .destination == "/proc"
	then {destination: "/proc", type: "bind", source: "/proc", options: ["rbind", "nosuid", "noexec", "nodev"]}
	else . end)'
set_args "$B" /bin/probe cat /proc/1/comm
brig_run "$B"
check_succeeds "[runc] a bind of the root of a procfs over /proc is allowed"
check_eq "[runc] ... and shows that procfs" "$(cat /proc/1/comm)" "$OUT"
for src in "$CONF_TMP/data" /proc/sys; do
	cfg "$B" '(.mounts[] | select(.destination == "/proc")).source = $s' --arg s "$src"
	brig_create "$B"
	check_error_line "[runc] a bind of ${src/#$CONF_TMP/a directory} (not the root of a procfs) over /proc is refused" create
	check_no_container
done
new_bundle B
echo "cpu: lxcfs" >"$CONF_TMP/cpuinfo"
add_mount "$B" /proc/cpuinfo none "$CONF_TMP/cpuinfo" bind ro
set_args "$B" /bin/probe cat /proc/cpuinfo
brig_run "$B"
check_eq "[runc] a bind over /proc/cpuinfo (lxcfs) is allowed" "cpu: lxcfs" "$OUT"
new_bundle B
add_mount "$B" /proc/kcore none "$CONF_TMP/cpuinfo" bind ro
brig_create "$B"
check_error_line "[runc] a bind over another file of /proc is refused" create \
	"mounts[7] (/proc/kcore): bind mounts over '/proc/kcore' are not allowed"
check_no_container

# ---- mount propagation ------------------------------------------------------

# A shared host mount, bound into the container three ways; a mount made on
# the host after start must reach only the slave.
mkdir -p "$CONF_TMP/prop"
mount -t tmpfs conf-prop "$CONF_TMP/prop" && CONF_MOUNTS+=("$CONF_TMP/prop")
mount --make-shared "$CONF_TMP/prop"
mkdir -p "$CONF_TMP/prop/late"
new_bundle B
mount_out "$B"
add_mount "$B" /slave none "$CONF_TMP/prop" rbind rslave
add_mount "$B" /private none "$CONF_TMP/prop" rbind rprivate
add_mount "$B" /shared none "$CONF_TMP/prop" rbind rshared
set_args "$B" /bin/sh -c '/bin/probe @slave mountinfo /slave + @private mountinfo /private + @shared mountinfo /shared >/out/prop.tmp
	mv /out/prop.tmp /out/prop
	while [ ! -e /out/go ]; do sleep 0.05; done
	/bin/probe @slave stat /slave/late/marker + @private stat /private/late/marker >/out/late.tmp
	mv /out/late.tmp /out/late'
brig_create "$B"
brig start "$ID"
wait_for 10 test -e "$B/out/prop"
props=$(cat "$B/out/prop" 2>/dev/null)
check_match "[config.md#mounts] rslave: the mount is a slave" 'master:[0-9]+' "$(kv slave.mnt.propagation "$props")"
check_eq "[config.md#mounts] rprivate: the mount is private" private "$(kv private.mnt.propagation "$props")"
check_match "[config.md#mounts] rshared: the mount is shared" 'shared:[0-9]+' "$(kv shared.mnt.propagation "$props")"
mount -t tmpfs conf-late "$CONF_TMP/prop/late" && CONF_MOUNTS+=("$CONF_TMP/prop/late")
touch "$CONF_TMP/prop/late/marker"
touch "$B/out/go"
wait_for 10 test -e "$B/out/late"
late=$(cat "$B/out/late" 2>/dev/null)
check_eq "[config.md#mounts] rslave: a host mount made later reaches the container" file \
	"$(kv slave.type "$late")"
check_eq "[config.md#mounts] rprivate: a host mount made later does not reach the container" missing \
	"$(kv private.type "$late")"
umount "$CONF_TMP/prop/late"
brig delete --force "$ID"

# rootfsPropagation, with the rootfs on a shared mount of its own.
for prop in slave private shared; do
	new_bundle B
	mount --bind "$B/rootfs" "$B/rootfs" && CONF_MOUNTS+=("$B/rootfs")
	mount --make-shared "$B/rootfs"
	cfg "$B" '.linux.rootfsPropagation = $p' --arg p "$prop"
	set_args "$B" /bin/probe mountinfo /
	before=$(conf_mounts_under "$B/rootfs" | wc -l)
	brig_run "$B"
	p=$(kv mnt.propagation)
	case $prop in
	slave) check_match "[config-linux.md#rootfs-mount-propagation] rootfsPropagation slave: / is a slave" '^master:[0-9]+$' "$p" ;;
	private) check_eq "[config-linux.md#rootfs-mount-propagation] rootfsPropagation private: / is private" private "$p" ;;
	shared) check_match "[config-linux.md#rootfs-mount-propagation] rootfsPropagation shared: / is shared" 'shared:[0-9]+' "$p" ;;
	esac
	check_eq "[config-linux.md#rootfs-mount-propagation] rootfsPropagation $prop: the container's mounts do not reach the host" \
		"$before" "$(conf_mounts_under "$B/rootfs" | wc -l)"
	conf_unmount_under "$B/rootfs"
done

# rootfsPropagation rshared with an rshared volume, what containerd's CRI
# asks for a Kubernetes "Bidirectional" mount: the volume stays in the host's
# peer group (runc), so a mount made in the container reaches the host and
# one made on the host reaches the container.
mkdir -p "$CONF_TMP/bidi"
mount -t tmpfs conf-bidi "$CONF_TMP/bidi" && CONF_MOUNTS+=("$CONF_TMP/bidi")
mount --make-shared "$CONF_TMP/bidi"
mkdir -p "$CONF_TMP/bidi/in" "$CONF_TMP/bidi/host"
new_bundle B
mount_out "$B"
cfg "$B" '.linux.rootfsPropagation = "rshared" | del(.linux.seccomp)
	| .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
	| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
add_mount "$B" /bidi none "$CONF_TMP/bidi" rbind rshared
set_args "$B" /bin/sh -c 'mount -t tmpfs conf-bidi-in /bidi/in && echo in >/bidi/in/marker; touch /out/mounted
	while [ ! -e /out/go ]; do sleep 0.05; done
	/bin/probe stat /bidi/host/marker >/out/late.tmp; mv /out/late.tmp /out/late'
brig_create "$B"
brig start "$ID"
wait_for 10 test -e "$B/out/mounted"
check_eq "[runc] rootfsPropagation rshared: a mount made in the container on an rshared volume reaches the host" \
	in "$(cat "$CONF_TMP/bidi/in/marker" 2>/dev/null)"
mount -t tmpfs conf-bidi-host "$CONF_TMP/bidi/host" && CONF_MOUNTS+=("$CONF_TMP/bidi/host")
touch "$CONF_TMP/bidi/host/marker" "$B/out/go"
wait_for 10 test -e "$B/out/late"
check_eq "[runc] rootfsPropagation rshared: a host mount made later on the volume reaches the container" file \
	"$(kv type "$(cat "$B/out/late" 2>/dev/null)")"
brig delete --force "$ID"
conf_unmount_under "$CONF_TMP/bidi"

# ---- maskedPaths and readonlyPaths ------------------------------------------

new_bundle B
mkdir -p "$B/rootfs/etc/secretdir" "$B/rootfs/rwdir"
echo "$MASKED_TEXT" >"$B/rootfs/etc/secret"
echo "$MASKED_TEXT" >"$B/rootfs/etc/secretdir/file"
cfg "$B" '.root.readonly = false
	| .linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/no/such/masked"]
	| .linux.readonlyPaths += ["/rwdir", "/no/such/readonly"]'
set_args "$B" /bin/sh -c '/bin/probe cat /etc/secret; echo; /bin/probe ls /etc/secretdir; /bin/probe writable /etc/secretdir
	/bin/probe writable /rwdir | sed s/^/rwdir./; /bin/probe open-write /proc/sysrq-trigger | sed s/^/sysrq./
	/bin/probe writable /proc/sys/kernel/hostname | sed s/^/procsys./; /bin/probe readable /proc/kcore | sed s/^/kcore./
	/bin/probe ls /sys/firmware | sed s/^/firmware./; /bin/probe writable /'
brig_run "$B"
check_succeeds "[config-linux.md#masked-paths] masked and read-only paths that do not exist are ignored"
check_nomatch "[config-linux.md#masked-paths] a masked file cannot be read" "$MASKED_TEXT" "$OUT"
check_nomatch "[config-linux.md#masked-paths] a masked directory shows none of its files" '^file$' "$OUT"
check_eq "[config-linux.md#masked-paths] a masked directory is read-only" no "$(kv writable)"
check_eq "[config-linux.md#readonly-paths] a read-only path is read-only" no "$(kv rwdir.writable)"
check_eq "[config-linux.md#readonly-paths] ... with EROFS" EROFS "$(kv rwdir.errno)"
if [ -e /proc/sysrq-trigger ]; then
	check_eq "[config-linux.md#readonly-paths] brig spec's /proc/sysrq-trigger is read-only" EROFS "$(kv sysrq.errno)"
else
	skip "[config-linux.md#readonly-paths] brig spec's /proc/sysrq-trigger is read-only" "no /proc/sysrq-trigger here"
fi
check_eq "[config-linux.md#readonly-paths] brig spec's /proc/sys is read-only" EROFS "$(kv procsys.errno)"
if [ -e /proc/kcore ]; then
	check_match "[config-linux.md#masked-paths] brig spec's /proc/kcore reads nothing" 'readable=no|bytes=none' \
		"$(printf '%s\n' "$OUT" | grep '^kcore\.')"
fi
check_eq "[config-linux.md#masked-paths] brig spec's /sys/firmware is empty" "" "$(printf '%s\n' "$OUT" | grep '^firmware\.')"
check_eq "[config.md#root] masks do not make a writable root read-only" yes \
	"$(printf '%s\n' "$OUT" | sed -n 's/^writable=//p' | tail -n1)"

# ---- /dev --------------------------------------------------------------------

new_bundle B
args=(/bin/probe)
for f in null zero full random urandom tty ptmx fd stdin stdout stderr console; do args+=("@$f" stat "/dev/$f" +); done
set_args "$B" "${args[@]}" @zero readable /dev/zero + @null writable /dev/null
brig_run "$B"
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	n=${d%%:*} rdev=${d#*:}
	check_eq "[config-linux.md#default-devices] /dev/$n MUST be supplied (char device $rdev, mode 0666)" \
		"chr $rdev 0666" "$(kv "$n.type") $(kv "$n.rdev") $(kv "$n.mode")"
done
ptmx="$(kv ptmx.type) $(kv ptmx.target)$(kv ptmx.rdev)"
check_match "[config-linux.md#default-devices] /dev/ptmx MUST be supplied: a symlink to pts/ptmx or a bind of it" \
	'^link (/dev/)?pts/ptmx|^chr .*5:2$' "$ptmx"
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	check_eq "[runtime-linux.md#dev-symbolic-links] /dev/${l%%:*} MUST be a symlink to ${l#*:}" "link ${l#*:}" \
		"$(kv "${l%%:*}.type") $(kv "${l%%:*}.target")"
done
check_eq "[config-linux.md#default-devices] /dev/zero reads" "yes some" "$(kv zero.readable) $(kv zero.bytes)"
check_eq "[config-linux.md#default-devices] /dev/null writes" yes "$(kv null.writable)"
check_eq "[config-linux.md#default-devices] no /dev/console without a terminal" missing "$(kv console.type)"
set_args "$B" /bin/sh -c 'for f in /dev/* /dev/*/*; do
	case $(/bin/probe stat $f | sed -n "s/^type=//p") in chr|blk) echo "node=$f";; esac; done'
brig_run "$B"
extra=$(printf '%s\n' "$OUT" | sed -n 's/^node=//p' |
	grep -Ev '^/dev/(null|zero|full|random|urandom|tty|ptmx|pts/ptmx|pts/[0-9]+)$')
check_eq "[config-linux.md#devices] no device node beyond the defaults and linux.devices" "" "$extra"

new_bundle B
cfg "$B" '.root.readonly = false | .mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
args=(/bin/probe)
for f in null zero full random urandom tty; do args+=("@$f" stat "/dev/$f" +); done
set_args "$B" "${args[@]}" exit 0
brig_run "$B"
check_eq "[config-linux.md#default-devices] the default devices are supplied without a /dev tmpfs too" \
	"chr chr chr chr chr chr" "$(for f in null zero full random urandom tty; do kv "$f.type"; done | tr '\n' ' ' | sed 's/ $//')"

# A "ro" /dev (runc's "ro /dev mount" test) is filled first (device nodes,
# the mount points of /dev/pts and /dev/shm, /dev/console) and made read-only
# at the end, as runc does; so is a "ro" tmpfs (copy-up goes in first).
new_bundle B
cfg "$B" '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
add_mount "$B" /etc tmpfs tmpfs ro tmpcopyup
set_args "$B" /bin/probe @dev statfs /dev + @dev writable /dev + @null writable /dev/null \
	+ @pts mountinfo /dev/pts + @etc statfs /etc + @passwd readable /etc/passwd
brig_run "$B"
check_succeeds "[runc] a container whose /dev tmpfs is \"ro\" runs"
check_eq "[config.md#mounts] ... its /dev is read-only" "1 no" "$(kv dev.rdonly) $(kv dev.writable)"
check_eq "[config-linux.md#default-devices] ... and has its devices and the mounts below it" "yes devpts" \
	"$(kv null.writable) $(kv pts.mnt.fstype)"
check_eq "[runc] a \"ro\" tmpfs with tmpcopyup holds the copied files and is read-only" "yes 1" \
	"$(kv passwd.readable) $(kv etc.rdonly)"
cfg "$B" '.process.terminal = true'
set_args "$B" /bin/probe @console stat /dev/console + @dev statfs /dev
brig_run "$B"
O=$(tr -d '\r' <<<"$OUT")
check_eq "[runc] ... with a terminal too: /dev/console is bound, then /dev is read-only" "0 chr 1" \
	"$RC $(kv console.type "$O") $(kv dev.rdonly "$O")"

# ---- linux.devices -----------------------------------------------------------

new_bundle B
cfg "$B" '.linux.devices = [
	{path: "/dev/conf-null", type: "c", major: 1, minor: 3, fileMode: 416, uid: 1000, gid: 1000},
	{path: "/opt/devs/conf-zero", type: "c", major: 1, minor: 5, fileMode: 438},
	{path: "/dev/conf-blk", type: "b", major: 7, minor: 0, fileMode: 384},
	{path: "/dev/conf-fifo", type: "p"}]'
set_args "$B" /bin/probe @null stat /dev/conf-null + @zero stat /opt/devs/conf-zero + @blk stat /dev/conf-blk \
	+ @fifo stat /dev/conf-fifo + @zero readable /opt/devs/conf-zero
brig_run "$B"
check_succeeds "[config-linux.md#devices] a container with linux.devices runs"
check_eq "[config-linux.md#devices] a char device MUST be available: type, major:minor" "chr 1:3" "$(kv null.type) $(kv null.rdev)"
check_eq "[config-linux.md#devices] fileMode is the device's mode (416 = 0640)" 0640 "$(kv null.mode)"
check_eq "[config-linux.md#devices] uid and gid own the device" "1000 1000" "$(kv null.uid) $(kv null.gid)"
check_eq "[config-linux.md#devices] the device works (reads from 1:5)" "yes some" "$(kv zero.readable) $(kv zero.bytes)"
check_eq "[config-linux.md#devices] a device path MAY be outside /dev (its parents are created)" "chr 1:5" \
	"$(kv zero.type) $(kv zero.rdev)"
check_eq "[config-linux.md#devices] a block device MUST be available" "blk 7:0 0600" \
	"$(kv blk.type) $(kv blk.rdev) $(kv blk.mode)"
check_eq "[config-linux.md#devices] a fifo (type p) MUST be available" fifo "$(kv fifo.type)"

new_bundle B
echo "not a device" >"$B/rootfs/etc/notadev"
cfg "$B" '.linux.devices = [{path: "/etc/notadev", type: "c", major: 1, minor: 3}]'
brig_create "$B"
check_error_line "[config-linux.md#devices] a file at path that does not match the device MUST generate an error" create
check_no_container

# ---- sysctl ------------------------------------------------------------------

host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_rmid=$(cat /proc/sys/kernel/shm_rmid_forced)
new_bundle B
cfg "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}'
set_args "$B" /bin/probe @fwd sysctl net.ipv4.ip_forward + @rmid sysctl kernel.shm_rmid_forced
brig_run "$B"
check_eq "[config-linux.md#sysctl] a network sysctl is set in the container" 1 "$(kv fwd.value)"
check_eq "[config-linux.md#sysctl] an ipc sysctl is set in the container" 1 "$(kv rmid.value)"
check_eq "[config-linux.md#sysctl] the host's values are untouched" "$host_fwd $host_rmid" \
	"$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shm_rmid_forced)"
cfg "$B" '.linux.sysctl = {"net.conformance.no_such_key": "1"}'
brig_create "$B"
check_error_line "[runtime.md#create] a sysctl that cannot be applied MUST generate an error" create
check_no_container
# kernel.hostname conflicts with the hostname field (runc's validator, crun's
# uts-sysctl test); kernel.domainname has no OCI field and is set.
cfg "$B" '.linux.sysctl = {"kernel.domainname": "conf.example"} | .hostname = "conf-host"'
set_args "$B" /bin/probe hostname
brig_run "$B"
check_eq "[runc] sysctl kernel.domainname is set (a uts namespace)" "conf-host conf.example" \
	"$(kv hostname) $(kv domainname)"
cfg "$B" '.linux.sysctl = {"kernel.hostname": "other"}'
brig_create "$B"
check_error_line "[runc] sysctl kernel.hostname is refused: it conflicts with the hostname field" create
check_contains "[runc] ... naming the key" '.linux.sysctl["kernel.hostname"]: conflicts' "$ERR"
check_no_container

conf_finish
