#!/bin/bash
# The ground-truth corpus (tests/truth/, issue 7) as a tier: its quick
# subset, gcc and clang at -O0 and -O2, uprobe only. Each (function,
# variable) case of each build is one test: exact passes, wrong or missed
# fails, refused is skipped with the tool's reason. `make truth` runs the
# whole matrix beside perf probe and writes bench/REPORT.md's section.
source "$(dirname "$0")/lib.sh"
need_tracefs
"$TESTS_DIR/truth/run.sh" --quick --no-perf --summary --out "$OUT/truth-quick.md"
