/*
 * cred.h - where the password comes from: the config file, passwordeval,
 * password_file, OAuth2 or the Secret Service (keyring).  Every secret
 * lives in a struct secret (secret.h).
 */
#ifndef OUTPOST_CRED_H
#define OUTPOST_CRED_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "cred_file.h"
#include "cred_keyring.h"
#include "err.h"
#include "secret.h"

#define CRED_EVAL_OUTPUT_MAX	(64 * 1024)	/* passwordeval output cap */

/*
 * The account's password, or *out = NULL when none is needed (auth off,
 * EXTERNAL, or auth on with a client certificate and no source).  The
 * source is password, passwordeval or password_file, whichever is set;
 * with none of them the keyring (keyring = on and a user).  More than one
 * set, or none when one is needed: 78.
 */
#define CRED_SOURCE_MAX	256	/* cred_source()'s words */

/* "password from password_file /p" and the like (cred_source.c). */
const char *cred_source(const struct account *, char *buf, size_t cap);
/* A refused AUTH (ERR_AUTH): name the account, host:port, user, source. */
void	cred_auth_explain(const struct account *, const char *host, int port,
	    struct err *);
int	cred_get(const struct account *, struct secret **out, struct err *);

/*
 * Run cmd as passwordeval; the first output line into s.  A helper that
 * is not done within timeout_ms is killed (75).
 */
int	cred_eval_run(const char *cmd, int timeout_ms, struct secret *s,
	    struct err *);
#endif
