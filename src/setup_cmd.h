/*
 * setup_cmd.h - the parts of "outpost setup" that talk to the user and
 * to the rest of outpost after the account is written (setup_cmd.c).
 */
#ifndef OUTPOST_SETUP_CMD_H
#define OUTPOST_SETUP_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "setup.h"
#include "setup_account.h"

#define SETUP_ANSWER_MAX	16	/* a y/n answer */
#define SETUP_SEND_MS		120000	/* the test message, all of it */

/* A yes/no question on the terminal; dflt on an empty answer or EOF. */
bool	setup_ask(const char *question, bool dflt);
/* The preset is used with OAuth2 only (no password prompt). */
bool	setup_oauth2_only(const char *preset);
/* --find-only --json: what was found. */
void	setup_found_json(FILE *, const struct setup_found *);
/*
 * doctor --auth on the written account (its report on stdout, or with
 * json on stderr), then the test message when test: 0 proven, 1 not
 * provable here (OAuth2: the login comes next), -1 with e.
 */
int	setup_prove(const struct setup_account *, bool json, bool test,
	    struct err *);

#endif
