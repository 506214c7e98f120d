#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# runc's checkpoint and restore (criu), inside the VM cgroups_v2.sh boots
# (criu 3.17 does not work on the hosts' newer kernels; the VM's 6.1 does),
# after test_cgroups_v2.sh in the same boot: a counter loop checkpointed and
# restored goes on counting with the same pids inside and new ones outside,
# in a cgroup limited from the config, and is a normal container afterwards
# (state, kill, delete); --leave-running; pre-dump then dump with
# --parent-path; restore in the foreground with the container's exit status;
# and the errors that leave nothing behind (runc's bad --parent-path, a
# stopped or missing container, a missing image directory, a missing criu,
# the options brig refuses); lazy pages; a terminal whose shell holds /dev/tty; a bind
# mount whose destination is a symlink; nested bind mounts; hooks at restore; criu's
# configuration file (org.criu.config, /etc/criu/runc.conf). Skips, with the reason, without criu or when
# `criu check` fails.
. "$(dirname "$0")/../lib.sh"
[ -d /.vm-run ] || conf_skip_all "runs inside the VM only (ctest -R conformance.cgroups_v2 boots it)"
if [ -n "${BRIG_SEED_CACHE:-}" ] && [ -x "$BRIG_SEED_CACHE/rootfs-base/bin/busybox" ] &&
	[ -n "${CONF_CACHE:-}" ] && [ ! -e "$CONF_CACHE/rootfs-base" ]; then
	mkdir -p "$CONF_CACHE" && cp -a "$BRIG_SEED_CACHE/rootfs-base" "$CONF_CACHE/"
fi
command -v criu >/dev/null || conf_skip_all "criu is not installed (apt-get install criu)"
if ! why=$(criu check 2>&1); then
	conf_skip_all "criu check fails on kernel $(uname -r): $(printf '%s\n' "$why" | grep -m1 Error)"
fi
conf_init
. "$(dirname "$0")/cglib.sh"
conf_log "kernel $(uname -r), $(criu --version | head -n1)"

# A counter in the bundle's out/ (bind-mounted at /out: an external mount
# of the checkpoint), and a second process: fds only inside the container
# (criu dumps no file outside its root). out/stop: exit with 3 then.
COUNTER='exec </dev/null >/dev/null 2>&1; sleep 1000 &
i=0; while :; do i=$((i + 1)); echo $i >/out/count; [ -e /out/stop ] && exit 3; sleep 0.5; done'
# The count (echo truncates first: a read may find it empty, retried; a
# checkpoint may leave it so).
count() {
	local c n=50
	while [ $((n -= 1)) -gt 0 ]; do
		c=$(cat "$1/out/count" 2>/dev/null)
		[ -n "$c" ] && break
		sleep 0.1
	done
	echo "${c:-0}"
}
count_at_least() { [ "$(count "$1")" -ge "$2" ]; }
raw_count() { cat "$1/out/count" 2>/dev/null; }
T0=$(date +%s)
phase() { conf_log "$(($(date +%s) - T0)) s: $*"; }
# The pids inside of the container's lasting processes (not the counter's
# sleep 0.5): NSpid's last field, sorted.
inner_pids() {
	local p
	for p in $(procs_of "$1"); do
		[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" = "sleep 0.5 " ] && continue
		awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null
	done | sort -n | tr '\n' ' '
}
LIMITS='{"memory": {"limit": 67108864}, "pids": {"limit": 100}}'
counter_bundle() { # VAR CG
	cg_bundle "$1" "$2" "$LIMITS" . /bin/sh -c "$COUNTER"
}
state_gone() { [ ! -e "$CONF_ROOT/$1" ]; }

# ---- checkpoint, then restore under the same id ---------------------------------

cg_new CG
counter_bundle B "$CG"
start_ctr "$B"
check_succeeds "[brig] a counter container runs"
C1=$ID OLDPID=$PID
wait_for 30 count_at_least "$B" 3
inner_before=$(inner_pids "$CG")
n1=$(count "$B")
phase checkpoint
brig checkpoint --image-path "$CONF_TMP/img1" "$C1"
check_succeeds "[runc] checkpoint of a running container succeeds"
raw1=$(raw_count "$B")
check_true "[runc] ... writes the images" "no inventory.img in $CONF_TMP/img1" test -e "$CONF_TMP/img1/inventory.img"
check_true "[runc] ... stops the container" "pid $OLDPID alive" eval '! pid_alive "$OLDPID"'
check_true "[runc] ... and deletes it (state, cgroup)" "state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG")" \
	eval 'state_gone "$C1" && gone "$CG"'
sleep 0.6
check_eq "[brig] the counter does not move while checkpointed" "$raw1" "$(raw_count "$B")"
phase restore

brig restore -d --image-path "$CONF_TMP/img1" --bundle "$B" --pid-file "$CONF_TMP/r1.pid" "$C1"
check_succeeds "[runc] restore -d from the images succeeds"
NEWPID=$(state_field "$C1" pid)
check_eq "[runc] ... state says running" running "$(state_field "$C1" status)"
check_eq "[runc] ... with the restored init's host pid (also in --pid-file)" "$NEWPID" "$(cat "$CONF_TMP/r1.pid" 2>/dev/null)"
check_true "[brig] ... a live process, not the checkpointed one" "pid '$NEWPID' (old $OLDPID)" \
	eval 'pid_alive "$NEWPID" && [ "$NEWPID" != "$OLDPID" ]'
wait_for 20 count_at_least "$B" $((n1 + 2))
n2=$(count "$B")
check_true "[runc] the counter goes on from where it was (not restarted)" "before $n1, now $n2" \
	eval '[ "$n2" -gt "$n1" ]'
check_eq "[runc] the processes have the same pids inside" "$inner_before" "$(inner_pids "$CG")"
check_eq "[config.md#root] the restored root is read-only, as the config's" ro \
	"$(awk '$5 == "/" { split($6, o, ","); print o[1] }' "/proc/$NEWPID/mountinfo" 2>/dev/null)"
check_eq "[config-linux.md#cgroups-path] the restored init is in the config's cgroup" "0::/$CG" \
	"$(cat "/proc/$NEWPID/cgroup" 2>/dev/null)"
check_eq "[config-linux.md#memory] memory.max from the config on the restored cgroup" 67108864 "$(rd "$V2/$CG/memory.max")"
check_eq "[config-linux.md#pids] pids.max from the config on the restored cgroup" 100 "$(rd "$V2/$CG/pids.max")"
brig ps "$C1"
check_true "[runc] ps lists the restored processes" "$OUT" eval '[ "$(printf "%s\n" "$OUT" | grep -c sleep)" -ge 1 ]'
brig pause "$C1"
check_eq "[runc] pause of the restored container" "0 paused" "$RC $(state_field "$C1" status)"
brig resume "$C1"
check_eq "[runc] resume of the restored container" "0 running" "$RC $(state_field "$C1" status)"
# ---- --leave-running, pre-dump and --parent-path, on the restored container ---------

phase leave-running
PID1=$NEWPID
brig checkpoint --leave-running --image-path "$CONF_TMP/img2" "$C1"
check_succeeds "[runc] checkpoint --leave-running succeeds"
n1=$(count "$B")
check_eq "[runc] ... the container keeps running, same init" "running $PID1" "$(state_field "$C1" status) $(state_field "$C1" pid)"
wait_for 20 count_at_least "$B" $((n1 + 2))
check_true "[runc] ... and counting" "before $n1, now $(count "$B")" count_at_least "$B" $((n1 + 2))

brig checkpoint --pre-dump --parent-path ../nonexistent --image-path "$CONF_TMP/pre/final" "$C1"
check_fails "[runc] checkpoint --pre-dump --parent-path ../nonexistent fails"
check_contains "[runc] ... naming --parent-path" "--parent-path" "$ERR"
brig checkpoint --parent-path "$CONF_TMP/pre/parent" --image-path "$CONF_TMP/pre/final" "$C1"
check_fails "[runc] checkpoint with an absolute --parent-path fails"
check_contains "[runc] ... naming --parent-path" "--parent-path must be relative" "$ERR"
check_eq "[runc] ... and the container keeps running" running "$(state_field "$C1" status)"

phase pre-dump
brig checkpoint --pre-dump --image-path "$CONF_TMP/pre/parent" "$C1"
check_succeeds "[runc] checkpoint --pre-dump succeeds"
check_eq "[runc] ... and leaves the container running" "running $PID1" "$(state_field "$C1" status) $(state_field "$C1" pid)"
brig checkpoint --parent-path ../parent --image-path "$CONF_TMP/pre/final" "$C1"
check_succeeds "[runc] checkpoint --parent-path ../parent (after the pre-dump) succeeds"
check_true "[runc] ... and deletes the container" "$(ls "$CONF_ROOT")" state_gone "$C1"
n1=$(count "$B")
new_id C3
brig restore -d --image-path "$CONF_TMP/pre/final" --bundle "$B" "$C3"
check_succeeds "[runc] restore of the incremental dump under a new id succeeds (nothing else exists)"
wait_for 20 count_at_least "$B" $((n1 + 2))
check_true "[runc] ... and counts on" "before $n1, now $(count "$B")" count_at_least "$B" $((n1 + 2))
brig kill "$C3" KILL
check_succeeds "[runc] kill of the restored container"
wait_for 20 status_is "$C3" stopped
check_eq "[runc] ... it stops" stopped "$(state_field "$C3" status)"
brig delete "$C3"
check_succeeds "[runc] delete of the restored container"
check_true "[runc] ... leaves no state and no cgroup" "state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG")" \
	eval 'state_gone "$C3" && gone "$CG"'

# ---- restore in the foreground: the container's exit status -----------------------

phase foreground
touch "$B/out/stop"
brig restore --image-path "$CONF_TMP/pre/final" --bundle "$B" "$C3"
check_rc "[runc] restore in the foreground (the same images again) exits with the container's status" 3
check_true "[runc] ... and deletes it" "state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG")" \
	eval 'state_gone "$C3" && gone "$CG"'
rm -f "$B/out/stop"

# ---- stdio pipes: the restored container writes to restore's caller's ---------------

phase pipes
# ... in a network namespace the config names by path (runc's extRootNetNS)
NS=brig-ckpt-$$
conf_netns_add "$NS" || conf_log "ip netns add $NS failed"
export NSPATH=/run/netns/$NS
cg_new CG
cg_bundle B "$CG" "$LIMITS" '(.linux.namespaces[] | select(.type == "network")).path = $ENV.NSPATH' \
	/bin/sh -c 'i=0; while :; do i=$((i + 1)); echo "n=$i"; sleep 0.5; done'
new_id P1
(true | timeout 60 "$BRIG" --root "$CONF_ROOT" create --bundle "$B" "$P1" 2>&1 | cat >"$CONF_TMP/p1.out") &
wait_for 30 status_is "$P1" created
brig start "$P1"
wait_for 30 file_has "$CONF_TMP/p1.out" n=2
brig checkpoint --image-path "$CONF_TMP/img4" "$P1"
check_succeeds "[runc] checkpoint of a container whose stdio are pipes succeeds"
check_match "[runc] ... descriptors.json names its pipes" '^\["pipe:\[[0-9]+\]","pipe:\[[0-9]+\]","pipe:\[[0-9]+\]"\]$' \
	"$(cat "$CONF_TMP/img4/descriptors.json" 2>/dev/null)"
last=$(sed -n 's/^n=//p' "$CONF_TMP/p1.out" | tail -n1)
(true | timeout 60 "$BRIG" --root "$CONF_ROOT" restore -d --image-path "$CONF_TMP/img4" --bundle "$B" "$P1" 2>&1 |
	cat >"$CONF_TMP/p2.out") &
wait_for 30 file_has "$CONF_TMP/p2.out" "n=$((${last:-0} + 2))"
check_true "[runc] the restored container writes on to the pipe restore was given (--inherit-fd)" \
	"before n=$last; after: $(tr '\n' ' ' <"$CONF_TMP/p2.out")" file_has "$CONF_TMP/p2.out" "n=$((${last:-0} + 2))"
check_eq "[runc] ... in the network namespace the config names (joined, not restored)" \
	"$(stat -Lc %i "/run/netns/$NS" 2>/dev/null)" "$(stat -Lc %i "/proc/$(state_field "$P1" pid)/ns/net" 2>/dev/null)"
brig checkpoint --page-server 127.0.0.1 --image-path "$CONF_TMP/none" "$P1"
check_error_line "[brig] --page-server without a port is an error, named" checkpoint \
	"--page-server: '127.0.0.1' is not ADDRESS:PORT"
brig checkpoint --lazy-pages --status-fd 99 --image-path "$CONF_TMP/none" "$P1"
check_error_line "[runc] --status-fd that is not open is an error, named" checkpoint \
	"invalid --status-fd argument 99: Bad file descriptor"
brig checkpoint --empty-ns ipc --image-path "$CONF_TMP/none" "$P1"
check_error_line "[brig] --empty-ns other than network is refused, named" checkpoint \
	"--empty-ns: namespace 'ipc' is not supported (only network)"
brig --criu /nonexistent/criu checkpoint --image-path "$CONF_TMP/none" "$P1"
check_error_line "[brig] a missing criu is an error naming it" checkpoint "criu not found: '/nonexistent/criu': No such file or directory"
check_eq "[brig] ... and the container runs on" running "$(state_field "$P1" status)"
brig delete -f "$P1"
check_true "[runc] ... delete -f removes it" "$(ls "$CONF_ROOT")" state_gone "$P1"
wait

# ---- lazy pages: checkpoint serves the pages, restore fetches them -----------------
# runc's test: checkpoint --lazy-pages --page-server --status-fd in the
# background (a \0 on the status fd once the page server listens), criu's
# lazy-pages daemon, restore --lazy-pages under a new id; the checkpoint ends
# once every page went over, and deletes the old container.
phase lazy pages
if ! criu check --feature uffd-noncoop >/dev/null 2>&1; then
	skip "[runc] checkpoint --lazy-pages and restore --lazy-pages" "criu check --feature uffd-noncoop fails here"
else
	cg_new CG
	counter_bundle B "$CG"
	start_ctr "$B"
	L1=$ID
	wait_for 30 count_at_least "$B" 2
	port=$((20000 + $$ % 10000))
	mkdir -p "$CONF_TMP/img15" "$CONF_TMP/w15"
	exec {sfd}>"$CONF_TMP/lazy.status"
	timeout -k 5 120 "$BRIG" --root "$CONF_ROOT" checkpoint --lazy-pages --page-server "127.0.0.1:$port" \
		--status-fd "$sfd" --image-path "$CONF_TMP/img15" --work-path "$CONF_TMP/w15" "$L1" \
		2>"$CONF_TMP/lazy.err" &
	ckpt=$!
	exec {sfd}>&-
	wait_for 30 test -s "$CONF_TMP/lazy.status"
	check_eq "[runc] checkpoint --lazy-pages writes a \\0 to --status-fd once the pages are served" \
		"0000000 000000 0000001" "$(echo $(od "$CONF_TMP/lazy.status"))"
	timeout -k 5 120 criu lazy-pages --page-server --address 127.0.0.1 --port "$port" -D "$CONF_TMP/img15" \
		-o "$CONF_TMP/w15/lazy-pages.log" &
	lp=$!
	n1=$(count "$B")
	cg_new CG2
	cfg "$B" '.linux.cgroupsPath = $p' --arg p "/$CG2"
	new_id L2
	brig restore -d --lazy-pages --image-path "$CONF_TMP/img15" --bundle "$B" "$L2"
	check_succeeds "[runc] restore --lazy-pages under a new id succeeds"
	wait "$ckpt"
	crc=$?
	check_true "[runc] ... the lazy checkpoint completes once the pages went over" \
		"exit $crc: $(cat "$CONF_TMP/lazy.err")" test "$crc" = 0
	wait "$lp"
	check_true "[runc] ... the restored counter goes on" "before $n1, now $(count "$B")" \
		wait_for 20 count_at_least "$B" $((n1 + 2))
	check_true "[runc] ... and the checkpointed container is deleted" "$(ls "$CONF_ROOT")" state_gone "$L1"
	brig delete -f "$L2"
fi

# ---- a terminal: the new pty's master goes to --console-socket ----------------------
# The listener keeps every master it gets (a closed master would hang the
# container up) and copies what each says to SOCK.N (N: the connection).
cat >"$CONF_TMP/ttylistener.py" <<'EOF'
import array, os, socket, sys, threading
path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
def copy(master, n):
    with open("%s.%d" % (path, n), "ab", buffering=0) as out:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            out.write(chunk)
n = 0
while True:
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(256, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    conn.close()
    n += 1
    with open("%s.name%d" % (path, n), "w") as f:
        f.write(msg.decode(errors="replace"))
    for fd in fds:
        threading.Thread(target=copy, args=(fd, n), daemon=True).start()
EOF
phase terminal
SOCK=$CONF_TMP/tty.sock
python3 "$CONF_TMP/ttylistener.py" "$SOCK" 2>"$CONF_TMP/ttylistener.log" &
conf_track_pid $!
wait_for 10 test -S "$SOCK"
cg_new CG
# The shell holds /dev/tty open as well (its controlling terminal: what an
# interactive shell does, and what runc's checkpoint.bats runs): criu then
# needs the pty's slave in the dump and restores a new pair (orphan-pts-master).
cg_bundle B "$CG" "$LIMITS" '.process.terminal = true' /bin/sh -c \
	'exec 3<>/dev/tty; sleep 1000 & i=0; while :; do i=$((i + 1)); echo $i >/out/count; echo "tick=$i"; sleep 0.5; done'
new_id T1
brig run -d --console-socket "$SOCK" --bundle "$B" "$T1"
check_succeeds "[runc] run -d of a container with a terminal (--console-socket)"
wait_for 30 file_has "$SOCK.1" tick=2
T1PID=$(state_field "$T1" pid)
check_true "[runc] ... whose shell holds /dev/tty (its controlling terminal)" \
	"$(ls -l "/proc/$T1PID/fd" 2>&1)" test "$(readlink "/proc/$T1PID/fd/3" 2>/dev/null)" = /dev/tty
brig checkpoint --image-path "$CONF_TMP/img9" "$T1"
check_succeeds "[runc] checkpoint of a container with a terminal succeeds"
brig restore --image-path "$CONF_TMP/img9" --bundle "$B" "$T1"
check_error_line "[brig] restore of a terminal in the foreground is refused, named" restore \
	"process.terminal: restore in the foreground with a terminal is not supported (use --detach and --console-socket)"
brig restore -d --image-path "$CONF_TMP/img9" --bundle "$B" "$T1"
check_error_line "[runc] restore -d of a terminal without --console-socket fails" restore \
	"cannot allocate tty if runc will detach without setting console socket"
check_true "[runc] ... and leaves no container" "$(ls "$CONF_ROOT")" state_gone "$T1"
n1=$(count "$B")
brig restore -d --console-socket "$SOCK" --image-path "$CONF_TMP/img9" --bundle "$B" "$T1"
check_succeeds "[runc] restore -d --console-socket of a container with a terminal succeeds"
check_match "[runc] ... the console socket gets the new pty (its name)" '^/dev/pts/[0-9]+$' \
	"$(cat "$SOCK.name2" 2>/dev/null)"
check_true "[runc] ... the counter goes on" "before $n1, now $(count "$B")" wait_for 20 count_at_least "$B" $((n1 + 2))
check_true "[brig] ... and writes to the new terminal" "$(tail -c 200 "$SOCK.2" 2>&1)" \
	wait_for 20 file_has "$SOCK.2" "tick=$((n1 + 2))"
T1PID=$(state_field "$T1" pid)
check_eq "[runc] ... /dev/tty is the new pty, the one /dev/console is bound from" \
	"$(cat "$SOCK.name2" 2>/dev/null)" "$(nsenter -t "$T1PID" -m -p sh -c \
		'for f in /dev/pts/*; do [ "$f" -ef /dev/console ] && echo "$f"; done' 2>&1)"
# runc's test does it twice: the restored pty is dumped as the first was
n2=$(count "$B")
brig checkpoint --image-path "$CONF_TMP/img10" "$T1"
check_succeeds "[runc] a second checkpoint of the restored terminal container succeeds"
brig restore -d --console-socket "$SOCK" --image-path "$CONF_TMP/img10" --bundle "$B" "$T1"
check_succeeds "[runc] ... and a second restore"
check_true "[brig] ... which writes to a third pty" "$(tail -c 200 "$SOCK.3" 2>&1)" \
	wait_for 20 file_has "$SOCK.3" "tick=$((n2 + 2))"
brig delete -f "$T1"
check_true "[runc] delete -f removes it" "$(ls "$CONF_ROOT")" state_gone "$T1"
cg_new CG
counter_bundle B "$CG"
start_ctr "$B"
brig checkpoint --leave-running --image-path "$CONF_TMP/img11" "$ID"
brig restore -d --console-socket "$SOCK" --image-path "$CONF_TMP/img11" --bundle "$B" "${ID}r"
check_error_line "[runc] restore --console-socket without a terminal fails" restore \
	"cannot use console socket if runc will not detach or allocate tty"
brig delete -f "$ID"

# ---- a bind mount whose destination is a symlink (runc's checkpoint.bats) -----------
# /out -> /real/out in the rootfs: the mount is on /real/out, and the dump's
# external mount (and restore's) must be keyed by that mount point.
phase symlink destination
cg_new CG
counter_bundle B "$CG"
rm -rf "$B/rootfs/out" && mkdir -p "$B/rootfs/real/out" && ln -s /real/out "$B/rootfs/out"
start_ctr "$B"
check_succeeds "[runc] a container whose bind mount's destination is a symlink runs"
C5=$ID
wait_for 30 count_at_least "$B" 2
n1=$(count "$B")
brig checkpoint --image-path "$CONF_TMP/img12" "$C5"
check_succeeds "[runc] ... checkpoint succeeds"
brig restore -d --image-path "$CONF_TMP/img12" --bundle "$B" "$C5"
check_succeeds "[runc] ... restore succeeds"
check_true "[runc] ... the counter goes on through the symlink" "before $n1, now $(count "$B")" \
	wait_for 20 count_at_least "$B" $((n1 + 2))
check_eq "[brig] ... the restored bind mount is on the symlink's target" /real/out \
	"$(awk '$5 == "/real/out" { print $5 }' "/proc/$(state_field "$C5" pid)/mountinfo" 2>/dev/null)"
brig delete -f "$C5"

# Nested bind mounts whose inner mount point is gone at restore (runc's
# "nested bind mounts", runc #2748): restore makes the mount points again as
# create did, through the outer bind, and leaves no mount of its own behind.
cg_new CG
counter_bundle B "$CG"
mkdir -p "$B/bind1" "$B/bind2" && echo inner >"$B/bind2/file"
cfg "$B" '.mounts += [{type: "bind", source: $a, destination: "/test", options: ["rw", "bind"]},
	{type: "bind", source: $b, destination: "/test/for/nested", options: ["rw", "bind"]}]' \
	--arg a "$B/bind1" --arg b "$B/bind2"
start_ctr "$B"
check_succeeds "[runc] a container with nested bind mounts runs"
C9=$ID
brig checkpoint --image-path "$CONF_TMP/img16" "$C9"
check_succeeds "[runc] ... checkpoint succeeds"
rm -rf "${B:?}/bind1/"*
brig restore -d --image-path "$CONF_TMP/img16" --bundle "$B" "$C9"
check_succeeds "[runc] ... restore after the inner mount point was removed succeeds"
check_true "[runc] ... the inner mount point is made again in the outer source" "$(ls -R "$B/bind1" 2>&1)" \
	test -d "$B/bind1/for/nested"
brig exec "$C9" cat /test/for/nested/file
check_eq "[runc] ... and the inner bind is restored" inner "$OUT"
check_eq "[brig] ... no mount of restore's left on the host" 0 "$(grep -c " $B/" /proc/self/mountinfo)"
brig delete -f "$C9"

# ---- hooks: prestart and createRuntime at criu's setup-namespaces ------------------
# runc runs them when criu has made the restored tree's namespaces, with the
# restored init's pid in the state; a failing hook fails the restore.
phase hooks
cg_new CG
counter_bundle B "$CG"
start_ctr "$B"
C7=$ID
brig checkpoint --leave-running --image-path "$CONF_TMP/img13" "$C7"
check_succeeds "[brig] checkpoint for the hooks' restore"
brig delete -f "$C7"
cfg "$B" '.hooks = {
	prestart: [{path: "/bin/sh", args: ["sh", "-c", "cat >\($d)/prestart.json"]}],
	createRuntime: [{path: "/bin/sh", args: ["sh", "-c",
		"cat >\($d)/createRuntime.json; readlink /proc/$(jq -r .pid \($d)/createRuntime.json)/ns/pid >\($d)/hook-pidns"]}]}' \
	--arg d "$CONF_TMP"
brig restore -d --image-path "$CONF_TMP/img13" --bundle "$B" "$C7"
check_succeeds "[runc] restore with prestart and createRuntime hooks succeeds"
P7=$(state_field "$C7" pid)
check_eq "[runc] ... prestart gets the state with the restored init's pid" "$P7" \
	"$(jq -r .pid "$CONF_TMP/prestart.json" 2>&1)"
check_eq "[runc] ... createRuntime too, status created" "$P7 created" \
	"$(jq -r '"\(.pid) \(.status)"' "$CONF_TMP/createRuntime.json" 2>&1)"
check_eq "[runc] ... the hooks ran with the restored init in its own pid namespace" \
	"$(readlink "/proc/$P7/ns/pid")" "$(cat "$CONF_TMP/hook-pidns" 2>&1)"
brig delete -f "$C7"
cg_new CG
counter_bundle B "$CG"
start_ctr "$B"
C8=$ID
brig checkpoint --image-path "$CONF_TMP/img14" "$C8"
cfg "$B" '.hooks = {createRuntime: [{path: "/bin/false"}]}'
brig restore -d --image-path "$CONF_TMP/img14" --bundle "$B" "$C8"
check_fails "[runc] a failing createRuntime hook fails the restore"
check_true "[brig] ... and leaves no container, no cgroup, no process" \
	"state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG"), procs: $(procs_of "$CG")" \
	eval 'state_gone "$C8" && gone "$CG"'

# ---- criu's configuration file, as runc picks it -----------------------------------
# The annotation org.criu.config names it; without the annotation,
# /etc/criu/runc.conf (the guest's root is a throwaway overlay). What the file
# sets overrides the runtime's settings (runc's RPC): its log-file, here.

phase config
cg_new CG
counter_bundle B "$CG"
printf '# a container of its own\nlog-file=ctr-conf.log\n' >"$CONF_TMP/ctr.conf"
cfg "$B" '.annotations["org.criu.config"] = $f' --arg f "$CONF_TMP/ctr.conf"
start_ctr "$B"
C5=$ID
wait_for 30 count_at_least "$B" 2
brig checkpoint --image-path "$CONF_TMP/img5" --work-path "$CONF_TMP/w5" "$C5"
check_succeeds "[runc] checkpoint with an org.criu.config annotation succeeds"
check_eq "[runc] ... criu logs where that file says (log-file), not to dump.log" "yes no" \
	"$([ -s "$CONF_TMP/w5/ctr-conf.log" ] && echo yes || echo no) $([ -e "$CONF_TMP/w5/dump.log" ] && echo yes || echo no)"
n1=$(count "$B")
brig restore -d --image-path "$CONF_TMP/img5" --work-path "$CONF_TMP/w6" --bundle "$B" "$C5"
check_succeeds "[runc] restore with the annotation succeeds"
check_eq "[runc] ... and uses the same file (log-file), not restore.log" "yes no" \
	"$([ -s "$CONF_TMP/w6/ctr-conf.log" ] && echo yes || echo no) $([ -e "$CONF_TMP/w6/restore.log" ] && echo yes || echo no)"
check_true "[runc] ... the counter goes on" "before $n1, now $(count "$B")" wait_for 20 count_at_least "$B" $((n1 + 2))
brig delete -f "$C5"

mkdir -p /etc/criu
printf 'log-file runc-conf.log\n' >/etc/criu/runc.conf
cg_new CG
counter_bundle B "$CG"
start_ctr "$B"
C6=$ID
brig checkpoint --leave-running --image-path "$CONF_TMP/img7" --work-path "$CONF_TMP/w7" "$C6"
check_succeeds "[runc] checkpoint without the annotation, with /etc/criu/runc.conf, succeeds"
check_true "[runc] ... criu reads /etc/criu/runc.conf (its log-file)" "$(ls "$CONF_TMP/w7" 2>&1)" \
	test -s "$CONF_TMP/w7/runc-conf.log"
cfg "$B" '.annotations["org.criu.config"] = ""'
brig delete -f "$C6"
start_ctr "$B"
C6=$ID
brig checkpoint --leave-running --image-path "$CONF_TMP/img8" --work-path "$CONF_TMP/w8" "$C6"
check_true "[runc] ... an empty annotation: no configuration file at all" "$(ls "$CONF_TMP/w8" 2>&1)" \
	eval '[ "$RC" = 0 ] && [ -s "$CONF_TMP/w8/dump.log" ] && [ ! -e "$CONF_TMP/w8/runc-conf.log" ]'
brig delete -f "$C6"
rm -f /etc/criu/runc.conf

# ---- errors leave nothing behind ----------------------------------------------------

phase errors
new_id X
brig checkpoint --image-path "$CONF_TMP/none" "$X"
check_error_line "[runc] checkpoint of a missing container fails" checkpoint "container \"$X\" does not exist"
check_true "[brig] ... and makes no image directory" "" test ! -e "$CONF_TMP/none"

cg_new CG
counter_bundle B "$CG"
brig_create "$B"
brig checkpoint --image-path "$CONF_TMP/none" "$ID"
check_error_line "[runc] checkpoint of a created container fails" checkpoint "container cannot be checkpointed in created state"
brig kill "$ID" KILL
wait_for 20 status_is "$ID" stopped
brig checkpoint --image-path "$CONF_TMP/none" "$ID"
check_error_line "[runc] checkpoint of a stopped container fails" checkpoint "container cannot be checkpointed in stopped state"
check_true "[brig] ... none of them made the image directory" "$(ls "$CONF_TMP/none" 2>&1)" test ! -e "$CONF_TMP/none"
brig delete "$ID"

new_id X
brig restore -d --image-path "$CONF_TMP/missing" --bundle "$B" "$X"
check_error_line "[brig] restore from a missing image directory fails, naming it" restore \
	"image directory '$CONF_TMP/missing': No such file or directory"
check_true "[brig] ... and leaves no state, cgroup or image directory" \
	"state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG")" \
	eval 'state_gone "$X" && gone "$CG" && [ ! -e "$CONF_TMP/missing" ]'
mkdir "$CONF_TMP/empty"
brig restore -d --image-path "$CONF_TMP/empty" --bundle "$B" "$X"
check_fails "[brig] restore from an empty image directory fails"
check_contains "[brig] ... with criu's error" "criu restore failed" "$ERR"
check_true "[brig] ... and leaves no state, cgroup or mount" \
	"state: $(ls "$CONF_ROOT" 2>&1), cgroup: $(dirs_left "$CG"), mounts: $(conf_mounts_under "$CONF_ROOT")" \
	eval 'state_gone "$X" && gone "$CG" && [ -z "$(conf_mounts_under "$CONF_ROOT")" ]'

phase done
check_eq "[brig] no cgroup is left below the test parents" "" "$(cg_sweep)"
conf_finish
