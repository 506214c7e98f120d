#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.seccomp (config-linux.md "Seccomp", runtime.md "Seccomp State") and
# brig's hardening around it: the default profile, the filter cache, the
# policy that `brig create --policy` enforces, `brig check` and `brig seccomp`.
# The container's shell is busybox: its applets make the syscalls (mkdir(2),
# chmod(2), uname(2), unshare(2), mount(2)) one at a time.
. "$(dirname "$0")/lib.sh"
conf_init

"$BRIG" seccomp --help >/dev/null 2>&1 || conf_skip_all "brig has no seccomp verb"

# seccomp BUNDLE FILTER [JQ-ARGS...]: edits .linux.seccomp.
seccomp() {
	local b=$1 f=$2
	shift 2
	cfg "$b" ".linux.seccomp |= ($f)" "$@"
}

# A profile that allows everything but what FILTER adds.
allow_all() { cfg "$1" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: []}'; }

shell_bundle() { # VAR SCRIPT: a bundle running sh -c SCRIPT
	new_bundle "$1"
	set_args "${!1}" /bin/sh -c "$2"
}

EDQUOT_MSG="Disk quota exceeded" # errno 122, which nothing here returns by itself

# ---- actions and errnoRet ------------------------------------------------------

shell_bundle B 'mkdir /dev/shm/d; echo rc=$?'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 122}]'
brig_run "$B"
check_succeeds "[config-linux.md#seccomp] a container with a seccomp profile runs"
check_contains "[config-linux.md#seccomp] SCMP_ACT_ERRNO with errnoRet: the syscall fails with exactly that errno" \
	"$EDQUOT_MSG" "$ERR$OUT"
check_contains "[config-linux.md#seccomp] ... and the program goes on" "rc=1" "$OUT"

# startContainer hooks run under the container's filter, as runc's run from
# its init after loading it (runc's seccomp test): the same mkdir fails there
shell_bundle B 'echo program-ran'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 122}]'
cfg "$B" '.root.readonly = false | .hooks.startContainer = [{path: "/bin/mkdir", args: ["mkdir", "/tmp/hook-made"]}]'
brig_run "$B"
check_fails "[runc] a startContainer hook runs under the container's seccomp filter: mkdir refused fails it"
check_contains "[runc] ... the error is the hook's, with the filter's errno" "$EDQUOT_MSG" "$ERR"
check_contains "[runc] ... in runc's words" "startContainer: error running hook #0" "$ERR"
check_true "[runc] ... and nothing was made" "$B/rootfs/tmp/hook-made exists" test ! -e "$B/rootfs/tmp/hook-made"
seccomp "$B" '.syscalls = []'
brig_run "$B"
check_rc "[brig] ... the same hook without the rule runs, and so does the container" 0
check_true "[brig] ... and made its directory" "no $B/rootfs/tmp/hook-made" test -d "$B/rootfs/tmp/hook-made"

shell_bundle B 'mkdir /dev/shm/d; echo rc=$?'
seccomp "$B" '.defaultErrnoRet = 122 | .syscalls[0].names -= ["mkdir", "mkdirat"]'
brig_run "$B"
check_contains "[config-linux.md#seccomp] defaultErrnoRet is the errno of the default action" \
	"$EDQUOT_MSG" "$ERR$OUT"

shell_bundle B 'mkdir /dev/shm/d && echo made'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]'
brig_run "$B"
check_contains "[config-linux.md#seccomp] SCMP_ACT_ERRNO without errnoRet is EPERM" \
	"Operation not permitted" "$ERR$OUT"

new_bundle B
set_args "$B" /bin/uname
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["uname"], action: "SCMP_ACT_KILL_PROCESS"}]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] SCMP_ACT_KILL_PROCESS kills the process with SIGSYS (128+31)" 159 "$RC"
check_nomatch "[config-linux.md#seccomp] ... before the syscall returns" '^Linux' "$OUT"

new_bundle B
set_args "$B" /bin/uname
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["uname"], action: "SCMP_ACT_TRAP"}]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] SCMP_ACT_TRAP delivers SIGSYS" 159 "$RC"

shell_bundle B 'uname; echo rc=$?'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["uname"], action: "SCMP_ACT_LOG"}]'
brig_run "$B"
check_match "[config-linux.md#seccomp] SCMP_ACT_LOG allows the syscall" '^Linux' "$OUT"

# ---- arguments -----------------------------------------------------------------

# busybox chmod calls chmod(2): path, mode.
shell_bundle B 'cd /dev/shm; touch f; for m in 700 777 666 644; do chmod $m f; echo "m$m=$?"; done'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["chmod"], action: "SCMP_ACT_ERRNO", errnoRet: 122,
	args: [{index: 1, value: 511, op: "SCMP_CMP_EQ"}, {index: 1, value: 438, op: "SCMP_CMP_EQ"}]}]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] args: a mode the rule does not match is allowed" 0 "$(kv m700)"
check_eq "[config-linux.md#seccomp] args: SCMP_CMP_EQ on index 1 matches chmod 777" 1 "$(kv m777)"
check_eq "[brig] args repeating an index are ORed (runc): chmod 666 matches too" 1 "$(kv m666)"
check_eq "[config-linux.md#seccomp] args: ... and 644 matches neither" 0 "$(kv m644)"

shell_bundle B 'cd /dev/shm; touch f; for m in 700 707 770; do chmod $m f; echo "m$m=$?"; done'
allow_all "$B"
# MASKED_EQ: (mode & 007) == 007, i.e. world rwx
seccomp "$B" '.syscalls += [{names: ["chmod"], action: "SCMP_ACT_ERRNO",
	args: [{index: 1, value: 7, valueTwo: 7, op: "SCMP_CMP_MASKED_EQ"}]}]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the datum" \
	"0 1 0" "$(kv m700) $(kv m707) $(kv m770)"

shell_bundle B 'cd /dev/shm; touch f; for m in 100 600 700; do chmod $m f; echo "m$m=$?"; done'
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["chmod"], action: "SCMP_ACT_ERRNO",
	args: [{index: 1, value: 384, op: "SCMP_CMP_GE"}, {index: 0, value: 0, op: "SCMP_CMP_NE"}]}]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] args on different indexes are ANDed (GE 0600, path != NULL)" \
	"0 1 1" "$(kv m100) $(kv m600) $(kv m700)"

# ---- names, flags, architectures ----------------------------------------------------

shell_bundle B 'echo alive'
seccomp "$B" '.syscalls[0].names += ["brig_no_such_syscall"]'
brig_run "$B"
check_eq "[brig] a syscall name libseccomp does not know is skipped, as runc and crun do" alive "$OUT"

shell_bundle B 'echo alive'
seccomp "$B" '.flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] flags TSYNC, LOG and SPEC_ALLOW are passed to seccomp(2)" alive "$OUT"

shell_bundle B 'echo alive'
seccomp "$B" '.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"]'
brig_run "$B"
check_eq "[config-linux.md#seccomp] extra architectures are added to the filter" alive "$OUT"

shell_bundle B 'echo alive'
seccomp "$B" '.syscalls[0].names -= ["execve", "execveat"]'
brig_run "$B"
check_fails "[config-linux.md#seccomp] a profile that denies execve cannot start the program"
check_no_container

# ---- syscalls newer than the profile: ENOSYS, as runc ---------------------------------

# brig spec's profile (default action ERRNO, EPERM) names syscalls up to the
# 450s. 1000 is above all of them: runc answers ENOSYS, so that callers fall
# back as on an older kernel, not the default EPERM.
new_bundle B
set_args "$B" /bin/probe @hi syscall 1000 + @lo syscall 400
export BRIG_SECCOMP_CACHE=$CONF_TMP/enosys-cache # the host-wide one is not ours to fill
brig_run "$B"
check_eq "[runc] a syscall numbered above the highest one the profile names fails with ENOSYS" \
	ENOSYS "$(kv hi.errno)"
if [ "$(uname -m)" = x86_64 ]; then # 335..423 is a hole in x86-64's table
	check_eq "[runc] ... one below it that the profile does not allow keeps the default action (EPERM)" \
		EPERM "$(kv lo.errno)"
else
	skip "[runc] ... one below it keeps the default action" "needs x86-64's table"
fi
new_id ID
brig --debug --log "$CONF_TMP/enosys.log" run --bundle "$B" "$ID" # the same profile again
check_eq "[brig] ... also when the filter comes from the cache" "from the cache ENOSYS" \
	"$(grep -o 'from the cache' "$CONF_TMP/enosys.log" | head -n1) $(kv hi.errno)"
seccomp "$B" '.defaultErrnoRet = 122'
brig_run "$B"
check_eq "[runc] ... whatever the default errno is" ENOSYS "$(kv hi.errno)"
seccomp "$B" '.defaultAction = "SCMP_ACT_KILL_PROCESS" | del(.defaultErrnoRet)'
set_args "$B" /bin/probe @hi syscall 1000
brig_run "$B"
check_eq "[runc] ... and under a default action that kills" "0 ENOSYS" "$RC $(kv hi.errno)"
new_bundle B
set_args "$B" /bin/probe @hi syscall 1000
allow_all "$B"
seccomp "$B" '.syscalls += [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 122}]'
brig_run "$B"
check_eq "[runc] a profile whose default action allows leaves unknown syscalls to the kernel (ENOSYS)" \
	ENOSYS "$(kv hi.errno)"
new_bundle B
brig seccomp explain "$B/config.json"
check_match "[brig] seccomp explain shows the ENOSYS stub and its limit" \
	"^#   arch [a-z0-9_]+: syscall > [0-9]+" "$OUT"

# ---- what brig does under the user's filter ------------------------------------------

# Nothing brig does after loading the filter may depend on the filter's
# errno: runc's "seccomp defaultErrnoRet=ENXIO" profile does not allow
# close_range, which brig used to call (and fail on) after the filter.
new_bundle B
set_args "$B" /bin/probe cwd
seccomp "$B" '.defaultErrnoRet = 6 | .syscalls |= map(.names -= ["close_range"])'
brig_run "$B"
check_eq "[runc] a profile with defaultErrnoRet ENXIO that refuses close_range still runs the program" \
	"0 /" "$RC $(kv cwd)"
cfg "$B" '.process.noNewPrivileges = false' # the filter then loads before the user change
brig_run "$B"
check_eq "[runc] ... also when the filter loads before the user change (no noNewPrivileges)" \
	"0 /" "$RC $(kv cwd)"
set_args "$B" /bin/probe sleep 30
brig_create "$B"
brig start "$ID"
brig exec "$ID" /bin/probe cwd
check_eq "[runc] ... and exec into it runs its program" "0 /" "$RC $(kv cwd)"
brig delete --force "$ID"

# ---- the default profile ---------------------------------------------------------

# CAP_SYS_ADMIN is added so that only seccomp stands in the way; the profile in
# the config is the one `brig spec` resolved for the default capabilities.
SCRIPT='unshare -m true; echo unshare=$?; mount -t tmpfs t /mnt; echo mount=$?; echo alive'
shell_bundle B "$SCRIPT"
cfg "$B" '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
brig_run "$B"
check_eq "[brig] the default profile still runs a shell" alive "$(printf '%s\n' "$OUT" | tail -n1)"
check_eq "[brig] the default profile blocks unshare(2), even with CAP_SYS_ADMIN" 1 "$(kv unshare)"
check_ne "[brig] the default profile blocks mount(2), even with CAP_SYS_ADMIN" 0 "$(kv mount)"
cfg "$B" 'del(.linux.seccomp)'
brig_run "$B"
check_eq "[brig] ... (control: without the profile both work)" "0 0" "$(kv unshare) $(kv mount)"

shell_bundle B 'pwd; echo alive'
brig_run "$B"
check_eq "[brig] the default profile keeps getcwd (runtime-tools' default)" "/ alive" \
	"$(printf '%s\n' "$OUT" | paste -sd ' ')"

# ---- SCMP_ACT_NOTIFY and the seccomp agent ------------------------------------------

AGENT=$CONF_TMP/agent.py
cat >"$AGENT" <<'EOF'
# A seccomp agent: takes one connection, records the state and the fds it
# carried, then answers mkdir(2) with the errno given and lets the rest run.
import array, fcntl, json, os, select, socket, struct, sys
path, out, errno_ = sys.argv[1], sys.argv[2], int(sys.argv[3])
NOTIF_RECV, NOTIF_SEND, CONTINUE = 0xC0502100, 0xC0182101, 1
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(1 << 20, socket.CMSG_SPACE(16 * fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
while True:  # one JSON document; the runtime may keep the connection open
    try:
        json.loads(msg)
        break
    except ValueError:
        more = conn.recv(1 << 20)
        if not more:
            break
        msg += more
with open(out, "w") as f:
    json.dump({"state": json.loads(msg), "nfds": len(fds)}, f)
calls = open(out + ".calls", "w")
p = select.poll()
p.register(fds[0], select.POLLIN)
while True:
    ev = p.poll(30000)
    if not ev or ev[0][1] & (select.POLLHUP | select.POLLERR):
        break
    buf = bytearray(80)
    try:
        fcntl.ioctl(fds[0], NOTIF_RECV, buf)
    except OSError:
        continue
    nid, pid, flags, nr = struct.unpack_from("<QIIi", buf)
    calls.write("%d\n" % nr)
    calls.flush()
    deny = nr in (83, 258)  # x86-64 mkdir, mkdirat
    resp = struct.pack("<QqiI", nid, 0, -errno_ if deny else 0, 0 if deny else CONTINUE)
    try:
        fcntl.ioctl(fds[0], NOTIF_SEND, resp)
    except OSError:
        pass
EOF

# start_agent SOCKET OUT: runs the agent, waits until it listens.
start_agent() {
	rm -f "$1" "$2" "$2.ready"
	python3 "$AGENT" "$1" "$2" 122 >"$2.log" 2>&1 &
	conf_track_pid $!
	wait_for 10 test -e "$2.ready"
}

notify_bundle() { # VAR NAMES-JSON
	shell_bundle "$1" 'mkdir /dev/shm/n; echo rc=$?; echo done'
	allow_all "${!1}"
	seccomp "${!1}" '.listenerPath = $p | .listenerMetadata = "meta-123" |
		.syscalls += [{names: $n, action: "SCMP_ACT_NOTIFY"}]' \
		--arg p "$CONF_TMP/agent.sock" --argjson n "$2"
}

if [ "$(uname -m)" != x86_64 ]; then
	skip "[config-linux.md#seccomp] SCMP_ACT_NOTIFY" "the agent knows x86-64 syscall numbers"
else
	start_agent "$CONF_TMP/agent.sock" "$CONF_TMP/agent.out"
	notify_bundle B '["mkdir", "mkdirat"]'
	cfg "$B" '.process.noNewPrivileges = false' # the filter loads during create
	brig_create "$B"
	check_succeeds "[config-linux.md#seccomp] create with SCMP_ACT_NOTIFY and listenerPath"
	wait_for 10 test -s "$CONF_TMP/agent.out"
	A=$(cat "$CONF_TMP/agent.out" 2>/dev/null)
	check_eq "[runtime.md#seccomp-state] the listener gets one fd (SCM_RIGHTS)" 1 "$(jq -r .nfds <<<"$A")"
	check_eq "[runtime.md#seccomp-state] fds names it seccompFd" '["seccompFd"]' "$(jq -c .state.fds <<<"$A")"
	check_eq "[runtime.md#seccomp-state] pid is the container process's" "$PID" "$(jq -r .state.pid <<<"$A")"
	check_eq "[runtime.md#seccomp-state] metadata is listenerMetadata" meta-123 "$(jq -r .state.metadata <<<"$A")"
	check_eq "[runtime.md#seccomp-state] state is the container's state" "$ID" "$(jq -r .state.state.id <<<"$A")"
	check_match "[runtime.md#seccomp-state] ociVersion" '^1\.' "$(jq -r .state.ociVersion <<<"$A")"
	brig start "$ID"
	wait_for 10 status_is "$ID" stopped
	O=$(cat "$CONF_TMP/$ID.out" "$CONF_TMP/$ID.err" 2>/dev/null)
	check_contains "[config-linux.md#seccomp] the agent's answer is the syscall's result" "$EDQUOT_MSG" "$O"
	check_contains "[config-linux.md#seccomp] ... and the container goes on" "done" "$O"
	brig delete --force "$ID"

	# sendmsg itself is sent to the agent: the fd has to go by sendmmsg.
	start_agent "$CONF_TMP/agent2.sock" "$CONF_TMP/agent2.out"
	notify_bundle B '["mkdir", "mkdirat", "sendmsg"]'
	cfg "$B" '.linux.seccomp.listenerPath = $p' --arg p "$CONF_TMP/agent2.sock"
	new_id ID
	LAST_CMD="brig run (notify on sendmsg)"
	OUT=$(timeout 30 "$BRIG" --root "$CONF_ROOT" run --bundle "$B" "$ID" 2>&1 </dev/null)
	RC=$?
	check_rc "[brig] with sendmsg in the notify set the listener still gets the fd" 0
	check_contains "[brig] ... and answers the container's syscalls" "$EDQUOT_MSG" "$OUT"

	# no agent listening: runc's words (its seccomp-notify test greps them)
	notify_bundle B '["mkdir"]'
	cfg "$B" '.linux.seccomp.listenerPath = $p' --arg p "$CONF_TMP/no-agent.sock"
	brig_create "$B"
	check_fails "[runc] SCMP_ACT_NOTIFY without an agent listening fails create"
	check_contains "[runc] ... in runc's words, naming the path" \
		"failed to connect with seccomp agent at listenerPath '$CONF_TMP/no-agent.sock'" "$ERR"
	check_no_container

	# write and sendmsg notified while brig itself still uses them (the
	# filter loads during create): the agent has the fd before either.
	start_agent "$CONF_TMP/agent3.sock" "$CONF_TMP/agent3.out"
	notify_bundle B '["mkdir", "mkdirat", "write", "sendmsg"]'
	cfg "$B" '.linux.seccomp.listenerPath = $p | .process.noNewPrivileges = false' \
		--arg p "$CONF_TMP/agent3.sock"
	new_id ID
	LAST_CMD="brig run (notify on write and sendmsg)"
	OUT=$(timeout 30 "$BRIG" --root "$CONF_ROOT" run --bundle "$B" "$ID" 2>&1 </dev/null)
	RC=$?
	if [ "$RC" != 0 ] && printf '%s' "$OUT" | grep -q "cannot be used for write"; then
		skip "[brig] write in the notify set" "the config parser refuses it (as runc does)"
	else
		check_rc "[brig] with write and sendmsg in the notify set the container runs" 0
		check_contains "[brig] ... its writes reach stdout through the agent" "done" "$OUT"
		check_match "[brig] ... which saw them" '^1$' "$(sort -u "$CONF_TMP/agent3.out.calls" 2>/dev/null)"
	fi
fi

# ---- the filter cache ------------------------------------------------------------

shell_bundle B 'echo alive'
# brig keeps the cache host-wide (/run/brig/.seccomp-cache); a private one here
export BRIG_SECCOMP_CACHE=$CONF_TMP/seccomp-cache
LOG=$CONF_TMP/cache.log
: >"$LOG"
brig --debug --log "$LOG" run --bundle "$B" cache-1-$$
brig --debug --log "$LOG" run --bundle "$B" cache-2-$$
CACHE=$BRIG_SECCOMP_CACHE
if [ ! -d "$CACHE" ]; then
	skip "[brig] the filter cache" "no $CACHE (the runtime keeps it elsewhere)"
else
	check_eq "[brig] the cache directory is private" 700 "$(stat -c %a "$CACHE")"
	KEY=$(sed -n 's/.*seccomp: filter \([0-9a-f]*\):.*/\1/p' "$LOG" | head -n1)
	E=$(ls "$CACHE/$KEY"*.bpf 2>/dev/null | head -n1)
	check_eq "[brig] cache entries are private files" 600 "$(stat -c %a "$E" 2>/dev/null)"
	check_contains "[brig] a repeated profile is loaded from the cache" "from the cache" "$(cat "$LOG")"
	printf 'garbage' >"$E"
	: >"$LOG"
	brig --debug --log "$LOG" run --bundle "$B" cache-3-$$
	check_eq "[brig] a corrupt entry is ignored: the container still runs" alive "$OUT"
	check_contains "[brig] ... and the entry is recompiled" "compiled" "$(cat "$LOG")"
	check_ne "[brig] ... and rewritten" 7 "$(stat -c %s "$E")"
fi

# ---- policy and check ---------------------------------------------------------------

POLICY=$CONF_TMP/policy.json
echo '{"failOn": "high", "ignore": ["no-user-namespace"]}' >"$POLICY"
new_bundle B # what --privileged amounts to: admin capabilities, no seccomp, the host's pids
cfg "$B" 'del(.linux.seccomp) | .process.capabilities = {bounding: $c, effective: $c, permitted: $c}
	| .linux.namespaces |= map(select(.type != "pid"))' \
	--argjson c '["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE"]'
new_id ID
brig --policy "$POLICY" create --bundle "$B" "$ID"
check_error_line "[brig] --policy refuses a privileged config" create
check_contains "[brig] ... naming the findings" "refused by policy" "$ERR"
check_contains "[brig] ... with their rules" "seccomp-missing" "$ERR"
check_no_container

H=$(mktemp -d "$CONF_TMP/hardened.XXXXXX")
chmod 755 "$H"
cp -a "$BASE_ROOTFS" "$H/rootfs"
cp "$PROBE" "$H/rootfs/bin/probe"
brig spec --bundle "$H" --hardened
check_succeeds "[brig] spec --hardened"
cfg "$H" '.process.terminal = false | .process.args = ["/bin/probe", "ids", "+", "nnp"]'
brig check --bundle "$H" --fail-on low
check_succeeds "[brig] the hardened config passes check --fail-on low"
brig_run "$H" # no --policy: the run must not depend on a policy file
new_id ID2
brig --policy "$POLICY" run --bundle "$H" "$ID2"
check_succeeds "[brig] --policy accepts the hardened config"
check_eq "[brig] the hardened container runs as 1000:1000" "1000 1000" "$(kv uid) $(kv gid)"

new_bundle B
brig check --bundle "$B" --format json
check_fails "[brig] check of the default config fails (root user) at --fail-on high"
check_eq "[brig] ... reporting the root user" high \
	"$(jq -r '.findings[] | select(.rule == "root-user") | .severity' <<<"$OUT")"
check_match "[brig] ... and the missing limits" no-memory-limit "$(jq -r '.findings[].rule' <<<"$OUT")"

# ---- brig seccomp ---------------------------------------------------------------

brig seccomp compile "$B/config.json" -o "$CONF_TMP/f.bpf"
check_succeeds "[brig] seccomp compile"
check_eq "[brig] ... writes whole BPF instructions (8 bytes each)" 0 $(($(stat -c %s "$CONF_TMP/f.bpf") % 8))
brig seccomp explain "$B/config.json"
check_contains "[brig] seccomp explain prints libseccomp's pseudo filter code" 'if ($syscall ==' "$OUT"
jq .linux.seccomp "$B/config.json" >"$CONF_TMP/oci.json"
brig seccomp convert "$CONF_TMP/oci.json"
check_eq "[brig] seccomp convert of an OCI profile is the same profile" \
	"$(jq -cS . "$CONF_TMP/oci.json")" "$(jq -cS . <<<"$OUT")"

conf_finish
