# /etc/cron.d/outpost-mta: the system queue runner where systemd does not
# run outpost-queue.timer (it does nothing under systemd).
*/5 * * * * outpost [ -d /run/systemd/system ] || /usr/sbin/sendmail -q
