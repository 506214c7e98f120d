# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# A throwaway unprivileged user for the rootless tests, made and removed by a
# test that runs as root (sourced after lib.sh, after conf_init):
#
#   rl_user_create NAME   useradd -m NAME (unique: include $$), its ranges in
#                         /etc/subuid and /etc/subgid (useradd's, or added),
#                         /run/user/UID (mode 0700, the user's). Sets RL_USER,
#                         RL_UID, RL_GID, RL_HOME, RL_XDG, RL_SUBUID, RL_SUBGID,
#                         RL_SUBN (the ranges' first id and size).
#   rl_as CMD...          CMD as the user (setpriv: no capabilities, the user's
#                         groups), with a clean environment (HOME, USER, LOGNAME,
#                         PATH, XDG_RUNTIME_DIR, ASAN_OPTIONS and RL_ENV's
#                         "K=V" words), in RL_HOME, stdin /dev/null, a timeout
#                         (RL_TIMEOUT, 60 s); sets RC, OUT, ERR like lib.sh's brig.
#                         With RL_CGROUP set (rl_cgroup_delegate) it first moves
#                         itself into that cgroup. RL_RUNNER, if set, is a command
#                         prefix that replaces setpriv and must run what follows as
#                         the user; with systemd's user@UID.service running, e.g.
#                         "runuser -u USER -- env XDG_RUNTIME_DIR=/run/user/UID
#                         systemd-run --user --scope --quiet" puts the command in a
#                         scope of the user's delegated cgroup.
#   rl_tun_allow          lets the user open /dev/net/tun (slirp4netns) with an ACL
#                         entry for its uid when the node's mode does not already
#   rl_cgroup_delegate N  a cgroup N in every hierarchy (v1 and v2), chowned to the
#                         user (cpuset's cpus and mems copied, v2 controllers
#                         enabled in its parent): what root does to delegate one
#                         without systemd; sets RL_CGROUP to its leaf N/shell,
#                         where rl_as then starts the user's commands
#   rl_podman_config [M]  the user's ~/.config/containers: vfs storage, file
#                         events, brig among the runtimes that take --log-format
#                         json; cgroup_manager M, or podman's default without M
#   rl_user_procs         pids of the user and of its subordinate ranges
#   rl_user_remove        everything above undone (also run by the EXIT trap and,
#                         after a SIGKILL, by the next run's sweep of the temp dir)
#
# Everything made is recorded in $CONF_TMP/.rootless first, so the cleanup finds
# it whatever failed. The user's processes are ended by pid, after the callers'
# own cleanup (brig delete, podman rm) had its chance.

RL_USER=
RL_TIMEOUT=${RL_TIMEOUT:-60}
RL_ENV=()
RL_CGROUP=
RL_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

rl_record() { echo "$*" >>"$CONF_TMP/.rootless"; }

# rl_free_range FILE: the first id after every range in FILE (>= 100000).
rl_free_range() {
	awk -F: 'BEGIN { m = 100000 } NF >= 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' "$1" 2>/dev/null ||
		echo 100000
}

# rl_subid FILE USER: "START COUNT" of USER's first range in FILE.
rl_subid() { awk -F: -v u="$2" '$1 == u { print $2, $3; exit }' "$1" 2>/dev/null; }

rl_user_create() {
	local name=$1 start kind f line
	RL_USER=$name
	rl_record "user $name"
	useradd -m -s /bin/sh -c "brig rootless test" "$name" >/dev/null 2>&1 ||
		{ conf_log "useradd $name failed"; return 1; }
	RL_UID=$(id -u "$name") RL_GID=$(id -g "$name")
	RL_HOME=$(getent passwd "$name" | cut -d: -f6)
	rl_record "uid $RL_UID"
	# useradd gives ranges when /etc/subuid exists (SUB_UID_COUNT); else add
	# one after every other range, remembered for the removal
	for kind in uid gid; do
		f=/etc/sub$kind
		if [ -z "$(rl_subid "$f" "$name")" ]; then
			start=$(rl_free_range "$f")
			line="$name:$start:65536"
			rl_record "sub$kind $line"
			echo "$line" >>"$f"
		fi
	done
	read -r RL_SUBUID RL_SUBN < <(rl_subid /etc/subuid "$name")
	read -r RL_SUBGID _ < <(rl_subid /etc/subgid "$name")
	RL_XDG=/run/user/$RL_UID
	if [ ! -d "$RL_XDG" ]; then
		rl_record "xdg $RL_XDG"
		mkdir -p "$RL_XDG"
	fi
	chown "$RL_UID:$RL_GID" "$RL_XDG"
	chmod 700 "$RL_XDG"
	conf_log "test user $name: uid $RL_UID gid $RL_GID, subuid $RL_SUBUID+$RL_SUBN, subgid $RL_SUBGID, XDG_RUNTIME_DIR $RL_XDG"
}

rl_env() {
	printf '%s\n' HOME="$RL_HOME" USER="$RL_USER" LOGNAME="$RL_USER" PATH="$RL_PATH" \
		XDG_RUNTIME_DIR="$RL_XDG" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "${RL_ENV[@]}"
}

# The command line that runs CMD as the user (for rl_as and for callers that
# need it in a pipe).
rl_cmd() {
	local envs=()
	mapfile -t envs < <(rl_env)
	local run=(setpriv --reuid "$RL_UID" --regid "$RL_GID" --init-groups)
	# shellcheck disable=SC2206
	[ -n "${RL_RUNNER:-}" ] && run=($RL_RUNNER)
	if [ -n "$RL_CGROUP" ]; then
		# shellcheck disable=SC2016
		printf '%s\0' sh -c 'for f in $RL_CG_PROCS; do echo $$ >"$f" || exit 125; done; exec "$@"' \
			rl-cgroup "${run[@]}" env -i -C "$RL_HOME" "${envs[@]}" "$@"
	else
		printf '%s\0' "${run[@]}" env -i -C "$RL_HOME" "${envs[@]}" "$@"
	fi
}

rl_as() {
	local cmd=()
	mapfile -d '' -t cmd < <(rl_cmd "$@")
	LAST_CMD="(as $RL_USER) $*"
	RL_CG_PROCS=$(rl_cgroup_procs)
	export RL_CG_PROCS
	conf_fg timeout -k 5 "$RL_TIMEOUT" "${cmd[@]}" \
		</dev/null >"$CONF_TMP/.rl.out" 2>"$CONF_TMP/.rl.err"
	RC=$?
	OUT=$(cat "$CONF_TMP/.rl.out")
	ERR=$(cat "$CONF_TMP/.rl.err")
	return 0
}

rl_as_sh() { rl_as sh -c "$1"; }

# ---- /dev/net/tun ----------------------------------------------------------

rl_tun_allow() {
	local dev=/dev/net/tun minimal=0
	[ -c "$dev" ] || return 1
	rl_as sh -c ": <>$dev" && [ "$RC" = 0 ] && return 0
	conf_need setfacl acl
	[ "$(getfacl -cp "$dev" 2>/dev/null | grep -c .)" = 3 ] && minimal=1
	rl_record "acl $dev $minimal"
	conf_log "$dev: mode $(stat -c %a "$dev") (no udev rule here): an ACL entry for uid $RL_UID"
	setfacl -m "u:$RL_UID:rw" "$dev"
}

# ---- a delegated cgroup, by hand ---------------------------------------------

rl_podman_config() {
	local cfgdir=$RL_HOME/.config/containers
	mkdir -p "$cfgdir"
	printf '[storage]\ndriver = "vfs"\n' >"$cfgdir/storage.conf"
	{
		echo "[engine]"
		[ -z "${1:-}" ] || echo "cgroup_manager = \"$1\""
		echo 'events_logger = "file"'
		echo 'runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "brig"]'
	} >"$cfgdir/containers.conf"
	chown -R "$RL_UID:$RL_GID" "$RL_HOME/.config"
}

rl_cgroup_dirs() { # NAME: its directory in every mounted hierarchy
	local m
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u |
		while read -r m; do echo "$m/$1"; done
}

rl_cgroup_procs() {
	[ -n "$RL_CGROUP" ] || return 0
	rl_cgroup_dirs "$RL_CGROUP" | sed 's|$|/cgroup.procs|' | tr '\n' ' '
}

# cgroup v2: the controllers a delegate may enable below NAME must be enabled
# in its parent (as brig itself does top-down when it creates a cgroup as root)
rl_cgroup_v2_enable() { # DIR (the delegated cgroup, on a cgroup2 mount)
	local parent=${1%/*} c want=
	[ -f "$parent/cgroup.subtree_control" ] || return 0
	for c in cpu io memory pids; do
		grep -qw "$c" "$parent/cgroup.controllers" 2>/dev/null &&
			! grep -qw "$c" "$parent/cgroup.subtree_control" && want="$want +$c"
	done
	[ -z "$want" ] || echo "$want" >"$parent/cgroup.subtree_control" 2>/dev/null || true
}

# NAME is the delegated cgroup; the user's commands run in its leaf NAME/shell
# (cgroup v2 puts no processes beside child cgroups that have controllers), the
# containers go below NAME.
rl_cgroup_delegate() {
	local name=$1 d
	rl_record "cgroup $name"
	for d in $(rl_cgroup_dirs "$name"); do
		[ -f "${d%/*}/cgroup.subtree_control" ] && rl_cgroup_v2_enable "$d"
		mkdir -p "$d/shell" || return 1
		# a new v1 cpuset cgroup starts empty (v2's inherits)
		if [ -f "$d/cpuset.cpus" ] && [ ! -f "$d/cgroup.subtree_control" ]; then
			cat "${d%/*}/cpuset.cpus" >"$d/cpuset.cpus"
			cat "${d%/*}/cpuset.mems" >"$d/cpuset.mems"
			cat "$d/cpuset.cpus" >"$d/shell/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/shell/cpuset.mems"
		fi
		# the directories and the files a delegate writes (cgroup v2's
		# delegation set; in v1 every file of the cgroup)
		chown -R "$RL_UID:$RL_GID" "$d" 2>/dev/null
	done
	RL_CGROUP=$name/shell
}

# ---- client scenarios, brig beside runc ------------------------------------------

declare -A RL_RESULT RL_REASON

# rl_scenarios RUNTIME-NAME SCENARIO...: runs s_SCENARIO for each (it sets R,
# the reason, when it fails), then scn_cleanup if the caller has one.
rl_scenarios() {
	local name=$1 s
	shift
	for s in "$@"; do
		R=
		if "s_$s"; then RL_RESULT[$name.$s]=PASS; else RL_RESULT[$name.$s]=FAIL; fi
		RL_REASON[$name.$s]=$R
		declare -F scn_cleanup >/dev/null && scn_cleanup
	done
}

# rl_table CLIENT SCENARIO...: the brig/runc table, the reasons of what failed,
# and one check per scenario: brig passes it wherever runc does (a scenario
# runc fails too is a skip with runc's reason).
rl_table() {
	local client=$1 s k b r desc
	shift
	printf '# %-20s %-6s %s\n' scenario brig runc
	for s in "$@"; do
		printf '# %-20s %-6s %s\n' "$s" "${RL_RESULT[brig.$s]:-}" "${RL_RESULT[runc.$s]:-}"
	done
	for k in "${!RL_REASON[@]}"; do
		[ -n "${RL_REASON[$k]}" ] && conf_log "$k: ${RL_REASON[$k]}"
	done
	for s in "$@"; do
		desc="[$client] rootless $s: brig passes where runc does"
		b=${RL_RESULT[brig.$s]:-} r=${RL_RESULT[runc.$s]:-none}
		if [ "$b" = PASS ]; then
			ok "$desc"
		elif [ "$r" = FAIL ]; then
			skip "$desc" "runc fails it too: ${RL_REASON[runc.$s]}"
		else
			not_ok "$desc" "brig: ${RL_REASON[brig.$s]:-not run}"
		fi
	done
}

# expect_rc WANT WHAT: RC is WANT, else R says what it was.
expect_rc() {
	[ "$RC" = "$1" ] && return 0
	R="$2: exit $RC, want $1: $(printf '%s' "$ERR" | tail -n 3 | tr '\n' ' ')"
	return 1
}

squeeze() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }

# ---- processes and removal ---------------------------------------------------

# The live pids whose real uid is the user's or in its subordinate range:
# every process of the test user and of its containers (a zombie is dead; one
# whose parent is a pid 1 that reaps late is not a leftover).
rl_user_procs() { # [UID SUBUID SUBN]
	local uid=${1:-$RL_UID} sub=${2:-${RL_SUBUID:-0}} n=${3:-${RL_SUBN:-0}}
	[ -n "$uid" ] || return 0
	awk -v u="$uid" -v s="$sub" -v n="$n" '/^State:/ { z = $2 == "Z" } /^Uid:/ {
		if (!z && ($2 == u || (n > 0 && $2 >= s && $2 < s + n))) {
			split(FILENAME, p, "/"); print p[3] } nextfile }' /proc/[0-9]*/status 2>/dev/null
}

rl_kill_procs() { # UID SUBUID SUBN
	local p n=0
	for _ in 1 2 3; do
		for p in $(rl_user_procs "$@"); do
			kill -9 "$p" 2>/dev/null && n=$((n + 1))
		done
		[ -z "$(rl_user_procs "$@")" ] && break
		sleep 0.2
	done
	return 0
}

# rl_teardown FILE: undoes what a .rootless record lists (the current run's or
# a stale one's).
rl_teardown() {
	local rec=$1 user="" uid="" sub=0 n=0 kind a b d line
	[ -f "$rec" ] || return 0
	while read -r kind a b; do
		case $kind in
		user) user=$a ;;
		uid) uid=$a ;;
		esac
	done <"$rec"
	if [ -n "$user" ] && id "$user" >/dev/null 2>&1; then
		read -r sub n < <(rl_subid /etc/subuid "$user")
		uid=$(id -u "$user")
	fi
	if [ -n "$uid" ]; then
		[ -n "$(rl_user_procs "$uid" "${sub:-0}" "${n:-0}")" ] &&
			echo "# cleanup: ending the processes of $user ($uid) and its ranges" >&2
		rl_kill_procs "$uid" "${sub:-0}" "${n:-0}"
	fi
	while read -r kind a b; do
		case $kind in
		cgroup)
			for d in $(rl_cgroup_dirs "$a" | sort -r); do
				[ -d "$d" ] || continue
				find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
				wait_for 2 rmdir "$d" || echo "# cleanup: could not remove cgroup $d" >&2
			done
			;;
		acl)
			setfacl -x "u:$uid" "$a" 2>/dev/null
			# back to no ACL at all when it had none (a mask entry stays)
			[ "$b" = 1 ] && [ -z "$(getfacl -cp "$a" 2>/dev/null | grep '^user:[^:]')" ] &&
				setfacl -b "$a" 2>/dev/null
			;;
		esac
	done <"$rec"
	for d in ${user:+/home/$user} ${uid:+/run/user/$uid}; do
		[ -n "$d" ] && conf_unmount_under "$d"
	done
	if [ -n "$user" ] && id "$user" >/dev/null 2>&1; then
		# -f when a zombie of the user's waits for a pid 1 that reaps late
		userdel -r "$user" >/dev/null 2>&1 || userdel -r -f "$user" >/dev/null 2>&1 ||
			echo "# cleanup: userdel -r $user failed" >&2
	fi
	while read -r kind a b; do
		case $kind in
		subuid | subgid)
			line=$a
			grep -qxF "$line" "/etc/$kind" 2>/dev/null &&
				sed -i "\|^${line}\$|d" "/etc/$kind"
			;;
		xdg) rm -rf --one-file-system "$a" ;;
		esac
	done <"$rec"
	# userdel -r removes the home; what a failed one left goes too
	[ -n "$user" ] && [ -d "/home/$user" ] && rm -rf --one-file-system "/home/$user"
	[ -n "$uid" ] && [ -d "/run/user/$uid" ] && grep -q "^xdg /run/user/$uid\$" "$rec" &&
		rm -rf --one-file-system "/run/user/$uid"
	rm -f "$rec"
}

rl_user_remove() {
	[ -n "$CONF_TMP" ] && rl_teardown "$CONF_TMP/.rootless"
	RL_USER=
}

# lib.sh's teardown of a temp dir (this run's, or a stale one) calls this first.
conf_teardown_hook() { rl_teardown "$1/.rootless"; }
