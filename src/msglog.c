/*
 * msglog.c - the per-message log line (see msglog.h).
 *
 * Invariants: a line never exceeds MSGLOG_LINE_MAX (the recipient list
 * is cut at MSGLOG_RCPTS_MAX and says how many it left out); nothing in
 * it comes from the server but the reply code; a logging failure only
 * prints a note.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "msglog.h"
#include "priv.h"
#include "sasl.h"

static const struct {
	const char	*name;
	int		 fac;
} msglog_facs[] = {
	{ "on", LOG_MAIL }, { "mail", LOG_MAIL }, { "user", LOG_USER },
	{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 }
};

static const struct {
	int		 ex;
	const char	*name;
} msglog_exs[] = {
	{ EX_OK, "EX_OK" }, { EX_USAGE, "EX_USAGE" },
	{ EX_DATAERR, "EX_DATAERR" }, { EX_NOINPUT, "EX_NOINPUT" },
	{ EX_NOUSER, "EX_NOUSER" }, { EX_NOHOST, "EX_NOHOST" },
	{ EX_UNAVAILABLE, "EX_UNAVAILABLE" }, { EX_SOFTWARE, "EX_SOFTWARE" },
	{ EX_OSERR, "EX_OSERR" }, { EX_OSFILE, "EX_OSFILE" },
	{ EX_CANTCREAT, "EX_CANTCREAT" }, { EX_IOERR, "EX_IOERR" },
	{ EX_TEMPFAIL, "EX_TEMPFAIL" }, { EX_PROTOCOL, "EX_PROTOCOL" },
	{ EX_NOPERM, "EX_NOPERM" }, { EX_CONFIG, "EX_CONFIG" }
};

/* -1: off (or unset); else the facility. */
static int
msglog_fac(const char *v)
{
	size_t i;

	if (v == NULL || strcmp(v, "off") == 0)
		return -1;
	/* msmtp writes LOG_MAIL, LOG_LOCAL0 ... */
	if (strncasecmp(v, "LOG_", 4) == 0 && strcasecmp(v + 4, "on") != 0)
		v += 4;
	for (i = 0; i < sizeof(msglog_facs) / sizeof(msglog_facs[0]); i++)
		if (strcasecmp(v, msglog_facs[i].name) == 0)
			return msglog_facs[i].fac;
	return -2;
}

int
msglog_check(const struct account *a, struct err *e)
{
	if (msglog_fac(a->syslog) == -2)
		return err_set(e, EX_CONFIG, "account %s: syslog = %s: "
		    "expected on, off, mail, user, daemon or local0 to "
		    "local7", a->name, a->syslog);
	if (a->logfile != NULL && a->logfile[0] == '\0')
		return err_set(e, EX_CONFIG, "account %s: logfile is empty",
		    a->name);
	return 0;
}

static const char *
msglog_exname(int ex)
{
	size_t i;

	for (i = 0; i < sizeof(msglog_exs) / sizeof(msglog_exs[0]); i++)
		if (msglog_exs[i].ex == ex)
			return msglog_exs[i].name;
	return "EX_SOFTWARE";
}

/* TLS and auth of the account (and port) that was used. */
static void
msglog_how(const struct config *cfg, const struct msglog_rec *r,
    const char **tls, const char **auth)
{
	static const char *const tlsn[] = { "-", "starttls", "implicit",
	    "off" };
	const struct account *a = r->a;
	size_t i;

	*tls = "-";
	if (r->used != NULL && cfg_account(cfg, r->used->account) != NULL)
		a = cfg_account(cfg, r->used->account);
	*auth = sasl_want_word(a->auth);
	if (a->transport != TRANSPORT_SMTP && r->used != NULL &&
	    r->used->port != 0)
		*tls = "https";		/* an API transport (transport.h) */
	if (a->transport != TRANSPORT_SMTP || r->used == NULL ||
	    r->used->port == 0)
		return;
	for (i = 0; i < a->nports; i++)
		if (a->ports[i].port == r->used->port &&
		    (unsigned)a->ports[i].tls < 4)
			*tls = tlsn[a->ports[i].tls];
}

static void
msglog_rcpts(const struct msglog_rec *r, char *out, size_t cap)
{
	size_t i, o = 0, n;

	out[0] = '\0';
	for (i = 0; i < r->nrcpts; i++) {
		n = strlen(r->rcpts[i]);
		if (o + n + 2 >= cap || o + n + 2 >= MSGLOG_RCPTS_MAX) {
			snprintf(out + o, cap - o, "...(+%zu)", r->nrcpts - i);
			return;
		}
		o += (size_t)snprintf(out + o, cap - o, "%s%s",
		    i > 0 ? "," : "", r->rcpts[i]);
	}
}

void
msglog_format(const struct config *cfg, const struct msglog_rec *r,
    char *out, size_t cap)
{
	char rcpts[MSGLOG_RCPTS_MAX + 32], status[16];
	const char *tls, *auth;
	bool failed = r->e != NULL && err_is_set(r->e);

	msglog_how(cfg, r, &tls, &auth);
	msglog_rcpts(r, rcpts, sizeof(rcpts));
	if (!failed)
		snprintf(status, sizeof(status), "250");
	else if (r->e->reply > 0)
		snprintf(status, sizeof(status), "%d", r->e->reply);
	else
		snprintf(status, sizeof(status), "-");
	snprintf(out, cap, "account=%s host=%s port=%d tls=%s auth=%s "
	    "from=<%s> recipients=%s size=%zu smtpstatus=%s exitcode=%s"
	    "%s%s%s%s duration=%lld.%03llds",
	    r->used != NULL && r->used->account != NULL ? r->used->account :
	    r->a->name, r->used != NULL && r->used->host != NULL ?
	    r->used->host : r->a->host, r->used != NULL ? r->used->port : 0,
	    tls, auth, r->from, rcpts, r->size, status,
	    msglog_exname(failed && r->queued == NULL ? r->e->ex : EX_OK),
	    r->queued != NULL ? " queued=" : "",
	    r->queued != NULL ? r->queued : "",
	    r->entry != NULL ? " queue_id=" : "",
	    r->entry != NULL ? r->entry : "",
	    (long long)(r->ms / 1000), (long long)(r->ms % 1000));
}

static void
msglog_file(const char *path, const char *line)
{
	char buf[MSGLOG_LINE_MAX + 64], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;
	int fd, early;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(ts, sizeof(ts), "-");
	n = (size_t)snprintf(buf, sizeof(buf), "%s outpost[%ld]: %s\n", ts,
	    (long)getpid(), line);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* the system relay opened it with the group (priv.h) */
	if ((fd = early = priv_logfd(path)) == -1)
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
	if (fd == -1 || write(fd, buf, n) != (ssize_t)n)
		log_warn("logfile %s: %s (the message "
		    "itself is not affected)", path, strerror(errno));
	if (fd != -1 && fd != early)
		close(fd);
}

void
msglog_write(const struct config *cfg, const struct msglog_rec *r)
{
	char line[MSGLOG_LINE_MAX];
	int fac = msglog_fac(r->a->syslog);

	if (r->a->logfile == NULL && fac < 0)
		return;
	msglog_format(cfg, r, line, sizeof(line));
	if (r->a->logfile != NULL)
		msglog_file(r->a->logfile, line);
	if (fac >= 0) {
		openlog("outpost", LOG_PID, fac);
		syslog(r->e != NULL && err_is_set(r->e) && r->queued == NULL ?
		    LOG_ERR : LOG_INFO, "%s", line);
		closelog();
	}
}
