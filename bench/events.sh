#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Events at N=1000: `uprobe add` of a glob matching N functions, `uprobe list`,
# `uprobe del` and `uprobe clear -g` of them, against perf probe -d and the
# floor (bench/floor-write.c: uprobe_events opened once, one write per line;
# `grep -c` for list), each a whole process, median time. Every event is in a
# group of its own (random suffix), the only one removed. Needs root and
# tracefs; writes the "Events at N=1000" section of bench/REPORT.md.
set -euo pipefail
. "$(dirname "$0")/common.bash"
cd "$ROOT"
N=${N:-1000}
if [ "$(id -u)" != 0 ]; then
	echo "events.sh: needs root (it adds uprobes): skipped" >&2
	exit 0
fi
TRACEFS=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
if [ -z "$TRACEFS" ] || [ ! -w "$TRACEFS/uprobe_events" ]; then
	echo "events.sh: no tracefs with uprobe_events: skipped" >&2
	exit 0
fi
need_pkg hyperfine hyperfine || true
make --no-print-directory -s uprobe
OUT=$BUILD/bench/events
mkdir -p "$OUT"
cc -O2 -o "$OUT/floor-write" bench/floor-write.c
G=bench_$(printf '%04x%04x' $RANDOM $RANDOM)
EV=$TRACEFS/uprobe_events
TMP=$(mktemp -d)
trap '"$UPROBE" clear -g "$G" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT

# A program with N functions fn_0 ... fn_N-1 to probe, and EXTRA others, so that
# its symbol table has the size of a big program's (that of bench/dwarf.sh).
EXTRA=${EXTRA:-19000}
PROG=$(readlink -f "$OUT")/prog
python3 -c 'import sys; n, x = int(sys.argv[1]), int(sys.argv[2])
f = "__attribute__((noinline)) int %s_%d(int x) { return x * %d + 1; }\n"
print("".join(f % ("fn", i, i) for i in range(n)) + "".join(f % ("g", i, i) for i in range(x)))
print("int main(int c, char **v) { return fn_0(c); }")' "$N" "$EXTRA" >"$TMP/prog.c"
if [ ! -x "$PROG" ] || ! cmp -s "$TMP/prog.c" "$OUT/prog.c"; then
	cp "$TMP/prog.c" "$OUT/prog.c"
	cc -O1 -o "$PROG" "$OUT/prog.c"
fi

ADD="$UPROBE add -g $G --max-probes $N $PROG:'fn_*'"
"$UPROBE" add -n -g "$G" --max-probes "$N" "$PROG:fn_*" >"$TMP/add"
[ "$(grep -c . "$TMP/add")" = "$N" ] || { echo "events.sh: not $N probes" >&2; exit 1; }
sed 's/^p:\([^ ]*\) .*/-:\1/' "$TMP/add" >"$TMP/del"
sed "s|^p:$G/[^ ]* |p:$G/multi |" "$TMP/add" >"$TMP/multi"
FLOOR=$OUT/floor-write
ADD_FLOOR="$FLOOR $EV $TMP/add"
DEL_FLOOR="$FLOOR $EV $TMP/del"
CLEAN="$UPROBE clear -g $G >/dev/null 2>&1; true"

echo "events: $(machine), N=$N, group $G"
rows=
row() {	# WORK LABEL PREPARE CMD: sets T
	T=$(median_ms -p "$3" "$4")
	printf '%-6s %-34s %8s ms\n' "$1" "$2" "$T"
	rows+="| $1 | $2 | \`${4//$TMP\//}\` | $T |"$'\n'
}
row add "uprobe add (glob)" "$CLEAN" "$ADD"
A_U=$T
row add "floor (one open, one write a line)" "$CLEAN" "$ADD_FLOOR"
A_F=$T
row add "floor, one multi-probe event" "$CLEAN" "$FLOOR $EV $TMP/multi"
A_M=$T
row add "uprobe add -e (glob, one event)" "$CLEAN" \
	"$UPROBE add -g $G -e multi --max-probes $N $PROG:'fn_*'"
A_E=$T
sh -c "$CLEAN"
$ADD_FLOOR
row list "uprobe list" "true" "$UPROBE list '$G/*'"
L_U=$T
row list "floor (grep -c)" "true" "grep -c '^p:$G/' $EV"
L_F=$T
row del "uprobe del" "$CLEAN; $ADD_FLOOR" "$UPROBE del '$G/*'"
D_U=$T
row del "perf probe -d" "$CLEAN; $ADD_FLOOR" "perf probe -q -d '$G:*'"
D_P=$T
row del "floor (one open, one write a line)" "$CLEAN; $ADD_FLOOR" "$DEL_FLOOR"
D_F=$T
row clear "uprobe clear -g" "$CLEAN; $ADD_FLOOR" "$UPROBE clear -g $G"
C_U=$T

lim() { awk -v a="$1" -v k="$2" 'BEGIN { printf "%.2f\n", a * k }'; }
goals=
goal() { goals+="| $1 | $2 | $3 | $(ratio "$2" "$4") of $5 | $(verdict "$2" "$3") |"$'\n'; }
goal "add: within 1.3x of the floor" "$A_U" "$(lim "$A_F" 1.3)" "$A_F" floor
goal "del: within 1.3x of the floor" "$D_U" "$(lim "$D_F" 1.3)" "$D_F" floor
goal "del: at most perf probe -d" "$D_U" "$D_P" "$D_P" "perf probe -d"
goal "clear: within 1.3x of the floor" "$C_U" "$(lim "$D_F" 1.3)" "$D_F" floor
goal "clear: at most perf probe -d" "$C_U" "$D_P" "$D_P" "perf probe -d"
goal "list: under 20 ms" "$L_U" 20 "$L_F" "grep -c"
goal "add -e of a glob: one multi-probe event, at its floor (1.3x)" "$A_E" \
	"$(lim "$A_M" 1.3)" "$A_M" floor

{
	echo "## Events at N=$N"
	echo
	echo "Written by \`bench/events.sh\` on $(date -u +%Y-%m-%d): $(machine)."
	echo "$N probes on \`fn_0\` ... \`fn_$((N - 1))\` of a generated program ($((N + EXTRA))"
	echo "functions in its symbol table), in a group"
	echo "of their own; median of $RUNS runs as a whole process, each run prepared"
	echo "(untimed) by removing or adding the group. The floor is"
	echo "\`bench/floor-write.c\`: uprobe_events opened once, one write(2) per line"
	echo "(\`add\`: the lines \`uprobe add -n\` prints; \`del\`: \`-:GROUP/EVENT\`)."
	echo
	echo "| work | who | command | median (ms) |"
	echo "|---|---|---|---|"
	printf '%s' "$rows"
	echo
	echo "| goal | uprobe (ms) | limit (ms) | ratio | verdict |"
	echo "|---|---|---|---|---|"
	printf '%s' "$goals"
} >"$TMP/section"
write_section "Events at N=$N" "$TMP/section"
