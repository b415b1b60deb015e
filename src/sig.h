/*
 * sig.h - what SIGTERM, SIGINT and SIGHUP do, decided in one place.
 *
 * A send stopped by a signal exits 75 at once (the spool has no name:
 * nothing is left behind) - unless the message is already safe: once the
 * server answered the final dot with 2xx, or the queue commit is
 * durable, the exit status is 0 whatever happens next (a caller that
 * retries on 75 would otherwise send it twice).  The queue runner stops
 * gracefully instead: no new transaction after the signal, the one on
 * the wire runs to its verdict (bounded by its deadlines), then exit.
 */
#ifndef OUTPOST_SIG_H
#define OUTPOST_SIG_H

#include <stdbool.h>

/* Install the handlers (main, before anything else). */
void	sig_setup(void);
/* The message in hand is the server's or durable: a signal exits 0. */
void	sig_committed(void);
/* A new message is in hand (-bs): a signal exits 75 again. */
void	sig_uncommitted(void);
/* The queue runner: a signal only asks to stop (sig_stopping()). */
void	sig_graceful(void);
/* Has a signal asked the runner to stop? */
bool	sig_stopping(void);

#endif
