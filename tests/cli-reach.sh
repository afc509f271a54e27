#!/bin/bash
# USDT markers, library short names and -p PID as a user meets them without
# root: uprobe usdt, add -n usdt:..., the errors, -v's candidate.
source "$(dirname "$0")/lib.sh"

FIX=$OUT/usdt-live
cc_fixture "$FIX" "$TESTS_DIR/fixtures/usdt-live.c" -O2 || { fail "build fixture"; finish; exit 1; }

run "$UPROBE" usdt "$FIX"
expect_eq "usdt PATH" "$rc" 0
expect_match "a site: offset, provider:name, semaphore" "$out" \
	"^ +0x[0-9a-f]+  live:guarded  semaphore 0x[0-9a-f]+$"
expect_match "an argument: operand and fetch-arg" "$out" "^    arg2  -8@%[a-z0-9]+ +%[a-z0-9]+:s64$"
run "$UPROBE" usdt "$FIX" 'nosuch*'
expect_eq "usdt GLOB matching nothing" "$rc" 1
run "$UPROBE" usdt
expect_eq "usdt without PATH or -p: usage" "$rc" 64
run "$UPROBE" usdt -p 0 "$FIX"
expect_eq "-p takes a process id" "$rc" 64
run "$UPROBE" --json usdt "$FIX" plain
expect_match "usdt --json" "$out" \
	'^\[\{"path": "[^"]+", "provider": "live", "name": "plain", "offset": [0-9]+, "address": [0-9]+, "semaphore": [0-9]+, "args": \[\{"name": "arg1", "operand": "-4@%[a-z0-9]+", "fetch": "%[a-z0-9]+:s32", "why": null\}'

run "$UPROBE" add -n "usdt:$FIX:live:guarded"
expect_eq "add -n usdt:PATH:PROVIDER:NAME" "$rc" 0
expect_match "the semaphore as (REF_CTR_OFFSET), every argument" "$out" \
	"^p:uprobes/guarded $FIX:0x[0-9a-f]+\(0x[0-9a-f]+\) arg1=%[a-z0-9]+:s32 arg2=%[a-z0-9]+:s64 arg3=%[a-z0-9]+:u64$"
run "$UPROBE" add -n "usdt:$FIX:guarded" 'w=arg3:string' 'n=arg1:x32'
expect_match "NAME=argN:TYPE, a string through its pointer" "$out" \
	" w=\+0\(%[a-z0-9]+\):string n=%[a-z0-9]+:x32$"
run "$UPROBE" add -n "usdt:$FIX:guarded" arg4
expect_match "argN past the marker's arguments" "$errout" "marker live:guarded has 3 arguments"
run "$UPROBE" add -n "usdt:$FIX:live:nosuch"
expect_match "no such marker, with a hint" "$errout" "hint: list them with: uprobe usdt"
run "$UPROBE" add -n "usdt:$FIX"
expect_eq "usdt:PATH without a marker: usage" "$rc" 64
run "$UPROBE" add -n -r "usdt:$FIX:plain"
expect_match "a marker has no return" "$errout" "a USDT marker has no return"
run "$UPROBE" add -n -e one "usdt:$FIX:*"
expect_match "-e with several markers" "$errout" "-e names one event"

run "$UPROBE" -v add -n libc:getpid
expect_match "a short name" "$out" "^p:uprobes/getpid /.*/libc\.so\.6:0x[0-9a-f]+$"
expect_match "-v names the candidate and its source" "$errout" "'libc' is /.*libc\.so\.6 \(from ld\.so\.cache\)"
run "$UPROBE" add -n -p $$ libc:getpid
expect_match "-p PID: the library the process maps" "$out" "^p:uprobes/getpid /.*/libc\.so\.6:0x"
run "$UPROBE" funcs -p 999999999 libc
expect_eq "-p with no such process" "$rc" 1
run "$UPROBE" add -n '*:getpid'
expect_eq "'*:' without -p names no file" "$rc" 1
finish
