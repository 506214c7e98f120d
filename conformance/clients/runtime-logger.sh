#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# runtime-logger.sh: a logging wrapper around an OCI runtime, to see what
# the clients ask of it.
#
#   runtime-logger.sh install WRAPDIR REAL LOGDIR
#       writes WRAPDIR/$(basename REAL), a wrapper to register with the
#       clients in place of REAL (same name: podman picks features by the
#       runtime's name), and prints its path
#   runtime-logger.sh summary LOGDIR
#       the calls by client and argument shape (ids, paths, numbers elided)
#   runtime-logger.sh failed LOGDIR [FROM TO]
#       the calls that exited non-zero (between the epoch times FROM and TO):
#       client, argv, exit status and what the runtime wrote to its --log
#
# Each call appends one JSON line to LOGDIR/calls.jsonl: ts, dur, client
# (containerd-shim, conmon, podman, ...), chain (the callers), cwd, argv,
# verb, id, rc (null when the wrapper exec'd the runtime: run, and exec
# without --detach, which keep their stdio and exit status), env (PATH and a
# few others; none when the caller gave none), stdout (query verbs), the pid
# file after the call, log (what the call added to its --log file when it
# failed) and copies of config.json (create, run), the exec --process file
# and the update resources in LOGDIR/files.
set -u

if [ "${1:-}" = install ]; then
	[ $# -ge 4 ] || { echo "usage: $0 install WRAPDIR REAL LOGDIR" >&2; exit 2; }
	wd=$2 real=$(readlink -f "$3") log=$4
	mkdir -p "$wd" "$log/files"
	wd=$(cd "$wd" && pwd) log=$(cd "$log" && pwd)
	cp "$(readlink -f "$0")" "$wd/.runtime-logger.sh"
	# A sanitizer build gets the caller's ASAN_OPTIONS (podman calls the
	# runtime with an environment of its own).
	asan=
	[ -n "${ASAN_OPTIONS:-}" ] && asan="ASAN_OPTIONS='$ASAN_OPTIONS' "
	cat >"$wd/$(basename "$real")" <<-EOF
		#!/bin/sh
		${asan}RUNTIME_LOGGER_REAL='$real' RUNTIME_LOGGER_DIR='$log' exec /bin/bash '$wd/.runtime-logger.sh' "\$@"
	EOF
	chmod 755 "$wd/$(basename "$real")" "$wd/.runtime-logger.sh"
	echo "$wd/$(basename "$real")"
	exit 0
fi

if [ "${1:-}" = summary ]; then
	jq -r '(.id // "") as $id |
		def norm: if . == $id and $id != "" then "<id>"
			elif test("^-") then (if test("=") then (split("=")[0] + "=<v>") else . end)
			elif test("^[0-9a-f]{12,64}$") then "<id>"
			elif test("^/") then "<path>"
			elif test("^[0-9]+$") then "<n>"
			else . end;
		[.client, ((.argv | map(norm)) | join(" "))] | @tsv' "${2:?usage: $0 summary LOGDIR}/calls.jsonl" |
		sort | uniq -c | sort -k2,2 -k1,1nr
	exit 0
fi

if [ "${1:-}" = failed ]; then
	jq -r --argjson from "${3:-0}" --argjson to "${4:-1e12}" \
		'select(.rc != null and .rc != 0 and .ts >= $from and .ts <= $to) |
		"\(.client): \(.argv | join(" ")) -> exit \(.rc)" + (if .log != "" then "; log: \(.log)" else "" end)' \
		"${2:?usage: $0 failed LOGDIR [FROM TO]}/calls.jsonl" 2>/dev/null
	exit 0
fi

REAL=${RUNTIME_LOGGER_REAL:?RUNTIME_LOGGER_REAL not set}
LOG=${RUNTIME_LOGGER_DIR:?RUNTIME_LOGGER_DIR not set}
t0=$(date +%s.%N)
seq="$(date +%s%N)-$$"
ARGS=("$@")
n=$#

# ---- the global options (some take a value), then the verb
verb='' i=0 logfile=
while [ $i -lt $n ]; do
	a=${ARGS[$i]}
	case $a in
	--log) logfile=${ARGS[$((i + 1))]:-}; i=$((i + 2)); continue ;;
	--log=*) logfile=${a#*=} ;;
	--root | --log-format | --log-level | --criu | --rootless | --cgroup-manager) i=$((i + 2)); continue ;;
	-*) ;;
	*) verb=$a; break ;;
	esac
	i=$((i + 1))
done
[ -n "$verb" ] || verb="(${ARGS[0]:-none})"

# ---- the verb's options we care about; the first operand is the id
valued='--bundle|-b|--process|-p|--resources|-r|--pid-file|--console-socket|--format|-f|--cwd|--env|-e|--user|-u|--cap|-c|--preserve-fds|--process-label|--apparmor|--cgroup|--interval|--signal|-s'
bundle='' procfile='' resfile='' pidfile='' detach=0 cid=
j=$((i + 1))
while [ $j -lt $n ]; do
	a=${ARGS[$j]} v=${ARGS[$((j + 1))]:-}
	case $a in
	--bundle | -b) bundle=$v ;;
	--bundle=*) bundle=${a#*=} ;;
	--process | -p) procfile=$v ;;
	--process=*) procfile=${a#*=} ;;
	--resources | -r) resfile=$v ;;
	--resources=*) resfile=${a#*=} ;;
	--pid-file) pidfile=$v ;;
	--pid-file=*) pidfile=${a#*=} ;;
	--detach | -d) detach=1 ;;
	-*) ;;
	*) if [ -z "$cid" ] && ! [[ ${ARGS[$((j - 1))]} =~ ^($valued)$ ]]; then cid=$a; fi ;;
	esac
	j=$((j + 1))
done

mkdir -p "$LOG/files"
files=()
copy() { # FILE TAG
	[ -n "$1" ] && [ -f "$1" ] || return 0
	cp "$1" "$LOG/files/$seq-$2.json" 2>/dev/null && files+=("$LOG/files/$seq-$2.json")
}
case $verb in
create | run) copy "${bundle:-$PWD}/config.json" "$verb-config" ;;
exec) copy "$procfile" exec-process ;;
esac
stdin=inherit
if [ "$verb" = update ] && [ "$resfile" = - ]; then
	cat >"$LOG/files/$seq-update-stdin.json"
	files+=("$LOG/files/$seq-update-stdin.json")
	stdin='file'
elif [ "$verb" = update ]; then
	copy "$resfile" update-resources
fi

# ---- who called
chain='' p=$PPID
for _ in 1 2 3 4; do
	[ -r "/proc/$p/comm" ] || break
	chain="$chain${chain:+<}$(cat "/proc/$p/comm" 2>/dev/null)"
	p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	{ [ -z "$p" ] || [ "$p" -le 1 ]; } && break
done
client=${chain%%<*}
case $chain in *conmon*) client=conmon ;; *containerd-shim*) client=containerd-shim ;; esac
case $chain in podman*) client=podman ;; esac
envj=$(env | grep -E '^(PATH|HOME|TERM|NOTIFY_SOCKET|XDG_RUNTIME_DIR|LISTEN_[A-Z]+|GOMAXPROCS|CONTAINERD_[A-Z_]*)=' |
	jq -R 'capture("^(?<k>[^=]*)=(?<v>.*)$")' | jq -s 'map({(.k): .v}) | add // {}')
logsize=0
[ -n "$logfile" ] && [ -f "$logfile" ] && logsize=$(stat -c %s "$logfile")

record() { # RC STDOUT-FILE
	local pidc='' logadd=
	[ -n "$pidfile" ] && [ -f "$pidfile" ] && pidc=$(cat "$pidfile" 2>/dev/null)
	if [ -n "$1" ] && [ "$1" != 0 ] && [ -n "$logfile" ] && [ -f "$logfile" ]; then
		logadd=$(tail -c +$((logsize + 1)) "$logfile" | head -c 2000)
	fi
	jq -cn --arg ts "$t0" --arg t1 "$(date +%s.%N)" --arg client "$client" --arg chain "$chain" \
		--arg cwd "$PWD" --arg verb "$verb" --arg id "$cid" --arg rc "$1" --argjson env "$envj" \
		--arg stdin "$stdin" --arg pidfile "$pidfile" --arg pidc "$pidc" --arg log "$logadd" \
		--rawfile out "$2" --args '{ts: ($ts | tonumber), dur: (($t1 | tonumber) - ($ts | tonumber)),
			client: $client, chain: $chain, cwd: $cwd, verb: $verb, id: $id, argv: $ARGS.positional,
			rc: (if $rc == "" then null else ($rc | tonumber) end), env: $env, stdin: $stdin,
			pidfile: $pidfile, pidfile_after: $pidc, log: $log, stdout: $out}' -- "${ARGS[@]}" |
		jq -c --args '.files = $ARGS.positional' -- "${files[@]}" >>"$LOG/calls.jsonl"
}

empty=$(mktemp)
direct=0
case $verb in
run | events) direct=1 ;;
exec) [ $detach = 1 ] || direct=1 ;;
esac
if [ $direct = 1 ]; then
	record "" "$empty"
	rm -f "$empty"
	exec "$REAL" "$@"
fi

case $verb in
state | ps | list | features | spec | "(--version)" | "(-v)")
	out=$(mktemp)
	"$REAL" "$@" >"$out"
	rc=$?
	cat "$out"
	record $rc "$out"
	rm -f "$out" "$empty"
	exit $rc
	;;
esac

if [ $stdin = file ]; then
	"$REAL" "$@" <"$LOG/files/$seq-update-stdin.json"
else
	"$REAL" "$@"
fi
rc=$?
record $rc "$empty"
rm -f "$empty"
exit $rc
