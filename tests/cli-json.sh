#!/bin/bash
# With --json every command prints exactly one JSON document on stdout,
# whatever goes wrong: usage errors, failures, partial failures. Needs no
# root (as root, del/enable/disable/clear name only a group nobody has).
source "$(dirname "$0")/lib.sh"

FIX=$OUT/target
cc_fixture "$FIX" "$TESTS_DIR/fixtures/target.c" -O2 || { fail "build fixture"; finish; exit 1; }
STRIPPED=$OUT/target-stripped
strip -o "$STRIPPED" "$FIX"
G="nogrp_$(tr -dc a-z0-9 </dev/urandom | head -c 8)"

# one_doc RC SHAPE CMD...: CMD exits RC and its stdout is one JSON
# document; SHAPE is "error" ({"error": ...} and nothing but "errors"
# beside it), "array", or a key the object must have.
one_doc() {
	local want=$1 shape=$2; shift 2
	run "$UPROBE" "$@"
	expect_eq "exit $want: $*" "$rc" "$want"
	check "one JSON document ($shape): $*" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
shape = sys.argv[2]
if shape == "error":
    assert isinstance(d, dict) and isinstance(d["error"], str) and d["error"], d
    assert set(d) <= {"error", "errors"}, d
elif shape == "array":
    assert isinstance(d, list), d
else:
    assert isinstance(d, dict) and shape in d, d' "$out" "$shape"
}

# usage errors: the message on stderr as ever, and as the document
for c in add list del clear enable disable stream profile funcs vars lines; do
	one_doc 64 error -j "$c" --bogus-option
done
run "$UPROBE" -j add --bogus-option
expect_match "usage error: the document says why" "$out" "unrecognized option '--bogus-option'"
expect_match "usage error: and stderr too" "$errout" "^uprobe add: unrecognized option '--bogus-option'$"
one_doc 64 error -j
one_doc 64 error -j bogus
one_doc 64 error -j help bogus
one_doc 64 error -j add
one_doc 64 error add --bogus-option -j
one_doc 64 error -j add -g 1bad "$FIX:func_a"
one_doc 64 error -j add --max-probes 0 "$FIX:func_a"
one_doc 64 error -j del
one_doc 64 error -j enable
one_doc 64 error -j clear -g 1bad
one_doc 64 error -j clear extra
one_doc 64 error -j funcs "$FIX" a b
one_doc 64 error -j vars target
one_doc 64 error -j lines target

# failures
one_doc 1 error -j add -n /nonexistent/prog:main
one_doc 1 error -j add -n "$FIX:func_a" '%zz'
one_doc 1 error -j add -n "$FIX:no_such_function"
one_doc 1 error -j funcs /nonexistent/x
one_doc 1 error -j funcs "$FIX" 'zzz*'
one_doc 1 error -j funcs "$STRIPPED"
one_doc 1 error -j vars "$STRIPPED:func_b"
one_doc 1 error -j lines "$FIX:no_such_function"
for c in list del enable disable stream profile; do
	one_doc 1 error -j --tracefs "$OUT" "$c" "$G/x"
done
one_doc 1 error -j --tracefs "$OUT" clear -g "$G"

# against the real tracefs (as root): nothing matches, so nothing is done
if [ "$(id -u)" = 0 ]; then
	one_doc 1 error -j del "$G/x" "$G/nope"
	check "two failures: both in \"errors\"" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); assert len(d["errors"]) == 2, d' "$out"
	one_doc 1 error -j enable "$G/nope"
	one_doc 1 error -j disable "$G/nope"
	one_doc 1 error -j clear -g "$G"
	one_doc 0 array -j list "$G/*"
	expect_eq "list of nothing is []" "$out" "[]"
else
	skip "del, enable, disable, clear of nothing: need root for tracefs"
fi

# successes, compact and pretty
one_doc 0 array -j add -n "$FIX:func_a" %di
one_doc 0 array -p add -n "$FIX:func_a" %di
expect_match "--pretty indents" "$out" '^    "event": "func_a",$'
one_doc 0 array --pretty funcs "$FIX" func_b
one_doc 0 array -j vars "$FIX:func_b"
one_doc 0 array -j lines "$FIX:func_c"
one_doc 0 array -j help
check "help --json names every command" python3 -c '
import json, sys
assert [c["name"] for c in json.loads(sys.argv[1])][:3] == ["add", "list", "del"]' "$out"
run "$UPROBE" -j add -n "$FIX:func_a" %di
expect_eq "compact: one line" "$(printf '%s\n' "$out" | wc -l)" 1

# the escaper: control bytes and bytes outside ASCII as \u00XX
ln -sf "$FIX" "$OUT/t"$'\xc3\xa9'
run "$UPROBE" -j add -n "$OUT/t"$'\xc3\xa9'":func_a"
expect_match "bytes outside ASCII escaped" "$out" '"path": "[^"]*/t\\u00c3\\u00a9"'
check "and the bytes come back as Latin-1" python3 -c '
import json, sys
p = json.loads(sys.argv[1])[0]["path"]
assert p.encode("latin-1").endswith(b"/t\xc3\xa9"), p' "$out"
rm -f "$OUT/t"$'\xc3\xa9'
run "$UPROBE" -j add -n "$OUT/t"$'\x01\x7f\n"\\'":func_a"
check "control bytes, quote and backslash escaped in an error" python3 -c '
import json, sys
e = json.loads(sys.argv[1])["error"]
assert "/t\x01\x7f\n\"\\" in e, e
assert "\\u0001\\u007f\\n\\\"\\\\" in sys.argv[1], sys.argv[1]' "$out"
finish
