#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DWARF speed: a probe with variables by name, `uprobe add --dry-run`
# against `perf probe -n` with the same variables on the same file, and the
# listing of functions, `uprobe funcs FILE [GLOB]` against `perf probe -F`,
# each a whole process, timed with hyperfine (else a shell loop). Files: a
# program generated here with 100+ MB of DWARF (many compilation units,
# each with the same few hundred struct types, as a big C++ or kernel-style
# build has), and libc through libc6-dbg. Writes the "DWARF speed" section
# of bench/REPORT.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-20}
NCU=${NCU:-1000}	# compilation units
NSTRUCT=${NSTRUCT:-600}	# struct types in the shared header
GEN=${GEN:-build/bench/dwarf}
UPROBE=$ROOT/uprobe
REPORT=bench/REPORT.md
LIBC=/lib/x86_64-linux-gnu/libc.so.6

. bench/common.bash
need_pkg hyperfine hyperfine || true
need_deb libc6-dbg || true
make --no-print-directory -s uprobe
mkdir -p "$GEN"

gen_sources() {
	python3 - "$GEN" "$NCU" "$NSTRUCT" <<'EOF'
import os, sys
out, ncu, ns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
types = ["int", "long", "unsigned short", "char *", "double", "unsigned char"]
h = []
for i in range(ns):
    m = " ".join("%s m%d;" % ("long" if j in (1, 3) else types[(i + j) % 6], j)
                 for j in range(12))
    h.append("struct s%d { %s struct s%d *next; };" % (i, m, i))
open(os.path.join(out, "big.h"), "w").write("\n".join(h) + "\n")
for cu in range(ncu):
    c = ['#include "big.h"', "#include <stdio.h>"]
    for f in range(20):
        c.append("__attribute__((noinline)) long f_%d_%d(struct s%d *p, int n, "
                 "const char *tag) { long acc = n; for (int i = 0; i < n; i++) "
                 "acc += p->m3 + i; if (tag) puts(tag); return acc + p->m1; }"
                 % (cu, f, (cu + f * 7) % ns))
    open(os.path.join(out, "cu%d.c" % cu), "w").write("\n".join(c) + "\n")
calls = "".join("f_%d_0(0, 0, 0); " % cu for cu in range(0, ncu, max(1, ncu // 50)))
decls = "".join("long f_%d_0(void *, int, const char *); " % cu
                for cu in range(0, ncu, max(1, ncu // 50)))
open(os.path.join(out, "main.c"), "w").write(
    "%s\nint main(int argc, char **argv) { if (argc > 5) { %s } return 0; }\n"
    % (decls, calls))
EOF
}

BIG=$GEN/big
if [ ! -x "$BIG" ]; then
	echo "dwarf.sh: generating $NCU compilation units (once, into $GEN)" >&2
	gen_sources
	ls "$GEN"/cu*.c "$GEN/main.c" | xargs -P "$(nproc)" -I{} \
		gcc -g -O2 -fno-eliminate-unused-debug-types -c {} -o {}.o
	gcc -o "$BIG" "$GEN"/*.c.o
fi
# GEN_ONLY=1: only build the program (bench/funcs.sh uses it too).
[ -n "${GEN_ONLY:-}" ] && exit 0
MID=$((NCU / 2))
FUNC=f_${MID}_7

# mean_ms CMD...: mean wall time in ms of CMD as a whole process.
mean_ms() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 2 -r "$RUNS" --export-json "$GEN/h.json" "$*" >/dev/null 2>&1
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0];
print("%.1f ± %.1f" % (r["mean"]*1000, r["stddev"]*1000))' "$GEN/h.json"
	else
		local t0 t1 i
		t0=$(date +%s%N)
		for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1; done
		t1=$(date +%s%N)
		echo "$(((t1 - t0) / RUNS / 1000000))"
	fi
}

have_perf() {
	command -v perf >/dev/null && [ "$(id -u)" = 0 ] &&
		perf probe -q -x "$1" -n "$2" >/dev/null 2>&1
}

# row LABEL FILE FUNC VARS...
rows=
row() {
	local label=$1 file=$2 func=$3 u p="(perf failed)"
	shift 3
	"$UPROBE" add -n "$file:$func" "$@" >"$GEN/u.out" 2>&1 || {
		echo "dwarf.sh: uprobe failed: $(cat "$GEN/u.out")" >&2; exit 1; }
	u=$(mean_ms "$UPROBE" add -n "$file:$func" "$@")
	if have_perf "$file" "$func $*"; then
		p=$(mean_ms perf probe -q -x "$file" -n "$func $*")
	fi
	rows+="| $label | \`$func $*\` | $u | $p | \`$(cut -d' ' -f3- "$GEN/u.out" | head -1)\` |"$'\n'
}

# max_rss_mb CMD...: the peak resident set of CMD, in MB.
max_rss_mb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'
	else
		echo "?"
	fi
}

# lrow LABEL FILE [GLOB]: listing the functions, as the bash completion does.
lrows=
lrow() {
	local label=$1 file=$2 u n p="(perf failed)" pn="" g=none
	shift 2
	[ $# = 0 ] || g="\`$1\`"
	n=$("$UPROBE" funcs "$file" "$@" | wc -l) || {
		echo "dwarf.sh: uprobe funcs $file $* failed" >&2; exit 1; }
	u=$(mean_ms "$UPROBE" funcs "$file" "$@")
	if command -v perf >/dev/null && perf probe -q -x "$file" -F "$@" >/dev/null 2>&1; then
		p=$(mean_ms perf probe -q -x "$file" -F "$@")
		pn=" ($(perf probe -q -x "$file" -F "$@" | wc -l))"
	fi
	lrows+="| $label | $g | $u ($n) | $(max_rss_mb "$UPROBE" funcs "$file" "$@") |"
	lrows+=" $p$pn |"$'\n'
}

debug_mb() {
	readelf -SW "$1" | python3 -c 'import sys, re
s = sum(int(m.group(1), 16) for l in sys.stdin
        for m in [re.search(r"\] \.debug_\w+\s+\w+\s+\w+\s+\w+\s+(\w+)", l)] if m)
print("%.0f" % (s / 1048576))'
}

row "generated, $(debug_mb "$BIG") MB DWARF" "$BIG" "$FUNC" 'p->m3' n tag
if [ -e "$LIBC" ]; then
	LIBC=$(readlink -f "$LIBC")
	BID=$(readelf -n "$LIBC" | awk '/Build ID/ { print $3 }')
	DBG=/usr/lib/debug/.build-id/${BID:0:2}/${BID:2}.debug
	# perf probe finds malloc's DWARF only under its own name, __libc_malloc
	[ -f "$DBG" ] && row "libc + libc6-dbg ($(debug_mb "$DBG") MB DWARF)" "$LIBC" \
		__libc_malloc bytes
fi

lrow generated "$BIG"
lrow generated "$BIG" "f_${MID}_*"
[ -e "$LIBC" ] && lrow "libc + libc6-dbg" "$LIBC"

section=$(cat <<EOF
## DWARF speed

Written by \`bench/dwarf.sh\` on $(date +%F): $(nproc) CPUs, kernel $(uname -r),
$(perf version 2>/dev/null || echo "no perf"), $(hyperfine --version 2>/dev/null || echo "shell loop"), $RUNS runs per figure.

A probe with variables by name, as a whole process: \`uprobe add --dry-run
FILE:FUNC VARS\` against \`perf probe -x FILE -n 'FUNC VARS'\` (both dry runs:
nothing is written). The generated program has $NCU compilation units of 20
functions each, every unit carrying the same $NSTRUCT struct types (the shape
of a big C++ build). uprobe finds the function through the symbol table,
then reads only the compilation unit that holds it (\`.debug_aranges\`, else
the units' own ranges); perf probe walks the units to find the function.

| file | probe | uprobe (ms) | perf probe (ms) | uprobe's definition |
|---|---|---|---|---|
${rows}
Listing the functions, as the bash completion does (\`uprobe funcs FILE
'prefix*'\`): \`uprobe funcs FILE [GLOB]\` against \`perf probe -x FILE -F
[GLOB]\`, the number of lines listed in brackets. perf probe lists the
symbol table; uprobe reads every compilation unit (source names, C++
signatures, inlined copies), so its time follows the size of the DWARF.
Most of its resident set is the file's own pages, mapped by libdw. Until
commit 2d3e660 the whole listing of the generated program took 7.5 s: each
function's symbol was looked up with \`dwfl_module_addrname()\`, which scans
the whole symbol table.

| file | glob | uprobe funcs (ms, lines) | uprobe max RSS (MB) | perf probe -F (ms, lines) |
|---|---|---|---|---|
${lrows}
EOF
)
python3 - "$REPORT" "$section" <<'EOF'
import re, sys
path, section = sys.argv[1], sys.argv[2].rstrip() + "\n"
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pat = re.compile(r"^## DWARF speed\n.*?(?=^## |\Z)", re.S | re.M)
text = pat.sub(lambda m: section + "\n", text) if pat.search(text) else \
    text.rstrip() + "\n\n" + section
open(path, "w").write(text)
EOF
echo "$section"
