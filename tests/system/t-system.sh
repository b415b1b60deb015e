#!/bin/sh
# t-system.sh - the system-wide relay (outpost(8) SECURITY), as root:
# throwaway users and group, the README's "System-wide setup" commands
# run with every system path moved into a scratch sysroot (OUTPOST_TEST_SYSROOT of
# --enable-test-hooks builds), the setgid outpost and the setuid
# outpost-queue copied there.  The machine's /etc/outpost.conf and
# /var/spool/outpost are never touched.  TAP; SKIP when not root.
#
# Users: $N (the queue's user and group "outpost"), $W (www-data-like, no
# home), $U (an ordinary user with a home).

set -u
: "${top_builddir:=$PWD}" "${top_srcdir:=$(dirname "$0")/../..}"
PYTHON=${PYTHON:-python3}
SRV=$top_srcdir/tests/integration/smtpd-script.py
PKIGEN=$top_srcdir/tests/integration/gen-pki.sh

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (the test creates users and a group)"
for t in groupadd useradd usermod userdel groupdel setpriv openssl \
    findmnt; do
	command -v $t >/dev/null 2>&1 || skip "$t is missing"
done
[ -x "$top_builddir/src/outpost" ] || skip "no src/outpost"
[ -x "$top_builddir/src/outpost-queue" ] || skip "no src/outpost-queue"
# ASan/LSan cannot run in a setgid or setuid process (no ptrace, not
# dumpable): the sanitizer build runs everything else
grep -q -- '-fsanitize' "$top_builddir/Makefile" 2>/dev/null &&
    skip "a sanitizer build (setgid/setuid copies cannot run under ASan)"
OUTPOST_TEST_SYSROOT=/nonexistent "$top_builddir/src/outpost" -V \
    >/dev/null 2>&1 || skip "outpost does not run"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() {	# check DESCRIPTION COMMAND...: ok when COMMAND succeeds
	d=$1; shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

S=$$
N=opq$S W=opw$S U=opu$S
R=$(mktemp -d /tmp/opsys.XXXXXX) || exit 99
chmod 755 "$R"
if findmnt -no OPTIONS -T "$R" 2>/dev/null | grep -qw nosuid; then
	rmdir "$R"
	skip "/tmp is mounted nosuid (no setgid copy can work there)"
fi
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for u in $W $U $N; do userdel "$u" >/dev/null 2>&1; done
	groupdel "$N" >/dev/null 2>&1
	if [ "$failed" = 0 ] || [ -z "${KEEP_WORK:-}" ]; then rm -rf "$R"; fi
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

echo "1..31"

# -- the README's commands, paths moved into $R ------------------------
mkdir -p "$R/bin" "$R/pub" "$R/home-u"
chmod 1777 "$R/pub"
cp "$top_builddir/src/outpost" "$R/bin/outpost"
cp "$top_builddir/src/outpost-queue" "$R/outpost-queue"
sed -n '/# --- system-wide setup ---/,/# --- end ---/p' \
    "$top_srcdir/README" | sed -e 's/^    //' \
    -e 's|/usr/local/libexec/outpost/outpost-queue|@HELPER@|g' \
    -e 's|/usr/local/bin/outpost|@BIN@|g' \
    -e 's|/var/spool/outpost|@SPOOL@|g' \
    -e 's|/etc/outpost.conf|@CONF@|g' \
    -e 's|/etc/outpost.secret|@SECRET@|g' \
    -e "s|\\boutpost\\b|$N|g" \
    -e "s|@HELPER@|$R/outpost-queue|g" -e "s|@BIN@|$R/bin/outpost|g" \
    -e "s|@SPOOL@|$R/spool|g" -e "s|@CONF@|$R/outpost.conf|g" \
    -e "s|@SECRET@|$R/outpost.secret|g" >"$R/setup.sh"
if grep -q groupadd "$R/setup.sh" && sh -e "$R/setup.sh" >"$R/setup.log" 2>&1 &&
    useradd --no-create-home --shell /usr/sbin/nologin "$W" &&
    useradd --no-create-home --home-dir "$R/home-u" "$U"; then
	ok "README system-wide setup commands"
else
	notok "README system-wide setup commands"
	sed 's/^/# /' "$R/setup.sh" "$R/setup.log"
	exit 1
fi
chown "$U" "$R/home-u"
NGID=$(getent group "$N" | cut -d: -f3)
WUID=$(id -u "$W")

# -- the test server and the configuration ------------------------------
sh "$PKIGEN" "$R/pki" >/dev/null 2>&1 || skip "no test PKI (openssl)"
install -m 0644 "$R/pki/ca.pem" "$R/ca.pem"
printf 's3cr3t-P@ss word\n' >"$R/outpost.secret"
cat >"$R/eval.sh" <<EOF
#!/bin/sh
# passwordeval of the system file: what it sees, then the password
env >"$R/pub/env.\$(id -u)"
echo 's3cr3t-P@ss word'
EOF
chmod 755 "$R/eval.sh"

server() {	# server NAME [DIRECTIVE...]: start one, PORT is set
	mkdir -p "$R/srv-$1"
	shift_name=$1; shift
	: >"$R/srv-$shift_name/script"
	for d in "$@"; do echo "$d" >>"$R/srv-$shift_name/script"; done
	"$PYTHON" "$SRV" --script "$R/srv-$shift_name/script" \
	    --dir "$R/srv-$shift_name" --ready "$R/srv-$shift_name/ready" \
	    --pki "$R/pki" --lifetime 120 >"$R/srv-$shift_name/log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$R/srv-$shift_name/ready" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	PORT=$(head -n 1 "$R/srv-$shift_name/ready" | awk '{print $NF}')
}
config() {	# config PORT [extra lines for [relay]]
	p=$1; shift
	{
		printf '[defaults]\naccount = relay\n\n[relay]\n'
		printf 'host = 127.0.0.1\nport = %s\ntls = starttls\n' "$p"
		printf 'tls_trust_file = %s/ca.pem\n' "$R"
		printf 'user = alice@example.com\nfrom = relay@example.com\n'
		printf 'password_file = %s/outpost.secret\n' "$R"
		printf 'timeout = 10\nkeyring = off\n'
		for l in "$@"; do printf '%s\n' "$l"; done
		printf '\n[eval]\nhost = 127.0.0.1\nport = %s\n' "$p"
		printf 'tls = starttls\ntls_trust_file = %s/ca.pem\n' "$R"
		printf 'user = alice@example.com\nfrom = relay@example.com\n'
		printf 'passwordeval = %s/eval.sh\ntimeout = 10\n' "$R"
		printf 'keyring = off\n'
	} >"$R/outpost.conf"	# keeps root:$N 0640 from the setup
}
delivered() { grep -c '"ev": "delivered"' "$R/srv-$1/events.jsonl"; }

as() {	# as USER COMMAND...: a login-less environment of USER's own
	u=$1; shift
	h=/nonexistent
	[ "$u" = "$U" ] && h=$R/home-u
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
	    env -i PATH=/usr/bin:/bin HOME="$h" LC_ALL=C MARK=leaked \
	    OUTPOST_TEST_SYSROOT="$R" "$@"
}
send() {	# send USER [ARGS...]: a message to bob; $R/out, $RC
	u=$1; shift
	printf 'Subject: t\n\nhello\n' |
	    as "$u" "$R/bin/outpost" "$@" bob@example.org >"$R/out" 2>&1
	RC=$?
}
run() {		# run USER ARGS...: outpost without stdin; $R/out, $RC
	u=$1; shift
	as "$u" "$R/bin/outpost" "$@" </dev/null >"$R/out" 2>&1
	RC=$?
}
status() {	# the last exit status was $1; else show the output
	[ "$RC" = "$1" ] && return 0
	echo "# exit $RC, not $1"
	sed 's/^/# /' "$R/out"
	return 1
}
has() { grep -q -- "$1" "$R/out" || { sed 's/^/# /' "$R/out"; false; }; }
cannot_read() {	# cannot_read USER FILE...
	u=$1; shift
	! setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
	    cat "$@" >/dev/null 2>&1
}

server ok
config "$PORT"
OKPORT=$PORT

# -- sending works, secrets stay secret ---------------------------------
send "$W"; check "www-data-like user sends through the system account" \
    status 0
send "$U"; check "ordinary user sends" status 0
check "both delivered, AUTH with the secret file's password" \
    test "$(delivered ok)" = 2 -a \
    "$(grep -c '"ok": true' "$R/srv-ok/events.jsonl")" = 2
check "users cannot read the configuration" \
    cannot_read "$W" "$R/outpost.conf"
check "users cannot read the secret file" \
    cannot_read "$U" "$R/outpost.secret"
send "$W" -C /etc/shadow
check "-C /etc/shadow refused while setgid (64)" status 64
check "  ... saying why, showing nothing of it" sh -c \
    "grep -q 'C is refused' $R/out && ! grep -q 'root:' $R/out"
send "$U" -C "$R/outpost.conf"
check "-C of any file refused while setgid (64)" status 64
mkdir -p "$R/home-u/xdg/outpost"
printf '[a]\nhost = evil.example\n' >"$R/home-u/xdg/outpost/config"
chown -R "$U" "$R/home-u/xdg"
printf 'x\n' | as "$U" env XDG_CONFIG_HOME="$R/home-u/xdg" \
    "$R/bin/outpost" bob@example.org >"$R/out" 2>&1
RC=$?
check "XDG_CONFIG_HOME with a user configuration refused (78)" status 78
send "$W" -a eval
check "passwordeval account sends" status 0
check "passwordeval sees a clean environment (no caller variable)" \
    sh -c "! grep -q '^MARK=' $R/pub/env.$WUID && \
    grep -q '^PATH=/usr/local/bin:/usr/bin:/bin' $R/pub/env.$WUID"
printf 'x\n' | as "$W" env OUTPOST_TEST_PROC_STATUS=1 "$R/bin/outpost" \
    bob@example.org >"$R/out" 2>&1
RC=$?
check "after the drop /proc/self/status shows no outpost gid" sh -c \
    "test $RC = 0 && grep -q '^outpost: test: Gid:' $R/out &&
    ! grep '^outpost: test: G' $R/out | grep -qw '$NGID'"

# -- the envelope sender ------------------------------------------------
before=$(delivered ok)
send "$W" -f boss@example.com
check "-f another sender refused for a non-root caller (77)" status 77
check "  ... and nothing sent" test "$(delivered ok)" = "$before"
send "$W" -f relay@example.com
check "-f the account's own from is fine" status 0
printf 'Subject: t\n\nhi\n' | OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" \
    -f boss@example.com bob@example.org >"$R/out" 2>&1
RC=$?
check "root may give any -f" status 0
config "$OKPORT" "allow_from_override = $U"
send "$U" -f boss@example.com
check "allow_from_override = USER lets that user -f" status 0
send "$W" -f boss@example.com
check "  ... and no one else (77)" status 77

# -- the system queue ---------------------------------------------------
server busy 'listener starttls' 'reply MAIL 451 4.3.2 try again later'
config "$PORT"
send "$W"
check "temporary failure as www-data: queued (exit 0)" sh -c \
    "test $RC = 0 && grep -q 'queued as' $R/out"
ID=$(sed -n 's/.*queued as \([0-9a-f]*\).*/\1/p' "$R/out")
check "  ... in the system queue: the queue user's, 0640, submitter's uid" \
    sh -c "test \"\$(stat -c '%U %a' $R/spool/q/$ID.env)\" = '$N 640' &&
    grep -qx 'uid: $WUID' $R/spool/q/$ID.env"
check "another user cannot read the entry" \
    cannot_read "$U" "$R/spool/q/$ID.env" "$R/spool/q/$ID.msg"
check "nor can its submitter, directly" \
    cannot_read "$W" "$R/spool/q/$ID.env" "$R/spool/q/$ID.msg"
run "$U" -bp
check "mailq as another user does not list it" sh -c \
    "! grep -q '$ID' $R/out && grep -q 'queue is empty' $R/out"
run "$W" -bp
check "mailq as the submitter lists it" has "$ID"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" -bp >"$R/out" 2>&1
check "mailq as root lists it" has "$ID"
run "$U" -q
check "-q as an ordinary user refused (77)" status 77
usermod -a -G "$N" "$U"
run "$U" -bp
check "mailq as a member of group outpost lists every entry" has "$ID"

# a forged envelope, straight to the helper: the runner buries it
printf 'Subject: forged\n\nx\n' >"$R/pub/forged.msg"
printf 'outpost-queue 1\nid: %032d\naccount: relay\nsender: forged@example.net\nrcpt: bob@example.org\ncreated: 1\nnext-try: 1\nattempts: 1\nsize: 1\nuid: 0\nlast-error: x\npossible-duplicate: no\nsmtputf8: no\neightbit: no\n' 0 >"$R/pub/forged.env"
as "$W" "$R/outpost-queue" <"$R/pub/forged.msg" 3<"$R/pub/forged.env" \
    >"$R/out" 2>&1
RC=$?
FID=$(head -n 1 "$R/out")
check "the helper records the real uid, not the envelope's" sh -c \
    "test $RC = 0 && grep -qx 'uid: $WUID' $R/spool/q/$FID.env"

config "$OKPORT"
before=$(delivered ok)
setpriv --reuid="$N" --regid="$N" --init-groups env -i PATH=/usr/bin:/bin \
    OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" -q --flush >"$R/out" 2>&1
RC=$?
check "the runner (the queue's user) delivers the queued message" sh -c \
    "test $RC = 0 && test $(delivered ok) = $((before + 1)) &&
    test ! -e $R/spool/q/$ID.env"
check "  ... and moves the forged sender to dead/, undelivered" sh -c \
    "test -e $R/spool/dead/$FID.env && ! grep -q forged@ \
    $R/srv-ok/events.jsonl"
[ $n = 31 ] || echo "# planned 31, ran $n"
exit $failed
