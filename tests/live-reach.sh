#!/bin/bash
# Live tests of reach: library short names (libc:getpid) and processes as
# they see themselves (-p PID): an rpath library only the process knows,
# '*:SYMBOL' over every object it maps, and a library in a mount namespace
# of its own that only it sees.
source "$(dirname "$0")/lib.sh"
need_tracefs

D=$OUT/reach-live
mkdir -p "$D/rpath" "$D/ns"
echo 'int reach_fn(int x) { return x + 1; } int reach_both(int x) { return x * 2; }' >"$D/lib.c"
cat >"$D/prog.c" <<'CEOF'
#include <stdlib.h>
#include <unistd.h>
int reach_fn(int);
/* the library has one too: '*:reach_both' probes both */
int __attribute__((noinline)) reach_both(int x) { return x - 1; }
int main(int argc, char **argv)
{
	int i, n = argc > 1 ? atoi(argv[1]) : -1;
	volatile int sink;

	for (i = 0; n < 0 || i < n; i++) {
		getpid();
		reach_fn(i);
		sink = reach_both(i);
		usleep(n < 0 ? 20000 : 1000);
	}
	return 0;
}
CEOF
gcc -O1 -shared -fPIC -Wl,-soname,libreachtest.so.1 -o "$D/rpath/libreachtest.so.1" "$D/lib.c" &&
	gcc -O1 -o "$D/prog" "$D/prog.c" -L"$D/rpath" -l:libreachtest.so.1 \
		-Wl,-rpath,"$D/rpath" || { fail "build fixture"; finish; exit 1; }

new_group G
pids=
stop() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	cleanup_groups
}
trap stop EXIT
trap 'stop; exit 130' INT TERM
wait_maps() { # PID TEXT
	for _ in $(seq 100); do
		grep -q "$2" "/proc/$1/maps" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# A short name: libc is the ld.so.cache's libc.so.6; -v says so.
run "$UPROBE" -v add -g "$G" libc:getpid
expect_eq "add libc:getpid" "$rc" 0
expect_match "-v says which file and from where" "$errout" "'libc' is /.*/libc\.so\.6 \(from ld\.so\.cache\)"
n=$("$UPROBE" stream -c 3 "$G/getpid" -- "$D/prog" 5 2>/dev/null | grep -c " $G/getpid")
expect_eq "libc:getpid streams the fixture's calls" "$n" 3
"$UPROBE" del "$G/getpid" >/dev/null

# -p PID: an rpath library the cache does not know.
"$D/prog" & pids="$pids $!"; P1=$!
check "the fixture maps its rpath library" wait_maps "$P1" libreachtest
run "$UPROBE" add -n -g "$G" libreachtest:reach_fn
expect_eq "without -p the rpath library is not found" "$rc" 1
run "$UPROBE" -v add -p "$P1" -g "$G" libreachtest:reach_fn %di
expect_eq "add -p PID libreachtest:reach_fn" "$rc" 0
expect_match "found in the process's maps" "$errout" "\(from process maps, as the process sees it\)"
expect_match "the probe is on the rpath file" "$(grep "^p:$G/reach_fn " "$TRACEFS/uprobe_events")" \
	"^p:$G/reach_fn $D/rpath/libreachtest\.so\.1:0x"
run "$UPROBE" funcs -p "$P1" libreachtest 'reach_*'
expect_match "funcs -p PID takes the short name too" "$out" "reach_fn"
n=$("$UPROBE" stream --pid "$P1" -c 3 "$G/reach_fn" 2>/dev/null | grep -c " $G/reach_fn arg1=")
expect_eq "stream --pid PID sees that process's calls" "$n" 3

# -p PID '*:SYMBOL': every mapped object that defines it, one event.
# trace -p PID: resolved in PID's view as add -p is, only PID's events
out=$("$UPROBE" trace -p "$P1" -c 3 'libreachtest:reach_fn a=%di' 2>/dev/null)
expect_eq "trace -p PID resolves a library only PID maps" "$(grep -c ' uprobe_trace_[0-9]*/reach_fn a=' <<<"$out")" 3
run "$UPROBE" add -p "$P1" -g "$G" '*:reach_both'
expect_eq "add -p PID '*:reach_both'" "$rc" 0
expect_eq "one event, a probe in the library" \
	"$(grep -c "^p:$G/reach_both .*libreachtest" "$TRACEFS/uprobe_events")" 1
expect_eq "and one in the program" "$(grep -c "^p:$G/reach_both $D/prog:" "$TRACEFS/uprobe_events")" 1
"$UPROBE" enable "$G/reach_both" >/dev/null
sleep 0.3
# uprobe_profile has a line per probe and names no group: the program's one
n=$(awk -v f="$D/prog" '$1 == f && $2 == "reach_both" { print $3 }' "$TRACEFS/uprobe_profile")
check "the event counts the program's calls ($n)" test "${n:-0}" -gt 0
run "$UPROBE" add -n -p "$P1" -g "$G" '*:reach_nosuch'
expect_match "'*:' with a name no object defines" "$errout" "no object that process $P1 maps defines 'reach_nosuch'"
run "$UPROBE" add -n -p "$P1" -g "$G" '*:getpid'
expect_match "'*:getpid' finds libc" "$out" "libc\.so\.6:0x"

# A process in a mount namespace of its own, with a library only it sees.
if ! unshare -m --propagation private true 2>/dev/null; then
	skip "no private mount namespace (unshare -m)"
	finish
	exit
fi
NS=$D/ns
unshare -m --propagation private sh -c "mount -t tmpfs reachtest '$NS' &&
	mkdir '$NS/lib' && cp '$D/rpath/libreachtest.so.1' '$NS/lib/' &&
	LD_LIBRARY_PATH='$NS/lib' exec '$D/prog'" &
P2=$!; pids="$pids $P2"
check "the namespaced process maps its private library" wait_maps "$P2" "$NS/lib/libreachtest"
check "the host has nothing at that path" test ! -e "$NS/lib/libreachtest.so.1"
run "$UPROBE" add -p "$P2" -g "$G" -e ns_fn libreachtest:reach_fn %di
expect_eq "add -p PID in its own mount namespace" "$rc" 0
expect_match "through /proc/PID/root" "$(grep "^p:$G/ns_fn " "$TRACEFS/uprobe_events")" \
	"^p:$G/ns_fn /proc/$P2/root$NS/lib/libreachtest\.so\.1:0x"
out=$("$UPROBE" stream --pid "$P2" -c 3 "$G/ns_fn" 2>/dev/null)
expect_eq "stream --pid PID streams the namespaced process's events" \
	"$(printf '%s\n' "$out" | grep -c "$P2/$P2 .* $G/ns_fn arg1=")" 3

# usdt -p PID: the markers of every object a process maps.
FIX=$OUT/usdt-live
cc_fixture "$FIX" "$TESTS_DIR/fixtures/usdt-live.c" -O2 || fail "build usdt fixture"
"$FIX" -1 20000 >/dev/null & P3=$!; pids="$pids $P3"
wait_maps "$P3" usdt-live
run "$UPROBE" usdt -p "$P3"
expect_match "usdt -p PID lists the program's markers" "$out" "  live:guarded  semaphore 0x"
run "$UPROBE" usdt -p "$P3" 'live:plain'
expect_nomatch "usdt -p PID GLOB keeps the matching ones" "$out" "live:guarded"
finish
