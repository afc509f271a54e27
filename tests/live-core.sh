#!/bin/bash
# Live tests of add/list/enable/disable/del/clear against the real kernel,
# in groups of their own, removed whatever happens.
source "$(dirname "$0")/lib.sh"
need_tracefs

FIX=$OUT/target
cc_fixture "$FIX" "$TESTS_DIR/fixtures/target.c" -O2 || { fail "build fixture"; finish; exit 1; }
new_group G
new_group G2
others() { grep -v -e "^[pr]:$G/" -e "^[pr]:$G2/" "$TRACEFS/uprobe_events"; }

# an event of another group, which nothing below may touch
run "$UPROBE" add -g "$G2" "$FIX:func_c" %di
expect_eq "add in a second group" "$rc" 0
before_g2=$(grep "^p:$G2/" "$TRACEFS/uprobe_events")
before_others=$(others)

# the file offset, from the program headers, independently of the tool
off_of() {
	local addr a type off va fs ms rest
	addr=$(nm "$FIX" | awk -v s="$1" '$3 == s { print $1 }')
	a=$((16#$addr))
	while read -r type off va _ fs ms rest; do
		[ "$type" = LOAD ] || continue
		if [ $a -ge $((va)) ] && [ $a -lt $((va + ms)) ]; then
			printf '0x%x\n' $((a - va + off))
		fi
	done < <(readelf -lW "$FIX")
}

run "$UPROBE" add -g "$G" "$FIX:func_a" %di
expect_eq "add entry probe" "$rc" 0
expect_match "add says what it added" "$out" "added $G/func_a on func_a\+0 in $FIX"
line=$(grep "^p:$G/func_a " "$TRACEFS/uprobe_events")
want=$(off_of func_a | sed 's/^0x//')
expect_match "definition at the file offset" "$line" "^p:$G/func_a $FIX:0x0*$want arg1=%di"

run "$UPROBE" add -g "$G" -r "$FIX:func_a" '$retval:s32'
expect_eq "add return probe" "$rc" 0
expect_match "return probe named __return" "$(cat "$TRACEFS/uprobe_events")" "^r:$G/func_a__return "

run "$UPROBE" add -g "$G" "$FIX:func_a" %si
expect_eq "same symbol again" "$rc" 0
expect_match "taken name gets _1" "$out" "$G/func_a_1 "

run "$UPROBE" enable "$G/func_a" "$G/func_a__return"
expect_eq "enable" "$rc" 0
expect_eq "enabled at the top level" "$(cat "$TRACEFS/events/$G/func_a/enable")" 1
"$FIX" 7 >/dev/null
expect_eq "hits of the entry probe equal the calls" "$(hits "$G" func_a)" 7
expect_eq "hits of the return probe equal the calls" "$(hits "$G" func_a__return)" 7
expect_eq "a disabled probe counts nothing" "$(hits "$G" func_a_1)" 0

run "$UPROBE" list "$G/*"
expect_eq "list" "$rc" 0
expect_match "list shows symbol, state and hits" "$out" \
	"^$G/func_a +p +$FIX:0x[0-9a-f]+ +func_a\+0 +enabled +7 arg1=%di"
run "$UPROBE" --json list "$G/*"
json=$out
check "list --json has the documented keys and values" python3 - "$G" "$FIX" "$json" <<'PY'
import json, sys
g, fix, text = sys.argv[1], sys.argv[2], sys.argv[3]
ev = {e["event"]: e for e in json.loads(text) if e["group"] == g}
a = ev["func_a"]
assert set(a) == {"group", "event", "type", "path", "offset", "symbol",
                  "symbol_offset", "ref_ctr_offset", "args", "enabled", "hits"}, a
assert a["type"] == "p" and a["path"] == fix and isinstance(a["offset"], int)
assert a["symbol"] == "func_a" and a["symbol_offset"] == 0 and a["args"] == ["arg1=%di"]
assert a["enabled"] is True and a["hits"] == 7 and a["ref_ctr_offset"] is None
r = ev["func_a__return"]
assert r["type"] == "r" and r["hits"] == 7
assert ev["func_a_1"]["enabled"] is False
PY
run "$UPROBE" list no_such_group_xyz/nothing
expect_eq "list of nothing is empty, not an error" "$rc/$out" "0/"

run "$UPROBE" disable "$G/func_a__return"
expect_eq "disable" "$(cat "$TRACEFS/events/$G/func_a__return/enable")" 0

# del of an enabled event: disabled first, no EBUSY
run "$UPROBE" del "$G/func_a"
expect_eq "del an enabled event" "$rc" 0
expect_nomatch "del removed it" "$(cat "$TRACEFS/uprobe_events")" "^p:$G/func_a "
run "$UPROBE" del "$G/no_such_event"
expect_eq "del of an unknown event fails" "$rc" 1
expect_match "and says which" "$errout" "no uprobe event matches '$G/no_such_event'"
run "$UPROBE" --json disable "$G/func_a__return" "$G/no_such_event"
expect_eq "disable --json, partly done: exit 2" "$rc" 2
check "partly done: one document, with the errors beside what was done" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["disabled"] == [sys.argv[2] + "/func_a__return"], d
assert d["errors"] == ["no uprobe event matches %r" % (sys.argv[2] + "/no_such_event")], d' "$out" "$G"
run "$UPROBE" del "$G/func_a_1" "$G/no_such_event"
expect_eq "del, partly done: exit 2" "$rc" 2

# a fetch-arg that starts with '-', right after TARGET
run "$UPROBE" add -g "$G" -e neg "$FIX:func_a" '-8(%sp):u64'
expect_eq "add a fetch-arg starting with '-'" "$rc" 0
expect_match "the kernel has it" "$(cat "$TRACEFS/uprobe_events")" "^p:$G/neg $FIX:0x[0-9a-f]+ arg1=-8\(%sp\):u64$"
run "$UPROBE" --json add -g "$G" -e negj "$FIX:func_a" '-8(%sp):u64'
check "add --json: symbol and symbol_offset as list has them" python3 -c '
import json, sys
a = json.loads(sys.argv[1])[0]
assert a["symbol"] == "func_a" and a["symbol_offset"] == 0 and a["added"] is True, a' "$out"
run "$UPROBE" --json list "$G/negj"
check "list --json: the same symbol and symbol_offset" python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert len(a) == 1 and a[0]["symbol"] == "func_a" and a[0]["symbol_offset"] == 0, a' "$out"
run "$UPROBE" del "$G/neg" "$G/negj"
expect_eq "del both" "$rc" 0

# a glob: one probe per match; dry run writes nothing
run "$UPROBE" add -n -g "$G" "$FIX:func_*"
expect_eq "dry run" "$rc" 0
expect_eq "dry run prints three definitions" "$(printf '%s\n' "$out" | grep -c "^p:$G/func_")" 3
expect_nomatch "dry run writes nothing" "$(cat "$TRACEFS/uprobe_events")" "^p:$G/func_b "
run "$UPROBE" add -g "$G" --max-probes 2 "$FIX:func_*"
expect_eq "glob over --max-probes is refused" "$rc" 1
run "$UPROBE" add -g "$G" "$FIX:func_*" %di
expect_eq "glob" "$rc" 0
expect_eq "glob added three events" "$(grep -c "^p:$G/func_[abc] " "$TRACEFS/uprobe_events")" 3

# clear with an event enabled in an instance of our own
inst=$TRACEFS/instances/${G}_i
mkdir "$inst"
echo 1 > "$inst/events/$G/func_b/enable"
run "$UPROBE" clear -g "$G"
expect_eq "clear spares an event enabled in another instance" "$rc" 2
expect_match "and names the instance" "$errout" "$G/func_b is enabled in instance '${G}_i'.*--force"
run "$UPROBE" clear --force -g "$G"
expect_eq "clear --force a group with an enabled event" "$rc" 0
expect_eq "clear removed the group" "$(grep -c "^[pr]:$G/" "$TRACEFS/uprobe_events")" 0
rmdir "$inst"

# all or nothing: the kernel refuses func_b (its offset already has a
# probe with a reference counter), so func_a, added first, is taken back
echo "p:$G/pre $FIX:$(off_of func_b)(0x10)" >> "$TRACEFS/uprobe_events"
run "$UPROBE" add -g "$G" "$FIX:func_*"
expect_eq "a refused batch fails" "$rc" 1
expect_match "and says the others were taken back" "$errout" "1 probe added before it was removed again"
expect_eq "nothing of the batch is left" "$(grep -c "^p:$G/" "$TRACEFS/uprobe_events")" 1

# the kernel's own refusal, with error_log's caret on the user's token
run "$UPROBE" add -g "$G" -e fixed "$FIX:func_a" x=%ax
run "$UPROBE" add -g "$G" -e fixed "$FIX:func_c" y=%bx
expect_eq "kernel refusal fails" "$rc" 1
expect_match "shows error_log's message" "$errout" "the kernel refused the probe: Argument type or name is different"
expect_match "on the user's token" "$errout" "^  y=%bx$"
expect_match "with the caret" "$errout" "^  \^$"

# a variable by name (DWARF) refused by the kernel: shown on the line, and
# traced back to the name the user typed
run "$UPROBE" add -g "$G" -e fixed "$FIX:func_c" x
expect_eq "kernel refusal of a DWARF arg fails" "$rc" 1
expect_match "names the user's token" "$errout" "in argument 1, 'x'$"
expect_match "shows the line it generated" "$errout" "^  p:$G/fixed $FIX:0x[0-9a-f]+ x=%di:s32$"

# our own refusals, before anything is written
n0=$(grep -c "^[pr]:$G/" "$TRACEFS/uprobe_events")
run "$UPROBE" add -g "$G" "$FIX:func_a" '%zz'
expect_eq "unknown register refused" "$rc" 1
expect_match "names the token" "$errout" "%zz"
run "$UPROBE" add -g "$G" "$FIX:func_a+100000"
expect_eq "offset past the function refused" "$rc" 1
run "$UPROBE" add -g "$G" "$FIX:0x0"
expect_eq "raw offset outside executable code refused" "$rc" 1
run "$UPROBE" add -g "$G" "$FIX:no_such_function"
expect_eq "unknown symbol refused" "$rc" 1
expect_match "and named" "$errout" "no_such_function"
run "$UPROBE" add -g "$G" "$FIX:func_a" '$retval'
expect_eq "\$retval on an entry probe refused" "$rc" 1
expect_eq "nothing was written by refusals" "$(grep -c "^[pr]:$G/" "$TRACEFS/uprobe_events")" "$n0"

run "$UPROBE" add -g "$G" "$(basename "$FIX")x:func_a" 2>/dev/null
expect_eq "unknown program refused" "$rc" 1
run env PATH="$OUT:$PATH" "$UPROBE" add -n -g "$G" "target:func_a"
expect_match "a bare name is found in PATH" "$out" " $FIX:0x"
cd "$OUT" && run "$UPROBE" add -n -g "$G" "./target:func_a"
cd "$ROOT" || exit 1
expect_match "a relative path is made absolute" "$out" " $FIX:0x"

# -e of a glob: one event, a probe per function, the hits of all under it
# (not func_b: $G/pre holds its offset with a reference counter)
run "$UPROBE" add -g "$G" -e allf "$FIX:func_[ac]" x=%di
expect_eq "add -e of a glob" "$rc" 0
expect_match "says it is one event" "$out" "$G/allf is one event of 2 probes"
expect_match "and how to stream it" "$out" "uprobe stream '$G/allf'"
expect_eq "two probes under one event" "$(grep -c "^p:$G/allf " "$TRACEFS/uprobe_events")" 2
run "$UPROBE" stream "$G/allf" -- "$FIX" 2
expect_eq "streams every function's hits under the one event" \
	"$(grep -c " $G/allf x=" <<<"$out")" 8
run "$UPROBE" list "$G/allf"
expect_eq "list: a line per probe, each function's hits" \
	"$(awk 'NR > 1 { print $4, $6 }' <<<"$out" | tr '\n' ' ')" "func_a+0 2 func_c+0 6 "
run "$UPROBE" --json add -n -g "$G" -e allj "$FIX:func_*"
check "add --json -e of a glob: one event, event_probes 3" python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert len(a) == 3 and {o["event"] for o in a} == {"allj"}, a
assert all(o["event_probes"] == 3 for o in a), a' "$out"
run "$UPROBE" add -g "$G" -e allx "$FIX:func_*" x
expect_eq "-e of a glob whose fetch-args differ: refused" "$rc" 1
expect_match "... saying where" "$errout" "argument 1 is 'x=%di:s32' at func_a but 'x=%di:s64' at func_b"
expect_eq "... nothing added" "$(grep -c "^p:$G/allx " "$TRACEFS/uprobe_events")" 0
run "$UPROBE" del "$G/allf"
expect_eq "del of the one event removes its probes" \
	"$rc/$(grep -c "^p:$G/allf " "$TRACEFS/uprobe_events")" "0/0"

expect_eq "the other group is untouched" "$(grep "^p:$G2/" "$TRACEFS/uprobe_events")" "$before_g2"
expect_eq "events of others are untouched" "$(others)" "$before_others"
finish
