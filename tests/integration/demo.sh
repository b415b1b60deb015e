#!/bin/sh
# demo.sh - the Quick start demo: start the bundled test smarthost on
# loopback (STARTTLS with the throwaway test CA, AUTH PLAIN), send a sample
# message through outpost on the submission role, and show the session
# (outpost -v, AUTH redacted) and what the smarthost received.
#
# usage: tests/integration/demo.sh BUILDDIR   (after `make` and the PKI)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-.}" && pwd)
pki=$build/tests/pki
[ -f "$pki/ca.pem" ] || { echo "demo: no test PKI in $pki" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/outpost-demo.XXXXXX")
trap 'kill "$srv" 2>/dev/null || :; rm -rf "$work"' EXIT INT TERM

cat > "$work/server" <<'SRV'
listener starttls cert=good
capa PIPELINING, 8BITMIME, ENHANCEDSTATUSCODES, SIZE 10000000, AUTH PLAIN LOGIN
SRV
/usr/bin/python3 "$src/smtpd-script.py" --script "$work/server" \
    --dir "$work" --ready "$work/ready" --pki "$pki" --lifetime 60 &
srv=$!
i=0
while [ ! -s "$work/ready" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { echo "demo: the test smarthost did not start" >&2; exit 1; }
	sleep 0.05
done
port=$(cat "$work/ready")

umask 077
cat > "$work/outpost.conf" <<CONF
[defaults]
account = demo

[demo]
host = 127.0.0.1
port = $port
tls = starttls
tls_trust_file = $pki/ca.pem
user = alice@example.com
password = "s3cr3t-P@ss word"
from = alice@example.com
domain = client.example.org
timeout = 10
keyring = off
CONF

cat > "$work/message" <<'MSG'
From: Alice Example <alice@example.com>
To: Bob Example <bob@example.org>
Subject: hello from outpost

Hello Bob,

this message went through outpost: STARTTLS with a verified
certificate, AUTH PLAIN inside TLS, one pipelined MAIL/RCPT/DATA.
.a line that starts with a dot arrives intact.
MSG

echo "== outpost -v -t -i < message   (the session, as outpost saw it)"
rc=0
"$build/src/outpost" -C "$work/outpost.conf" -v -t -i < "$work/message" 2>&1 || rc=$?
echo "== outpost exited with $rc"
sleep 0.2
echo "== what the test smarthost received:"
for f in "$work"/data-*.eml; do
	[ -f "$f" ] || { echo "(nothing)"; break; }
	tr -d '\r' < "$f"
	echo
done
exit $rc
