/*
 * queue_list.c - mailq / outpost -bp, and --drop ID.
 *
 * The listing reads envelopes without locking them (a runner may be
 * working on one; what is shown is the last committed state) and never
 * shows a body or a secret: id, age, size, tries, next try, account,
 * sender, recipients, the last error and the possible-duplicate mark,
 * for q/ and then for dead/ (with the reason each was given up), and
 * whether a queue runner is set up.  Everything from callers or servers
 * is escaped (esc.h): the listing goes to root's terminal.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "esc.h"
#include "priv.h"
#include "queue_run.h"

static void
list_age(time_t secs, char *out, size_t cap)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(out, cap, "%jds", (intmax_t)secs);
	else if (secs < 7200)
		snprintf(out, cap, "%jdm", (intmax_t)(secs / 60));
	else if (secs < 172800)
		snprintf(out, cap, "%jdh", (intmax_t)(secs / 3600));
	else
		snprintf(out, cap, "%jdd", (intmax_t)(secs / 86400));
}

/* "in 3m", "now" (due: the next run takes it), or "-" for dead/. */
static void
list_next(const struct qenv *qe, time_t now, bool dead, char *out,
    size_t cap)
{
	char in[32];

	if (dead)
		snprintf(out, cap, "never (dead)");
	else if (qe->next_try <= now)
		snprintf(out, cap, "due now");
	else {
		list_age(qe->next_try - now, in, sizeof(in));
		snprintf(out, cap, "in %s", in);
	}
}

static void
list_entry(FILE *f, const struct config *cfg, const struct qenv *qe,
    time_t now, bool dead)
{
	char age[32], next[48], a[ESC_MAX(ADDR_MAX)], t[ESC_MAX(ERR_MSG_MAX)];
	size_t i;

	list_age(now - qe->created, age, sizeof(age));
	list_next(qe, now, dead, next, sizeof(next));
	/* addresses and errors come from callers and servers: escaped */
	fprintf(f, "%s %6s %9zu %5u  %-12s %s\n", qe->id, age,
	    qe->env.size, qe->attempts, next, esc_str(qe->account, a,
	    sizeof(a)));
	fprintf(f, "    from <%s>\n", esc_str(qe->env.sender, a, sizeof(a)));
	for (i = 0; i < qe->env.nrcpts; i++)
		fprintf(f, "    to   <%s>\n", esc_str(qe->env.rcpts[i], a,
		    sizeof(a)));
	if (qe->last_error[0] != '\0')
		fprintf(f, "    %s: %s\n", dead ? "given up" : "last error",
		    esc_str(qe->last_error, t, sizeof(t)));
	if (qe->dup_risk)
		fprintf(f, "    possible duplicate: a try broke after the "
		    "final dot, the server may already have it\n");
	if (qe->notice)
		fprintf(f, "    an undelivered-mail notice\n");
	if (!dead && cfg_account(cfg, qe->account) == NULL)
		fprintf(f, "    held: account %s is not in %s\n",
		    esc_str(qe->account, a, sizeof(a)), cfg->path);
}

/* The entries of q/ (or dead/: q's qfd swapped for its deadfd). */
static int
list_dir(const struct config *cfg, struct queue *q, bool dead, FILE *f,
    size_t *n, size_t *bytes, struct err *e)
{
	char (*ids)[QUEUE_ID_LEN + 1] = NULL;
	struct qenv qe;
	struct err pe;
	size_t nids, i, shown = 0;
	time_t now = queue_now();

	if (queue_ids(q, &ids, &nids, e) == -1)
		return -1;
	for (i = 0; i < nids; i++) {
		err_init(&pe);
		if (queue_peek(q, ids[i], &qe, &pe) != 1) {
			if (err_is_set(&pe) && priv_may_see((uid_t)-1))
				fprintf(f, "%s (%s)\n", ids[i], pe.msg);
			continue;
		}
		if (!priv_may_see(qe.uid)) {	/* the system queue */
			queue_env_free(&qe);
			continue;
		}
		if (shown++ == 0)
			fprintf(f, "%s%-32s %6s %9s %5s  %-12s %s\n",
			    dead ? "Dead (returned to the sender or refused; "
			    "never retried):\n" : "",
			    "Queue ID", "Age", "Size", "Tries", "Next try",
			    "Account");
		list_entry(f, cfg, &qe, now, dead);
		if (!dead && queue_marked(q, qe.id))
			fprintf(f, "    being sent now, or possibly delivered: "
			    "a run ended after its final dot\n");
		(*n)++;
		*bytes += qe.env.size;
		queue_env_free(&qe);
	}
	free(ids);
	return 0;
}

/* One queue: q/, then dead/; *n and *bytes count q/ only. */
static int
list_queue(const struct config *cfg, const char *path, FILE *f, size_t *n,
    size_t *bytes, size_t *ndead, struct err *e)
{
	struct queue q, dq;
	size_t db = 0;
	int rc;

	if (access(path, F_OK) == -1)
		return 0;
	if (queue_open(path, false, &q, e) == -1)
		return -1;
	rc = list_dir(cfg, &q, false, f, n, bytes, e);
	queue_dead_view(&q, &dq);
	if (rc == 0)
		rc = list_dir(cfg, &dq, true, f, ndead, &db, e);
	queue_close(&q);
	return rc;
}

int
queue_list(const struct config *cfg, FILE *f, struct err *e)
{
	char path[QUEUE_PATH_MAX], prev[QUEUE_PATH_MAX] = "", what[64];
	size_t i, n = 0, bytes = 0, before, ndead = 0;

	for (i = 0; i < cfg->naccounts; i++) {
		if (queue_path(cfg->accounts[i].queue_dir, path, sizeof(path),
		    e) == -1)
			return -1;
		if (strcmp(path, prev) == 0)
			continue;	/* the common case: one queue */
		before = n;
		bytes = 0;	/* this queue's, not a running total */
		if (list_queue(cfg, path, f, &n, &bytes, &ndead, e) == -1)
			return -1;
		if (n > before)
			fprintf(f, "-- %zu message%s (%zu bytes) in %s; %s; "
			    "outpost -q --flush tries every one now\n",
			    n - before, n - before == 1 ? "" : "s", bytes,
			    path, queue_runner_found(priv_queue_shared(path),
			    what, sizeof(what)) ? "a queue runner is set up" :
			    "no queue runner timer was found");
		snprintf(prev, sizeof(prev), "%s", path);
	}
	if (n == 0)
		fprintf(f, "Mail queue is empty\n");
	if (ndead > 0)
		fprintf(f, "-- %zu dead message%s: never retried\n", ndead,
		    ndead == 1 ? "" : "s");
	return 0;
}

int
queue_drop(const struct config *cfg, const char *id, struct err *e)
{
	struct queue q;
	struct qenv qe;
	size_t i;
	int envfd, msgfd, rc;

	if (!queue_id_valid(id))	/* queue_id_resolve() made it whole */
		return err_set(e, EX_USAGE, "not a queue id: %.40s", id);
	for (i = 0; i < cfg->naccounts; i++) {
		if (queue_for(&cfg->accounts[i], false, &q, e) == -1) {
			err_init(e);
			continue;
		}
		rc = queue_lock(&q, id, &envfd, &msgfd, &qe, e);
		if (rc == 1) {
			rc = queue_remove(&q, id, e);
			queue_env_free(&qe);
			close(envfd);
			close(msgfd);
			queue_close(&q);
			return rc;
		}
		queue_close(&q);
		if (rc == -1)
			return -1;
	}
	return err_set(e, EX_NOINPUT, "no queued message %s (or a runner "
	    "is delivering it now)", id);
}
