/*
 * cred.h - where the password comes from: the config file, passwordeval,
 * or the Secret Service (keyring).  All secrets live in struct secret:
 * locked in memory where possible, wiped on free.
 */
#ifndef OUTPOST_CRED_H
#define OUTPOST_CRED_H

#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define SECRET_MAX		4096		/* longest password accepted */
#define CRED_EVAL_OUTPUT_MAX	(64 * 1024)	/* passwordeval output cap */
#define CRED_KEYRING_TIMEOUT_MS	5000		/* whole keyring lookup */
#define CRED_FILE_MAX		(64 * 1024)	/* password_file size cap */

struct secret {
	size_t	 len;
	char	 buf[SECRET_MAX + 1];	/* NUL-terminated */
};

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
void	secret_free(struct secret *);
struct secret *secret_new(struct err *);

/*
 * Run cmd as passwordeval; the first output line into s.  A helper that
 * is not done within timeout_ms is killed (75).
 */
int	cred_eval_run(const char *cmd, int timeout_ms, struct secret *s,
	    struct err *);
/*
 * password_file (cred_file.c): spec with a leading "%d" expanded to
 * credsdir ($CREDENTIALS_DIRECTORY) into out; the result is absolute.
 */
int	cred_file_path(const char *spec, const char *credsdir, char *out,
	    size_t size, struct err *);
/* The first line of the file, owner, mode and size checked (78). */
int	cred_file_read(const char *spec, struct secret *s, struct err *);
/* The same for the system configuration: root:outpost 0640 is fine. */
int	cred_file_read_sys(const char *spec, struct secret *s, struct err *);
/* Look up host/service=smtp/user in the Secret Service (cred_keyring.c) */
int	cred_keyring_lookup(const char *host, const char *user,
	    struct secret *s, struct err *);

/*
 * The generic keyring API (cred_keyring.c; issue 4): an item is found by
 * its attributes host, service and user, whatever its schema name.  Each
 * call has the same bus preflight and CRED_KEYRING_TIMEOUT_MS deadline as
 * the lookup, never prompts, and fails with a one-line cause (no bus, no
 * Secret Service, locked, no answer).
 */
struct keyring_key {
	const char	*host;
	const char	*service;	/* "smtp", "oauth2-refresh", ... */
	const char	*user;
};

/* 1 found (s filled), 0 no such item, -1 with e. */
int	cred_keyring_find(const struct keyring_key *, struct secret *s,
	    struct err *);
/* Store or replace the item; label is what keyring UIs show. */
int	cred_keyring_store(const struct keyring_key *, const char *label,
	    const struct secret *, struct err *);
/* 1 removed, 0 there was none, -1 with e. */
int	cred_keyring_clear(const struct keyring_key *, struct err *);

#endif
