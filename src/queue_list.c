/*
 * queue_list.c - mailq / outpost -bp, and --drop ID.
 *
 * The listing reads envelopes without locking them (a runner may be
 * working on one; what is shown is the last committed state) and never
 * shows a body or a secret: id, age, size, tries, sender, recipients,
 * the last error and the possible-duplicate mark.
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

static void
list_entry(FILE *f, const struct config *cfg, const struct qenv *qe,
    time_t now)
{
	char age[32];
	size_t i;

	list_age(now - qe->created, age, sizeof(age));
	fprintf(f, "%s %6s %9zu %5u  <%s>\n", qe->id, age, qe->env.size,
	    qe->attempts, qe->env.sender);
	for (i = 0; i < qe->env.nrcpts; i++)
		fprintf(f, "%45s<%s>\n", "", qe->env.rcpts[i]);
	if (qe->last_error[0] != '\0')
		fprintf(f, "%45s(%s)\n", "", qe->last_error);
	if (qe->dup_risk)
		fprintf(f, "%45s(possible duplicate: a try broke after the "
		    "final dot)\n", "");
	if (qe->notice)
		fprintf(f, "%45s(an undelivered-mail notice)\n", "");
	if (cfg_account(cfg, qe->account) == NULL)
		fprintf(f, "%45s(held: account %s is not in %s)\n", "",
		    qe->account, cfg->path);
}

/* The entries of one queue; *n counts them, *bytes their sizes. */
static int
list_queue(const struct config *cfg, const char *path, FILE *f, size_t *n,
    size_t *bytes, struct err *e)
{
	char (*ids)[QUEUE_ID_LEN + 1] = NULL;
	struct queue q;
	struct qenv qe;
	struct err pe;
	size_t nids, i;
	time_t now = queue_now();

	if (access(path, F_OK) == -1)
		return 0;
	if (queue_open(path, false, &q, e) == -1)
		return -1;
	if (queue_ids(&q, &ids, &nids, e) == -1) {
		queue_close(&q);
		return -1;
	}
	for (i = 0; i < nids; i++) {
		err_init(&pe);
		if (queue_peek(&q, ids[i], &qe, &pe) != 1) {
			if (err_is_set(&pe) && priv_may_see((uid_t)-1))
				fprintf(f, "%s (%s)\n", ids[i], pe.msg);
			continue;
		}
		if (!priv_may_see(qe.uid)) {	/* the system queue */
			queue_env_free(&qe);
			continue;
		}
		if (*n == 0)
			fprintf(f, "%-32s %6s %9s %5s  %s\n", "Queue ID",
			    "Age", "Size", "Tries", "Sender / Recipients");
		list_entry(f, cfg, &qe, now);
		if (queue_marked(&q, qe.id))
			fprintf(f, "%45s(being sent now, or possibly "
			    "delivered: a run ended after its final dot)\n",
			    "");
		(*n)++;
		*bytes += qe.env.size;
		queue_env_free(&qe);
	}
	free(ids);
	queue_close(&q);
	return 0;
}

int
queue_list(const struct config *cfg, FILE *f, struct err *e)
{
	char path[QUEUE_PATH_MAX], prev[QUEUE_PATH_MAX] = "";
	size_t i, n = 0, bytes = 0, before;

	for (i = 0; i < cfg->naccounts; i++) {
		if (queue_path(cfg->accounts[i].queue_dir, path, sizeof(path),
		    e) == -1)
			return -1;
		if (strcmp(path, prev) == 0)
			continue;	/* the common case: one queue */
		before = n;
		bytes = 0;	/* this queue's, not a running total */
		if (list_queue(cfg, path, f, &n, &bytes, e) == -1)
			return -1;
		if (n > before)
			fprintf(f, "-- %zu message%s (%zu bytes) in %s\n",
			    n - before, n - before == 1 ? "" : "s", bytes,
			    path);
		snprintf(prev, sizeof(prev), "%s", path);
	}
	if (n == 0)
		fprintf(f, "Mail queue is empty\n");
	return 0;
}

int
queue_drop(const struct config *cfg, const char *id, struct err *e)
{
	struct queue q;
	struct qenv qe;
	size_t i;
	int envfd, msgfd, rc;

	if (!queue_id_valid(id))
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
