#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every benchmark in bench/ (each bench/*.sh but this one); each writes
# its own section of bench/REPORT.md. Any failure fails the run.
cd "$(dirname "$0")" || exit 1
rc=0
for b in ./*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== bench/${b#./}"
	"$b" || { echo "bench/${b#./}: failed" >&2; rc=1; }
done
exit $rc
