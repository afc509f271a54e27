#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Live tests of variables by name (issue 3): probes added with DWARF
# expressions on tests/fixtures/dwarf-vars.c built five ways (gcc -O0/-O2,
# clang -O0/-O2 with lld, a stripped copy with a separate debug file), the
# fixture run under `uprobe stream --json`, and every fetched value compared
# with what the fixture printed itself. Also libc's malloc through libc6-dbg.
. "$(dirname "$0")/lib.sh"
need_tracefs

FX=$ROOT/tests/fixtures/dwarf-vars.c
D=$OUT/dwarf
mkdir -p "$D"
new_group G
LIBC=/lib/x86_64-linux-gnu/libc.so.6

line_of() { grep -n "LINE-$1" "$FX" | cut -d: -f1; }

build() {
	cc_fixture "$D/gcc-O0" "$FX" -O0 || return 1
	cc_fixture "$D/gcc-O2" "$FX" -O2 || return 1
	CC=clang cc_fixture "$D/clang-O0" "$FX" -O0 || return 1
	CC=clang cc_fixture "$D/clang-O2" "$FX" -O2 -fuse-ld=lld || return 1
	if [ "$D/stripped" -ot "$D/gcc-O2" ]; then
		objcopy --only-keep-debug "$D/gcc-O2" "$D/stripped.debug" &&
		objcopy --strip-all --add-gnu-debuglink="$D/stripped.debug" \
			"$D/gcc-O2" "$D/stripped" || return 1
	fi
}

# prog KEY FIELD [N]: FIELD of the Nth line "KEY a=1 b=x y ..." the fixture printed.
prog() {
	python3 - "$D/prog.out" "$1" "$2" "${3:-0}" <<'EOF'
import re, sys
f, key, field, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [l.rstrip('\n') for l in open(f) if l.startswith(key + ' ')]
if n < len(rows):
    kv = dict(re.findall(r'(\w+)=(.*?)(?= \w+=|$)', rows[n][len(key) + 1:]))
    print(kv.get(field, '<no such field>'))
EOF
}

# ev EVENT ARG [N]: ARG of the Nth EVENT in the stream's JSON.
ev() {
	python3 - "$D/events.json" "$G/$1" "$2" "${3:-0}" <<'EOF'
import json, sys
f, name, arg, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
evs = []
for l in open(f):
    try:
        o = json.loads(l)
    except ValueError:
        continue
    if o.get('event') == name:
        evs.append(o)
if n < len(evs):
    v = evs[n]['args'].get(arg, '<none>')
    print(','.join(map(str, v)) if isinstance(v, list) else v)
else:
    print('<no event>')
EOF
}

# stream_run BIN [ARGS...]: run BIN under `uprobe stream --json`.
stream_run() {
	local bin=$1; shift
	timeout 30 "$UPROBE" --json stream "$@" -- sh -c "'$bin' 1 >'$D/prog.out'" \
		>"$D/events.json" 2>"$D/stream.err"
}

add() {
	run "$UPROBE" add -g "$G" "$@"
	[ "$rc" = 0 ] || fail "add $*: $errout"
}

same() {	# same DESC EVENT ARG KEY FIELD [N]
	expect_eq "$1" "$(ev "$2" "$3" "${6:-0}")" "$(prog "$4" "$5" "${6:-0}")"
}

variant() {
	local v=$1 bin=$D/$1 pl
	pl=$(line_of print)
	"$UPROBE" del "$G/*" >/dev/null 2>&1
	add "$bin:ints" a b c d e f g h
	add "$bin:strs" s c buf p
	add "$bin:handle" 'r->len' 'r->delta' 'depth=r->in.depth' 'label=r->in.label' \
		'pdepth=r->pin->depth' 'plabel=r->pin->label' 'tag=r->tag' \
		'port1=r->ports[1]' 'flag=r->flag' 'mode=r->mode' col
	add -e line "$bin:dwarf-vars.c:$pl" local counter greeting
	add -r "$bin:handle" '$retval'
	add "$bin:scale" x k
	stream_run "$bin" "$G/*"
	for f in a b c d e f g h; do
		same "$v: ints $f (int$((${#f})) sizes and signs)" ints "$f" ints "$f"
	done
	for f in s c buf p; do same "$v: strs $f" strs "$f" strs "$f"; done
	same "$v: r->len, named after the member" handle len handle len
	same "$v: r->delta" handle delta handle delta
	for f in depth label pdepth plabel tag port1 flag mode col; do
		same "$v: handle $f" handle "$f" handle "$f"
	done
	expect_eq "$v: a local at FILE:LINE" "$(ev line local)" "$(prog handle local 1)"
	expect_eq "$v: a global at FILE:LINE" "$(ev line counter)" "$(prog handle counter 1)"
	expect_eq "$v: a global string at FILE:LINE" "$(ev line greeting)" \
		"$(prog handle greeting 1)"
	expect_eq "$v: \$retval typed by the return type, named ret" \
		"$(ev handle__return ret)" "$(prog ret handle)"
	same "$v: a clone under its own name, first call" scale x scale x 0
	same "$v: a clone under its own name, second call" scale x scale x 1
	same "$v: a constant-propagated parameter" scale k scale k 1
}

if ! build; then
	fail "building the fixtures"
	finish
	exit 1
fi

for v in gcc-O0 gcc-O2 clang-O0 clang-O2 stripped; do
	variant "$v"
done

# Inlined copies: one event, a probe on each copy.
"$UPROBE" del "$G/*" >/dev/null 2>&1
add "$D/gcc-O0:twice" x
expect_eq "inlined copies: one probe each in one event" \
	"$(grep -c "^p:$G/twice " "$TRACEFS/uprobe_events")" 2
stream_run "$D/gcc-O0" "$G/*"
same "inlined copy 1: its parameter" twice x twice x 0
same "inlined copy 2: its parameter" twice x twice x 1
"$UPROBE" del "$G/*" >/dev/null 2>&1
run "$UPROBE" add -g "$G" --no-inlines "$D/gcc-O2:twice"
expect_match "--no-inlines: an inline-only function has no place" "$errout" "inlined|no function"

# A stripped program: the symbols come from its debug file; the probe goes
# on the program itself.
"$UPROBE" del "$G/*" >/dev/null 2>&1
add -n "$D/stripped:handle" 'r->len'
expect_match "stripped: the probe is on the program" "$out" " $D/stripped:0x"

# libc through libc6-dbg (/usr/lib/debug/.build-id).
"$UPROBE" del "$G/*" >/dev/null 2>&1
if [ -e "$LIBC" ] && dpkg -s libc6-dbg >/dev/null 2>&1; then
	add "$LIBC:malloc" bytes
	timeout 30 "$UPROBE" --json stream -f 'bytes == 987654' "$G/malloc" -- \
		sh -c "'$D/gcc-O0' 1 987654 >'$D/prog.out'" >"$D/events.json" 2>"$D/stream.err"
	expect_eq "libc malloc bytes through libc6-dbg" "$(ev malloc bytes)" \
		"$(prog malloc bytes)"
else
	skip "libc malloc: libc6-dbg is not installed"
fi

# C++: overloads told apart by signature, members through this.
"$UPROBE" del "$G/*" >/dev/null 2>&1
for o in O0 O2; do
	cx=$D/cxx-$o
	CC=g++ cc_fixture "$cx" "$ROOT/tests/fixtures/dwarf-cxx.cpp" -$o || fail "building $cx"
	"$UPROBE" del "$G/*" >/dev/null 2>&1
	add -e ti "$cx:acc::twice(int)" x
	add -e ca "$cx:acc::Counter::add" n why 'total=this->total'
	stream_run "$cx" "$G/*"
	expect_eq "c++ $o: 'acc::twice(int)', not its double overload" "$(ev ti x)" \
		"$(prog 'twice(int)' x)"
	same "c++ $o: a member function's parameter" ca n add n
	same "c++ $o: a member function's string parameter" ca why add why
	expect_eq "c++ $o: this->total (before the call adds n)" "$(ev ca total)" \
		"$(( $(prog add total) - $(prog add n) ))"
done
run "$UPROBE" add -n "$D/cxx-O0:acc::twice" x
expect_match "c++: an overloaded name lists the signatures" "$errout" \
	"acc::twice\(double\).*acc::twice\(int\)"

# Refusals name the variable and why.
"$UPROBE" del "$G/*" >/dev/null 2>&1
run "$UPROBE" add -n "$D/gcc-O0:handle" 'r->nope'
expect_match "unknown member: the members are listed" "$errout" "no member 'nope'.*len, delta"
run "$UPROBE" add -n "$D/gcc-O0:handle" 'r.len'
expect_match "'.' on a pointer: told to use ->" "$errout" "use '->len'"
run "$UPROBE" add -n "$D/gcc-O2:handle" local
expect_match "not live at the entry: where it is" "$errout" "'local' is not available at handle; it is at handle\+"
run "$UPROBE" add -n "$D/gcc-O0:handle" 'r->in'
expect_match "a struct: name a member" "$errout" "struct inner.*name a member"
run "$UPROBE" add -n -r "$D/gcc-O0:handle" 'r->len'
expect_match "a parameter on a return probe" "$errout" "not available on a return probe"

finish
