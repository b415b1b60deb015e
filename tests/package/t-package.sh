#!/bin/sh
# t-package.sh - `make check-package`: the Debian packages, end to end, in
# a clean Debian 12 chroot (never on this machine).  As root, with
# debootstrap: build outpost and outpost-mta there from this tree; install
# them without answers (a relay that queues and says how to configure
# it) and send as www-data; answer the debconf questions (preseeded),
# dpkg-reconfigure, and run the queue runner's command as its unit's
# user; purge; install again with preseeded answers, send, purge, and
# check that what the package created is gone and the admin's own
# configuration is not.  TAP; SKIP without root or debootstrap.
#
# OUTPOST_PKG_BASE=DIR: a bookworm tree debootstrapped before (with the
# build dependencies; see BASE_PKGS) to copy instead of downloading one;
# DEBIAN_MIRROR (default http://deb.debian.org/debian);
# KEEP_WORK=1 keeps the chroot of a failed run.

set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
PYTHON=${PYTHON:-python3}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE_PKGS=ca-certificates,python3,debconf,passwd,debhelper,pkgconf,libgnutls28-dev,libsecret-1-dev,libinih-dev,libcurl4-gnutls-dev,libexpat1-dev,build-essential,fakeroot,autoconf,automake,util-linux

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root"
for t in debootstrap chroot mount umount openssl "$PYTHON" git; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is missing"
done

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; return 1; fi
}

W=$(mktemp -d "${TMPDIR:-/tmp}/outpost-pkg.XXXXXX") || exit 99
C=$W/root
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	umount "$C/proc" 2>/dev/null
	if [ "$failed" = 0 ] || [ -z "${KEEP_WORK:-}" ]; then
		rm -rf "$W"
	else
		echo "# kept $W"
	fi
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

inroot() { chroot "$C" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }
log() { sed 's/^/# /' "$W/out"; }

# -- a clean Debian 12 ---------------------------------------------------
if [ -n "${OUTPOST_PKG_BASE:-}" ]; then
	cp -a "$OUTPOST_PKG_BASE" "$C"
else
	debootstrap --variant=minbase --include="$BASE_PKGS" bookworm "$C" \
	    "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
	    { sed 's/^/# /' "$W/debootstrap.log" | tail -20; exit 99; }
fi
[ "$(cut -d. -f1 "$C/etc/debian_version")" = 12 ] || skip "not bookworm"
mount -t proc proc "$C/proc"
inroot dpkg -l postfix exim4-daemon-light msmtp-mta 2>/dev/null | grep -q '^ii' &&
    { echo "# the chroot has an MTA"; exit 99; }

# -- build ---------------------------------------------------------------
mkdir -p "$C/build/outpost"
git -C "$top_srcdir" ls-files -z --cached --others --exclude-standard |
    tar -C "$top_srcdir" --null -T - -cf - | tar -C "$C/build/outpost" -xf -
inroot sh -c 'cd /build/outpost && dpkg-buildpackage -us -uc -b' \
    >"$W/build.log" 2>&1
check "the .debs build in a clean Debian 12 chroot" \
    sh -c "ls $C/build/outpost_*.deb $C/build/outpost-mta_*.deb \
    >/dev/null 2>&1" || { tail -30 "$W/build.log" | sed 's/^/# /'; exit 1; }

# -- the test smarthost on loopback, its CA trusted in the chroot ---------
sh "$top_srcdir/tests/integration/gen-pki.sh" "$W/pki" >/dev/null 2>&1 ||
    skip "no test PKI"
cp "$W/pki/ca.pem" "$C/usr/local/share/ca-certificates/outpost-test.crt"
inroot update-ca-certificates >/dev/null 2>&1
server() {	# server NAME [SCRIPT-LINE]: PORT is set
	mkdir -p "$W/srv-$1"
	printf 'listener starttls\n%s\n' "${2:-}" >"$W/srv-$1/script"
	"$PYTHON" "$top_srcdir/tests/integration/smtpd-script.py" \
	    --script "$W/srv-$1/script" --dir "$W/srv-$1" \
	    --ready "$W/srv-$1/ready" --pki "$W/pki" --lifetime 1800 \
	    >"$W/srv-$1/log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$W/srv-$1/ready" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	PORT=$(head -n 1 "$W/srv-$1/ready" | awk '{print $NF}')
}
delivered() { grep -c '"ev": "delivered"' "$W/srv-$1/events.jsonl"; }
server mx

install_debs() {	# install_debs: non-interactive, answers or none
	inroot sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    /build/outpost_*.deb /build/outpost-mta_*.deb' >"$W/out" 2>&1
}
preseed() {
	inroot debconf-set-selections <<EOS
outpost-mta outpost-mta/smarthost select other
outpost-mta outpost-mta/host string 127.0.0.1:$PORT
outpost-mta outpost-mta/user string alice@example.com
outpost-mta outpost-mta/password password s3cr3t-P@ss word
outpost-mta outpost-mta/from string server@example.com
outpost-mta outpost-mta/root string admin@example.org
EOS
}
as_www() {	# as_www ARGS...: sendmail as www-data, a message on stdin
	printf 'Subject: t\n\nhello\n' | inroot setpriv --reuid=www-data \
	    --regid=www-data --init-groups /usr/sbin/sendmail "$@" \
	    >"$W/out" 2>&1
}
purge() {
	inroot sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y \
	    outpost-mta outpost' >"$W/out" 2>&1
}

# -- 1. without answers: a relay that queues -----------------------------
install_debs
check "non-interactive install (no answers)" test $? = 0 || log
check "  ... says how to configure it" grep -q 'dpkg-reconfigure outpost-mta' \
    "$W/out"
check "  ... the account is on hold" grep -qx 'hold = on' \
    "$C/etc/outpost.conf"
as_www -i bob@example.org
check "www-data's message is kept (exit 0, queued)" sh -c \
    "grep -q 'queued as' $W/out && grep -q 'dpkg-reconfigure' $W/out" ||
    log
check "  ... sent by the first queue run once configured, no time given" \
    sh -c "grep -q 'then the next queue run (outpost-queue.timer' $W/out &&
    ! grep -q 'next try at' $W/out" || log
check "  ... in the system queue" sh -c \
    "test \$(ls $C/var/spool/outpost/q/*.env | wc -l) = 1"
check "the queue runner's timer is enabled" \
    test -L "$C/etc/systemd/system/timers.target.wants/outpost-queue.timer"
check "  ... and the cron.d fallback does nothing under systemd" \
    grep -q '\[ -d /run/systemd/system \] ||' "$C/etc/cron.d/outpost-mta"
check "no per-user unit is enabled" sh -c \
    "! find $C/etc/systemd/user -name 'outpost-user-queue*' 2>/dev/null |
    grep -q ."
check "the outpost user's home is not writable (/nonexistent)" \
    test "$(inroot getent passwd outpost | cut -d: -f6)" = /nonexistent
check "outpost-oauth2 is outpost:outpost 6750, its store outpost 0700" sh -c \
    "test \"\$(chroot $C stat -c '%U:%G %a' \
    /usr/libexec/outpost/outpost-oauth2)\" = 'outpost:outpost 6750' &&
    test \"\$(chroot $C stat -c '%U:%G %a' /var/lib/outpost/oauth2)\" = \
    'outpost:outpost 700'"

# -- 2. dpkg-reconfigure with answers; the runner delivers ----------------
preseed
inroot sh -c 'DEBIAN_FRONTEND=noninteractive dpkg-reconfigure outpost-mta' \
    >"$W/out" 2>&1
check "dpkg-reconfigure with preseeded answers" sh -c \
    "grep -qx 'host = 127.0.0.1' $C/etc/outpost.conf &&
    grep -qx 'port = $PORT' $C/etc/outpost.conf &&
    ! grep -q '^hold' $C/etc/outpost.conf" || log
check "  ... the password in the secret file, root:outpost 0640" sh -c \
    "test \"\$(cat $C/etc/outpost.secret)\" = 's3cr3t-P@ss word' &&
    test \"\$(chroot $C stat -c '%U:%G %a' /etc/outpost.secret)\" = \
    'root:outpost 640'"
check "  ... and not in the debconf database" sh -c \
    "! grep -rq 's3cr3t' $C/var/cache/debconf/"
check "  ... root's address and the catch-all in /etc/aliases" sh -c \
    "grep -qx 'root: admin@example.org' $C/etc/aliases &&
    grep -qx 'default: root' $C/etc/aliases"
unit=$C/lib/systemd/system/outpost-queue.service
U=$(sed -n 's/^User=//p' "$unit")
G=$(sed -n 's/^Group=//p' "$unit")
X=$(sed -n 's/^ExecStart=//p' "$unit")
before=$(delivered mx)
# shellcheck disable=SC2086
inroot setpriv --reuid="$U" --regid="$G" --init-groups $X >"$W/out" 2>&1
check "the unit's command ($X) as its user ($U) delivers the queue" sh -c \
    "test $? = 0 && test $(delivered mx) = $((before + 1)) &&
    test -z \"\$(ls $C/var/spool/outpost/q/)\"" || log

# -- 3. purge, then install with answers ----------------------------------
purge
check "purge" test $? = 0 || log
preseed
install_debs
check "install with preseeded answers" sh -c \
    "test $? = 0 && grep -qx 'user = alice@example.com' $C/etc/outpost.conf"
before=$(delivered mx)
as_www -i bob@example.org
check "www-data sends through the smarthost" sh -c \
    "test $(delivered mx) = $((before + 1)) &&
    grep -q '\"mail_from\": \"server@example.com\"' $W/srv-mx/events.jsonl" ||
    log
printf 'EHLO app\r\nMAIL FROM:<app@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
    inroot setpriv --reuid=www-data --regid=www-data --init-groups \
    /usr/sbin/sendmail -bs >"$W/out" 2>&1
check "  ... and with -bs" sh -c \
    "test $(delivered mx) = $((before + 2)) && ! grep -q '^4' $W/out" || log
purge
for f in /var/spool/outpost /etc/outpost.conf /etc/outpost.secret \
    /var/log/outpost.log /etc/cron.d/outpost-mta /var/lib/outpost-mta \
    /etc/systemd/system/timers.target.wants/outpost-queue.timer \
    /usr/sbin/sendmail; do
	check "purge removed $f" test ! -e "$C$f"
done
check "purge removed the user and group outpost" sh -c \
    "! chroot $C getent passwd outpost && ! chroot $C getent group outpost"
check "purge removed the debconf answers" sh -c \
    "test -z \"\$(chroot $C debconf-show outpost-mta 2>/dev/null)\""

# -- 4. the admin's own configuration survives a purge --------------------
preseed
install_debs
sed -i '1d' "$C/etc/outpost.conf"	# the marker: now the admin's file
purge
check "purge keeps a configuration the admin took over" \
    test -f "$C/etc/outpost.conf"
rm -f "$C/etc/outpost.conf"

# -- 5. smarthost "auto": outpost setup finds, probes, proves -------------
# The package has no test hooks: setup asks the real places.  The address
# is alice@localhost, so the domain's .well-known document is asked of
# https://localhost/ (port 443, the test CA trusted in the chroot); it
# names localhost and the test smarthost's port.
server auto 'auth alice@localhost s3cr3t-P@ss word'
# debootstrap writes no /etc/hosts; a real machine has localhost in it
grep -qw localhost "$C/etc/hosts" 2>/dev/null ||
    echo '127.0.0.1 localhost' >>"$C/etc/hosts"
mkdir -p "$W/http"
"$PYTHON" "$top_srcdir/tests/setup/autoconfig-server.py" --dir "$W/http" \
    --pki "$W/pki" --smtp-port "$PORT" --port 443 --route good \
    --lifetime 1800 >"$W/http/log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$W/http/ready" ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
auto_seed() {	# auto_seed PASSWORD
	inroot debconf-set-selections <<EOS
outpost-mta outpost-mta/smarthost select auto
outpost-mta outpost-mta/user string alice@localhost
outpost-mta outpost-mta/password password $1
outpost-mta outpost-mta/from string
outpost-mta outpost-mta/root string admin@example.org
EOS
}
auto_seed 's3cr3t-P@ss word'
install_debs
check "auto: install runs outpost setup, which writes a proven account" \
    sh -c "test $? = 0 &&
    grep -q '^# written by outpost setup for alice@localhost' \
    $C/etc/outpost.conf && grep -qx 'port = $PORT/starttls' \
    $C/etc/outpost.conf && ! grep -q '^hold' $C/etc/outpost.conf &&
    grep -q '\"ev\": \"auth\"' $W/srv-auto/events.jsonl" || log
check "  ... the marker stays first, the file root:outpost 0640" sh -c \
    "head -n 1 $C/etc/outpost.conf | grep -q '^# written by outpost-mta' &&
    test \"\$(chroot $C stat -c '%U:%G %a' /etc/outpost.conf)\" = \
    'root:outpost 640'"
before=$(delivered auto)
as_www -i bob@example.org
check "  ... and www-data's message goes through it" sh -c \
    "test $(delivered auto) = $((before + 1))" || log
auto_seed 'not the password'
inroot sh -c 'DEBIAN_FRONTEND=noninteractive dpkg-reconfigure outpost-mta' \
    >"$W/out" 2>&1
check "auto, the login refused: the relay is held and the reason shown" \
    sh -c "grep -qx 'hold = on' $C/etc/outpost.conf &&
    grep -q 'outpost setup alice@localhost failed' $W/out &&
    ! grep -q 'not the password' $W/out" || log
queued=$(find "$C/var/spool/outpost/q" -name '*.env' | wc -l)
as_www -i bob@example.org
check "  ... www-data's message is kept in the queue" sh -c \
    "grep -q 'queued as' $W/out &&
    test \$(find $C/var/spool/outpost/q -name '*.env' | wc -l) = \
    $((queued + 1))" || log
purge

echo "1..$n"
exit $failed
