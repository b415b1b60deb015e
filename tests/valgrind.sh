#!/bin/sh
# valgrind.sh - the integration cases once with outpost under valgrind
# memcheck.  From a build directory (make check-valgrind runs it):
#
#   top_srcdir=/path/to/src sh /path/to/src/tests/valgrind.sh [CASE...]
#
# run-case.py runs $top_builddir/src/outpost; here top_builddir is
# tests/valgrind/, whose src/outpost execs valgrind on the real binary
# (one log per process in tests/valgrind/logs/).  The verdict is
# memcheck's alone: exit 0 when every log says "0 errors" (invalid
# reads/writes, uses of uninitialised values, bad frees, fd misuse and
# definitely lost blocks).  Case checks that only timing or argv[0] can
# fail under valgrind (duration-max, max-rss-kb, personalities) are
# listed but do not count.  VALGRIND_JOBS cases at once (default 2).
set -eu
top=${top_srcdir:?set top_srcdir}
build=$(pwd)
vg=$build/tests/valgrind
jobs=${VALGRIND_JOBS:-2}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not" \
    "found (apt-get install valgrind)" >&2; exit 77; }
[ -x "$build/src/outpost" ] || { echo "valgrind.sh: build outpost" \
    "first" >&2; exit 64; }
rm -rf "$vg"
mkdir -p "$vg/src" "$vg/logs" "$vg/tests"
ln -s "$build/tests/pki" "$vg/tests/pki"
cat > "$vg/src/outpost" <<WRAP
#!/bin/sh
exec valgrind -q --tool=memcheck --error-exitcode=99 --track-fds=no \\
    --leak-check=full --errors-for-leak-kinds=definite \\
    --show-leak-kinds=definite --num-callers=30 \\
    --log-file="$vg/logs/%p.log" "$build/src/outpost" "\$@"
WRAP
chmod +x "$vg/src/outpost"
if [ $# -eq 0 ]; then
	set -- "$top"/tests/integration/cases/*.case
fi
for c in "$@"; do echo "$c"; done |
    top_builddir=$vg top_srcdir=$top PYTHON=python3 \
    xargs -P "$jobs" -I{} sh -c 'python3 "$0/tests/integration/run-case.py" \
    "$1" > "$2/$(basename "$1" .case).tap" 2>&1 || :' "$top" {} "$vg"
fail=0
nlogs=0
for l in "$vg"/logs/*.log; do
	[ -f "$l" ] || continue
	nlogs=$((nlogs + 1))
	# memcheck's lines start "==PID=="; anything else in a log is
	# outpost's own stderr (a case that starts it with fd 2 closed)
	if grep -q '^==[0-9]*==' "$l"; then
		echo "valgrind.sh: memcheck errors in $l:" >&2
		grep '^==[0-9]*==' "$l" | head -40 >&2
		fail=1
	fi
done
ncases=$#
nbad=$(grep -l '^not ok' "$vg"/*.tap 2>/dev/null | wc -l)
echo "valgrind.sh: $ncases cases, $nlogs outpost runs under memcheck," \
    "$( [ $fail = 0 ] && echo "0 errors" || echo "ERRORS")"
if [ "$nbad" -gt 0 ]; then
	echo "valgrind.sh: $nbad cases had failing checks under valgrind" \
	    "(timing, argv[0]; informational):"
	grep -H '^not ok' "$vg"/*.tap | sed 's|.*/||' | head -40
fi
exit $fail
