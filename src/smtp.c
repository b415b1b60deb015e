/*
 * smtp.c - the SMTP submission state machine.
 *
 *   GREETING -> EHLO -> [STARTTLS -> (TLS) -> EHLO] -> [AUTH] -> MAIL
 *            -> BODY -> QUIT -> DONE
 *
 * Each st_* function sends its command(s), reads the replies and returns
 * the next state.  On failure it fills e and returns ST_QUIT (the session
 * is still usable, say goodbye) or ST_DONE (the connection can no longer
 * be trusted or used: lost, timed out, protocol garbage, injection).
 * Only post-TLS capabilities are ever used: STARTTLS wipes s->capa.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "b64.h"
#include "data.h"
#include "log.h"
#include "reply.h"
#include "smtp.h"

enum smtp_state {
	ST_GREETING,
	ST_EHLO,
	ST_STARTTLS,
	ST_AUTH,
	ST_MAIL,
	ST_BODY,
	ST_QUIT,
	ST_DONE
};

struct smtp_session {
	struct conn			*c;
	const struct smtp_params	*p;
	struct reply_parser		 rp;
	struct capa			 capa;
	bool				 helo;		/* EHLO refused */
	bool				 delivered;
	bool				 quit_sent;	/* behind the dot */
	char				 in[SMTP_BODY_CHUNK];
	char				 out[DATA_OUT_MAX(SMTP_BODY_CHUNK)];
	struct reply			 r;
};

typedef enum smtp_state (*smtp_step_fn)(struct smtp_session *,
    struct err *);

static enum smtp_state	st_greeting(struct smtp_session *, struct err *);
static enum smtp_state	st_ehlo(struct smtp_session *, struct err *);
static enum smtp_state	st_starttls(struct smtp_session *, struct err *);
static enum smtp_state	st_auth(struct smtp_session *, struct err *);
static enum smtp_state	st_mail(struct smtp_session *, struct err *);
static enum smtp_state	st_body(struct smtp_session *, struct err *);
static enum smtp_state	st_quit(struct smtp_session *, struct err *);

static const struct {
	const char	*name;
	smtp_step_fn	 run;
} smtp_steps[] = {
	[ST_GREETING] =	{ "GREETING",	st_greeting },
	[ST_EHLO] =	{ "EHLO",	st_ehlo },
	[ST_STARTTLS] =	{ "STARTTLS",	st_starttls },
	[ST_AUTH] =	{ "AUTH",	st_auth },
	[ST_MAIL] =	{ "MAIL",	st_mail },
	[ST_BODY] =	{ "BODY",	st_body },
	[ST_QUIT] =	{ "QUIT",	st_quit },
	[ST_DONE] =	{ "DONE",	NULL },
};

static deadline_t
phase_deadline(const struct smtp_session *s)
{
	return deadline_in((int64_t)s->p->timeout * 1000);
}

/* Queue one command line (logged, redacted by the log writer). */
static int
smtp_put(struct smtp_session *s, const char *line, struct err *e)
{
	size_t len = strlen(line);

	if (len > SMTP_LINE_MAX)
		return err_set(e, EX_SOFTWARE, "command line too long");
	log_proto_send(line, len);
	if (conn_write(s->c, line, len, phase_deadline(s), e) == -1 ||
	    conn_write(s->c, "\r\n", 2, phase_deadline(s), e) == -1)
		return -1;
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
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

static int
smtp_flush(struct smtp_session *s, struct err *e)
{
	return conn_flush(s->c, phase_deadline(s), e);
}

/*
 * Read one whole reply under one deadline: a server that drips lines
 * cannot stretch it.
 */
static int
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
		log_proto_recv(line, len);
		rc = reply_feed(&s->rp, line, len, &s->r, e);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
}

static int
smtp_cmd(struct smtp_session *s, const char *line, struct err *e)
{
	if (smtp_put(s, line, e) == -1 || smtp_flush(s, e) == -1)
		return -1;
	return smtp_reply(s, phase_deadline(s), e);
}

static int
code_class(const struct reply *r)
{
	return r->code / 100;
}

static enum smtp_state
st_greeting(struct smtp_session *s, struct err *e)
{
	if (smtp_reply(s, phase_deadline(s), e) == -1)
		return ST_DONE;
	if (s->r.code == 220)
		return ST_EHLO;
	if (code_class(&s->r) == 4 || code_class(&s->r) == 5) {
		err_reply(e, ERR_CMD_GREETING, "greeting", &s->r);
		return s->r.code == 421 ? ST_DONE : ST_QUIT;
	}
	err_set(e, EX_PROTOCOL, "unexpected greeting from %s: %d",
	    s->c->addr, s->r.code);
	return ST_DONE;
}

static enum smtp_state
after_ehlo(struct smtp_session *s, struct err *e)
{
	if (s->p->tls == TLS_MODE_STARTTLS && !s->c->is_tls) {
		if (s->capa.starttls)
			return ST_STARTTLS;
		err_set(e, EX_UNAVAILABLE, "%s does not offer STARTTLS; "
		    "refusing to continue without TLS", s->c->addr);
		return ST_QUIT;
	}
	if (s->p->auth != SASL_WANT_OFF)
		return ST_AUTH;
	return ST_MAIL;
}

static enum smtp_state
st_ehlo(struct smtp_session *s, struct err *e)
{
	memset(&s->capa, 0, sizeof(s->capa));
	if (smtp_putf(s, e, "EHLO %s", s->p->ehlo_name) == -1 ||
	    smtp_flush(s, e) == -1 ||
	    smtp_reply(s, phase_deadline(s), e) == -1)
		return ST_DONE;
	if (s->r.code == 250) {
		capa_parse(&s->r, &s->capa);
		return after_ehlo(s, e);
	}
	if ((s->r.code == 500 || s->r.code == 502) &&
	    s->p->tls == TLS_MODE_OFF && s->p->auth == SASL_WANT_OFF) {
		/* RFC 5321 4.1.4: HELO, and no extensions at all */
		if (smtp_putf(s, e, "HELO %s", s->p->ehlo_name) == -1 ||
		    smtp_flush(s, e) == -1 ||
		    smtp_reply(s, phase_deadline(s), e) == -1)
			return ST_DONE;
		if (s->r.code == 250)
			return ST_MAIL;
	}
	err_reply(e, ERR_CMD_EHLO, "EHLO", &s->r);
	return s->r.code == 421 ? ST_DONE : ST_QUIT;
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
		return ST_DONE;
	if (s->r.code != 220) {
		if (code_class(&s->r) == 4 || code_class(&s->r) == 5) {
			err_reply(e, ERR_CMD_STARTTLS, "STARTTLS", &s->r);
			return ST_QUIT;
		}
		err_set(e, EX_PROTOCOL, "unexpected reply to STARTTLS: %d",
		    s->r.code);
		return ST_DONE;
	}
	if (s->r.nlines != 1 || conn_pending(s->c) != 0) {
		err_set(e, EX_PROTOCOL, "%s sent data after its STARTTLS "
		    "reply (response injection?)", s->c->addr);
		return ST_DONE;
	}
	if (tls_start(s->c, &s->p->tls_opts, phase_deadline(s), e) == -1)
		return ST_DONE;
	if (log_verbose() > 0) {
		char desc[128];

		log_debug("TLS started with %s: %s", s->c->addr,
		    tls_describe(s->c, desc, sizeof(desc)));
	}
	return ST_EHLO;
}

static enum smtp_state
auth_finish(struct smtp_session *s, struct err *e)
{
	if (s->r.code == 334) {
		/* a challenge where none is expected: cancel (RFC 4954 4) */
		if (smtp_cmd(s, "*", e) == -1)
			return ST_DONE;
		err_set(e, EX_NOPERM, "AUTH failed: unexpected challenge "
		    "from %s", s->c->addr);
		return ST_QUIT;
	}
	if (code_class(&s->r) == 2)
		return ST_MAIL;
	if (code_class(&s->r) == 4 || code_class(&s->r) == 5) {
		err_reply(e, ERR_CMD_AUTH, "AUTH", &s->r);
		return ST_QUIT;
	}
	err_set(e, EX_PROTOCOL, "unexpected reply to AUTH: %d", s->r.code);
	return ST_DONE;
}

/* Send a response line that holds a secret, then wipe it. */
static int
auth_step(struct smtp_session *s, char *line, struct err *e)
{
	int rc;

	rc = smtp_cmd(s, line, e);
	explicit_bzero(line, strlen(line));
	return rc;
}

static enum smtp_state
auth_plain(struct smtp_session *s, struct err *e)
{
	char b64[SMTP_LINE_MAX], line[SMTP_LINE_MAX + 16];
	const struct smtp_params *p = s->p;
	int rc;

	if (sasl_plain(p->user, strlen(p->user), p->password,
	    strlen(p->password), b64, sizeof(b64)) == -1) {
		err_set(e, EX_CONFIG, "user or password unusable for "
		    "AUTH PLAIN");
		return ST_QUIT;
	}
	snprintf(line, sizeof(line), "AUTH PLAIN %s", b64);
	if (strlen(line) <= SMTP_CMD_MAX_LEN) {
		rc = auth_step(s, line, e);
	} else {
		/* RFC 4954 4: too long for an initial response */
		rc = smtp_cmd(s, "AUTH PLAIN", e);
		if (rc == 0 && s->r.code == 334)
			rc = auth_step(s, b64, e);
	}
	explicit_bzero(b64, sizeof(b64));
	explicit_bzero(line, sizeof(line));
	return rc == -1 ? ST_DONE : auth_finish(s, e);
}

static enum smtp_state
auth_login(struct smtp_session *s, struct err *e)
{
	char b64[SMTP_LINE_MAX];
	const char *part[2] = { s->p->user, s->p->password };
	size_t i, n;

	if (smtp_cmd(s, "AUTH LOGIN", e) == -1)
		return ST_DONE;
	for (i = 0; i < 2 && s->r.code == 334; i++) {
		n = strlen(part[i]);
		if (B64_ENCODED_SIZE(n) > sizeof(b64)) {
			err_set(e, EX_CONFIG, "user or password too long");
			return ST_QUIT;
		}
		b64_encode(part[i], n, b64);
		if (auth_step(s, b64, e) == -1)
			return ST_DONE;
	}
	explicit_bzero(b64, sizeof(b64));
	return auth_finish(s, e);
}

static enum smtp_state
auth_external(struct smtp_session *s, struct err *e)
{
	char b64[SMTP_LINE_MAX], line[SMTP_LINE_MAX + 16];
	const char *authzid = s->p->user != NULL ? s->p->user : "";

	if (sasl_external(authzid, b64, sizeof(b64)) == -1) {
		err_set(e, EX_CONFIG, "authzid unusable for AUTH EXTERNAL");
		return ST_QUIT;
	}
	snprintf(line, sizeof(line), "AUTH EXTERNAL %s", b64);
	if (smtp_cmd(s, line, e) == -1)
		return ST_DONE;
	return auth_finish(s, e);
}

static enum smtp_state
st_auth(struct smtp_session *s, struct err *e)
{
	enum sasl_mech mech;

	if (sasl_pick(s->p->auth, s->capa.auth_mechs, s->c->is_tls,
	    s->p->tls_opts.cert_file != NULL, &mech, e) == -1)
		return ST_QUIT;
	if (mech == SASL_NONE)
		return ST_MAIL;
	if (mech != SASL_EXTERNAL &&
	    (s->p->password == NULL || s->p->user == NULL)) {
		err_set(e, EX_CONFIG, "AUTH %s needs a user and a password",
		    sasl_name(mech));
		return ST_QUIT;
	}
	log_debug("authenticating with %s", sasl_name(mech));
	if (mech == SASL_PLAIN)
		return auth_plain(s, e);
	if (mech == SASL_LOGIN)
		return auth_login(s, e);
	return auth_external(s, e);
}

static int
mail_check(struct smtp_session *s, struct err *e)
{
	const struct smtp_params *p = s->p;

	if (s->capa.size && s->capa.size_max > 0 &&
	    p->size > s->capa.size_max)
		return err_set(e, EX_DATAERR, "message is %zu bytes, %s "
		    "accepts at most %lu", p->size, s->c->addr,
		    s->capa.size_max);
	if (p->need_smtputf8 && !s->capa.smtputf8)
		return err_set(e, EX_DATAERR, "the envelope has non-ASCII "
		    "addresses but %s does not offer SMTPUTF8", s->c->addr);
	return 0;
}

/* Command i of the transaction: MAIL, RCPT 1..n, DATA. */
static int
mail_put(struct smtp_session *s, size_t i, struct err *e)
{
	const struct smtp_params *p = s->p;
	char size[32] = "";

	if (i == 0) {
		if (s->capa.size)
			snprintf(size, sizeof(size), " SIZE=%zu", p->size);
		return smtp_putf(s, e, "MAIL FROM:<%s>%s%s%s", p->sender,
		    size, (p->eightbit || p->need_smtputf8) &&
		    s->capa.eightbitmime ? " BODY=8BITMIME" : "",
		    p->need_smtputf8 ? " SMTPUTF8" : "");
	}
	if (i <= p->nrcpts)
		return smtp_putf(s, e, "RCPT TO:<%s>", p->rcpts[i - 1]);
	return smtp_put(s, "DATA", e);
}

struct mail_result {
	struct err	 mail;		/* MAIL refused */
	struct err	 perm;		/* first permanent RCPT refusal */
	struct err	 temp;		/* first temporary RCPT refusal */
	bool		 data_354;
	bool		 data_seen;
};

static void
mail_note(struct smtp_session *s, size_t i, struct mail_result *m)
{
	const struct reply *r = &s->r;
	char what[ADDR_MAX + 16];

	if (i == 0) {
		if (code_class(r) != 2)
			err_reply(&m->mail, ERR_CMD_MAIL, "MAIL FROM", r);
	} else if (i <= s->p->nrcpts) {
		if (code_class(r) == 2)
			return;
		snprintf(what, sizeof(what), "RCPT TO:<%s>",
		    s->p->rcpts[i - 1]);
		err_reply(code_class(r) == 4 ? &m->temp : &m->perm,
		    ERR_CMD_RCPT, what, r);
	} else {
		m->data_seen = true;
		m->data_354 = r->code == 354;
		if (!m->data_354 && !err_is_set(&m->mail) &&
		    !err_is_set(&m->perm) && !err_is_set(&m->temp))
			err_reply(&m->mail, ERR_CMD_DATA, "DATA", r);
	}
}

/* The first refusal decides: MAIL, then a permanent RCPT, then a temp. */
static void
mail_verdict(const struct mail_result *m, struct err *e)
{
	if (err_is_set(&m->mail))
		*e = m->mail;
	else if (err_is_set(&m->perm))
		*e = m->perm;
	else if (err_is_set(&m->temp))
		*e = m->temp;
}

/*
 * MAIL, every RCPT and DATA: in groups of SMTP_PIPELINE_MAX commands when
 * the server offers PIPELINING (every reply is read, RFC 2920 3.1), else
 * one command per flight.  All or nothing: one refused recipient and the
 * message goes to nobody.
 */
static enum smtp_state
st_mail(struct smtp_session *s, struct err *e)
{
	struct mail_result m;
	size_t total = s->p->nrcpts + 2, i = 0, j, group;

	if (mail_check(s, e) == -1)
		return ST_QUIT;
	memset(&m, 0, sizeof(m));
	group = s->capa.pipelining ? SMTP_PIPELINE_MAX : 1;
	while (i < total) {
		for (j = i; j < total && j < i + group; j++)
			if (mail_put(s, j, e) == -1)
				return ST_DONE;
		if (smtp_flush(s, e) == -1)
			return ST_DONE;
		for (; i < j; i++) {
			if (smtp_reply(s, phase_deadline(s), e) == -1)
				return ST_DONE;
			mail_note(s, i, &m);
		}
		if (group == 1 && (err_is_set(&m.mail) ||
		    err_is_set(&m.perm) || err_is_set(&m.temp)))
			break;
	}
	mail_verdict(&m, e);
	if (!err_is_set(e) && m.data_354)
		return ST_BODY;
	/* 354 but a recipient was refused: only a dropped connection
	 * stops the server from delivering to the others. */
	return m.data_354 ? ST_DONE : ST_QUIT;
}

static enum smtp_state
body_final(struct smtp_session *s, struct err *e)
{
	if (smtp_reply(s, phase_deadline(s), e) == -1) {
		e->flags |= ERR_DUP_RISK;
		return ST_DONE;
	}
	if (code_class(&s->r) == 2) {
		s->delivered = true;
		return ST_QUIT;
	}
	err_reply(e, ERR_CMD_DOT, "message", &s->r);
	return ST_QUIT;
}

static enum smtp_state
st_body(struct smtp_session *s, struct err *e)
{
	struct data_enc enc;
	ssize_t n;
	size_t m;

	data_enc_init(&enc);
	log_debug("sending %zu bytes of message", s->p->size);
	if (lseek(s->p->spool_fd, 0, SEEK_SET) == -1) {
		err_sys(e, EX_IOERR, "spool");
		return ST_DONE;
	}
	for (;;) {
		n = read(s->p->spool_fd, s->in, sizeof(s->in));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_sys(e, EX_IOERR, "reading the spooled message");
			return ST_DONE;
		}
		if (n == 0)
			break;
		m = data_encode(&enc, s->in, (size_t)n, s->out);
		if (conn_write(s->c, s->out, m, phase_deadline(s), e) == -1)
			return ST_DONE;
	}
	m = data_finish(&enc, s->out);
	log_proto_send(".", 1);
	if (conn_write(s->c, s->out, m, phase_deadline(s), e) == -1)
		return ST_DONE;
	/* RFC 2920 3.1: QUIT may end a group; it saves a round trip */
	if (s->capa.pipelining) {
		if (smtp_put(s, "QUIT", e) == -1)
			return ST_DONE;
		s->quit_sent = true;
	}
	if (smtp_flush(s, e) == -1)
		return ST_DONE;
	return body_final(s, e);
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
		log_proto_send("QUIT", 4);
		if (conn_write(s->c, "QUIT\r\n", 6, d, &scratch) == -1 ||
		    conn_flush(s->c, d, &scratch) == -1)
			return ST_DONE;
	}
	if (conn_read_line(s->c, &line, &len, d, &scratch) == 0)
		log_proto_recv(line, len);
	return ST_DONE;
}

int
smtp_submit(struct conn *c, const struct smtp_params *p, struct err *e)
{
	struct smtp_session *s;
	enum smtp_state st = ST_GREETING;
	int rc;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	s->c = c;
	s->p = p;
	reply_parser_init(&s->rp);
	while (st != ST_DONE) {
		if (log_verbose() > 1)
			log_debug("smtp: %s", smtp_steps[st].name);
		st = smtp_steps[st].run(s, e);
	}
	rc = s->delivered && !err_is_set(e) ? 0 : -1;
	if (rc == -1 && !err_is_set(e))
		err_set(e, EX_SOFTWARE, "session ended without a verdict");
	free(s);
	return rc;
}
