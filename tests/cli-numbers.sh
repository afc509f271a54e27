#!/bin/bash
# The numbers and process ids options take: the whole text, in range, or a
# message naming the option and the text, exit 64. Needs no root: each is
# refused while the options are parsed.
source "$(dirname "$0")/lib.sh"

# bad CMD... -- EXPECTED: the message expected on stderr (a whole line)
bad() {
	local msg=${*: -1}

	run "$UPROBE" "${@:1:$#-1}"
	expect_eq "'${*:1:$#-1}': exit 64" "$rc" 64
	expect_match "'${*:1:$#-1}': says why" "$errout" "^$msg\$"
}

N1="a whole number, 1 or more"
bad stream --count abc "uprobe stream: --count takes $N1, not 'abc'"
bad stream --count 0 "uprobe stream: --count takes $N1, not '0'"
bad stream --count -1 "uprobe stream: --count takes $N1, not '-1'"
bad stream --count 18446744073709551616 \
	"uprobe stream: --count takes $N1, not '18446744073709551616'"
bad stream --count 5x "uprobe stream: --count takes $N1, not '5x'"
bad stream --count '' "uprobe stream: --count takes $N1, not ''"
bad stream --count ' 5' "uprobe stream: --count takes $N1, not ' 5'"
bad stream --count +5 "uprobe stream: --count takes $N1, not '\\+5'"
bad stream --buffer-size 3 \
	"uprobe stream: --buffer-size takes a whole number from 4 to 4194304, not '3'"
bad stream --buffer-size 4194305 \
	"uprobe stream: --buffer-size takes a whole number from 4 to 4194304, not '4194305'"

PID="a process id \\(1 to 2147483647\\)"
bad stream --pid 0 "uprobe stream: --pid takes $PID, not '0'"
bad stream --pid -1 "uprobe stream: --pid takes $PID, not '-1'"
bad stream --pid 2147483648 "uprobe stream: --pid takes $PID, not '2147483648'"
bad stream --pid 12abc "uprobe stream: --pid takes $PID, not '12abc'"
bad trace --pid 0 "$OUT/x:main" "uprobe trace: --pid takes $PID, not '0'"
bad add -p 0 "$OUT/x:main" "uprobe add: -p takes $PID, not '0'"
bad funcs -p abc /bin/true "uprobe funcs: -p takes $PID, not 'abc'"
bad usdt -p 99999999999 /bin/true "uprobe usdt: -p takes $PID, not '99999999999'"

bad stream --duration 0 "uprobe stream: --duration takes seconds from 0.001 to 1e\\+09, not '0'"
bad stream --duration -1 "uprobe stream: --duration takes seconds from 0.001 to 1e\\+09, not '-1'"
bad stream --duration inf "uprobe stream: --duration takes seconds from 0.001 to 1e\\+09, not 'inf'"
bad stream --duration 1e400 "uprobe stream: --duration takes seconds from 0.001 to 1e\\+09, not '1e400'"
bad stream --duration 1s "uprobe stream: --duration takes seconds from 0.001 to 1e\\+09, not '1s'"
bad profile --interval -1 "uprobe profile: --interval takes seconds from 0.01 to 86400, not '-1'"
bad profile --interval nan "uprobe profile: --interval takes seconds from 0.01 to 86400, not 'nan'"
bad profile --interval 0.001 "uprobe profile: --interval takes seconds from 0.01 to 86400, not '0.001'"
bad profile --interval 1 --count abc "uprobe profile: --count takes $N1, not 'abc'"
bad add --max-probes 0x10 "$OUT/x:main" "uprobe add: --max-probes takes $N1, not '0x10'"
bad add --max-probes 99999999999999999999 "$OUT/x:main" \
	"uprobe add: --max-probes takes $N1, not '99999999999999999999'"

# and the good forms still parse: the next complaint is about something else
run "$UPROBE" profile --interval .5 --count 3 no_such_group_zz/none
expect_match "--interval .5 --count 3 parse" "$errout" \
	"^uprobe profile: no uprobe event matches 'no_such_group_zz/none'$"
run "$UPROBE" add -n --max-probes 1 -p "$$" /bin/true:0x0
expect_nomatch "-p \$\$ --max-probes 1 parse" "$errout" "takes|Try"

finish
