/*
 * cred_source.c - which source an account's password comes from, in
 * words, and a refused AUTH rewritten to name what a person needs to fix
 * it: the account, host:port, the user and that source.
 *
 * The order is cred_get()'s (cred.c): OAuth2, password, passwordeval,
 * password_file, the keyring.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "cred.h"

const char *
cred_source(const struct account *a, char *buf, size_t cap)
{
	if (a->oauth2_token_url != NULL)
		snprintf(buf, cap, "an OAuth2 token (refresh token from %s)",
		    a->oauth2_refresh_token_file != NULL ?
		    a->oauth2_refresh_token_file : "the keyring");
	else if (a->password != NULL)
		snprintf(buf, cap, "password from the config file");
	else if (a->passwordeval != NULL)
		snprintf(buf, cap, "password from passwordeval");
	else if (a->password_file != NULL)
		snprintf(buf, cap, "password from password_file %s",
		    a->password_file);
	else if (a->keyring && a->user != NULL)
		snprintf(buf, cap, "password from the keyring (host %s, "
		    "service smtp, user %s)", a->host, a->user);
	else
		snprintf(buf, cap, "no password");
	return buf;
}

void
cred_auth_explain(const struct account *a, const char *host, int port,
    struct err *e)
{
	char src[CRED_SOURCE_MAX], msg[ERR_MSG_MAX];
	int n;

	if ((e->flags & ERR_AUTH) == 0)
		return;
	/* cut short, the server's words still end the line */
	n = snprintf(msg, sizeof(msg), "account %s: %s:%d refused AUTH as %s "
	    "with the %s: %s", a->name, host, port, a->user != NULL ?
	    a->user : "(no user)", cred_source(a, src, sizeof(src)), e->msg);
	if (n > 0)
		memcpy(e->msg, msg, sizeof(e->msg));
}
