#!/bin/bash
# Live tests of issue 8: a batch is whole or absent, under signals and
# concurrent adds; forms the kernel takes; removal that spares others.
source "$(dirname "$0")/lib.sh"
need_tracefs

# fixture_many OUT N: a program of N functions f1..fN, built once
fixture_many() {
	local out=$1 n=$2 i
	[ -x "$out" ] && return 0
	{
		for i in $(seq 1 "$n"); do
			echo "__attribute__((noinline)) int f$i(int x) { return x + $i; }"
		done
		echo 'int main(int c, char **v) { int s = 0;'
		for i in $(seq 1 "$n"); do echo "s += f$i(c);"; done
		echo 'return s & 1; }'
	} > "$out.c" && "${CC:-gcc}" -g -O1 -o "$out" "$out.c"
}
count() { grep -c "^[pr]:$1/" "$TRACEFS/uprobe_events"; }

# --- a signal during a batch: all or none -------------------------------
MANY=$OUT/safe-many
fixture_many "$MANY" 500 || { fail "build fixture"; finish; exit 1; }
new_group G
ALL=$("$UPROBE" add -n -g "$G" --max-probes 600 "$MANY:f*" | grep -c "^p:")
for sig in INT TERM HUP; do
	mid=0
	for try in 1 2 3 4 5 6 7 8; do
		# a background job starts with SIGINT ignored; undo that
		env --default-signal=INT "$UPROBE" add -g "$G" --max-probes 600 "$MANY:f*" >/dev/null 2>"$OUT/safe-err" &
		pid=$!
		# the signal once the first probe is in: mid-batch, unless it ends first
		while ! grep -q "^p:$G/" "$TRACEFS/uprobe_events" && kill -0 $pid 2>/dev/null; do :; done
		kill -"$sig" $pid 2>/dev/null
		wait $pid
		rc=$?
		n=$(count "$G")
		if [ "$n" != 0 ] && [ "$n" != "$ALL" ]; then
			fail "SIG$sig during a batch of $ALL left $n probes (exit $rc)"
			mid=2
			break
		fi
		cleanup_groups
		if [ "$rc" != 0 ]; then mid=1; break; fi
	done
	case $mid in
	1)	pass "SIG$sig mid-batch: all taken back, exit $rc"
		expect_match "SIG$sig: says it was interrupted" "$(cat "$OUT/safe-err")" \
			"interrupted \\(.*(nothing was added|after [0-9]+ of $ALL)" ;;
	0)	skip "SIG$sig never arrived mid-batch in 8 tries" ;;
	esac
done

# --- eight concurrent adds into one group: no event shared by two files --
fixture_many "$OUT/safe-few" 30 || fail "build fixture"
new_group C
for k in 1 2 3 4 5 6 7 8; do cp "$OUT/safe-few" "$OUT/safe-copy$k"; done
PER=$("$UPROBE" add -n -g "$C" "$OUT/safe-copy1:f*" | grep -c "^p:")
pids=
for k in 1 2 3 4 5 6 7 8; do
	"$UPROBE" add -g "$C" "$OUT/safe-copy$k:f*" >"$OUT/safe-c$k.out" 2>&1 &
	pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
expect_eq "8 concurrent adds all exit 0" "$bad" 0
expect_eq "8 concurrent adds: all their probes" "$(count "$C")" $((8 * PER))
shared=$(grep "^p:$C/" "$TRACEFS/uprobe_events" | awk '{ split($2, a, ":"); print $1, a[1] }' |
	sort -u | awk '{ print $1 }' | uniq -d | head -3)
expect_eq "8 concurrent adds: each event has the probes of one file" "$shared" ""
cleanup_groups

# --- -e EXISTING refused half-way: what was added goes, the rest stays ---
INL=$OUT/safe-inline
if [ ! -x "$INL" ]; then
	cat > "$INL.c" <<'C'
static inline __attribute__((always_inline)) int inl(int x) { return x * 3 + 1; }
__attribute__((noinline)) int c1(int x) { return inl(x) + 1; }
__attribute__((noinline)) int c2(int x) { return inl(x) + 2; }
__attribute__((noinline)) int c3(int x) { return inl(x) + 3; }
__attribute__((noinline)) int c4(int x) { return inl(x) + 4; }
int main(int c, char **v) { return c1(c) + c2(c) + c3(c) + c4(c); }
C
	"${CC:-gcc}" -g -O2 -o "$INL" "$INL.c" || fail "build inline fixture"
fi
new_group E
places=$("$UPROBE" add -n -g "$E" -e inl "$INL:inl" | awk '{ print $2 }')
np=$(printf '%s\n' "$places" | grep -c .)
if [ "$np" -ge 3 ]; then
	last=$(printf '%s\n' "$places" | tail -1)
	run "$UPROBE" add -g "$E" -e inl "$last"
	expect_eq "-e: the last place first" "$rc" 0
	run "$UPROBE" add -g "$E" -e inl "$INL:inl"
	expect_eq "-e refused at the last place: exit 1" "$rc" 1
	expect_eq "-e refused half-way: only the probe from before stays" \
		"$(count "$E")" 1
	expect_match "-e refused half-way: says what was taken back" "$errout" \
		"the $((np - 1)) probes added before it were removed again"
else
	skip "-e half-way: the compiler made $np copies of inl, not 3 or more"
fi
cleanup_groups

# --- -e of a glob refused half-way: what was added goes, the rest stays --
new_group EG
run "$UPROBE" add -g "$EG" -e cs "$INL:c4"
expect_eq "-e of a glob: c4 first" "$rc" 0
run "$UPROBE" add -g "$EG" -e cs "$INL:c[1-4]"
expect_eq "-e of a glob refused at c4 (the exact same probe): exit 1" "$rc" 1
expect_eq "-e of a glob refused half-way: only the probe from before stays" \
	"$(count "$EG")/$(grep -c "^p:$EG/cs .*:0x0*$(printf '%s' "$("$UPROBE" add -n -g "$EG" \
	"$INL:c4" | sed 's/.*:0x0*//')") *$" "$TRACEFS/uprobe_events")" "1/1"
expect_match "... says what was taken back" "$errout" \
	"the 3 probes added before it were removed again"
cleanup_groups

# --- one del, many events: only the one a live stream has stays ---------
new_group M
"$UPROBE" add -g "$M" "$INL:c[1-4]" >/dev/null
"$UPROBE" enable "$M/c1" >/dev/null
"$UPROBE" stream "$M/c2" >/dev/null 2>&1 &
sp=$!
for i in $(seq 50); do
	grep -q 1 "$TRACEFS/instances/uprobe-$sp/events/$M/c2/enable" 2>/dev/null && break
	sleep 0.1
done
run "$UPROBE" --json clear -g "$M"
expect_eq "clear of 4, one in a live stream: partial (exit 2)" "$rc" 2
expect_eq "... that one stays" "$(grep -o "^p:$M/[^ ]*" "$TRACEFS/uprobe_events")" "p:$M/c2"
check "... the others removed, the one enabled at the top level disabled first" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert sorted(r["removed"]) == [sys.argv[2] + "/c" + k for k in "134"], r
assert any("c2 is enabled in instance" in e for e in r["errors"]), r
' "$out" "$M"
kill -0 $sp 2>/dev/null
expect_eq "... and the stream goes on" "$?" 0
kill $sp
wait $sp
cleanup_groups

# --- profile: every probe of an event of several -----------------------
new_group P
run "$UPROBE" add -g "$P" -e inl "$INL:inl"
np=$(grep -c "^p:$P/inl " "$TRACEFS/uprobe_events")
"$UPROBE" stream "$P/inl" -- "$INL" >/dev/null 2>&1
want=$(awk -v p="$INL" '$1 == p && $2 == "inl" { s += $3 } END { print s + 0 }' \
	"$TRACEFS/uprobe_profile")
run "$UPROBE" profile "$P/inl"
expect_eq "profile: the hits of all $np probes of the event" \
	"$(awk -v e="$P/inl" '$2 == e { print $1 }' <<<"$out")" "$want"
run "$UPROBE" -v profile "$P/inl"
expect_eq "profile -v: a line per probe" "$(grep -c "^ *[0-9]\+ \+$INL:0x" <<<"$out")" "$np"
run "$UPROBE" --json profile "$P/inl"
check "profile --json: the probes, and hits their sum" python3 -c '
import json, sys
r = json.loads(sys.argv[1])[0]
assert len(r["probes"]) == int(sys.argv[2]), r
assert r["hits"] == sum(p["hits"] for p in r["probes"]) == int(sys.argv[3]), r
' "$out" "$np" "$want"
cleanup_groups

# --- a comm with a newline: escaped, not cut ----------------------------
COMM=$OUT/safe-comm
if [ ! -x "$COMM" ]; then
	cat > "$COMM.c" <<'C'
#include <sys/prctl.h>
__attribute__((noinline)) int hit(int x) { return x + 1; }
int main(int c, char **v) { volatile int r; prctl(PR_SET_NAME, "a\nb\tc"); r = hit(c); return !r; }
C
	"${CC:-gcc}" -g -O1 -o "$COMM" "$COMM.c" || fail "build comm fixture"
fi
run "$UPROBE" add -g "$P" "$COMM:hit"
run "$UPROBE" stream "$P/hit" -- "$COMM"
expect_eq "a comm with a newline: one line" "$(printf '%s\n' "$out" | grep -c .)" 1
expect_match "... with the newline escaped" "$out" ' a\\x0ab\\x09c [0-9]+/'
cleanup_groups

# --- del and clear spare a live stream; a stream says what was removed --
new_group S
"$UPROBE" add -g "$S" "$COMM:hit" >/dev/null && "$UPROBE" add -g "$S" "$INL:c1" >/dev/null
"$UPROBE" stream "$S/*" >/dev/null 2>"$OUT/safe-stream.err" &
sp=$!
for i in $(seq 50); do
	[ -d "$TRACEFS/instances/uprobe-$sp" ] &&
		grep -q 1 "$TRACEFS/instances/uprobe-$sp/events/$S/c1/enable" 2>/dev/null && break
	sleep 0.1
done
run "$UPROBE" del "$S/hit"
expect_eq "del of an event a live stream has: refused" "$rc" 1
expect_match "... naming the instance and its process" "$errout" \
	"enabled in instance 'uprobe-$sp' of process $sp \(uprobe\).*--force"
run "$UPROBE" clear -g "$S"
expect_eq "clear of a group a live stream has: refused" "$rc" 1
expect_eq "... both events stay" "$(count "$S")" 2
kill -0 $sp 2>/dev/null
expect_eq "... and the stream goes on" "$?" 0
run "$UPROBE" del --force "$S/hit"
expect_eq "del --force removes it" "$rc/$(count "$S")" "0/1"
sleep 1.5
kill -0 $sp 2>/dev/null
expect_eq "the stream goes on with the other event" "$?" 0
run "$UPROBE" clear --force -g "$S"
expect_eq "clear --force removes the rest" "$rc/$(count "$S")" "0/0"
for i in $(seq 40); do kill -0 $sp 2>/dev/null || break; sleep 0.1; done
kill -0 $sp 2>/dev/null && { fail "the stream ends when no event is left"; kill $sp; } ||
	pass "the stream ends when no event is left"
wait $sp
e=$(cat "$OUT/safe-stream.err")
expect_match "the stream says an event was removed" "$e" "$S/hit was removed"
expect_match "... and when none is left" "$e" "$S/c1 was removed.*none left"
cleanup_groups

# --- --latency with one side of a pair says so ---------------------------
new_group L
"$UPROBE" add -g "$L" "$INL:c1" >/dev/null && "$UPROBE" add -g "$L" -r "$INL:c1" >/dev/null &&
	"$UPROBE" add -g "$L" "$INL:c2" >/dev/null
run "$UPROBE" stream --latency "$L/c2" -- "$INL"
expect_match "--latency, an entry without its return: warned" "$errout" \
	"--latency: $L/c2 has no return probe at $INL:0x[0-9a-f]+"
run "$UPROBE" stream --latency "$L/c1" "$L/c1__return" -- "$INL"
expect_nomatch "--latency, a whole pair: no warning" "$errout" "no return probe|no entry probe"
cleanup_groups

# --- messages that say what is true ------------------------------------
run "$UPROBE" help profile
expect_nomatch "help profile: hits do not count 'enabled or not'" "$out" "enabled or not"
if command -v setpriv >/dev/null; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$UPROBE" --tracefs "$TRACEFS" list
	expect_match "not root, --tracefs: permission denied" "$errout" "permission denied"
	expect_nomatch "... not 'no uprobe_events'" "$errout" "no uprobe_events"
else
	skip "setpriv missing: the non-root --tracefs message"
fi

# --- forms the kernel takes and means ----------------------------------
for ev in enable filter format id trigger; do
	run "$UPROBE" add -n -g "$E" -e "$ev" "$INL:c1"
	expect_eq "-e $ev: refused" "$rc" 64
	expect_match "-e $ev: says why" "$errout" "control file"
done
run "$UPROBE" add -n -g "$E" "$MANY:010000"
expect_eq "offset 010000 is octal, as the kernel reads it" \
	"$(printf '%s' "$out" | awk '{ print $2 }')" "$MANY:0x1000"
mkdir -p "$OUT/safe-dir:x"
cp "$INL" "$OUT/safe-dir:x/prog"
DASH="${E//_/-}-x"
T_GROUPS="${T_GROUPS:-} $DASH"
run "$UPROBE" add -g "$DASH" "$OUT/safe-dir:x/prog:c1"
expect_eq "a group with '-' and a path with ':'" "$rc" 0
expect_match "... as written" "$(cat "$TRACEFS/uprobe_events")" \
	"^p:$DASH/c1 $OUT/safe-dir:x/prog:0x"
run "$UPROBE" del "$DASH/c1"
expect_eq "... and removed" "$rc" 0
cleanup_groups

finish
