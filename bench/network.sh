#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# network.sh [-n N] [-b BUNDLES] [-o OUT] [-m internal|host-reachable|no-icc] [BRIG]
#
# The cost of joining a brig network at create, paired: per iteration the same
# `default` bundle (which has a network namespace) is created and deleted
# twice, once plain and once with `--network NET`, in an order that alternates
# per iteration (plain first, then net first). Prints the medians of create,
# delete and both, and the median of the differences net - plain over pairs
# of iterations (each variant once first and once second).
#   BRIG      the brig binary ($BRIG, else /tmp/bench-build/runtime/cli/brig, built if missing)
#   -n N      iterations (default 100)
#   -b DIR    bundles from make-bundle.sh (default /tmp/bench-bundles, built if missing)
#   -o DIR    raw samples and the report (default /tmp/bench-network.PID)
#   -m MODE   the network's kind (default internal)
# The network lives in a private BRIG_NETWORK_DIR on 198.18.200.0/24 (RFC 2544's
# benchmarking range) and is removed on exit with the containers. Run as root.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
N=100 BUNDLES=/tmp/bench-bundles OUT='' MODE=internal

usage() {
	sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

while getopts "n:b:o:m:h" o; do
	case $o in
	n) N=$OPTARG ;;
	b) BUNDLES=$OPTARG ;;
	o) OUT=$OPTARG ;;
	m) MODE=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $MODE in
internal) FLAGS=(--internal) ;;
host-reachable) FLAGS=(--host-reachable) ;;
no-icc) FLAGS=(--no-icc) ;;
*) usage ;;
esac

need() { # CMD PKG
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "# installing $2" >&2
	apt-get install -y --no-install-recommends "$2" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "$2" >&2; }
}
need jq jq

BRIG=${1:-${BRIG:-/tmp/bench-build/runtime/cli/brig}}
if [ ! -x "$BRIG" ]; then
	echo "# building brig into /tmp/bench-build" >&2
	cmake -S "$HERE/.." -B /tmp/bench-build -DCMAKE_BUILD_TYPE=Release >&2
	cmake --build /tmp/bench-build --target brig >&2
	BRIG=/tmp/bench-build/runtime/cli/brig
fi
"$BRIG" network --help >/dev/null 2>&1 || { echo "network: $BRIG has no network verb" >&2; exit 2; }

ID=bench-$$ STATE=/run/bench-$$ NET=bn$$
OUT=${OUT:-/tmp/bench-network.$$}
mkdir -p "$OUT" "$STATE/root"
OUT=$(cd "$OUT" && pwd)
SAMPLES=$OUT/samples.tsv ERRF=$OUT/stderr.last
: >"$SAMPLES"
export BRIG_NETWORK_DIR=$STATE/networks

rt() { "$BRIG" --root "$STATE/root" "$@" </dev/null 2>"$ERRF"; }

CUR=''
cleanup() {
	local c
	[ -z "$CUR" ] || rt delete --force "$CUR" >/dev/null 2>&1 || true
	for c in $("$BRIG" --root "$STATE/root" list -q 2>/dev/null); do
		case $c in "$ID"-*) rt delete --force "$c" >/dev/null 2>&1 || true ;; esac
	done
	"$BRIG" network rm "$NET" >/dev/null 2>&1 || true
	rm -rf "$STATE"
	rmdir /sys/fs/cgroup/*/"$ID" /sys/fs/cgroup/"$ID" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -f "$BUNDLES/default/config.json" ]; then
	sh "$HERE/make-bundle.sh" "$BUNDLES" >&2
fi
mkdir -p "$OUT/bundle"
jq --arg r "$(cd "$BUNDLES/default/rootfs" && pwd)" --arg cg "/$ID" \
	'.root.path = $r | .linux.cgroupsPath = $cg' "$BUNDLES/default/config.json" \
	>"$OUT/bundle/config.json"

"$BRIG" network create "$NET" --subnet 198.18.200.0/24 "${FLAGS[@]}" >/dev/null

FAILS=0
once() { # VARIANT(plain|net) ITER RECORD(0|1)
	local id="$ID-$1-$2" t0 t1 t2 args=()
	[ "$1" = net ] && args=(--network "$NET")
	CUR=$id
	t0=${EPOCHREALTIME/./}
	rt create --bundle "$OUT/bundle" "${args[@]}" "$id" >/dev/null ||
		{ FAILS=$((FAILS + 1)); echo "# $1 create failed: $(head -c 300 "$ERRF")"; return 0; }
	t1=${EPOCHREALTIME/./}
	rt delete --force "$id" >/dev/null ||
		{ FAILS=$((FAILS + 1)); echo "# $1 delete failed: $(head -c 300 "$ERRF")"; return 0; }
	t2=${EPOCHREALTIME/./}
	CUR=''
	[ "$3" = 1 ] && printf '%s\t%s\t%s\t%s\n' "$1" "$2" $((t1 - t0)) $((t2 - t1)) >>"$SAMPLES"
	return 0
}

{
	echo "# network.sh: N=$N, mode $MODE, $(nproc) cpus, $(uname -r)"
	echo "#   brig: $BRIG ($("$BRIG" --version 2>&1 | head -2 | paste -sd ' '))"
} | tee "$OUT/report.txt"
once plain warm 0
once net warm 0
START=$SECONDS
for ((it = 0; it < N; it++)); do
	if ((it % 2)); then once net $it 1; once plain $it 1; else once plain $it 1; once net $it 1; fi
	if (((it + 1) % 25 == 0)); then echo "# $((it + 1))/$N iterations, $((SECONDS - START)) s" >&2; fi
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "-"; exit }
	printf "%.2f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { # VARIANT COLUMN(3 create, 4 delete, 5 both) -> ms values
	awk -F'\t' -v v="$1" -v c="$2" '$1 == v { x = c == 5 ? $3 + $4 : $c; print x / 1000 }' "$SAMPLES"
}
# The first create of an iteration is often slower than the second whatever
# its variant (see bench/README.md on hybrid hosts), so a per-iteration
# difference is +x or -y by turns and its median means little. Two
# consecutive iterations have each variant once in each position: their
# mean difference cancels the position.
diffs() { # COLUMN -> per pair of iterations (net - plain) / 2, ms
	awk -F'\t' -v c="$1" '{ x = c == 5 ? $3 + $4 : $c; k = int($2 / 2)
		if ($1 == "net") { B[k] += x; nb[k]++ } else { A[k] += x; na[k]++ } }
		END { for (k in B) if (nb[k] == 2 && na[k] == 2) print (B[k] - A[k]) / 2000 }' "$SAMPLES"
}
{
	echo
	echo "== ms per container, median over N; added = median over iteration pairs of (net - plain)"
	printf '%-8s %9s %9s %9s\n' step plain net added
	for c in 3:create 4:delete 5:both; do
		printf '%-8s %9s %9s %9s\n' "${c#*:}" "$(col plain "${c%%:*}" | median)" \
			"$(col net "${c%%:*}" | median)" "$(diffs "${c%%:*}" | median)"
	done
	echo
	echo "# $N iterations in $((SECONDS - START)) s, $FAILS failures; raw samples: $SAMPLES"
} | tee -a "$OUT/report.txt"
