#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# test_clients.sh: brig under the real clients (docker, containerd's ctr,
# podman), each scenario run with brig and then with runc on the same
# machine. Passes when brig passes every scenario that runc passes.
#
# Installs docker.io, containerd, podman and conmon from Debian's archive
# when missing, starts containerd and dockerd with private state (daemons.sh),
# builds and loads the image (images.sh), runs scenarios.sh for brig and for
# runc (both through runtime-logger.sh), prints each one's
# "PASS name" / "FAIL name: reason" lines and "N passed, M failed", then the
# table of both and, for each scenario brig fails, the runtime calls that
# failed during it. The cleanup (also on failure or interruption) removes
# the containers, stops the daemons by pid and deletes the private state.
#
# test_clients.sh --prepare only installs what is missing (exit 0, or 77
# when something cannot be installed): ../vm/clients_v2.sh runs it on the
# host before booting a VM, which has no network.
#
# env: BRIG (default: the build's runtime/brig), RUNC (default: runc in
#      PATH; "none" to skip the comparison), CRUN (a crun binary: a third
#      column, for information; unset on a hybrid host, where crun 1.8.1
#      refuses every container), CLIENTS (docker ctr podman), CRUN_CLIENTS
#      (crun's pass, default CLIENTS),
#      SCN_ONLY (an ERE of scenario names), CLIENTS_LOG_REFS=0 (no logging
#      wrapper for runc and crun: their calls.* checks do not run, brig's
#      must pass; faster under emulation), CLIENTS_LOG=0 (no logging
#      wrapper), CLIENTS_KEEP=1 (leave the daemons and the state for a look;
#      stop them with "daemons.sh stop DIR"), TMPDIR.
# Exit status: 0 passed, 1 failed, 77 skipped (not root, no clients, the
# daemons do not start here).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/daemons.sh"

skip() {
	echo "SKIP: $*"
	exit 77
}

# ---- what it needs -----------------------------------------------------------

cl_apt() { # PACKAGE...: quietly; one apt-get update when the install fails
	command -v apt-get >/dev/null || return 1
	local opts=(-y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends)
	cl_note "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1 && return 0
	apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install "${opts[@]}" "$@" >/dev/null 2>&1
}

[ "$(id -u)" = 0 ] || skip "needs root"
prepare=0
[ "${1:-}" = --prepare ] && prepare=1
if [ $prepare = 0 ]; then
	BRIG=${BRIG:-$HERE/../../build/runtime/cli/brig}
	[ -x "$BRIG" ] || { echo "BRIG must name the brig binary (ctest sets it): $BRIG" >&2; exit 1; }
	BRIG=$(readlink -f "$BRIG")
fi
missing=()
for pc in dockerd:docker.io containerd:containerd containerd-shim-runc-v2:containerd podman:podman \
	conmon:conmon jq:jq script:bsdutils; do
	[ -n "$(pick "${pc%%:*}")" ] || missing+=("${pc#*:}")
done
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
	# shellcheck disable=SC2046
	cl_apt $(printf '%s\n' "${missing[@]}" | sort -u) || skip "cannot install ${missing[*]} (Debian packages)"
	DOCKER=$(pick docker) DOCKERD=$(pick dockerd) CONTAINERD=$(pick containerd) CTR=$(pick ctr) PODMAN=$(pick podman)
fi
for c in "$DOCKER" "$DOCKERD" "$CONTAINERD" "$CTR" "$PODMAN"; do
	[ -n "$c" ] || skip "docker.io, containerd or podman did not install"
done
RUNC=${RUNC:-$(pick runc)}
[ "$RUNC" = none ] && RUNC=
# crun 1.8.1 refuses every container on a hybrid host: a third column only
# where it runs (clients_v2.sh sets it in the pure-v2 VM).
CRUN=${CRUN:-}
[ "$CRUN" = none ] && CRUN=
[ $prepare = 1 ] && exit 0

# ---- the run's directory and its cleanup -------------------------------------

TOP=${TMPDIR:-/tmp}
daemons_sweep "$TOP"
DIR=$(mktemp -d "$TOP/brig-clients.XXXXXX")
chmod 755 "$DIR"
echo $$ >"$DIR/.owner"
cleanup() {
	local rc=$?
	trap - EXIT HUP INT TERM
	if [ "${CLIENTS_KEEP:-0}" = 1 ]; then
		cl_note "kept $DIR; stop with: bash $HERE/daemons.sh stop $DIR"
		echo 0 >"$DIR/.owner" # no sweep by the next run
	else
		daemons_stop "$DIR"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The runtimes under test: a private copy of brig (a rebuild during the run
# does not change it), each behind the logging wrapper named like the runtime.
mkdir -p "$DIR/bin/real" "$DIR/log"
cp "$BRIG" "$DIR/bin/real/brig"
wrap() { # NAME REAL: the path the clients get
	if [ "${CLIENTS_LOG:-1}" = 0 ] && [ -n "${ASAN_OPTIONS:-}" ] && [ "$1" = brig ]; then
		# podman calls the runtime with an environment of its own
		mkdir -p "$DIR/bin/wrap"
		printf '#!/bin/sh\nASAN_OPTIONS=%q exec %q "$@"\n' "$ASAN_OPTIONS" "$2" >"$DIR/bin/wrap/brig"
		chmod 755 "$DIR/bin/wrap/brig"
		echo "$DIR/bin/wrap/brig"
	elif [ "${CLIENTS_LOG:-1}" = 0 ] || { [ "${CLIENTS_LOG_REFS:-1}" = 0 ] && [ "$1" != brig ]; }; then
		echo "$2"
	else
		bash "$HERE/runtime-logger.sh" install "$DIR/bin/wrap" "$2" "$DIR/log/$1"
	fi
}
W_BRIG=$(wrap brig "$DIR/bin/real/brig")
runtimes=("brig=$W_BRIG")
if [ -n "$RUNC" ]; then
	W_RUNC=$(wrap runc "$RUNC")
	runtimes+=("runc-ref=$W_RUNC")
fi
if [ -n "$CRUN" ]; then
	W_CRUN=$(wrap crun "$CRUN")
	runtimes+=("crun-ref=$W_CRUN")
fi

# A machine where the daemons or the image do not work runs no scenario with
# runc either: nothing to compare (their logs are printed above).
t_start=$(now)
daemons_start "$DIR" "${runtimes[@]}" || skip "containerd or dockerd did not start"
bash "$HERE/images.sh" "$DIR" || skip "the image did not load"

# ---- the scenarios -------------------------------------------------------------

CLIENTS=${CLIENTS:-docker ctr podman}
pass_run() { # NAME RUNTIME LOGDIR [CLIENTS]
	local t0 pid clients=${4:-$CLIENTS}
	t0=$(now)
	echo "== $1 ($2; $clients)"
	# In a process group of its own, waited for: a signal reaches the trap at
	# once (bash runs traps between foreground commands only), and
	# daemons_stop ends the pass by its group id. ($CLIENTS: one word each)
	# shellcheck disable=SC2086
	SCN_LOG=$3 setsid bash -c 'bash "$@" | tee "$0"' "$DIR/results-$1.txt" \
		"$HERE/scenarios.sh" "$DIR" "$1" "$2" $clients &
	pid=$!
	echo "$pid:$(proc_start "$pid")" >"$DIR/.pass" # for daemons_stop
	wait "$pid"
	cl_note "$1: $(since "$t0")s"
}
logdir() { # (none for a runtime without the wrapper)
	[ "${CLIENTS_LOG:-1}" = 0 ] || { [ "${CLIENTS_LOG_REFS:-1}" = 0 ] && [ "$1" != brig ]; } ||
		echo "$DIR/log/$1"
}
pass_run brig "$W_BRIG" "$(logdir brig)"
[ -n "$RUNC" ] && pass_run runc-ref "$W_RUNC" "$(logdir runc)"
[ -n "$CRUN" ] && pass_run crun-ref "$W_CRUN" "$(logdir crun)" "${CRUN_CLIENTS:-$CLIENTS}"

result() { sed -n "s/^\(PASS\|FAIL\) $2\(:.*\)\?$/\1/p" "$DIR/results-$1.txt" 2>/dev/null; }
echo "== brig and runc${CRUN:+ and crun}"
row() { { printf '%-36s' "$1"; shift; printf ' %-5s' "$@"; echo; } | sed 's/ *$//'; } # NAME CELL...
row scenario brig runc ${CRUN:+crun}
regressions=()
while read -r name; do
	b=$(result brig "$name") r=- c=
	[ -n "$RUNC" ] && r=$(result runc-ref "$name")
	[ -n "$CRUN" ] && c=$(result crun-ref "$name")
	row "$name" "$b" "${r:--}" ${CRUN:+"${c:--}"}
	[ "$b" = PASS ] && continue
	# (a scenario runc did not run, "-", is one brig must pass)
	[ -n "$RUNC" ] && [ "$r" = FAIL ] && continue
	regressions+=("$name")
done < <(sed -n 's/^\(PASS\|FAIL\) \([^:]*\).*/\2/p' "$DIR/results-brig.txt" "$DIR/results-runc-ref.txt" \
	"$DIR/results-crun-ref.txt" 2>/dev/null | awk '!seen[$0]++')
echo "brig: $(tail -n1 "$DIR/results-brig.txt")"
[ -n "$RUNC" ] && echo "runc: $(tail -n1 "$DIR/results-runc-ref.txt")"
[ -n "$CRUN" ] && echo "crun: $(tail -n1 "$DIR/results-crun-ref.txt")"

# The runtime calls that failed while a scenario brig failed ran.
if [ ${#regressions[@]} -gt 0 ] && [ "${CLIENTS_LOG:-1}" != 0 ]; then
	echo "== failed brig calls"
	for name in "${regressions[@]}"; do
		read -r from to < <(awk -F'\t' -v n="$name" '$1 == n { print $2, $3 }' "$DIR/marks-brig.tsv")
		echo "# $name:"
		calls=$(bash "$HERE/runtime-logger.sh" failed "$DIR/log/brig" "${from:-0}" "${to:-0}")
		printf '%s\n' "${calls:-(every runtime call of it succeeded)}" | sed 's/^/#   /'
	done
fi
cl_note "total $(since "$t_start")s"
if [ ${#regressions[@]} -gt 0 ]; then
	echo "FAIL brig fails where runc passes: ${regressions[*]}"
	exit 1
fi
echo "PASS brig passes every scenario runc passes"
exit 0
