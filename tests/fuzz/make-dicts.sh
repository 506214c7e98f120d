#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make-dicts.sh: writes the dictionaries of the JSON formats from the string literals of the
# parsers that read them (the keys they look up and the names of enum values, quoted as they
# appear in a document) plus the numbers at the edges of the types they take. Rerun it when
# a parser learns a key. cgroup_record.dict and rtnl.dict are written by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
spec=$here/../../spec

# "name" -> a dictionary line holding "name" with its quotes
literals() {
	grep -ohE '"[A-Za-z_][A-Za-z0-9_.=+-]*"' "$@" | sort -u | sed 's/^"\(.*\)"$/"\\"\1\\""/'
}
edges() {
	printf '%s\n' '"null"' '"true"' '"false"' '"\"\""' '"[]"' '"{}"' '"-1"' '"0"' \
		'"4294967295"' '"4294967296"' '"2147483647"' '"2147483648"' \
		'"9223372036854775807"' '"9223372036854775808"' '"18446744073709551615"' \
		'"18446744073709551616"' '"1e400"' '"\"\\u0000\""' '"\"\\ud800\""'
}
write() { # NAME FILES...
	local name=$1
	shift
	{
		echo "# $name.dict: written by make-dicts.sh from ${*#"$spec/"}"
		literals "$@"
		edges
	} >"$here/$name.dict"
}

write config "$spec"/parse.c "$spec"/parse_process.c "$spec"/parse_linux.c \
	"$spec"/parse_resources.c "$spec"/parse_seccomp.c "$spec"/mountopts.c "$spec"/names.c
write state "$spec"/state.c
write seccomp "$spec"/parse_seccomp.c "$spec"/seccomp_json.c "$spec"/profile_docker.c \
	"$spec"/names.c
wc -l "$here"/*.dict
