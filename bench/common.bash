# SPDX-License-Identifier: GPL-2.0
# Sourced by the bench scripts (not run by bench/run.sh, which runs *.sh):
# what the machine is, installing a missing tool, timing a whole process
# (median, hyperfine when installed, else a shell loop), its peak RSS, a
# goal's verdict, and replacing one section of bench/REPORT.md.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPORT=$ROOT/bench/REPORT.md
BUILD=${BUILD:-build}
RUNS=${RUNS:-20}
UPROBE=${UPROBE:-$ROOT/uprobe}
# shellcheck disable=SC2034
LIBC=/lib/x86_64-linux-gnu/libc.so.6

# need_pkg CMD PACKAGE: install PACKAGE when CMD is missing (as root, from apt);
# false, with the reason on stderr, when that cannot be done.
need_pkg() {
	command -v "$1" >/dev/null && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing $2 (for $1)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1; }
	fi
	command -v "$1" >/dev/null && return 0
	echo "bench: no $1 (apt-get install $2): skipped" >&2
	return 1
}

# need_deb PACKAGE: install a Debian package when it is missing.
need_deb() {
	dpkg -s "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing $1" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1
	fi
	dpkg -s "$1" >/dev/null 2>&1 && return 0
	echo "bench: no $1 (apt-get install $1): skipped" >&2
	return 1
}

# The machine, as one sentence for a section's head.
machine() {
	local cpu v
	cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
	v="$(nproc) CPUs ($cpu), kernel $(uname -r)"
	command -v perf >/dev/null && v+=", $(perf version 2>/dev/null)"
	command -v bpftrace >/dev/null && v+=", $(bpftrace --version 2>/dev/null)"
	command -v eu-readelf >/dev/null && v+=", eu-readelf $(eu-readelf --version |
		sed -n '1s/.* //p')"
	command -v hyperfine >/dev/null && v+=", $(hyperfine --version)"
	echo "$v"
}

# median_ms [-p PREPARE] CMD: the median wall time of the shell command CMD
# in ms, over $RUNS runs, PREPARE run (untimed) before each. A command without
# pipes or redirections runs without a shell (hyperfine -N); a pipe runs in
# one, whose own start hyperfine subtracts.
median_ms() {
	local prep=() json shell=() script
	script=$(mktemp)
	if [ "$1" = -p ]; then
		printf '%s\n' "$2" >"$script"
		prep=(--prepare "sh $script")
		shift 2
	fi
	[[ "$1" == *[\|\;\<\>\&]* ]] || shell=(-N)
	json=$(mktemp)
	if command -v hyperfine >/dev/null; then
		hyperfine "${shell[@]}" -w 2 -r "$RUNS" "${prep[@]}" --export-json "$json" "$1" \
			>/dev/null 2>&1 ||
			{ rm -f "$json" "$script"; echo "bench: failed: $1" >&2; echo "-"; return 1; }
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0];
print("%.2f" % (r["median"] * 1e3))' "$json"
	else
		local i t0 t1
		for ((i = 0; i < RUNS; i++)); do
			[ ${#prep[@]} = 0 ] || sh "$script" >/dev/null 2>&1
			t0=$(date +%s%N)
			sh -c "$1" >/dev/null 2>&1
			t1=$(date +%s%N)
			echo $((t1 - t0))
		done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] / 1e6 }'
	fi
	rm -f "$json" "$script"
}

# peak_mb [-p PREPARE] CMD: the largest resident set of CMD (its biggest
# process) in MB, the most of 3 runs.
peak_mb() {
	local before=: i kb max=0
	if [ "$1" = -p ]; then
		before=$2
		shift 2
	fi
	for i in 1 2 3; do
		sh -c "$before" >/dev/null 2>&1
		kb=$(/usr/bin/time -f %M sh -c "$1" 2>&1 >/dev/null | tail -1)
		[ "$kb" -gt "$max" ] 2>/dev/null && max=$kb
	done
	awk -v k="$max" 'BEGIN { printf "%.1f\n", k / 1024 }'
}

# ratio A B: A / B, as "1.23x"; "-" when either is missing.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-";
		else printf "%.2fx\n", a / b }'
}

# verdict VALUE LIMIT: PASS when VALUE <= LIMIT (both numbers), else FAIL.
verdict() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-";
		else print (a + 0 <= b + 0 ? "PASS" : "FAIL") }'
}

# min A B...: the smallest of the numbers given ("-" ignored).
min() {
	printf '%s\n' "$@" | grep -v '^-$' | sort -g | head -1
}

# write_section TITLE FILE [top]: replace the "## TITLE" section of the report
# with FILE, keeping everyone else's; a new one goes at the end, or with "top"
# before the first section.
write_section() {
	local out
	out=$(mktemp)
	[ -s "$REPORT" ] || printf '# Benchmarks\n\nFigures from the scripts in bench/ (`make bench`).\n' \
		>"$REPORT"
	grep -qxF "## $1" "$REPORT" && set -- "$1" "$2"
	awk -v f="$2" -v t="## $1" -v top="${3:-}" '
		/^## / && top && !done { while ((getline l < f) > 0) print l; print ""; done = 1 }
		/^## / { skip = ($0 == t) }
		$0 == t { while ((getline l < f) > 0) print l; print ""; done = 1; next }
		!skip { print }
		END { if (!done) { print ""; while ((getline l < f) > 0) print l } }' "$REPORT" |
		cat -s >"$out"
	cp "$out" "$REPORT"
	rm -f "$out"
	echo "written: $REPORT (section \"$1\")"
}
