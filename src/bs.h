/*
 * bs.h - "sendmail -bs": an SMTP server dialogue on stdin/stdout.
 *
 * Symfony Mailer and Laravel talk SMTP to "sendmail -bs" over a pipe.
 * bs_serve() answers EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, HELP
 * and QUIT; AUTH and STARTTLS are refused (a local pipe needs neither).
 * Each message is dot-unstuffed into an anonymous spool file and handed
 * to the submit callback, whose reply (delivered, queued, or the failure
 * as 4xx/5xx) is given only after it returns: a 250 means the message is
 * with the smarthost or in the queue.  Memory is bounded: lines are read
 * through a fixed buffer, the body goes to disk, at most MSG_MAX_RCPTS
 * recipients, BS_MAX_MESSAGE bytes, BS_MAX_ERRORS bad commands; every
 * read has a deadline of BS_TIMEOUT_MS.
 */
#ifndef OUTPOST_BS_H
#define OUTPOST_BS_H

#include <stddef.h>

#include "envelope.h"
#include "err.h"

#define BS_CMD_MAX	512		/* RFC 5321 4.5.3.1.4, with CRLF */
#define BS_TEXT_MAX	1000		/* a body line read at once */
#define BS_MAX_MESSAGE	(64 * 1024 * 1024)
#define BS_MAX_ERRORS	20
#define BS_TIMEOUT_MS	(5 * 60 * 1000)	/* RFC 5321 4.5.3.2.7 */
#define BS_REPLY_MAX	512

struct bs_msg {
	struct envelope	 env;		/* sender "" for <>; rcpts as given */
	int		 body_fd;	/* at offset 0, unstuffed, as sent */
};

/*
 * Submit one message; write the whole reply line(s) without the final
 * CRLF into reply (e.g. "250 2.0.0 queued as ID").
 */
typedef void (*bs_submit_fn)(void *arg, const struct bs_msg *,
    char *reply, size_t cap);

/*
 * The reply to a final dot for a message whose submission ended with e
 * (unset: delivered; queued_id not "": queued): the server's own 4xx/5xx
 * when there was one, else one that matches the exit code.
 */
void	bs_reply_for(const struct err *e, const char *queued_id, char *out,
	    size_t cap);

/*
 * Serve until QUIT or end of input: 0.  -1 with e on an output error,
 * a timeout (EX_TEMPFAIL) or input ending inside DATA (EX_DATAERR).
 */
int	bs_serve(int in_fd, int out_fd, const char *hostname,
	    bs_submit_fn submit, void *arg, struct err *e);

#endif
