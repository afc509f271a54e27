#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every benchmark in bench/ (each bench/*.sh but this one); each writes
# its own section of bench/REPORT.md, after "This machine", written here.
# Any failure fails the run. ONLY="startup funcs" runs only those.
cd "$(dirname "$0")" || exit 1
. ./common.bash
{
	echo "## This machine"
	echo
	echo "Last \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $(machine)."
	echo "$(grep -c ^processor /proc/cpuinfo) logical CPUs, $(awk '/MemTotal/ {
		printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) of memory, load average" \
		"$(cut -d' ' -f1-3 /proc/loadavg) at the start."
} >"${TMPDIR:-/tmp}/machine.$$"
write_section "This machine" "${TMPDIR:-/tmp}/machine.$$" top
rm -f "${TMPDIR:-/tmp}/machine.$$"
rc=0
for b in ./*.sh; do
	name=$(basename "$b" .sh)
	[ "$name" = run ] && continue
	[ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && continue
	echo "== bench/${b#./}"
	"$b" || { echo "bench/${b#./}: failed" >&2; rc=1; }
done
exit $rc
