/*
 * submit.c - the one delivery pipeline (submit.h): credentials, the
 * session, the OAuth2 retry, the fallback account, a verdict and a log
 * line per message.
 *
 * A session reports each message through deliver()'s next hook (batch)
 * or through its return value (one message).  A message the session
 * never reached a verdict on - it failed before the transaction, in the
 * connect, TLS or AUTH phase - is "pending": it is the one the OAuth2
 * retry and the fallback account carry on with.  A message refused for
 * now inside its own transaction is stashed for the fallback account
 * (up to SUBMIT_STASH_MAX; past that it gets its verdict at once).  No
 * message that may have reached the server (ERR_DUP_RISK) is ever sent
 * again here: it goes to the caller, marked.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cfg.h"
#include "cred.h"
#include "deadline.h"
#include "deliver.h"
#include "log.h"
#include "msglog.h"
#include "oauth2.h"
#include "submit.h"
#include "transport.h"

struct submit_ctx {
	const struct submit_req	*rq;
	const struct account	*a;		/* this session's account */
	char			 ehlo[HOSTNAME_MAX + 1];
	struct deliver_used	 used;
	/* the message on the wire, or pending after a failed session */
	struct submit_msg	 cur;
	bool			 have_cur;
	/* its dot out, its verdict to come, cur loaded behind it */
	struct submit_msg	 prev;
	bool			 have_prev;
	unsigned		 judged;	/* verdicts of this session */
	bool			 src_done;	/* next() said no more */
	/* refused for now in their transaction: the fallback's turn */
	struct submit_msg	 stash[SUBMIT_STASH_MAX];
	size_t			 nstash;
	size_t			 stash_pos;	/* fallback: next to send */
	bool			 fallback;	/* the fallback's session */
	struct secret		*fbpw;	/* the fallback's, from the config */
	/*
	 * The account's own credentials failed: nothing a retry from the
	 * queue fixes unattended (a locked keyring, a helper that fails),
	 * so a temporary error there is not "queue it".
	 */
	bool			 no_creds;
};

int
submit_ehlo_name(const struct account *a, char out[HOSTNAME_MAX + 1],
    struct err *e)
{
	if (a->domain != NULL) {
		if (!hostname_usable(a->domain))
			return err_set(e, EX_CONFIG, "account %s: domain = %s "
			    "is not a fully qualified host name", a->name,
			    a->domain);
		snprintf(out, HOSTNAME_MAX + 1, "%s", a->domain);
		return 0;
	}
	if (!hostname_fqdn(out, HOSTNAME_MAX + 1))
		out[0] = '\0';
	return 0;
}

/* The log line (msglog.h) of one message. */
static void
submit_log(struct submit_ctx *x, const struct submit_msg *m,
    const struct submit_verdict *v)
{
	struct msglog_rec lr;

	memset(&lr, 0, sizeof(lr));
	lr.a = x->rq->a;
	lr.used = &x->used;
	lr.from = m->env.sender;
	lr.rcpts = m->env.rcpts;
	lr.nrcpts = m->env.nrcpts;
	lr.size = m->env.size;
	lr.e = &v->e;
	lr.queued = v->queued[0] != '\0' ? v->queued : NULL;
	lr.entry = m->entry;
	lr.ms = deadline_now_ms() - m->t0;
	msglog_write(x->rq->cfg, &lr);
}

/*
 * The verdict on m: e NULL when delivered (in_txn), or when m was never
 * tried (!in_txn: SUBMIT_UNTRIED).
 */
static void
submit_done(struct submit_ctx *x, const struct submit_msg *m,
    const struct err *e, bool in_txn)
{
	struct submit_verdict v;

	memset(&v, 0, sizeof(v));
	err_init(&v.e);
	v.account = x->a->name;
	v.in_txn = in_txn;
	if (e == NULL && !in_txn) {
		v.outcome = SUBMIT_UNTRIED;
	} else if (e == NULL || !err_is_set(e)) {
		v.outcome = SUBMIT_DELIVERED;
	} else {
		v.e = *e;
		cfg_err_locate(x->a, &v.e);
		v.outcome = e->ex == EX_TEMPFAIL && !x->no_creds ?
		    SUBMIT_QUEUE : SUBMIT_REFUSED;
	}
	x->rq->ops->done(x->rq->arg, m, &v);
	if (v.outcome != SUBMIT_UNTRIED)
		submit_log(x, m, &v);
	if (x->rq->ops->release != NULL)
		x->rq->ops->release(x->rq->arg, m);
}

/* The next message of this session into m: 1, or 0 when none is left. */
static int
submit_take(struct submit_ctx *x, struct submit_msg *m)
{
	if (x->fallback && x->stash_pos < x->nstash) {
		*m = x->stash[x->stash_pos++];
		m->more = m->more || x->stash_pos < x->nstash;
		return 1;
	}
	if (x->src_done)
		return 0;
	memset(m, 0, sizeof(*m));
	if (x->rq->ops->next(x->rq->arg, m) != 1) {
		x->src_done = true;
		return 0;
	}
	if (m->t0 == 0)
		m->t0 = deadline_now_ms();
	return 1;
}

/*
 * A fallback account with an API transport is the last resort of an SMTP
 * account whose ports are all blocked: taken only when no server of the
 * account answered at all (and not for hold = on), never for a server's
 * own "try later".
 */
static bool
submit_api_fallback_ok(const struct submit_ctx *x, const struct err *e)
{
	const struct account *fb = cfg_account(x->rq->cfg, x->a->fallback);

	if (fb == NULL || fb->transport == TRANSPORT_SMTP ||
	    x->a->transport != TRANSPORT_SMTP)
		return true;
	return x->used.port == 0 && (e->flags & ERR_HOLD) == 0;
}

/* Would the fallback account take this failure of x->a? */
static bool
submit_for_fallback(const struct submit_ctx *x, const struct err *e)
{
	return !x->fallback && x->a->fallback != NULL &&
	    e->ex == EX_TEMPFAIL && (e->flags & ERR_DUP_RISK) == 0 &&
	    submit_api_fallback_ok(x, e);
}

static void
submit_load(struct smtp_params *p, const struct submit_msg *m)
{
	p->env = m->env;
	p->spool_fd = m->spool_fd;
	p->prefix = m->prefix;
	p->more = m->more;
}

/* smtp.h's dot hook: the caller's, for the message on the wire. */
static int
submit_dot(void *arg, struct err *e)
{
	struct submit_ctx *x = arg;

	if (!x->have_cur || x->rq->ops->dot == NULL)
		return 0;
	return x->rq->ops->dot(x->rq->arg, &x->cur, e);
}

/* The session's verdict on m: given, or m kept for the fallback. */
static void
submit_judge(struct submit_ctx *x, const struct submit_msg *m,
    const struct err *verdict)
{
	x->judged++;
	if (verdict != NULL && submit_for_fallback(x, verdict) &&
	    x->nstash < SUBMIT_STASH_MAX) {
		log_debug("account %s refused a message for now (%s): kept "
		    "for fallback account %s", x->a->name, verdict->msg,
		    x->a->fallback);
		x->stash[x->nstash++] = *m;
	} else {
		submit_done(x, m, verdict, true);
	}
}

/*
 * deliver.c's ahead hook (smtp.h): cur's dot is out; the next message
 * is loaded behind it, and cur waits in prev for its verdict.
 */
static int
submit_ahead(void *arg, struct smtp_params *p)
{
	struct submit_ctx *x = arg;
	struct submit_msg m;

	if (!x->have_cur || x->have_prev || submit_take(x, &m) == 0)
		return 0;
	x->prev = x->cur;
	x->have_prev = true;
	x->cur = m;
	submit_load(p, &x->cur);
	return 1;
}

/*
 * deliver.c's next hook (smtp.h): a verdict - on prev when one waits
 * there, else on cur - then the next message.
 */
static int
submit_next(void *arg, struct smtp_params *p, const struct err *verdict,
    bool can_continue)
{
	struct submit_ctx *x = arg;

	if (x->have_prev) {
		x->have_prev = false;
		submit_judge(x, &x->prev, verdict);
		return 0;	/* the next one is loaded already */
	}
	if (x->have_cur) {
		x->have_cur = false;
		submit_judge(x, &x->cur, verdict);
	}
	if (!can_continue || submit_take(x, &x->cur) == 0)
		return 0;
	x->have_cur = true;
	submit_load(p, &x->cur);
	return 1;
}

/*
 * One session of x->a over x->cur and whatever follows.  0 when it ran
 * (every message it took has its verdict or is stashed); -1 with e when
 * it failed before a verdict on x->cur, which is still pending.
 */
static int
submit_session(struct submit_ctx *x, struct secret *pw, struct err *e)
{
	struct deliver_req dr;
	int rc;

	memset(&dr, 0, sizeof(dr));
	dr.a = x->a;
	dr.env = &x->cur.env;
	dr.spool_fd = x->cur.spool_fd;
	dr.prefix = x->cur.prefix;
	dr.pw = pw;
	dr.ehlo_name = x->ehlo[0] != '\0' ? x->ehlo : NULL;
	dr.used = &x->used;
	if (x->rq->batch) {
		dr.more = x->cur.more;
		dr.next = submit_next;
		dr.ahead = submit_ahead;
		dr.next_arg = x;
		dr.before_dot = submit_dot;
		dr.dot_arg = x;
	}
	x->judged = 0;
	rc = x->a->transport == TRANSPORT_SMTP ? deliver(&dr, e) :
	    transport_deliver(&dr, e);
	if (!x->rq->batch) {
		if (rc == 0) {
			x->have_cur = false;
			submit_done(x, &x->cur, NULL, true);
		}
		return rc;
	}
	if (x->have_prev) {
		/* never happens: smtp.c reports the older message first */
		x->have_prev = false;
		submit_done(x, &x->prev, e, true);
	}
	if (x->have_cur && x->judged > 0) {
		/*
		 * The session ended behind an earlier message of its own
		 * (a broken connection, a 421): cur was loaded, perhaps its
		 * commands sent, but its transaction was never answered.
		 * It is left as it was, like the messages never loaded.
		 */
		x->have_cur = false;
		submit_done(x, &x->cur, NULL, false);
		return 0;
	}
	return x->have_cur ? -1 : 0;
}

/*
 * x->a's session, and once more with a fresh access token when the
 * server refused the one it had (a token can be revoked before it
 * expires; refreshing is what the account's oauth2 settings are for).
 */
static int
submit_account(struct submit_ctx *x, struct secret **pw, struct err *e)
{
	int r;

	if (submit_session(x, *pw, e) == 0)
		return 0;
	if ((r = oauth2_refresh_retry(x->a, pw, e)) != 1)
		return -1;
	return submit_session(x, *pw, e);
}

/* Every message left (pending, stashed, not yet taken) fails with e. */
static void
submit_fail_rest(struct submit_ctx *x, const struct err *e)
{
	struct submit_msg m;

	if (x->have_cur) {
		x->have_cur = false;
		submit_done(x, &x->cur, e, false);
	}
	x->fallback = true;	/* submit_take: the stash first */
	while (submit_take(x, &m) == 1)
		submit_done(x, &m, e, false);
}

/*
 * The fallback account's session over the stash, then the pending
 * message and the rest.  Its verdicts are the verdicts; the primary's
 * error stays in -v.
 */
static void
submit_fallback(struct submit_ctx *x, const struct err *why)
{
	const struct account *fb;
	struct secret *pw = NULL;
	struct err e;

	err_init(&e);
	fb = cfg_account(x->rq->cfg, x->a->fallback);
	log_debug("account %s failed (%s); trying fallback account %s",
	    x->a->name, why->msg, x->a->fallback);
	x->fallback = true;
	if (fb != NULL)
		x->a = fb;
	if (x->have_cur && x->nstash < SUBMIT_STASH_MAX) {
		x->stash[x->nstash++] = x->cur;
		x->have_cur = false;
	}
	if (submit_take(x, &x->cur) == 0)
		return;
	x->have_cur = true;
	if (fb == NULL) {
		err_set(&e, EX_CONFIG, "fallback account %s is not in %s",
		    x->a->fallback, x->rq->cfg->path);
		submit_fail_rest(x, &e);
		return;
	}
	pw = x->fbpw;
	x->fbpw = NULL;
	if (submit_ehlo_name(fb, x->ehlo, &e) == -1 ||
	    (pw == NULL && cred_get(fb, &pw, &e) == -1) ||
	    submit_account(x, &pw, &e) == -1)
		submit_fail_rest(x, &e);
	secret_free(pw);
}

/*
 * A direct send wipes the config's passwords once its own is in hand; a
 * password written there for the fallback account is kept first (any
 * other source of the fallback's is asked only when it is needed).
 */
static int
submit_secrets(struct submit_ctx *x, struct err *e)
{
	const struct account *fb;

	if (x->rq->forget == NULL)
		return 0;
	fb = x->a->fallback != NULL ? cfg_account(x->rq->cfg,
	    x->a->fallback) : NULL;
	if (fb != NULL && fb->password != NULL &&
	    cred_get(fb, &x->fbpw, e) == -1)
		return -1;
	cfg_forget_secrets(x->rq->forget);
	return 0;
}

void
submit_run(const struct submit_req *rq)
{
	struct submit_ctx x;
	struct secret *pw = NULL;
	struct err e;

	err_init(&e);
	memset(&x, 0, sizeof(x));
	x.rq = rq;
	x.a = rq->a;
	if (submit_take(&x, &x.cur) == 0)
		return;
	x.have_cur = true;
	if (submit_ehlo_name(x.a, x.ehlo, &e) == -1 ||
	    cred_get(x.a, &pw, &e) == -1 || submit_secrets(&x, &e) == -1) {
		x.no_creds = (e.flags & ERR_WAIT) == 0;
		submit_fail_rest(&x, &e);
		goto out;
	}
	if (submit_account(&x, &pw, &e) == -1 &&
	    !submit_for_fallback(&x, &e)) {
		submit_fail_rest(&x, &e);
		goto out;
	}
	if (x.have_cur || x.nstash > 0)
		submit_fallback(&x, &e);
out:
	secret_free(pw);
	secret_free(x.fbpw);
}
