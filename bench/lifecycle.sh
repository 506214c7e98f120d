#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# lifecycle.sh [-n N] [-b BUNDLES] [-v VARIANTS] [-o OUT] [-L] [-F] [-S] [RUNTIME...]
#
# Times the lifecycle of a /bin/true container, N sequential containers per runtime,
# all runtimes on the same bundle in one interleaved run, and prints medians and
# paired ratios against the first runtime. Per iteration and runtime:
#   lifecycle: create --bundle B, start, `state` until "stopped", delete
#   run:       one foreground `run --bundle B` (create+start+wait+delete in one call)
# The order of the runtimes alternates per iteration (A B C, then C B A) so that slow
# drifts of a noisy machine hit all of them alike.
#
#   RUNTIME   a runtime binary, or LABEL=BINARY (to compare two builds of one runtime),
#             either with @systemd or @cgroupfs after it: that runtime's cgroup driver.
#             Default: brig ($BRIG, else /tmp/bench-build/runtime/cli/brig, built if missing),
#             runc, and crun (only with -L on a hybrid cgroup host, which crun 1.8 refuses)
#   -n N      iterations (default 100)
#   -b DIR    bundles from make-bundle.sh (default /tmp/bench-bundles, built if missing)
#   -v LIST   bundle variants, comma separated (default "default"; also nonet, userns)
#   -o DIR    raw samples, errors and the report (default /tmp/bench-results.PID)
#   -L        run everything in a private mount namespace with an empty tmpfs over
#             /sys/fs/cgroup/unified: a hybrid host then looks like pure cgroup v1 to
#             every runtime (crun accepts that). Nothing outside the namespace changes.
#   -F        add bench/floor.c (built with gcc -static) to `run`: the kernel work alone
#   -S        the systemd cgroup driver by default (--systemd-cgroup, no cgroupsPath: each
#             runtime's default unit, one per container); needs systemd as PID 1
# Needs bash >= 5 (EPOCHREALTIME), jq; installs missing tools with apt-get. Run as root.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
N=100 BUNDLES=/tmp/bench-bundles VARIANTS=default OUT='' LEGACY=0 FLOOR=0 DRIVER=cgroupfs
ORIG_ARGS=("$@")

usage() {
	sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while getopts "n:b:v:o:LFSh" o; do
	case $o in
	n) N=$OPTARG ;;
	b) BUNDLES=$OPTARG ;;
	v) VARIANTS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	L) LEGACY=1 ;;
	F) FLOOR=1 ;;
	S) DRIVER=systemd ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

is_hybrid() {
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]
}

# -L: re-exec once inside a private mount namespace. --propagation private keeps the
# tmpfs (and every mount the runtimes make) from reaching the host.
if [ "$LEGACY" = 1 ] && [ -z "${BENCH_IN_NS:-}" ]; then
	if is_hybrid; then
		# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
		exec unshare -m --propagation private bash -c \
			'mount -t tmpfs -o size=1m,mode=755 bench-nocg2 /sys/fs/cgroup/unified &&
			 BENCH_IN_NS=1 exec bash "$0" "$@"' "$0" "${ORIG_ARGS[@]}"
	fi
	echo "# -L: /sys/fs/cgroup/unified is not a cgroup2 mount here; nothing to hide"
fi

# Installs PKG with apt-get when CMD is missing.
need() { # CMD PKG
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "# installing $2" >&2
	# a fresh machine may have no package lists yet
	apt-get install -y --no-install-recommends "$2" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "$2" >&2; }
}
need jq jq

# ---------------------------------------------------------------- runtimes
LABEL=() BIN=() DRV=()
add_runtime() { # LABEL BINARY [DRIVER]
	LABEL+=("$1")
	BIN+=("$2")
	DRV+=("${3:-$DRIVER}")
}
if [ $# -eq 0 ]; then
	brig=${BRIG:-/tmp/bench-build/runtime/cli/brig}
	if [ ! -x "$brig" ] && [ -z "${BRIG:-}" ]; then
		echo "# building brig into /tmp/bench-build" >&2
		cmake -S "$HERE/.." -B /tmp/bench-build -DCMAKE_BUILD_TYPE=Release >&2
		cmake --build /tmp/bench-build --target brig >&2
	fi
	add_runtime brig "$brig"
	need runc runc
	add_runtime runc "$(command -v runc)"
	if is_hybrid && [ -z "${BENCH_IN_NS:-}" ]; then
		echo "# crun skipped: crun <= 1.8 refuses hybrid cgroup hosts" \
			"(\"cgroups in hybrid mode not supported\"); -L includes it"
	else
		need crun crun
		add_runtime crun "$(command -v crun)"
	fi
else
	for r in "$@"; do
		d=$DRIVER
		case $r in
		*@systemd | *@cgroupfs) d=${r##*@} r=${r%@*} ;;
		esac
		case $r in
		*=*) l=${r%%=*} r=${r#*=} ;;
		*) l=$(basename "$r") ;;
		esac
		bin=$(command -v "$r") || { echo "lifecycle: no runtime '$r'" >&2; exit 2; }
		add_runtime "$l" "$bin" "$d"
	done
fi
NR=${#LABEL[@]}
for ((k = 0; k < NR; k++)); do
	[ -x "${BIN[k]}" ] || { echo "lifecycle: ${LABEL[k]}: '${BIN[k]}' is not executable" >&2; exit 2; }
done

# ---------------------------------------------------------------- state, cleanup
ID=bench-$$                 # prefix of every container id and cgroup of this run
STATE=/run/bench-$$         # one private --root per runtime under it
OUT=${OUT:-/tmp/bench-results.$$}
mkdir -p "$OUT" "$STATE"
OUT=$(cd "$OUT" && pwd)
SAMPLES=$OUT/samples.tsv ERRORS=$OUT/errors.log ERRF=$OUT/stderr.last
: >"$SAMPLES"
: >"$ERRORS"
ROOT=()
for ((k = 0; k < NR; k++)); do ROOT+=("$STATE/$k"); mkdir -p "${ROOT[k]}"; done

FLAGS=() # per runtime: the global flag of its cgroup driver
for ((k = 0; k < NR; k++)); do
	f=
	[ "${DRV[k]}" = systemd ] && f=--systemd-cgroup
	FLAGS+=("$f")
done
rt() { # K ARGS...: one runtime call, stderr kept in $ERRF for the error report
	# shellcheck disable=SC2086 # FLAGS[k] is one word or none
	"${BIN[$1]}" ${FLAGS[$1]} --root "${ROOT[$1]}" "${@:2}" </dev/null 2>"$ERRF"
}

# Deletes what this run left behind: its containers (by id prefix, in its own roots),
# its state roots, and the (empty) cgroups the runtimes made for its cgroupsPath.
CUR_K='' CUR_ID=''    # the container in flight, deleted first even if `list` is broken
cleanup() {
	local k c
	[ -z "$CUR_K" ] || rt "$CUR_K" delete --force "$CUR_ID" >/dev/null 2>&1 || true
	for ((k = 0; k < NR; k++)); do
		for c in $("${BIN[k]}" --root "${ROOT[k]}" list -q 2>/dev/null); do
			case $c in "$ID"-*) rt "$k" delete --force "$c" >/dev/null 2>&1 || true ;; esac
		done
	done
	rm -rf "$STATE"
	rmdir /sys/fs/cgroup/*/"$ID"-* /sys/fs/cgroup/"$ID"-* 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- bundles
# Each variant gets a per-run config: the same rootfs, and a cgroupsPath unique to this
# run, so that two benchmarks at once do not share cgroups.
for v in ${VARIANTS//,/ }; do
	if [ ! -f "$BUNDLES/$v/config.json" ]; then
		sh "$HERE/make-bundle.sh" "$BUNDLES" >&2
		[ -f "$BUNDLES/$v/config.json" ] || { echo "lifecycle: no bundle '$v'" >&2; exit 2; }
	fi
	mkdir -p "$OUT/bundle-$v" "$OUT/bundle-$v-systemd"
	jq --arg r "$(cd "$BUNDLES/$v/rootfs" && pwd)" --arg cg "/$ID-$v" \
		'.root.path = $r | .linux.cgroupsPath = $cg' "$BUNDLES/$v/config.json" \
		>"$OUT/bundle-$v/config.json"
	# the systemd driver: no cgroupsPath, so each container gets its runtime's
	# default unit (runc-ID.scope, crun-ID.scope, brig-ID.scope in system.slice)
	jq --arg r "$(cd "$BUNDLES/$v/rootfs" && pwd)" '.root.path = $r | del(.linux.cgroupsPath)' \
		"$BUNDLES/$v/config.json" >"$OUT/bundle-$v-systemd/config.json"
done
bundle() { # K VARIANT: the bundle for runtime K's cgroup driver
	if [ "${DRV[$1]}" = systemd ]; then echo "$OUT/bundle-$2-systemd"; else echo "$OUT/bundle-$2"; fi
}

if [ "$FLOOR" = 1 ]; then
	gcc -O2 -static -o "$OUT/floor" "$HERE/floor.c"
fi
floor_args() { # VARIANT -> floor options and rootfs
	case $1 in
	nonet) echo "-n $BUNDLES/nonet/rootfs" ;;
	userns) echo "-U $BUNDLES/userns/rootfs" ;;
	*) echo "$BUNDLES/$1/rootfs" ;;
	esac
}

# ---------------------------------------------------------------- header
cgmode=v1
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && cgmode=v2
if is_hybrid; then cgmode=hybrid; fi
[ -n "${BENCH_IN_NS:-}" ] && cgmode="hybrid, cgroup2 hidden by -L: v1 only"
{
	echo "# lifecycle.sh: N=$N, variants $VARIANTS, $(nproc) cpus, $(uname -r), cgroups $cgmode"
	for ((k = 0; k < NR; k++)); do
		echo "#   ${LABEL[k]}: ${BIN[k]}, ${DRV[k]} driver ($("${BIN[k]}" --version 2>&1 | head -2 | paste -sd ' '))"
	done
	echo "# every runtime creates and removes a cgroup per container (cgroupsPath /$ID-VARIANT);"
	echo "# with -L (no cgroup2) brig runs without one: compare with crun in a pure-v2 VM"
	echo "# (conformance/vm/vm-run.sh -- bench/lifecycle.sh ...) for like with like"
} | tee "$OUT/report.txt"

# ---------------------------------------------------------------- measures
declare -A FAILS SEEN FAILM
fail() { # K MEASURE VERB ID: report the first error per runtime and verb, count the rest
	local key="${LABEL[$1]} $2 $3" msg
	# warm-up failures are shown, not counted
	[[ $4 == *-warm-* ]] || FAILM[${LABEL[$1]} $2]=$((${FAILM[${LABEL[$1]} $2]:-0} + 1))
	msg=$(head -c 600 "$ERRF" | tr '\n' ' ')
	msg=${msg%"${msg##*[! ]}"}
	printf '%s\t%s\t%s\t%s\t%s\n' "${LABEL[$1]}" "$2" "$3" "$4" "$msg" >>"$ERRORS"
	FAILS[$key]=$((${FAILS[$key]:-0} + 1))
	if [ -z "${SEEN[$key]:-}" ]; then
		SEEN[$key]=$msg
		echo "# ${LABEL[$1]}: $2 failed at $3 ($4): ${msg:-no message}"
	fi
	rt "$1" delete --force "$4" >/dev/null 2>&1 || true
}

STOPPED='"status":[[:space:]]*"stopped"'
wait_stopped() { # K ID: polls `state`; sets POLLS
	local deadline=$((${EPOCHREALTIME/./} + 5000000)) out
	POLLS=0
	while ((${EPOCHREALTIME/./} < deadline)); do
		POLLS=$((POLLS + 1))
		out=$(rt "$1" state "$2") || return 1
		[[ $out =~ $STOPPED ]] && return 0
	done
	echo "not stopped after 5 s: $out" >"$ERRF"
	return 1
}

record() { # MEASURE VARIANT LABEL ITER OK TOTAL [CREATE START WAIT DELETE POLLS]
	local IFS=$'\t'
	echo "$*" >>"$SAMPLES"
}

lifecycle() { # K VARIANT ITER RECORD(0|1)
	local k=$1 v=$2 id="$ID-$1-$2-$3-l" t0 t1 t2 t3 t4 b
	CUR_K=$k CUR_ID=$id
	b=$(bundle "$k" "$v")
	t0=${EPOCHREALTIME/./}
	rt "$k" create --bundle "$b" "$id" >/dev/null || { fail "$k" lifecycle create "$id"; return 0; }
	t1=${EPOCHREALTIME/./}
	rt "$k" start "$id" >/dev/null || { fail "$k" lifecycle start "$id"; return 0; }
	t2=${EPOCHREALTIME/./}
	wait_stopped "$k" "$id" || { fail "$k" lifecycle state "$id"; return 0; }
	t3=${EPOCHREALTIME/./}
	rt "$k" delete "$id" >/dev/null || { fail "$k" lifecycle delete "$id"; return 0; }
	t4=${EPOCHREALTIME/./}
	[ "$4" = 1 ] || return 0
	record lifecycle "$v" "${LABEL[k]}" "$3" 1 $((t4 - t0)) \
		$((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3)) "$POLLS"
}

run_once() { # K|floor VARIANT ITER RECORD(0|1)
	local id="$ID-$1-$2-$3-r" t0 t1 label=floor rc=0 b=
	[ "$1" = floor ] || b=$(bundle "$1" "$2")
	t0=${EPOCHREALTIME/./}
	if [ "$1" = floor ]; then
		# shellcheck disable=SC2046 # floor_args is options and a path without spaces
		"$OUT/floor" $(floor_args "$2") </dev/null 2>"$ERRF" || rc=$?
	else
		label=${LABEL[$1]} CUR_K=$1 CUR_ID=$id
		rt "$1" run --bundle "$b" "$id" >/dev/null || rc=$?
	fi
	t1=${EPOCHREALTIME/./}
	if [ $rc != 0 ]; then
		[ "$1" = floor ] || { fail "$1" run run "$id"; return 0; }
		echo "# floor failed (rc=$rc): $(head -c 300 "$ERRF")"
		return 0
	fi
	[ "$4" = 1 ] && record run "$2" "$label" "$3" 1 $((t1 - t0))
	return 0
}

order() { # ITER COUNT: 0..COUNT-1, reversed on odd iterations
	local i
	if (($1 % 2)); then for ((i = $2 - 1; i >= 0; i--)); do echo $i; done
	else for ((i = 0; i < $2; i++)); do echo $i; done; fi
}

START=$SECONDS
for v in ${VARIANTS//,/ }; do
	# Warm-up (not recorded): page cache, first exec of each binary; shows early errors.
	for ((k = 0; k < NR; k++)); do
		lifecycle $k "$v" warm 0
		run_once $k "$v" warm 0
	done
	[ "$FLOOR" = 1 ] && run_once floor "$v" warm 0
	for ((it = 0; it < N; it++)); do
		for k in $(order $it "$NR"); do lifecycle "$k" "$v" $it 1; done
		for k in $(order $it $((NR + FLOOR))); do
			((k < NR)) || k=floor
			run_once "$k" "$v" $it 1
		done
		if (((it + 1) % 25 == 0)); then echo "# $v: $((it + 1))/$N iterations, $((SECONDS - START)) s" >&2; fi
	done
done
ELAPSED=$((SECONDS - START))

# ---------------------------------------------------------------- report
# stats COLUMN MEASURE VARIANT LABEL -> "median p10 p90 count" in ms (nearest rank)
stats() {
	awk -F'\t' -v c="$1" -v m="$2" -v v="$3" -v l="$4" \
		'$1 == m && $2 == v && $3 == l && $5 == 1 { print $c / 1000 }' "$SAMPLES" | sort -g |
		awk '{ a[NR] = $1 }
		     function at(q,  i) { i = int(q * NR + 0.999999); return a[i < 1 ? 1 : i] }
		     END { if (NR == 0) { print "- - - 0"; exit }
			   med = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			   printf "%.2f %.2f %.2f %d\n", med, at(0.1), at(0.9), NR }'
}
# ratio MEASURE VARIANT LABEL: median over iterations of LABEL_i / FIRST_i
ratio() {
	awk -F'\t' -v m="$1" -v v="$2" -v a="${LABEL[0]}" -v b="$3" \
		'$1 == m && $2 == v && $5 == 1 { if ($3 == a) A[$4] = $6; if ($3 == b) B[$4] = $6 }
		 END { for (i in B) if ((i in A) && A[i] > 0) print B[i] / A[i] }' "$SAMPLES" | sort -g |
		awk '{ a[NR] = $1 }
		     END { if (NR == 0) { print "-"; exit }
			   printf "%.2f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

row() { # MEASURE VARIANT LABEL
	local med p10 p90
	read -r med p10 p90 _ < <(stats 6 "$@")
	printf '%-10s %-8s %-8s %9s %9s %9s %9s %6s\n' "$1" "$2" "$3" "$med" "$p10" "$p90" \
		"$(ratio "$@")" "${FAILM[$3 $1]:-0}"
}

COLS=("${LABEL[@]}")
[ "$FLOOR" = 1 ] && COLS+=(floor)
{
	echo
	echo "== ms per container: median, p10, p90 over N; ratio = median of per-iteration X/${LABEL[0]}"
	printf '%-10s %-8s %-8s %9s %9s %9s %9s %6s\n' measure variant runtime median p10 p90 \
		"x/${LABEL[0]}" fails
	for v in ${VARIANTS//,/ }; do
		for l in "${LABEL[@]}"; do row lifecycle "$v" "$l"; done
		for l in "${COLS[@]}"; do row run "$v" "$l"; done
	done
	if ! awk -F'\t' -v l="${LABEL[0]}" '$3 == l && $5 == 1 { f = 1 } END { exit !f }' "$SAMPLES"; then
		echo "# no ratios: ${LABEL[0]}, the reference, has no successful sample"
	fi
	echo
	echo "== lifecycle steps, median ms (wait = polling \`state\` until stopped; polls = state calls)"
	printf '%-8s %-8s %8s %8s %8s %8s %6s\n' variant runtime create start wait delete polls
	for v in ${VARIANTS//,/ }; do
		for l in "${LABEL[@]}"; do
			printf '%-8s %-8s' "$v" "$l"
			for c in 7 8 9 10; do printf ' %8s' "$(stats $c lifecycle "$v" "$l" | cut -d' ' -f1)"; done
			printf ' %6s\n' "$(awk -F'\t' -v v="$v" -v l="$l" '$1 == "lifecycle" && $2 == v &&
				$3 == l { print $11 }' "$SAMPLES" | sort -n | awk '{ a[NR] = $1 }
				END { print NR ? a[int((NR + 1) / 2)] : "-" }')"
		done
	done
	if [ -s "$ERRORS" ]; then
		echo
		echo "== failures (count including the warm-up, first message; all in $ERRORS)"
		for key in "${!SEEN[@]}"; do echo "  $key: ${FAILS[$key]}x: ${SEEN[$key]}"; done
	fi
	echo
	echo "# $N iterations in ${ELAPSED} s; raw samples: $SAMPLES"
} | tee -a "$OUT/report.txt"
