#!/bin/bash
# The instruction-boundary check of uprobe add (issue 8): a probe inside an
# instruction is refused with the nearest boundaries, --force adds it with a
# warning (and the program it is enabled on dies, which is why), a probe on
# a boundary streams; return probes only at an entry; files of debug
# information only; names with control bytes printed escaped.
source "$(dirname "$0")/lib.sh"

FIX=$OUT/insn-target
if ! [ "$FIX" -nt "$TESTS_DIR/fixtures/insn-target.c" ]; then
	"${CC:-gcc}" -O0 -g -o "$FIX" "$TESTS_DIR/fixtures/insn-target.c" 2>/dev/null &&
		perl -0777 -pi -e 's/ctl_Xnl\0/ctl_\nnl\0/g; s/ctl_Xesc\0/ctl_\033esc\0/g' "$FIX" &&
		objcopy --only-keep-debug "$FIX" "$FIX.debug" || { fail "build fixture"; finish; exit 1; }
fi
addr=$(nm "$FIX" | awk '$3 == "acc_add" { print $1 }')
# the file offset of acc_add, from the program headers, independently of the tool
a=$((16#$addr)) off=
while read -r type o va _ fs _; do
	[ "$type" = LOAD ] && [ $a -ge $((va)) ] && [ $a -lt $((va + fs)) ] && off=$((a - va + o))
done < <(readelf -lW "$FIX")
hex() { printf '0x%x' $((off + $1)); }

# --- without the kernel (dry runs) ---
run "$UPROBE" add -n "$FIX:acc_add+2"
expect_eq "inside an instruction: refused" "$rc" 1
expect_match "the message names the nearest boundaries" "$errout" \
	"'acc_add\+2' is inside the instruction at acc_add\+0 \(3 bytes\): probe acc_add\+0 or acc_add\+3"
expect_match "... and --force" "$errout" "--force"
run "$UPROBE" add -n "$FIX:$(hex 4)"
expect_eq "a raw offset inside an instruction: refused" "$rc" 1
expect_match "... in offsets" "$errout" \
	"offset $(hex 4) \(acc_add\+4\) is inside the instruction at $(hex 3) \(3 bytes\): probe $(hex 3) or $(hex 6)"
run "$UPROBE" add -n "$FIX:$(hex 8)"
expect_eq "a raw offset no symbol covers: refused" "$rc/$(grep -c 'no function symbol holds' <<<"$errout")" 1/1
run "$UPROBE" add -n --force "$FIX:$(hex 8)"
expect_eq "... unless --force" "$rc" 0
run "$UPROBE" add -n "$FIX:acc_add+3"
expect_eq "on a boundary: accepted" "$rc/$out" "0/p:uprobes/acc_add_3 $FIX:$(hex 3)"
run "$UPROBE" add -n "$FIX:insn-target.c:52"
expect_eq "a source line: checked and accepted" "$rc" 0
run "$UPROBE" add -n "$FIX:acc_twice" x
expect_eq "a function from the debug information: checked and accepted" "$rc" 0
run "$UPROBE" add -n -r "$FIX:acc_add+3"
expect_eq "a return probe inside a function: refused" "$rc" 1
expect_match "... saying why" "$errout" "a return probe goes on a function's entry"
run "$UPROBE" add -n "$FIX:acc_add+3%return"
expect_eq "... as %return too" "$rc" 1
run "$UPROBE" add -n -r "$FIX:acc_add+0"
expect_eq "a return probe at +0: accepted" "$rc" 0
run "$UPROBE" add -n "$FIX.debug:acc_add"
expect_eq "a file of debug information only: refused" "$rc" 1
expect_match "... saying why" "$errout" "holds only debug information.*probe the program it belongs to"
run "$UPROBE" add -n "$FIX:0x10000000"
expect_match "a raw offset past the end of the file: refused" "$rc $errout" "^1 .*past the end of the file"
# ctl_<newline>nl follows acc_add's 7 bytes and 4 of padding, ctl_<ESC>esc 3 bytes later
run "$UPROBE" add -n "$FIX:$(hex 12)"
expect_eq "inside an instruction of a name with a newline: refused" "$rc" 1
expect_match "... the name printed escaped" "$errout" "\(ctl_\\\\nnl\+1\) is inside"
expect_eq "... on one line" "$(wc -l <<<"$errout")" 2
run "$UPROBE" add -n "$FIX:$(hex 15)"
expect_match "... an ESC printed escaped" "$errout" "\(ctl_\\\\eesc\+1\) is inside"
expect_nomatch "... never raw" "$errout" $'\033'

# --- against the kernel ---
need_tracefs
new_group G
run "$UPROBE" add -g "$G" -e inside "$FIX:acc_add+2"
expect_eq "add inside an instruction: refused" "$rc" 1
expect_eq "... nothing written" "$(grep -c "^p:$G/" "$TRACEFS/uprobe_events")" 0
run "$UPROBE" add -g "$G" -e on "$FIX:acc_add+3" %si
expect_eq "add on a boundary" "$rc" 0
run "$UPROBE" stream --count 3 "$G/on" -- "$FIX" 3
expect_eq "the probe on a boundary streams" "$rc" 0
expect_eq "... every call, the program intact" "$(grep -c "$G/on arg1=0x1$" <<<"$out")" 3
run "$UPROBE" add -g "$G" "$FIX:ctl_*"
expect_eq "add a glob over names with control bytes" "$rc" 0
expect_match "... listed escaped" "$out" "on ctl_\\\\nnl\+0 in "
expect_match "... both" "$out" "on ctl_\\\\eesc\+0 in "
expect_nomatch "... never raw" "$out" $'\033'
run "$UPROBE" list "$G/ctl_*"
expect_match "list shows the name escaped" "$out" "ctl_\\\\nnl\+0 +disabled"
expect_nomatch "... never raw" "$out" $'\033'
run "$UPROBE" add -g "$G" -e forced --force "$FIX:acc_add+2"
expect_eq "--force adds it" "$rc" 0
expect_match "... with a warning" "$errout" "warning: --force.*crash"
# enabled, on a copy that is thrown away: the corrupted mov kills it
run "$UPROBE" stream --count 1 "$G/forced" -- "$FIX" 3
expect_match "the forced probe kills the program it is enabled on" "$rc" "^1(32|33|34|35|36|39)$"
finish
