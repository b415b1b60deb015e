/*
 * job.h - what a command line asks for, once main() has parsed it and
 * set up privileges: send one message (from stdin, or one -bs message),
 * serve -bs, or work on the queue (-bp, -q, --drop).
 *
 * A send runs its phases in order, each holding only what it needs:
 * configuration -> the account -> envelope checks -> the message,
 * spooled -> submit.h (credentials, session, fallback, log line) ->
 * a temporary failure committed to the queue.  Nothing touches the
 * network before the message is safe on disk.
 */
#ifndef OUTPOST_JOB_H
#define OUTPOST_JOB_H

#include "cfg.h"
#include "cli.h"
#include "err.h"
#include "queue.h"

struct job_result {
	char	queued[QUEUE_ID_LEN + 1];	/* "" unless queued */
	char	queue_fail[ERR_MSG_MAX];	/* why it could not be */
	/*
	 * A message split by recipient domain whose parts were delivered
	 * or queued, some queued: what to say (the command line exits
	 * 75, -bs answers "queued as"); "" otherwise.
	 */
	char	split[ERR_MSG_MAX];
};

/*
 * One message read from in_fd: 0 delivered or queued (r says which), or
 * -1 with e (the exit code).  shared: a config already loaded (-bs in
 * the system mode), used as is and kept; NULL: load the caller's.
 */
int	job_send(const struct opts *, struct config *shared, int in_fd,
	    struct job_result *r, struct err *);
/* -bs on stdin/stdout: each message a job_send() of its own. */
int	job_bs(const struct opts *, struct err *);
/* -bp, -q, --drop over the queue of every account in the config. */
int	job_queue_mode(const struct opts *, struct err *);

#endif
