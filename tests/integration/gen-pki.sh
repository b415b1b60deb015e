#!/bin/sh
# gen-pki.sh DIR - the test PKI of outpost's integration cases, made at
# test time (make check runs it once through the tests/pki/.stamp rule).
#
# Writes into DIR (created; an old DIR is replaced atomically):
#   ca.pem ca.key                 test CA (EC P-256)
#   server.pem server.key         good: DNS localhost, IP 127.0.0.1 and ::1
#   expired.pem expired.key       same names, valid 2020-01-01..2021-01-01
#   wronghost.pem wronghost.key   CN and SAN wrong.example only
#   selfsigned.pem selfsigned.key right names, self-signed (not the CA)
#   client.pem client.key         client certificate, CN alice@example.com
#   client-0644.key-open          the same key, mode 0644 (must be refused)
#   system-ca.pem                 the system bundle + impostor.pem + ca.pem
#   system-impostor.pem           the system bundle + impostor.pem (a CA
#                                 named like the test CA, another key)
# Private keys are mode 0600 and are never committed (tests/pki is build
# output, removed by make clean).  Without openssl it writes DIR/NO-OPENSSL
# and exits 0: the TLS cases then skip.
set -eu

dir=${1:?usage: gen-pki.sh DIR}
umask 077
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v openssl >/dev/null 2>&1; then
	echo "openssl not found: TLS cases will be skipped" >"$tmp/NO-OPENSSL"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT INT TERM
	exit 0
fi

cd "$tmp"
export OPENSSL_CONF=/dev/null	# no site configuration leaks in

key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key" 2>/dev/null
	chmod 0600 "$1.key"
}

# extensions file: $1 = name, $2 = subjectAltName, $3 = extendedKeyUsage
ext() {
	{
		echo "basicConstraints = critical, CA:FALSE"
		echo "keyUsage = critical, digitalSignature, keyEncipherment"
		echo "extendedKeyUsage = $3"
		echo "subjectAltName = $2"
		echo "subjectKeyIdentifier = hash"
		echo "authorityKeyIdentifier = keyid"
	} >"$1.ext"
}

# CA signature with explicit dates: openssl 3.0 has no -not_before for
# x509, so use "openssl ca" with a minimal configuration.
cat >ca.cnf <<'EOF'
[ ca ]
default_ca = testca
[ testca ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
EOF
mkdir newcerts
: >index.txt
echo 1000 >serial

# sign NAME SUBJECT SAN EKU STARTDATE ENDDATE
sign() {
	key "$1"
	ext "$1" "$3" "$4"
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
	    -in "$1.csr" -out "$1.pem" -notext -extfile "$1.ext" \
	    -startdate "$5" -enddate "$6" 2>/dev/null
}

good_san="DNS:localhost,IP:127.0.0.1,IP:::1"

key ca
openssl req -new -x509 -key ca.key -sha256 -days 3650 \
    -subj "/CN=outpost test CA" \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -addext "subjectKeyIdentifier = hash" -out ca.pem

# valid from yesterday for ten years (clock skew of a day is fine)
now_start=$(date -u -d yesterday +%Y%m%d%H%M%SZ 2>/dev/null || echo 20240101000000Z)
sign server "/CN=localhost" "$good_san" serverAuth "$now_start" 20451231000000Z
sign expired "/CN=localhost" "$good_san" serverAuth 20200101000000Z 20210101000000Z
sign wronghost "/CN=wrong.example" "DNS:wrong.example" serverAuth "$now_start" 20451231000000Z
sign client "/CN=alice@example.com" "email:alice@example.com" clientAuth "$now_start" 20451231000000Z

key selfsigned
openssl req -new -x509 -key selfsigned.key -sha256 -days 3650 \
    -subj "/CN=localhost" \
    -addext "basicConstraints = critical, CA:FALSE" \
    -addext "keyUsage = critical, digitalSignature" \
    -addext "extendedKeyUsage = serverAuth" \
    -addext "subjectAltName = $good_san" -out selfsigned.pem

# sanity: the good chain verifies, the bad ones do not
openssl verify -CAfile ca.pem server.pem client.pem >/dev/null
if openssl verify -CAfile ca.pem expired.pem >/dev/null 2>&1; then
	echo "gen-pki.sh: expired.pem is not expired" >&2
	exit 1
fi

# Stand-ins for the system trust store (OUTPOST_TEST_TRUST_BUNDLE, test
# builds): the system bundle with the test CA in its middle, after an
# impostor CA of the same name with another key; and the system bundle
# with the impostor alone.
key impostor
openssl req -new -x509 -key impostor.key -sha256 -days 3650 \
    -subj "/CN=outpost test CA" \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -addext "subjectKeyIdentifier = hash" -out impostor.pem
sys=/etc/ssl/certs/ca-certificates.crt
[ -r "$sys" ] || sys=/dev/null
half=$(($(grep -c 'END CERTIFICATE' "$sys" || true) / 2))
{
	awk -v h="$half" '{ print } /END CERTIFICATE/ && ++k == h { exit }' \
	    "$sys"
	cat impostor.pem ca.pem
	awk -v h="$half" 'k >= h { print } /END CERTIFICATE/ { k++ }' "$sys"
} >system-ca.pem
cat "$sys" impostor.pem >system-impostor.pem

rm -rf newcerts index.txt* serial* ./*.csr ./*.ext ca.cnf
chmod 0600 ./*.key
chmod 0644 ./*.pem
# a world-readable copy of the client key, for the "key must be private" case
cp client.key client-0644.key-open
chmod 0644 client-0644.key-open
cd - >/dev/null
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT INT TERM
