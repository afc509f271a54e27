#!/bin/bash
# Live tests of uprobe trace: exact values in text and JSON against what the
# fixture printed; every way of ending (CMD exits, --count, --duration,
# the same with -- CMD, which is then sent SIGTERM,
# SIGINT, SIGTERM, SIGHUP, a closed pipe) leaves no group, no instance and
# no enabled event; SIGKILL leaves a group that the next run removes, and a
# live trace's group is left alone; a refused batch adds nothing and names
# the PROBE; --latency pairs an entry-only PROBE; -p.
source "$(dirname "$0")/lib.sh"
need_tracefs
need_x86_64

stream_fixture -pthread
TGT=$OUT/target
cc_fixture "$TGT" "$TESTS_DIR/fixtures/target.c" -O2 ||
	{ fail "build target fixture"; finish; exit 1; }
# a group of the test's own for the probe that makes the kernel refuse one
new_group G
# traces that a test started and may leave behind, removed on exit
TRACES=
trap 'for p in $TRACES; do kill -KILL "$p" 2>/dev/null; done; cleanup_groups' EXIT
P_S="$FIX:probe_s a=%di:s8 b=%si:s16 c=%dx:s32 d=%cx:s64 s=+0(%r8):string x=%r9:x64"
P_SR="$FIX:probe_s%return rv=\$retval:s64"
P_U="$FIX:probe_u ua=%di:u8 ub=%si:u16 uc=%dx:u32 ud=%cx:u64 s=+0(%r8):string"
P_U="$P_U ch=+0(%r8):char arr=+0(%r8):u8[3] xb=%di:x8 hx=%si:x16 bf=%dx:b4@4/32"

# what trace PID $1 left: its group's events, its instance, enabled events
left() {
	local f
	grep -q "^[pr]:uprobe_trace_$1/" "$TRACEFS/uprobe_events" && echo "group uprobe_trace_$1"
	[ -d "$TRACEFS/instances/uprobe-$1" ] && echo "instance uprobe-$1"
	for f in "$TRACEFS"/events/uprobe_trace_$1/*/enable; do
		[ -f "$f" ] && [ "$(cat "$f")" != 0 ] && echo "enabled $f"
	done
}
# wait until trace PID $1 has probe_s enabled in its instance
started() {
	local i
	for i in $(seq 100); do
		[ "$(cat "$TRACEFS/instances/uprobe-$1/events/uprobe_trace_$1/probe_s/enable" \
			2>/dev/null)" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}
# the trace's names as the stream test's fixture check knows them
rename() {
	sed -E 's#uprobe_trace_[0-9]+/probe_s__return\b#T/sr#g;
		s#uprobe_trace_[0-9]+/probe_s\b#T/s#g; s#uprobe_trace_[0-9]+/probe_u\b#T/u#g' "$1"
}

# --- CMD exits: exact values, text
"$UPROBE" trace "$P_S" "$P_SR" "$P_U" -- "$FIX" >"$OUT/tr.txt" 2>"$OUT/tr.err"
expect_eq "trace -- CMD: exit 0" "$?" 0
grp=$(grep -oE -m1 'uprobe_trace_[0-9]+' "$OUT/tr.txt")
expect_match "events in a group named after the trace's pid" "$grp" '^uprobe_trace_[0-9]+$'
expect_match "events named by their function" "$(cat "$OUT/tr.txt")" " $grp/probe_s a=-128 "
grep -v '^[SU] ' "$OUT/tr.txt" >"$OUT/tr.events"
grep '^[SU] ' "$OUT/tr.txt" >"$OUT/tr.fix"
rename "$OUT/tr.events" >"$OUT/tr.renamed"
run python3 "$CHECK" text "$OUT/tr.fix" "$OUT/tr.renamed" T
expect_eq "text values equal what the fixture printed" "$rc" 0
[ "$rc" = 0 ] || echo "$out" | head -20
expect_eq "text: one line per event, nothing else" \
	"$(grep -cvE "^[0-9]+\.[0-9]{9} \S+ [0-9]+/[0-9]+ \[[0-9]+\] $grp/probe_[su]" "$OUT/tr.events")" 0
expect_eq "nothing on stderr" "$(cat "$OUT/tr.err")" ""
expect_eq "CMD exits: nothing left" "$(left "${grp#uprobe_trace_}")" ""

# --- exact values, JSON
"$UPROBE" --json trace "$P_S" "$P_SR" "$P_U" -- "$FIX" >"$OUT/trj.txt" 2>"$OUT/trj.err"
expect_eq "--json trace -- CMD: exit 0" "$?" 0
grp=$(grep -oE -m1 'uprobe_trace_[0-9]+' "$OUT/trj.txt")
grep '^{' "$OUT/trj.txt" | rename /dev/stdin >"$OUT/trj.events"
grep '^[SU] ' "$OUT/trj.txt" >"$OUT/trj.fix"
run python3 "$CHECK" json "$OUT/trj.fix" "$OUT/trj.events" T
expect_eq "JSON values equal what the fixture printed" "$rc" 0
[ "$rc" = 0 ] || echo "$out" | head -20
expect_match "JSON: the closing record" "$(tail -1 "$OUT/trj.txt")" '^\{"events": 18, "lost": 0,'
expect_eq "JSON: nothing left" "$(left "${grp#uprobe_trace_}")" ""

# --- CMD's exit status is the trace's
run "$UPROBE" trace "$FIX:probe_s" -- "$FIX" exit 7
expect_eq "CMD's exit status passed on" "$rc" 7
expect_eq "with its one event" "$(grep -c '/probe_s$' <<<"$out")" 1

# --- --duration, --count
"$UPROBE" trace --duration 0.5 "$FIX:probe_s d=%cx:s64" >"$OUT/end.txt" 2>&1 &
p=$! TRACES="$TRACES $p"
started "$p"
"$FIX" loop 5 0 >/dev/null
wait "$p"
expect_eq "--duration: exit 0" "$?" 0
expect_eq "--duration: the 5 events shown" "$(grep -c " uprobe_trace_$p/probe_s " "$OUT/end.txt")" 5
expect_eq "--duration: nothing left" "$(left "$p")" ""

"$UPROBE" trace --count 3 "$FIX:probe_s d=%cx:s64" >"$OUT/end.txt" 2>&1 &
p=$! TRACES="$TRACES $p"
started "$p"
"$FIX" loop 10 0 >/dev/null
wait "$p"
expect_eq "--count: exit 0" "$?" 0
expect_eq "--count: exactly 3 events" "$(grep -c " uprobe_trace_$p/probe_s " "$OUT/end.txt")" 3
expect_eq "--count: nothing left" "$(left "$p")" ""

# --count and --duration with -- CMD: the trace ends when reached and CMD,
# which would call probe_s() for hours, is sent SIGTERM; exit 0. Prints
# "rc events [CMD left]"; $p: the trace.
ends_cmd() {
	bg_run "$UPROBE" trace "$@" "$FIX:probe_s d=%cx:s64" -- "$FIX" loop 987654 20
	bg_done "$(grep -c " uprobe_trace_$p/probe_s " "$OUT/cmd.txt")"
}
ends_cmd --count 5 >"$OUT/cmd.res"
TRACES="$TRACES $p"
expect_eq "--count 5 -- CMD: ends, exit 0, 5 events, CMD gone" "$(cat "$OUT/cmd.res")" "0 5 "
expect_eq "--count 5 -- CMD: nothing left" "$(left "$p")" ""
ends_cmd --duration 1 >"$OUT/cmd.res"
TRACES="$TRACES $p"
expect_match "--duration 1 -- CMD: ends, exit 0, events, CMD gone" "$(cat "$OUT/cmd.res")" \
	'^0 [1-9][0-9]* $'
expect_eq "--duration 1 -- CMD: nothing left" "$(left "$p")" ""

# --- signals: what was buffered is drained, then the probes are removed
for sig in INT TERM HUP; do
	"$UPROBE" --json trace "$FIX:probe_s d=%cx:s64" >"$OUT/end.txt" 2>&1 &
	p=$! TRACES="$TRACES $p"
	started "$p"
	"$FIX" loop 7 0 >/dev/null
	kill -s "$sig" "$p"
	wait "$p"
	expect_eq "SIG$sig: exit 0" "$?" 0
	expect_eq "SIG$sig: the 7 events drained" "$(grep -c '"event"' "$OUT/end.txt")" 7
	expect_eq "SIG$sig: nothing left" "$(left "$p")" ""
done

# --- a closed pipe, as `uprobe trace ... | head -1`
"$FIX" loop 100 20 >/dev/null &
bg=$!
{ "$UPROBE" trace "$FIX:probe_s" 2>"$OUT/pipe.err" & echo $! >"$OUT/pipe.pid"; wait; } |
	head -1 >"$OUT/end.txt"
p=$(cat "$OUT/pipe.pid")
kill "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
expect_eq "closed pipe: one line read" "$(grep -c " uprobe_trace_$p/probe_s" "$OUT/end.txt")" 1
expect_eq "closed pipe: quiet" "$(cat "$OUT/pipe.err")" ""
expect_eq "closed pipe: nothing left" "$(left "$p")" ""

# --- SIGKILL: the group stays, the next run removes it; a live trace's stays
"$UPROBE" trace "$FIX:probe_s" >/dev/null 2>&1 &
p=$! TRACES="$TRACES $p"
started "$p"
kill -KILL "$p"
wait "$p" 2>/dev/null
expect_eq "SIGKILL leaves the group" "$(left "$p" | grep -c '^group')" 1
"$UPROBE" trace "$FIX:probe_s" >/dev/null 2>&1 &
live=$! TRACES="$TRACES $live"
started "$live"
# a group named after a pid now used by some other program (this shell)
"$UPROBE" add -g "uprobe_trace_$$" -e x "$TGT:func_a" >/dev/null
"$UPROBE" list "$G/*" >/dev/null
expect_eq "the next run removes the killed trace's group" "$(left "$p")" ""
expect_eq "a live trace's group is left alone" "$(left "$live" | grep -c '^group')" 1
expect_eq "a group whose pid is now another program's is removed" \
	"$(grep -c "^p:uprobe_trace_$$/" "$TRACEFS/uprobe_events")" 0
echo "-:uprobe_trace_$$/x" >>"$TRACEFS/uprobe_events" 2>/dev/null
kill "$live"
wait "$live"
expect_eq "and the live one ends cleanly" "$(left "$live")" ""

# --- a refused batch adds nothing and names the PROBE and the token
# ours: the events of traces and of this test's group (others' come and go)
ours() { grep -cE "^[pr]:(uprobe_trace_[0-9]+|$G)/" "$TRACEFS/uprobe_events"; }
n0=$(ours)
run "$UPROBE" trace "$TGT:func_a x=%di" "$TGT:func_b y=%zz" -- "$TGT" 1
expect_eq "a bad fetch-arg fails the batch" "$rc" 1
expect_match "the token, with a caret" "$errout" "^  y=%zz$"
expect_match "which PROBE" "$errout" "in PROBE 2, '$TGT:func_b y=%zz'"
run "$UPROBE" trace "$TGT:func_a" "$TGT:nosuch"
expect_eq "an unknown symbol fails" "$rc" 1
expect_match "names it and its PROBE" "$errout" "'$TGT:nosuch'.*"$'\n'".*in PROBE 2"
# the kernel refuses func_b (its offset has a probe with a reference
# counter): func_a, added first, is taken back
echo "$("$UPROBE" add -n -g "$G" -e pre "$TGT:func_b")(0x10)" >>"$TRACEFS/uprobe_events"
n1=$(ours)
run "$UPROBE" trace "$TGT:func_a" "$TGT:func_b" -- "$TGT" 1
expect_eq "a kernel refusal fails" "$rc" 1
expect_match "says which PROBE, and that nothing was added" "$errout" \
	"in PROBE 2, '$TGT:func_b': nothing was added"
expect_eq "nothing of the batch is left" "$(ours)" "$n1"
expect_eq "nothing ran" "$(grep -c . <<<"$out")" 0
echo "-:$G/pre" >>"$TRACEFS/uprobe_events"
expect_eq "refusals added nothing" "$(ours)" "$n0"

# --- --latency pairs an entry-only PROBE with its return probe
run "$UPROBE" trace --latency "$FIX:probe_s" -- "$FIX" loop 20 1
expect_eq "--latency" "$rc" 0
expect_eq "its return probe added: a duration on each return" \
	"$(grep -cE " uprobe_trace_[0-9]+/probe_s__return .* latency=[0-9]+\.[0-9]{3}us$" <<<"$out")" 20
expect_match "a histogram at the end" "$out" \
	"latency of probe_s \(uprobe_trace_[0-9]+/probe_s -> uprobe_trace_[0-9]+/probe_s__return\) in $FIX: 20 calls"
run "$UPROBE" trace --latency "$FIX:probe_s" "$P_SR" -- "$FIX" loop 3 1
expect_eq "a return PROBE given: no second one" "$(grep -c 'probe_s__return_1' <<<"$out")" 0
expect_eq "and it pairs" "$(grep -cE "probe_s__return .* latency=" <<<"$out")" 3

# --- -p: only that process's events
"$FIX" loop 20 50 >"$OUT/p1.txt" &
p1=$!
"$FIX" loop 20 50 >/dev/null &
p2=$!
run "$UPROBE" trace -p "$p1" "$FIX:probe_s d=%cx:s64"
wait "$p2"
expect_eq "-p: ends when the process does" "$rc" 0
expect_match "-p: its events" "$(grep -c " $p1/$p1 " <<<"$out")" '^[1-9]'
expect_eq "-p: no other process's" "$(grep -c /probe_s <<<"$out")" "$(grep -c " $p1/$p1 " <<<"$out")"
finish
