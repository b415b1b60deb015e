/*
 * setup_account.h - the account section setup writes and its --json
 * summary (setup_account.c).
 */
#ifndef OUTPOST_SETUP_ACCOUNT_H
#define OUTPOST_SETUP_ACCOUNT_H

#include <stdbool.h>
#include <stdio.h>

#include "setup.h"

struct setup_account {
	const char		*name;
	const char		*addr;
	const char		*config;	/* its path */
	const struct setup_found *found;
	const struct setup_pick	*pick;
	const char		*password_file;	/* NULL: keyring or none */
	bool			 oauth2;	/* auth = xoauth2 */
	bool			 system;
};

#define SETUP_HINT_MAX	1024	/* the OAuth2 login hint */

/*
 * How to finish an OAuth2-only account: the login command that fits it
 * (the system relay's token store is root's: oauth2 login --system).
 */
void	setup_oauth2_hint(const struct setup_account *, char *buf,
	    size_t cap);
/* The section, "[name]" to its last line, into *text (malloc'ed). */
int	setup_account_text(const struct setup_account *, char **text,
	    struct err *);
/* The --json summary; secret: where it went ("keyring", ...). */
void	setup_account_json(FILE *, const struct setup_account *,
	    const char *secret, bool verified);

#endif
