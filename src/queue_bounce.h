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

/* Why an entry was given up. */
enum bounce_why {
	BOUNCE_REFUSED,		/* a 5xx inside the transaction */
	BOUNCE_EXPIRED,		/* older than QUEUE_LIFETIME */
	BOUNCE_SENDER		/* a sender its submitter may not use */
};

/*
 * Queue the notice about entry qe (its message open at msgfd) as an
 * entry of its own in q, marked as a notice (retried like any entry,
 * never answered by another notice): from the null sender (RFC 5321
 * 4.5.5) to the envelope sender, or to root's address (the account's
 * aliases, else its from) when nobody else would get it - a null or
 * local sender - or when the sender is the forged part (BOUNCE_SENDER),
 * so that nothing is buried without a word.  The caller buries qe only
 * after this returned 0: a crash in between gives two notices at worst,
 * never none.  id: the notice's entry ("" when qe is itself a notice);
 * to: where it goes (ADDR_MAX + 1 bytes).
 */
int	queue_bounce(struct queue *, const struct account *,
	    const struct qenv *qe, int msgfd, enum bounce_why why,
	    char id[QUEUE_ID_LEN + 1], char *to, struct err *);
/* The notice to rcpt as canonical message bytes (CRLF); its length. */
size_t	queue_bounce_text(const struct account *, const struct qenv *,
	    enum bounce_why, const char *rcpt, const char *orig_header,
	    size_t hlen, time_t now, char *out, size_t cap);

#endif
