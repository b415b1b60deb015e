/*
 * smtp_auth.c - the AUTH state (RFC 4954): PLAIN with an initial response
 * (two steps when the line would pass 512 octets), LOGIN, EXTERNAL, and the
 * token mechanisms XOAUTH2 and OAUTHBEARER (layouts in sasl.h; two steps
 * when too long, as PLAIN).  A refused token is marked ERR_AUTH_TOKEN so
 * that a caller holding a refresh token may fetch a new one and try once
 * more on a new connection.
 *
 * SCRAM-SHA-256 (scram.h) takes three steps: our first message with the
 * command, the proof after the server's 334, and an empty line after the
 * 334 that carries the server's signature (RFC 4954 4: additional data
 * with success comes as a challenge), checked before anything else is
 * sent.  -PLUS binds the exchange to the TLS session (tls-exporter); when
 * the server does not offer -PLUS but the session could be bound, the
 * GS2 header says so ("y"), so a server that does offer it detects that
 * its offer was stripped.
 *
 * One attempt per run: a refusal is final, no second mechanism is tried
 * with the same password (account lock-out).  Lines that carry a secret
 * are wiped as soon as they are written; the transcript writer redacts
 * them (log.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "log.h"
#include "sasl.h"
#include "scram.h"
#include "smtp_int.h"

static enum smtp_state
auth_finish(struct smtp_session *s, struct err *e)
{
	if (s->r.code == 334) {
		/* a challenge where none is expected: cancel (RFC 4954 4) */
		if (smtp_cmd(s, "*", e) == -1)
			return SMTP_ST_DONE;
		err_set(e, EX_NOPERM, "AUTH failed: unexpected challenge "
		    "from %s", s->c->addr);
		return SMTP_ST_QUIT;
	}
	if (smtp_class(&s->r) == 2)
		return SMTP_ST_MAIL;
	if (smtp_class(&s->r) == 4 || smtp_class(&s->r) == 5) {
		err_reply(e, ERR_CMD_AUTH, "AUTH", &s->r);
		e->flags |= ERR_AUTH;
		return SMTP_ST_QUIT;
	}
	err_set(e, EX_PROTOCOL, "unexpected reply to AUTH: %d", s->r.code);
	return SMTP_ST_DONE;
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
		return SMTP_ST_QUIT;
	}
	log_secret_add(b64, strlen(b64), false);
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
	return rc == -1 ? SMTP_ST_DONE : auth_finish(s, e);
}

static enum smtp_state
auth_login(struct smtp_session *s, struct err *e)
{
	char b64[SMTP_LINE_MAX];
	const char *part[2] = { s->p->user, s->p->password };
	size_t i, n;

	if (smtp_cmd(s, "AUTH LOGIN", e) == -1)
		return SMTP_ST_DONE;
	for (i = 0; i < 2 && s->r.code == 334; i++) {
		n = strlen(part[i]);
		if (B64_ENCODED_SIZE(n) > sizeof(b64)) {
			err_set(e, EX_CONFIG, "user or password too long");
			return SMTP_ST_QUIT;
		}
		b64_encode(part[i], n, b64);
		if (auth_step(s, b64, e) == -1)
			return SMTP_ST_DONE;
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
		return SMTP_ST_QUIT;
	}
	snprintf(line, sizeof(line), "AUTH EXTERNAL %s", b64);
	if (smtp_cmd(s, line, e) == -1)
		return SMTP_ST_DONE;
	return auth_finish(s, e);
}

static int
auth_token_msg(struct smtp_session *s, enum sasl_mech m, char *b64,
    size_t cap)
{
	const struct smtp_params *p = s->p;

	if (m == SASL_XOAUTH2)
		return sasl_xoauth2(p->user, p->password, b64, cap);
	return sasl_oauthbearer(p->user, p->tls_opts.host, s->c->port,
	    p->password, b64, cap);
}

/* Send the token message: with the command, or after a 334 if too long */
static int
auth_token_send(struct smtp_session *s, const char *name, char *b64,
    struct err *e)
{
	char line[SMTP_LINE_MAX + 24];
	int rc;

	log_secret_add(b64, strlen(b64), false);
	snprintf(line, sizeof(line), "AUTH %s %s", name, b64);
	if (strlen(line) <= SMTP_CMD_MAX_LEN) {
		rc = auth_step(s, line, e);
	} else {
		/* RFC 4954 4 (the form Microsoft documents) */
		snprintf(line, sizeof(line), "AUTH %s", name);
		rc = smtp_cmd(s, line, e);
		if (rc == 0 && s->r.code == 334)
			rc = auth_step(s, b64, e);
	}
	explicit_bzero(line, sizeof(line));
	return rc;
}

static enum smtp_state
auth_token(struct smtp_session *s, enum sasl_mech m, struct err *e)
{
	char b64[SMTP_LINE_MAX];
	enum smtp_state next;
	bool challenged = false;
	int rc;

	if (auth_token_msg(s, m, b64, sizeof(b64)) == -1) {
		err_set(e, EX_CONFIG, "user or token unusable for AUTH %s",
		    sasl_name(m));
		return SMTP_ST_QUIT;
	}
	rc = auth_token_send(s, sasl_name(m), b64, e);
	explicit_bzero(b64, sizeof(b64));
	if (rc == -1)
		return SMTP_ST_DONE;
	if (s->r.code == 334) {
		/*
		 * The error challenge (a JSON status): answer it so that the
		 * server sends its final reply - an empty line for XOAUTH2,
		 * a lone 0x01 for OAUTHBEARER (RFC 7628 3.2.3).
		 */
		log_debug("AUTH %s: the server refused the token",
		    sasl_name(m));
		if (smtp_cmd(s, m == SASL_OAUTHBEARER ? "AQ==" : "", e) == -1)
			return SMTP_ST_DONE;
		challenged = true;
	}
	next = auth_finish(s, e);
	/* the token itself was refused (not, say, a 504 or a 454) */
	if (next == SMTP_ST_QUIT && smtp_class(&s->r) == 5 &&
	    (challenged || s->r.code == 535))
		e->flags |= ERR_AUTH_TOKEN;
	return next;
}

/* The 334's text, base64-decoded, NUL-terminated, into out. */
static int
auth_challenge(struct smtp_session *s, char *out, size_t cap, size_t *len,
    struct err *e)
{
	const char *t = reply_line(&s->r, 0);

	if (s->r.nlines != 1 || b64_decode(t, strlen(t), (unsigned char *)out,
	    cap - 1, len) == -1)
		return err_set(e, EX_PROTOCOL, "SCRAM: the challenge from %s "
		    "is not one line of base64", s->c->addr);
	out[*len] = '\0';
	return 0;
}

/* Cancel the exchange (RFC 4954 4), keep e. */
static enum smtp_state
auth_cancel(struct smtp_session *s)
{
	struct err ignored;

	err_init(&ignored);
	return smtp_cmd(s, "*", &ignored) == -1 ? SMTP_ST_DONE : SMTP_ST_QUIT;
}

struct scram_io {
	struct scram	 sc;
	char		 raw[SCRAM_MSG_MAX];
	char		 final[SCRAM_MSG_MAX];	/* holds the proof */
	char		 b64[B64_ENCODED_SIZE(SCRAM_MSG_MAX)];
	char		 line[B64_ENCODED_SIZE(SCRAM_MSG_MAX) + 32];
	unsigned char	 cb[SCRAM_CB_MAX];
};

/* AUTH SCRAM-SHA-256[-PLUS] with our first message; 0 when a 334 came */
static int
scram_start(struct smtp_session *s, struct scram_io *io, enum sasl_mech m,
    struct err *e)
{
	char nonce[SCRAM_NONCE_LEN + 1];
	size_t cblen = 0;
	bool bound;

	bound = tls_channel_binding(s->c, io->cb, sizeof(io->cb), &cblen) == 0;
	if (m == SASL_SCRAM_PLUS && !bound)
		return err_set(e, EX_UNAVAILABLE, "AUTH SCRAM-SHA-256-PLUS: "
		    "this TLS session has no tls-exporter binding (TLS 1.3 "
		    "needed)");
	log_debug("SCRAM channel binding: %s", m == SASL_SCRAM_PLUS ?
	    "tls-exporter" : bound ? "possible, not offered" : "none");
	if (scram_nonce(nonce, sizeof(nonce)) == -1 ||
	    scram_first(&io->sc, s->p->user, nonce, m == SASL_SCRAM_PLUS ?
	    SCRAM_GS2_EXPORTER : bound ? SCRAM_GS2_COULD : SCRAM_GS2_NONE,
	    io->cb, m == SASL_SCRAM_PLUS ? cblen : 0, io->raw,
	    sizeof(io->raw)) == -1)
		return err_set(e, EX_CONFIG, "user unusable for AUTH %s",
		    sasl_name(m));
	b64_encode(io->raw, strlen(io->raw), io->b64);
	snprintf(io->line, sizeof(io->line), "AUTH %s %s", sasl_name(m),
	    io->b64);
	return smtp_cmd(s, io->line, e);
}

static enum smtp_state
auth_scram_run(struct smtp_session *s, struct scram_io *io, enum sasl_mech m,
    struct err *e)
{
	size_t len;

	s->r.code = 0;
	if (scram_start(s, io, m, e) == -1)	/* before or after the send */
		return s->r.code == 0 && e->ex != EX_TEMPFAIL ?
		    SMTP_ST_QUIT : SMTP_ST_DONE;
	if (s->r.code != 334)
		return auth_finish(s, e);
	if (auth_challenge(s, io->raw, sizeof(io->raw), &len, e) == -1 ||
	    scram_final(&io->sc, s->p->password, io->raw, len, io->final,
	    sizeof(io->final), e) == -1)
		return auth_cancel(s);
	b64_encode(io->final, strlen(io->final), io->line);
	if (auth_step(s, io->line, e) == -1)
		return SMTP_ST_DONE;
	if (s->r.code != 334) {
		if (smtp_class(&s->r) == 2) {
			/* it never showed it knows the password */
			err_set(e, EX_PROTOCOL, "SCRAM: %s accepted without "
			    "its signature", s->c->addr);
			return SMTP_ST_QUIT;
		}
		return auth_finish(s, e);
	}
	if (auth_challenge(s, io->raw, sizeof(io->raw), &len, e) == -1 ||
	    scram_check(&io->sc, io->raw, len, e) == -1)
		return auth_cancel(s);
	if (smtp_cmd(s, "", e) == -1)
		return SMTP_ST_DONE;
	return auth_finish(s, e);
}

static enum smtp_state
auth_scram(struct smtp_session *s, enum sasl_mech m, struct err *e)
{
	struct scram_io *io;
	enum smtp_state next;

	if ((io = calloc(1, sizeof(*io))) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return SMTP_ST_QUIT;
	}
	next = auth_scram_run(s, io, m, e);
	explicit_bzero(io, sizeof(*io));
	free(io);
	return next;
}

static enum smtp_state
auth_run(struct smtp_session *s, struct err *e)
{
	enum sasl_mech mech;

	if (sasl_pick(s->p->auth, s->capa.auth_mechs, s->c->is_tls,
	    s->p->tls_opts.cert_file != NULL, &mech, e) == -1)
		return SMTP_ST_QUIT;
	if (mech == SASL_NONE)
		return SMTP_ST_MAIL;
	if (mech != SASL_EXTERNAL &&
	    (s->p->password == NULL || s->p->user == NULL)) {
		err_set(e, EX_CONFIG, "AUTH %s needs a user and a %s",
		    sasl_name(mech), sasl_is_token(mech) ? "token" :
		    "password");
		return SMTP_ST_QUIT;
	}
	log_debug("authenticating with %s", sasl_name(mech));
	/* what a hostile server could echo back (log.h) */
	log_secret_reset();
	if (s->p->password != NULL)
		log_secret_add(s->p->password, strlen(s->p->password), true);
	if (mech == SASL_PLAIN)
		return auth_plain(s, e);
	if (mech == SASL_LOGIN)
		return auth_login(s, e);
	if (sasl_is_token(mech))
		return auth_token(s, mech, e);
	if (mech == SASL_SCRAM || mech == SASL_SCRAM_PLUS)
		return auth_scram(s, mech, e);
	return auth_external(s, e);
}

enum smtp_state
smtp_st_auth(struct smtp_session *s, struct err *e)
{
	enum smtp_state next;

	next = auth_run(s, e);
	/* AUTH is over, one way or the other: the password is not needed */
	if (s->p->password != NULL)
		explicit_bzero(s->p->password, strlen(s->p->password));
	return next;
}
