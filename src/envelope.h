/*
 * envelope.h - one message's envelope, as every stage sees it: the
 * message reader fills size and eightbit, the command line or -t the
 * addresses; the queue entry stores it, -bs builds it from MAIL and RCPT,
 * and the SMTP session sends it.  One struct, so that a field added here
 * (a DSN parameter, say) travels through every path at once.
 *
 * The strings belong to whoever filled the struct (argv, a queue entry's
 * buffer, the -bs session); the envelope only points at them.
 */
#ifndef OUTPOST_ENVELOPE_H
#define OUTPOST_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

struct envelope {
	const char	*sender;	/* "" for the null sender <> */
	char * const	*rcpts;		/* checked addresses, no duplicates */
	size_t		 nrcpts;
	bool		 smtputf8;	/* non-ASCII in an address */
	bool		 eightbit;	/* some message byte >= 0x80 */
	size_t		 size;		/* exact bytes of the spooled message */
};

#endif
