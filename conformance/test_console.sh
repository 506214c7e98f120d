#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# config.md#process terminal and consoleSize, config-linux.md /dev/console,
# and runc's --console-socket protocol: one message carrying the pty name and
# exactly one SCM_RIGHTS fd, the pty master.
. "$(dirname "$0")/lib.sh"
conf_init

# The listener: accepts one connection on SOCK, records what the message
# carried in REPORT (key=value lines), then talks to the container through the
# master: waits for "echo-ready", writes "hello", reads until "echo=" or EOF,
# and saves the transcript in REPORT.transcript.
cat >"$CONF_TMP/listener.py" <<'EOF'
import array, fcntl, os, select, socket, struct, sys, time

sock_path, report = sys.argv[1], sys.argv[2]
out = {}
def save():
    with open(report + ".tmp", "w") as f:
        for k, v in out.items():
            f.write("%s=%s\n" % (k, v))
    os.rename(report + ".tmp", report)

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(1)
srv.settimeout(30)
conn, _ = srv.accept()
conn.settimeout(10)
fds = array.array("i")
msg, anc, flags, _ = conn.recvmsg(4096, socket.CMSG_SPACE(16 * fds.itemsize))
nfds = 0
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        got = array.array("i")
        got.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
        fds.extend(got)
        nfds += 1
out["payload"] = msg.decode(errors="replace")
out["nfds"] = len(fds)
out["ncmsg"] = nfds
out["truncated"] = int(bool(flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC)))
try:
    extra = conn.recv(4096)
    out["more"] = "eof" if extra == b"" else "data"
except socket.timeout:
    out["more"] = "open"
conn.close()
if len(fds) != 1:
    save()
    sys.exit(0)
master = fds[0]
try:
    fcntl.ioctl(master, 0x80045430, struct.pack("I", 0))  # TIOCGPTN: only a master has a pty number
    out["master"] = "yes"
except OSError as e:
    out["master"] = "no " + e.strerror
transcript = b""
deadline = time.time() + 15
sent = False
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.5)
    if not r:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    transcript += chunk
    if not sent and b"echo-ready" in transcript:
        os.write(master, b"hello\n")
        sent = True
    if b"echo=" in transcript and transcript.rstrip().endswith(b"hello"):
        break
with open(report + ".transcript", "wb") as f:
    f.write(transcript)
out["sent"] = int(sent)
save()
EOF

# listen VAR: starts a listener; the socket path in VAR, report in $VAR.report.
listen() {
	local s
	s=$(mktemp -u "$CONF_TMP/console.XXXXXX")
	python3 "$CONF_TMP/listener.py" "$s" "$s.report" 2>"$s.log" &
	conf_track_pid $!
	LISTENER=$!
	wait_for 10 test -S "$s"
	printf -v "$1" '%s' "$s"
}

new_bundle B
cfg "$B" '.process.terminal = true | .process.consoleSize = {height: 37, width: 101}'
set_args "$B" /bin/probe tty + @console stat /dev/console + echo
listen SOCK
brig_create "$B" --console-socket "$SOCK"
check_succeeds "[brig] create with terminal true and --console-socket succeeds"
C=$ID
brig start "$C"
check_succeeds "[runtime.md#start] start of a container with a terminal succeeds"
wait_for 20 test -e "$SOCK.report"
R=$(cat "$SOCK.report" 2>/dev/null)
T=$(tr -d '\r' <"$SOCK.report.transcript" 2>/dev/null)
check_eq "[runc] the console socket gets exactly one fd" 1 "$(kv nfds "$R")"
check_eq "[runc] ... in one SCM_RIGHTS message, not truncated" "1 0" "$(kv ncmsg "$R") $(kv truncated "$R")"
check_match "[runc] ... whose payload is the pty's name" '^/dev/(ptmx|pts/[0-9]+)$' "$(kv payload "$R")"
check_eq "[runc] ... and nothing more on that connection (closed)" eof "$(kv more "$R")"
check_eq "[runc] the fd is a pty master" yes "$(kv master "$R")"
check_eq "[brig] writing to the master reaches the container (the container echoes it back)" hello \
	"$(kv echo "$T")"
for fd in 0 1 2; do
	check_eq "[config.md#process] terminal true: fd $fd of the process is the pty" 1 "$(kv isatty$fd "$T")"
done
check_match "[config.md#process] terminal true: the pty is the container's devpts" '^/dev/pts/[0-9]+$' "$(kv ttyname0 "$T")"
check_eq "[brig] the pty is the process's controlling terminal" yes "$(kv ctty "$T")"
check_eq "[brig] the process is the terminal's foreground process group" 1 "$(kv pgrp_is_fg "$T")"
check_eq "[config.md#process] consoleSize height is the terminal's rows" 37 "$(kv rows "$T")"
check_eq "[config.md#process] consoleSize width is the terminal's columns" 101 "$(kv cols "$T")"
check_eq "[config-linux.md#default-devices] terminal true: /dev/console is the pty (a char device)" chr \
	"$(kv console.type "$T")"
check_match "[config-linux.md#default-devices] ... bind-mounted from the pty (major 136)" '^136:' "$(kv console.rdev "$T")"
check_true "[brig] the container exits after its program and is stopped" "status $(state_field "$C" status)" \
	wait_for 5 status_is "$C" stopped
brig delete "$C"

# consoleSize MUST be ignored without a terminal.
new_bundle B
cfg "$B" '.process.terminal = false | .process.consoleSize = {height: 37, width: 101}'
set_args "$B" /bin/probe tty
brig_run "$B"
check_succeeds "[config.md#process] consoleSize with terminal false MUST be ignored (the container runs)"
check_eq "[config.md#process] ... and no terminal is allocated" 0 "$(kv isatty1)"

new_bundle B
cfg "$B" '.process.terminal = true'
brig_create "$B"
check_error_line "[runc] create with terminal true and no --console-socket is an error" create
check_no_container

new_bundle B
cfg "$B" '.process.terminal = true'
new_id ID
brig create --bundle "$B" --console-socket "$CONF_TMP/nobody-listens" "$ID"
check_error_line "[runc] create with a console socket nobody listens on is an error" create
check_no_container

# run in the foreground proxies the console itself.
new_bundle B
cfg "$B" '.process.terminal = true | .process.consoleSize = {height: 24, width: 80}'
set_args "$B" /bin/probe tty
brig_run "$B"
check_succeeds "[brig] run with terminal true and no --console-socket works (brig proxies the pty)"
check_eq "[brig] ... the process's stdout is a terminal" 1 "$(kv isatty1 "$(tr -d '\r' <<<"$OUT")")"

# The pty belongs to the process's user (runc chowns it; the group is devpts's
# gid=5 from the config): a non-root user can reopen $(tty), as
# `docker run -it --user 1000` needs.
new_bundle B
cfg "$B" '.process.terminal = true | .process.user = {uid: 1000, gid: 100}'
set_args "$B" /bin/sh -c 'echo owner=$(stat -c %u:%g $(tty)); echo reopen=$(: <>$(tty) && echo ok)'
brig_run "$B"
O=$(tr -d '\r' <<<"$OUT")
check_eq "[runc] terminal true with user 1000: the pty is owned by uid 1000 (group tty from devpts gid=5)" \
	1000:5 "$(kv owner "$O")"
check_eq "[runc] ... and the user can reopen it" ok "$(kv reopen "$O")"
cfg "$B" '.process.user = {uid: 0, gid: 0}'
brig_run "$B"
check_eq "[runc] ... (root's pty stays 0:5)" 0:5 "$(kv owner "$(tr -d '\r' <<<"$OUT")")"

new_bundle B
set_args "$B" /bin/probe sleep 30
brig_create "$B"
brig start "$ID"
brig exec -t --user 1000:100 "$ID" /bin/sh -c 'echo owner=$(stat -c %u:%g $(tty))'
check_eq "[runc] exec -t --user 1000: the exec's pty is owned by uid 1000" 1000:5 \
	"$(kv owner "$(tr -d '\r' <<<"$OUT")")"
brig delete --force "$ID"

conf_finish
