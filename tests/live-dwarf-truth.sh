#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Ground truth for placement (issue 7): tests/fixtures/dwarf-truth.c prints
# what each call is given before it makes it; built with gcc and clang at
# -O0 and -O2, probed by parameter name and streamed, every hit is compared
# with its call, in order, and no call may be missed. A probe may be refused
# at -O2 (the compiler dropped the value) but never show a wrong value.
. "$(dirname "$0")/lib.sh"
need_tracefs

FX=$ROOT/tests/fixtures/dwarf-truth.c
D=$OUT/dwarf-truth
mkdir -p "$D"
new_group G

# compare: each event KEY's args against the rows "KEY f=v ..." in order.
compare() {
	python3 - "$D/prog.out" "$D/events.json" "$G" "$1" <<'EOF2'
import json, re, sys
out, evf, grp, v = sys.argv[1:]
rows = {}
for l in open(out):
    k, _, rest = l.rstrip('\n').partition(' ')
    rows.setdefault(k, []).append(dict(re.findall(r'(\w+)=(\S*)', rest)))
evs = {}
for l in open(evf):
    try:
        o = json.loads(l)
    except ValueError:
        continue
    if o.get('event', '').startswith(grp + '/'):
        evs.setdefault(o['event'].split('/')[1], []).append(o.get('args', {}))
for k in sorted(evs):
    want = rows.get(k, [])
    bad = []
    if len(evs[k]) != len(want):
        bad.append('%d hits for %d calls' % (len(evs[k]), len(want)))
    for i, (e, w) in enumerate(zip(evs[k], want)):
        for f, val in e.items():
            if f in w and str(val) != w[f]:
                bad.append('call %d: %s=%s, program saw %s' % (i, f, val, w[f]))
    print('%s %s: %s' % ('FAIL' if bad else 'ok', k, '; '.join(bad) or
                         '%d calls, every value as the program saw it' % len(want)))
EOF2
}

probes() {
	cat <<'EOF2'
add a b
early a
loop a
many a g h
onstack s.x s.z i name
ret_big k m
wide after
wide5 e g
mixed i c us
bypair p.lo p.port n
bytwo n
vsum n
sq q
at_sq x
viaptr r->id r->big
byval p.x k
flag bo
EOF2
}

probes_glob() {
	echo "show x dt_counter dt_name"
}

probes_cxx() {
	cat <<'EOF2'
byref k o.x m
retref k m
plain p.a p.c k
Acc::add n w this->total
EOF2
}

# truth VARIANT BIN PROBES: add each probe, stream BIN, compare.
truth() {
	local v=$1 bin=$2 o=${1##*-}
	"$UPROBE" del "$G/*" >/dev/null 2>&1
	while read -r fn args; do
		run "$UPROBE" add -g "$G" -e "${fn##*:}" "$bin:$fn" $args
		if [ "$rc" = 0 ]; then continue; fi
		case $o in
		O0) fail "$v: add $fn $args: $errout" ;;
		*) skip "$v: $fn refused: $errout" ;;
		esac
	done < <($3)
	timeout 30 "$UPROBE" --json stream "$G/*" -- sh -c "'$bin' 1 >'$D/prog.out'" \
		>"$D/events.json" 2>"$D/stream.err"
	while read -r st what; do
		if [ "$st" = ok ]; then pass "$v: $what"; else fail "$v: $what"; fi
	done < <(compare "$v")
}

for cc in gcc clang; do
	for o in O0 O2; do
		CC=$cc cc_fixture "$D/$cc-$o" "$FX" -$o || { fail "$cc-$o: building"; continue; }
		truth "$cc-$o" "$D/$cc-$o" probes
		cx=$([ $cc = gcc ] && echo g++ || echo clang++)
		CC=$cx cc_fixture "$D/$cx-$o" "${FX%.c}.cpp" -$o ||
			{ fail "$cx-$o: building"; continue; }
		truth "$cx-$o" "$D/$cx-$o" probes_cxx
	done
done

# A library's globals that the program uses: its own copies (COPY
# relocations), or the library's through the program's GOT (-got builds),
# typed from the library's DWARF (clang's program has no declaration).
for v in gcc clang gcc-got clang-got; do
	cc=${v%-got}
	case $v in
	clang) x=-fdirect-access-external-data ;;
	gcc-got) x=-mno-direct-extern-access ;;
	*) x= ;;
	esac
	for o in O0 O2; do
		L=$D/glob-$v-$o
		mkdir -p "$L"
		if [ ! "$L/prog" -nt "$ROOT/tests/fixtures/dwarf-truth-glob.c" ]; then
			$cc -g -$o -shared -fPIC -o "$L/libdt.so" "${FX%.c}-lib.c" &&
			$cc -g -$o $x -o "$L/prog" "${FX%.c}-glob.c" -L"$L" -ldt \
				-Wl,-rpath,'$ORIGIN' || { fail "glob-$v-$o: building"; continue; }
		fi
		run "$UPROBE" add -n -g "$G" "$L/prog:show" dt_counter dt_name
		expect_match "glob-$v-$o: the library's globals with their types" "$out" \
			"dt_counter=(\+0\()?@\+0x[0-9a-f]+\)?:s32 dt_name=\+0\((\+0\()?@\+0x[0-9a-f]+\)?\)?:string"
		truth "glob-$v-$o" "$L/prog" probes_glob
	done
done

# A library without debug information: no type to take, a hint from the symbol.
L=$D/glob-nodebug
mkdir -p "$L"
clang -O2 -shared -fPIC -o "$L/libdt.so" "${FX%.c}-lib.c" &&
clang -g -O2 -fdirect-access-external-data -o "$L/prog" "${FX%.c}-glob.c" -L"$L" -ldt \
	-Wl,-rpath,'$ORIGIN' || fail "glob-nodebug: building"
run "$UPROBE" add -n -g "$G" "$L/prog:show" dt_counter
expect_match "no type anywhere: the symbol's size as the hint" "$errout" \
	"'dt_counter' has no type here: give one, as in 'dt_counter:s32' \(its symbol is 4 bytes\)"

# Refused before, exact now: at -O2 none of these may be refused.
for v in gcc-O2 clang-O2; do
	# one event for the inlined copies, each reading q from its own register
	run "$UPROBE" add -n -g "$G" -e sq "$D/$v:sq" q
	expect_eq "$v: -e sq q: the inlined copies, one event" "$rc" 0
done
run "$UPROBE" add -n -g "$G" "$D/gcc-O2:viaptr" 'r->id' 'r->big'
expect_match "gcc -O2: a pointer to a static, known at build time" "$out" \
	"id=@\+0x[0-9a-f]+:s32 big=@\+0x[0-9a-f]+:s64"
run "$UPROBE" add -n -g "$G" "$D/gcc-O2:viaptr" r
expect_match "... the address itself: refused with the reason" "$errout" \
	"the address of a variable of this file"
run "$UPROBE" add -n -g "$G" "$D/clang-O2:byval" p.x
expect_match "clang -O2: a member of a struct in pieces" "$out" "x=%di:s32"
run "$UPROBE" add -n -g "$G" "$D/clang-O2:byval" p.y
expect_match "... the other, at the entry where the ABI puts it: signed, high: refused" \
	"$errout" "'p.y' is bits 32..63 of %di"
run "$UPROBE" add -n -g "$G" "$D/clang-O2:bypair" p.port
expect_match "clang -O2: a piece the entry's DWARF leaves out, from the ABI" "$out" \
	"port=%di:b16@32/64"
run "$UPROBE" add -n -g "$G" "$D/clang-O2:flag" bo
expect_match "clang -O2: a _Bool narrowed from %cx" "$out" "bo=%cx:u8"

# What cannot be read at the entry is refused with the reason.
B=$D/gcc-O0
"$UPROBE" del "$G/*" >/dev/null 2>&1
run "$UPROBE" vars "$B:mixed"
expect_match "a double at the entry: in a vector register" "$out" "'f' is passed in %xmm0"
run "$UPROBE" add -n -g "$G" "$D/gcc-O2:bypair" p.sc
expect_match "a signed member high in a register: refused" "$errout" "'p.sc' is bits 48..55 of %di"
run "$UPROBE" add -n -g "$G" "$B:bypair" p.sc
expect_match "... unoptimized: read after the prologue, from its slot" "$out" "sc=-[0-9]+\(%bp\):s8"
run "$UPROBE" add -n -g "$G" "$B:bypair" p.port
expect_match "an unsigned member high in a register: a bitfield of it" "$out" "port=%di:b16@32/64"
run "$UPROBE" vars "$B:bytwo"
expect_match "a 16-byte struct: two registers" "$out" "'t' is a struct passed in two registers \\(%di and %si\\)"
run "$UPROBE" vars "$B:wide"
expect_match "__int128: two registers" "$out" "'w' is passed in two registers \(%di and %si\)"
run "$UPROBE" vars "$B:ret_big"
expect_match "a struct returned in memory: its pointer takes %di" "$out" "k=%si:s32"
run "$UPROBE" add -n -g "$G" "$B:add" a b
expect_match "a body on its brace's line: the probe stays at the entry" "$out" \
	"add .*:0x[0-9a-f]+ a=%di:s32 b=%si:s32"
run "$UPROBE" vars "$D/gcc-O2:sq"
expect_match "an inlined copy lists its own parameter" "$out" "param +int +q +q="
expect_nomatch "... and not its caller's" "$out" "param +int +v "
finish
