#!/bin/sh
# check-needed.sh - the libraries outpost links, as TAP: libsecret with
# GLib/GIO/GObject (cred_keyring.c) and libcurl (oauth2_http.c) are
# dlopen()ed when used, so neither binary may need them at start-up (a
# plain send would map them all).
build=${top_builddir:-.}
tool=
if command -v readelf >/dev/null 2>&1; then
	tool="readelf -d"
elif command -v objdump >/dev/null 2>&1; then
	tool="objdump -p"
fi
if [ -z "$tool" ]; then
	echo "1..0 # SKIP no readelf or objdump"
	exit 0
fi
n=0
fail=0
for b in src/outpost src/outpost-queue; do
	n=$((n + 1))
	needed=$($tool "$build/$b" | grep NEEDED)
	bad=$(echo "$needed" | grep -E 'libsecret|libglib|libgio|libgobject|libcurl')
	if [ -n "$needed" ] && [ -z "$bad" ]; then
		echo "ok $n - $b needs no libsecret, GLib or libcurl"
	else
		echo "not ok $n - $b needs no libsecret, GLib or libcurl"
		echo "${bad:-no NEEDED entries read}" | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
