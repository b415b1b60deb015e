/*
 * queue_quota.h - per-uid limits on the system queue: how many entries
 * and how many bytes one local user may have in it (q/ and dead/), so
 * that no user can fill the spool through outpost-queue.  Checked by
 * outpost-queue before it commits; the limits are the system file's
 * queue_max_entries and queue_max_bytes (outpost.conf(5)).
 */
#ifndef OUTPOST_QUEUE_QUOTA_H
#define OUTPOST_QUEUE_QUOTA_H

#include <stdint.h>
#include <sys/types.h>

#include "cfg.h"
#include "err.h"
#include "queue.h"

#define QUOTA_ENTRIES_DEFAULT	1000
#define QUOTA_BYTES_DEFAULT	(100ULL * 1024 * 1024)	/* 100M */

struct queue_limits {
	uint64_t	 entries;	/* 0: no limit */
	uint64_t	 bytes;
};

/*
 * Pure: "1000", "50M", "1G", "512K" (powers of 1024), "0" for no limit.
 * -1 on anything else.
 */
int	quota_parse(const char *s, uint64_t *out);
/*
 * The limits of the configuration (its first account carries the
 * [defaults] values), the defaults for what is unset, cfg NULL or a
 * value that does not parse (the helper must still queue).
 */
void	quota_limits(const struct config *cfg, struct queue_limits *);
/*
 * May uid add one entry of size bytes to q?  -1 with e (75) naming the
 * limit and what uid already has there.
 */
int	quota_check(struct queue *q, uid_t uid, uint64_t size,
	    const struct queue_limits *, struct err *e);

#endif
