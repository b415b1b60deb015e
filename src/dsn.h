/*
 * dsn.h - delivery status notification requests (RFC 3461): what the
 * sender asks the server to report (NOTIFY on each RCPT), how much of
 * the message a report returns (RET on MAIL) and the envelope id
 * (ENVID on MAIL, xtext-encoded).  Pure.
 *
 * struct dsn_params is small and self-contained so that it can be
 * embedded in an envelope (the queue entry's, a delivery request's).
 * Sources: -N, -R, -V<envid> on the command line, else the account's
 * dsn_notify and dsn_return (msmtp's keys and values).
 */
#ifndef OUTPOST_DSN_H
#define OUTPOST_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define DSN_ENVID_MAX	100	/* RFC 3461 4.4: before xtext encoding */
#define DSN_XTEXT_MAX	(3 * DSN_ENVID_MAX + 1)
#define DSN_NOTIFY_MAX	32	/* "SUCCESS,FAILURE,DELAY" */

/* NOTIFY: NEVER alone, or any of the others; 0: not asked for. */
#define DSN_NEVER	0x1
#define DSN_SUCCESS	0x2
#define DSN_FAILURE	0x4
#define DSN_DELAY	0x8

enum dsn_ret {
	DSN_RET_UNSET = 0,
	DSN_RET_FULL,
	DSN_RET_HDRS
};

struct dsn_params {
	unsigned	 notify;			/* DSN_*; 0: none */
	enum dsn_ret	 ret;
	char		 envid[DSN_ENVID_MAX + 1];	/* "": none */
};

/*
 * "never", or a comma-separated list of success, failure and delay (any
 * case); "off" and "" (msmtp: no request) are 0.  -1 on anything else.
 */
int	dsn_parse_notify(const char *, unsigned *out);
/* "full"; "hdrs" or "headers"; "off" or "": unset.  -1 else. */
int	dsn_parse_ret(const char *, enum dsn_ret *out);
/* An envelope id: 1-100 printable ASCII characters.  -1 else. */
int	dsn_set_envid(struct dsn_params *, const char *);
/* "SUCCESS,FAILURE" style, as RCPT's NOTIFY= takes it. */
void	dsn_notify_text(unsigned, char *out, size_t cap);
const char *dsn_ret_text(enum dsn_ret);	/* "FULL", "HDRS" */
/* RFC 3461 4: '+', '=' and bytes outside 33-126 as "+HH". */
void	dsn_xtext(const char *in, char *out, size_t cap);
/* The reverse; -1 on a malformed "+HH" or a result longer than cap - 1 */
int	dsn_unxtext(const char *in, char *out, size_t cap);
/* Anything asked for at all. */
bool	dsn_any(const struct dsn_params *);
/*
 * The command line's request over the account's keys: each of notify
 * and ret from cli when given, else from the account's (as parsed).
 */
void	dsn_merge(struct dsn_params *out, const struct dsn_params *cli,
	    unsigned acct_notify, enum dsn_ret acct_ret);

#endif
