#!/bin/bash
# Live test of a process's own view: a program in a mount namespace of its
# own runs a library from a tmpfs that only it sees. The host names that
# library as /proc/PID/root/..., and the kernel, which looks the path up in
# the writer's namespace (kern_path()), follows the magic link into the
# child's: the probe is accepted and counts the child's calls.
source "$(dirname "$0")/lib.sh"
need_tracefs
unshare -m --propagation private true 2>/dev/null || {
	skip "no private mount namespace (unshare -m)"; finish; exit 0; }

D=$OUT/path-live
NS=$D/ns
mkdir -p "$D/vendor" "$NS"
echo 'int uprobetest_fn(int x) { return x + 1; }' >"$D/lib.c"
printf '%s\n' '#include <unistd.h>' 'int uprobetest_fn(int);' \
	'int main(void) { for (;;) { uprobetest_fn(1); usleep(20000); } }' >"$D/prog.c"
gcc -O1 -shared -fPIC -Wl,-soname,libuprobetest.so.1 -o "$D/vendor/libuprobetest.so.1" \
	"$D/lib.c" && gcc -O1 -o "$D/prog" "$D/prog.c" -L"$D/vendor" -l:libuprobetest.so.1 ||
	{ fail "build fixture"; finish; exit 1; }

new_group G
pid=
stop() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; cleanup_groups; }
trap stop EXIT
trap 'stop; exit 130' INT TERM
unshare -m --propagation private sh -c "mount -t tmpfs uprobetest '$NS' &&
	cp '$D/vendor/libuprobetest.so.1' '$D/prog' '$NS/' &&
	LD_LIBRARY_PATH='$NS' exec '$NS/prog'" &
pid=$!
for _ in $(seq 100); do
	grep -q "$NS/libuprobetest" "/proc/$pid/maps" 2>/dev/null && break
	sleep 0.05
done
check "the child maps its private library" grep -q "$NS/libuprobetest" "/proc/$pid/maps"
check "the host has nothing at that path" test ! -e "$NS/libuprobetest.so.1"

P=/proc/$pid/root$NS/libuprobetest.so.1
run "$UPROBE" add -g "$G" "$P:uprobetest_fn" %di
expect_eq "add through /proc/PID/root" "$rc" 0
expect_match "the kernel keeps that path" "$(grep "^p:$G/" "$TRACEFS/uprobe_events")" \
	"^p:$G/uprobetest_fn $P:0x[0-9a-f]+ arg1=%di"
run "$UPROBE" add -g "$G" "$NS/libuprobetest.so.1:uprobetest_fn"
expect_eq "the host path alone is refused" "$rc" 1

run "$UPROBE" enable "$G/uprobetest_fn"
expect_eq "enable" "$rc" 0
sleep 0.5
n=$(hits "$G" uprobetest_fn)
check "the child's calls are counted ($n)" test "${n:-0}" -gt 0
finish
