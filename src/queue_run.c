/*
 * queue_run.c - outpost -q: deliver what is due, one connection per
 * account, several messages per connection, each entry through submit.h
 * (so the OAuth2 retry and the fallback account work here exactly as for
 * a direct send).
 *
 * The first due entry of an account is taken (locked) before connecting;
 * each further one only when the server is ready for it, so an entry is
 * locked exactly while this runner works on it.  Each verdict is written
 * to its entry at once: delivered -> removed; refused with a 5xx inside
 * the transaction -> a bounce to the sender and dead/; anything else ->
 * attempts + 1 and the next try after a backoff, or the bounce when the
 * entry is older than QUEUE_LIFETIME.  A session that fails before a
 * transaction (refused connection, TLS, AUTH) never bounces: it counts as
 * one failed try for every due entry of the account.  An entry whose
 * account is not in the configuration is held, never sent through
 * another account: the account may come back, or the user drops it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "deadline.h"
#include "local.h"
#include "log.h"
#include "oauth2.h"
#include "priv.h"
#include "queue_bounce.h"
#include "queue_run.h"
#include "sig.h"
#include "submit.h"

/* Added to an entry that the server may already have (outpost(8)). */
#define RUN_DUP_HEADER	"X-Outpost-Possible-Duplicate: yes\r\n"

struct run {
	struct queue		 q;
	const struct config	*cfg;
	const struct account	*a;
	const struct queue_run_opts *o;
	struct queue_run_stats	*stats;
	char			 (*ids)[QUEUE_ID_LEN + 1];
	size_t			 nids;
	size_t			 pos;		/* next id to look at */
	time_t			 now;
	/* notices queued in this session: sent right after it */
	char			 (*notices)[QUEUE_ID_LEN + 1];
	size_t			 nnotices;
	bool			 notice_pass;	/* sending those now */
	bool			 stopped;	/* a signal: no new message */
};

/* An entry locked for this session (submit_msg.handle). */
struct run_entry {
	struct qenv		 env;
	int			 envfd;
	int			 msgfd;
	char			 sender[ADDR_MAX + 1];	/* a replaced one */
};

int
queue_for(const struct account *a, bool create, struct queue *q,
    struct err *e)
{
	char path[QUEUE_PATH_MAX];

	if (queue_path(a->queue_dir, path, sizeof(path), e) == -1)
		return -1;
	return queue_open(path, create, q, e);
}

/* Is the entry's account this session's?  (By name, nothing else.) */
static bool
run_mine(const struct run *r, const struct qenv *qe)
{
	return strcmp(qe->account, r->a->name) == 0;
}

static bool
run_due(const struct run *r, const struct qenv *qe)
{
	if (r->notice_pass)
		return true;
	if (r->o->id != NULL)
		return strcmp(r->o->id, qe->id) == 0;
	return r->o->flush || qe->next_try <= r->now;
}

static void
run_release(struct run_entry *x)
{
	queue_env_free(&x->env);
	close(x->envfd);
	close(x->msgfd);
	free(x);
}

/* Remember a queued notice: it goes out after this account's session. */
static void
run_notice_later(struct run *r, const char *id)
{
	char (*n)[QUEUE_ID_LEN + 1];

	n = reallocarray(r->notices, r->nnotices + 1, sizeof(*n));
	if (n == NULL)
		return;		/* it is queued: the next run sends it */
	r->notices = n;
	memcpy(n[r->nnotices++], id, QUEUE_ID_LEN + 1);
}

/*
 * Give the entry up: its notice is queued first, then the entry goes to
 * dead/.  When the notice cannot be queued the entry stays where it is
 * (backed off), so that a later run tries both again: the sender hears
 * of it, late, rather than never.
 */
static void
run_give_up(struct run *r, struct run_entry *x, enum bounce_why why)
{
	static const char *const whys[] = { "refused", "expired",
	    "sender not allowed" };
	char id[QUEUE_ID_LEN + 1], to[ADDR_MAX + 1];
	struct qenv *qe = &x->env;
	struct err ue;

	err_init(&ue);
	if (queue_bounce(&r->q, r->a, qe, x->msgfd, why, id, to, &ue) == -1) {
		log_warn("%s: the notice could not be queued (%s): kept for "
		    "the next run", qe->id, ue.msg);
		qe->next_try = r->now + queue_backoff(qe->attempts);
		err_init(&ue);
		if (queue_update(&r->q, qe, &ue) == -1)
			log_warn("%s: %s", qe->id, ue.msg);
		r->stats->deferred++;
		return;
	}
	if (id[0] != '\0') {
		log_warn("%s: %s: moved to dead/; notice %s queued for <%s>",
		    qe->id, whys[why], id, to);
		run_notice_later(r, id);
	} else {
		log_warn("%s: %s: moved to dead/ (a notice is not answered "
		    "by a notice)", qe->id, whys[why]);
	}
	/* the reason stays in the entry for mailq */
	if (queue_update(&r->q, qe, &ue) == -1 ||
	    queue_bury(&r->q, qe->id, &ue) == -1)
		log_warn("%s: %s", qe->id, ue.msg);
	r->stats->bounced++;
}

/* A try failed with e: defer, or give up when refused or too old. */
static void
run_failed(struct run *r, struct run_entry *x, const struct err *e,
    bool in_txn)
{
	struct qenv *qe = &x->env;
	struct err ue;
	bool expired, refused = in_txn &&
	    (e->reply >= 500 || e->ex == EX_DATAERR);

	qe->attempts++;
	snprintf(qe->last_error, sizeof(qe->last_error), "%s", e->msg);
	if (e->flags & ERR_DUP_RISK) {
		qe->dup_risk = true;
		log_warn("%s: the connection broke after the final dot: "
		    "marked possible duplicate", qe->id);
	}
	expired = r->now - qe->created >= QUEUE_LIFETIME;
	if (refused || expired) {
		run_give_up(r, x, refused ? BOUNCE_REFUSED : BOUNCE_EXPIRED);
		return;
	}
	err_init(&ue);
	qe->next_try = r->now + queue_wait(qe->attempts, e);
	if (queue_update(&r->q, qe, &ue) == -1)
		log_warn("%s: %s", qe->id, ue.msg);
	r->stats->deferred++;
}

/* submit_ops: the durable "sending" mark before the entry's dot. */
static int
run_dot(void *arg, const struct submit_msg *m, struct err *e)
{
	struct run *r = arg;
	const struct run_entry *x = m->handle;

	return queue_mark(&r->q, x->env.id, e);
}

/* submit_ops: the verdict on an entry. */
static void
run_done(void *arg, const struct submit_msg *m, struct submit_verdict *v)
{
	struct run *r = arg;
	struct run_entry *x = m->handle;
	struct err ue;

	err_init(&ue);
	if (v->outcome == SUBMIT_UNTRIED) {
		/* sent behind a dot the server never answered: as it was */
		log_debug("%s: not tried: the connection ended before its "
		    "turn", x->env.id);
		r->stats->deferred++;
	} else if (v->outcome == SUBMIT_DELIVERED) {
		/* test builds: a crash between the 250 and the removal */
		queue_fault("delivered");
		if (queue_remove(&r->q, x->env.id, &ue) == -1)
			log_warn("%s: delivered, but %s",
			    x->env.id, ue.msg);
		log_debug("%s: delivered", x->env.id);
		if (x->env.notice)
			log_warn("%s: notice sent to <%s>", x->env.id,
			    x->env.env.rcpts[0]);
		r->stats->delivered++;
	} else {
		if (!v->in_txn)
			log_debug("%s", v->e.msg);
		run_failed(r, x, &v->e, v->in_txn);
		/* the verdict is known: the mark's question is answered */
		queue_unmark(&r->q, x->env.id);
	}
}

/* submit_ops: after the log line, the entry is unlocked and let go. */
static void
run_let_go(void *arg, const struct submit_msg *m)
{
	(void)arg;
	run_release(m->handle);
}

/*
 * An entry whose sender its submitter may not use (allow_from_override,
 * checked again here with the uid outpost-queue recorded).  outpost and
 * outpost-queue let no such entry in, so the configuration changed since
 * (a from that was %U@%M while the relay was on hold, a narrower
 * allow_from_override): the sender is replaced by the account's from for
 * that uid, as outpost would now, and the message goes out.  Only when
 * there is no such from does it go to dead/, with its reason and a
 * notice to root's address.  false: the entry may go out (its sender
 * may now point to x->sender).
 */
static bool
run_refused_sender(struct run *r, struct run_entry *x)
{
	char from[ADDR_MAX + 1];
	struct err e, be;
	bool utf8;

	err_init(&e);
	if (priv_sender_ok(r->a, x->env.uid, x->env.env.sender, &e) == 0)
		return false;
	err_init(&be);
	if (local_from_uid(r->a, x->env.uid, from, sizeof(from), &be) == 0 &&
	    from[0] != '\0' &&
	    addr_check(from, false, x->sender, &utf8, EX_CONFIG, &be) == 0) {
		log_warn("%s: sender <%s> not allowed for uid %lu any more: "
		    "sent as <%s>", x->env.id, x->env.env.sender,
		    (unsigned long)x->env.uid, x->sender);
		x->env.env.sender = x->sender;
		return false;
	}
	log_warn("%s: %s", x->env.id, e.msg);
	snprintf(x->env.last_error, sizeof(x->env.last_error), "%s", e.msg);
	run_give_up(r, x, BOUNCE_SENDER);
	return true;
}

/*
 * A "sending" mark left behind: a run ended (killed, a power cut, the
 * removal failed) between an entry's final dot and its verdict, so the
 * server may have the message.  The entry is marked possibly delivered
 * and goes out again with RUN_DUP_HEADER: a copy too many, which the
 * header lets a reader recognise, rather than one too few.
 */
static void
run_check_mark(struct run *r, struct run_entry *x)
{
	struct err ue;

	if (!queue_marked(&r->q, x->env.id))
		return;
	log_warn("%s: an earlier run ended after its final dot: possibly "
	    "delivered, sent again marked as a possible duplicate",
	    x->env.id);
	x->env.dup_risk = true;
	err_init(&ue);
	if (queue_update(&r->q, &x->env, &ue) == -1)
		log_warn("%s: %s", x->env.id, ue.msg);
	else
		queue_unmark(&r->q, x->env.id);
}

/* submit_ops: the next due entry of this account, locked. */
static int
run_next(void *arg, struct submit_msg *m)
{
	struct run *r = arg;
	struct run_entry *x;
	struct err e;
	int rc;

	if (sig_stopping()) {
		if (r->pos < r->nids && !r->stopped)
			log_warn("stopping on a signal: the rest of the queue "
			    "waits for the next run");
		r->stopped = true;
		return 0;
	}
	while (r->pos < r->nids) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return 0;	/* the rest waits for the next run */
		err_init(&e);
		rc = queue_lock(&r->q, r->ids[r->pos++], &x->envfd,
		    &x->msgfd, &x->env, &e);
		if (rc == -1)
			log_warn("%s: %s",
			    r->ids[r->pos - 1], e.msg);
		if (rc != 1) {
			free(x);
			continue;
		}
		if (!run_mine(r, &x->env) || !run_due(r, &x->env) ||
		    run_refused_sender(r, x)) {
			if (run_mine(r, &x->env) && !run_due(r, &x->env) &&
			    r->o->id == NULL)
				r->stats->skipped += queue_note_skipped(
				    &x->env, r->now);
			run_release(x);
			continue;
		}
		run_check_mark(r, x);
		m->env = x->env.env;
		m->spool_fd = x->msgfd;
		m->prefix = x->env.dup_risk ? RUN_DUP_HEADER : NULL;
		m->more = r->pos < r->nids;
		m->entry = x->env.id;
		m->handle = x;
		log_debug("%s: sending to %zu recipient(s)", x->env.id,
		    x->env.env.nrcpts);
		return 1;
	}
	return 0;
}

/* The session's removals and marks, durable before anything else. */
static void
run_sync(struct run *r)
{
	struct err e;

	err_init(&e);
	if (queue_sync(&r->q, &e) == -1)
		log_warn("%s (a power cut now may send delivered entries "
		    "again)", e.msg);
}

/* One account: its due entries over one connection (submit.h). */
static void
run_account(struct run *r)
{
	static const struct submit_ops ops = { run_next, run_done, run_dot,
	    run_let_go };
	char (*ids)[QUEUE_ID_LEN + 1];
	struct submit_req rq;
	size_t nids;

	r->pos = 0;
	/* on hold: its entries wait untouched (no try, no expiry) */
	if (r->a->hold)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.cfg = r->cfg;
	rq.a = r->a;
	rq.batch = true;
	rq.ops = &ops;
	rq.arg = r;
	submit_run(&rq);
	run_sync(r);
	if (r->nnotices == 0)
		return;
	/* the notices of this session, on a connection of their own */
	ids = r->ids;
	nids = r->nids;
	r->ids = r->notices;
	r->nids = r->nnotices;
	r->notices = NULL;
	r->nnotices = 0;
	r->pos = 0;
	r->notice_pass = true;
	submit_run(&rq);
	run_sync(r);
	r->notice_pass = false;
	free(r->ids);
	r->ids = ids;
	r->nids = nids;
	free(r->notices);	/* a notice's notice is never queued */
	r->notices = NULL;
	r->nnotices = 0;
}

/*
 * Entries of accounts the configuration no longer has: held, and said
 * so (-v; mailq says it too).
 */
static void
run_orphans(struct run *r)
{
	struct qenv qe;
	struct err e;
	size_t i;

	for (i = 0; i < r->nids; i++) {
		err_init(&e);
		if (queue_peek(&r->q, r->ids[i], &qe, &e) != 1)
			continue;
		if (cfg_account(r->cfg, qe.account) == NULL &&
		    (r->o->id == NULL || strcmp(r->o->id, qe.id) == 0)) {
			log_debug("%s: account %s is not in %s: held (add the "
			    "account back, or outpost --drop %s)", qe.id,
			    qe.account, r->cfg->path, qe.id);
			r->stats->held++;
		}
		queue_env_free(&qe);
	}
}

bool
queue_path_seen(const struct config *cfg, size_t i, const char *path)
{
	char other[QUEUE_PATH_MAX];
	struct err e;
	size_t k;

	for (k = 0; k < i; k++) {
		err_init(&e);
		if (queue_path(cfg->accounts[k].queue_dir, other,
		    sizeof(other), &e) == 0 && strcmp(other, path) == 0)
			return true;
	}
	return false;
}

/* The queue at path, every account that uses it. */
static int
run_queue(struct run *r, const char *path, size_t first, struct err *e)
{
	char other[QUEUE_PATH_MAX];
	struct err pe;
	size_t k;

	if (access(path, F_OK) == -1)
		return 0;	/* nothing was ever queued there */
	if (queue_open(path, false, &r->q, e) == -1)
		return -1;
	/* one fsync of q/ per batch of deliveries, not one per entry */
	r->q.lazy = true;
	queue_sweep(&r->q, queue_now());
	if (queue_ids(&r->q, &r->ids, &r->nids, e) == -1) {
		queue_close(&r->q);
		return -1;
	}
	for (k = first; k < r->cfg->naccounts && r->nids > 0; k++) {
		err_init(&pe);
		if (queue_path(r->cfg->accounts[k].queue_dir, other,
		    sizeof(other), &pe) == -1 || strcmp(other, path) != 0)
			continue;
		r->a = &r->cfg->accounts[k];
		run_account(r);
	}
	run_orphans(r);
	free(r->ids);
	r->ids = NULL;
	queue_close(&r->q);
	return 0;
}

int
queue_run(const struct config *cfg, const struct queue_run_opts *o,
    struct queue_run_stats *stats, struct err *e)
{
	char path[QUEUE_PATH_MAX];
	struct run r;
	size_t i;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.o = o;
	r.stats = stats;
	r.now = queue_now();
	for (i = 0; i < cfg->naccounts; i++) {
		oauth2_keepalive(&cfg->accounts[i], r.now);
		if (queue_path(cfg->accounts[i].queue_dir, path, sizeof(path),
		    e) == -1)
			return -1;
		if (queue_path_seen(cfg, i, path))
			continue;
		if (run_queue(&r, path, i, e) == -1)
			return -1;
	}
	return 0;
}
