#!/bin/sh
# outpost-install-system.sh - the system-wide relay from a source install
# (README "System-wide setup", outpost(8) SECURITY): the group and user
# outpost, the modes of outpost, outpost-queue and outpost-oauth2, the
# system queue, the OAuth2 token store, an empty system file and secret,
# a log file every caller can append to, and the queue runner (systemd
# timer, else a cron.d line).  Run as root
# by `make install-system` after `make install`; safe to run again (an
# existing configuration, secret or log file is never touched).
# tests/system/t-system.sh runs it with every path in a scratch directory.
#
# Paths (environment): BIN HELPER TOKEN_HELPER SPOOL STORE CONF SECRET
# LOG; QUSER (the
# queue's user and group); UNITDIR (systemd system units; empty: none)
# and CRONDIR (cron.d; empty: none) for the runner.
set -eu
: "${BIN:=/usr/local/bin/outpost}"
: "${HELPER:=/usr/local/libexec/outpost/outpost-queue}"
: "${TOKEN_HELPER:=/usr/local/libexec/outpost/outpost-oauth2}"
: "${SPOOL:=/var/spool/outpost}"
: "${STORE:=/var/lib/outpost/oauth2}"
: "${CONF:=/etc/outpost.conf}"
: "${SECRET:=/etc/outpost.secret}"
: "${LOG:=/var/log/outpost.log}"
: "${QUSER:=outpost}"
: "${UNITDIR=/etc/systemd/system}"
: "${CRONDIR=/etc/cron.d}"
: "${UNITSRC:=$(dirname "$0")}"

[ "$(id -u)" = 0 ] || { echo "$0: run as root" >&2; exit 77; }
for f in "$BIN" "$HELPER" "$TOKEN_HELPER"; do
	[ -x "$f" ] || { echo "$0: $f missing (make install first)" >&2
	    exit 66; }
done

getent group "$QUSER" >/dev/null || groupadd --system "$QUSER"
# no home: one the runner could write would be a place to plant a
# configuration of its own (its passwordeval would run with the group)
getent passwd "$QUSER" >/dev/null ||
    useradd --system --gid "$QUSER" --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin "$QUSER"
[ "$(getent passwd "$QUSER" | cut -d: -f6)" = /nonexistent ] ||
    usermod --home /nonexistent "$QUSER"
for d in "$SPOOL" "$SPOOL/tmp" "$SPOOL/q" "$SPOOL/dead"; do
	install -d -o "$QUSER" -g "$QUSER" -m 2750 "$d"
done
chown "root:$QUSER" "$BIN"
chmod 2755 "$BIN"
chown "$QUSER:$QUSER" "$HELPER"
chmod 6755 "$HELPER"
# the OAuth2 token store: the queue's user alone reads it; its helper
# runs only for root, that user and the group (the setgid outpost)
[ -d "$(dirname "$STORE")" ] ||
    install -d -o root -g root -m 0755 "$(dirname "$STORE")"
install -d -o "$QUSER" -g "$QUSER" -m 0700 "$STORE"
chown "$QUSER:$QUSER" "$TOKEN_HELPER"
chmod 6750 "$TOKEN_HELPER"
for f in "$CONF" "$SECRET"; do
	[ -e "$f" ] || install -m 0640 -o root -g "$QUSER" /dev/null "$f"
done
[ -e "$LOG" ] || install -m 0660 -o root -g "$QUSER" /dev/null "$LOG"

# the queue runner, as the queue's user, every 5 minutes
if [ -n "$UNITDIR" ] && [ -d /run/systemd/system ]; then
	for u in outpost-queue.service outpost-queue.timer; do
		sed -e "s|^ExecStart=.*|ExecStart=$BIN -q|" \
		    -e "s|^User=.*|User=$QUSER|" -e "s|^Group=.*|Group=$QUSER|" \
		    "$UNITSRC/$u" >"$UNITDIR/$u"
	done
	systemctl daemon-reload
	systemctl enable --now outpost-queue.timer
elif [ -n "$CRONDIR" ]; then
	printf '# outpost: the system queue runner (make install-system)\n*/5 * * * * %s %s -q\n' \
	    "$QUSER" "$BIN" >"$CRONDIR/outpost"
fi
echo "outpost: system relay set up; write the account into $CONF" \
    "(password_file = $SECRET) and link /usr/sbin/sendmail to $BIN" \
    "(make install-sendmail-links)"
