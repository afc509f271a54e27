#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stream speed: one thread hits a uprobe as fast as it can (bench/stream-spin.c,
# ~1M events/s); each reader streams it to a file: events delivered against
# the kernel's hit count (uprobe_profile), events lost, and the reader's CPU
# time (bench/stream-rusage.c: user + sys of the reader and its children).
# Writes the "Stream speed" section of bench/REPORT.md.
#
#   N=5000000 RUNS=3 bench/stream.sh
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
UPROBE=$ROOT/uprobe
N=${N:-5000000}
RUNS=${RUNS:-3}
TODAY_TEXT=${TODAY_TEXT:-161}	# ns/event of each when issue 12 set the goal
TODAY_JSON=${TODAY_JSON:-408}
OUT=$ROOT/tests/out/bench-stream
mkdir -p "$OUT"
T=/sys/kernel/tracing
[ -w "$T/uprobe_events" ] || T=/sys/kernel/debug/tracing
if [ ! -w "$T/uprobe_events" ]; then
	echo "bench/stream.sh: needs root and tracefs: skipped" >&2
	exit 0
fi
# the peers, installed when missing (as root, from apt)
. bench/common.bash
[[ "${READERS:-trace-cmd}" != *trace-cmd* ]] || need_pkg trace-cmd trace-cmd || true
[[ "${READERS:-perf}" != *perf* ]] || need_pkg perf linux-perf || true
[ -x "$UPROBE" ] || { echo "bench/stream.sh: build ./uprobe first" >&2; exit 1; }

SPIN=$OUT/stream-spin
RUS=$OUT/stream-rusage
gcc -O2 -g -o "$SPIN" bench/stream-spin.c || exit 1
gcc -O2 -o "$RUS" bench/stream-rusage.c || exit 1
# trace-cmd 3.1.6 dies of SIGSEGV where set_ftrace_pid cannot be read (see
# bench/tc-shim.c): preload the shim there, and say so in the report
TC_ENV=
tc_note=
if ! cat "$T/set_ftrace_pid" >/dev/null 2>&1; then
	gcc -O2 -shared -fPIC -o "$OUT/tc-shim.so" bench/tc-shim.c -ldl || exit 1
	TC_ENV="LD_PRELOAD=$OUT/tc-shim.so"
	tc_note="this kernel refuses to open \`set_ftrace_pid\` (EPERM), and trace-cmd 3.1.6
then passes NULL to strcmp() and dies of SIGSEGV before it reads an event; it ran with
\`bench/tc-shim.c\` preloaded, which answers that one read with \"no pid\" (the file's
content when unset) and changes nothing else"
fi

G=bench_$(tr -dc a-z0-9 </dev/urandom | head -c 8)
CAT=bench-cat-$$
TC=bench-tc-$$
cleanup() {
	local f
	for f in "$T"/events/$G/hit/enable "$T"/instances/*/events/$G/hit/enable; do
		[ -f "$f" ] && echo 0 >"$f" 2>/dev/null
	done
	[ -d "$T/instances/$CAT" ] && rmdir "$T/instances/$CAT"
	[ -d "$T/instances/$TC" ] && rmdir "$T/instances/$TC"
	grep -q "^p:$G/hit " "$T/uprobe_events" && echo "-:$G/hit" >>"$T/uprobe_events"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$UPROBE" add -g "$G" -e hit "$SPIN:hit" n=%di:s64 >/dev/null || exit 1

hits() {
	local n
	n=$(grep -n "^p:$G/hit " "$T/uprobe_events" | cut -d: -f1)
	sed -n "${n}p" "$T/uprobe_profile" | awk '{ print $3 }'
}
# ready_* succeed once the reader has the event enabled
wait_for() {
	local i
	for i in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
uprobe_ready() { grep -qx 1 "$T"/instances/uprobe-*/events/$G/hit/enable 2>/dev/null; }
tc_ready() { grep -qx 1 "$T/instances/$TC/events/$G/hit/enable" 2>/dev/null; }

# measure NAME COUNT_REGEX READY -- READER...: one run; prints
# "delivered lost cpu_s rate hits exit hung user_s out_bytes"
measure() {
	local name=$1 re=$2 ready=$3 pid before after got cpu rate
	shift 4
	rm -f "$OUT/cpu"
	# a session of its own: what the reader leaves behind is killed with it
	setsid "$RUS" "$OUT/cpu" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null &
	pid=$!
	if [ "$ready" = sleep ]; then sleep 1.5; else wait_for "$ready"; fi
	before=$(hits)
	rate=$(taskset -c 0 "$SPIN" "$N" | awk '{ print $6 }')
	sleep 1
	kill -INT "$pid" 2>/dev/null
	# a reader that has not exited 60 s after SIGINT is stuck: kill what
	# runs under the rusage wrapper, so the wrapper still reports its CPU
	for i in $(seq 600); do
		[ -z "$(pgrep -P "$pid")" ] && break
		sleep 0.1
	done
	hung=0
	if [ -n "$(pgrep -P "$pid")" ]; then
		hung=1
		pgrep -s "$pid" | grep -vx "$pid" | xargs -r kill -KILL
	fi
	wait "$pid"
	st=$?
	kill -TERM -- "-$pid" 2>/dev/null
	after=$(hits)
	if [ "$name" = perf ]; then
		# perf script shows some samples twice: count the distinct n=
		got=$(perf script -i "$OUT/perf.data" 2>/dev/null | grep "$re" |
		      awk '{ print $NF }' | sort -u | wc -l)
	else
		got=$(grep -c "$re" "$OUT/$name.out")
	fi
	read -r u s <"$OUT/cpu"
	cpu=$(echo "$u + $s" | bc -l)
	# 139: the reader died of SIGSEGV
	echo "$got $((after - before - got)) $cpu $rate $((after - before)) $st $hung $u" \
		"$(stat -c %s "$OUT/$name.out" 2>/dev/null || echo 0)"
}

cat_reader() {
	mkdir "$T/instances/$CAT" || return 1
	echo 1 >"$T/instances/$CAT/events/$G/hit/enable"
	exec cat "$T/instances/$CAT/trace_pipe"
}
export -f cat_reader
export T CAT G

declare -A DELIV LOST CPU KHITS CRASHED HUNG USR BYTES
RATES=
readers=${READERS:-"uprobe-text uprobe-json uprobe-text-pipe uprobe-json-pipe uprobe-text-1408k trace-cmd trace-cmd-8m perf cat"}
for r in $(seq "$RUNS"); do
	for name in $readers; do
		case $name in
		uprobe-text)
			res=$(measure "$name" " $G/hit " uprobe_ready -- "$UPROBE" stream "$G/hit") ;;
		uprobe-json)
			res=$(measure "$name" '"event"' uprobe_ready -- "$UPROBE" --json stream "$G/hit") ;;
		# into a pipe that another process reads, as jq would
		uprobe-text-pipe)
			res=$(RUSAGE_PIPE=1 measure "$name" " $G/hit " uprobe_ready -- \
				"$UPROBE" stream "$G/hit") ;;
		uprobe-json-pipe)
			res=$(RUSAGE_PIPE=1 measure "$name" '"event"' uprobe_ready -- \
				"$UPROBE" --json stream "$G/hit") ;;
		uprobe-text-1408k)
			res=$(measure "$name" " $G/hit " uprobe_ready -- "$UPROBE" stream \
				--buffer-size 1408 "$G/hit") ;;
		trace-cmd|trace-cmd-8m)
			# an instance of its own (-B), as uprobe's; -d: no function
			# tracer; -b KiB per CPU: the same buffer as uprobe's default
			size=
			[ "$name" = trace-cmd-8m ] && size="-b 8192"
			res=$(measure "$name" "hit:" tc_ready -- env $TC_ENV \
				trace-cmd stream -d -B "$TC" $size -e "$G:hit")
			[ -f "$T/instances/$TC/events/$G/hit/enable" ] &&
				echo 0 >"$T/instances/$TC/events/$G/hit/enable"
			[ -d "$T/instances/$TC" ] && rmdir "$T/instances/$TC" ;;
		perf)
			res=$(measure "$name" "$G:hit" sleep -- perf record -q -a -e "$G:hit" \
				-o "$OUT/perf.data") ;;
		cat)
			res=$(measure "$name" "hit:" sleep -- bash -c cat_reader)
			echo 0 >"$T/instances/$CAT/events/$G/hit/enable"
			rmdir "$T/instances/$CAT" ;;
		esac
		set -- $res
		echo "run $r $name: delivered $1 lost $2 cpu ${3}s workload ${4}/s kernel hits $5 exit $6 hung $7"
		[ "$7" = 1 ] && HUNG[$name]=$((${HUNG[$name]:-0} + 1))
		if [ "$6" = 139 ]; then
			CRASHED[$name]=$((${CRASHED[$name]:-0} + 1))
			continue
		fi
		DELIV[$name]="${DELIV[$name]:-} $1"
		LOST[$name]="${LOST[$name]:-} $2"
		CPU[$name]="${CPU[$name]:-} $3"
		KHITS[$name]="${KHITS[$name]:-} $5"
		USR[$name]="${USR[$name]:-} $8"
		BYTES[$name]="${BYTES[$name]:-} $9"
		RATES="$RATES $4"
	done
done

# median of the words of $1
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
range() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print (lo == hi ? lo : lo "–" hi) }'; }

# nsev NAME: the reader's median CPU per delivered event, in ns
nsev() {
	local c d
	c=$(median "${CPU[$1]}") d=$(median "${DELIV[$1]}")
	printf '%.0f' "$(echo "$c * 1000000000 / ($d + ($d == 0))" | bc -l)"
}

# per_ev NAME ARRAY SCALE: the median of ARRAY[NAME] per delivered event, times SCALE
per_ev() {
	local -n arr=$2
	local c d
	c=$(median "${arr[$1]}") d=$(median "${DELIV[$1]}")
	printf '%.0f' "$(echo "$c * $3 / ($d + ($d == 0))" | bc -l)"
}

# cpu_ratio NAME: how many times uprobe stream's CPU per event NAME used
cpu_ratio() {
	[ -n "${DELIV[$1]:-}" ] && [ -n "${DELIV[uprobe-text]:-}" ] || return 1
	printf '%.1f' "$(echo "$(nsev "$1") / $(nsev uprobe-text)" | bc -l)"
}

table() {
	local name label
	echo "| reader | kernel hits | delivered | lost | lost % (median) | reader CPU s (median) | CPU ns/event |"
	echo "|---|---|---|---|---|---|---|"
	for name in $readers; do
		[ -n "${DELIV[$name]:-}" ] || continue
		case $name in
		uprobe-text) label='`uprobe stream` (text, default 8 MiB/CPU)' ;;
		uprobe-json) label='`uprobe --json stream`' ;;
		uprobe-text-pipe) label='`uprobe stream \| consumer` (text, into a pipe)' ;;
		uprobe-json-pipe) label='`uprobe --json stream \| consumer`' ;;
		uprobe-text-1408k) label='`uprobe stream --buffer-size 1408` (kernel default size)' ;;
		trace-cmd) label='`trace-cmd stream -d -B` (kernel default size)' ;;
		trace-cmd-8m) label='`trace-cmd stream -d -B -b 8192` (8 MiB/CPU)' ;;
		perf) label='`perf record -a -e`' ;;
		cat) label='`cat trace_pipe` (own instance, 1408 KiB/CPU)' ;;
		esac
		local l c k
		l=$(median "${LOST[$name]}") c=$(median "${CPU[$name]}") k=$(median "${KHITS[$name]}")
		printf '| %s | %s | %s | %s | %.1f | %.2f | %s |\n' "$label" "$(range "${KHITS[$name]}")" \
			"$(range "${DELIV[$name]}")" "$(range "${LOST[$name]}")" \
			"$(echo "100 * $l / $k" | bc -l)" "$c" "$(nsev "$name")"
	done
}

# The goal of issue 12: JSON within 1.5x of text per event, and neither slower
# than when it was set (TODAY_TEXT, TODAY_JSON: ns/event then).
goals() {
	local t j lim
	[ -n "${DELIV[uprobe-text]:-}" ] && [ -n "${DELIV[uprobe-json]:-}" ] || return 0
	t=$(nsev uprobe-text) j=$(nsev uprobe-json)
	lim=$(echo "$t * 1.5" | bc -l)
	echo "## Stream: JSON against text"
	echo
	echo "Written by \`bench/stream.sh\` on $(date +%F) (machine as in \"Stream speed\"):"
	echo "reader CPU per event delivered, median of $RUNS runs of $N events."
	echo
	echo "| goal | uprobe (ns/event) | limit | ratio | verdict |"
	echo "|---|---|---|---|---|"
	printf '| --json within 1.5x of text, into a file | %s | %.0f | %.2fx of text | %s |\n' "$j" \
		"$lim" "$(echo "$j / $t" | bc -l)" "$( (($(echo "$j <= $lim" | bc))) && echo PASS || echo FAIL)"
	if [ -n "${DELIV[uprobe-text-pipe]:-}" ] && [ -n "${DELIV[uprobe-json-pipe]:-}" ]; then
		local tp jp
		tp=$(nsev uprobe-text-pipe) jp=$(nsev uprobe-json-pipe)
		printf '| --json within 1.5x of text, into a pipe | %s | %.0f | %.2fx of text | %s |\n' \
			"$jp" "$(echo "$tp * 1.5" | bc -l)" "$(echo "$jp / $tp" | bc -l)" \
			"$( (($(echo "$jp <= $tp * 1.5" | bc))) && echo PASS || echo FAIL)"
	fi
	printf '| text no slower than at the goal (%s) | %s | %s | %.2fx | %s |\n' "$TODAY_TEXT" "$t" \
		"$TODAY_TEXT" "$(echo "$t / $TODAY_TEXT" | bc -l)" "$(((t <= TODAY_TEXT)) && echo PASS || echo FAIL)"
	printf '| --json no slower than at the goal (%s) | %s | %s | %.2fx | %s |\n' "$TODAY_JSON" "$j" \
		"$TODAY_JSON" "$(echo "$j / $TODAY_JSON" | bc -l)" "$(((j <= TODAY_JSON)) && echo PASS || echo FAIL)"
	echo
	echo "Of that, user time (formatting, decoding, reading the ring buffers):"
	echo "text $(per_ev uprobe-text USR 1000000000), JSON $(per_ev uprobe-json USR 1000000000) ns/event;"
	echo "the rest is the kernel's, most of it writing the output file: text writes"
	echo "$(per_ev uprobe-text BYTES 1) bytes an event, JSON $(per_ev uprobe-json BYTES 1), and the page cache"
	echo "costs about as much per byte (dirty pages, writeback) as the reader does per event."
	echo "Into a pipe, which a consumer such as jq reads, that cost is a copy: there the"
	echo "reader's own cost shows."
	echo
}

section() {
	echo "## Stream speed"
	echo
	echo "Written by \`bench/stream.sh\` on $(date +%F): $(nproc) CPUs,"
	echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r),"
	echo "$(trace-cmd --version 2>/dev/null | grep -m1 version | sed 's/ (.*//'), $(perf --version)."
	echo
	echo "The workload (\`bench/stream-spin.c\`, pinned to CPU 0) calls \`hit()\` $N times"
	echo "as fast as it can; its uprobe (\`n=%di:s64\`) sits on \`push %rbp\`, which the"
	echo "kernel emulates, so the rate is bound by what a trap costs on the machine:"
	echo "$(median "$RATES") calls/s (median over all runs) with a reader attached."
	echo "Each reader writes to a file; \"kernel hits\" is the probe's count in"
	echo "\`uprobe_profile\` over the run, \"lost\" is hits minus events delivered; CPU is"
	echo "the reader's user + system time (children included) over the whole run."
	echo "$RUNS runs per reader; ranges are min–max over the runs."
	echo
	table
	[ -n "$tc_note" ] && { echo; echo "trace-cmd: $tc_note."; }
	echo
	local x
	if x=$(cpu_ratio trace-cmd); then
		echo "Per event, \`trace-cmd stream\` used $x times the CPU of \`uprobe stream\`$(
			y=$(cpu_ratio cat) && echo ", \`cat trace_pipe\` $y times")."
		echo
	fi
	echo "How \`uprobe stream\` keeps up: the per-CPU \`trace_pipe_raw\` files of its"
	echo "instance are read O_NONBLOCK; poll() wakes it when a buffer is 25% full"
	echo "(\`buffer_percent\`) or after 100 ms; each wake drains every CPU (up to 256"
	echo "pages per CPU a pass), merges the CPUs by time, and formats by hand (no"
	echo "printf) into a 1 MiB buffer written with write(2). A blocking read loop"
	echo "would sleep until a page fills while the writer laps it. \`trace-cmd stream\`"
	echo "and \`cat trace_pipe\` format each event with printf-style code (libtraceevent,"
	echo "the kernel's text output); \`perf record\` writes raw samples, decoded later"
	echo "by \`perf script\` (not counted). Reader CPU varies between runs with the"
	echo "page cache (hundreds of MB written per run)."
	for name in $readers; do
		[ -n "${HUNG[$name]:-}" ] || continue
		echo
		echo "$name did not exit within 60 s of SIGINT in ${HUNG[$name]} of $RUNS runs and was"
		echo "killed; its figures there are what it had written by then."
	done
	for name in $readers; do
		[ -n "${CRASHED[$name]:-}" ] || continue
		echo
		echo "$name crashed (SIGSEGV) in ${CRASHED[$name]} of $RUNS runs, which give no figures."
	done
	echo
}

# A run with READERS set writes only the goal's section, not the peers' table.
section >"$OUT/section.md"
[ -n "${READERS:-}" ] && : >"$OUT/section.md"
goals >>"$OUT/section.md"
cat "$OUT/section.md"
python3 - "$ROOT/bench/REPORT.md" "$OUT/section.md" <<'EOF'
import re, sys
path, secs = sys.argv[1], open(sys.argv[2]).read()
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n\nFigures from the scripts in bench/ (`make bench`).\n\n"
for sec in re.split(r'(?m)^(?=## )', secs):
    if not sec.startswith('## '):
        continue
    title = re.escape(sec.split('\n', 1)[0])
    m = re.search(r'^' + title + r'\n.*?(?=^## |\Z)', text, re.S | re.M)
    if m:
        text = text[:m.start()] + sec + text[m.end():]
    else:
        text = text.rstrip('\n') + '\n\n' + sec
open(path, 'w').write(text)
EOF
