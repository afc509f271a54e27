#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Listing functions: `uprobe funcs FILE [GLOB]` against `perf probe -x FILE -F
# [GLOB]` and `bpftrace -l 'uprobe:FILE:GLOB'`, each a whole process, median
# time and peak RSS, on libc (with libc6-dbg) and on the generated program of
# bench/dwarf.sh (1000 compilation units). The glob row is what the bash
# completion runs on TAB. Writes the "Listing functions" section of bench/REPORT.md.
set -euo pipefail
. "$(dirname "$0")/common.bash"
cd "$ROOT"
make --no-print-directory -s uprobe
need_pkg hyperfine hyperfine || true
need_deb libc6-dbg || echo "funcs.sh: libc is listed from its symbol table alone" >&2
HAVE_PERF=false
command -v perf >/dev/null && [ "$(id -u)" = 0 ] && HAVE_PERF=true
HAVE_BT=false
need_pkg bpftrace bpftrace && [ "$(id -u)" = 0 ] && HAVE_BT=true
BIG=${GEN:-build/bench/dwarf}/big
[ -x "$BIG" ] || GEN_ONLY=1 bench/dwarf.sh
BIG=$(readlink -f "$BIG")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rows=
# one TOOL CMD: "ms MB lines" of CMD
one() {
	local n
	n=$(sh -c "$2" 2>/dev/null | wc -l)
	echo "$(median_ms "$2") $(peak_mb "$2") $n"
}

# measure LABEL FILE GLOB: a row of uprobe, perf probe -F, bpftrace -l; sets U P B
measure() {
	local label=$1 file=$2 glob=$3 q=
	[ -n "$glob" ] && q="'$glob'"
	U=$(one uprobe "$UPROBE funcs $file $q")
	P="- - -"
	$HAVE_PERF && P=$(one perf "perf probe -x $file -F $q")
	B="- - -"
	$HAVE_BT && B=$(one bpftrace "bpftrace -l 'uprobe:$file:${glob:-*}'")
	printf '%-28s uprobe %s | perf %s | bpftrace %s\n' "$label" "$U" "$P" "$B"
	set -- $U $P $B
	rows+="| $label | \`${glob:-none}\` | $1 ($3) | $2 | $4 ($6) | $5 | $7 ($9) | $8 |"$'\n'
}

# goal LABEL OURS LIMIT PEER: one line of the goals table
goals=
goal() {
	goals+="| $1 | $2 | $3 | $(ratio "$2" "$3") | $(verdict "$2" "$3") |"$'\n'
}
field() { echo "$1" | cut -d' ' -f"$2"; }

echo "funcs: $(machine)"
measure "libc + libc6-dbg" "$LIBC" ""
goal "libc: time (ms), at or under perf probe -F" "$(field "$U" 1)" "$(field "$P" 1)"
goal "libc: peak RSS (MB), under perf and bpftrace" "$(field "$U" 2)" \
	"$(min "$(field "$P" 2)" "$(field "$B" 2)")"
measure "libc, on TAB" "$LIBC" "mall*"
goal "libc: TAB \`mall*\` (ms), under 20" "$(field "$U" 1)" 20
measure "generated, 1000 units" "$BIG" ""
goal "1000 units: time (ms), under bpftrace -l" "$(field "$U" 1)" "$(field "$B" 1)"
goal "1000 units: peak RSS (MB), under perf and bpftrace" "$(field "$U" 2)" \
	"$(min "$(field "$P" 2)" "$(field "$B" 2)")"
measure "generated, 1000 units" "$BIG" "f_500_*"

{
	echo "## Listing functions"
	echo
	echo "Written by \`bench/funcs.sh\` on $(date -u +%Y-%m-%d): $(machine)."
	echo "Median of $RUNS runs as a whole process; peak RSS the most of 3 runs;"
	echo "the number of lines listed in brackets. uprobe reads the DWARF (source"
	echo "names, inlined copies, C++ signatures); perf probe -F and bpftrace -l list"
	echo "the symbol table."
	echo
	echo "| file | glob | uprobe (ms, lines) | MB | perf probe -F (ms, lines) | MB |" \
		"bpftrace -l (ms, lines) | MB |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s' "$rows"
	echo
	echo "| goal | uprobe | limit | ratio | verdict |"
	echo "|---|---|---|---|---|"
	printf '%s' "$goals"
	$HAVE_PERF || echo "perf probe could not run here (it needs root and perf)."
	$HAVE_BT || echo "bpftrace could not run here (it needs root and bpftrace)."
} >"$TMP/section"
write_section "Listing functions" "$TMP/section"
