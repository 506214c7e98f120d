#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# vm-run.sh: runs one command inside a throwaway qemu VM whose kernel has a
# pure cgroup v2 hierarchy (cgroup_no_v1=all, every controller enabled in the
# root cgroup.subtree_control), so that brig's cgroup v2 writer can be tested
# on hosts whose own cgroups are v1 or hybrid.
#
# Usage:
#   vm-run.sh [OPTIONS] -- COMMAND [ARGS...]
#
#   --share HOSTDIR[:GUESTDIR]     HOSTDIR read-write (9p) at GUESTDIR (default:
#                                  the same path); repeatable
#   --share-ro HOSTDIR[:GUESTDIR]  the same, read-only
#   --mem MB                       guest RAM (default 1024)
#   --cpus N                       vCPUs (default 2)
#   --timeout SECS                 kill the VM after SECS seconds (exit 124)
#   --env NAME=VALUE | NAME        an environment variable for COMMAND (NAME
#                                  alone copies this shell's); repeatable
#   --cwd DIR                      working directory in the guest (default /)
#   --kernel-deb PATH              a linux-image-*-amd64 .deb to boot
#   --systemd                      boot /lib/systemd/systemd as PID 1 and run
#                                  COMMAND as a unit (see below)
#   --cgroup v2|hybrid             the cgroup layout (default v2); hybrid (v1
#                                  controllers, cgroup2 at
#                                  /sys/fs/cgroup/unified) needs --systemd,
#                                  which mounts it
#   --prepare                      only install what is missing and build the
#                                  kernel cache; no COMMAND
#   -v                             copy the guest console to stderr
#
# Exit status: COMMAND's; 77 when the VM cannot be started here (no qemu, no
# static busybox, no kernel package to be had: the reason is on stderr), 124
# on --timeout, 125 when the VM failed (the console's tail is on stderr).
#
# The guest: the host's / over 9p, read-only, under a tmpfs overlay (writable,
# gone at power-off), so host binaries run unchanged; fresh /proc, /sys, /dev,
# /run and /tmp (the host's /tmp is hidden: share what the command needs from
# it); cgroup2 at /sys/fs/cgroup; the guest kernel's modules auto-load (loop,
# bfq, veth, ...). COMMAND runs as root in the root cgroup with a clean
# environment (PATH, HOME, TERM and --env), stdin /dev/null, stdout and
# stderr on separate virtio-serial ports, unchanged. No network but loopback.
# /.vm-run exists only in the guest: scripts check it before doing anything
# they would not do on a host.
#
# With --systemd the guest's PID 1 is the host's systemd, booted into a
# target of vm-run's own: COMMAND runs as the oneshot vm-run.service after
# basic.target, with dbus (the system bus), journald and tmpfiles, and the
# guest powers off when it ends. What a test VM has no use for is masked
# (udev, gettys, timers, the clients' own units: a test starts its daemons
# itself), /etc/fstab is empty and /etc/machine-id fresh. cgroups are
# systemd's: COMMAND runs in system.slice/vm-run.service, with Delegate=yes.
# About 10 to 20 s to COMMAND under TCG.
#
# The kernel is Debian's generic linux-image-amd64 (the -cloud flavour has no
# 9p): `apt-get download` fetches it once, and the unpacked kernel, a pruned
# module tree and the initramfs stay in ${BRIG_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/brig-vm}
# (about 200 MB). Missing tools come from Debian packages (as root):
# qemu-system-x86, busybox-static, xz-utils. Without KVM (vmx/svm and a usable
# /dev/kvm) qemu emulates the CPU (TCG): a boot costs about 5 s.
#
# Environment: BRIG_VM_QEMU (default qemu-system-x86_64), BRIG_VM_KERNEL_PKG
# (default linux-image-amd64), BRIG_VM_ACCEL (auto, kvm, tcg),
# BRIG_VM_APPEND (more kernel arguments), BRIG_VM_TIMING=1 (print the wall time).
set -euo pipefail

prog=${0##*/}
die() {
	echo "$prog: $*" >&2
	exit 125
}
cannot() { # the VM cannot be started here: a skip, not a failure
	echo "$prog: cannot start the VM: $*" >&2
	exit 77
}
usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit "${1:-125}"
}

# ---- options -----------------------------------------------------------------

shares=() envs=() mem=1024 cpus=2 timeout_s='' cwd=/ verbose=0 prepare=0 systemd='' cgroup=v2
kernel_deb=''
accel=${BRIG_VM_ACCEL:-auto}
while [ $# -gt 0 ]; do
	case $1 in
	--share | --share-ro)
		[ $# -ge 2 ] || usage
		[ "$1" = --share ] && shares+=("rw:$2") || shares+=("ro:$2")
		shift 2
		;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--cpus) [ $# -ge 2 ] || usage; cpus=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--env) [ $# -ge 2 ] || usage; envs+=("$2"); shift 2 ;;
	--cwd) [ $# -ge 2 ] || usage; cwd=$2; shift 2 ;;
	--kernel-deb) [ $# -ge 2 ] || usage; kernel_deb=$2; shift 2 ;;
	--prepare) prepare=1; shift ;;
	--systemd) systemd=1; shift ;;
	--cgroup) [ $# -ge 2 ] || usage; cgroup=$2; shift 2 ;;
	-v | --verbose) verbose=1; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	*) echo "$prog: unknown option: $1" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || [ "$prepare" = 1 ] || usage
case $mem in '' | *[!0-9]*) die "--mem wants megabytes" ;; esac
case $cpus in '' | *[!0-9]*) die "--cpus wants a number" ;; esac
case $timeout_s in *[!0-9]*) die "--timeout wants seconds" ;; esac
case $cgroup in v2) ;; hybrid) [ -n "$systemd" ] || die "--cgroup hybrid needs --systemd" ;; *) die "--cgroup: v2 or hybrid" ;; esac

# ---- what the host needs -------------------------------------------------------

qemu=${BRIG_VM_QEMU:-qemu-system-x86_64}

static_busybox() {
	local b
	for b in /usr/bin/busybox /bin/busybox; do
		# Debian's plain "busybox" package is dynamically linked: no use in an initramfs.
		if [ -x "$b" ] && ! LC_ALL=C grep -q '/lib64/ld-linux' "$b"; then
			echo "$b"
			return 0
		fi
	done
	return 1
}

# Installs the Debian packages of the missing tools (root only), quietly.
install_missing() {
	local pkgs=()
	command -v "$qemu" >/dev/null || pkgs+=(qemu-system-x86)
	static_busybox >/dev/null || pkgs+=(busybox-static)
	command -v xz >/dev/null || pkgs+=(xz-utils)
	command -v dpkg-deb >/dev/null || pkgs+=(dpkg)
	[ ${#pkgs[@]} -gt 0 ] || return 0
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 0
	echo "$prog: installing ${pkgs[*]}" >&2
	local opts=(-y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends)
	export DEBIAN_FRONTEND=noninteractive
	apt-get install "${opts[@]}" "${pkgs[@]}" >/dev/null 2>&1 && return 0
	apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || true
	apt-get install "${opts[@]}" "${pkgs[@]}" >/dev/null 2>&1 || true
}

install_missing
command -v "$qemu" >/dev/null || cannot "no $qemu (Debian package qemu-system-x86)"
busybox=$(static_busybox) || cannot "no static busybox (Debian package busybox-static)"
command -v xz >/dev/null || cannot "no xz (Debian package xz-utils)"
command -v dpkg-deb >/dev/null || cannot "no dpkg-deb"

cache=${BRIG_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/brig-vm}
mkdir -p "$cache" || cannot "cannot create the cache $cache"
cache=$(cd "$cache" && pwd -P)
case $cache in *[[:space:]\'\"\\]*) cannot "the cache path has blanks or quotes: $cache" ;; esac

# ---- guest init, stage 1 (the initramfs) ----------------------------------------------
# Loads virtio, 9p and overlay, mounts the host's root (9p, read-only) under a
# tmpfs overlay, the control dir and the shares, then switch_root's into it.
read -r -d '' STAGE1 <<'EOF_STAGE1' || true
#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
log() { echo "vm-run[init $(cut -d' ' -f1 /proc/uptime 2>/dev/null)]: $*" > /dev/console; }
fail() { log "FATAL: $*"; echo "VM_RUN_EXIT=125" > /dev/console; poweroff -f; sleep 5; }
for m in virtio_pci virtio_console 9pnet_virtio 9p overlay; do
  modprobe "$m" || fail "modprobe $m"
done
o9=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /mnt/ctl /mnt/lower /mnt/rw /mnt/root
mount -t 9p -o "$o9,cache=none" vmrun_ctl /mnt/ctl || fail "mount control dir"
. /mnt/ctl/config || fail "read config"
mount -t 9p -o "$o9,ro,cache=loose" vmrun_root /mnt/lower || fail "mount host root"
mount -t tmpfs -o "mode=0755,size=$VMRUN_OVERLAY_SIZE" tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/wd
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/wd overlay /mnt/root ||
  fail "mount overlay root"
mkdir -p /mnt/root/.vm-run/bin /mnt/root/.vm-run/ctl
cp /bin/busybox /mnt/root/.vm-run/bin/busybox
cp /stage2 /mnt/root/.vm-run/init
chmod 755 /mnt/root/.vm-run/init
mount --move /mnt/ctl /mnt/root/.vm-run/ctl
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /mnt/root/run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /mnt/root/tmp
kver=$(uname -r)
if [ -d "/mnt/lower$VMRUN_MODDIR" ]; then
  mkdir -p "/mnt/root/lib/modules/$kver" &&
    mount --bind "/mnt/lower$VMRUN_MODDIR" "/mnt/root/lib/modules/$kver"
fi
while IFS=' ' read -r tag mode dir; do
  [ -n "$tag" ] || continue
  mkdir -p "/mnt/root$dir" && mount -t 9p -o "$o9,cache=mmap,$mode" "$tag" "/mnt/root$dir" ||
    fail "mount share $dir"
done < /mnt/root/.vm-run/ctl/shares
for d in dev proc sys; do mount --move /$d /mnt/root/$d; done
exec switch_root /mnt/root /.vm-run/init
EOF_STAGE1

# ---- guest init, stage 2 (pid 1 in the overlay root) -----------------------------------
# devpts, shm, mqueue, cgroup2 with every controller, bpffs, module
# autoloading, the host's clock; runs the command and powers off.
read -r -d '' STAGE2 <<'EOF_STAGE2' || true
#!/.vm-run/bin/busybox sh
B=/.vm-run/bin/busybox
log() { echo "vm-run[init $($B cut -d' ' -f1 /proc/uptime)]: $*" > /dev/console; }
. /.vm-run/ctl/config
$B mkdir -p /dev/pts /dev/shm /dev/mqueue /run/lock /tmp
$B mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
$B mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
$B mount -t mqueue mqueue /dev/mqueue
$B ln -sf /proc/self/fd /dev/fd; $B ln -sf fd/0 /dev/stdin; $B ln -sf fd/1 /dev/stdout; $B ln -sf fd/2 /dev/stderr
if [ -z "$VMRUN_SYSTEMD" ]; then
  $B mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup
  $B mount -t bpf bpf /sys/fs/bpf 2>/dev/null
  for c in $($B cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || log "cannot enable controller $c"
  done
fi
if [ -e "/lib/modules/$($B uname -r)/modules.dep" ]; then
  $B ln -sf busybox /.vm-run/bin/modprobe
  echo /.vm-run/bin/modprobe > /proc/sys/kernel/modprobe
fi
# The RTC has whole seconds only: take the host's clock from a file's mtime.
if $B touch /.vm-run/ctl/.clock 2>/dev/null; then
  /bin/date -s "@$(/usr/bin/stat -c %.9Y /.vm-run/ctl/.clock)" > /dev/null 2>&1 ||
    $B date -s "@$($B stat -c %Y /.vm-run/ctl/.clock)" > /dev/null 2>&1
fi
$B hostname brig-vm
$B ip link set lo up 2>/dev/null
out=/dev/console err=/dev/console
for p in /sys/class/virtio-ports/*; do
  case $($B cat "$p/name" 2>/dev/null) in
    vm-run.stdout) out=/dev/${p##*/} ;;
    vm-run.stderr) err=/dev/${p##*/} ;;
  esac
done
if [ -n "$VMRUN_SYSTEMD" ]; then
  # systemd as PID 1: a oneshot unit runs the command, records its status and
  # powers off; vm-run.target pulls in only that (and basic.target with it).
  u=/etc/systemd/system
  $B mkdir -p $u
  : > /etc/fstab
  $B cat /proc/sys/kernel/random/uuid | $B tr -d - > /etc/machine-id
  $B cat > $u/vm-run.service <<EOF_UNIT
[Unit]
Description=vm-run command
Wants=dbus.socket
After=basic.target dbus.socket
[Service]
Type=oneshot
TimeoutStartSec=infinity
Delegate=yes
StandardInput=null
StandardOutput=file:$out
StandardError=file:$err
ExecStart=/bin/sh -c 'env -i /bin/sh /.vm-run/ctl/cmd; echo \$? > /.vm-run/ctl/rc'
ExecStopPost=/bin/sh -c 'echo VM_RUN_EXIT=\$(cat /.vm-run/ctl/rc 2>/dev/null) > /dev/console; sync; systemctl poweroff -ff'
EOF_UNIT
  $B printf '[Unit]\nDescription=vm-run\nRequires=vm-run.service\nAfter=vm-run.service\n' > $u/vm-run.target
  for m in getty.target serial-getty@ttyS0.service getty@tty1.service timers.target \
      systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
      systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-timesyncd.service \
      systemd-pstore.service systemd-firstboot.service systemd-networkd.service \
      networking.service systemd-resolved.service systemd-logind.service remote-fs.target \
      cron.service ssh.service e2scrub_reap.service postgresql.service \
      docker.service docker.socket containerd.service docker-registry.service \
      podman.service podman.socket podman-restart.service podman-auto-update.service \
      apt-daily.timer apt-daily-upgrade.timer systemd-hwdb-update.service \
      systemd-journal-catalog-update.service ldconfig.service systemd-update-utmp.service \
      systemd-random-seed.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
      sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
      dev-hugepages.mount modprobe@drm.service modprobe@fuse.service \
      modprobe@efi_pstore.service systemd-modules-load.service kmod-static-nodes.service; do
    $B ln -sf /dev/null "$u/$m"
  done
  # no generator: no fstab, gettys, SysV scripts, GPT partitions or crypt devices here,
  # and each costs a fork and an exec over 9p under emulation
  $B mkdir -p /etc/systemd/system-generators
  for g in /lib/systemd/system-generators/* /usr/lib/systemd/system-generators/*; do
    [ -e "$g" ] && $B ln -sf /dev/null "/etc/systemd/system-generators/${g##*/}"
  done
  # hybrid: mounted here, as systemd mounts it (it follows a layout it finds mounted)
  if [ "$VMRUN_CGROUP" = hybrid ]; then
    c=/sys/fs/cgroup
    $B mount -t tmpfs -o mode=0755,nosuid,nodev,noexec tmpfs $c
    $B mkdir $c/unified $c/systemd
    $B mount -t cgroup2 -o nsdelegate cgroup2 $c/unified
    $B mount -t cgroup -o none,name=systemd,xattr cgroup $c/systemd
    for h in cpuset cpu,cpuacct blkio memory devices freezer net_cls,net_prio perf_event \
        hugetlb pids rdma misc; do
      $B mkdir $c/$h && $B mount -t cgroup -o $h cgroup $c/$h 2>/dev/null || $B rmdir $c/$h
    done
    for l in cpu:cpu,cpuacct cpuacct:cpu,cpuacct net_cls:net_cls,net_prio net_prio:net_cls,net_prio; do
      [ -d "$c/${l#*:}" ] && $B ln -s "${l#*:}" "$c/${l%%:*}"
    done
  fi
  log "exec systemd"
  exec /lib/systemd/systemd --unit=vm-run.target --log-target=console --show-status=false \
    --log-level=warning < /dev/console > /dev/console 2>&1
fi
log "running command"
$B env -i /bin/sh /.vm-run/ctl/cmd < /dev/null > "$out" 2> "$err"
rc=$?
echo "$rc" > /.vm-run/ctl/rc
echo "VM_RUN_EXIT=$rc" > /dev/console
$B sync
$B poweroff -f
$B sleep 10
EOF_STAGE2

# ---- the kernel cache ----------------------------------------------------------------

init_sum=$(printf '%s\n%s\n' "$STAGE1" "$STAGE2" | cksum | awk '{ print $1 }')
initrd_modules="virtio_pci virtio_console 9pnet_virtio 9p overlay"
# Module directories no test needs (about half the tree): graphics, sound,
# wireless, media, USB, SCSI and friends.
prune_dirs="drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet drivers/infiniband
drivers/staging drivers/usb drivers/scsi drivers/hid drivers/input drivers/iio drivers/bluetooth
drivers/isdn drivers/net/can drivers/video sound net/wireless net/mac80211 net/bluetooth"

# The real package behind linux-image-amd64 ("linux-image-6.1.0-57-amd64"), or "".
kernel_pkg() {
	local pkg=${BRIG_VM_KERNEL_PKG:-linux-image-amd64}
	apt-cache depends "$pkg" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# Downloads PKG's .deb into the cache; prints its path (false: no download).
download_deb() {
	mkdir -p "$cache/download"
	rm -f "$cache/download/"*.deb
	echo "$prog: downloading $1 with apt-get (once) ..." >&2
	(cd "$cache/download" && apt-get download "$1" >/dev/null 2>&1) || return 1
	ls -1t "$cache/download/$1"_*.deb | head -n1
}

extract_vmlinux() { # bzImage -> the uncompressed ELF (booted through PVH: faster under TCG)
	local img=$1 out=$2 off
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | cut -d: -f1); do
		tail -c +$((off + 1)) "$img" | xz -dc 2>/dev/null >"$out.tmp" || true
		if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ] &&
			LC_ALL=C grep -qaP 'Xen\x00' "$out.tmp"; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	rm -f "$out.tmp"
	return 1
}

build_initrd() { # KERNEL-DIR: writes KERNEL-DIR/initrd.img
	local kd=$1 kver st m line f deps todo=() seen=" "
	kver=$(cat "$kd/kver")
	local md="$kd/root/lib/modules/$kver"
	st=$(mktemp -d "$kd/.initrd.XXXXXX")
	mkdir -p "$st/bin" "$st/dev" "$st/proc" "$st/sys" "$st/mnt" "$st/lib/modules/$kver"
	cp "$busybox" "$st/bin/busybox"
	for m in $("$busybox" --list); do [ -e "$st/bin/$m" ] || ln -s busybox "$st/bin/$m"; done
	printf '%s\n' "$STAGE1" >"$st/init"
	printf '%s\n' "$STAGE2" >"$st/stage2"
	chmod 755 "$st/init" "$st/stage2"
	for m in $initrd_modules; do # and their dependencies, from modules.dep
		line=$(grep -m1 -E "(^|/)$m\.ko(\.[a-z]+)?:" "$md/modules.dep") ||
			die "module $m not in $kver (needs 9p, virtio and overlay)"
		todo+=("${line%%:*}")
	done
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		case $seen in *" $f "*) continue ;; esac
		seen="$seen$f "
		mkdir -p "$st/lib/modules/$kver/${f%/*}"
		cp "$md/$f" "$st/lib/modules/$kver/$f"
		deps=$(grep -m1 -F "$f:" "$md/modules.dep" | cut -d: -f2)
		for m in $deps; do todo+=("$m"); done
	done
	"$busybox" depmod -b "$st" "$kver"
	(cd "$st" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) >"$kd/initrd.img.tmp"
	mv "$kd/initrd.img.tmp" "$kd/initrd.img"
	echo "$init_sum" >"$kd/initrd.sum"
	rm -rf "$st"
}

unpack_kernel() { # DEB KERNEL-DIR
	local src=$1 kd=$2 tmp vmlinuz kver d
	echo "$prog: building the VM kernel cache from $src (once) ..." >&2
	tmp=$(mktemp -d "$cache/.build.XXXXXX")
	dpkg-deb -x "$src" "$tmp/root" || { rm -rf "$tmp"; cannot "cannot unpack $src"; }
	if [ ! -d "$tmp/root/lib/modules" ] && [ -d "$tmp/root/usr/lib/modules" ]; then
		mkdir -p "$tmp/root/lib" && ln -s ../usr/lib/modules "$tmp/root/lib/modules"
	fi
	vmlinuz=$(ls -1 "$tmp"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
	[ -n "$vmlinuz" ] || { rm -rf "$tmp"; cannot "$src holds no boot/vmlinuz-*"; }
	kver=${vmlinuz##*/vmlinuz-}
	echo "$kver" >"$tmp/kver"
	if ! grep -q '^CONFIG_9P_FS=[ym]' "$tmp/root/boot/config-$kver" ||
		! grep -q '^CONFIG_NET_9P_VIRTIO=[ym]' "$tmp/root/boot/config-$kver"; then
		rm -rf "$tmp"
		cannot "$kver has no 9p (the -cloud flavour?): use Debian's generic linux-image-*-amd64"
	fi
	for d in $prune_dirs; do rm -rf "$tmp/root/lib/modules/$kver/kernel/$d"; done
	rm -rf "$tmp/root/usr/share" "$tmp/root/usr/lib/linux"
	"$busybox" depmod -b "$tmp/root" "$kver" || die "depmod failed"
	extract_vmlinux "$vmlinuz" "$tmp/vmlinux" || cp "$vmlinuz" "$tmp/vmlinux"
	rm -f "$vmlinuz"
	rm -rf "$kd"
	mv "$tmp" "$kd"
}

# Prints the kernel dir: the one of --kernel-deb, else the cached one of the
# current linux-image-amd64, else the newest cached one when apt knows no
# package (no lists: offline), else a download.
prepare_kernel() {
	local src='' kd real old
	if [ -n "$kernel_deb" ]; then
		[ -f "$kernel_deb" ] || cannot "no such file: $kernel_deb"
		src=$kernel_deb
		kd="$cache/k-$(basename "$src" .deb)"
	else
		real=$(kernel_pkg)
		if [ -z "$real" ] && [ "$(id -u)" = 0 ]; then
			apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || true
			real=$(kernel_pkg)
		fi
		if [ -n "$real" ]; then
			kd=$(ls -1dt "$cache/k-${real}"_*/ 2>/dev/null | head -n1 || true)
		else
			kd=$(ls -1dt "$cache"/k-*/ 2>/dev/null | head -n1 || true)
			[ -n "$kd" ] || cannot "apt knows no ${BRIG_VM_KERNEL_PKG:-linux-image-amd64} and no kernel is cached"
		fi
		kd=${kd%/}
		if [ -z "$kd" ] || [ ! -f "$kd/vmlinux" ]; then
			if src=$(download_deb "$real"); then
				kd="$cache/k-$(basename "$src" .deb)"
			else # a newer package that cannot be fetched: the kernel cached before will do
				kd=$(ls -1dt "$cache"/k-*/ 2>/dev/null | head -n1 || true)
				kd=${kd%/}
				[ -n "$kd" ] && [ -f "$kd/vmlinux" ] ||
					cannot "apt-get download $real failed (no kernel package reachable; pass --kernel-deb)"
				echo "$prog: apt-get download $real failed; booting the cached ${kd##*/}" >&2
				src=''
			fi
		fi
	fi
	if [ ! -f "$kd/vmlinux" ]; then
		unpack_kernel "$src" "$kd"
		# one kernel in the cache: the one of the current package
		[ -n "$kernel_deb" ] || for old in "$cache"/k-*/; do
			[ "${old%/}" = "$kd" ] || rm -rf "${old%/}"
		done
	fi
	[ -z "$src" ] || [ -n "$kernel_deb" ] || rm -f "$src" # the unpacked tree is what is kept
	if [ ! -f "$kd/initrd.img" ] || [ "$(cat "$kd/initrd.sum" 2>/dev/null)" != "$init_sum" ]; then
		build_initrd "$kd"
	fi
	echo "$kd"
}

exec 9>"$cache/.lock"
flock 9
kdir=$(prepare_kernel)
exec 9>&-
kver=$(cat "$kdir/kver")
if [ "$prepare" = 1 ]; then
	echo "$prog: kernel $kver ready in $kdir" >&2
	exit 0
fi

# ---- the run ----------------------------------------------------------------------

# Run dirs of runs that were SIGKILLed (their owner is gone).
for d in "${TMPDIR:-/tmp}"/brig-vm-run.*/; do
	[ -f "$d/owner" ] && ! kill -0 "$(cat "$d/owner")" 2>/dev/null && rm -rf "$d"
done
run=$(mktemp -d "${TMPDIR:-/tmp}/brig-vm-run.XXXXXX")
echo $$ >"$run/owner"
mkdir -p "$run/ctl"
qpid='' catpids=()
cleanup() {
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	for p in "${catpids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{ # the command, as a POSIX sh script run by the host's /bin/sh in the guest
	# /.vm-run/bin last: busybox's modprobe where the host has no kmod
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/.vm-run/bin"
	echo "export HOME=/root TERM=$(shq "${TERM:-dumb}")"
	for e in "${envs[@]}"; do
		case $e in
		*=*) n=${e%%=*} v=${e#*=} ;;
		*) n=$e v=${!e-} ;;
		esac
		[[ $n =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad --env name: $n"
		echo "export $n=$(shq "$v")"
	done
	echo "cd $(shq "$cwd") || exit 125"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(shq "$a")"; done
	echo
} >"$run/ctl/cmd"

if [ "$(id -u)" = 0 ]; then sm=passthrough; else sm=none; fi
qesc() { printf '%s' "${1//,/,,}"; }
qargs=()
i=0
: >"$run/ctl/shares"
for s in "${shares[@]}"; do
	mode=${s%%:*} s=${s#*:}
	h=${s%%:*} g=${s#*:}
	[ "$s" != "$h" ] || g=$h
	[ -d "$h" ] || die "--share: no such directory: $h"
	h=$(cd "$h" && pwd -P)
	case $g in /*) ;; *) die "--share: the guest path must be absolute: $g" ;; esac
	case $g$h in *$'\n'* | *' '*) die "--share: no blanks in paths" ;; esac
	ro=''
	[ "$mode" = ro ] && ro=,readonly=on
	qargs+=(-fsdev "local,id=share$i,path=$(qesc "$h"),security_model=$sm,multidevs=remap$ro"
		-device "virtio-9p-pci,fsdev=share$i,mount_tag=vmrun_share$i")
	echo "vmrun_share$i $mode $g" >>"$run/ctl/shares"
	i=$((i + 1))
done

cat >"$run/ctl/config" <<EOF
VMRUN_SYSTEMD=$systemd
VMRUN_CGROUP=$cgroup
VMRUN_OVERLAY_SIZE=$((mem / 2))m
VMRUN_MODDIR=$(shq "$kdir/root/lib/modules/$kver")
EOF

if [ "$accel" = auto ]; then
	accel=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi
fi
case $accel in
kvm) qargs+=(-accel kvm -cpu host) ;;
tcg) qargs+=(-accel tcg,thread=multi -cpu max) ;;
*) die "BRIG_VM_ACCEL: kvm, tcg or auto" ;;
esac

append="console=ttyS0 quiet panic=-1 rdinit=/init"
if [ "$cgroup" = v2 ]; then
	append="$append cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1"
else # v1 controllers, cgroup2 at /sys/fs/cgroup/unified: systemd's hybrid layout
	append="$append systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0"
fi
append="$append mitigations=off cryptomgr.notests 8250.nr_uarts=1 ${BRIG_VM_APPEND:-}"

for f in stdout stderr console; do mkfifo "$run/$f.fifo"; done
cat "$run/stdout.fifo" &
catpids+=($!)
cat "$run/stderr.fifo" >&2 &
catpids+=($!)
if [ "$verbose" = 1 ]; then
	tee "$run/console.log" <"$run/console.fifo" >&2 &
else
	cat "$run/console.fifo" >"$run/console.log" &
fi
catpids+=($!)

start=$(date +%s%N)
set +e
${timeout_s:+timeout -k 5 "$timeout_s"} "$qemu" -nodefaults -no-user-config -display none -no-reboot \
	-M q35 -m "$mem" -smp "$cpus" \
	-kernel "$kdir/vmlinux" -initrd "$kdir/initrd.img" -append "$append" \
	-chardev "file,id=con,path=$(qesc "$run/console.fifo")" -serial chardev:con \
	-device virtio-serial-pci,id=vser \
	-chardev "file,id=out,path=$(qesc "$run/stdout.fifo")" \
	-device virtserialport,bus=vser.0,chardev=out,name=vm-run.stdout \
	-chardev "file,id=err,path=$(qesc "$run/stderr.fifo")" \
	-device virtserialport,bus=vser.0,chardev=err,name=vm-run.stderr \
	-fsdev "local,id=root,path=/,security_model=$sm,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=root,mount_tag=vmrun_root \
	-fsdev "local,id=ctl,path=$(qesc "$run/ctl"),security_model=$sm" \
	-device virtio-9p-pci,fsdev=ctl,mount_tag=vmrun_ctl \
	"${qargs[@]}" </dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
wait "$qpid"
qrc=$?
qpid=
set -e
# Unblock the readers of FIFOs qemu never opened, then drain them.
for f in stdout stderr console; do
	exec 8<>"$run/$f.fifo"
	exec 8>&-
done
for p in "${catpids[@]}"; do wait "$p" 2>/dev/null || true; done
catpids=()
[ -z "${BRIG_VM_TIMING:-}" ] ||
	echo "$prog: VM wall time $((($(date +%s%N) - start) / 1000000)) ms ($accel, $cpus cpus)" >&2

if [ -f "$run/ctl/rc" ]; then exit "$(cat "$run/ctl/rc")"; fi
if [ -n "$timeout_s" ] && { [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; }; then
	echo "$prog: timed out after ${timeout_s}s; the guest console's last lines:" >&2
	tail -n 20 "$run/console.log" >&2 || true
	exit 124
fi
echo "$prog: the VM ended without an exit status (qemu status $qrc); its last console lines:" >&2
tail -n 30 "$run/qemu.log" "$run/console.log" >&2 || true
exit 125
