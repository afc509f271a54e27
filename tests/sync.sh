#!/bin/bash
# Keeps `uprobe help`, the man pages and the bash completion in step:
# every command has a page and a place in uprobe(8), every long option of a
# command is in its page, and the completion asks the tool for both lists
# (`uprobe help --commands`, `uprobe help --options`) instead of copying them.
cd "$(dirname "$0")/.." || exit 1
UPROBE=${UPROBE:-./uprobe}
bad=0
say() { echo "sync: $*" >&2; bad=1; }
cmds=$("$UPROBE" help --commands)
[ -n "$cmds" ] || say "'uprobe help --commands' lists no commands"
[ "$cmds" = "$("$UPROBE" help | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }')" ] ||
	say "'uprobe help' and 'uprobe help --commands' differ"
for w in 'help --commands' 'help --options'; do
	grep -q -- "uprobe $w" completions/uprobe || say "the completion does not ask 'uprobe $w'"
done
for c in $cmds; do
	[ "$c" = help ] && continue
	page=man/uprobe-$c.8
	[ -f "$page" ] || { say "$page is missing"; continue; }
	grep -q "uprobe\\\\-$c" man/uprobe.8 || say "uprobe.8 does not name uprobe-$c(8)"
	for o in $("$UPROBE" help --options "$c" | grep -- '^--' | tr -d =); do
		case $o in
		--help|--usage|--version) continue ;;
		--json|--pretty|--verbose|--tracefs)	# global: uprobe.8
			grep -q -- "${o//-/\\\\-}" man/uprobe.8 || say "uprobe.8 does not document $o"
			continue ;;
		esac
		grep -q -- "${o//-/\\\\-}" "$page" || grep -q -- "$o" "$page" ||
			say "$page does not document $o"
	done
done
[ $bad = 0 ] && echo "sync: help, man pages and completion agree"
exit $bad
