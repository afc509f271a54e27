#!/bin/bash
# Live tests of USDT markers: a fixture's guarded marker fires only while
# it is probed (the kernel raises its semaphore through REF_CTR_OFFSET),
# with the values the fixture printed; Debian's python3 markers stream the
# functions a script calls; OpenJDK's libjvm markers are listed.
source "$(dirname "$0")/lib.sh"
need_tracefs

FIX=$OUT/usdt-live
cc_fixture "$FIX" "$TESTS_DIR/fixtures/usdt-live.c" -O2 || { fail "build fixture"; finish; exit 1; }
new_group G

# Unprobed, the guarded marker's work is skipped.
expect_eq "unprobed, the guarded marker does not fire" "$("$FIX" 3 1 | tail -1)" "fired 0"

run "$UPROBE" usdt "$FIX"
expect_match "usdt lists the guarded marker with its semaphore" "$out" \
	"0x[0-9a-f]+  live:guarded  semaphore 0x[0-9a-f]+"
expect_match "usdt lists each argument's fetch-arg" "$out" "arg3  8@%[a-z0-9]+ +%[a-z0-9]+:u64"
run "$UPROBE" -j usdt "$FIX" 'live:g*'
expect_match "usdt -j" "$out" '^\[\{"path": ".*", "provider": "live", "name": "guarded", "offset": [0-9]+, "address": [0-9]+, "semaphore": [0-9]+, "args": \['

if ! grep -q "(ref_ctr_offset)" "$TRACEFS/README"; then
	run "$UPROBE" add -g "$G" "usdt:$FIX:live:guarded"
	expect_match "no REF_CTR_OFFSET in this kernel: refused" "$errout" "takes no \(REF_CTR_OFFSET\)"
	skip "guarded markers: this kernel has no reference counters"
	finish
	exit
fi

run "$UPROBE" add -g "$G" "usdt:$FIX:live:guarded" 'n=arg1' 'big=arg2' 'word=arg3:string'
expect_eq "add usdt:PATH:PROVIDER:NAME with named arguments" "$rc" 0
expect_match "the probe carries the semaphore" "$(grep "^p:$G/guarded " "$TRACEFS/uprobe_events")" \
	"^p:$G/guarded $FIX:0x[0-9a-f]+\(0x[0-9a-f]+\) n=%[a-z0-9]+:s32 big=%[a-z0-9]+:s64 word=\+0\(%[a-z0-9]+\):string"
run "$UPROBE" add -g "$G" "usdt:$FIX:plain"
expect_eq "add usdt:PATH:NAME (provider left out)" "$rc" 0
expect_match "implicit arguments arg1..argN" "$(grep "^p:$G/plain " "$TRACEFS/uprobe_events")" \
	"arg1=%[a-z0-9]+:s32 arg2=%[a-z0-9]+:s32$"

"$UPROBE" stream "$G/guarded" -- "$FIX" 5 2000 >"$OUT/usdt-live.txt" 2>"$OUT/usdt-live.err"
expect_eq "stream -- CMD" "$?" 0
printed=$(grep '^guarded ' "$OUT/usdt-live.txt" | sed 's/^guarded //')
seen=$(grep " $G/guarded " "$OUT/usdt-live.txt" |
	sed -E 's/.* n=(-?[0-9]+) big=(-?[0-9]+) word="([^"]*)".*/\1 \2 \3/')
expect_eq "probed, the guarded marker fires every time" "$(grep -c '^guarded ' "$OUT/usdt-live.txt")" 5
expect_eq "the values streamed are those the fixture printed" "$seen" "$printed"
expect_eq "with the probe gone the semaphore falls again" \
	"$("$UPROBE" del "$G/guarded" >/dev/null; "$FIX" 2 1 | tail -1)" "fired 0"

# A guarded marker in a shared library: its semaphore is in the library's data.
L=$OUT/usdt-live-lib
mkdir -p "$L"
cat >"$L/lib.c" <<'CEOF'
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <sys/sdt.h>
unsigned short livelib_hit_semaphore __attribute__((section(".probes")));
int livelib_hit(int i)
{
	if (!livelib_hit_semaphore)
		return 0;
	printf("lib %d\n", i * 3);
	fflush(stdout);
	STAP_PROBE1(livelib, hit, i * 3);
	return 1;
}
CEOF
printf '%s\n' '#include <stdio.h>' 'int livelib_hit(int);' \
	'int main(void) { int i, n = 0; for (i = 0; i < 4; i++) n += livelib_hit(i);' \
	'printf("fired %d\n", n); return 0; }' >"$L/prog.c"
if gcc -O2 -shared -fPIC -o "$L/liblivelib.so" "$L/lib.c" &&
   gcc -O2 -o "$L/prog" "$L/prog.c" -L"$L" -llivelib -Wl,-rpath,"$L"; then
	run "$UPROBE" add -g "$G" "usdt:$L/liblivelib.so:livelib:hit" 'v=arg1'
	expect_eq "add a library's guarded marker" "$rc" 0
	"$UPROBE" stream "$G/hit" -- "$L/prog" >"$OUT/usdt-lib.txt" 2>&1
	expect_eq "the library's marker fires while probed" "$(grep -c '^lib ' "$OUT/usdt-lib.txt")" 4
	expect_eq "with the library's values" \
		"$(grep " $G/hit " "$OUT/usdt-lib.txt" | sed -E 's/.* v=(-?[0-9]+).*/\1/' | tr '\n' ' ')" \
		"$(grep '^lib ' "$OUT/usdt-lib.txt" | cut -d' ' -f2 | tr '\n' ' ')"
	"$UPROBE" del "$G/hit" >/dev/null
else
	fail "build the library fixture"
fi

# python3: python:function__entry (file, function, line), guarded by a semaphore.
PY=$(readlink -f /usr/bin/python3 2>/dev/null)
if [ -z "$PY" ] || ! "$UPROBE" usdt "$PY" 'python:function__entry' >/dev/null 2>&1; then
	skip "python3 has no USDT markers here"
else
	run "$UPROBE" add -g "$G" "usdt:$PY:python:function__entry" \
		'file=arg1:string' 'func=arg2:string' 'line=arg3:s32'
	expect_eq "add python:function__entry" "$rc" 0
	# Python 3.11 fires function__entry only where a frame is entered from C
	# through a throw (generator.close()); later versions on every entry too.
	cat >"$OUT/usdt-py.py" <<'PYEOF'
def uprobe_alpha():
    yield 1
    yield 2
for _ in range(3):
    g = uprobe_alpha()
    next(g)
    g.close()
PYEOF
	"$UPROBE" stream "$G/function__entry" -- "$PY" "$OUT/usdt-py.py" >"$OUT/usdt-py.txt" 2>&1
	n=$(grep -c " $G/function__entry file=\"$OUT/usdt-py.py\" func=\"uprobe_alpha\" line=[0-9]" \
		"$OUT/usdt-py.txt")
	check "the script's function streamed with its file and line ($n times)" test "$n" -ge 3
fi

# OpenJDK's libjvm: hotspot markers are listed.
JVM=$(ls /usr/lib/jvm/*/lib/server/libjvm.so 2>/dev/null | head -1)
if [ -z "$JVM" ]; then
	skip "no OpenJDK libjvm.so here"
else
	run "$UPROBE" usdt "$JVM" 'hotspot:*'
	expect_match "libjvm's hotspot markers are listed" "$out" "  hotspot:class__loaded  semaphore"
fi
finish
