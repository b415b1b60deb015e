/*
 * job.c - a send from the command line or -bs, and the queue modes: the
 * phases before submit.c (configuration, account, envelope, the spooled
 * message) and what a verdict means for a direct send (a temporary
 * failure is committed to the queue, and outpost exits 0).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "bs.h"
#include "cfg.h"
#include "deadline.h"
#include "hostname.h"
#include "job.h"
#include "local.h"
#include "log.h"
#include "msg.h"
#include "msglog.h"
#include "priv.h"
#include "queue.h"
#include "queue_run.h"
#include "rcpt_domains.h"
#include "sender.h"
#include "sig.h"
#include "spool.h"
#include "submit.h"

/*
 * The recipients one account takes (recipient_domains, else the
 * message's account), and what became of them: one transaction each.
 */
struct job_part {
	const struct account	*a;
	char			**rcpts;	/* point into job.rcpts */
	size_t			 nrcpts;
	struct dsn_params	 dsn;	/* -N -R -V, else the part's account */
	struct submit_verdict	 v;
	char			 queued[QUEUE_ID_LEN + 1];
};

struct job {
	const struct opts	*o;
	struct config		 cfg;		/* loaded by this job */
	struct config		*shared;	/* -bs: the session's */
	struct config		*c;		/* the one in use */
	const struct account	*a;
	char			 sender[ADDR_MAX + 1];
	bool			 from_arg;	/* sender came from -f */
	char			 domain[HOSTNAME_MAX + 1];	/* "" if none */
	bool			 utf8;		/* non-ASCII envelope */
	char			**rcpts;
	size_t			 nrcpts;
	struct msg_info		 mi;
	struct job_part		*parts;		/* in first-recipient order */
	size_t			 nparts;
	size_t			 ncommitted;	/* parts delivered or queued */
	struct job_part		*p;		/* the part submit has */
	char			**prcpts;	/* rcpts grouped by part */
	int			 spool;
	struct aliases		 al;	/* loaded at the first local rcpt */
	char			 acct_from[ADDR_MAX + 1];	/* expanded */
	struct local_hdr	 lh;
	int			 in_fd;		/* the message: stdin, or -bs */
	int64_t			 t0;
	bool			 taken;		/* submit has the part */
	struct job_result	*res;
};

/* Envelope sender: -f (see sender_pick), else the account's. */
static int
job_sender(struct job *j, struct err *e)
{
	char *from = j->acct_from;
	bool utf8 = false;

	if (local_from(j->a, from, sizeof(j->acct_from), e) == -1)
		return -1;
	if (j->from_arg)
		return 0;
	if (from[0] == '\0')
		return err_set(e, EX_CONFIG, "account %s: no envelope sender: "
		    "set from = in the configuration or pass -f", j->a->name);
	if (addr_check(from, false, j->sender, &utf8, EX_CONFIG, e) == -1)
		return -1;
	j->utf8 = utf8;
	if (strchr(j->sender, '@') == NULL)
		return err_set(e, EX_CONFIG, "account %s: from = %s has no "
		    "domain", j->a->name, j->sender);
	return 0;
}

static int
job_domain(struct job *j, struct err *e)
{
	return submit_ehlo_name(j->a, j->domain, e);
}

/* Add a checked address once (also the aliases_cb of local_rcpt). */
static int
rcpt_alias(void *arg, const char *addr, struct err *e)
{
	struct job *j = arg;
	char buf[ADDR_MAX + 1];
	bool utf8 = false;
	size_t i;

	if (addr_check(addr, false, buf, &utf8, EX_CONFIG, e) == -1)
		return -1;
	for (i = 0; i < j->nrcpts; i++)
		if (strcmp(j->rcpts[i], buf) == 0)
			return 0;
	if (j->nrcpts == MSG_MAX_RCPTS)
		return err_set(e, EX_USAGE, "more than %d recipients",
		    MSG_MAX_RCPTS);
	if ((j->rcpts[j->nrcpts] = strdup(buf)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	j->nrcpts++;
	j->utf8 |= utf8;
	return 0;
}

static int
rcpt_add(struct job *j, const char *addr, int ex, struct err *e)
{
	char buf[ADDR_MAX + 1];
	bool utf8 = false;
	int r;

	if (addr_check(addr, false, buf, &utf8, ex, e) == -1)
		return -1;
	/* a bare name never comes back: it has an alias or fails */
	if ((r = local_rcpt(j->a, &j->al, buf, rcpt_alias, j, e)) != 0)
		return r == 1 ? 0 : -1;
	return rcpt_alias(j, buf, e);
}

/* addr_each_fn: one element of a recipient argument ("a@x,root"). */
static int
rcpt_arg(void *arg, const char *addr, struct err *e)
{
	return rcpt_add(arg, addr, EX_USAGE, e);
}

static int
job_message(struct job *j, struct err *e)
{
	struct msg_opts mo;
	const char *at;
	size_t i;

	memset(&mo, 0, sizeof(mo));
	mo.dot_ends = j->o->dot_ends;
	mo.read_rcpts = j->o->read_rcpts;
	mo.sender = j->sender[0] != '\0' ? j->sender : NULL;
	mo.fullname = j->o->fullname;
	/* else the sender's domain, when it has a usable one */
	at = strrchr(j->sender, '@');
	mo.domain = j->domain[0] != '\0' ? j->domain :
	    at != NULL && hostname_usable(at + 1) ? at + 1 :
	    "localhost.invalid";
	mo.now = time(NULL);
	if (local_msg_opts(j->a, &j->al, j->acct_from[0] != '\0' ?
	    j->acct_from : j->sender, &j->lh, &mo, e) == -1)
		return -1;
	if ((j->spool = spool_open(NULL, e)) == -1)
		return -1;
	if (msg_read(j->in_fd, &mo, j->spool, &j->mi, e) == -1)
		return -1;
	for (i = 0; i < j->mi.nrcpts; i++)
		if (rcpt_add(j, j->mi.rcpts[i], EX_DATAERR, e) == -1)
			return -1;
	if (j->nrcpts == 0)
		return err_set(e, EX_USAGE, "no recipients (give them as "
		    "arguments, or use -t)");
	return 0;
}

/* A temporary failure (v->e, 75): commit the message to the queue. */
static void
job_queue(struct job *j, struct submit_verdict *v)
{
	char note[QUEUE_NOTE_MAX];
	struct qenv qe;
	struct err qerr;

	memset(&qe, 0, sizeof(qe));
	qe.account = j->p->a->name;
	qe.env.sender = j->sender;
	qe.env.rcpts = j->p->rcpts;
	qe.env.nrcpts = j->p->nrcpts;
	qe.env.smtputf8 = j->utf8;
	qe.env.eightbit = j->mi.eightbit;
	qe.env.size = j->mi.size;
	qe.env.dsn = j->p->dsn;
	qe.created = queue_now();
	qe.attempts = 1;
	/* never tried (hold): due at the first run once hold is gone */
	qe.next_try = (v->e.flags & ERR_HOLD) != 0 ? 0 :
	    qe.created + queue_wait(1, &v->e);
	snprintf(qe.last_error, sizeof(qe.last_error), "%s", v->e.msg);
	qe.dup_risk = (v->e.flags & ERR_DUP_RISK) != 0;
	qe.uid = getuid();
	err_init(&qerr);
	if (priv_queue_commit(j->p->a, j->spool, &qe, &qerr) == -1) {
		snprintf(j->res->queue_fail, sizeof(j->res->queue_fail), "%s",
		    qerr.msg);
		return;
	}
	if (++j->ncommitted == j->nparts)
		sig_committed();
	snprintf(v->queued, sizeof(v->queued), "%s", qe.id);
	snprintf(j->p->queued, sizeof(j->p->queued), "%s", qe.id);
	if (j->res->queued[0] == '\0')
		snprintf(j->res->queued, sizeof(j->res->queued), "%s", qe.id);
	queue_note_queued(&qe, j->p->a, note, sizeof(note));
	log_warn("%s", note);
}

/* submit_ops: the one message of this job. */
static int
job_next(void *arg, struct submit_msg *m)
{
	struct job *j = arg;

	if (j->taken)
		return 0;
	j->taken = true;
	m->env.sender = j->sender;
	m->env.rcpts = j->p->rcpts;
	m->env.nrcpts = j->p->nrcpts;
	m->env.smtputf8 = j->utf8;
	m->env.eightbit = j->mi.eightbit;
	m->env.size = j->mi.size;
	m->env.dsn = j->p->dsn;
	m->spool_fd = j->spool;
	m->t0 = j->t0;
	return 1;
}

static void
job_done(void *arg, const struct submit_msg *m, struct submit_verdict *v)
{
	struct job *j = arg;

	(void)m;
	if (v->outcome == SUBMIT_DELIVERED && ++j->ncommitted == j->nparts)
		sig_committed();
	if (v->outcome == SUBMIT_QUEUE && !j->p->a->queue)
		log_debug("not queued (queue = off)");
	else if (v->outcome == SUBMIT_QUEUE)
		job_queue(j, v);
	else if (v->outcome == SUBMIT_DELIVERED)
		log_debug("delivered to %zu recipient%s", j->p->nrcpts,
		    j->p->nrcpts == 1 ? "" : "s");
	j->p->v = *v;
}

/* What -N, -R and -V ask for, a's dsn_* where they are silent */
static void
job_dsn(const struct job *j, const struct account *a, struct dsn_params *d)
{
	enum dsn_ret ret = DSN_RET_UNSET;
	unsigned notify = 0;

	/* cfg checked both values when it loaded them */
	if (a->dsn_notify != NULL)
		(void)dsn_parse_notify(a->dsn_notify, &notify);
	if (a->dsn_return != NULL)
		(void)dsn_parse_ret(a->dsn_return, &ret);
	dsn_merge(d, &j->o->dsn, notify, ret);
}

/*
 * The parts: each recipient goes to the account whose recipient_domains
 * claim its domain, the rest to the message's account; -a sends all
 * through the one it names.  Only pointers are grouped: the spooled
 * message is read again from its start by each part's session.
 */
static int
job_parts(struct job *j, struct err *e)
{
	const struct account **to;
	struct job_part *p;
	size_t i, k, n = 0;

	to = calloc(j->nrcpts, sizeof(*to));
	j->prcpts = calloc(j->nrcpts, sizeof(*j->prcpts));
	j->parts = calloc(j->c->naccounts, sizeof(*j->parts));
	if (to == NULL || j->prcpts == NULL || j->parts == NULL) {
		free(to);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	for (i = 0; i < j->nrcpts; i++) {
		to[i] = j->o->account != NULL ? NULL :
		    rcpt_domains_account(j->c, j->rcpts[i]);
		if (to[i] == NULL)
			to[i] = j->a;
	}
	for (i = 0; i < j->nrcpts; i++) {
		for (k = 0; k < j->nparts && j->parts[k].a != to[i]; k++)
			continue;
		if (k < j->nparts)
			continue;
		p = &j->parts[j->nparts++];
		p->a = to[i];
		p->rcpts = j->prcpts + n;
		for (k = i; k < j->nrcpts; k++)
			if (to[k] == to[i])
				j->prcpts[n + p->nrcpts++] = j->rcpts[k];
		n += p->nrcpts;
	}
	free(to);
	return 0;
}

/* The log line of a part refused before any connection (msglog.h). */
static void
job_log_refused(const struct job *j, const struct job_part *p)
{
	struct msglog_rec lr;

	memset(&lr, 0, sizeof(lr));
	lr.a = p->a;
	lr.from = j->sender;
	lr.rcpts = p->rcpts;
	lr.nrcpts = p->nrcpts;
	lr.size = j->mi.size;
	lr.e = &p->v.e;
	msglog_write(j->c, &lr);
}

/*
 * One part through submit.c.  The message's own account was checked
 * before the message was read; another one is checked here, and a part
 * it refuses fails alone (77: the caller may not send as this sender
 * through it).
 */
static void
job_part_run(struct job *j, struct job_part *p)
{
	static const struct submit_ops ops = { job_next, job_done, NULL,
	    NULL };
	struct submit_req rq;

	j->p = p;
	j->taken = false;
	job_dsn(j, p->a, &p->dsn);
	err_init(&p->v.e);
	p->v.account = p->a->name;
	if (p->a != j->a && msglog_check(p->a, &p->v.e) == -1) {
		p->v.outcome = SUBMIT_REFUSED;	/* its log is what failed */
		return;
	}
	if (p->a != j->a && priv_sender_ok(p->a, getuid(), j->sender,
	    &p->v.e) == -1) {
		p->v.outcome = SUBMIT_REFUSED;
		job_log_refused(j, p);
		return;
	}
	memset(&rq, 0, sizeof(rq));
	rq.cfg = j->c;
	rq.a = p->a;
	/*
	 * -bs shares one config over the session: it must keep them; a
	 * split message keeps them for its later parts
	 */
	rq.forget = j->shared == NULL && p == &j->parts[j->nparts - 1] ?
	    &j->cfg : NULL;
	rq.ops = &ops;
	rq.arg = j;
	submit_run(&rq);
}

/* How bad a part ended: the worst part decides the exit code. */
static int
job_rank(const struct job_part *p)
{
	if (p->v.outcome == SUBMIT_DELIVERED)
		return 0;
	if (p->queued[0] != '\0')
		return 1;
	return p->v.e.ex == EX_TEMPFAIL ? 2 : 3;
}

/* A split message: a line per recipient when not all went out. */
static void
job_report(const struct job *j, int worst)
{
	const struct job_part *p;
	size_t i;

	for (p = j->parts; p < j->parts + j->nparts; p++)
		for (i = 0; i < p->nrcpts; i++) {
			if (job_rank(p) == 0 && worst == 0)
				log_debug("%s: delivered (account %s)",
				    p->rcpts[i], p->a->name);
			else if (job_rank(p) == 0)
				log_warn("%s: delivered (account %s)",
				    p->rcpts[i], p->a->name);
			else if (job_rank(p) == 1)
				log_warn("%s: not delivered yet, queued as %s "
				    "(account %s): %s", p->rcpts[i], p->queued,
				    p->a->name, p->v.e.msg);
			else
				log_warn("%s: not delivered (account %s): %s",
				    p->rcpts[i], p->a->name, p->v.e.msg);
		}
}

/*
 * The verdict on the message: one part as before (queued is success);
 * split, the worst part's - delivered < queued (75, "queued" in
 * j->res->split) < failed for now and not queued < refused, the first
 * of equals in part order.
 */
static int
job_verdict(struct job *j, struct err *e)
{
	const struct job_part *p, *w = &j->parts[0];
	size_t nq = 0, nf = 0, nr = 0;

	for (p = j->parts; p < j->parts + j->nparts; p++) {
		if (job_rank(p) > job_rank(w))
			w = p;
		if (job_rank(p) == 1)
			nq += p->nrcpts;
		if (job_rank(p) > 1)
			nf += p->nrcpts;
		nr += p->nrcpts;
	}
	if (j->nparts > 1)
		job_report(j, job_rank(w));
	if (job_rank(w) == 0)
		return 0;
	if (job_rank(w) == 1 && j->nparts > 1)
		snprintf(j->res->split, sizeof(j->res->split), "%zu of %zu "
		    "recipients queued, the others delivered (the queue "
		    "sends the rest: do not send the message again)", nq, nr);
	if (job_rank(w) == 1)
		return 0;
	*e = w->v.e;
	/*
	 * the part's own words may say "no recipient got the message"; the
	 * lines above have them whole
	 */
	if (j->nparts > 1)
		snprintf(e->msg, sizeof(e->msg), "%zu of %zu recipients not "
		    "delivered (account %s: %.240s)", nf, nr, w->a->name,
		    w->v.e.msg);
	return -1;
}

static int
job_run(struct job *j, struct err *e)
{
	size_t i;

	if (j->shared == NULL && cfg_load(j->o->config, &j->cfg, e) == -1)
		return -1;
	j->a = sender_pick(j->c, j->o->account, j->o->from, j->sender,
	    &j->from_arg, &j->utf8, e);
	if (j->a == NULL || job_sender(j, e) == -1 ||
	    priv_ready(j->c, j->a, j->from_arg ? j->sender : NULL, e) ==
	    -1 || job_domain(j, e) == -1 || msglog_check(j->a, e) == -1)
		return -1;
	j->rcpts = calloc(MSG_MAX_RCPTS, sizeof(*j->rcpts));
	if (j->rcpts == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	for (i = 0; i < j->o->nrcpts; i++)
		if (addr_split(j->o->rcpts[i], rcpt_arg, j, EX_USAGE, e) == -1)
			return -1;
	if (job_message(j, e) == -1 || job_parts(j, e) == -1)
		return -1;
	for (i = 0; i < j->nparts; i++)
		job_part_run(j, &j->parts[i]);
	return job_verdict(j, e);
}

static void
job_free(struct job *j)
{
	size_t i;

	msg_info_free(&j->mi);
	for (i = 0; i < j->nrcpts; i++)
		free(j->rcpts[i]);
	free(j->rcpts);
	free(j->prcpts);
	free(j->parts);
	cfg_free(&j->cfg);
	aliases_free(&j->al);
	if (j->spool != -1)
		close(j->spool);
}

int
job_send(const struct opts *o, struct config *shared, int in_fd,
    struct job_result *r, struct err *e)
{
	struct job j;
	int rc;

	memset(&j, 0, sizeof(j));
	memset(r, 0, sizeof(*r));
	j.o = o;
	j.shared = shared;
	j.c = shared != NULL ? shared : &j.cfg;
	j.spool = -1;
	j.in_fd = in_fd;
	j.res = r;
	j.t0 = deadline_now_ms();
	sig_uncommitted();
	rc = job_run(&j, e);
	job_free(&j);
	return rc;
}

/* The -bs session: the options and, in the system mode, the config. */
struct job_bs {
	const struct opts	*o;
	struct config		 cfg;
	bool			 loaded;
};

/*
 * bs_submit_fn: each -bs message is a job of its own (the config re-read,
 * but for the system file, read once while privileged).
 */
static void
job_bs_submit(void *arg, const struct bs_msg *m, char *reply, size_t cap)
{
	struct job_bs *bs = arg;
	const struct opts *parent = bs->o;
	struct job_result r;
	struct opts o;
	struct err e;

	o = *parent;
	o.mode = CLI_MODE_SEND;
	o.read_rcpts = false;
	o.dot_ends = false;
	o.from = m->env.sender[0] != '\0' ? m->env.sender : "<>";
	o.rcpts = (char **)m->env.rcpts;
	o.nrcpts = m->env.nrcpts;
	/* the client's own DSN request wins, as -N, -R, -V would */
	if (m->env.dsn.notify != 0)
		o.dsn.notify = m->env.dsn.notify;
	if (m->env.dsn.ret != DSN_RET_UNSET)
		o.dsn.ret = m->env.dsn.ret;
	if (m->env.dsn.envid[0] != '\0')
		memcpy(o.dsn.envid, m->env.dsn.envid, sizeof(o.dsn.envid));
	err_init(&e);
	job_send(&o, bs->loaded ? &bs->cfg : NULL, m->body_fd, &r, &e);
	bs_reply_for(&e, r.queued, reply, cap);
	if (err_is_set(&e))
		log_warn("-bs: %s", e.msg);
}

int
job_bs(const struct opts *o, struct err *e)
{
	char name[HOSTNAME_MAX + 1];
	struct job_bs bs;
	int rc;

	memset(&bs, 0, sizeof(bs));
	bs.o = o;
	/* the system file can only be read while the group is held */
	if (priv_held()) {
		if (cfg_load(o->config, &bs.cfg, e) == -1 ||
		    priv_ready(&bs.cfg, NULL, NULL, e) == -1) {
			cfg_free(&bs.cfg);
			return -1;
		}
		bs.loaded = true;
	}
	if (!hostname_fqdn(name, sizeof(name)))
		snprintf(name, sizeof(name), "localhost");
	rc = bs_serve(STDIN_FILENO, STDOUT_FILENO, name, job_bs_submit, &bs,
	    e);
	cfg_free(&bs.cfg);
	return rc;
}

int
job_queue_mode(const struct opts *o, struct err *e)
{
	char qid[QUEUE_ID_LEN + 1];
	const char *id = o->queue_id;
	struct queue_run_opts ro;
	struct queue_run_stats st;
	struct config cfg;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	if (cfg_load(o->config, &cfg, e) == -1 ||
	    priv_ready(&cfg, NULL, NULL, e) == -1)
		goto out;
	/* an id, or the first digits of one (queue_id.c) */
	if (id != NULL && queue_id_resolve(&cfg, id, qid, e) == -1)
		goto out;
	if (id != NULL)
		id = qid;
	switch (o->mode) {
	case CLI_MODE_QUEUE_LIST:
		rc = queue_list(&cfg, stdout, e);
		goto out;
	case CLI_MODE_QUEUE_DROP:
		if ((rc = queue_drop(&cfg, id, e)) == 0)
			printf("dropped %s\n", id);
		goto out;
	default:
		break;
	}
	sig_graceful();
	memset(&ro, 0, sizeof(ro));
	ro.flush = o->flush;
	ro.id = id;
	if ((rc = queue_run(&cfg, &ro, &st, e)) == 0)
		log_debug("queue run: %u delivered, %u deferred, %u returned, "
		    "%u held, %u not due yet", st.delivered, st.deferred,
		    st.bounced, st.held, st.skipped);
out:
	cfg_free(&cfg);
	return rc;
}
