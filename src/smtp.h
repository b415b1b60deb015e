/*
 * smtp.h - the SMTP submission state machine (RFC 5321, 3207, 4954, 2920).
 *
 * smtp_submit() drives one session over an open connection (already TLS
 * for implicit TLS): greeting, EHLO, STARTTLS and a fresh EHLO, AUTH,
 * MAIL + RCPT... + DATA (one pipelined flight when offered), the body, the
 * final reply, QUIT.  It returns 0 only when the server took the message
 * (2xx to the final dot); otherwise e says why, classified where the
 * failure was understood.
 */
#ifndef OUTPOST_SMTP_H
#define OUTPOST_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "conn.h"
#include "envelope.h"
#include "err.h"
#include "sasl.h"
#include "tls.h"

#define SMTP_LINE_MAX		16384	/* one command line we send */
#define SMTP_PIPELINE_MAX	100	/* commands in one pipelined group */
#define SMTP_BODY_CHUNK		(16 * 1024)
#define SMTP_QUIT_WAIT_MS	1000	/* how long we wait for the 221 */
#define SMTP_CMD_MAX_LEN	510	/* RFC 5321 4.5.3.1.4 without CRLF */

struct smtp_params;

/*
 * The queue runner's hook for several messages on one connection: called
 * when a transaction is over with its verdict (NULL: the server took the
 * message).  When can_continue, it may load the next message into the
 * message fields of p (env, spool_fd, more) and return 1; else 0.
 */
typedef int	smtp_next_fn(void *arg, struct smtp_params *p,
		    const struct err *verdict, bool can_continue);
/*
 * Called when the body is written and only the final dot is left: 0 to
 * send it, -1 with e to abandon the transaction (the connection is
 * dropped without the dot, so the server discards the message).  The
 * queue runner makes its durable "sending" mark here.
 */
typedef int	smtp_dot_fn(void *arg, struct err *e);
/*
 * The queue runner's hook for RFC 2920 3.1 (PIPELINING): the message on
 * the wire has its final dot out and its verdict is still to come; load
 * the next message into p now (1, or 0 when there is none), so that its
 * MAIL, RCPT... and DATA ride in the same round trip as that dot.  The
 * next call of next() then carries the verdict on the older message,
 * with can_continue false: the newer one is already loaded.  When the
 * session ends before the newer one's transaction got a reply, it is
 * reported to nobody (the caller knows it was loaded and never judged).
 */
typedef int	smtp_ahead_fn(void *arg, struct smtp_params *p);

struct smtp_params {
	const char	*ehlo_name;
	enum tls_mode	 tls;		/* STARTTLS required, implicit, off */
	struct tls_opts	 tls_opts;
	enum sasl_want	 auth;
	const char	*user;
	char		*password;	/* NULL: none; wiped after AUTH */
	int		 timeout;	/* seconds, each phase */
	struct envelope	 env;		/* of the message being sent */
	int		 spool_fd;	/* canonical message bytes */
	const char	*prefix;	/* header lines sent first, or NULL */
	bool		 more;		/* another message follows */
	smtp_next_fn	*next;		/* NULL: one message */
	smtp_ahead_fn	*ahead;		/* NULL: none (with next_arg) */
	void		*next_arg;
	smtp_dot_fn	*before_dot;	/* NULL: none */
	void		*dot_arg;
};

/*
 * With next set, each message's verdict goes to next(); the return value
 * and e then say only whether the session itself failed (before or
 * during a transaction: that transaction was reported with the same e).
 */
int	smtp_submit(struct conn *, struct smtp_params *, struct err *);

#endif
