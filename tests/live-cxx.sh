#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Live tests of C++ and of libraries (issue 7 items 3-5, issue 8 item 6):
# C++ names as people type them on g++ and clang++ builds at -O0 and -O2;
# a C++ program without debug information, by its demangled names; an
# exported global of a library that the executable copy-relocates, read
# live through the library's GOT slot; $retval without debug information.
# Every fetched value is compared with what the fixture printed itself.
. "$(dirname "$0")/lib.sh"
need_tracefs

FX=$ROOT/tests/fixtures
D=$OUT/cxx
mkdir -p "$D"
new_group G

# ev EVENT ARG: ARG of every EVENT in the stream's JSON, one a line.
ev() {
	python3 - "$D/events.json" "$G/$1" "$2" <<'EOF'
import json, sys
f, name, arg = sys.argv[1:4]
for l in open(f):
    try:
        o = json.loads(l)
    except ValueError:
        continue
    if isinstance(o, dict) and o.get('event') == name:
        print(o['args'].get(arg, '<none>'))
EOF
}

# prog KEY FIELD: FIELD of every line "KEY a=1 b=x ..." the fixture printed.
prog() {
	sed -n "s/^$1 .*\\b$2=\\([^ ]*\\).*/\\1/p" "$D/prog.out"
}

# stream_run CMD: run CMD (a shell line) under `uprobe stream --json`.
stream_run() {
	timeout 30 "$UPROBE" --json stream "$G/*" -- sh -c "$1 >'$D/prog.out'" \
		>"$D/events.json" 2>"$D/stream.err"
}

add() {
	run "$UPROBE" add -g "$G" "$@"
	[ "$rc" = 0 ] || fail "add $*: $errout"
}

# C++ with debug information, both compilers: clang defines namespace
# functions inside the namespace, g++ at the top with DW_AT_specification.
for cc in g++ clang++; do
	for o in O0 O2; do
		v=$cc-$o bin=$D/$cc-$o
		CC=$cc cc_fixture "$bin" "$FX/dwarf-cxx.cpp" -$o || { fail "building $v"; continue; }
		"$UPROBE" del "$G/*" >/dev/null 2>&1
		add -e ti "$bin:acc::twice(int)" x
		add -e ca "$bin:acc::Counter::add(long, char const*)" n why
		run "$UPROBE" add -n -g "$G" "$bin:acc::Counter::add(long int, const char *)"
		expect_match "$v: the event is named from the unqualified name" "$out" \
			"^p:$G/Counter_add "
		stream_run "'$bin'"
		expect_eq "$v: acc::twice(int) x" "$(ev ti x)" "$(prog 'twice(int)' x)"
		expect_eq "$v: add(long, char const*) n" "$(ev ca n)" "$(prog add n)"
		expect_eq "$v: add(long, char const*) why" "$(ev ca why)" "$(prog add why)"
	done
done

# C++ without debug information: demangled names, in matching, event names
# and messages.
nodbg=$D/cxx-nodbg
[ "$nodbg" -nt "$FX/dwarf-cxx.cpp" ] || g++ -O2 -o "$nodbg" "$FX/dwarf-cxx.cpp" ||
	fail "building $nodbg"
"$UPROBE" del "$G/*" >/dev/null 2>&1
run "$UPROBE" add -g "$G" "$nodbg:acc::*"
expect_match "no DWARF: 'acc::*' names the events from demangled names" "$out" \
	"added $G/Counter_add on acc::Counter::add\(long, char const\*\)\+0"
expect_match "no DWARF: overloads get unique names" "$out" "$G/acc_twice_1 on acc::twice"
add -e tw "$nodbg:acc::twice(int)"
stream_run "'$nodbg'"
expect_eq "no DWARF: the events are hit" "$(ev Counter_add nothing | wc -l)" 1
expect_eq "no DWARF: 'acc::twice(int)' is the int overload only" "$(ev tw nothing | wc -l)" 1

# $retval without debug information: the kernel's own.
if [ -x /bin/bash ] && ! "$UPROBE" vars /bin/bash:readline >/dev/null 2>&1; then
	run "$UPROBE" add -n -r /bin/bash:readline '$retval'
	expect_match "no DWARF: -r bash:readline '\$retval'" "$out" "^r:.*/readline__return /bin/bash:0x[0-9a-f]+ \\\$retval$"
	run "$UPROBE" add -n -r /bin/bash:readline 'r=$retval:s32'
	expect_match "no DWARF: -r bash:readline 'r=\$retval:s32'" "$out" " r=\\\$retval:s32$"
	run "$UPROBE" add -n /bin/bash:readline%return 'l=+0($retval):string'
	expect_match "no DWARF: readline%return '+0(\$retval):string'" "$out" " l=\+0\(\\\$retval\):string$"
else
	skip "\$retval on /bin/bash without DWARF: bash has debug information here"
fi
rbin=$D/resolve-cxx
[ "$rbin" -nt "$FX/resolve-cxx.cpp" ] || g++ -O2 -o "$rbin" "$FX/resolve-cxx.cpp" ||
	fail "building $rbin"
"$UPROBE" del "$G/*" >/dev/null 2>&1
add -r -e f "$rbin:ns::f" 'r=$retval:s32' '$retval'
timeout 30 "$UPROBE" --json stream "$G/*" -- "$rbin" 4 >"$D/events.json" 2>"$D/stream.err"
expect_eq "no DWARF: \$retval typed s32 (3x+1)" "$(ev f r | tr '\n' ' ')" "1 4 7 10 "
expect_eq "no DWARF: \$retval untyped, the kernel's default" "$(ev f arg2 | tr '\n' ' ')" \
	"0x1 0x4 0x7 0xa "

# An exported global of a library, copy-relocated into the executable:
# the library reads it through its GOT slot, and so does the probe.
lib=$D/libglob-fx.so exe=$D/glob-main
if [ "$lib" -ot "$FX/glob-lib.c" ] || [ "$exe" -ot "$FX/glob-main.c" ]; then
	gcc -g -O2 -fPIC -shared -o "$lib" "$FX/glob-lib.c" &&
		gcc -g -O2 -o "$exe" "$FX/glob-main.c" -L"$D" -lglob-fx -Wl,-rpath,"$D" ||
		fail "building the library and its program"
fi
"$UPROBE" del "$G/*" >/dev/null 2>&1
run "$UPROBE" add -n "$lib:lib_tick" lib_counter lib_hidden
expect_match "exported global: read through its GOT slot" "$out" "lib_counter=\+0\(@\+0x"
expect_match "hidden global: read in place" "$out" "lib_hidden=@\+0x"
add "$lib:lib_tick" lib_counter
stream_run "'$exe' 4"
expect_eq "exported global: the program's live copy" "$(ev lib_tick lib_counter | tr '\n' ' ')" \
	"$(tr '\n' ' ' <"$D/prog.out")"

finish
