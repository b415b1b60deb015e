/*
 * api_body.h - the body of an HTTPS API request, streamed: a head, the
 * message (the header lines the pipeline adds first, then the spooled
 * bytes) raw or base64-encoded, and a tail.  The message is never held
 * whole in memory; the body can be read twice (SES hashes it for its
 * signature before it is sent) because the spool is read with pread().
 */
#ifndef OUTPOST_API_BODY_H
#define OUTPOST_API_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define API_BODY_CHUNK	3072	/* message bytes read at once (3 | n) */
#define API_BODY_STAGE	(API_BODY_CHUNK / 3 * 4 + 1)	/* encoded */

struct api_body {
	const char	*head;		/* literal, before the message */
	size_t		 head_len;
	const char	*prefix;	/* header lines sent first, or NULL */
	int		 fd;		/* the spool, read from offset 0 */
	size_t		 size;		/* its exact length */
	bool		 b64;		/* base64 the message */
	const char	*tail;
	size_t		 tail_len;
	/* reading state */
	size_t		 pos;		/* bytes of the body handed out */
	size_t		 raw;		/* message bytes consumed */
	char		 stage[API_BODY_STAGE];
	size_t		 stage_len;
	size_t		 stage_off;
};

/* The body's exact length. */
size_t	api_body_len(const struct api_body *);
/* Back to the first byte. */
void	api_body_rewind(struct api_body *);
/* Up to cap bytes into buf: their number (0 at the end), -1 with e. */
ssize_t	api_body_read(struct api_body *, char *buf, size_t cap,
	    struct err *);

#endif
