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
 * Send a notice about entry qe (already in dead/ of q) to its envelope
 * sender through account a, from the null sender (RFC 5321 4.5.5: no
 * bounce of a bounce).  Nothing is sent for a null sender.
 */
int	queue_bounce(const struct config *, const struct account *,
	    struct queue *, const struct qenv *, bool expired, struct err *);
/* The notice as canonical message bytes (CRLF) into out; its length. */
size_t	queue_bounce_text(const struct account *, const struct qenv *,
	    bool expired, const char *orig_header, size_t hlen, time_t now,
	    char *out, size_t cap);

#endif
