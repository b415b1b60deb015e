/*
 * queue_run.h - the queue runner (outpost -q), the listing (-bp, mailq)
 * and committing a message that could not be delivered now.
 */
#ifndef OUTPOST_QUEUE_RUN_H
#define OUTPOST_QUEUE_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"
#include "err.h"
#include "queue.h"

struct queue_run_opts {
	bool		 flush;		/* ignore next-try */
	const char	*id;		/* only this entry (also ignores it) */
};

struct queue_run_stats {
	unsigned	 delivered;
	unsigned	 deferred;
	unsigned	 bounced;	/* refused or expired: to dead/ */
	unsigned	 held;		/* its account is not in the config */
};

/*
 * Deliver what is due in the queue of every account of cfg: one
 * connection per account, several messages on it.  -1 only when a queue
 * could not be read (75); each message's fate is in its entry.
 */
int	queue_run(const struct config *, const struct queue_run_opts *,
	    struct queue_run_stats *, struct err *);
/* Print the entries of every account's queue (mailq). */
int	queue_list(const struct config *, FILE *, struct err *);
/* Remove one entry (--drop ID) without a bounce. */
int	queue_drop(const struct config *, const char *id, struct err *);
/*
 * The queue directory of account a, as a struct queue (created when
 * create).  -1 with e (75).
 */
int	queue_for(const struct account *, bool create, struct queue *,
	    struct err *);

#endif
