#!/bin/bash
# Every way a stream ends leaves no instance and no enabled event behind,
# and what was buffered is written first: --duration, --count (also with
# -- CMD, which is then ended with SIGTERM), SIGINT,
# SIGTERM, SIGHUP, a closed pipe; SIGKILL leaves an instance that the next
# run removes.
source "$(dirname "$0")/lib.sh"
need_tracefs
need_x86_64

stream_fixture
new_group G
"$UPROBE" add -g "$G" -e s "$FIX:probe_s" d=%cx:s64 >/dev/null
expect_eq "add a probe" "$?" 0

# instance of stream PID $1 still there; any event of the group enabled
left() {
	local f
	[ -d "$TRACEFS/instances/uprobe-$1" ] && echo "instance uprobe-$1"
	for f in "$TRACEFS"/events/$G/*/enable "$TRACEFS"/instances/*/events/$G/*/enable; do
		[ -f "$f" ] && [ "$(cat "$f")" != 0 ] && echo "enabled $f"
	done
}
# wait until stream PID $1 has its instance and the event enabled there
started() {
	local i
	for i in $(seq 100); do
		[ "$(cat "$TRACEFS/instances/uprobe-$1/events/$G/s/enable" 2>/dev/null)" = 1 ] &&
			return 0
		sleep 0.05
	done
	return 1
}

# --duration
"$UPROBE" stream --duration 0.5 "$G/s" >"$OUT/end.txt" 2>&1 &
p=$!
started "$p"
"$FIX" loop 5 0 >/dev/null
wait "$p"
expect_eq "--duration: exit 0" "$?" 0
expect_eq "--duration: the 5 events shown" "$(grep -c " $G/s " "$OUT/end.txt")" 5
expect_eq "--duration: nothing left" "$(left "$p")" ""

# --count
"$UPROBE" stream --count 3 "$G/s" >"$OUT/end.txt" 2>&1 &
p=$!
started "$p"
"$FIX" loop 10 0 >/dev/null
wait "$p"
expect_eq "--count: exit 0" "$?" 0
expect_eq "--count: exactly 3 events" "$(grep -c " $G/s " "$OUT/end.txt")" 3
expect_eq "--count: nothing left" "$(left "$p")" ""

# --count and --duration with -- CMD: the stream ends when reached and CMD,
# which would call probe_s() for hours, is sent SIGTERM; exit 0 (ours, as
# bpftrace's -c). With CMD ignoring SIGTERM, SIGINT during the wait (or 3 s)
# ends it. "$@": what to run; $EV: the events; prints "rc events [CMD left]"; $p: the stream
ends_cmd() {
	bg_run "$@"
	bg_done "$(grep -c " $EV " "$OUT/cmd.txt")"
}
EV=$G/s
LOOP=("$FIX" loop 987654 20)
ends_cmd "$UPROBE" stream --count 5 "$G/s" -- "${LOOP[@]}" >"$OUT/cmd.res"
expect_eq "--count 5 -- CMD: ends, exit 0, 5 events, CMD gone" "$(cat "$OUT/cmd.res")" "0 5 "
expect_eq "--count 5 -- CMD: nothing left" "$(left "$p")" ""
ends_cmd "$UPROBE" stream --duration 1 "$G/s" -- "${LOOP[@]}" >"$OUT/cmd.res"
expect_match "--duration 1 -- CMD: ends, exit 0, events, CMD gone" "$(cat "$OUT/cmd.res")" \
	'^0 [1-9][0-9]* $'
expect_eq "--duration 1 -- CMD: nothing left" "$(left "$p")" ""
# CMD ignores SIGTERM: 3 s later, SIGKILL, said on stderr
IGN=(sh -c 'trap "" TERM; exec "$0" loop 987654 20' "$FIX")
ends_cmd "$UPROBE" stream --count 5 "$G/s" -- "${IGN[@]}" >"$OUT/cmd.res"
expect_eq "--count 5 -- CMD ignoring SIGTERM: killed after 3 s" "$(cat "$OUT/cmd.res")" "0 5 "
expect_match "and said so" "$(cat "$OUT/cmd.err")" "still running 3 s after SIGTERM"
# ... and SIGINT while we wait for it ends it at once
"$UPROBE" stream --count 5 "$G/s" -- "${IGN[@]}" >"$OUT/cmd.txt" 2>&1 &
p=$!
for i in $(seq 100); do
	[ "$(grep -c " $G/s " "$OUT/cmd.txt")" = 5 ] && break
	sleep 0.05
done
sleep 0.3
kill -INT "$p"
for i in $(seq 10); do
	kill -0 "$p" 2>/dev/null || break
	sleep 0.1
done
expect_eq "SIGINT while CMD ignores SIGTERM: ended within 1 s" \
	"$(kill -0 "$p" 2>/dev/null && echo running)" ""
kill -KILL "$p" 2>/dev/null
wait "$p"
expect_eq "and exit 0" "$?" 0
cmd=$(sed -n 's/^pid //p' "$OUT/cmd.txt")
expect_eq "and CMD is gone" "$([ -n "$cmd" ] && kill -0 "$cmd" 2>/dev/null && echo left)" ""
[ -n "$cmd" ] && kill -KILL "$cmd" 2>/dev/null

# signals: what was buffered is drained first
for sig in INT TERM HUP; do
	"$UPROBE" --json stream "$G/s" >"$OUT/end.txt" 2>&1 &
	p=$!
	started "$p"
	"$FIX" loop 7 0 >/dev/null
	kill -s "$sig" "$p"
	wait "$p"
	expect_eq "SIG$sig: exit 0" "$?" 0
	expect_eq "SIG$sig: the 7 events drained" "$(grep -c '"event"' "$OUT/end.txt")" 7
	expect_match "SIG$sig: the closing record" "$(tail -1 "$OUT/end.txt")" '^\{"events": 7, "lost": 0,'
	expect_eq "SIG$sig: nothing left" "$(left "$p")" ""
done

# a closed pipe, as `uprobe stream | head -1`
"$FIX" loop 100 20 >/dev/null &
bg=$!
{ "$UPROBE" stream "$G/s" 2>"$OUT/pipe.err" & echo $! >"$OUT/pipe.pid"; wait; } | head -1 >"$OUT/end.txt"
p=$(cat "$OUT/pipe.pid")
kill "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
expect_eq "closed pipe: one line read" "$(grep -c " $G/s " "$OUT/end.txt")" 1
expect_eq "closed pipe: quiet" "$(cat "$OUT/pipe.err")" ""
expect_eq "closed pipe: nothing left" "$(left "$p")" ""

# SIGKILL: the instance stays, and the next run of uprobe removes it
"$UPROBE" stream "$G/s" >/dev/null 2>&1 &
p=$!
started "$p"
kill -KILL "$p"
wait "$p" 2>/dev/null
expect_eq "SIGKILL leaves the instance" "$(left "$p" | grep -c '^instance')" 1
"$UPROBE" list "$G/*" >/dev/null
expect_eq "the next run removes it" "$(left "$p")" ""

# a live stream's instance stays; one named after a pid now used by some
# other program (the stream died, the pid was reused) goes
"$UPROBE" stream "$G/s" >/dev/null 2>&1 &
p=$!
started "$p"
mkdir "$TRACEFS/instances/uprobe-$$"
"$UPROBE" list "$G/*" >/dev/null
expect_eq "a live stream's instance is left alone" "$(left "$p" | grep -c '^instance')" 1
expect_eq "an instance whose pid is now another program's is removed" \
	"$([ -d "$TRACEFS/instances/uprobe-$$" ] && echo there)" ""
rmdir "$TRACEFS/instances/uprobe-$$" 2>/dev/null
kill "$p"
wait "$p"
expect_eq "and the live one ends cleanly" "$(left "$p")" ""
finish
