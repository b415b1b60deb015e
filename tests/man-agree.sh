#!/bin/sh
# man-agree.sh - outpost --help (built from the tables in src/cli_cmd.c)
# and outpost(8) agree: every command --help lists has a SYNOPSIS line
# and an item under SUBCOMMANDS, every mode's option is in the SYNOPSIS,
# and the SYNOPSIS names no command --help lacks.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${top_builddir:-$top}/src/outpost
man=$top/man/outpost.8
if [ ! -x "$bin" ]; then
	echo "1..0 # SKIP $bin not built"
	exit 0
fi
help=$("$bin" --help) || { echo "1..1"; echo "not ok 1 - outpost --help"; exit 1; }
cmds=$(echo "$help" | awk '/^Commands/ { on = 1; next }
    on && /^  outpost [a-z]/ { print $2 }')
modes=$(echo "$help" | awk '/^Modes:/ { on = 1; next } /^Commands/ { on = 0 }
    on && /^  outpost -/ { print $2 }')
syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$man" |
    sed -n 's/^\.B outpost \([^ ]*\).*/\1/p' | sed 's/\\-/-/g')
sub=$(sed -n '/^\.SH SUBCOMMANDS/,/^\.SH [^S]/p' "$man" |
    awk 'prev == ".TP" && /^\.B outpost / { print $3 } { prev = $0 }' |
    sed 's/\\-/-/g')
n=0
fail=0
check() {	# check "description" condition-exit-status
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fail=1
	fi
}
has() {		# has WORD LIST
	echo "$2" | grep -qx -- "$1"
	echo $?
}
check "--help lists commands" "$([ -n "$cmds" ]; echo $?)"
for c in $cmds; do
	check "$c: in the SYNOPSIS of outpost(8)" "$(has "$c" "$syn")"
	check "$c: an item under SUBCOMMANDS" "$(has "$c" "$sub")"
done
for m in $modes; do
	check "mode $m: in the SYNOPSIS" "$(has "$m" "$syn")"
done
for w in $syn; do
	case $w in
	-*) check "SYNOPSIS $w: a mode of --help" "$(has "$w" "$modes")" ;;
	*) check "SYNOPSIS $w: a command of --help" "$(has "$w" "$cmds")" ;;
	esac
done
echo "1..$n"
exit $fail
