/*
 * queue_quota.c - per-uid limits of the system queue (queue_quota.h).
 * The count reads every envelope of q/ and dead/ without locking: a
 * runner changes an entry's state, never its uid or size.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "queue_quota.h"

int
quota_parse(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || (shift != 0 && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

void
quota_limits(const struct config *cfg, struct queue_limits *l)
{
	const struct account *a;

	l->entries = QUOTA_ENTRIES_DEFAULT;
	l->bytes = QUOTA_BYTES_DEFAULT;
	if (cfg == NULL || cfg->naccounts == 0)
		return;
	a = &cfg->accounts[0];
	if (quota_parse(a->queue_max_entries, &l->entries) == -1)
		l->entries = QUOTA_ENTRIES_DEFAULT;
	if (quota_parse(a->queue_max_bytes, &l->bytes) == -1)
		l->bytes = QUOTA_BYTES_DEFAULT;
}

/* Add up uid's entries in one directory of the queue. */
static int
quota_count(struct queue *q, uid_t uid, uint64_t *n, uint64_t *bytes,
    struct err *e)
{
	char (*ids)[QUEUE_ID_LEN + 1] = NULL;
	struct qenv qe;
	struct err pe;
	size_t nids, i;

	if (queue_ids(q, &ids, &nids, e) == -1)
		return -1;
	for (i = 0; i < nids; i++) {
		err_init(&pe);
		if (queue_peek(q, ids[i], &qe, &pe) != 1)
			continue;
		if (qe.uid == uid) {
			(*n)++;
			*bytes += qe.env.size;
		}
		queue_env_free(&qe);
	}
	free(ids);
	return 0;
}

int
quota_check(struct queue *q, uid_t uid, uint64_t size,
    const struct queue_limits *l, struct err *e)
{
	struct queue dead;
	uint64_t n = 0, bytes = 0;

	queue_dead_view(q, &dead);
	if (quota_count(q, uid, &n, &bytes, e) == -1 ||
	    quota_count(&dead, uid, &n, &bytes, e) == -1)
		return -1;
	if (l->entries != 0 && n + 1 > l->entries)
		return err_set(e, EX_TEMPFAIL, "not queued: uid %lu already "
		    "has %llu messages in the system queue (queue_max_entries "
		    "= %llu; mailq lists them)", (unsigned long)uid,
		    (unsigned long long)n, (unsigned long long)l->entries);
	if (l->bytes != 0 && bytes + size > l->bytes)
		return err_set(e, EX_TEMPFAIL, "not queued: uid %lu has %llu "
		    "bytes in the system queue and this message would pass "
		    "queue_max_bytes = %llu (mailq lists them)",
		    (unsigned long)uid, (unsigned long long)bytes,
		    (unsigned long long)l->bytes);
	return 0;
}
