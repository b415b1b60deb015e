/*
 * queue_bounce.h - telling the sender that a queued message is given up.
 */
#ifndef OUTPOST_QUEUE_BOUNCE_H
#define OUTPOST_QUEUE_BOUNCE_H

#include <stdbool.h>

#include "cfg.h"
#include "err.h"
#include "queue.h"

#define BOUNCE_HEADER_MAX	(16 * 1024)	/* of the original, quoted */
#define BOUNCE_TEXT_MAX		(64 * 1024)

/*
 * Queue the notice for qe (its message open at msgfd) as an entry of its
 * own in q: from the null sender to qe's sender, marked as a notice (a
 * notice is retried like any entry and never answered by another).  The
 * caller buries qe only after this returned 0, so a crash in between
 * gives two notices at worst, never none.  id: the notice's entry ("" when
 * none is due: qe is itself a notice or from the null sender).
 */
int	queue_bounce(struct queue *, const struct account *,
	    const struct qenv *qe, int msgfd, bool expired,
	    char id[QUEUE_ID_LEN + 1], struct err *);
/* The notice as canonical message bytes (CRLF) into out; its length. */
size_t	queue_bounce_text(const struct account *, const struct qenv *,
	    bool expired, const char *orig_header, size_t hlen, time_t now,
	    char *out, size_t cap);

#endif
