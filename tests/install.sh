#!/bin/sh
# install.sh - `make install` and `make uninstall` with a DESTDIR, from
# the build tree: what is installed (program, man pages, docs and
# examples, the queue runner's units), that the sendmail/mailq links
# come only on request and never replace another MTA's file, and that
# uninstall leaves no file or link behind.  TAP on stdout.
set -u
b=${top_builddir:?}
work=$b/tests/work/install.$$
n=0
fails=0
mk() {
	make -C "$b" --no-print-directory "$@" >>"$work/make.log" 2>&1
}
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
# the files and links under a DESTDIR, relative, sorted
list() {
	(cd "$1" && find . ! -type d | sed 's|^\./|/|' | LC_ALL=C sort)
}
has() {
	list "$1" | grep -q "$2"
	echo $?
}

rm -rf "$work"
mkdir -p "$work"
echo "1..14"
links=no
grep -q '^install-exec-hook: install-sendmail-links' "$b/Makefile" && links=yes

d=$work/plain
mk install DESTDIR="$d"
ok $? "make install DESTDIR"
list "$d" >"$work/plain.list"
sed 's/^/# /' "$work/plain.list"
bin=$(grep '/bin/outpost$' "$work/plain.list")
[ -n "$bin" ] && [ -x "$d$bin" ] && "$d$bin" --version | grep -q '^outpost '
ok $? "outpost in bindir, runs"
ok "$(has "$d" '/man8/outpost\.8$')" "outpost.8"
ok "$(has "$d" '/man5/outpost\.conf\.5$')" "outpost.conf.5"
ok "$(has "$d" '/doc/outpost/outpost\.conf\.example$')" "config example"
grep -q "^ExecStart=$bin -q\$" \
    "$d$(grep '/systemd/user/outpost-user-queue\.service$' "$work/plain.list")" &&
    [ "$(has "$d" '/systemd/user/outpost-user-queue\.timer$')" = 0 ]
ok $? "systemd user service (runs $bin -q) and timer"
grep -q "^\*/5 \* \* \* \* $bin -q\$" "$d$(grep '/outpost-user-queue\.cron$' \
    "$work/plain.list")"
ok $? "cron example names $bin"
if [ $links = no ]; then
	! grep -q '/sendmail$\|/mailq$' "$work/plain.list"
	ok $? "no sendmail or mailq without --enable-sendmail-links"
else
	grep -q '/sbin/sendmail$' "$work/plain.list" &&
	    grep -q '/bin/mailq$' "$work/plain.list"
	ok $? "--enable-sendmail-links: make install links sendmail, mailq"
fi
grep -q '/etc/outpost\.conf$' "$work/plain.list"
[ $? != 0 ]
ok $? "no /etc/outpost.conf installed"
mk uninstall DESTDIR="$d" && [ -z "$(list "$d")" ]
ok $? "make uninstall leaves nothing"
list "$d" | sed 's/^/# left: /'

d=$work/links
mk install install-sendmail-links DESTDIR="$d"
ok $? "make install install-sendmail-links"
sbin=$(list "$d" | grep '/sendmail$')
mq=$(list "$d" | grep '/mailq$')
[ -L "$d$sbin" ] && [ "$(readlink "$d$sbin")" = "$bin" ] &&
    [ -L "$d$mq" ] && [ "$(readlink "$d$mq")" = "$bin" ] &&
    [ "${sbin%/sbin/sendmail}" != "$sbin" ] &&
    [ "${mq%/bin/mailq}" != "$mq" ]
ok $? "sbin/sendmail and bin/mailq link to $bin"
mk uninstall uninstall-sendmail-links DESTDIR="$d" && [ -z "$(list "$d")" ]
ok $? "make uninstall uninstall-sendmail-links leaves nothing"

# another MTA's sendmail: neither replaced nor removed
d=$work/other
mkdir -p "$d${sbin%/sendmail}"
echo 'other MTA' >"$d$sbin"
mk install-sendmail-links DESTDIR="$d"
r=$?
mk uninstall-sendmail-links DESTDIR="$d"
[ $r != 0 ] && [ ! -L "$d$sbin" ] && grep -q 'other MTA' "$d$sbin" &&
    grep -q 'exists and is not a link to outpost' "$work/make.log"
ok $? "a foreign sendmail is kept (install fails, uninstall skips it)"

if [ $fails = 0 ]; then
	rm -rf "$work"
else
	sed 's/^/# /' "$work/make.log"
fi
exit 0
