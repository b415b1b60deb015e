/*
 * bs_param.h - the ESMTP parameters -bs takes on MAIL and RCPT (SIZE,
 * BODY and RFC 3461's DSN: RET, ENVID, NOTIFY, ORCPT).  Pure.
 *
 * A message carries one DSN request (struct dsn_params): NOTIFY must
 * therefore be the same on every RCPT of a transaction (a RCPT with
 * another one gets 452), and ORCPT is checked but not passed on (outpost
 * sends the recipient as given).
 */
#ifndef OUTPOST_BS_PARAM_H
#define OUTPOST_BS_PARAM_H

#include <stdbool.h>

#include "dsn.h"

#define BS_PARAM_MAX	512	/* one KEY=VALUE, xtext-encoded */

/* What the parameters of one transaction asked for so far. */
struct bs_params {
	struct dsn_params dsn;
	unsigned long	 size;		/* SIZE=, 0: not given */
	bool		 mail_seen[4];	/* SIZE, BODY, RET, ENVID given */
	bool		 rcpt_seen;	/* a RCPT's NOTIFY (or none) is set */
};

/*
 * The parameters after MAIL's or RCPT's path (space-separated) into bp:
 * 0, or -1 with *reply the whole reply line (e.g. "555 5.5.4 ...").
 */
int	bs_param_mail(const char *params, struct bs_params *bp,
	    const char **reply);
int	bs_param_rcpt(const char *params, struct bs_params *bp,
	    const char **reply);

#endif
