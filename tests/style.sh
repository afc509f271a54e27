#!/bin/bash
# The parts of the house style a machine can hold without churn: lines of at
# most 100 columns (tabs at 8; a line holding a string may run over, so that
# messages stay greppable), tabs for indentation, no trailing white
# space, and no O_TRUNC in a file that names uprobe_events. (.clang-format
# is there for editors; like the kernel's, it is a helper, not a gate.)
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
[ $bad = 0 ] && echo "style: $(echo $files | wc -w) files hold the house style"
exit $bad
