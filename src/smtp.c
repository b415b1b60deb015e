/*
 * smtp.c - the SMTP submission state machine: the loop, the session's
 * I/O helpers, and the greeting, EHLO, STARTTLS and QUIT states.
 *
 *   GREETING -> EHLO -> [STARTTLS -> (TLS) -> EHLO] -> [AUTH] -> MAIL
 *            -> BODY -> [MAIL -> BODY ...] -> QUIT -> DONE
 *
 * With a queue runner's next(), a finished transaction may lead to the
 * next message: MAIL again, after RSET when the last one failed.  With
 * PIPELINING and its ahead(), the next message's MAIL, RCPT... and DATA
 * leave behind the final dot instead (smtp_mail.c), and BODY goes
 * straight on to MAIL once the dot's reply has been reported.
 *
 * Only post-TLS capabilities are ever used: EHLO wipes s->capa before it
 * parses a new list.  AUTH lives in smtp_auth.c, the transaction in
 * smtp_mail.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "reply.h"
#include "smtp_int.h"

typedef enum smtp_state (*smtp_step_fn)(struct smtp_session *,
    struct err *);

static enum smtp_state	st_greeting(struct smtp_session *, struct err *);
static enum smtp_state	st_ehlo(struct smtp_session *, struct err *);
static enum smtp_state	st_starttls(struct smtp_session *, struct err *);
static enum smtp_state	st_rset(struct smtp_session *, struct err *);
static enum smtp_state	st_quit(struct smtp_session *, struct err *);

static const struct {
	const char	*name;
	smtp_step_fn	 run;
} smtp_steps[] = {
	[SMTP_ST_GREETING] =	{ "GREETING",	st_greeting },
	[SMTP_ST_EHLO] =	{ "EHLO",	st_ehlo },
	[SMTP_ST_STARTTLS] =	{ "STARTTLS",	st_starttls },
	[SMTP_ST_AUTH] =	{ "AUTH",	smtp_st_auth },
	[SMTP_ST_MAIL] =	{ "MAIL",	smtp_st_mail },
	[SMTP_ST_BODY] =	{ "BODY",	smtp_st_body },
	[SMTP_ST_RSET] =	{ "RSET",	st_rset },
	[SMTP_ST_QUIT] =	{ "QUIT",	st_quit },
	[SMTP_ST_DONE] =	{ "DONE",	NULL },
};

deadline_t
smtp_deadline(const struct smtp_session *s)
{
	return deadline_in((int64_t)s->p->timeout * 1000);
}

/* Queue one command line (logged, redacted by the log writer). */
int
smtp_put(struct smtp_session *s, const char *line, struct err *e)
{
	size_t len = strlen(line);

	if (len > SMTP_LINE_MAX)
		return err_set(e, EX_SOFTWARE, "command line too long");
	log_proto_send(s->log_sasl, line, len);
	if (conn_write(s->c, line, len, smtp_deadline(s), e) == -1 ||
	    conn_write(s->c, "\r\n", 2, smtp_deadline(s), e) == -1)
		return -1;
	return 0;
}

int
smtp_putf(struct smtp_session *s, struct err *e, const char *fmt, ...)
{
	char line[SMTP_LINE_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, EX_SOFTWARE, "command line too long");
	return smtp_put(s, line, e);
}

int
smtp_flush(struct smtp_session *s, struct err *e)
{
	return conn_flush(s->c, smtp_deadline(s), e);
}

/*
 * Read one whole reply under one deadline: a server that drips lines
 * cannot stretch it.
 */
int
smtp_reply(struct smtp_session *s, deadline_t d, struct err *e)
{
	struct err rerr;
	const char *line;
	size_t len;
	int rc;

	for (;;) {
		err_init(&rerr);
		if (conn_read_line(s->c, &line, &len, d, &rerr) == -1) {
			if (s->c->timed_out)
				return err_set(e, EX_TEMPFAIL, "no reply from "
				    "%s within %d s", s->c->addr,
				    s->p->timeout);
			*e = rerr;
			return -1;
		}
		log_proto_recv(&s->log_sasl, line, len);
		rc = reply_feed(&s->rp, line, len, &s->r, e);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
}

int
smtp_cmd(struct smtp_session *s, const char *line, struct err *e)
{
	if (smtp_put(s, line, e) == -1 || smtp_flush(s, e) == -1)
		return -1;
	return smtp_reply(s, smtp_deadline(s), e);
}

int
smtp_class(const struct reply *r)
{
	return r->code / 100;
}

static enum smtp_state
st_greeting(struct smtp_session *s, struct err *e)
{
	if (smtp_reply(s, smtp_deadline(s), e) == -1)
		return SMTP_ST_DONE;
	if (s->r.code == 220 && conn_pending(s->c) != 0) {
		/* a reply to nothing yet: it would pose as the EHLO reply */
		err_set(e, EX_PROTOCOL, "%s sent data after its greeting, "
		    "before EHLO", s->c->addr);
		return SMTP_ST_DONE;
	}
	if (s->r.code == 220)
		return SMTP_ST_EHLO;
	if (smtp_class(&s->r) == 4 || smtp_class(&s->r) == 5) {
		err_reply(e, ERR_CMD_GREETING, "greeting", &s->r);
		return s->r.code == 421 ? SMTP_ST_DONE : SMTP_ST_QUIT;
	}
	err_set(e, EX_PROTOCOL, "unexpected greeting from %s: %d",
	    s->c->addr, s->r.code);
	return SMTP_ST_DONE;
}

static enum smtp_state
after_ehlo(struct smtp_session *s, struct err *e)
{
	if (s->p->tls == TLS_MODE_STARTTLS && !s->c->is_tls) {
		if (s->capa.starttls)
			return SMTP_ST_STARTTLS;
		err_set(e, EX_UNAVAILABLE, "%s does not offer STARTTLS; "
		    "refusing to continue without TLS", s->c->addr);
		return SMTP_ST_QUIT;
	}
	if (s->p->auth != SASL_WANT_OFF)
		return SMTP_ST_AUTH;
	return SMTP_ST_MAIL;
}

static enum smtp_state
st_ehlo(struct smtp_session *s, struct err *e)
{
	memset(&s->capa, 0, sizeof(s->capa));
	if (smtp_putf(s, e, "EHLO %s", s->p->ehlo_name) == -1 ||
	    smtp_flush(s, e) == -1 ||
	    smtp_reply(s, smtp_deadline(s), e) == -1)
		return SMTP_ST_DONE;
	if (s->r.code == 250) {
		capa_parse(&s->r, &s->capa);
		return after_ehlo(s, e);
	}
	if ((s->r.code == 500 || s->r.code == 502) &&
	    s->p->tls == TLS_MODE_OFF && s->p->auth == SASL_WANT_OFF) {
		/* RFC 5321 4.1.4: HELO, and no extensions at all */
		if (smtp_putf(s, e, "HELO %s", s->p->ehlo_name) == -1 ||
		    smtp_flush(s, e) == -1 ||
		    smtp_reply(s, smtp_deadline(s), e) == -1)
			return SMTP_ST_DONE;
		if (s->r.code == 250)
			return SMTP_ST_MAIL;
	}
	err_reply(e, ERR_CMD_EHLO, "EHLO", &s->r);
	return s->r.code == 421 ? SMTP_ST_DONE : SMTP_ST_QUIT;
}

/*
 * After "220" nothing may be buffered: bytes that came with the 220 were
 * sent before TLS and would be read as if they came through it (response
 * injection, CVE-2011-0411's mirror).
 */
static enum smtp_state
st_starttls(struct smtp_session *s, struct err *e)
{
	if (smtp_cmd(s, "STARTTLS", e) == -1)
		return SMTP_ST_DONE;
	if (s->r.code != 220) {
		if (smtp_class(&s->r) == 4 || smtp_class(&s->r) == 5) {
			err_reply(e, ERR_CMD_STARTTLS, "STARTTLS", &s->r);
			return SMTP_ST_QUIT;
		}
		err_set(e, EX_PROTOCOL, "unexpected reply to STARTTLS: %d",
		    s->r.code);
		return SMTP_ST_DONE;
	}
	if (s->r.nlines != 1 || conn_pending(s->c) != 0) {
		err_set(e, EX_PROTOCOL, "%s sent data after its STARTTLS "
		    "reply (response injection?)", s->c->addr);
		return SMTP_ST_DONE;
	}
	if (tls_start(s->c, &s->p->tls_opts, smtp_deadline(s), e) == -1)
		return SMTP_ST_DONE;
	if (log_verbose() > 0) {
		char desc[128];

		log_debug("TLS started with %s: %s", s->c->addr,
		    tls_describe(s->c, desc, sizeof(desc)));
	}
	return SMTP_ST_EHLO;
}

/* QUIT is a courtesy: its failure never changes the outcome. */
static enum smtp_state
st_quit(struct smtp_session *s, struct err *e)
{
	struct err scratch;
	const char *line;
	size_t len;
	deadline_t d = deadline_in(SMTP_QUIT_WAIT_MS);

	(void)e;
	err_init(&scratch);
	if (!s->quit_sent) {
		log_proto_send(false, "QUIT", 4);
		if (conn_write(s->c, "QUIT\r\n", 6, d, &scratch) == -1 ||
		    conn_flush(s->c, d, &scratch) == -1)
			return SMTP_ST_DONE;
	}
	if (conn_read_line(s->c, &line, &len, d, &scratch) == 0)
		log_proto_recv(&s->log_sasl, line, len);
	return SMTP_ST_DONE;
}

/* Size the recipient lists for the message in s->p; all are to do. */
int
smtp_txn_init(struct smtp_session *s, struct err *e)
{
	size_t n = s->p->env.nrcpts + 1, *t, *x;

	t = reallocarray(s->todo, n, sizeof(*s->todo));
	if (t != NULL)
		s->todo = t;
	x = reallocarray(s->next, n, sizeof(*s->next));
	if (x != NULL)
		s->next = x;
	if (t == NULL || x == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	for (s->ntodo = 0; s->ntodo < s->p->env.nrcpts; s->ntodo++)
		s->todo[s->ntodo] = s->ntodo;
	s->nnext = 0;
	s->rounds = 0;
	s->ahead = 0;
	s->delivered = false;
	return 0;
}

/*
 * A transaction is over (the machine wants QUIT or is DONE): report it to
 * next() and, when the connection is still good and another message is
 * loaded, go on with it.
 */
static enum smtp_state
smtp_txn_end(struct smtp_session *s, enum smtp_state st, struct err *e)
{
	bool failed = !s->delivered || err_is_set(e);
	/* after a 421 the server closes: the rest waits, uncharged */
	bool go_on = st == SMTP_ST_QUIT && !s->quit_sent &&
	    !(failed && e->reply == 421);

	s->in_txn = false;
	if (failed && !err_is_set(e))
		err_set(e, EX_SOFTWARE, "transaction ended without a verdict");
	if (failed && s->rounds > 0)
		e->flags |= ERR_DUP_RISK;
	if (s->p->next(s->p->next_arg, s->p, failed ? e : NULL, go_on) != 1 ||
	    !go_on) {
		if (st == SMTP_ST_QUIT)
			err_init(e);	/* reported; the session is fine */
		return st;
	}
	err_init(e);
	if (smtp_txn_init(s, e) == -1)
		return SMTP_ST_QUIT;
	return failed ? SMTP_ST_RSET : SMTP_ST_MAIL;
}

/* Between messages after a failed transaction (RFC 5321 4.1.1.5). */
static enum smtp_state
st_rset(struct smtp_session *s, struct err *e)
{
	if (smtp_cmd(s, "RSET", e) == -1)
		return SMTP_ST_DONE;
	if (s->r.code == 250)
		return SMTP_ST_MAIL;
	err_reply(e, ERR_CMD_OTHER, "RSET", &s->r);
	return SMTP_ST_QUIT;
}

static void
smtp_run(struct smtp_session *s, struct err *e)
{
	enum smtp_state st = SMTP_ST_GREETING;

	while (st != SMTP_ST_DONE) {
		if (log_verbose() > 1)
			log_debug("smtp: %s", smtp_steps[st].name);
		if (st == SMTP_ST_MAIL)
			s->in_txn = true;
		st = smtp_steps[st].run(s, e);
		if (s->p->next != NULL && s->in_txn &&
		    (st == SMTP_ST_QUIT || st == SMTP_ST_DONE))
			st = smtp_txn_end(s, st, e);
	}
}

int
smtp_submit(struct conn *c, struct smtp_params *p, struct err *e)
{
	struct smtp_session *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	s->c = c;
	s->p = p;
	if (smtp_txn_init(s, e) == -1) {
		free(s->todo);
		free(s->next);
		free(s);
		return -1;
	}
	reply_parser_init(&s->rp);
	smtp_run(s, e);
	if (p->next != NULL)
		rc = err_is_set(e) ? -1 : 0;
	else
		rc = s->delivered && !err_is_set(e) ? 0 : -1;
	if (rc == -1 && !err_is_set(e))
		err_set(e, EX_SOFTWARE, "session ended without a verdict");
	if (p->next == NULL && rc == -1 && s->rounds > 0)
		e->flags |= ERR_DUP_RISK;	/* some already have it */
	free(s->todo);
	free(s->next);
	free(s);
	return rc;
}
