/*
 * submit.h - the one delivery pipeline.  Every message outpost sends
 * goes through submit_run(): a direct send (job.c), each -bs message (the
 * same job), each queue entry (queue_run.c) and each undeliverable-mail
 * notice.  It owns the order of the phases after the message is on disk:
 *
 *   credentials (cred_get; an OAuth2 access token is fetched or taken
 *   from the cache) -> the SMTP session of the account (deliver.c: its
 *   hosts, the port race, TLS, AUTH, the transactions) -> when the server
 *   refused the access token: drop it, refresh once, a new session ->
 *   when the account failed for now and nothing can have been delivered:
 *   the same over the fallback account -> a verdict and a log line for
 *   each message.
 *
 * The caller hands messages in through next() and learns the verdict of
 * each through done(): delivered, queue it (a temporary failure), or
 * refused.  What a verdict means is the caller's alone: a direct send
 * commits "queue it" to the queue and exits 0, the runner backs the
 * entry off.  Several messages share one session when the caller has
 * several (the runner: one connection per account).
 */
#ifndef OUTPOST_SUBMIT_H
#define OUTPOST_SUBMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "envelope.h"
#include "err.h"
#include "hostname.h"
#include "queue.h"

#define SUBMIT_STASH_MAX	64	/* messages kept for the fallback */

/* One message: filled by the caller's next(). */
struct submit_msg {
	struct envelope	 env;
	int		 spool_fd;	/* canonical bytes, read from 0 */
	const char	*prefix;	/* header lines sent first, or NULL */
	bool		 more;		/* another message may follow */
	const char	*entry;		/* its queue id (log line), or NULL */
	void		*handle;	/* the caller's, given back to done() */
	int64_t		 t0;		/* its start (deadline_now_ms()) */
};

enum submit_outcome {
	SUBMIT_DELIVERED = 0,
	SUBMIT_QUEUE,		/* temporary: try again later */
	SUBMIT_REFUSED,		/* permanent, or not worth a retry */
	/*
	 * Batch only: loaded behind an earlier message's final dot (RFC
	 * 2920 pipelining), but the session ended before its own
	 * transaction was answered.  Nothing happened to it: the caller
	 * leaves it as it was (no try is counted, no log line is written).
	 */
	SUBMIT_UNTRIED
};

struct submit_verdict {
	enum submit_outcome	 outcome;
	struct err		 e;	/* why; unset when delivered */
	bool			 in_txn;	/* the server refused this
						 * message, not the session */
	const char		*account;	/* whose session decided */
	char			 queued[QUEUE_ID_LEN + 1];	/* done() */
};

struct submit_ops {
	/* Load the next message into m: 1, or 0 when there is none. */
	int	(*next)(void *arg, struct submit_msg *m);
	/*
	 * The verdict on m, once.  A caller that queues the message puts
	 * the entry's id into v->queued (the log line shows it) and may
	 * replace v->e with the reason it could not.
	 */
	void	(*done)(void *arg, const struct submit_msg *m,
		    struct submit_verdict *v);
	/*
	 * Optional (batch only): m's final dot is about to go out; -1 with
	 * e abandons its transaction without the dot.
	 */
	int	(*dot)(void *arg, const struct submit_msg *m, struct err *e);
	/*
	 * Optional: m is done with (its verdict given, its log line
	 * written): the caller may free what m points to.
	 */
	void	(*release)(void *arg, const struct submit_msg *m);
};

struct submit_req {
	const struct config	*cfg;
	const struct account	*a;
	/*
	 * cfg itself, when its passwords are to be wiped once the
	 * credentials are in hand: a direct send, where nothing else needs
	 * them.  NULL: keep them (the runner goes on to other accounts).
	 */
	struct config		*forget;
	/* Several messages may come: keep the session for them. */
	bool			 batch;
	const struct submit_ops	*ops;
	void			*arg;
};

/* Every message next() gives gets exactly one done(). */
void	submit_run(const struct submit_req *);
/*
 * The name for EHLO: the account's domain (78 when it is no usable host
 * name), else this host's fully qualified name, else "" (deliver.c then
 * sends the address literal of the connection).
 */
int	submit_ehlo_name(const struct account *, char out[HOSTNAME_MAX + 1],
	    struct err *);

#endif
