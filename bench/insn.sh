#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instruction decoders for the probe-boundary check (src/insn.c): Capstone
# against Zydis, both from Debian, decoding whole functions linearly with
# bench/insn-bench.c. Speed on libLLVM's largest function and on one at the
# 99th percentile of its sizes; correctness over every function of libc
# (libc6-dbg's symbols: the AVX-512 string functions), Zydis checked against
# objdump where Capstone fails; the cost of linking each library into a
# program (the dynamic loader's time for an empty main). Writes the
# "Instruction decoder" section of bench/REPORT.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
RUNS=${RUNS:-200}
DRIVER=$BUILD/bench/insn-bench
REPORT=bench/REPORT.md
. bench/common.bash	# write_section
LIBDIR=/usr/lib/x86_64-linux-gnu
LIBC=/lib/x86_64-linux-gnu/libc.so.6
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Capstone and Zydis from Debian, installed when missing (as root).
need_deb libcapstone-dev && need_deb libzydis-dev || exit 0
make --no-print-directory -s all
mkdir -p "$BUILD/bench"
# the resolver is several files now: link every module (not the CLI's files)
MODS=$(ls "$BUILD"/*.o | grep -Ev '/(main|output[^/]*|cmd-[^/]*|add-[^/]*)\.o$')
# shellcheck disable=SC2046,SC2086
cc -std=gnu11 -D_GNU_SOURCE -O2 -Iinclude -o "$DRIVER" bench/insn-bench.c $MODS \
	$(pkg-config --libs libelf libdw libtracefs libtraceevent capstone) -lZydis

ls $LIBDIR/libLLVM-*.so* >/dev/null 2>&1 || need_deb libllvm15 || true
LLVM=$(ls -S $LIBDIR/libLLVM-*.so* 2>/dev/null | head -1 || true)
if [ -z "$LLVM" ]; then
	echo "insn.sh: no libLLVM: apt-get install -y libllvm15 (or libllvm14)" >&2
	exit 1
fi
LLVM=$(readlink -f "$LLVM")
# "SIZE NAME" of FILE's defined functions whose name is unique, smallest first.
funcs() {
	readelf -sW "$@" 2>/dev/null | awk '$4=="FUNC" && $7!="UND" && $3>0 {
		sub(/@.*/, "", $8); if (!($8 in size)) size[$8] = $3; n[$8]++ }
		END { for (f in n) if (n[f] == 1) print size[f], f }' | sort -n
}
funcs --dyn-syms "$LLVM" >"$TMP/llvm"
BIG=$(tail -1 "$TMP/llvm" | cut -d' ' -f2)
P99=$(awk '{ l[NR] = $2 } END { print l[int(NR * 0.99)] }' "$TMP/llvm")

# Every function of libc, by the symbols of its debug file when there is one.
id=$(readelf -n "$LIBC" 2>/dev/null | awk '/Build ID/ { print $3 }')
DBG=/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
[ -f "$DBG" ] || DBG=$LIBC
funcs "$DBG" | awk '{ print $2 }' >"$TMP/libc"

echo "insn: speed on $(basename "$LLVM")"
"$DRIVER" -n 200 "$LLVM" "$BIG" "$P99" | tee "$TMP/speed"
# The whole check of uprobe add (open, look up, read the bytes, decode from
# the entry) on the last instruction of the largest function: the CPU time
# of `add -n` (perf stat's task-clock: wall time is noise on a shared
# machine) against the same with --force, which skips the check.
LAST=$("$DRIVER" -l "$LLVM" "$BIG" | tail -1)
add_ms() {	# OPTION...: the mean task-clock of RUNS/4 dry runs, in ms
	perf stat -x, -e task-clock -r $((RUNS / 4)) ./uprobe add -n "$@" "$LLVM:$BIG+0x$LAST" \
		2>&1 >/dev/null | awk -F, '$3 ~ /^task-clock/ { printf "%.2f", $1 }'
}
CHECKED=n/a FORCED=n/a
if command -v perf >/dev/null; then
	CHECKED=$(add_ms) FORCED=$(add_ms --force)
fi
echo "insn: uprobe add -n on $BIG+0x$LAST: $CHECKED ms checked, $FORCED ms with --force"
echo "insn: every function of $(basename "$LIBC") ($(wc -l <"$TMP/libc"))"
xargs "$DRIVER" -q -n 0 "$LIBC" <"$TMP/libc" >"$TMP/sweep" || true
tail -1 "$TMP/sweep"
SUMMARY=$(tail -1 "$TMP/sweep")

# Zydis against objdump in each function Capstone cannot decode.
checked=0 wrong=0
for f in $(sed -n 's/^  in \([^ ]*\) .*/\1/p' "$TMP/sweep" | sort -u); do
	read -r va size < <(readelf -sW "$DBG" 2>/dev/null | awk -v f="$f" '$8==f && $4=="FUNC" {
		print $2, $3; exit }')
	"$DRIVER" -l "$LIBC" "$f" >"$TMP/zy"
	objdump -d --no-show-raw-insn --start-address=0x"$va" \
		--stop-address=$((16#$va + size)) "$LIBC" |
		sed -n 's/^ *\([0-9a-f]*\):\t.*/\1/p' |
		while read -r a; do printf '%x\n' $((16#$a - 16#$va)); done >"$TMP/od"
	checked=$((checked + 1))
	cmp -s "$TMP/zy" "$TMP/od" || { wrong=$((wrong + 1)); echo "insn: zydis != objdump in $f"; }
done
echo "insn: zydis against objdump where capstone fails: $checked functions, $wrong differ"

# The cost of the library itself, before any call: the dynamic loader's
# work (mostly relocations) for an empty program linked with it, median of
# RUNS execs, in TSC cycles as LD_DEBUG=statistics counts them.
printf 'int main(void) { return 0; }\n' >"$TMP/empty.c"
cc -o "$TMP/none" "$TMP/empty.c"
# shellcheck disable=SC2046
cc -o "$TMP/capstone" "$TMP/empty.c" -Wl,--no-as-needed $(pkg-config --libs capstone)
cc -o "$TMP/zydis" "$TMP/empty.c" -Wl,--no-as-needed -lZydis
MHZ=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
ld_cost() {	# PROGRAM: "CYCLES RELATIVE-RELOCATIONS µs"
	local i
	for ((i = 0; i < RUNS; i++)); do
		LD_DEBUG=statistics "$1" 2>&1 | sed -n 's/.*total startup time in dynamic loader: \([0-9]*\) cycles.*/\1/p'
	done | sort -n | awk -v mhz="$MHZ" '{ c[NR] = $1 } END { m = c[int((NR + 1) / 2)];
		printf "%d %.0f\n", m, m / mhz }'
}
so_kb() { echo $(($(stat -L -c %s "$1") / 1024)); }
relr() { LD_DEBUG=statistics "$1" 2>&1 | awk '/number of relative relocations/ { print $NF; exit }'; }
CS_SO=$(readlink -f $LIBDIR/libcapstone.so)
ZY_SO=$(readlink -f $LIBDIR/libZydis.so)
declare -A startup
for p in none capstone zydis; do
	read -r cyc us < <(ld_cost "$TMP/$p")
	startup[$p]="$cyc cycles (~$us µs, $(relr "$TMP/$p") relative relocations)"
	echo "insn: dynamic loader, empty main linked with $p: ${startup[$p]}"
done

# field SYMBOL LIB N: the Nth ", "-separated figure of LIB's line for SYMBOL
field() {
	awk -v sym="$1" -v lib="$2" -v n="$3" '
		/: [0-9]+ bytes$/ { cur = $1; sub(/:$/, "", cur); size = $2 }
		cur == sym && $1 == lib { sub(/^[a-z]+ +/, ""); split($0, f, ", ");
			f[0] = size " bytes, " substr(f[4], index(f[4], "(") + 1);
			sub(/\)$/, "", f[0]); sub(/^[a-z ]+ /, "", f[n]); print f[n] }' "$TMP/speed"
}
cell() {	# SYMBOL LIB
	echo "$(field "$1" "$2" 3), $(field "$1" "$2" 4 | sed 's/ (.*//; s|us/function|µs|')" \
		"(cold $(field "$1" "$2" 2 | sed 's/us/µs/'))"
}
api() {
	awk -v sym="$1" '/: [0-9]+ bytes$/ { cur = $1; sub(/:$/, "", cur) }
		cur == sym && /^insn_check_boundary/ { sub(/^[^:]*: /, ""); sub(/ us per call.*/, " µs");
			print }' "$TMP/speed"
}
{
	echo "## Instruction decoder"
	echo
	echo "Written by \`bench/insn.sh\` on $(date -u +%Y-%m-%d): $(nproc) CPUs,"
	echo "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)."
	echo "Capstone $(pkg-config --modversion capstone) (\`$(basename "$CS_SO")\`," \
		"$(so_kb "$CS_SO") KB, every architecture) against Zydis" \
		"$(dpkg-query -W -f '${Version}' libzydis-dev 2>/dev/null || echo '?')" \
		"(\`$(basename "$ZY_SO")\`, $(so_kb "$ZY_SO") KB, x86 only)."
	echo
	echo "A linear sweep of one function's bytes, as \`insn_check_boundary()\` does"
	echo "(Capstone: \`cs_disasm_iter\`, CS_OPT_DETAIL off; Zydis: the minimal"
	echo "decoder mode, no operands): the fastest of 5 batches of 40 sweeps after a"
	echo "cold one (the machine is shared). Capstone formats every instruction's"
	echo "text even without details; that is most of its time. Init is"
	echo "\`cs_open\` + \`cs_malloc\` against \`ZydisDecoderInit\` (once per process)."
	echo "\`insn_check_boundary()\` decodes up to the target only, so the last byte"
	echo "of the function is its worst case; a probe near the entry costs little."
	echo
	echo "| function of \`$(basename "$LLVM")\` | size | Capstone | Zydis |" \
		"insn_check_boundary (last byte) |"
	echo "|---|---|---|---|---|"
	for s in "$BIG" "$P99"; do
		echo "| \`$s\` | $(field "$s" zydis 0) | $(cell "$s" capstone) | $(cell "$s" zydis) |" \
			"$(api "$s") |"
	done
	echo
	echo "The whole check in \`uprobe add\` (\`resolve_check_insn()\`: the bytes read from"
	echo "the mapping, decoded from the entry), on the last instruction of \`$BIG\`"
	echo "(+0x$LAST): \`uprobe add -n\` takes $CHECKED ms of CPU, $FORCED ms with"
	echo "\`--force\`, which skips it (perf stat's task-clock, mean of $((RUNS / 4)) runs; the"
	echo "rest is starting up and opening libLLVM)."
	echo
	echo "Init: Capstone $(field "$BIG" capstone 1 | sed 's/us/µs/'), Zydis" \
		"$(field "$BIG" zydis 1 | sed 's/us/µs/')."
	echo
	echo "Correctness over every function of \`$LIBC\` (symbols from \`$DBG\`):"
	echo "$SUMMARY. Where Capstone fails (AVX-512 EVEX compares such as vpcmpb on"
	echo "ymm, kmovd, rdpkru), Zydis's boundaries were compared with objdump's:"
	echo "$checked functions, $wrong differ."
	echo
	echo "Startup, before any call: the dynamic loader's time for an empty \`main\`"
	echo "linked with each library (LD_DEBUG=statistics, median of $RUNS execs):"
	echo "none ${startup[none]}; Capstone ${startup[capstone]};"
	echo "Zydis ${startup[zydis]}."
} >"$TMP/section"

write_section "Instruction decoder" "$TMP/section"
