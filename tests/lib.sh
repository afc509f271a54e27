# SPDX-License-Identifier: GPL-2.0
# Shared by the shell test tiers (cli-*.sh, live-*.sh). Source it, call
# the helpers, end with `finish`. Each script prints one line per check and
# a closing "N passed, N failed, N skipped" that tests/run-sh.sh adds up.

set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
UPROBE=${UPROBE:-$ROOT/uprobe}
case $UPROBE in /*) ;; *) UPROBE=$PWD/$UPROBE ;; esac
OUT=${OUT:-$ROOT/tests/out}
mkdir -p "$OUT"
T_PASS=0 T_FAIL=0 T_SKIP=0
T_NAME=$(basename "$0" .sh)

pass() { T_PASS=$((T_PASS + 1)); echo "ok - $T_NAME: $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $T_NAME: $*"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "SKIP - $T_NAME: $*"; }

# check DESC CMD...: passes when CMD exits 0.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" == "$3" ]; then pass "$1"
	else fail "$1: got '$2', want '$3'"; fi
}
# expect_match DESC TEXT REGEX (grep -E)
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass "$1"
	else fail "$1: '$3' not in: $(printf '%s' "$2" | head -c 600)"; fi
}
expect_nomatch() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		fail "$1: '$3' found in: $(printf '%s' "$2" | head -c 600)"
	else pass "$1"; fi
}
# run CMD...: sets $rc, $out (stdout) and $errout (stderr).
run() {
	local o e
	o=$(mktemp) e=$(mktemp)
	"$@" >"$o" 2>"$e"
	rc=$?
	out=$(cat "$o") errout=$(cat "$e")
	rm -f "$o" "$e"
}

finish() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}

# cc_fixture OUT SRC [FLAGS...]: build a fixture program, once per run.
cc_fixture() {
	local out=$1 src=$2; shift 2
	[ "$out" -nt "$src" ] && return 0
	"${CC:-gcc}" -g "$@" -o "$out" "$src"
}

# need_x86_64: the probes of a script fetch x86-64 registers; elsewhere the
# whole script skips, visibly.
need_x86_64() {
	[ "$(uname -m)" = x86_64 ] && return 0
	skip "all: the probes fetch x86-64 registers"
	finish
	exit 0
}

# stream_fixture [CFLAGS...]: tests/fixtures/stream-args.c built into $FIX
# (the stream tests' program that prints its own arguments), or the script
# ends failed.
stream_fixture() {
	FIX=$OUT/stream-args
	CHECK=$TESTS_DIR/fixtures/stream-check.py
	cc_fixture "$FIX" "$TESTS_DIR/fixtures/stream-args.c" -O2 -fno-omit-frame-pointer "$@" ||
		{ fail "build fixture"; finish; exit 1; }
}

# bg_run CMD...: CMD in the background (stdout $OUT/cmd.txt, stderr
# $OUT/cmd.err) for at most 15 s, then killed and said so; sets p (its pid),
# bg_rc (its status) and bg_cmd (the pid the fixture printed as "pid N").
bg_run() {
	local i
	"$@" >"$OUT/cmd.txt" 2>"$OUT/cmd.err" &
	p=$!
	for i in $(seq 150); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$p" 2>/dev/null && { echo "still running after 15 s"; kill -KILL "$p"; }
	wait "$p"
	bg_rc=$?
	bg_cmd=$(sed -n 's/^pid //p' "$OUT/cmd.txt")
}

# bg_done COUNT: prints "rc COUNT [CMD left]" for the run of bg_run, kills
# what is left of its CMD, and shows its first errors when it failed.
bg_done() {
	echo "$bg_rc $1" "$([ -n "$bg_cmd" ] && kill -0 "$bg_cmd" 2>/dev/null && echo "CMD left")"
	[ -n "$bg_cmd" ] && kill -KILL "$bg_cmd" 2>/dev/null
	[ "$bg_rc" = 0 ] || head -3 "$OUT/cmd.err"
}

# --- live-kernel helpers -------------------------------------------------
TRACEFS=
# need_tracefs: finds (or as root mounts) tracefs; otherwise skips the
# whole script with a visible reason, never a silent pass.
need_tracefs() {
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -w "$d/uprobe_events" ] && { TRACEFS=$d; return 0; }
	done
	if [ "$(id -u)" = 0 ] && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
	   [ -w /sys/kernel/tracing/uprobe_events ]; then
		TRACEFS=/sys/kernel/tracing; return 0
	fi
	skip "all live tests: tracefs not writable (not root, or lockdown)"
	finish
	exit 0
}

# new_group VAR: a group of this run's own (random suffix) in $VAR, removed
# on exit whatever happens, with every event in it disabled first. (Not in
# a $(...) subshell: the trap and the list must live in the test's shell.)
new_group() {
	if [ $# -ne 1 ]; then
		echo "lib.sh: use 'new_group VAR', not \$(new_group): a subshell loses the cleanup trap" >&2
		return 1
	fi
	local g="ut_$(tr -dc a-z0-9 </dev/urandom | head -c 8)"
	T_GROUPS="${T_GROUPS:-} $g"
	trap cleanup_groups EXIT
	trap 'cleanup_groups; exit 130' INT TERM
	printf -v "$1" '%s' "$g"
}
cleanup_groups() {
	local g ev
	for g in ${T_GROUPS:-}; do
		for ev in $(grep -o "^[pr]:$g/[^ ]*" "$TRACEFS/uprobe_events" 2>/dev/null | cut -d/ -f2); do
			for en in "$TRACEFS"/events/$g/$ev/enable "$TRACEFS"/instances/*/events/$g/$ev/enable; do
				[ -f "$en" ] && echo 0 > "$en" 2>/dev/null
			done
			echo "-:$g/$ev" >> "$TRACEFS/uprobe_events" 2>/dev/null
		done
		# instances a test made for its group (GROUP_*), also when it failed
		for d in "$TRACEFS"/instances/"${g}"_*; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
}
# hits GROUP EVENT: the event's count. uprobe_profile names no group, but
# lists the probes in uprobe_events' order: take the line at the same index.
hits() {
	local n
	n=$(grep -n "^[pr]:$1/$2 " "$TRACEFS/uprobe_events" | head -1 | cut -d: -f1)
	[ -n "$n" ] || return 1
	sed -n "${n}p" "$TRACEFS/uprobe_profile" | awk -v e="$2" '$2 == e { print $3 }'
}
