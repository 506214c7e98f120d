#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every option brig's parser accepts (brig-doc --options lists the tables) is
# in `brig VERB --help`, in the verb's man page, offered by the bash
# completion and named in the zsh one; every man page renders without a
# warning. Needs no root. Exit 77 (skip) only when man(1) or zsh is missing.
set -u
: "${BRIG:?}" "${BRIG_DOC:?}" "${DOC_DIR:?}"
MAN=$DOC_DIR/man8
COMP=$DOC_DIR/completion
fail=0 n=0
not_ok() { echo "not ok - $*"; fail=$((fail + 1)); }
for tool in man zsh; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP needs $tool (Debian packages man-db, zsh)"; exit 77; }
done

# The page, the --help command and the completion words of a table's verb:
# "brig" is the global options', "network create" a subcommand's.
page_of() { case $1 in brig) echo "$MAN/brig.8" ;; *) echo "$MAN/brig-${1%% *}.8" ;; esac; }
help_of() { case $1 in brig) "$BRIG" --help ;; *) "$BRIG" ${1%% *} --help ;; esac; }
# bash: the words offered for "OPT" as the last word after the verb.
bash_offers() {
	local verb=$1 opt=$2
	# shellcheck disable=SC1090
	(source "$COMP/brig"
	 if [ "$verb" = brig ]; then COMP_WORDS=(brig "$opt"); else read -ra w <<<"$verb"; COMP_WORDS=(brig "${w[@]}" "$opt"); fi
	 COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	 _brig
	 printf '%s\n' "${COMPREPLY[@]}")
}

bash -n "$COMP/brig" || not_ok "the bash completion does not parse"
zsh -n "$COMP/_brig" || not_ok "the zsh completion does not parse"

while IFS=$'\t' read -r verb opt; do
	[ -n "$verb" ] || continue
	n=$((n + 1))
	[ "$opt" = --help ] && continue
	esc=${opt//-/\\\\-}
	help_of "$verb" | grep -Eq -- "(^|[ ,(])$opt([ ,=)]|$)" || not_ok "$verb: $opt is not in its --help"
	grep -Eq -- "$esc" "$(page_of "$verb")" || not_ok "$verb: $opt is not in $(basename "$(page_of "$verb")")"
	bash_offers "$verb" "$opt" | grep -qx -- "$opt" || not_ok "$verb: the bash completion does not offer $opt"
	grep -q -- "$opt" "$COMP/_brig" || not_ok "$verb: the zsh completion does not name $opt"
done < <("$BRIG_DOC" --options)

pages=0
for p in "$MAN"/*.8; do
	pages=$((pages + 1))
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	[ -z "$out" ] || not_ok "$(basename "$p") renders with warnings: $out"
	LC_ALL=C.UTF-8 man -l "$p" 2>/dev/null | grep -q '^NAME' || not_ok "$(basename "$p") has no NAME section"
done
verbs=$("$BRIG" --help | awk '/^verbs:/ {v = 1; next} /^$/ {v = 0} v {print $1}' | wc -l)
[ "$pages" = $((verbs + 1)) ] || not_ok "$pages man pages for $verbs verbs (want one each and brig.8)"
echo "# $n options checked in --help, man, bash and zsh; $pages man pages rendered"
[ "$fail" = 0 ] || { echo "# $fail failures"; exit 1; }
echo "ok - every option is documented and completed"
