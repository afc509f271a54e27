#!/bin/bash
# The built program as a user meets it: help, usage errors, messages, JSON
# shape, dry runs. Needs no root.
source "$(dirname "$0")/lib.sh"

FIX=$OUT/target
cc_fixture "$FIX" "$TESTS_DIR/fixtures/target.c" -O2 || { fail "build fixture"; finish; exit 1; }

run "$UPROBE" --help
expect_eq "--help exits 0" "$rc" 0
for c in add list del clear enable disable; do
	expect_match "--help lists '$c'" "$out" "^  $c "
done
run "$UPROBE" --version
expect_match "--version" "$out" "^uprobe [0-9]+\.[0-9]+"
run "$UPROBE"
expect_eq "no command: usage, exit 64" "$rc" 64
run "$UPROBE" bogus
expect_eq "unknown command: exit 64" "$rc" 64
expect_match "unknown command named" "$errout" "^uprobe: 'bogus' is not a command$"
run "$UPROBE" lis
expect_eq "no prefix matching" "$rc" 64
run "$UPROBE" help add
expect_match "help CMD shows the command's help" "$out" "^Usage: uprobe add "
run "$UPROBE" add --usage
expect_match "--usage names the command" "$out" "^Usage: uprobe add "
run "$UPROBE" add
expect_eq "add without target: exit 64" "$rc" 64
expect_match "add without target: says so" "$errout" "^uprobe add: a target is needed, such as /bin/bash:readline$"
run "$UPROBE" add -g 1bad "$FIX:func_a"
expect_eq "bad group name: exit 64" "$rc" 64
expect_match "bad group name: named" "$errout" "^uprobe add: '1bad' is not a valid group name \\(letters, digits, '_' and '-', not starting with a digit\\)$"
run "$UPROBE" add --max-probes 0 "$FIX:func_a"
expect_eq "bad --max-probes: exit 64" "$rc" 64
expect_match "bad --max-probes: says why" "$errout" "^uprobe add: --max-probes takes a whole number, 1 or more, not '0'$"
run "$UPROBE" add --bogus "$FIX:func_a"
expect_eq "unknown option: exit 64" "$rc" 64
expect_match "unknown option: named" "$errout" "^uprobe add: unrecognized option '--bogus'$"

run "$UPROBE" add -n "$FIX:func_a" %di '+0(%si):string'
expect_eq "dry run" "$rc" 0
expect_match "dry run prints the definition" "$out" "^p:uprobes/func_a $FIX:0x[0-9a-f]+ %di \+0\(%si\):string$"
run "$UPROBE" add -n -r "$FIX:func_a" 'ret=$retval:s32'
expect_match "dry run of a return probe" "$out" "^r:uprobes/func_a__return $FIX:0x[0-9a-f]+ ret=\\\$retval:s32$"
run "$UPROBE" add -n "$FIX:func_a%return"
expect_match "%return suffix" "$out" "^r:uprobes/func_a__return "
run "$UPROBE" add -n -g mine -e ev "$FIX:func_a+3"
expect_match "-g, -e and SYMBOL+OFF" "$out" "^p:mine/ev $FIX:0x"
run "$UPROBE" --json add -n "$FIX:func_a" %di
check "add --json is an array of probes" python3 -c '
import json, sys
a = json.loads(sys.argv[1])
assert len(a) == 1 and a[0]["event"] == "func_a" and a[0]["type"] == "p"
assert a[0]["args"] == ["%di"] and isinstance(a[0]["offset"], int)' "$out"

run "$UPROBE" add -n /nonexistent/prog:main
expect_eq "missing file: exit 1" "$rc" 1
expect_match "missing file: named" "$errout" "^uprobe add: '/nonexistent/prog': no such file$"
run "$UPROBE" --json add -n /nonexistent/prog:main
check "errors with --json are {\"error\": ...}" python3 -c '
import json, sys
e = json.loads(sys.argv[1]); assert list(e) == ["error"] and e["error"]' "$out"
run "$UPROBE" add -n "$FIX:func_a" $'%di\np:evil/x /bin/sh:0x0'
expect_eq "a newline in an arg is refused" "$rc" 1
expect_match "and told why" "$errout" "^p:evil/x /bin/sh:0x0': a line break would start a second definition$"
run "$UPROBE" add -n "$FIX:func_a" 'a b=%di'
expect_eq "a space in an arg is refused" "$rc" 1
expect_match "and told why" "$errout" "^uprobe add: 'a b=%di': no variable 'a' at func_a; 'uprobe vars' lists what is there$"
mkdir -p "$OUT/with space" && cp "$FIX" "$OUT/with space/t"
run "$UPROBE" add -n "$OUT/with space/t:func_a"
expect_eq "a path with a space is refused" "$rc" 1
expect_match "and told why" "$errout" "path '$OUT/with space/t' has white space: the kernel's uprobe_events format cannot carry it"
run "$UPROBE" add -n "$FIX:func_a" '$arg1'
expect_eq "kernel-only \$argN refused" "$rc" 1
expect_match "and told why" "$errout" "^uprobe add: '\\\$arg1' is only for kprobes and fprobes; uprobes read registers: use %di, %si"
run "$UPROBE" add -n "$FIX:func_a" '%zz'
expect_match "caret under the bad token" "$errout" "^  %zz$"

# after TARGET every word is a fetch-arg, one that starts with '-' too
run "$UPROBE" add -n "$FIX:func_a" '-8(%sp):u64' %di
expect_eq "a fetch-arg starting with '-'" "$rc" 0
expect_match "is the probe's" "$out" "^p:uprobes/func_a $FIX:0x[0-9a-f]+ -8\(%sp\):u64 %di$"
run "$UPROBE" add -n "$FIX:func_a" -- '-8(%sp):u64'
expect_match "'--' after TARGET still works" "$out" "^p:uprobes/func_a $FIX:0x[0-9a-f]+ -8\(%sp\):u64$"
run "$UPROBE" add -n -g mine -- "$FIX:func_a" '-8(%sp):u64'
expect_match "options and '--' before TARGET" "$out" "^p:mine/func_a $FIX:0x[0-9a-f]+ -8\(%sp\):u64$"
run "$UPROBE" add -n "$FIX:func_a" -r
expect_eq "an option after TARGET is a fetch-arg" "$rc" 1
expect_match "and the hint says so" "$errout" "hint: options go before TARGET; after it every word is a fetch-arg"

run "$UPROBE" --tracefs "$OUT" list
expect_eq "--tracefs that is not tracefs: exit 1" "$rc" 1
expect_match "and says so" "$errout" "'$OUT' is not a tracefs mount"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$UPROBE" list
	expect_eq "not root: list fails" "$rc" 1
	expect_match "not root: says why" "$errout" "permission denied|root"
else
	skip "not-root message: needs root to drop privileges"
fi
finish
