/*
 * setup_secret.h - the prompt for a provider's secret, reading it, and
 * storing it in the keyring or a private file (setup_secret.c).
 */
#ifndef OUTPOST_SETUP_SECRET_H
#define OUTPOST_SETUP_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "secret.h"

#define SETUP_LABEL_MAX	640	/* "outpost: user at host" */

struct setup_secret_to {
	const char	*host;		/* the keyring item's attributes */
	const char	*user;
	const char	*file;		/* the password_file otherwise */
	bool		 system;	/* file only, root:outpost 0640 */
};

/* What the provider calls the secret, for the prompt. */
const char *setup_prompt_what(const char *preset);
/* From file's first line, or the terminal without echo. */
int	setup_secret_read(const char *file, const char *prompt,
	    struct secret *, struct err *);
/*
 * 0 stored in the keyring, 1 written to to->file (then the account needs
 * password_file), -1 with e.  where: what happened, for the summary.
 */
int	setup_secret_store(const struct setup_secret_to *,
	    const struct secret *, char *where, size_t cap, struct err *);

#endif
