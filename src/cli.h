/*
 * cli.h - the sendmail command line -> struct opts, through a table.
 *
 * Unknown options exit 64 (EX_USAGE).  Options that callers pass
 * routinely and that mean nothing here are accepted and ignored.
 */
#ifndef OUTPOST_CLI_H
#define OUTPOST_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "dsn.h"
#include "err.h"

enum cli_mode {
	CLI_MODE_SEND = 0,
	CLI_MODE_VERSION,
	CLI_MODE_HELP,
	CLI_MODE_QUEUE_LIST,	/* -bp, mailq */
	CLI_MODE_QUEUE_RUN,	/* -q [--flush] [--id ID] */
	CLI_MODE_QUEUE_DROP,	/* --drop ID */
	CLI_MODE_SMTP		/* -bs: SMTP on stdin/stdout */
};

struct opts {
	enum cli_mode	 mode;
	bool		 read_rcpts;	/* -t */
	bool		 dot_ends;	/* false with -i / -oi */
	const char	*from;		/* -f / -r */
	const char	*fullname;	/* -F */
	const char	*account;	/* -a */
	const char	*config;	/* -C */
	int		 verbose;	/* -v */
	bool		 flush;		/* --flush: every entry now */
	const char	*queue_id;	/* --id ID / --drop ID */
	char		**rcpts;	/* points into argv */
	size_t		 nrcpts;
	struct dsn_params dsn;		/* -N, -R, -V<envid> */
};

/* argv[0]'s base name picks the personality (sendmail, mailq, ...). */
int	cli_parse(int argc, char **argv, struct opts *, struct err *);

#endif
