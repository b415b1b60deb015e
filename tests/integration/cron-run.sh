#!/bin/sh
# cron-run.sh CRONTAB - run the real cron daemon (Debian's cron) once,
# with CRONTAB as root's crontab, in a private mount namespace, until the
# mail of its @reboot job has been handed to sendmail; exit with that
# sendmail's status.  For the cron case (0556), run by run-case.py's run
# directive from the case's work directory, as root.
#
# cron runs the hard-wired /usr/sbin/sendmail.  In the namespace:
# /usr/sbin is an overlay whose top layer holds `sendmail`, a wrapper
# that records cron's argv (sendmail.args) and runs outpost (found in
# PATH: the case's bin/), then records its status (sendmail.rc);
# /var/spool/cron/crontabs holds only CRONTAB as `root`; /etc/crontab
# and /etc/cron.d are empty, so no system job runs; /run is a fresh
# tmpfs, so cron takes this start for system startup and runs @reboot
# jobs at once.  Nothing outside the namespace changes.
set -eu
crontab=$1
work=$(pwd)
d=$work/cron
if [ -z "${OUTPOST_CRON_NS:-}" ]; then
	mkdir -p "$d/sbin" "$d/spool" "$d/cron.d"
	outpost=$(command -v outpost)
	# cron gives the mailer root's HOME and no XDG variables: the
	# wrapper puts back the case's (config, queue, TMPDIR)
	cat >"$d/sbin/sendmail" <<EOS
#!/bin/sh
echo "\$*" >"$d/sendmail.args"
HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \\
    XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' \\
    TMPDIR='$TMPDIR' LC_ALL=C "$outpost" "\$@"
echo \$? >"$d/sendmail.rc.tmp" && mv "$d/sendmail.rc.tmp" "$d/sendmail.rc"
EOS
	chmod 755 "$d/sbin/sendmail"
	cp "$crontab" "$d/spool/root"
	chmod 600 "$d/spool/root"
	: >"$d/crontab"
	OUTPOST_CRON_NS=1 exec unshare -m "$0" "$@"
fi
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$d/sbin:/usr/sbin" /usr/sbin
mount --bind "$d/spool" /var/spool/cron/crontabs
mount --bind "$d/cron.d" /etc/cron.d
mount --bind "$d/crontab" /etc/crontab
mount -t tmpfs tmpfs /run
/usr/sbin/cron -f -L 15 >"$d/cron.log" 2>&1 &
pid=$!
# the case's timeout bounds this wait (the runner kills the session)
while [ ! -f "$d/sendmail.rc" ]; do
	sleep 0.1
done
kill "$pid"
wait "$pid" 2>/dev/null || true
exit "$(cat "$d/sendmail.rc")"
