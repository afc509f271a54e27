#!/bin/bash
# Runs shell test scripts and adds up their closing lines.
p=0 f=0 s=0 bad=0
for t in "$@"; do
	log=$(mktemp)
	bash "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "FAIL - $t ended without its summary (exit $rc)"; f=$((f + 1)); continue
	fi
	set -- $line
	p=$((p + $2)) f=$((f + $4)) s=$((s + $6))
	[ "$rc" -ne 0 ] && [ "$4" -eq 0 ] && { echo "FAIL - $t exited $rc"; f=$((f + 1)); }
done
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
