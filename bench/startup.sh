#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Startup and resolve: a dry run `uprobe add -n /bin/bash:readline` (one
# symbol, no debug information needed) as a whole process, time and peak RSS,
# against `eu-readelf -s | grep` (the floor of reading a symbol table) and
# `perf probe -n`; and one that does need the DWARF (libc with libc6-dbg, a
# variable by name). UPROBE_BEFORE=BINARY adds a row for an older build (the
# figures before libdebuginfod went lazy: a build of commit 1bc687d).
# Writes the "Startup and resolve" section of bench/REPORT.md.
set -euo pipefail
. "$(dirname "$0")/common.bash"
cd "$ROOT"
make --no-print-directory -s uprobe
need_pkg hyperfine hyperfine || true
need_pkg eu-readelf elfutils || exit 0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

BASH_BIN=$(readlink -f /bin/bash)
rows=
row() {	# LABEL CMD: a row of the first table; sets $T and $M
	T=$(median_ms "$2")
	M=$(peak_mb "$2")
	printf '%-44s %8s ms %6s MB\n' "$1" "$T" "$M"
	rows+="| $1 | \`${2//|/\\|}\` | $T | $M |"$'\n'
}

echo "startup: $(machine)"
row "uprobe add -n (today)" "$UPROBE add -n $BASH_BIN:readline"
UT=$T UM=$M
if [ -n "${UPROBE_BEFORE:-}" ]; then
	row "uprobe add -n (before: \`$UPROBE_BEFORE\`)" "$UPROBE_BEFORE add -n $BASH_BIN:readline"
fi
row "eu-readelf -s \| grep" "eu-readelf -s $BASH_BIN | grep -w readline"
ET=$T EM=$M
PT=-
if command -v perf >/dev/null && [ "$(id -u)" = 0 ]; then
	row "perf probe -n" "perf probe -q -n -x $BASH_BIN -a readline"
	PT=$T
fi
# libdebuginfod, loaded or not (DEBUGINFOD_URLS unset)
LOADED=no
env -u DEBUGINFOD_URLS LD_DEBUG=files "$UPROBE" add -n "$BASH_BIN:readline" 2>&1 >/dev/null |
	grep -q 'file=libdebuginfod' && LOADED=yes

DW=
if need_deb libc6-dbg; then
	# a glob without variables reads no DWARF, even where there is some
	row "uprobe add -n of a glob, libc (no DWARF needed)" \
		"$UPROBE add -n --max-probes 1000 $LIBC:'str*'"
	[ -z "${UPROBE_BEFORE:-}" ] || row "the same (before)" \
		"$UPROBE_BEFORE add -n --max-probes 1000 $LIBC:'str*'"
	row "uprobe add -n, a variable (DWARF)" "$UPROBE add -n $LIBC:__libc_malloc bytes"
	DW=yes
	command -v perf >/dev/null && [ "$(id -u)" = 0 ] &&
		row "perf probe -n, a variable (DWARF)" "perf probe -q -n -x $LIBC -a '__libc_malloc bytes'"
fi

GT=$(min "$ET" 4) GM=$(min "$EM" 4)
{
	echo "## Startup and resolve"
	echo
	echo "Written by \`bench/startup.sh\` on $(date -u +%Y-%m-%d): $(machine)."
	echo "Median wall time of $RUNS runs as a whole process (hyperfine, shell start"
	echo "subtracted), peak RSS the most of 3 runs (\`/usr/bin/time -f %M\`, the"
	echo "biggest process of a pipe). \`$BASH_BIN\` has no debug information here."
	echo
	echo "| what | command | median (ms) | peak RSS (MB) |"
	echo "|---|---|---|---|"
	printf '%s' "$rows"
	echo
	echo "Goal: a dry run resolves at or under \`eu-readelf -s | grep\` and under"
	echo "4 ms and 4 MB; libdebuginfod is loaded only when DEBUGINFOD_URLS is set"
	echo "(loaded here without it: $LOADED)."
	echo
	echo "| goal | uprobe | limit | ratio | verdict |"
	echo "|---|---|---|---|---|"
	echo "| time (ms) | $UT | $GT | $(ratio "$UT" "$ET") of eu-readelf | $(verdict "$UT" "$GT") |"
	echo "| peak RSS (MB) | $UM | $GM | $(ratio "$UM" "$EM") of eu-readelf | $(verdict "$UM" "$GM") |"
	echo "| against perf probe -n (ms) | $UT | $PT | $(ratio "$UT" "$PT") | $(verdict "$UT" "$PT") |"
	echo "| libdebuginfod not loaded | $LOADED | no | - |" \
		"$([ $LOADED = no ] && echo PASS || echo FAIL) |"
	if [ -z "$DW" ]; then
		echo
		echo "libc6-dbg missing: the DWARF rows were skipped."
	fi
} >"$TMP/section"
write_section "Startup and resolve" "$TMP/section"
