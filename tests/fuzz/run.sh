#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run.sh FUZZER SECONDS SEEDS DICT WORKDIR [LIBFUZZER_ARGS...]: fuzzes for SECONDS from the
# seeds plus what earlier runs found (WORKDIR/corpus, where new inputs go: never into the
# seeds in the repository), and prints the executions and coverage. A crash, a leak, a
# sanitizer report, a timeout (20 s for one input) or running out of memory fails the test:
# the input is saved under WORKDIR/artifacts/ and printed in base64, so that a CI log alone
# reproduces it.
set -uo pipefail
[ $# -ge 5 ] || { echo "usage: $0 FUZZER SECONDS SEEDS DICT WORKDIR [ARGS...]" >&2; exit 2; }
fuzzer=$1 seconds=$2 seeds=$3 dict=$4 work=$5
shift 5
name=$(basename "$fuzzer")
log=$work/fuzz.log
mkdir -p "$work/corpus" "$work/artifacts"
touch "$work/.start"
sleep 1 # artifacts of this run are the files newer than .start

# UBSan stops at the first report (-fno-sanitize-recover): with its stack, please
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# leaks inside a library that brig cannot mend, each explained there
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")" && pwd -P)/lsan.supp}
start=$(date +%s)
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	-dict="$dict" -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))

final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n1; }
# "#1234 DONE cov: 567 ft: 890 corp: 12/3456b ..." -> "cov 567 ft 890 corpus 12"
cov() { sed -n "s/^#[0-9]*[[:space:]]*$1[[:space:]].*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1 ft \2 corpus \3/p" "$log" | tail -n1; }
runs=$(final_stat number_of_executed_units)
echo "$name: ${runs:-?} executions in ${elapsed} s (${runs:+$(final_stat average_exec_per_sec)/s}), start: $(cov INITED), end: $(cov '[A-Z]*')"
grep '^stat::' "$log"
echo "$name: log $log"

artifacts=$(find "$work/artifacts" -type f -newer "$work/.start" 2>/dev/null)
if [ $rc -eq 0 ] && [ -z "$artifacts" ]; then
	exit 0
fi
echo "---- $name failed (libFuzzer exit $rc); its log from the first report on:"
first=$(grep -n -m1 -E '^==[0-9]+==|runtime error:|fuzz property failed|^ERROR: libFuzzer' "$log" | cut -d: -f1)
if [ -n "$first" ]; then
	tail -n +"$first" "$log" | head -n 200
else
	tail -n 60 "$log"
fi
for a in $artifacts; do
	echo "---- $name: input saved as $a ($(wc -c <"$a") bytes)"
	echo "reproduce: $fuzzer $a"
	echo "or from this log: base64 -d >input <<'B64' && $fuzzer input"
	base64 -w 76 "$a"
	echo "B64"
done
exit 1
