/*
 * smtp_mail.c - the mail transaction: MAIL, RCPT..., DATA and the body.
 *
 * MAIL, the RCPTs and DATA leave in groups of SMTP_PIPELINE_MAX when the
 * server offers PIPELINING (every reply is read, RFC 2920 3.1), else one
 * command per flight.  Recipients are all or nothing: one refused and the
 * message goes to nobody.  The one exception is "452 too many recipients"
 * (RFC 5321 4.5.3.1.10): the accepted ones get the message and the rest
 * follow in a new transaction on the same connection.  For the queue
 * runner the next message's first group rides behind the final dot
 * (body_ahead): one round trip per message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "data.h"
#include "log.h"
#include "sig.h"
#include "smtp_int.h"

/* What SIZE= says and the server gets: the prefix and the spool. */
static size_t
mail_size(const struct smtp_params *p)
{
	return p->env.size + (p->prefix != NULL ? strlen(p->prefix) : 0);
}

static int
mail_check(struct smtp_session *s, struct err *e)
{
	const struct smtp_params *p = s->p;

	if (s->capa.size && s->capa.size_max > 0 &&
	    mail_size(p) > s->capa.size_max)
		return err_set(e, EX_DATAERR, "message is %zu bytes, %s "
		    "accepts at most %lu", mail_size(p), s->c->addr,
		    s->capa.size_max);
	if (p->env.smtputf8 && !s->capa.smtputf8)
		return err_set(e, EX_DATAERR, "the envelope has non-ASCII "
		    "addresses but %s does not offer SMTPUTF8", s->c->addr);
	/* RFC 3461 4: the parameters only to a server that offers DSN */
	if (dsn_any(&p->env.dsn) && !s->capa.dsn)
		log_debug("%s does not offer DSN: NOTIFY, RET and ENVID left "
		    "out", s->c->addr);
	return 0;
}

/* " RET=FULL ENVID=xtext" for MAIL, when asked for and offered. */
static void
mail_dsn(const struct smtp_session *s, char *out, size_t cap)
{
	const struct dsn_params *d = &s->p->env.dsn;
	char x[DSN_XTEXT_MAX];

	out[0] = '\0';
	if (!s->capa.dsn)
		return;
	dsn_xtext(d->envid, x, sizeof(x));
	snprintf(out, cap, "%s%s%s%s", d->ret != DSN_RET_UNSET ? " RET=" : "",
	    dsn_ret_text(d->ret), x[0] != '\0' ? " ENVID=" : "", x);
}

/* Command i of the transaction: MAIL, RCPT 1..n, DATA. */
static int
mail_put(struct smtp_session *s, size_t i, struct err *e)
{
	const struct smtp_params *p = s->p;
	char size[32] = "", dsn[DSN_XTEXT_MAX + 32], notify[DSN_NOTIFY_MAX];

	if (i == 0) {
		if (s->capa.size)
			snprintf(size, sizeof(size), " SIZE=%zu",
			    mail_size(p));
		mail_dsn(s, dsn, sizeof(dsn));
		return smtp_putf(s, e, "MAIL FROM:<%s>%s%s%s%s",
		    p->env.sender, size, (p->env.eightbit ||
		    p->env.smtputf8) && s->capa.eightbitmime ?
		    " BODY=8BITMIME" : "", p->env.smtputf8 ? " SMTPUTF8" : "",
		    dsn);
	}
	notify[0] = '\0';
	if (s->capa.dsn)
		dsn_notify_text(p->env.dsn.notify, notify, sizeof(notify));
	if (i <= s->ntodo)
		return smtp_putf(s, e, "RCPT TO:<%s>%s%s",
		    p->env.rcpts[s->todo[i - 1]], notify[0] != '\0' ?
		    " NOTIFY=" : "", notify);
	return smtp_put(s, "DATA", e);
}

struct mail_result {
	struct err	 mail;		/* MAIL refused */
	struct err	 perm;		/* first permanent RCPT refusal */
	struct err	 temp;		/* first temporary RCPT refusal */
	struct err	 defer;		/* first "too many recipients" */
	size_t		 accepted;	/* RCPTs that got 2xx */
	bool		 accepted_after_defer;	/* then it was no limit */
	bool		 data_354;
	bool		 data_seen;
};

/*
 * RFC 5321 4.5.3.1.10: a server out of room for recipients answers 452
 * (older ones 552), with 4.5.3 / 5.5.3 or no enhanced code.  Anything
 * else (4.2.2 mailbox full ...) is an ordinary refusal.
 */
static bool
rcpt_limit(const struct reply *r)
{
	if (r->code == 452)
		return r->enh[0] == '\0' || strcmp(r->enh, "4.5.3") == 0;
	if (r->code == 552)
		return r->enh[0] == '\0' || strcmp(r->enh, "5.5.3") == 0;
	return false;
}

static void
mail_note(struct smtp_session *s, size_t i, struct mail_result *m)
{
	const struct reply *r = &s->r;
	char what[ADDR_MAX + 16];

	if (i == 0) {
		if (smtp_class(r) != 2)
			err_reply(&m->mail, ERR_CMD_MAIL, "MAIL FROM", r);
	} else if (i <= s->ntodo) {
		if (smtp_class(r) == 2) {
			m->accepted++;
			m->accepted_after_defer |= err_is_set(&m->defer);
			return;
		}
		snprintf(what, sizeof(what), "RCPT TO:<%s>",
		    s->p->env.rcpts[s->todo[i - 1]]);
		if (rcpt_limit(r)) {
			/* too many recipients: put off to the next round */
			s->next[s->nnext++] = s->todo[i - 1];
			err_reply(&m->defer, ERR_CMD_RCPT, what, r);
			return;
		}
		err_reply(smtp_class(r) == 4 ? &m->temp : &m->perm,
		    ERR_CMD_RCPT, what, r);
	} else {
		m->data_seen = true;
		m->data_354 = r->code == 354;
		if (!m->data_354 && !err_is_set(&m->mail) &&
		    !err_is_set(&m->perm) && !err_is_set(&m->temp) &&
		    m->accepted > 0)
			err_reply(&m->mail, ERR_CMD_DATA, "DATA", r);
	}
}

/*
 * The first refusal decides: MAIL, then a permanent RCPT, then a temp.  A
 * "too many recipients" counts as a temporary refusal when nothing was
 * accepted, or when a later recipient was accepted after all (then it was
 * no limit, and splitting would break all-or-nothing).
 */
static void
mail_verdict(const struct mail_result *m, struct err *e)
{
	if (err_is_set(&m->mail))
		*e = m->mail;
	else if (err_is_set(&m->perm))
		*e = m->perm;
	else if (err_is_set(&m->temp))
		*e = m->temp;
	else if (err_is_set(&m->defer) &&
	    (m->accepted == 0 || m->accepted_after_defer))
		*e = m->defer;
}

static bool
mail_refused(const struct mail_result *m)
{
	return err_is_set(&m->mail) || err_is_set(&m->perm) ||
	    err_is_set(&m->temp) || (err_is_set(&m->defer) &&
	    (m->accepted == 0 || m->accepted_after_defer));
}

/*
 * The transaction is given up after the refusal in e.  With PIPELINING
 * the commands behind it were already out, and their replies (503 "need
 * MAIL first", a 554 to DATA) read like failures of their own: -v says
 * they follow from this one.  All or nothing, so unless an earlier round
 * of this session delivered, nobody got the message: a final error says
 * so (a temporary one queues the message, and that line says what next).
 */
static void
mail_abandon(const struct smtp_session *s, const struct mail_result *m,
    struct err *e)
{
	size_t len = strlen(e->msg);

	if (s->capa.pipelining)
		log_debug("transaction abandoned after: %s (replies to the "
		    "pipelined commands behind it follow from this refusal)",
		    e->msg);
	if (s->rounds > 0 || e->ex == EX_TEMPFAIL)
		return;		/* a queued message says so itself */
	if (!m->data_354)
		snprintf(e->msg + len, sizeof(e->msg) - len, " (no recipient "
		    "got the message)");
	else
		snprintf(e->msg + len, sizeof(e->msg) - len, " (no recipient "
		    "got the message: the connection is dropped so the server "
		    "delivers to none)");
}

/*
 * MAIL, every RCPT and DATA: in groups of SMTP_PIPELINE_MAX commands when
 * the server offers PIPELINING (every reply is read, RFC 2920 3.1), else
 * one command per flight.  All or nothing: one refused recipient and the
 * message goes to nobody.
 */
enum smtp_state
smtp_st_mail(struct smtp_session *s, struct err *e)
{
	struct mail_result m;
	size_t total = s->ntodo + 2, i = 0, j, group;

	if (s->ahead == 0 && mail_check(s, e) == -1)
		return SMTP_ST_QUIT;
	memset(&m, 0, sizeof(m));
	s->nnext = 0;
	group = s->capa.pipelining ? SMTP_PIPELINE_MAX : 1;
	while (i < total) {
		if (s->ahead > 0) {
			/* the first group went out behind the last dot */
			j = s->ahead;
			s->ahead = 0;
		} else {
			for (j = i; j < total && j < i + group; j++)
				if (mail_put(s, j, e) == -1)
					return SMTP_ST_DONE;
			if (smtp_flush(s, e) == -1)
				return SMTP_ST_DONE;
		}
		for (; i < j; i++) {
			if (smtp_reply(s, smtp_deadline(s), e) == -1)
				return SMTP_ST_DONE;
			mail_note(s, i, &m);
		}
		/* a refusal decides: send no further group (nor DATA) */
		if (mail_refused(&m))
			break;
	}
	mail_verdict(&m, e);
	if (err_is_set(e))
		mail_abandon(s, &m, e);
	if (m.data_354 && conn_pending(s->c) != 0) {
		/* nothing may follow a 354: it would pose as the verdict */
		err_init(e);
		err_set(e, EX_PROTOCOL, "%s sent data after its 354 reply",
		    s->c->addr);
		return SMTP_ST_DONE;
	}
	if (!err_is_set(e) && m.data_354)
		return SMTP_ST_BODY;
	/* 354 but a recipient was refused: only a dropped connection
	 * stops the server from delivering to the others. */
	return m.data_354 ? SMTP_ST_DONE : SMTP_ST_QUIT;
}

static enum smtp_state
body_final(struct smtp_session *s, struct err *e)
{
	if (smtp_reply(s, smtp_deadline(s), e) == -1) {
		e->flags |= ERR_DUP_RISK;
		return SMTP_ST_DONE;
	}
	if (smtp_class(&s->r) == 2 && s->nnext > 0) {
		/* the rest of the recipients, in a new transaction */
		size_t *t = s->todo;

		log_debug("%zu recipient(s) put off by the server: another "
		    "transaction", s->nnext);
		s->rounds++;
		s->todo = s->next;
		s->ntodo = s->nnext;
		s->next = t;
		s->nnext = 0;
		return SMTP_ST_MAIL;
	}
	if (smtp_class(&s->r) == 2) {
		s->delivered = true;
		/*
		 * From here on the server has it: a signal during the QUIT
		 * that follows must not make a direct send exit 75 (sig.h).
		 */
		if (s->p->next == NULL)
			sig_committed();
		return SMTP_ST_QUIT;
	}
	err_reply(e, ERR_CMD_DOT, "message", &s->r);
	return SMTP_ST_QUIT;
}

/*
 * The verdict on the message whose dot went out before the next one was
 * loaded (v unset: delivered).  As smtp.c's smtp_txn_end would: a
 * failure after an earlier round of it delivered is a possible
 * duplicate.
 */
static void
ahead_report(struct smtp_session *s, unsigned rounds, struct err *v)
{
	if (err_is_set(v) && rounds > 0)
		v->flags |= ERR_DUP_RISK;
	(void)s->p->next(s->p->next_arg, s->p, err_is_set(v) ? v : NULL,
	    false);
}

/*
 * The connection failed, or the server is closing (421), with the next
 * message's commands out and the older message's verdict in v: that
 * verdict is reported and the session ends.  The next message's
 * transaction never got an answer, so it is nobody's failure: it is left
 * unreported (smtp_ahead_fn), and the connection is dropped rather than
 * quit, since the server may still read our QUIT as message content.
 */
static enum smtp_state
ahead_end(struct smtp_session *s, unsigned rounds, struct err *v,
    struct err *e)
{
	ahead_report(s, rounds, v);
	*e = *v;
	s->in_txn = false;
	return SMTP_ST_DONE;
}

/*
 * RFC 2920 3.1: behind this message's final dot go the next message's
 * MAIL, RCPT... and DATA (message content may open a group, DATA closes
 * it), so that one round trip carries the dot's reply and theirs.  The
 * replies still come in order and each is read in turn: the first is
 * this message's verdict and is reported before any reply of the next
 * message is looked at, so a refusal never lands on the wrong one.
 */
static enum smtp_state
body_ahead(struct smtp_session *s, struct err *e)
{
	unsigned rounds = s->rounds;
	size_t total, n, j;
	struct err v, ce;

	if (s->p->ahead(s->p->next_arg, s->p) != 1) {
		/* nothing follows after all: QUIT ends the group */
		if (smtp_put(s, "QUIT", e) == -1)
			return SMTP_ST_DONE;
		s->quit_sent = true;
		if (smtp_flush(s, e) == -1)
			return SMTP_ST_DONE;
		return body_final(s, e);
	}
	err_init(&v);
	err_init(&ce);
	if (smtp_txn_init(s, &ce) == 0 && mail_check(s, &ce) == 0) {
		total = s->ntodo + 2;
		n = total < SMTP_PIPELINE_MAX ? total : SMTP_PIPELINE_MAX;
		for (j = 0; j < n && !err_is_set(&v); j++)
			(void)mail_put(s, j, &v);
		s->ahead = n;
	}
	/* else: the next message fails on its own once this one is judged */
	if (err_is_set(&v) || smtp_flush(s, &v) == -1 ||
	    smtp_reply(s, smtp_deadline(s), &v) == -1) {
		v.flags |= ERR_DUP_RISK;
		return ahead_end(s, rounds, &v, e);
	}
	if (smtp_class(&s->r) != 2)
		err_reply(&v, ERR_CMD_DOT, "message", &s->r);
	if (s->r.code == 421)
		return ahead_end(s, rounds, &v, e);
	ahead_report(s, rounds, &v);
	if (ce.ex == EX_OSERR) {
		/* no room for its recipient lists: it waits, untried */
		*e = ce;
		s->in_txn = false;
		return SMTP_ST_DONE;
	}
	/* a failed dot ends its transaction too: no RSET is needed */
	return SMTP_ST_MAIL;
}

enum smtp_state
smtp_st_body(struct smtp_session *s, struct err *e)
{
	struct data_enc enc;
	ssize_t n;
	size_t m;

	data_enc_init(&enc);
	log_debug("sending %zu bytes of message", s->p->env.size);
	if (lseek(s->p->spool_fd, 0, SEEK_SET) == -1) {
		err_sys(e, EX_IOERR, "spool");
		return SMTP_ST_DONE;
	}
	if (s->p->prefix != NULL) {
		m = data_encode(&enc, s->p->prefix, strlen(s->p->prefix),
		    s->out);
		if (conn_write(s->c, s->out, m, smtp_deadline(s), e) == -1)
			return SMTP_ST_DONE;
	}
	for (;;) {
		n = read(s->p->spool_fd, s->in, sizeof(s->in));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_sys(e, EX_IOERR, "reading the spooled message");
			return SMTP_ST_DONE;
		}
		if (n == 0)
			break;
		m = data_encode(&enc, s->in, (size_t)n, s->out);
		if (conn_write(s->c, s->out, m, smtp_deadline(s), e) == -1)
			return SMTP_ST_DONE;
	}
	if (s->p->before_dot != NULL &&
	    s->p->before_dot(s->p->dot_arg, e) == -1)
		return SMTP_ST_DONE;	/* no dot: the server drops it */
	m = data_finish(&enc, s->out);
	log_proto_send(false, ".", 1);
	if (conn_write(s->c, s->out, m, smtp_deadline(s), e) == -1)
		return SMTP_ST_DONE;
	if (s->capa.pipelining && s->nnext == 0 && s->p->more &&
	    s->p->ahead != NULL)
		return body_ahead(s, e);
	/* RFC 2920 3.1: QUIT may end a group; it saves a round trip */
	if (s->capa.pipelining && s->nnext == 0 && !s->p->more) {
		if (smtp_put(s, "QUIT", e) == -1)
			return SMTP_ST_DONE;
		s->quit_sent = true;
	}
	if (smtp_flush(s, e) == -1)
		return SMTP_ST_DONE;
	return body_final(s, e);
}
