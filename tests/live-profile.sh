#!/bin/bash
# Live tests of uprobe profile: hits equal the calls, sorted, JSON, and the
# refreshing --interval view.
source "$(dirname "$0")/lib.sh"
need_tracefs

FIX=$OUT/stream-args
cc_fixture "$FIX" "$TESTS_DIR/fixtures/stream-args.c" -O2 -fno-omit-frame-pointer ||
	{ fail "build fixture"; finish; exit 1; }
new_group G
"$UPROBE" add -g "$G" -e s "$FIX:probe_s" >/dev/null &&
"$UPROBE" add -g "$G" -e sr -r "$FIX:probe_s" >/dev/null &&
"$UPROBE" add -g "$G" -e u "$FIX:probe_u" >/dev/null &&
"$UPROBE" add -g "$G" -e m "$FIX:main" >/dev/null
expect_eq "add probes" "$?" 0

# the kernel counts hits of probes that are enabled somewhere
"$UPROBE" stream "$G/*" -- "$FIX" >/dev/null
"$UPROBE" stream "$G/s" "$G/sr" -- "$FIX" loop 25 0 >/dev/null
calls_s=$(( $("$FIX" | grep -c '^S ') + 25 ))
calls_u=$("$FIX" | grep -c '^U ')

run "$UPROBE" profile "$G/*"
expect_eq "profile" "$rc" 0
expect_match "a header" "$(head -1 <<<"$out")" "^ +HITS GROUP/EVENT +TYPE PATH:OFFSET$"
row() { awk -v e="$G/$1" '$2 == e { print $1 }' <<<"$out"; }
expect_eq "hits of the entry probe equal the calls" "$(row s)" "$calls_s"
expect_eq "hits of the return probe equal the calls" "$(row sr)" "$calls_s"
expect_eq "hits of the other function equal its calls" "$(row u)" "$calls_u"
expect_eq "hits of main: the one run it was enabled in" "$(row m)" 1
expect_eq "sorted by hits, most first" "$(awk 'NR > 1 { print $1 }' <<<"$out" | tr '\n' ' ')" \
	"$(awk 'NR > 1 { print $1 }' <<<"$out" | sort -rn | tr '\n' ' ')"
expect_eq "the kernel's own count agrees" "$(hits "$G" u)" "$calls_u"

run "$UPROBE" --json profile "$G/s" "$G/u"
expect_eq "profile --json" "$rc" 0
run python3 -c '
import json, sys
rows = json.loads(sys.stdin.read())
print(" ".join("%s/%s:%s:%d" % (r["group"], r["event"], r["type"], r["hits"]) for r in rows))
assert all(set(r) == {"group", "event", "type", "path", "offset", "hits"} for r in rows)
' <<<"$out"
expect_eq "JSON rows" "$out" "$G/s:p:$calls_s $G/u:p:$calls_u"

run "$UPROBE" profile "$G/nosuch"
expect_eq "a pattern matching nothing" "$rc" 1
expect_match "says so" "$errout" "no uprobe event matches '$G/nosuch'"

# --interval: hits per second over each refresh
"$UPROBE" stream "$G/s" -- "$FIX" loop 150 10 >/dev/null &
st=$!
run "$UPROBE" --json profile --interval 0.5 --count 2 "$G/s" "$G/u"
wait "$st"
expect_eq "profile --interval --count 2" "$rc" 0
expect_eq "two refreshes" "$(grep -c '^{"interval": ' <<<"$out")" 2
run python3 -c '
import json, sys
for l in sys.stdin.read().splitlines():
    o = json.loads(l)
    r = o["events"][0]
    assert r["event"] == "s" and r["delta"] > 0 and abs(r["rate"] - r["delta"] / o["interval"]) < 1, o
    assert o["events"][1]["delta"] == 0, o
print("ok")' <<<"$out"
expect_eq "rates: the busy event first, per second" "$out" ok
run "$UPROBE" profile --count 2
expect_eq "--count without --interval" "$rc" 64
run "$UPROBE" profile --interval 0
expect_eq "--interval 0" "$rc" 64
finish
