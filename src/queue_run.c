/*
 * queue_run.c - outpost -q: deliver what is due, one connection per
 * account, several messages per connection (smtp.h's next hook).
 *
 * The first due entry of an account is taken (locked) before connecting;
 * each further one only when the server is ready for it, so an entry is
 * locked exactly while this runner works on it.  Each verdict is written
 * to its entry at once: delivered -> removed; refused with a 5xx inside
 * the transaction -> a bounce to the sender and dead/; anything else ->
 * attempts + 1 and the next try after a backoff, or the bounce when the
 * entry is older than QUEUE_LIFETIME.  A session that fails before a
 * transaction (refused connection, TLS, AUTH) never bounces: it counts as
 * one failed try for every due entry of the account.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cred.h"
#include "deliver.h"
#include "hostname.h"
#include "log.h"
#include "priv.h"
#include "queue_bounce.h"
#include "queue_run.h"
#include "msglog.h"
#include "deadline.h"

struct run_bounce {
	struct qenv		 env;
	bool			 expired;
};

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
	/* entries given up in this session: notices sent after it */
	struct run_bounce	*bounces;
	size_t			 nbounces;
	/* the entry out on the wire */
	bool			 cur;
	struct qenv		 env;
	int			 envfd;
	int			 msgfd;
	struct deliver_used	 used;		/* for the log line */
	int64_t			 t0;		/* this entry's start */
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

/* Is the entry's account a (by name; an unknown name goes to the first)? */
static bool
run_mine(const struct run *r, const struct qenv *qe)
{
	size_t i;

	if (strcmp(qe->account, r->a->name) == 0)
		return true;
	for (i = 0; i < r->cfg->naccounts; i++)
		if (strcmp(qe->account, r->cfg->accounts[i].name) == 0)
			return false;
	return r->a == &r->cfg->accounts[0];
}

static bool
run_due(const struct run *r, const struct qenv *qe)
{
	if (r->o->id != NULL)
		return strcmp(r->o->id, qe->id) == 0;
	return r->o->flush || qe->next_try <= r->now;
}

static void
run_release(struct run *r)
{
	if (!r->cur)
		return;
	queue_env_free(&r->env);
	close(r->envfd);
	close(r->msgfd);
	r->cur = false;
}

/*
 * Keep the envelope of the entry out on the wire (now in dead/) for a
 * notice once this session is over: a second connection must not wait
 * inside the first one.
 */
static void
run_bounce_later(struct run *r, bool expired)
{
	struct run_bounce *b;

	b = reallocarray(r->bounces, r->nbounces + 1, sizeof(*b));
	if (b == NULL) {
		fprintf(stderr, "outpost: %s: out of memory: no notice sent\n",
		    r->env.id);
		return;
	}
	r->bounces = b;
	b[r->nbounces].env = r->env;
	b[r->nbounces].expired = expired;
	r->nbounces++;
	/* the envelope's strings now belong to the list */
	r->env.buf = NULL;
	r->env.rcpts = NULL;
}

/* Send the notices of this session's given-up entries. */
static void
run_bounces(struct run *r)
{
	struct run_bounce *b;
	struct err e;
	size_t i;

	for (i = 0; i < r->nbounces; i++) {
		b = &r->bounces[i];
		err_init(&e);
		if (queue_bounce(r->cfg, r->a, &r->q, &b->env, b->expired,
		    &e) == -1)
			fprintf(stderr, "outpost: %s: the notice to <%s> was "
			    "not sent: %s\n", b->env.id, b->env.sender, e.msg);
		queue_env_free(&b->env);
	}
	free(r->bounces);
	r->bounces = NULL;
	r->nbounces = 0;
}

/* A try failed with e: defer, or bounce when refused or too old. */
static void
run_failed(struct run *r, const struct err *e, bool in_txn)
{
	struct qenv *qe = &r->env;
	struct err ue;
	bool expired, refused = in_txn &&
	    (e->reply >= 500 || e->ex == EX_DATAERR);

	qe->attempts++;
	snprintf(qe->last_error, sizeof(qe->last_error), "%s", e->msg);
	if (e->flags & ERR_DUP_RISK) {
		qe->dup_risk = true;
		fprintf(stderr, "outpost: %s: the connection broke after the "
		    "final dot: marked possible duplicate\n", qe->id);
	}
	expired = r->now - qe->created >= QUEUE_LIFETIME;
	err_init(&ue);
	if (refused || expired) {
		fprintf(stderr, "outpost: %s: %s; returned to <%s>\n", qe->id,
		    refused ? "refused" : "expired", qe->sender);
		if (queue_bury(&r->q, qe->id, &ue) == 0)
			run_bounce_later(r, expired);
		else
			fprintf(stderr, "outpost: %s: %s\n", qe->id, ue.msg);
		r->stats->bounced++;
		return;
	} else {
		qe->next_try = r->now + queue_backoff(qe->attempts);
		queue_update(&r->q, qe, &ue);
		r->stats->deferred++;
	}
	if (err_is_set(&ue))
		fprintf(stderr, "outpost: %s: %s\n", qe->id, ue.msg);
}

/* The log line (msglog.h) of the entry tried. */
static void
run_log(struct run *r, const struct err *verdict)
{
	struct msglog_rec lr;

	memset(&lr, 0, sizeof(lr));
	lr.a = r->a;
	lr.used = &r->used;
	lr.from = r->env.sender;
	lr.rcpts = (char * const *)r->env.rcpts;
	lr.nrcpts = r->env.nrcpts;
	lr.size = r->env.size;
	lr.e = verdict;
	lr.entry = r->env.id;
	lr.ms = deadline_now_ms() - r->t0;
	msglog_write(r->cfg, &lr);
}

/* The verdict on the entry out on the wire. */
static void
run_verdict(struct run *r, const struct err *verdict, bool in_txn)
{
	struct err ue;

	if (!r->cur)
		return;
	run_log(r, verdict);
	err_init(&ue);
	if (verdict == NULL) {
		if (queue_remove(&r->q, r->env.id, &ue) == -1)
			fprintf(stderr, "outpost: %s: delivered, but %s\n",
			    r->env.id, ue.msg);
		log_debug("%s: delivered", r->env.id);
		r->stats->delivered++;
	} else
		run_failed(r, verdict, in_txn);
	run_release(r);
}

/*
 * An entry whose sender its submitter may not use (allow_from_override,
 * checked again here: the helper takes envelopes from anyone) goes to
 * dead/ without a notice - the sender is the forged part.
 */
static bool
run_refused_sender(struct run *r)
{
	struct err e, be;

	err_init(&e);
	if (priv_sender_ok(r->a, r->env.uid, r->env.sender, &e) == 0)
		return false;
	fprintf(stderr, "outpost: %s: %s: moved to dead/\n", r->env.id,
	    e.msg);
	err_init(&be);
	if (queue_bury(&r->q, r->env.id, &be) == -1)
		fprintf(stderr, "outpost: %s: %s\n", r->env.id, be.msg);
	r->stats->bounced++;
	run_release(r);
	return true;
}

/* Take the next due entry of this account into p; 0 when none is left. */
static int
run_take(struct run *r, struct smtp_params *p)
{
	struct err e;
	int rc;

	while (r->pos < r->nids) {
		err_init(&e);
		rc = queue_lock(&r->q, r->ids[r->pos++], &r->envfd,
		    &r->msgfd, &r->env, &e);
		if (rc == -1)
			fprintf(stderr, "outpost: %s: %s\n",
			    r->ids[r->pos - 1], e.msg);
		if (rc != 1)
			continue;
		r->cur = true;
		r->t0 = deadline_now_ms();
		if (!run_mine(r, &r->env) || !run_due(r, &r->env)) {
			if (run_mine(r, &r->env) && r->o->id == NULL)
				r->stats->skipped += queue_note_skipped(
				    &r->env, r->now);
			run_release(r);
			continue;
		}
		if (run_refused_sender(r))
			continue;
		p->sender = r->env.sender;
		p->rcpts = (char * const *)r->env.rcpts;
		p->nrcpts = r->env.nrcpts;
		p->need_smtputf8 = r->env.smtputf8;
		p->eightbit = r->env.eightbit;
		p->spool_fd = r->msgfd;
		p->size = r->env.size;
		p->more = r->pos < r->nids;
		log_debug("%s: sending to %zu recipient(s)", r->env.id,
		    r->env.nrcpts);
		return 1;
	}
	return 0;
}

static int
run_next(void *arg, struct smtp_params *p, const struct err *verdict,
    bool can_continue)
{
	struct run *r = arg;

	run_verdict(r, verdict, true);
	return can_continue ? run_take(r, p) : 0;
}

/* Every due entry left for this account failed with e (no session). */
static void
run_fail_rest(struct run *r, const struct err *e)
{
	struct smtp_params p;

	memset(&p, 0, sizeof(p));
	while (run_take(r, &p) == 1)
		run_verdict(r, e, false);
}

static void
run_ehlo(const struct account *a, char *out, size_t cap)
{
	if (a->domain != NULL && hostname_usable(a->domain))
		snprintf(out, cap, "%s", a->domain);
	else if (!hostname_fqdn(out, cap))
		out[0] = '\0';
}

/* One account: its due entries over one connection. */
static void
run_account(struct run *r)
{
	char ehlo[HOSTNAME_MAX + 1];
	struct smtp_params first;
	struct deliver_req dr;
	struct secret *pw = NULL;
	struct err e;

	r->pos = 0;
	memset(&first, 0, sizeof(first));
	if (run_take(r, &first) == 0)
		return;
	err_init(&e);
	if (cred_get(r->a, &pw, &e) == -1) {
		run_verdict(r, &e, false);
		run_fail_rest(r, &e);
		run_bounces(r);
		return;
	}
	run_ehlo(r->a, ehlo, sizeof(ehlo));
	memset(&dr, 0, sizeof(dr));
	dr.cfg = r->cfg;
	dr.a = r->a;
	dr.sender = first.sender;
	dr.rcpts = first.rcpts;
	dr.nrcpts = first.nrcpts;
	dr.need_smtputf8 = first.need_smtputf8;
	dr.eightbit = first.eightbit;
	dr.spool_fd = first.spool_fd;
	dr.size = first.size;
	dr.pw = pw;
	dr.ehlo_name = ehlo[0] != '\0' ? ehlo : NULL;
	dr.more = first.more;
	dr.next = run_next;
	dr.next_arg = r;
	dr.used = &r->used;
	if (deliver(&dr, &e) == -1 && r->cur) {
		/* no transaction was reached: the session failed */
		log_debug("%s", e.msg);
		run_verdict(r, &e, false);
		run_fail_rest(r, &e);
	}
	run_release(r);
	secret_free(pw);
	run_bounces(r);
}

/* Has an account before index i the queue at path? */
static bool
run_seen(const struct config *cfg, size_t i, const char *path)
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
		if (queue_path(cfg->accounts[i].queue_dir, path, sizeof(path),
		    e) == -1)
			return -1;
		if (run_seen(cfg, i, path))
			continue;
		if (run_queue(&r, path, i, e) == -1)
			return -1;
	}
	return 0;
}
