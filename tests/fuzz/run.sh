#!/bin/sh
# run.sh - build the libFuzzer targets with clang (ASan + UBSan) and fuzz
# each for a set time.  `make fuzz` runs it from the build directory;
# by hand, from the build directory (config.h lives there):
#
#   top_srcdir=/path/to/src sh /path/to/src/tests/fuzz/run.sh [TARGET...]
#
# FUZZ_SECONDS   time per target (default 60); FUZZ_JOBS targets at once
# (default 1).  Targets: reply hdr addr cfg data (default: all).
# New inputs go to tests/fuzz/work/TARGET in the build directory, never
# into the committed seed corpus; a crash leaves the input as
# tests/fuzz/work/crash-TARGET-* and fails the run: minimise it, add it to
# tests/fuzz/corpus/TARGET/ and fix the parser.
set -eu
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=$(pwd)
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
cc=${FUZZ_CC:-clang}
targets=${*:-reply hdr addr cfg data}
out=$build/tests/fuzz/work
[ -f "$build/config.h" ] || { echo "run.sh: run it from the build" \
    "directory (no config.h in $build)" >&2; exit 64; }
command -v "$cc" >/dev/null || { echo "run.sh: $cc not found" \
    "(apt-get install clang)" >&2; exit 69; }
mkdir -p "$out/obj"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -std=gnu11 -D_GNU_SOURCE -DHAVE_CONFIG_H -I$build \
-I$top/src -DSYSCONFDIR=\"/etc\" $(pkg-config --cflags gnutls libsecret-1 inih)"
libs=$(pkg-config --libs gnutls libsecret-1 inih)

# the parsers, instrumented for coverage; main.c stays out
for f in "$top"/src/*.c; do
	case $f in */main.c) continue ;; esac
	o=$out/obj/$(basename "$f" .c).o
	[ -f "$o" ] && [ "$o" -nt "$f" ] && continue
	# shellcheck disable=SC2086
	$cc $cflags $san -fsanitize=fuzzer-no-link -c "$f" -o "$o"
done
rm -f "$out/libcore-fuzz.a"
ar rcs "$out/libcore-fuzz.a" "$out"/obj/*.o

fuzz_one() {
	t=$1
	# shellcheck disable=SC2086
	$cc $cflags $san -fsanitize=fuzzer -o "$out/fuzz-$t" \
	    "$top/tests/fuzz/fuzz-$t.c" "$top/tests/fuzz/fuzz_fail.c" \
	    "$out/libcore-fuzz.a" $libs
	mkdir -p "$out/$t"
	echo "run.sh: fuzzing $t for ${secs}s"
	"$out/fuzz-$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/crash-$t-" \
	    "$out/$t" "$top/tests/fuzz/corpus/$t" >"$out/$t.log" 2>&1 || {
		echo "run.sh: $t FAILED, see $out/$t.log:" >&2
		grep -E '^(==|SUMMARY|fuzz-)' "$out/$t.log" | head -20 >&2
		return 1
	}
	grep -E '^stat::number_of_executed_units|^Done' "$out/$t.log" |
	    sed "s/^/run.sh: $t: /"
}

rc=0
pids=
n=0
for t in $targets; do
	[ -f "$top/tests/fuzz/fuzz-$t.c" ] || { echo "run.sh: no target" \
	    "$t" >&2; exit 64; }
	fuzz_one "$t" &
	pids="$pids $!"
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		for p in $pids; do wait "$p" || rc=1; done
		pids=
		n=0
	fi
done
for p in $pids; do wait "$p" || rc=1; done
exit $rc
