#!/bin/bash
# Live tests of --stack: main -> top -> mid -> leaf, probed at leaf's entry
# (where the kernel's frame-pointer walk starts at the caller's caller and
# the caller comes from *(%sp)) and after its prologue (where the walk is
# right as it is), with gcc and clang at -O0 and -O2, frame pointers on.
source "$(dirname "$0")/lib.sh"
need_tracefs
need_x86_64

SRC=$TESTS_DIR/fixtures/stack-chain.c
WANT="leaf mid top main"

# the first four function names of the first event's stack=[...]
frames() {
	grep -m1 -o 'stack=\[[^]]*\]' <<<"$1" | sed 's/^stack=\[//; s/\]$//' |
		tr ';' '\n' | sed 's/^ *//; s/+0x.*//' | head -4 | tr '\n' ' ' | sed 's/ $//'
}

# the offset into leaf of the instruction after "mov %rsp,%rbp"
after_prologue() {
	local a
	a=$(objdump -d --no-show-raw-insn "$1" | awk '
		/<leaf>:$/ { in_leaf = 1; next }
		in_leaf && /^$/ { exit }
		in_leaf && start == "" { start = $1 }
		in_leaf && seen { print start, $1; exit }
		in_leaf && /mov +%rsp,%rbp/ { seen = 1 }' | tr -d :)
	set -- $a
	printf '0x%x\n' $((0x$2 - 0x$1))
}

one_build() {
	local cc=$1 opt=$2 fix=$OUT/stack-chain-$1$2 n
	CC=$cc cc_fixture "$fix" "$SRC" "$opt" -fno-omit-frame-pointer ||
		{ fail "$cc $opt: build the fixture"; return; }
	run "$UPROBE" trace --stack "$fix:leaf" -- "$fix" 3
	expect_eq "$cc $opt: trace --stack leaf" "$rc" 0
	expect_eq "$cc $opt: at leaf's entry, the caller mid is there" "$(frames "$out")" "$WANT"
	n=$(after_prologue "$fix")
	run "$UPROBE" trace --stack "$fix:leaf+$n" -- "$fix" 3
	expect_eq "$cc $opt: trace --stack leaf+$n" "$rc" 0
	expect_eq "$cc $opt: after the prologue (+$n), no frame twice" "$(frames "$out")" "$WANT"
}

for cc in gcc clang; do
	if ! command -v $cc >/dev/null; then
		skip "$cc: not installed"
		continue
	fi
	one_build $cc -O0
	one_build $cc -O2
done

# uprobe add + stream: an arg of the user's reading *(%sp) serves, unnamed
# too; without one the missing frame is shown as unknown, not left out
FIX=$OUT/stack-chain-gcc-O2
new_group G
"$UPROBE" add -g "$G" -e ra "$FIX:leaf" 'ra=$stack0:x64' >/dev/null &&
"$UPROBE" add -g "$G" -e un "$FIX:leaf" '+0(%sp):x64' >/dev/null &&
"$UPROBE" add -g "$G" -e no "$FIX:leaf" >/dev/null
expect_eq "add the probes" "$?" 0
for e in ra un; do
	run "$UPROBE" stream --stack "$G/$e" -- "$FIX" 2
	expect_eq "stream --stack $e: the caller from the user's arg" "$(frames "$out")" "$WANT"
done
run "$UPROBE" stream --stack "$G/no" -- "$FIX" 2
expect_eq "stream --stack, nothing fetched: an unknown frame" "$(frames "$out")" "leaf ? top main"
run "$UPROBE" --json stream --stack "$G/no" -- "$FIX" 2
expect_match "and in JSON, a null frame" "$out" '"stack": \[\{"addr": "0x[0-9a-f]+", "sym": "leaf", [^]]*\}, \{"addr": null, "sym": null, "off": 0, "file": null\}, \{"addr": "0x[0-9a-f]+", "sym": "top"'
finish
