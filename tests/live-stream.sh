#!/bin/bash
# Live tests of uprobe stream: exact values in text and JSON, -- CMD beside
# another copy, --pid, --filter, return probes, --latency, --stack, lost
# events. Each in a group of its own, removed whatever happens.
source "$(dirname "$0")/lib.sh"
need_tracefs
need_x86_64

stream_fixture -pthread
new_group G

"$UPROBE" add -g "$G" -e s "$FIX:probe_s" a=%di:s8 b=%si:s16 c=%dx:s32 d=%cx:s64 \
	s=+0\(%r8\):string x=%r9:x64 >/dev/null &&
"$UPROBE" add -g "$G" -e sr -r "$FIX:probe_s" 'rv=$retval:s64' >/dev/null &&
"$UPROBE" add -g "$G" -e u "$FIX:probe_u" ua=%di:u8 ub=%si:u16 uc=%dx:u32 ud=%cx:u64 \
	s=+0\(%r8\):string ch=+0\(%r8\):char arr=+0\(%r8\):u8[3] xb=%di:x8 hx=%si:x16 \
	bf=%dx:b4@4/32 >/dev/null
expect_eq "add the fixture's probes" "$?" 0

# no instance of ours and no event of the group enabled anywhere
leftovers() {
	local f
	for f in "$TRACEFS"/instances/uprobe-*; do
		[ -d "$f" ] && [ "${f##*-}" = "$1" ] && echo "instance $f"
	done
	for f in "$TRACEFS"/events/$G/*/enable "$TRACEFS"/instances/*/events/$G/*/enable; do
		[ -f "$f" ] && [ "$(cat "$f")" != 0 ] && echo "enabled $f"
	done
}

# --- exact values, text
"$UPROBE" stream "$G/*" -- "$FIX" >"$OUT/st.txt" 2>"$OUT/st.err"
rc=$?
expect_eq "stream -- CMD exits with CMD's status" "$rc" 0
grep -v '^[SU] ' "$OUT/st.txt" >"$OUT/st.events"
grep '^[SU] ' "$OUT/st.txt" >"$OUT/st.fix"
run python3 "$CHECK" text "$OUT/st.fix" "$OUT/st.events" "$G"
expect_eq "text values equal what the fixture passed" "$rc" 0
[ "$rc" = 0 ] || echo "$out" | head -20
expect_eq "text: one line per event, nothing else" \
	"$(grep -cvE "^[0-9]+\.[0-9]{9} \S+ [0-9]+/[0-9]+ \[[0-9]+\] $G/(s|sr|u) " "$OUT/st.events")" 0
expect_match "text: string with a quote, C-escaped" "$(cat "$OUT/st.events")" \
	"s=\"has \\\\\" quote b=5\""
expect_match "text: newline escaped, line not split" "$(cat "$OUT/st.events")" 's="two\\nlines"'
expect_match "text: non-UTF-8 bytes as \\xHH" "$(cat "$OUT/st.events")" 's="\\xff\\xfe not utf-8 \\x80\\x01\\x7f"'
expect_match "text: return probe shows function and return address" \
	"$(grep " $G/sr " "$OUT/st.events" | head -1)" "$G/sr \(0x[0-9a-f]+ <- 0x[0-9a-f]+\) rv="
expect_eq "nothing on stderr" "$(cat "$OUT/st.err")" ""
expect_eq "no instance or enabled event left (CMD exit)" "$(leftovers "")" ""

# --- exact values, JSON
"$UPROBE" --json stream "$G/s" "$G/sr" "$G/u" -- "$FIX" >"$OUT/sj.txt" 2>"$OUT/sj.err"
expect_eq "stream --json -- CMD" "$?" 0
grep -v '^[SU] ' "$OUT/sj.txt" >"$OUT/sj.events"
grep '^[SU] ' "$OUT/sj.txt" >"$OUT/sj.fix"
run python3 "$CHECK" json "$OUT/sj.fix" "$OUT/sj.events" "$G"
expect_eq "JSON values equal what the fixture passed" "$rc" 0
[ "$rc" = 0 ] || echo "$out" | head -20
run python3 -c '
import json, sys
keys = ["time", "cpu", "comm", "pid", "tid", "event", "ip", "args"]
lines = open(sys.argv[1]).read().splitlines()
for l in lines[:-1]:
    o = json.loads(l)
    k = [x for x in o if x != "func"]
    assert k == keys, k
    assert isinstance(o["time"], float) and o["ip"].startswith("0x"), o
    assert ("func" in o) == o["event"].endswith("/sr"), o
last = json.loads(lines[-1])
assert last == {"events": len(lines) - 1, "lost": 0,
                "lost_per_cpu": last["lost_per_cpu"]}, last
print("ok")' "$OUT/sj.events"
expect_eq "JSON: the keys of the issue, in order; a final lost record" "$out" ok

# --- -- CMD sees only its own events while another copy runs beside it
"$FIX" loop 40 5 >"$OUT/beside.txt" &
beside=$!
"$UPROBE" --json stream "$G/s" -- "$FIX" loop 10 1 >"$OUT/cmd.txt" 2>&1
expect_eq "stream -- CMD beside another copy" "$?" 0
wait "$beside"
cmdpid=$(awk '/^pid /{print $2}' "$OUT/cmd.txt")
run python3 -c '
import json, sys
pids = [json.loads(l)["pid"] for l in open(sys.argv[1]) if l.startswith("{\"time")]
print(len(pids), sorted(set(pids)))' "$OUT/cmd.txt"
expect_eq "only CMD's 10 events" "$out" "10 [$cmdpid]"

# --- CMD's exit status, and its children followed
run "$UPROBE" stream "$G/s" -- "$FIX" exit 7
expect_eq "exit status of CMD passed on" "$rc" 7
expect_match "its event shown" "$out" "$G/s a=1 b=2 c=3 d=4 s=\"exit\""
run "$UPROBE" stream "$G/s" -- sh -c "'$FIX' loop 3 0 >/dev/null; '$FIX' loop 2 0 >/dev/null"
expect_eq "events of CMD's children (sh -c)" "$(grep -c " $G/s " <<<"$out")" 5
run "$UPROBE" stream "$G/s" -- /nonexistent/program
expect_eq "a CMD that cannot run: 127" "$rc" 127
expect_match "and says why" "$errout" "cannot run '/nonexistent/program'"

# --- --pid: that process only
"$FIX" loop 200 10 >"$OUT/pid.txt" &
bg=$!
"$FIX" loop 100 10 >/dev/null &
bg2=$!
sleep 0.2
run "$UPROBE" --json stream --pid "$bg" --count 5 "$G/s"
kill "$bg" "$bg2" 2>/dev/null
wait "$bg" "$bg2" 2>/dev/null
expect_eq "--pid --count 5" "$rc" 0
expect_eq "five events, all of PID" "$(grep -c "\"pid\": $bg, \"tid\": $bg," <<<"$out")" 5

# every thread of PID: those it had when the stream began and one made
# later (event-fork), not another copy's; the stream ends when PID exits
"$FIX" threads 3 1500 50 >"$OUT/threads.txt" &
thr=$!
"$FIX" loop 300 10 >/dev/null &
other=$!
run timeout 30 "$UPROBE" --json stream --pid "$thr" "$G/s"
wait "$other"
expect_eq "--pid of a threaded process ends when it exits" "$rc" 0
want=$(awk '/^tid /{ print $2 }' "$OUT/threads.txt" | sort -n | tr '\n' ' ')
got=$(python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if l.startswith("{\"time")]
tids = sorted({e["tid"] for e in ev})
bad = [e for e in ev if e["pid"] != int(sys.argv[1]) or e["args"]["d"] != e["tid"]]
print(len(ev), len(bad), " ".join(map(str, tids)) + " ")' "$thr" <<<"$out")
expect_eq "--pid: 4 threads x 50 calls, all of PID, none of the other copy" "$got" "200 0 $want"
run "$UPROBE" stream --pid 99999999999 "$G/s"
expect_eq "--pid out of range: usage" "$rc" 64
run "$UPROBE" stream --pid 4194303 "$G/s"
expect_eq "--pid of a process that is not there fails" "$rc" 1
expect_match "and says so" "$errout" "no process 4194303"

# --- --filter
run "$UPROBE" stream --filter 'a == -1 || b == 32767' "$G/s" -- "$FIX"
expect_eq "--filter" "$rc" 0
expect_eq "--filter keeps only what matches" "$(grep -c " $G/s " <<<"$out")" 2
run "$UPROBE" stream --filter 'a == 1 && nosuch > 3' "$G/s" -- "$FIX"
expect_eq "a filter the kernel refuses fails" "$rc" 1
expect_match "with the kernel's reason" "$errout" "refused --filter 'a == 1 && nosuch > 3': $G/s: Field not found"
expect_match "and the kernel's caret under the expression" "$errout" "^ {3,}\^$"
expect_nomatch "CMD does not run" "$out" "^S "
expect_eq "no instance or enabled event left (refused filter)" "$(leftovers "")" ""

# --- --latency
run "$UPROBE" stream --latency "$G/s" "$G/sr" -- "$FIX" loop 20 1
expect_eq "--latency" "$rc" 0
expect_eq "a duration on each return" "$(grep -cE " $G/sr .* latency=[0-9]+\.[0-9]{3}us$" <<<"$out")" 20
expect_match "a histogram at the end" "$out" "latency of probe_s \($G/s -> $G/sr\) in $FIX: 20 calls"
hist=$(sed -n '/^latency of/,$p' <<<"$out" | awk '/^\[/ { n += $3 } END { print n }')
expect_eq "the histogram counts every call" "$hist" 20
run "$UPROBE" --json stream --latency "$G/s" "$G/sr" -- "$FIX" loop 5 1
expect_match "--latency JSON record" "$out" "\{\"latency\": \{\"func\": \"probe_s\", .*\"count\": 5,"

# --- --stack
run "$UPROBE" stream --stack "$G/s" -- "$FIX" loop 2 300
expect_eq "--stack" "$rc" 0
# at the entry, with no arg fetching *(%sp), the caller is an unknown frame
# (tests/live-stack.sh has the frames in full)
expect_match "stack symbolized: the probed function, its caller unknown, then on" \
	"$(grep " $G/s " <<<"$out" | head -1)" 'stack=\[probe_s\+0x0 \(stream-args\); \?; (call_s|main)\+0x[0-9a-f]+ \(stream-args\)'

# --- lost events are never silent
# A fast reader can keep up with even a one-page buffer, so the reader is
# made slow for sure: its stdout is a pipe nobody reads for 2 s, and it
# blocks in write() while the fixture fills the kernel's buffer.
slow_reader() {
	bash -c 'set -o pipefail; "$@" | { sleep 2; cat; }' slow_reader "$@"
}
run slow_reader "$UPROBE" --json stream --buffer-size 4 "$G/s" -- "$FIX" spin 300000
expect_eq "lost events: still CMD's exit status" "$rc" 0
expect_match "lost events: on stderr" "$errout" "warning: [0-9]+ events lost \(cpu"
lost=$(tail -1 <<<"$out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["lost"])')
got=$(grep -c '"event"' <<<"$out")
expect_eq "lost events: the final record adds up to the kernel's hits" \
	"$((lost + got))" 300000

slow_reader "$UPROBE" stream --buffer-size 4 --duration 3 "$G/s" >/dev/null 2>"$OUT/lost.err" &
st=$!
sleep 0.5
"$FIX" spin 300000 >/dev/null
wait "$st"
expect_eq "lost events without CMD: exit status 2" "$?" 2
expect_match "and a hint" "$(cat "$OUT/lost.err")" "hint: a bigger --buffer-size"

expect_eq "no instance or enabled event left at the end" "$(leftovers "")" ""
finish
