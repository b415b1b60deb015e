#!/bin/sh
# readme-deps.sh - the build works as README says: every library that
# configure.ac checks for (PKG_CHECK_MODULES, AC_CHECK_LIB) has its Debian
# -dev package in README's "Building by hand" apt-get line and in
# quickstart's BUILD_DEPS, and README names the paths ./configure uses.
# The table maps a pkg-config module (or library) to its package; a
# check with no row fails, so a new dependency cannot skip the README.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
table="gnutls libgnutls28-dev
libsecret-1 libsecret-1-dev
inih libinih-dev
libcurl libcurl4-gnutls-dev
expat libexpat1-dev"
# The apt-get command of "Building by hand", continuation lines joined.
readme=$(awk '/^Building by hand/ { on = 1 } on && /apt-get install/ { grab = 1 }
    grab { printf "%s ", $0; if ($0 !~ /\\$/) exit }' README)
quick=$(awk '/^BUILD_DEPS=/ { grab = 1 } grab { printf "%s ", $0;
    if ($0 !~ /\\$/) exit }' quickstart)
mods=$(sed -n -e 's/^PKG_CHECK_MODULES(\[[A-Z_]*\], *\[\([^] >]*\).*/\1/p' \
    -e 's/^AC_CHECK_LIB(\[\([^]]*\)\].*/\1/p' configure.ac)
n=0
fail=0
result() {	# result OK|FAIL "description" ["detail"]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "$3" ] && echo "# $3"
		fail=1
	fi
}
if [ -n "$mods" ]; then
	result OK "configure.ac checks for libraries ($(echo $mods))"
else
	result FAIL "configure.ac checks for libraries" "no PKG_CHECK_MODULES found"
fi
if [ -n "$readme" ]; then
	result OK "README has a Building by hand apt-get line"
else
	result FAIL "README has a Building by hand apt-get line"
fi
for m in $mods; do
	pkg=$(echo "$table" | awk -v m="$m" '$1 == m { print $2 }')
	if [ -z "$pkg" ]; then
		result FAIL "$m: a Debian package is known" \
		    "add '$m PACKAGE' to the table in tests/readme-deps.sh"
		continue
	fi
	case " $readme " in
	*" $pkg "*) result OK "$m: README lists $pkg" ;;
	*) result FAIL "$m: README lists $pkg" "$readme" ;;
	esac
	case " $quick " in
	*" $pkg "*|*" $pkg\""*|*"\"$pkg "*) result OK "$m: quickstart installs $pkg" ;;
	*) result FAIL "$m: quickstart installs $pkg" "$quick" ;;
	esac
done
# What a default ./configure uses must be what README sets up.
for p in /etc/outpost.conf /var/spool/outpost; do
	if grep -q "$p" README; then
		result OK "README names $p"
	else
		result FAIL "README names $p"
	fi
done
if grep -q "sysconfdir=/etc" configure.ac &&
    grep -q "localstatedir=/var" configure.ac; then
	result OK "a default ./configure uses /etc and /var"
else
	result FAIL "a default ./configure uses /etc and /var"
fi
echo "1..$n"
exit $fail
