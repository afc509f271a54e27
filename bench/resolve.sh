#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resolver speed: one symbol looked up in a 100+ MB shared library (libLLVM),
# by uprobe's resolver (bench/resolve-bench.c linked with the ELF resolver's
# objects) and by `perf probe -x LIB -n` (dry run: nothing is written), each as a
# whole process, timed with hyperfine when it is installed. Also a local
# function from a big .symtab (libjvm, when there is one). Writes the
# "Resolver speed" section of bench/REPORT.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
RUNS=${RUNS:-30}
DRIVER=$BUILD/bench/resolve-bench
REPORT=bench/REPORT.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

OBJS="$BUILD/resolve-target.o $BUILD/resolve-path.o $BUILD/resolve-elf.o $BUILD/resolve-sym.o
	$BUILD/resolve-glob.o $BUILD/resolve-import.o $BUILD/util.o"
# shellcheck disable=SC2086
make --no-print-directory -s $OBJS
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2046
cc -std=gnu11 -D_GNU_SOURCE -O2 -Iinclude -o "$DRIVER" bench/resolve-bench.c \
	$OBJS $(pkg-config --libs libelf)

. bench/common.bash
need_pkg hyperfine hyperfine || true
ls /usr/lib/x86_64-linux-gnu/libLLVM-*.so* >/dev/null 2>&1 || need_deb libllvm15 || true

# The biggest libLLVM on the machine.
LIB=$(ls -S /usr/lib/x86_64-linux-gnu/libLLVM-*.so* 2>/dev/null | head -1 || true)
if [ -z "$LIB" ]; then
	echo "resolve.sh: no libLLVM (apt-get install -y libllvm15): skipped" >&2
	exit 0
fi
LIB=$(readlink -f "$LIB")

# Defined functions of .dynsym in table order: the first and the last.
readelf --dyn-syms -W "$LIB" | awk '($4=="FUNC"||$4=="IFUNC") && $7!="UND" {
	sub(/@.*/, "", $8); print $8 }' >"$TMP/dyn"
EARLY=$(head -1 "$TMP/dyn")
LATE=$(tail -1 "$TMP/dyn")

# A local function, the last unique one of a big .symtab (libLLVM has none).
BIG=
for f in /usr/lib/jvm/*/lib/server/libjvm.so; do
	[ -f "$f" ] && readelf -SW "$f" | grep -q ' .symtab ' && { BIG=$(readlink -f "$f"); break; }
done
LOCAL=
if [ -n "$BIG" ]; then
	LOCAL=$(readelf -sW "$BIG" | awk '$4=="FUNC" && $5=="LOCAL" && $7!="UND" { print $8 }' |
		awk '{ n[$0]++; o[NR]=$0 } END { for (i = NR; i > 0; i--)
			if (n[o[i]] == 1 && o[i] !~ /[.@]/) { print o[i]; exit } }')
fi

have_perf=false
if command -v perf >/dev/null && [ "$(id -u)" = 0 ] &&
   perf probe -q -x "$LIB" -n --no-demangle -a "bench_ev=$EARLY" >/dev/null 2>&1; then
	have_perf=true
fi

# mean_ms NAME CMD...: the mean wall time of CMD in ms, as a whole process.
mean_ms() {
	local name=$1
	shift
	"$@" >/dev/null 2>&1 || { echo "resolve.sh: failed: $*" >&2; exit 1; }
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 3 -r "$RUNS" --export-json "$TMP/$name.json" "$(printf '%q ' "$@")" \
			>/dev/null 2>&1
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0];
print("%.2f %.2f" % (r["mean"]*1e3, r["stddev"]*1e3))' "$TMP/$name.json"
	else
		local i t0 t1
		t0=$(date +%s%N)
		for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1; done
		t1=$(date +%s%N)
		awk -v d=$((t1 - t0)) -v n="$RUNS" 'BEGIN { printf "%.2f -\n", d / n / 1e6 }'
	fi
}

# in_process SYM FILE: µs per open+lookup+close inside one process.
in_process() {
	"$DRIVER" -n 200 "$2" "$1" 2>&1 >/dev/null | sed -n 's/.*: \([0-9.]*\) us per.*/\1/p'
}

rows=
measure() {	# LABEL FILE SYMBOL
	local label=$1 file=$2 sym=$3 ours perf=- ratio=- inproc
	ours=$(mean_ms "ours-$label" "$DRIVER" "$file" "$sym")
	inproc=$(in_process "$sym" "$file")
	if $have_perf; then
		perf=$(mean_ms "perf-$label" perf probe -q -x "$file" -n --no-demangle \
			-a "bench_ev=$sym")
		ratio=$(awk -v a="${ours% *}" -v b="${perf% *}" 'BEGIN { printf "%.0fx", b / a }')
	fi
	printf '%-6s %-8s %10s ms %10s ms  %6s  (in process: %s us)  %s\n' "$label" \
		"$(basename "$file")" "${ours% *}" "${perf% *}" "$ratio" "$inproc" "$sym"
	rows+="| $label | \`$(basename "$file")\` | \`$sym\` | ${ours% *} ± ${ours#* } | "
	rows+="$inproc | ${perf% *} ± ${perf#* } | $ratio |"$'\n'
}

echo "resolver speed: $LIB ($(stat -c %s "$LIB") bytes), $RUNS runs each"
printf '%-6s %-8s %13s %13s  %6s\n' which file uprobe "perf probe" ratio
measure early "$LIB" "$EARLY"
measure late "$LIB" "$LATE"
[ -n "$LOCAL" ] && measure local "$BIG" "$LOCAL"

mb() { awk -v s="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MB", s / 1048576 }'; }
nsym() {	# FILE SECTION: its number of 24-byte entries
	local size
	size=$(readelf -SW "$1" | awk -v t="$2" '{ for (i = 1; i < NF; i++)
		if ($i == t) { print $(i + 4); exit } }')
	echo $((16#$size / 24))
}
{
	echo "## Resolver speed"
	echo
	echo "Written by \`bench/resolve.sh\` on $(date -u +%Y-%m-%d): $(nproc) CPUs,"
	echo "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r),"
	echo "$(perf version 2>/dev/null || echo 'no perf'), $(hyperfine --version 2>/dev/null ||
		echo "no hyperfine (shell loop)"), $RUNS runs per figure."
	echo
	echo "- \`$LIB\`: $(mb "$LIB"), $(nsym "$LIB" .dynsym) .dynsym entries, no .symtab."
	[ -n "$LOCAL" ] && echo "- \`$BIG\`: $(mb "$BIG"), $(nsym "$BIG" .symtab) .symtab entries" \
		"(for a local function)."
	echo
	echo "Each figure is a whole process: \`resolve-bench FILE SYMBOL\` (mmap, libelf"
	echo "headers, lookup, print the offset) against \`perf probe -q -x FILE -n"
	echo "--no-demangle -a ev=SYMBOL\` (a dry run). \"In process\" is one open + lookup"
	echo "+ close inside an already running process (mean of 200). A name in .dynsym"
	echo "is found through .gnu.hash (only the undefined entries before symoffset are"
	echo "read one by one), so early and late cost the same; .symtab has no hash and"
	echo "is scanned once, entry by entry, which is the local row. No index is built."
	echo
	echo "| symbol | file | name | uprobe (ms) | in process (µs) | perf probe (ms) | perf / uprobe |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s' "$rows"
	if ! $have_perf; then
		echo
		echo "perf probe could not run here (it needs root and perf)."
	fi
} >"$TMP/section"

write_section "Resolver speed" "$TMP/section"
