#!/bin/sh
# ispdb-gen.sh - tools/ispdb-gen.py on a small fixture (TAP): its output
# is the committed tests/setup/ispdb-fixture.c (outgoing servers only,
# plain ones dropped, a malformed file skipped with a message), it
# compiles against src/setup_ispdb.h, and the committed table
# src/setup_ispdb_data.c keeps the MPL-2.0 notice and names the commit
# of Thunderbird's autoconfig repository it was made from.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
py=${PYTHON:-python3}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
result() {	# result OK|FAIL "description" ["detail"]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "$3" ] && echo "$3" | sed 's/^/# /' | head -30
		fail=1
	fi
}
"$py" "$top/tools/ispdb-gen.py" "$top/tests/setup/ispdb-fixture" \
    0000000000000000000000000000000000000000 >"$tmp/out.c" 2>"$tmp/err"
if d=$(diff -u "$top/tests/setup/ispdb-fixture.c" "$tmp/out.c"); then
	result OK "the generator's output on the fixture is as committed"
else
	result FAIL "the generator's output on the fixture is as committed" "$d"
fi
if grep -q "broken.xml: .*(skipped)" "$tmp/err"; then
	result OK "a malformed file is skipped with a message"
else
	result FAIL "a malformed file is skipped with a message" "$(cat "$tmp/err")"
fi
if ${CC:-cc} -fsyntax-only -I"$top/src" "$tmp/out.c" 2>"$tmp/cc"; then
	result OK "the generated table compiles"
else
	result FAIL "the generated table compiles" "$(cat "$tmp/cc")"
fi
data=$top/src/setup_ispdb_data.c
c1=$(sed -n 's/^ \* commit \([0-9a-f]\{40\}\)\.$/\1/p' "$data")
c2=$(sed -n 's/^const char setup_ispdb_commit\[\] = "\([0-9a-f]*\)";$/\1/p' "$data")
if [ -n "$c1" ] && [ "$c1" = "$c2" ]; then
	result OK "the table names its input commit ($c1)"
else
	result FAIL "the table names its input commit" "header '$c1', symbol '$c2'"
fi
if grep -q "Mozilla Public" "$data" && grep -q "mozilla.org/MPL/2.0" "$data"
then
	result OK "the table keeps the MPL-2.0 notice"
else
	result FAIL "the table keeps the MPL-2.0 notice"
fi
echo "1..$n"
exit $fail
