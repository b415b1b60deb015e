/*
 * t-msglog.c - the per-message log line: every field, the TLS mode of
 * the port used, the fallback account's settings, queued and failed
 * outcomes, the recipient list cut, and no error text in the line;
 * which syslog values are accepted.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "msglog.h"
#include "tap.h"

static char *rcpts2[] = { "b@x.org", "c@y.org" };

static const struct {
	const char	*v;
	int		 want;
} fac_rows[] = {
	{ "on", 0 }, { "off", 0 }, { "mail", 0 }, { "Mail", 0 },
	{ "local7", 0 }, { "LOG_LOCAL3", 0 }, { "log_user", 0 },
	{ "daemon", 0 }, { "kern", -1 }, { "local8", -1 }, { "LOG_", -1 },
	{ "LOG_ON", -1 }, { "", -1 }, { "yes", -1 },
};

static struct account acc[2];
static struct config cfg;

static void
setup(void)
{
	acc[0].name = "work";
	acc[0].host = "smtp.example.com";
	acc[0].auth = SASL_WANT_ON;
	acc[0].ports[0].port = 587;
	acc[0].ports[0].tls = TLS_MODE_STARTTLS;
	acc[0].ports[1].port = 465;
	acc[0].ports[1].tls = TLS_MODE_IMPLICIT;
	acc[0].nports = 2;
	acc[1].name = "spare";
	acc[1].host = "relay.example.net";
	acc[1].auth = SASL_WANT_OFF;
	acc[1].ports[0].port = 25;
	acc[1].ports[0].tls = TLS_MODE_OFF;
	acc[1].nports = 1;
	cfg.accounts = acc;
	cfg.naccounts = 2;
}

int
main(void)
{
	struct deliver_used u465 = { "work", "smtp.example.com", 465, "" };
	struct deliver_used uspare = { "spare", "relay.example.net", 25, "" };
	struct deliver_used none = { NULL, NULL, 0, "" };
	struct msglog_rec r;
	struct err e, q;
	char line[MSGLOG_LINE_MAX], *many[200];
	size_t i;

	setup();
	memset(&r, 0, sizeof(r));
	r.a = &acc[0];
	r.used = &u465;
	r.from = "a@x.org";
	r.rcpts = rcpts2;
	r.nrcpts = 2;
	r.size = 1234;
	r.ms = 1500;
	msglog_format(&cfg, &r, line, sizeof(line));
	is_str(line, "account=work host=smtp.example.com port=465 "
	    "tls=implicit auth=on from=<a@x.org> recipients=b@x.org,c@y.org "
	    "size=1234 smtpstatus=250 exitcode=EX_OK duration=1.500s",
	    "delivered, the used port's TLS mode");
	r.used = &uspare;
	msglog_format(&cfg, &r, line, sizeof(line));
	ok(strstr(line, "account=spare host=relay.example.net port=25 "
	    "tls=off auth=off ") != NULL, "the fallback account's settings");
	err_init(&e);
	err_set(&e, EX_NOUSER, "secret-ish server text");
	e.reply = 550;
	r.used = &u465;
	r.e = &e;
	msglog_format(&cfg, &r, line, sizeof(line));
	ok(strstr(line, "smtpstatus=550 exitcode=EX_NOUSER ") != NULL &&
	    strstr(line, "server text") == NULL, "failed: code, no text");
	err_init(&q);
	err_set(&q, EX_TEMPFAIL, "later");
	q.reply = 451;
	r.e = &q;
	r.queued = "0123abcd";
	msglog_format(&cfg, &r, line, sizeof(line));
	ok(strstr(line, "smtpstatus=451 exitcode=EX_OK queued=0123abcd ")
	    != NULL, "queued: the reason's code, exit 0, the ID");
	r.queued = NULL;
	r.entry = "feed";
	r.e = NULL;
	r.used = &none;
	msglog_format(&cfg, &r, line, sizeof(line));
	ok(strstr(line, "host=smtp.example.com port=0 tls=- ") != NULL &&
	    strstr(line, " queue_id=feed ") != NULL,
	    "nothing reached; a queue entry's ID");
	for (i = 0; i < 200; i++)
		many[i] = "someone.with.a.long.name@example.org";
	r.rcpts = many;
	r.nrcpts = 200;
	msglog_format(&cfg, &r, line, sizeof(line));
	ok(strstr(line, "...(+") != NULL && strlen(line) < MSGLOG_LINE_MAX - 1,
	    "a long recipient list is cut and says so");
	for (i = 0; i < sizeof(fac_rows) / sizeof(fac_rows[0]); i++) {
		acc[0].syslog = (char *)fac_rows[i].v;
		err_init(&e);
		is_int(msglog_check(&acc[0], &e), fac_rows[i].want,
		    "syslog = %s", fac_rows[i].v);
	}
	return done_testing();
}
