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
	unsigned	 skipped;	/* not due yet */
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
/*
 * queue_id.c: the full id of the one entry that in (a full id or a
 * prefix) names, in the queue of any account.  -1 with 64 (malformed) or
 * 67 (no such entry, or more than one).
 */
int	queue_id_resolve(const struct config *, const char *in,
	    char out[QUEUE_ID_LEN + 1], struct err *);
/*
 * queue_note.c: the one line for a message just queued (reason, next
 * try, the runner), and whether a runner is set up for the queue.
 */
#define QUEUE_NOTE_MAX	(2 * ERR_MSG_MAX)	/* queue_note_queued()'s line */
void	queue_note_queued(const struct qenv *, const struct account *,
	    char *buf, size_t cap);
bool	queue_runner_found(bool shared, char *what, size_t cap);
/* -v: why the runner leaves an entry alone now; returns 1 (a count). */
unsigned	queue_note_skipped(const struct qenv *, time_t now);
/* Remove one entry (--drop ID) without a bounce. */
int	queue_drop(const struct config *, const char *id, struct err *);
/*
 * The queue directory of account a, as a struct queue (created when
 * create).  -1 with e (75).
 */
int	queue_for(const struct account *, bool create, struct queue *,
	    struct err *);
/* Has an account before index i the queue at path (one visit each)? */
bool	queue_path_seen(const struct config *, size_t i, const char *path);

#endif
