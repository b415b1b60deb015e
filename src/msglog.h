/*
 * msglog.h - one line per message to the account's logfile and/or
 * syslog (logfile = PATH, syslog = on|off|FACILITY).
 *
 * The line is the same in both (the file adds a timestamp):
 *   account=A host=H port=N tls=starttls|implicit|off|- auth=MECH
 *   from=<S> recipients=R1,R2 size=N smtpstatus=CODE|- exitcode=EX_...
 *   [queued=ID] [queue_id=ID] duration=S.mmm
 * Every value comes from the config or from checked addresses (no
 * control bytes); the error text and anything secret never go in.
 * -v stays the protocol transcript.
 * Writing is best effort: a failure is one note on stderr and never
 * changes the outcome of the delivery.  The file is opened with
 * O_APPEND|O_NOFOLLOW, created 0600, and each line is one write().
 */
#ifndef OUTPOST_MSGLOG_H
#define OUTPOST_MSGLOG_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "deliver.h"
#include "err.h"

#define MSGLOG_LINE_MAX		2048
#define MSGLOG_RCPTS_MAX	1024	/* bytes of the recipient list */

struct msglog_rec {
	const struct account	*a;	/* the account picked */
	const struct deliver_used *used; /* may be NULL or port 0 */
	const char		*from;	/* envelope sender, "" for <> */
	char * const		*rcpts;
	size_t			 nrcpts;
	size_t			 size;
	const struct err	*e;	/* NULL or unset: delivered */
	const char		*queued; /* queued (exit 0) as this ID, e why */
	const char		*entry;	/* queue runner: the entry's ID */
	int64_t			 ms;	/* duration */
};

/*
 * syslog = on|off|FACILITY is known (a facility case-insensitively, with
 * or without msmtp's LOG_ prefix): -1 with e (78) when not.
 */
int	msglog_check(const struct account *, struct err *);
/* The line (pure; cfg for the fallback account's TLS and auth). */
void	msglog_format(const struct config *, const struct msglog_rec *,
	    char *out, size_t cap);
/* Format and write where the account says; nothing when it says none. */
void	msglog_write(const struct config *, const struct msglog_rec *);

#endif
