/*
 * cred_keyring.h - the Secret Service (libsecret) behind the keyring
 * password source, the OAuth2 token store and "outpost password".  An
 * item is found by its attributes host, service and user, whatever its
 * schema name.  Each call checks the bus first, runs under one deadline
 * of CRED_KEYRING_TIMEOUT_MS, never prompts, and fails with a one-line
 * cause (no bus, no Secret Service, locked, no answer).
 */
#ifndef OUTPOST_CRED_KEYRING_H
#define OUTPOST_CRED_KEYRING_H

#include "err.h"
#include "secret.h"

#define CRED_KEYRING_TIMEOUT_MS	5000		/* whole keyring call */

/* Look up host/service=smtp/user in the Secret Service (cred_keyring.c) */
int	cred_keyring_lookup(const char *host, const char *user,
	    struct secret *s, struct err *);

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
