#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo` (after `make deps all`): builds a small program, traces it with
# `uprobe trace` (probes added, streamed and removed in one command), then adds
# probes on it in a group of its own (entry with its arguments, return with the value),
# streams it under `uprobe stream -- ./demo`, shows `uprobe profile`, and
# removes its probes again, also when something fails.
set -u
cd "$(dirname "$0")/.." || exit 1
UPROBE=$PWD/uprobe
DEMO=$PWD/tests/out/demo
if [ "$(id -u)" != 0 ]; then
	echo "demo: uprobe events need root: run 'sudo make demo'" >&2
	exit 1
fi
mkdir -p tests/out
"${CC:-gcc}" -g -O1 -o "$DEMO" tests/fixtures/demo.c || exit 1
G=demo_$(tr -dc a-z0-9 </dev/urandom | head -c 6)
cleanup() { "$UPROBE" clear -g "$G" >/dev/null 2>&1; }
trap cleanup EXIT
trap 'exit 130' INT TERM

show() {
	local a line=
	for a; do
		[[ $a == *[[:space:]]* ]] && a="'$a'"
		line+=" $a"
	done
	printf '\n\033[1m$%s\033[0m\n' "$line"
	"$@"
}
status=0
# one command: the probes live as long as the trace; word and times by their DWARF names
show "$UPROBE" trace --latency "$DEMO:count_vowels word times" \
	-- "$DEMO" || status=1
show "$UPROBE" add -g "$G" "$DEMO:count_vowels" 'word=+0(%di):string' 'times=%si:s32' &&
show "$UPROBE" add -g "$G" -r "$DEMO:count_vowels" 'vowels=$retval:s32' &&
show "$UPROBE" list "$G/*" &&
show "$UPROBE" stream --latency "$G/*" -- "$DEMO" &&
show "$UPROBE" --json stream "$G/count_vowels" -- "$DEMO" &&
show "$UPROBE" profile "$G/*" || status=1
show "$UPROBE" clear -g "$G" || status=1
exit $status
