/*
 * smtp_int.h - what the parts of the SMTP state machine share (private).
 *
 * smtp.c owns the loop, the session I/O helpers and the greeting, EHLO,
 * STARTTLS and QUIT states; smtp_auth.c the AUTH state; smtp_mail.c the
 * transaction (MAIL, RCPT..., DATA) and the body.  A state function sends
 * its commands, reads the replies and returns the next state; on failure
 * it fills e and returns SMTP_ST_QUIT (the session is still usable) or
 * SMTP_ST_DONE (the connection can no longer be trusted or used).
 */
#ifndef OUTPOST_SMTP_INT_H
#define OUTPOST_SMTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "data.h"
#include "deadline.h"
#include "reply.h"
#include "smtp.h"

enum smtp_state {
	SMTP_ST_GREETING,
	SMTP_ST_EHLO,
	SMTP_ST_STARTTLS,
	SMTP_ST_AUTH,
	SMTP_ST_MAIL,
	SMTP_ST_BODY,
	SMTP_ST_RSET,
	SMTP_ST_QUIT,
	SMTP_ST_DONE
};

struct smtp_session {
	struct conn			*c;
	struct smtp_params		*p;
	struct reply_parser		 rp;
	struct capa			 capa;
	bool				 delivered;
	bool				 quit_sent;	/* behind the dot */
	bool				 in_txn;	/* a message is out */
	/* the last server line was a 334: the next client line is secret */
	bool				 log_sasl;
	/*
	 * Recipients (indexes into p->rcpts) of this transaction, and those
	 * a "452 too many recipients" put off to the next one.
	 */
	size_t				*todo;
	size_t				 ntodo;
	size_t				*next;
	size_t				 nnext;
	unsigned			 rounds;	/* transactions done */
	/*
	 * Commands of this transaction (MAIL, RCPT..., DATA) already out
	 * behind the previous message's final dot (smtp_ahead_fn).
	 */
	size_t				 ahead;
	char				 in[SMTP_BODY_CHUNK];
	char				 out[DATA_OUT_MAX(SMTP_BODY_CHUNK)];
	struct reply			 r;
};

deadline_t	smtp_deadline(const struct smtp_session *);
int		smtp_put(struct smtp_session *, const char *line,
		    struct err *);
int		smtp_putf(struct smtp_session *, struct err *,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int		smtp_flush(struct smtp_session *, struct err *);
int		smtp_reply(struct smtp_session *, deadline_t, struct err *);
int		smtp_cmd(struct smtp_session *, const char *line,
		    struct err *);
int		smtp_class(const struct reply *);
int		smtp_txn_init(struct smtp_session *, struct err *);

enum smtp_state	smtp_st_auth(struct smtp_session *, struct err *);
enum smtp_state	smtp_st_mail(struct smtp_session *, struct err *);
enum smtp_state	smtp_st_body(struct smtp_session *, struct err *);

#endif
