#!/bin/sh
# man-lint.sh - the man pages render cleanly: mandoc -Tlint at warning
# level and groff -ww print nothing (a ".BR word .  Sentence" line, a stray
# form feed or an unknown macro is a warning in one or both).  A missing
# tool is a visible SKIP of its test (quickstart installs both).
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
pages="man/outpost.8 man/outpost.conf.5"
n=0
fail=0
for p in $pages; do
	n=$((n + 1))
	if ! command -v mandoc >/dev/null 2>&1; then
		echo "ok $n - $p: mandoc -Tlint # SKIP mandoc not installed"
	elif out=$(mandoc -Tlint -W warning "$p" 2>&1) && [ -z "$out" ]; then
		echo "ok $n - $p: mandoc -Tlint -W warning is silent"
	else
		echo "not ok $n - $p: mandoc -Tlint -W warning is silent"
		echo "$out" | sed 's/^/# /' | head -20
		fail=1
	fi
	n=$((n + 1))
	if ! command -v groff >/dev/null 2>&1; then
		echo "ok $n - $p: groff -ww # SKIP groff not installed"
	elif out=$(groff -man -ww -z "$p" 2>&1) && [ -z "$out" ]; then
		echo "ok $n - $p: groff -man -ww -z is silent"
	else
		echo "not ok $n - $p: groff -man -ww -z is silent"
		echo "$out" | sed 's/^/# /' | head -20
		fail=1
	fi
done
echo "1..$n"
exit $fail
