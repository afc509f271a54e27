#!/bin/bash
# The bash completion as a user meets it: TAB in a real interactive bash
# (in tmux, with Debian's bash-completion), and what it asks the tool for:
# funcs' names (libc's exported ones too), help's commands and options.
source "$(dirname "$0")/lib.sh"

LIBC=$(ldconfig -p | awk '$1 == "libc.so.6" && /x86-64/ { print $NF; exit }')
FIX=$OUT/compl-fix
cat >"$OUT/compl-fix.c" <<'EOF'
static inline __attribute__((always_inline)) int acc_twice_inl(int a) { return 2 * a; }
__attribute__((noinline)) int acc_sum(int a, int b) { return acc_twice_inl(a) + b; }
int main(int argc, char **argv) { return acc_sum(argc, argc) == 1; }
EOF
cc_fixture "$FIX" "$OUT/compl-fix.c" -O0 || { fail "build fixture"; finish; exit 1; }

# --- funcs lists every name a user can type: DWARF's and the symbol table's
funcs_libc() {
	local names want n
	if [ -z "$LIBC" ] || ! dpkg -s libc6-dbg >/dev/null 2>&1; then
		skip "funcs on libc with libc6-dbg: not installed"
		return
	fi
	run "$UPROBE" funcs "$LIBC"
	expect_eq "funcs on libc with libc6-dbg" "$rc" 0
	names=$(printf '%s\n' "$out" | awk '{ print $2 }' | sort -u)
	for f in malloc free printf; do
		expect_match "funcs on libc lists $f" "$names" "^$f\$"
		run "$UPROBE" add -n "$LIBC:$f"
		expect_eq "and add -n takes $f" "$rc" 0
	done
	# the exported functions, default versions (name@@VER), less the others
	want=$(nm -D --defined-only "$LIBC" |
		awk '$2 ~ /^[TtWiI]$/ && $3 !~ /[^@]@[^@]/ { sub(/@.*/, "", $3); print $3 }' | sort -u)
	n=$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$names") | wc -l)
	expect_eq "funcs on libc names every exported function" "$n" 0
	check "funcs on libc: at least as many names as nm -D" \
		[ "$(printf '%s\n' "$names" | wc -l)" -ge "$(printf '%s\n' "$want" | wc -l)" ]
	# libc6-dbg is a separate debug file: read with --dwarf, or for a GLOB
	# that no symbol matches (a function that exists only inlined)
	expect_nomatch "funcs on libc: no inlined-only rows without --dwarf" "$out" "^ *inlined "
	run "$UPROBE" funcs --dwarf "$LIBC"
	expect_match "funcs --dwarf on libc: the inlined-only ones too" "$out" \
		"inlined  malloc_init_state "
	run "$UPROBE" funcs "$LIBC" 'malloc_init_s*'
	expect_match "a GLOB no symbol matches: from the debug information" "$out" \
		"inlined  malloc_init_state "
	run "$UPROBE" funcs --symbols --dwarf "$LIBC"
	expect_eq "--symbols and --dwarf: a usage error" "$rc" 64
}
funcs_libc

# --- what the completion asks the tool for
run "$UPROBE" help --commands
expect_eq "help --commands: the commands of 'uprobe help'" "$out" \
	"$("$UPROBE" help | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }')"
run "$UPROBE" help --options add
expect_match "help --options add: its options, '=' where a value follows" "$out" '^--group=$'
expect_match "help --options add: flags without" "$out" '^--dry-run$'
expect_match "help --options add: the global ones" "$out" '^--tracefs=$'
run "$UPROBE" help --options
expect_match "help --options: before a command, -p is --pretty" "$out" '^-p$'
run "$UPROBE" help --options nosuch
expect_eq "help --options of no command fails" "$rc" 64
run "$UPROBE" help --options add
expect_match "help --options add: argp's own ones" "$out" '^--version$'
expect_match "help --options add: argp's own short ones" "$out" '^-\?$'
run "$UPROBE" help --options trace
expect_match "help --options trace: the stream options it takes" "$out" '^--count=$'
expect_eq "help --options trace: exit 0" "$rc" 0
run "$UPROBE" help --options help
expect_eq "help --options help: none a user types" "$out" ""

# --- TAB in a real interactive bash
BC=/usr/share/bash-completion/bash_completion
SOCK=$OUT/compl-tmux.$$
if ! command -v tmux >/dev/null || [ ! -r "$BC" ] ||
   ! tmux -S "$SOCK" new-session -d -x 220 -y 60 "bash --norc --noprofile -i" 2>/dev/null; then
	skip "completion in an interactive bash: no tmux or bash-completion (tests/deps.sh)"
	finish
	exit
fi
tm() { tmux -S "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -f "$SOCK"' EXIT
tm send-keys -l "PATH=$(dirname "$UPROBE"):\$PATH; source $BC; source $ROOT/completions/uprobe; clear"
tm send-keys Enter

# tab DESC KEYS REGEX: type KEYS (a final TAB each "<TAB>"), wait for REGEX on the screen
tab() {
	local desc=$1 keys=$2 re=$3 i screen
	tm send-keys -l "${keys%%<TAB>*}"
	keys=${keys#*<TAB>}
	tm send-keys Tab
	[ "$keys" = "<TAB>" ] && { sleep 0.3; tm send-keys Tab; }
	for ((i = 0; i < 50; i++)); do
		screen=$(tm capture-pane -p)
		printf '%s\n' "$screen" | grep -Eq -- "$re" && break
		sleep 0.1
	done
	expect_match "$desc" "$screen" "$re"
	tm send-keys C-c && tm send-keys -l "clear" && tm send-keys Enter && sleep 0.3
}
sleep 0.5
tab "TAB completes a function after PATH:" "uprobe add $FIX:acc_<TAB>" \
	"uprobe add $FIX:acc_sum ?\$"
# no symbol starts so: the debug information's inlined-only function
tab "TAB completes an inlined-only function from DWARF" "uprobe add $FIX:acc_tw<TAB>" \
	"uprobe add $FIX:acc_twice_inl ?\$"
tab "TAB TAB lists the commands" "uprobe <TAB><TAB>" "funcs +help"
tab "TAB TAB lists add's options" "uprobe add -<TAB><TAB>" "--dry-run.*--max-probes|--max-probes.*--dry-run"
tab "TAB completes a file, no space after it" "uprobe funcs $FIX.<TAB>" \
	"uprobe funcs $FIX\\.c\$"
if [ -w /sys/kernel/tracing/uprobe_events ]; then
	TRACEFS=/sys/kernel/tracing
	new_group G
	trap 'tm kill-server 2>/dev/null; rm -f "$SOCK"; cleanup_groups' EXIT	# new_group's, and ours
	run "$UPROBE" add -g "$G" "$FIX:acc_sum"
	expect_eq "add an event of the test's own group" "$rc" 0
	tab "TAB completes an event after del" "uprobe del ${G:0:9}<TAB>" "uprobe del $G/acc_sum ?\$"
	run "$UPROBE" del "$G/acc_sum"
	expect_eq "and del removes it" "$rc" 0
else
	skip "TAB after del: tracefs not writable"
fi

# The time a TAB after libc.so.6:mallo waits for (the speed of funcs)
if [ -n "$LIBC" ]; then
	t0=$(date +%s%N)
	"$UPROBE" --json funcs --symbols "$LIBC" 'mallo*' >/dev/null 2>&1
	echo "# completion of $LIBC:mallo asks funcs --symbols for $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	t0=$(date +%s%N)
	"$UPROBE" --json funcs "$LIBC" 'mallo*' >/dev/null 2>&1
	echo "# funcs $LIBC 'mallo*' with its DWARF: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
finish
