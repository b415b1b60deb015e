#!/bin/sh
# check-style.sh - KNF in miniature and banned functions, as TAP.
# One test per rule over every C file in src/, tests/unit/ and
# tests/fuzz/.  A line may opt out with a visible comment:
# /* style: allow NAME */.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
files=$(ls src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c \
    tests/fuzz/*.h 2>/dev/null)
n=0
fail=0
check() {	# check "description" "grep -n output"
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/# /' | head -20
		fail=1
	fi
}
banned='(^|[^a-z_])(gets|strcpy|strcat|sprintf|vsprintf|atoi|strtok|alarm|signal|system|popen)[ ]*\('
check "no banned functions ($banned)" \
    "$(grep -nE "$banned" $files | grep -v 'style: allow')"
check "no // comments" \
    "$(grep -nE '^[^"]*//' $files | grep -v 'https\?://' | grep -v 'style: allow')"
check "for (;;) rather than while (1)" \
    "$(grep -nE 'while[ ]*\((1|true)\)' $files)"
check "lines of at most 80 columns" \
    "$(for f in $files; do expand "$f" | awk -v f="$f" 'length($0) > 80 { print f ":" NR ": " length($0) " columns" }'; done | grep -v 'style: allow')"
check "no trailing white space" "$(grep -nE '[ 	]+$' $files)"
check "function bodies start with a brace on its own line" \
    "$(grep -nE '^[a-z_]+\(.*\)[ ]*\{[ ]*$' src/*.c)"
check "every source file starts with a comment" \
    "$(for f in src/*.c src/*.h; do head -1 "$f" | grep -q '^/\*' || echo "$f"; done)"
echo "1..$n"
exit $fail
