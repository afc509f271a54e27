#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ground-truth corpus of issue 7: "a value shown is the value the
# program saw". tests/truth/gen.py writes C and C++ programs (and a shared
# library) whose traced functions print their own inputs as their first
# statement (TRUTH fn=NAME call=K a=5 s="xyz" ...); tests/truth/truth.py
# builds them with gcc and clang at -O0 -O1 -O2 -O3 -Os (-O0 -O2 with
# --quick), adds one event per function with every variable it prints
# (`uprobe add -g GROUP -e NAME PATH:FUNC NAME=EXPR...`, refusals recorded
# with the tool's reason), runs each program once under
# `uprobe --json stream GROUP/* -- PROG` and compares every value, call by
# call. With perf installed, the same cases through `perf probe -x` give
# side-by-side columns. The table goes to tests/out/truth.md and stdout
# (with --report FILE, also in place of FILE's "## Ground truth" section:
# `make truth` writes bench/REPORT.md's); the exit status is 1 when any
# uprobe case is wrong or missed. With --summary, stdout is a test tier
# instead (tests/live-truth.sh, in `make check`): a FAIL line per wrong or
# missed case, a SKIP line per refusal with its reason, and the closing
# "truth: N passed, N failed, N skipped" (passed: exact).
#
# Every print is one entry of the function at every level: the recursive
# functions are written so that no compiler turns a call into a loop (see
# gen.py), so a missed call is one a probe at the entry should have seen.
#
#   tests/truth/run.sh [--quick] [--no-perf] [--summary] [--report FILE] [--calls N]
#   (root; UPROBE=./uprobe)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UPROBE=${UPROBE:-$ROOT/uprobe}
if [ ! -x "$UPROBE" ]; then
	echo "truth: $UPROBE is not built (make all)" >&2
	exit 1
fi
G="truth_$(tr -dc a-z0-9 </dev/urandom | head -c 8)"
if [ ! -w /sys/kernel/tracing/uprobe_events ] &&
   [ ! -w /sys/kernel/debug/tracing/uprobe_events ]; then
	echo "truth: SKIP: tracefs not writable (not root, or lockdown)"
	exit 0
fi
# The groups are removed whatever happens (the runner also clears them
# between programs); perf's group is the same name with a p.
PY=
cleanup() {
	[ -n "$PY" ] && kill "$PY" 2>/dev/null && wait "$PY" 2>/dev/null
	"$UPROBE" clear -g "$G" >/dev/null 2>&1
	if command -v perf >/dev/null; then perf probe -q -d "${G}p:*" >/dev/null 2>&1; fi
	"$UPROBE" clear -g "${G}p" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
# In the background, so that a signal runs the trap at once (and stops it).
UPROBE=$UPROBE TRUTH_GROUP=$G python3 "$ROOT/tests/truth/truth.py" \
	--out "$ROOT/tests/out/truth.md" "$@" &
PY=$!
wait "$PY"
rc=$?
PY=
exit $rc
