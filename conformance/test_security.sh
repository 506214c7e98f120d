#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Security properties runc learned the hard way: the container's /proc/1/exe
# is never brig's binary (CVE-2019-5736), no host fd or cwd reaches the
# container (CVE-2024-21626), and mount destinations cannot escape the rootfs
# through symlinks (CVE-2021-30465 and friends).
. "$(dirname "$0")/lib.sh"
conf_init

BRIG_INO=$(stat -L -c %d:%i "$BRIG")

# ---- /proc/self/exe ----------------------------------------------------------

new_bundle B
PROBE_INO=$(stat -c %d:%i "$B/rootfs/bin/probe")
set_args "$B" /bin/probe exe + exe-scan "$BRIG_INO"
brig_run "$B"
check_eq "[brig] after exec, /proc/self/exe is the program" /bin/probe "$(kv exe)"
check_eq "[brig] after exec, the container's /proc/1/exe is the program" "$PROBE_INO" "$(kv pid1.ino)"
check_ne "[brig] the container's /proc/1/exe is not the host's brig binary" "$BRIG_INO" "$(kv pid1.ino)"
check_eq "[brig] in its pid namespace the container sees no process running brig's binary" 0 "$(kv matches)"

new_bundle B
set_args "$B" /bin/probe signal-trap
brig_create "$B"
P=$PID
check_ne "[brig] the created init (blocked before exec) is not running brig's binary" "$BRIG_INO" \
	"$(stat -L -c %d:%i "/proc/$P/exe" 2>/dev/null)"
brig delete --force "$ID"

# A startContainer hook is a program of the container's rootfs that runs in
# the container while the init waits to exec: it must not reach brig's binary
# through /proc/1/exe.
new_bundle B
mount_out "$B"
set_args "$B" /bin/probe exit 0
cfg "$B" '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "/bin/probe exe + exe-scan \($ino) >/out/hook"]}]' \
	--arg ino "$BRIG_INO"
brig_create "$B"
brig start "$ID"
H=$(cat "$B/out/hook" 2>/dev/null)
check_match "[brig] the startContainer hook ran" '^exe=/bin/probe$' "$H"
check_ne "[brig] a startContainer hook (a program of the container) does not see brig's binary as /proc/1/exe" \
	"$BRIG_INO" "$(kv pid1.ino "$H")"
check_nomatch "[brig] ... nor can it open it for writing" '=writable$' "$(printf '%s\n' "$H" | grep '^match\.')"
brig delete --force "$ID"

# Sharing the host's pid namespace, the container can see `brig run` itself:
# it must not be able to open brig's binary for writing through /proc.
new_bundle B
ns_del "$B" pid
cfg "$B" '.process.capabilities = {bounding: ["CAP_DAC_OVERRIDE", "CAP_SYS_PTRACE", "CAP_KILL"],
	effective: ["CAP_DAC_OVERRIDE", "CAP_SYS_PTRACE", "CAP_KILL"], permitted: ["CAP_DAC_OVERRIDE", "CAP_SYS_PTRACE", "CAP_KILL"]}'
set_args "$B" /bin/probe exe-scan "$BRIG_INO"
brig_run "$B"
check_succeeds "[brig] a container in the host's pid namespace runs"
check_nomatch "[brig] no process whose exe is brig's binary can be opened for writing from the container" \
	'=writable$' "$(printf '%s\n' "$OUT" | grep '^match\.')"
check_match "[brig] ... (the scan saw the host's processes)" '^[1-9][0-9]*$' "$(kv seen)"
check_eq "[brig] brig's binary is unchanged" "$BRIG_INO" "$(stat -L -c %d:%i "$BRIG")"

# ---- host cwd and fds ----------------------------------------------------------

mkdir -p "$CONF_TMP/host-cwd"
new_bundle B
set_args "$B" /bin/probe cwd + fds
new_id ID
LAST_CMD="(cd host-cwd; brig run)"
OUT=$(cd "$CONF_TMP/host-cwd" && timeout 30 "$BRIG" --root "$CONF_ROOT" run --bundle "$B" "$ID" </dev/null 2>"$CONF_TMP/err")
RC=$? ERR=$(cat "$CONF_TMP/err")
check_eq "[brig] the runtime's cwd does not leak: the process's cwd is process.cwd" / "$(kv cwd.link)"
check_eq "[brig] the process's root is the container's /" / "$(kv root.link)"
check_eq "[brig] no fd of the runtime leaks" "" "$(kv fds)"

# process.cwd through /proc/self/fd/N must not reach a directory outside the
# rootfs through an fd brig left open (CVE-2024-21626).
leaked=
for n in 3 4 5 6 7 8 9 10 11 12; do
	new_bundle B
	cfg "$B" '.process.cwd = $c' --arg c "/proc/self/fd/$n"
	set_args "$B" /bin/probe cwd
	brig_run "$B"
	if [ "$RC" = 0 ] && [[ "$(kv cwd.link)" == *unreachable* || "$(kv cwd)" != /* ]]; then
		leaked="$leaked fd$n:$(kv cwd.link)"
	fi
done
check_eq "[brig] process.cwd /proc/self/fd/N never lands outside the rootfs" "" "$leaked"

# ---- mount destinations that are symlinks out of the rootfs ------------------

mkdir -p "$CONF_TMP/outside-abs" "$CONF_TMP/outside-rel"
new_bundle B
cfg "$B" '.root.readonly = false'
ln -s "$CONF_TMP/outside-abs" "$B/rootfs/escape-abs"
ln -s "../../../../../../../../../..$CONF_TMP/outside-rel" "$B/rootfs/escape-rel"
add_mount "$B" /escape-abs/x tmpfs tmpfs
add_mount "$B" /escape-rel/y tmpfs tmpfs
set_args "$B" /bin/probe signal-trap
brig_create "$B"
check_eq "[config.md#mounts] a destination through an absolute symlink stays in the rootfs (host dir untouched)" "" \
	"$(ls -A "$CONF_TMP/outside-abs")"
check_eq "[config.md#mounts] a destination through a ../ symlink stays in the rootfs (host dir untouched)" "" \
	"$(ls -A "$CONF_TMP/outside-rel")"
check_eq "[brig] no mount appears on the host under the symlink targets" "" \
	"$(conf_mounts_under "$CONF_TMP/outside-abs"; conf_mounts_under "$CONF_TMP/outside-rel")"
brig start "$ID"
for d in outside-abs/x outside-rel/y; do
	brig exec "$ID" /bin/probe statfs "$CONF_TMP/$d"
	check_eq "[runc] ... the target is made where the link points inside the rootfs, and mounted there (${d%/*})" \
		0x1021994 "$(kv fstype)"
done
brig delete --force "$ID"

# A destination that is a dangling symlink within the rootfs: made where it
# points and mounted there (runc's securejoin then MkdirAll; crun's
# mount-symlink-not-existing test)
new_bundle B
cfg "$B" '.root.readonly = false'
ln -s ../foo/bar/not/here "$B/rootfs/etc/not-existing"
add_mount "$B" /etc/not-existing tmpfs tmpfs
set_args "$B" /bin/probe statfs /foo/bar/not/here
brig_run "$B"
check_eq "[runc] a destination that is a dangling symlink in the rootfs is mounted where it points" \
	0x1021994 "$(kv fstype)"
ln -s loop-b/x "$B/rootfs/loop-a" && ln -s loop-a/y "$B/rootfs/loop-b"
cfg "$B" '.mounts[-1].destination = "/loop-a"'
brig_run "$B"
check_error_line "[brig] a destination in a loop of dangling symlinks is an error" run
check_contains "[brig] ... which says so" "Too many levels of symbolic links" "$ERR"

# A bind source is the host's, but a /dev device path with a symlink must not
# create nodes outside the rootfs.
new_bundle B
mkdir -p "$CONF_TMP/outside-dev"
ln -s "$CONF_TMP/outside-dev" "$B/rootfs/devlink"
cfg "$B" '.root.readonly = false | .linux.devices = [{path: "/devlink/conf-null", type: "c", major: 1, minor: 3}]'
brig_create "$B"
check_eq "[config-linux.md#devices] a device path through a symlink is created inside the rootfs, not on the host" "" \
	"$(ls -A "$CONF_TMP/outside-dev")"
brig delete --force "$ID"

# ---- issue #12: what a rootfs owner could swap ---------------------------------
# (the races themselves are in test_races.sh; these are the static cases)

# masked paths: the host's null device on files, an empty read-only tmpfs on
# directories, checked in the container (CVE-2025-31133 class)
new_bundle B
cfg "$B" '.linux.maskedPaths = ["/proc/keys", "/proc/timer_list", "/proc/acpi", "/sys/firmware"]'
set_args "$B" /bin/probe @keys stat /proc/keys + @timer stat /proc/timer_list + @acpi statfs /proc/acpi \
	+ @fw statfs /sys/firmware
brig_run "$B"
check_eq "[config-linux.md#masked-paths] a masked file is the null device (1:3)" "chr 1:3 chr 1:3" \
	"$(kv keys.type) $(kv keys.rdev) $(kv timer.type) $(kv timer.rdev)"
check_eq "[config-linux.md#masked-paths] a masked directory is an empty read-only tmpfs" \
	"0x1021994 1 0x1021994 1" "$(kv acpi.fstype) $(kv acpi.rdonly) $(kv fw.fstype) $(kv fw.rdonly)"

# the container's own dev/null is never the bind source: here a symlink to a
# procfs file (the config has no /dev tmpfs, so it is the rootfs's)
# (a /dev bound from the host: brig creates no device there)
new_bundle B
mkdir -p "$CONF_TMP/fakedev"
ln -sf /proc/sys/kernel/core_pattern "$CONF_TMP/fakedev/null"
cfg "$B" 'del(.mounts[] | select(.destination == "/dev" or (.destination | startswith("/dev/"))))
	| .linux.maskedPaths = ["/proc/keys"]'
add_mount "$B" /dev none "$CONF_TMP/fakedev" rbind
set_args "$B" /bin/probe @keys stat /proc/keys
brig_run "$B"
check_eq "[brig] a masked file binds the host's /dev/null, never the container's dev/null (here a symlink to core_pattern)" \
	"chr 1:3" "$(kv keys.type) $(kv keys.rdev)"

# proc and sysfs only on an ordinary directory (runc's words), never through
# a symlink: elsewhere in the rootfs, over the container's root, or to nothing
# (runc's "mask paths [prohibit symlink /proc]")
for target in fakeproc / /symlink-to-nothing; do
	new_bundle B
	rmdir "$B/rootfs/proc"
	mkdir -p "$B/rootfs/fakeproc"
	ln -s "$target" "$B/rootfs/proc"
	set_args "$B" /bin/true
	brig_run "$B"
	check_match "[brig] proc is not mounted through rootfs/proc -> $target (\"must be mounted on ordinary directory\")" \
		'filesystem "proc" must be mounted on ordinary directory' "$ERR"
	check_no_container
	check_eq "[brig] ... and nothing was mounted in the rootfs" "" "$(conf_mounts_under "$B/rootfs")"
done
new_bundle B
rmdir "$B/rootfs/sys"
ln -s fakesys "$B/rootfs/sys"
mkdir "$B/rootfs/fakesys"
set_args "$B" /bin/true
brig_run "$B"
check_match "[brig] sysfs is not mounted through rootfs/sys -> fakesys" \
	'filesystem "sysfs" must be mounted on ordinary directory' "$ERR"

# a mount destination that resolves to the container's root (a symlink to /)
mkdir -p "$CONF_TMP/victim-bind"
new_bundle B
ln -s / "$B/rootfs/data"
add_mount "$B" /data none "$CONF_TMP/victim-bind" rbind rw
set_args "$B" /bin/true
brig_run "$B"
check_match "[brig] a mount destination that resolves to the container's root is refused" \
	"mount '/data': the destination resolves to the container's root" "$ERR"
check_no_container

# a rootfs that is a symlink, has one in its path, or is the host's root
mkdir -p "$CONF_TMP/victim-root"
new_bundle B
mv "$B/rootfs" "$B/rootfs.real"
ln -s "$CONF_TMP/victim-root" "$B/rootfs"
set_args "$B" /bin/true
brig_run "$B"
check_match "[runc] a rootfs that is a symlink is refused (\"invalid rootfs\")" "invalid rootfs" "$ERR"
check_no_container
check_eq "[brig] ... and nothing is created where the symlink points" "" "$(ls -A "$CONF_TMP/victim-root")"
ln -s "$B" "$CONF_TMP/bundle-link"
cfg "$B" '.root.path = $p' --arg p "$CONF_TMP/bundle-link/rootfs.real"
brig_run "$B"
check_match "[runc] a rootfs with a symlink in its path is refused" "invalid rootfs" "$ERR"
cfg "$B" '.root.path = "/"'
brig_run "$B"
check_match "[runc] the host's root as rootfs is refused" "invalid rootfs: '/' is the host's root" "$ERR"
check_no_container

# ---- no process.capabilities: no capability at all (runc) -----------------------

new_bundle B
cfg "$B" 'del(.process.capabilities)'
set_args "$B" /bin/probe caps
brig_run "$B"
check_eq "[runc] without process.capabilities every capability set is empty" \
	"0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000" \
	"$(kv eff) $(kv prm) $(kv bnd) $(kv inh) $(kv amb)"
set_args "$B" /bin/probe sleep 30
brig_create "$B"
brig exec "$ID" /bin/probe caps
check_eq "[runc] ... and a process exec'd into it has none either" \
	"0000000000000000 0000000000000000 0000000000000000" "$(kv eff) $(kv prm) $(kv bnd)"
brig delete --force "$ID"

# ---- the container cannot reach the state dir --------------------------------

new_bundle B
set_args "$B" /bin/probe @state stat "$CONF_ROOT" + @bundle stat "$B/config.json"
brig_run "$B"
check_eq "[brig] brig's state directory is out of the container's reach" missing "$(kv state.type)"
check_eq "[brig] the bundle's config.json is out of the container's reach" missing "$(kv bundle.type)"

conf_finish
