#!/bin/sh
# exit-codes.sh - every exit code the program can return is described in
# outpost(8), EXIT STATUS, and the page lists no code the program never
# returns.  The codes are the sysexits.h names used in src/; TAP.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
hdr=/usr/include/sysexits.h
if [ ! -r "$hdr" ]; then
	echo "1..0 # SKIP no $hdr"
	exit 0
fi
used=$( {
	echo 0
	grep -ohE '\bEX_[A-Z]+\b' src/*.c | sort -u | while read -r name; do
		awk -v n="$name" '$1 == "#define" && $2 == n { print $3 }' "$hdr"
	done
} | sort -un)
listed=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 }
    on && prev == ".TP" && /^\.B [0-9]+$/ { print $2 } { prev = $0 }' \
    man/outpost.8 | sort -un)
n=0
fail=0
for c in $used; do
	n=$((n + 1))
	if echo "$listed" | grep -qx "$c"; then
		echo "ok $n - exit $c is described in outpost(8)"
	else
		echo "not ok $n - exit $c is returned but not in outpost(8) EXIT STATUS"
		fail=1
	fi
done
for c in $listed; do
	n=$((n + 1))
	if echo "$used" | grep -qx "$c"; then
		echo "ok $n - outpost(8) lists exit $c, which the program returns"
	else
		echo "not ok $n - outpost(8) lists exit $c, which no code returns"
		fail=1
	fi
done
echo "1..$n"
exit $fail
