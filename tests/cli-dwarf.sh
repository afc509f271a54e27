#!/bin/bash
# funcs, vars and lines as a user meets them (no root needed): what they
# list checked against nm and the program headers, JSON shape, errors.
source "$(dirname "$0")/lib.sh"

FIX=$OUT/target
cc_fixture "$FIX" "$TESTS_DIR/fixtures/target.c" -O2 || { fail "build fixture"; finish; exit 1; }
STRIPPED=$OUT/target-stripped
strip -o "$STRIPPED" "$FIX"

# file offset of a symbol, from nm and the program headers
off_of() {
	local addr a type off va fs ms rest
	addr=$(nm "$FIX" | awk -v s="$1" '$3 == s { print $1 }')
	a=$((16#$addr))
	while read -r type off va _ fs ms rest; do
		[ "$type" = LOAD ] && [ $a -ge $((va)) ] && [ $a -lt $((va + ms)) ] &&
			printf '0x%x\n' $((a - va + off))
	done < <(readelf -lW "$FIX")
}

run "$UPROBE" funcs "$FIX"
expect_eq "funcs" "$rc" 0
for f in func_a func_b func_c main; do
	expect_match "funcs lists $f at its file offset" "$out" "^ *$(off_of $f)  $f  .*target\.c:[0-9]+$"
done
run "$UPROBE" funcs "$FIX" 'func_[ab]'
expect_eq "funcs GLOB filters" "$(printf '%s\n' "$out" | awk '{ print $2 }' | tr '\n' ' ')" "func_a func_b "
run "$UPROBE" --json funcs "$FIX" func_b
check "funcs --json" python3 -c '
import json, sys
f = json.loads(sys.argv[1])
assert len(f) == 1 and f[0]["name"] == "func_b" and f[0]["offset"] == int(sys.argv[2], 16)
assert f[0]["line"] == 11 and f[0]["file"].endswith("target.c")' "$out" "$(off_of func_b)"
run "$UPROBE" funcs "$FIX" 'zzz*'
expect_eq "funcs: a glob matching nothing fails" "$rc" 1
expect_match "and says so" "$errout" "no function matches 'zzz\*'"
run "$UPROBE" funcs "$STRIPPED"
expect_eq "funcs of a fully stripped program fails" "$rc" 1
expect_match "and says it is stripped" "$errout" "stripped"
run "$UPROBE" funcs /nonexistent/x
expect_eq "funcs of a missing file fails" "$rc" 1
run "$UPROBE" funcs --symbols "$FIX"
expect_eq "funcs --symbols" "$rc" 0
for f in func_a func_b main; do
	expect_match "funcs --symbols lists $f at its file offset, no file:line" "$out" \
		"^ *$(off_of $f)  $f\$"
done
run "$UPROBE" funcs -s "$FIX" 'func_[ab]'
expect_eq "funcs -s GLOB filters" "$(printf '%s\n' "$out" | awk '{ print $2 }' | tr '\n' ' ')" \
	"func_a func_b "
run "$UPROBE" --json funcs -s "$FIX" func_b
check "funcs -s --json: the symbol, no file" python3 -c '
import json, sys
f = json.loads(sys.argv[1])
assert len(f) == 1 and f[0]["name"] == "func_b" and f[0]["offset"] == int(sys.argv[2], 16)
assert f[0]["symbol"] == "func_b" and f[0]["file"] is None' "$out" "$(off_of func_b)"
run "$UPROBE" funcs -s "$STRIPPED"
expect_eq "funcs -s of a fully stripped program fails" "$rc" 1
expect_match "and says there is no symbol table" "$errout" "no symbol table"

run "$UPROBE" vars "$FIX:func_b"
expect_eq "vars" "$rc" 0
expect_match "vars: long parameter, typed s64" "$out" "param +long int +x +x=%di:s64$"
expect_match "vars: char pointer read as a string" "$out" "param +const char \* +s +s=\+0\(%si\):string$"
run "$UPROBE" --json vars "$FIX:func_b"
check "vars --json" python3 -c '
import json, sys
v = json.loads(sys.argv[1])[0]
assert v["symbol"] == "func_b"
names = [(x["name"], x["kind"], x["fetch"]) for x in v["vars"]]
assert names == [("x", "param", "x=%di:s64"), ("s", "param", "s=+0(%si):string")], names' "$out"
run "$UPROBE" vars "$STRIPPED:func_b"
expect_eq "vars without debug info fails" "$rc" 1
expect_match "and says what would help" "$errout" "no debug information"

run "$UPROBE" lines "$FIX:func_c"
expect_eq "lines" "$rc" 0
expect_match "lines: relative line, file:line, offset" "$out" "^ +1  .*target\.c:18  0x[0-9a-f]+$"
run "$UPROBE" lines "$FIX:no_such_function"
expect_eq "lines of an unknown function fails" "$rc" 1
for c in lines vars; do
	run "$UPROBE" "$c" "${FIX##*/}"
	expect_eq "$c: a target without a colon is a usage error" "$rc" 64
	expect_match "$c: and says what it wants" "$errout" "want PATH:FUNC"
done

# fetch-args named after the same last member get distinct names
DV=$OUT/dwarf-vars-O0
cc_fixture "$DV" "$TESTS_DIR/fixtures/dwarf-vars.c" -O0 || fail "build dwarf-vars"
run "$UPROBE" add -n "$DV:handle" 'r->in.depth' 'r->pin->depth' 'r->pin->label' 'r->in.label'
expect_eq "same member twice: no clash" "$rc" 0
expect_match "named depth, depth_1, label, label_1" "$out" \
	"^p:uprobes/handle $DV:0x[0-9a-f]+ depth=[^ ]+:s16 depth_1=[^ ]+:s16 label=[^ ]+:string label_1=[^ ]+:string$"
run "$UPROBE" add -n "$DV:handle" 'depth=r->in.depth' 'r->pin->depth' 'depth_1=%di'
expect_eq "a name the user gave is kept, and taken into account" "$rc" 1
expect_match "the user's own clash is theirs to fix" "$errout" "argument name 'depth_1' is used twice"
run "$UPROBE" --json add -n "$DV:handle" 'r->pin->depth' 'r->in.depth'
check "add --json shows the names given" python3 -c '
import json, sys
a = json.loads(sys.argv[1])[0]["args"]
assert [x.split("=")[0] for x in a] == ["depth", "depth_1"], a' "$out"
finish
