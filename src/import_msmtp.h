/*
 * import_msmtp.h - an msmtp configuration (~/.msmtprc) turned into the
 * equivalent outpost configuration (import_msmtp.c).  Pure: reads one
 * stream, writes two; no file names are opened and nothing is run.
 */
#ifndef OUTPOST_IMPORT_MSMTP_H
#define OUTPOST_IMPORT_MSMTP_H

#include <stdio.h>

#include "err.h"

#define IMP_LINE_MAX	4096	/* one msmtprc line, without its LF */
#define IMP_ACCT_MAX	64	/* accounts in one file */
#define IMP_NAME_MAX	48	/* an account name (outpost's section) */

/*
 * Read the msmtprc text on in (called name in messages), write the
 * outpost config on out and one "line N: KEY not imported: why" (or
 * "line N: KEY: note") on diag per line that has no exact equivalent.
 * 0, or -1 with e filled: EX_DATAERR (no account, too many, a line too
 * long), EX_IOERR (read or write failed), EX_OSERR (memory).
 */
int	import_msmtp(FILE *in, const char *name, FILE *out, FILE *diag,
	    struct err *e);

#endif
