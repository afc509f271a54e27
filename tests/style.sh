#!/bin/bash
# The parts of the house style a machine can hold without churn: lines of at
# most 100 columns (tabs at 8; a line holding a string may run over, so that
# messages stay greppable), tabs for indentation, no trailing white
# space, and no O_TRUNC in a file that names uprobe_events. (.clang-format
# is there for editors; like the kernel's, it is a helper, not a gate.)
# In src/ and include/ also the sizes that keep code readable: files of at
# most 600 lines, functions of at most 60 (as pmccabe counts them, from the
# line of the name to the closing brace), at most three levels of nesting
# in a function (no if/for/while/switch/do/else indented by four tabs).
# Tests and benchmarks may be longer.
cd "$(dirname "$0")/.." || exit 1
files=$(ls src/*.c src/*.h include/*.h tests/unit-*.c bench/*.c 2>/dev/null)
bad=0
out=$(awk '
	{ line = $0; gsub(/\t/, "        ", line) }
	length(line) > 100 && $0 !~ /"/ { printf "%s:%d: longer than 100 columns\n", FILENAME, FNR }
	/^ +[^ *]/ { printf "%s:%d: indented with spaces\n", FILENAME, FNR }
	/[ \t]+$/ { printf "%s:%d: trailing white space\n", FILENAME, FNR }
' $files)
[ -n "$out" ] && { echo "$out"; bad=1; }
for f in $files; do
	if grep -q O_TRUNC "$f" && grep -q '"uprobe_events"\|/uprobe_events' "$f" &&
	   grep -n 'O_TRUNC' "$f" | grep -vq 'never O_TRUNC'; then
		echo "$f: opens something with O_TRUNC and names uprobe_events"; bad=1
	fi
done
code=$(ls src/*.c src/*.h include/*.h 2>/dev/null)
if ! command -v pmccabe >/dev/null 2>&1; then
	echo "style: pmccabe is missing: 'make deps' installs it"; exit 1
fi
out=$( {
	wc -l $code | awk '$2 != "total" && $1 > 600 {
		printf "%s: %d lines, more than 600\n", $2, $1 }'
	# pmccabe takes a prototype with __attribute__ for a K&R definition
	for f in $code; do
		sed 's/__attribute__((.*))//' "$f" | pmccabe | awk -F '\t' -v f="$f" '$5 > 60 {
			split($6, w, "[(): ]+")
			printf "%s:%s: %s() is %d lines, more than 60\n", f, w[2], w[3], $5 }'
	done
	grep -nP '^\t{4,}(if|for|while|switch|do|else)\b' $code |
		awk -F: '{ printf "%s:%s: nested more than three levels deep\n", $1, $2 }'
} )
[ -n "$out" ] && { echo "$out"; bad=1; }
echo "style: the largest files:" $(wc -l $code | sort -rn | awk '$2 != "total" { printf "%s (%d)\n", $2, $1 }' | head -5)
[ $bad = 0 ] && echo "style: $(echo $files | wc -w) files hold the house style"
exit $bad
