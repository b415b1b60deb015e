#!/bin/sh
# t-system.sh - the system-wide relay, as root: throwaway users and group,
# `make install-system`'s script (etc/outpost-install-system.sh) run with
# every system path moved into a scratch sysroot (OUTPOST_TEST_SYSROOT of
# --enable-test-hooks builds), the setgid outpost and the setuid and
# setgid outpost-queue copied there; then each real caller's argv (PHP,
# PHPMailer, Symfony -bs, cron, fail2ban, git send-email, logcheck), the
# sender policy, the queue's integrity (runner, dead/, quota), an OAuth2
# account through the token store and outpost-oauth2, and the
# hardening.  The machine's /etc/outpost.conf and /var/spool/outpost are
# never touched.  TAP (the plan comes last); SKIP when not root.
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
[ -x "$top_builddir/src/outpost-oauth2" ] || skip "no src/outpost-oauth2"
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
	if "$@"; then ok "$d"; else notok "$d"; return 1; fi
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

# -- make install-system's script, paths moved into $R ------------------
mkdir -p "$R/bin" "$R/pub" "$R/home-u"
chmod 1777 "$R/pub"
cp "$top_builddir/src/outpost" "$R/bin/outpost"
cp "$top_builddir/src/outpost-queue" "$R/outpost-queue"
cp "$top_builddir/src/outpost-oauth2" "$R/outpost-oauth2"
if BIN=$R/bin/outpost HELPER=$R/outpost-queue SPOOL=$R/spool \
    TOKEN_HELPER=$R/outpost-oauth2 STORE=$R/oauth2 \
    CONF=$R/outpost.conf SECRET=$R/outpost.secret LOG=$R/outpost.log \
    QUSER=$N UNITDIR= CRONDIR=$R \
    sh "$top_srcdir/etc/outpost-install-system.sh" >"$R/setup.log" 2>&1 &&
    useradd --no-create-home --shell /usr/sbin/nologin "$W" &&
    useradd --no-create-home --home-dir "$R/home-u" "$U"; then
	ok "make install-system's script"
else
	notok "make install-system's script"
	sed 's/^/# /' "$R/setup.log"
	exit 1
fi
check "  ... the queue's user has no home it could write" \
    test "$(getent passwd "$N" | cut -d: -f6)" = /nonexistent
check "  ... the helper is setuid and setgid to the queue's user" \
    test "$(stat -c '%U:%G %a' "$R/outpost-queue")" = "$N:$N 6755"
check "  ... the token helper: setuid and setgid, no exec for others" \
    test "$(stat -c '%U:%G %a' "$R/outpost-oauth2")" = "$N:$N 6750"
check "  ... the OAuth2 token store: the queue's user's, 0700" \
    test "$(stat -c '%U:%G %a' "$R/oauth2")" = "$N:$N 700"
check "  ... a cron.d line runs the queue as its user" \
    grep -q "^\*/5 \* \* \* \* $N $R/bin/outpost -q\$" "$R/outpost"
check "  ... a log file every caller of the group can append to" \
    test "$(stat -c '%U:%G %a' "$R/outpost.log")" = "root:$N 660"
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
	    --pki "$R/pki" --lifetime 900 >"$R/srv-$shift_name/log" 2>&1 &
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
		printf 'user = alice@example.com\nfrom = %s\n' "$FROM"
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
FROM=relay@example.com
delivered() { grep -c '"ev": "delivered"' "$R/srv-$1/events.jsonl"; }
last() {	# last SERVER FIELD: mail_from, rcpts or file of its last message
	"$PYTHON" - "$R/srv-$1/events.jsonl" "$2" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if '"delivered"' in l]
v = ev[-1][sys.argv[2]] if ev else "-"
print(" ".join(v) if isinstance(v, list) else v)
PY
}
data() { cat "$R/srv-$1/$(last "$1" file)" >"$R/data"; }	# -> $R/data
indata() { grep -q -- "$1" "$R/data" || { sed 's/^/# /' "$R/data"; false; }; }

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

runner() {	# the queue runner as its unit runs it: $N, nothing inherited
	setpriv --reuid="$N" --regid="$N" --init-groups env -i \
	    PATH=/usr/bin:/bin OUTPOST_TEST_SYSROOT="$R" "$@" \
	    "$R/bin/outpost" -q --flush >"$R/out" 2>&1
	RC=$?
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
msg() { printf 'From: Shop <shop@example.net>\nSender: boss@example.com\nTo: bob@example.org\nSubject: t\n\nhi\n'; }
msg | as "$W" "$R/bin/outpost" -f boss@example.com bob@example.org \
    >"$R/out" 2>&1
RC=$?
check "-f another sender by a restricted caller: delivered all the same" \
    status 0
check "  ... the envelope sender is the account's from" \
    test "$(last ok mail_from)" = relay@example.com
data ok
check "  ... From: as written, the caller's Sender: replaced by the account's" \
    sh -c "grep -q '^From: Shop <shop@example.net>' $R/data &&
    grep -q '^Sender: <relay@example.com>' $R/data &&
    ! grep -q boss@ $R/data"
msg | as "$W" "$R/bin/outpost" -oi -f shop@example.net -t >"$R/out" 2>&1
RC=$?
check "PHPMailer (-oi -f ADDR -t) as www-data" sh -c "test $RC = 0 &&
    test '$(last ok rcpts)' = bob@example.org"
printf 'To: bob@example.org\nSubject: t\n\nhi\n' |
    as "$W" "$R/bin/outpost" -t -i >"$R/out" 2>&1
RC=$?
data ok
check "PHP mail() without -f (-t -i): From: the account's, no Sender:" \
    sh -c "test $RC = 0 && grep -q '^From: <relay@example.com>' $R/data &&
    ! grep -q '^Sender:' $R/data"
msg | as "$W" "$R/bin/outpost" -t -i -f shop@example.net >"$R/out" 2>&1
check "PHP mail() with -f (-t -i -f ADDR)" status 0
msg | as "$W" "$R/bin/outpost" -oi -t >"$R/out" 2>&1
check "Symfony's -t transport (-oi -t)" status 0
msg | as "$U" "$R/bin/outpost" -i -f shop@example.net -- bob@example.org \
    >"$R/out" 2>&1
check "Ruby's mail gem (-i -f ADDR -- RCPT)" status 0
msg | as "$U" "$R/bin/outpost" -i -f alice@example.org bob@example.org \
    >"$R/out" 2>&1
check "git send-email --envelope-sender (-i -f ADDR RCPT)" status 0
printf 'EHLO app.example\r\nMAIL FROM:<shop@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nFrom: shop@example.net\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
    as "$W" "$R/bin/outpost" -bs >"$R/out" 2>&1
check "-bs (Symfony, Laravel) as www-data: the message is taken" sh -c \
    "grep -q '^250 .*[Qq]ueued\\|^250 2.0.0' $R/out && ! grep -q '^4' $R/out &&
    test '$(last ok mail_from)' = relay@example.com" || sed 's/^/# /' "$R/out"
before=$(delivered ok)
msg | OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" -f boss@example.com \
    bob@example.org >"$R/out" 2>&1
RC=$?
check "root may give any -f" sh -c "test $RC = 0 &&
    test '$(last ok mail_from)' = boss@example.com"
server other
config "$OKPORT" "allow_from_override = $U" "" "[other]" "host = 127.0.0.1" \
    "port = $PORT" "tls_trust_file = $R/ca.pem" "from = boss@example.com" \
    "keyring = off"
msg | as "$U" "$R/bin/outpost" -f boss@example.com bob@example.org \
    >"$R/out" 2>&1
RC=$?
check "allow_from_override = USER: that user's -f goes out as given" sh -c \
    "test $RC = 0 && test $(delivered other) = 1 &&
    test '$(last other mail_from)' = boss@example.com"
msg | as "$W" "$R/bin/outpost" -f boss@example.com bob@example.org \
    >"$R/out" 2>&1
RC=$?
check "  ... anyone else's -f never picks the account whose from it is" sh -c \
    "test $RC = 0 && test '$(last ok mail_from)' = relay@example.com &&
    test $(delivered other) = 1"

# -- addresses like an MTA ----------------------------------------------
printf '# local names\nroot: admin@example.org\ndefault: root\n' >"$R/aliases"
chmod 644 "$R/aliases"
config "$OKPORT" "aliases = $R/aliases"
printf 'From: root (Cron Daemon)\nTo: bob@example.org,root\nSubject: Cron <u@h> job\n\nout\n' |
    as "$U" "$R/bin/outpost" -FCronDaemon -i -B8BITMIME -oem \
    bob@example.org,root >"$R/out" 2>&1
RC=$?
check "cron's MAILTO=a@x,root (-FCronDaemon -i -B8BITMIME -oem a@x,root)" \
    sh -c "test $RC = 0 &&
    test '$(last ok rcpts)' = 'bob@example.org admin@example.org'" ||
    sed 's/^/# /' "$R/out"
printf 'Subject: logcheck\n\nreport\n' |
    as "$W" "$R/bin/outpost" -i -- logcheck >"$R/out" 2>&1
RC=$?
check "a system account without an alias (logcheck): the default: entry" \
    sh -c "test $RC = 0 && test '$(last ok rcpts)' = admin@example.org"
# a private UTS and mount namespace (not in every chroot or container)
if command -v unshare >/dev/null 2>&1 && command -v hostname >/dev/null &&
    unshare --uts --mount true 2>/dev/null; then
	printf '127.0.0.1 localhost\n127.0.1.1 web1.example.test web1\n' \
	    >"$R/hosts"
	printf 'Subject: fail2ban\n\nbanned\n' | unshare --uts --mount sh -c \
	    "hostname web1 && mount --bind $R/hosts /etc/hosts &&
	    test \"\$(hostname -f)\" = web1.example.test &&
	    OUTPOST_TEST_SYSROOT=$R $R/bin/outpost \
	    -f root@web1.example.test root@localhost" >"$R/out" 2>&1
	RC=$?
	check "fail2ban (-f root@\$(hostname -f) root@localhost): both local" \
	    sh -c "test $RC = 0 &&
	    test '$(last ok mail_from)' = relay@example.com &&
	    test '$(last ok rcpts)' = admin@example.org" ||
	    sed 's/^/# /' "$R/out"
else
	ok "fail2ban's FQDN sender # SKIP no private mount namespace"
fi
config "$OKPORT" "aliases = $R/aliases" "local_domains = intranet.test"
printf 'Subject: t\n\nx\n' | as "$W" "$R/bin/outpost" -i ops@intranet.test \
    >"$R/out" 2>&1
RC=$?
check "local_domains: a name there goes through the aliases" sh -c \
    "test $RC = 0 && test '$(last ok rcpts)' = admin@example.org"

# -- every caller: logs, doctor, password check --------------------------
config "$OKPORT" "logfile = $R/outpost.log"
send "$W"
check "logging as www-data: no error on stderr" sh -c \
    "test $RC = 0 && ! grep -q logfile $R/out"
send "$U"
check "logging as another user: no error on stderr" sh -c \
    "test $RC = 0 && ! grep -q logfile $R/out"
check "  ... one line each in the log" test "$(grep -c \
    'from=<relay@example.com> recipients=bob@example.org' \
    "$R/outpost.log")" = 2
config "$OKPORT" "logfile = $R/outpost.log" "allow_from_override = $U" "" \
    "[corp]" "host = 127.0.0.1" "port = $OKPORT" \
    "tls_trust_file = $R/ca.pem" "from = corp@example.com" "keyring = off" \
    "logfile = $R/outpost.log" "recipient_domains = corp.example"
printf 'Subject: t\n\nhello\n' | as "$U" "$R/bin/outpost" -i \
    -f boss@example.com bob@example.org carol@corp.example >"$R/out" 2>&1
RC=$?
check "a split message whose corp part its -f may not use: 77" status 77
check "  ... that part has its log line too" sh -c "grep -q \
    'from=<boss@example.com> recipients=carol@corp.example.*EX_NOPERM' \
    $R/outpost.log" || sed 's/^/# /' "$R/outpost.log"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" doctor --auth >"$R/out" 2>&1
check "doctor as root understands root:outpost 0640 files" sh -c \
    "! grep -q 'chmod 600' $R/out && grep -q 'password .*ok' $R/out &&
    grep -q 'system file .*ok' $R/out &&
    grep -q 'queue helper .*ok' $R/out" || sed 's/^/# /' "$R/out"
run "$W" doctor
check "doctor as www-data: what it can see, and to run it as root" sh -c \
    "test $RC = 0 && grep -q 'sudo outpost doctor' $R/out &&
    grep -q 'program .*ok' $R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" password check >"$R/out" 2>&1
RC=$?
check "password check as root: the secret file" sh -c "test $RC = 0 &&
    grep -q 'found: account relay, password from $R/outpost.secret' $R/out"
run "$U" password check
check "password check as another user: run it as root (77)" sh -c \
    "test $RC = 77 && grep -q 'sudo outpost password check' $R/out"

# -- hardening -----------------------------------------------------------
server echo 'listener starttls' \
    'reply AUTH 535 5.7.8 s3cr3t-P@ss word is not it'
config "$PORT"
send "$W"
check "a server echoing the password: withheld from the caller (77)" sh -c \
    "test $RC = 77 && ! grep -q 's3cr3t' $R/out &&
    grep -q 'withheld' $R/out"
config "$OKPORT"

# -- an OAuth2 account: the token store and outpost-oauth2 ---------------
mkdir -p "$R/oauth"
"$PYTHON" "$top_srcdir/tests/integration/oauth-server.py" --dir "$R/oauth" \
    --pki "$R/pki" --secret GOCSPX-sys-secret --refresh 1//sys-refresh-one \
    --rotate 1//sys-refresh-two \
    --access ya29.sys-access-one,ya29.sys-access-two >"$R/oauth/log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$R/oauth/ready" ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
OPORT=$(cat "$R/oauth/ready")
server oa 'listener starttls' 'capa PIPELINING, 8BITMIME, AUTH PLAIN XOAUTH2' \
    'auth-token ya29.sys-access-one ya29.sys-access-two'
printf 'GOCSPX-sys-secret\n' >"$R/oa.secret"
chown "root:$N" "$R/oa.secret"
chmod 640 "$R/oa.secret"
OAPORT=$PORT
oaconf() {	# oaconf [LINE...]: the OAuth2 account is the default
	{
		printf '[defaults]\naccount = oa\n\n[oa]\nhost = 127.0.0.1\n'
		printf 'port = %s\ntls = starttls\n' "$OAPORT"
		printf 'tls_trust_file = %s/ca.pem\n' "$R"
		printf 'user = alice@example.com\nfrom = relay@example.com\n'
		printf 'auth = xoauth2\noauth2_client_id = outpost-test-client\n'
		printf 'oauth2_token_url = https://127.0.0.1:%s/token\n' "$OPORT"
		printf 'oauth2_device_url = https://127.0.0.1:%s/device\n' \
		    "$OPORT"
		printf 'oauth2_client_secret_file = %s/oa.secret\n' "$R"
		printf 'oauth2_scope = https://mail.google.com/\n'
		printf 'timeout = 10\nkeyring = off\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$R/outpost.conf"
}
oaconf
grants() { grep -c "\"grant\": \"$1\", \"ok\": true" "$R/oauth/requests.jsonl"; }
phpmail() {	# PHP mail()'s argv (-t -i) as $W, maybe through env ARGS...
	printf 'To: bob@example.org\nSubject: t\n\nhi\n' |
	    as "$W" "$@" "$R/bin/outpost" -t -i >"$R/out" 2>&1
	RC=$?
}
run "$W" oauth2 login --system --device
check "oauth2 login --system is for root (77)" sh -c \
    "test $RC = 77 && test ! -e $R/oauth2/oa.refresh"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" oauth2 login --system --device \
    -a oa </dev/null >"$R/out" 2>&1
RC=$?
check "root: oauth2 login --system --device fills the token store" sh -c \
    "test $RC = 0 && grep -qx 1//sys-refresh-one $R/oauth2/oa.refresh" ||
    sed 's/^/# /' "$R/out"
check "  ... its files belong to the queue's user, 0600" sh -c \
    "test \"\$(stat -c '%U %a' $R/oauth2/oa.refresh)\" = '$N 600' &&
    test \"\$(stat -c '%U %a' $R/oauth2/oa.token)\" = '$N 600'"
phpmail env
check "PHP mail() as www-data through the OAuth2 account (XOAUTH2)" sh -c \
    "test $RC = 0 && test $(delivered oa) = 1 &&
    grep -q '\"mech\": \"XOAUTH2\", \"ok\": true' $R/srv-oa/events.jsonl" ||
    sed 's/^/# /' "$R/out"
check "  ... with the access token the login cached (no token request)" \
    test "$(grants refresh_token)" = 0
rm -f "$R/oauth2/oa.token"	# as if it had expired
phpmail env
check "an expired access token: outpost-oauth2 refreshes it, delivered" \
    sh -c "test $RC = 0 && test $(delivered oa) = 2 &&
    test $(grants refresh_token) = 1" || sed 's/^/# /' "$R/out"
check "  ... the rotated refresh token is written back to the store" sh -c \
    "grep -qx 1//sys-refresh-two $R/oauth2/oa.refresh &&
    test \"\$(stat -c '%U %a' $R/oauth2/oa.refresh)\" = '$N 600' &&
    test -z \"\$(ls $R/oauth2 | grep tmp)\""
phpmail env
check "  ... the next message uses the cached token" sh -c \
    "test $RC = 0 && test $(delivered oa) = 3 &&
    test $(grants refresh_token) = 1"
check "www-data cannot read the refresh token, access token or secret" \
    cannot_read "$W" "$R/oauth2/oa.refresh" "$R/oauth2/oa.token" \
    "$R/oa.secret"
check "  ... nor list the store" sh -c \
    "! setpriv --reuid=$W --regid=\$(id -g $W) --init-groups ls $R/oauth2 \
    >/dev/null 2>&1"
as "$W" "$R/outpost-oauth2" token oa >"$R/out" 2>&1
RC=$?
check "  ... nor run outpost-oauth2 itself (no token printed)" sh -c \
    "test $RC != 0 && ! grep -q ya29 $R/out" || sed 's/^/# /' "$R/out"
as "$W" env OUTPOST_TEST_SYSROOT="$R/pub" "$R/outpost-oauth2" refresh \
    ../oa >"$R/out" 2>&1
RC=$?
check "  ... not with another sysroot and a forged name either" sh -c \
    "test $RC != 0 && ! grep -q ya29 $R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/outpost-oauth2" token ../oa.refresh \
    >"$R/out" 2>&1
RC=$?
check "outpost-oauth2 refuses a name that is not plain (64)" sh -c \
    "test $RC = 64 && grep -q '^error 64 0 bad account name' $R/out &&
    ! grep -q sys-refresh $R/out"
rm -f "$R/oauth2/oa.token"
phpmail env https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
    ALL_PROXY=http://127.0.0.1:9 SSLKEYLOGFILE="$R/pub/keys" \
    CURL_CA_BUNDLE=/dev/null
check "the caller's proxy, CA and key log variables never reach the helper" \
    sh -c "test $RC = 0 && test $(grants refresh_token) = 2 &&
    test ! -e $R/pub/keys" || sed 's/^/# /' "$R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" oauth2 status --system \
    >"$R/out" 2>&1
RC=$?
check "root: oauth2 status --system: the store, never a token" sh -c \
    "test $RC = 0 && grep -q 'refresh token: the system token store, present' \
    $R/out && grep -q 'access token:  cached' $R/out &&
    ! grep -q 'ya29\|sys-refresh\|GOCSPX' $R/out" || sed 's/^/# /' "$R/out"
oaconf "hold = on"
phpmail env
check "hold = on: the OAuth2 account's message waits in the queue" sh -c \
    "test $RC = 0 && grep -q 'queued as' $R/out" || sed 's/^/# /' "$R/out"
oaconf
rm -f "$R/oauth2/oa.token"
runner
check "the runner (the queue's user) refreshes in the store itself" sh -c \
    "test $RC = 0 && test $(grants refresh_token) = 3 &&
    test $(delivered oa) = 5 && test -z \"\$(ls $R/spool/q/)\"" ||
    sed 's/^/# /' "$R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" doctor >"$R/out" 2>&1
check "doctor as root: the token store and its helper" sh -c \
    "grep -q 'token store .*ok .*$R/oauth2: $N:$N 0700' $R/out &&
    grep -q 'token helper .*ok .*: $N:$N 6750' $R/out" ||
    sed 's/^/# /' "$R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" oauth2 logout --system -a oa \
    >"$R/out" 2>&1
RC=$?
check "root: oauth2 logout --system empties the store" sh -c \
    "test $RC = 0 && test ! -e $R/oauth2/oa.refresh &&
    test ! -e $R/oauth2/oa.token" || sed 's/^/# /' "$R/out"
phpmail env
check "  ... then www-data's mail() is refused, saying to log in (78)" \
    sh -c "test $RC = 78 &&
    grep -q 'outpost oauth2 login --system -a oa as root' $R/out" ||
    sed 's/^/# /' "$R/out"
config "$OKPORT"

# -- the system queue ---------------------------------------------------
server busy 'listener starttls' 'reply MAIL 451 4.3.2 try again later'
BUSYPORT=$PORT
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

# envelopes made by hand, straight to the helper
printf 'Subject: forged\n\nx\n' >"$R/pub/forged.msg"
envelope() {	# envelope SENDER: one as outpost writes it, uid 0 claimed
	printf 'outpost-queue 1\nid: %032d\naccount: relay\nsender: %s\nrcpt: bob@example.org\ncreated: 1\nnext-try: 1\nattempts: 1\nsize: 1\nuid: 0\nlast-error: x\npossible-duplicate: no\nsmtputf8: no\neightbit: no\n' 0 "$1" >"$R/pub/forged.env"
}
envelope forged@example.net
as "$W" "$R/outpost-queue" <"$R/pub/forged.msg" 3<"$R/pub/forged.env" \
    >"$R/out" 2>&1
RC=$?
check "the helper refuses a sender its caller may not use (77)" sh -c \
    "test $RC = 77 && grep -q 'forged@example.net refused for uid $WUID' \
    $R/out" || sed 's/^/# /' "$R/out"
envelope relay@example.com
as "$W" "$R/outpost-queue" <"$R/pub/forged.msg" 3<"$R/pub/forged.env" \
    >"$R/out" 2>&1
RC=$?
FID=$(head -n 1 "$R/out")
check "the helper records the real uid, not the envelope's" sh -c \
    "test $RC = 0 && grep -qx 'uid: $WUID' $R/spool/q/$FID.env"

# a sender allowed when queued, not any more when the runner comes
config "$PORT" "allow_from_override = $U"
send "$U" -f boss@example.com
CID=$(sed -n 's/.*queued as \([0-9a-f]*\).*/\1/p' "$R/out")
config "$OKPORT" "aliases = $R/aliases"
before=$(delivered ok)
bosses=$(grep -c '"mail_from": "boss@' "$R/srv-ok/events.jsonl")
runner
check "the runner (the queue's user) delivers the queued messages" sh -c \
    "test $RC = 0 && test $(delivered ok) = $((before + 3)) &&
    test -z \"\$(ls $R/spool/q/)\"" || sed 's/^/# /' "$R/out"
check "  ... a sender no longer allowed goes out as the account's from" \
    sh -c "test -n '$CID' && test $bosses = \
    \$(grep -c '\"mail_from\": \"boss@' $R/srv-ok/events.jsonl) &&
    grep -q '$CID: sender <boss@example.com> not allowed' $R/out" ||
    sed 's/^/# /' "$R/out"

# refused for good: dead/, the reason, a notice (null sender: to root)
config "$PORT"
send "$W" -f '<>'
DID=$(sed -n 's/.*queued as \([0-9a-f]*\).*/\1/p' "$R/out")
server refuse 'listener starttls' 'reply MAIL#1 550 5.7.1 not from you'
config "$PORT" "aliases = $R/aliases"
runner
check "a refused entry goes to dead/" test -e "$R/spool/dead/$DID.env"
check "  ... with a notice to root's address (the null sender gets none)" \
    sh -c "grep '\"delivered\"' $R/srv-refuse/events.jsonl | grep -q \
    '\"mail_from\": \"\", \"rcpts\": \[\"admin@example.org\"\]' &&
    grep -q 'notice sent to <admin@example.org>' $R/out" ||
    sed 's/^/# /' "$R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" -bp >"$R/out" 2>&1
check "mailq shows the dead entry and why it was given up" sh -c \
    "grep -q '$DID' $R/out && grep -q 'given up: MAIL FROM: 550 5.7.1' \
    $R/out" || sed 's/^/# /' "$R/out"
config "$OKPORT"

# a crafted recipient reaches root's terminal only escaped
printf 'outpost-queue 1\nid: %032d\naccount: relay\nsender: relay@example.com\nrcpt: evil\342\200\256gpj@example.org\ncreated: 1\nnext-try: 1\nattempts: 1\nsize: 1\nuid: 0\nlast-error: x\npossible-duplicate: no\nsmtputf8: yes\neightbit: no\n' 0 >"$R/pub/bidi.env"
as "$W" "$R/outpost-queue" <"$R/pub/forged.msg" 3<"$R/pub/bidi.env" \
    >"$R/out" 2>&1
BID=$(head -n 1 "$R/out")
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" -bp >"$R/out" 2>&1
check "mailq escapes bidi controls in addresses" sh -c \
    "grep -q 'evil\\\\u{202E}gpj@' $R/out &&
    ! grep -q \"\$(printf '\\342\\200\\256')\" $R/out" ||
    sed 's/^/# /' "$R/out"
OUTPOST_TEST_SYSROOT="$R" "$R/bin/outpost" --drop "$BID" >/dev/null 2>&1

# dead entries go after 30 days
runner OUTPOST_TEST_NOW=$(($(date +%s) + 31 * 86400))
check "dead entries expire after 30 days" sh -c \
    "test $RC = 0 && test ! -e $R/spool/dead/$DID.env &&
    test ! -e $R/spool/dead/$DID.msg"

# from = %U@...: the runner compares the expanded address
FROM=%U@example.com
config "$BUSYPORT"	# the busy server
send "$W"
check "from = %U@example.com as www-data, 451: queued" sh -c \
    "test $RC = 0 && grep -q 'queued as' $R/out"
ID=$(sed -n 's/.*queued as \([0-9a-f]*\).*/\1/p' "$R/out")
config "$OKPORT"
before=$(delivered ok)
runner
check "  ... the runner delivers it as $W@example.com (not dead/)" sh -c \
    "test $RC = 0 && test ! -e $R/spool/dead/$ID.env &&
    test '$(last ok mail_from)' = '$W@example.com'" ||
    sed 's/^/# /' "$R/out"
FROM=relay@example.com

# a configuration planted in the queue user's old home is never read
mkdir -p "$R/spool/.config/outpost"
printf '[x]\nhost = 127.0.0.1\npasswordeval = touch %s/pub/planted\n' \
    "$R" >"$R/spool/.config/outpost/config"
chown -R "$N:$N" "$R/spool/.config"
chmod 600 "$R/spool/.config/outpost/config"
config "$OKPORT"
runner HOME="$R/spool" XDG_CONFIG_HOME="$R/spool/.config"
check "the runner reads only the system file (a planted config is ignored)" \
    sh -c "test $RC = 0 && test ! -e $R/pub/planted" ||
    sed 's/^/# /' "$R/out"

# per-uid limits on the system queue
config "$BUSYPORT" "queue_max_entries = 2"
send "$W"; r1=$RC
send "$W"; r2=$RC
send "$W"
check "queue_max_entries = 2: two queued, the third refused (75)" sh -c \
    "test $r1 = 0 && test $r2 = 0 && test $RC = 75 &&
    grep -q 'queue_max_entries = 2' $R/out" || sed 's/^/# /' "$R/out"
send "$U"
check "  ... per uid: another user still queues" status 0
config "$BUSYPORT" "queue_max_bytes = 1K"
printf 'Subject: big\n\n%02000d\n' 0 | as "$U" "$R/bin/outpost" \
    bob@example.org >"$R/out" 2>&1
RC=$?
check "queue_max_bytes = 1K: a bigger message is refused (75)" sh -c \
    "test $RC = 75 && grep -q 'queue_max_bytes' $R/out"

# outpost setup --system: the account into the system file, the secret
# into the secret file, both root:outpost 0640, proven by doctor --auth
server setup "auth me@localhost setup-P@ss"
mkdir -p "$R/ac"
"$PYTHON" "$top_srcdir/tests/setup/autoconfig-server.py" --dir "$R/ac" \
    --pki "$R/pki" --smtp-port "$PORT" >"$R/ac/log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$R/ac/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
printf 'setup-P@ss\n' >"$R/setup-pw"
OUTPOST_TEST_SYSROOT=$R OUTPOST_TEST_TRUST_BUNDLE=$R/ca.pem OUTPOST_TEST_MX= \
    OUTPOST_TEST_AUTOCONFIG=https://localhost:$(cat "$R/ac/ready")/good \
    "$R/bin/outpost" setup me@localhost --system -a setup --yes \
    --password-file "$R/setup-pw" >"$R/out" 2>&1
RC=$?
check "setup --system: written and proven (doctor --auth)" sh -c \
    "test $RC = 0 && grep -q '^\[setup\]' $R/outpost.conf &&
    grep -q 'password_file = $R/outpost.secret' $R/outpost.conf &&
    grep -qx 'setup-P@ss' $R/outpost.secret" || sed 's/^/# /' "$R/out"
check "  ... the config and the secret stay root:$N 0640" sh -c \
    "test '$(stat -c '%U:%G %a' "$R/outpost.conf")' = 'root:$N 640' &&
    test '$(stat -c '%U:%G %a' "$R/outpost.secret")' = 'root:$N 640'"
check "  ... the relay's own account is kept" grep -q '^\[relay\]' \
    "$R/outpost.conf"
as "$U" "$R/bin/outpost" setup me@localhost --system >"$R/out" 2>&1
RC=$?
check "  ... only root may run it (77)" status 77

echo "1..$n"
exit $failed
