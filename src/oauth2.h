/*
 * oauth2.h - OAuth2 for SMTP (RFC 6749, 7636, 8252): the access token
 * for auth = xoauth2 / oauthbearer, fetched with a refresh token when the
 * account sets oauth2_token_url, and the pieces "outpost oauth2 login"
 * needs.
 *
 * oauth2.c holds the pure parts (form encoding, the bounded JSON parser
 * of token responses), oauth2_url.c PKCE and the authorization URL;
 * oauth2_http.c the one
 * HTTPS POST (libcurl on GnuTLS, the account's trust settings);
 * oauth2_token.c where refresh token, client secret and the cached access
 * token live (private files or the keyring) and the refresh itself.
 * Every token is a struct secret, never in a message or -v output.
 */
#ifndef OUTPOST_OAUTH2_H
#define OUTPOST_OAUTH2_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "secret.h"

#define OAUTH2_BODY_MAX		(64 * 1024)	/* token response cap */
#define OAUTH2_FORM_MAX		(4 * 3 * SECRET_MAX)	/* request body */
#define OAUTH2_ERROR_MAX	64	/* "invalid_grant" */
#define OAUTH2_DESC_MAX		200	/* error_description, shown */
#define OAUTH2_JSON_DEPTH	16	/* nesting skipped at most */
#define OAUTH2_VERIFIER_LEN	43	/* base64url of 32 random bytes */
#define OAUTH2_URL_MAX		4096	/* authorization URL */
#define OAUTH2_EXPIRY_MARGIN	120	/* seconds before expiry: refresh */

/* keyring service names (host = token URL host, user = account user) */
#define OAUTH2_SVC_REFRESH	"oauth2-refresh"
#define OAUTH2_SVC_SECRET	"oauth2-client-secret"
#define OAUTH2_SVC_ACCESS	"oauth2-access"

/* A token endpoint's answer (RFC 6749 5.1 / 5.2). */
struct oauth2_resp {
	struct secret	 access;	/* len 0: none */
	struct secret	 refresh;	/* len 0: none (not rotated) */
	long		 expires_in;	/* seconds; -1 when absent */
	char		 error[OAUTH2_ERROR_MAX];	/* "" when none */
	char		 error_desc[OAUTH2_DESC_MAX];	/* sanitised */
};

/*
 * Append "&key=value" (no "&" first) form-encoded to buf (cap bytes,
 * NUL-terminated, *len its length).  -1 when it does not fit.
 */
int	oauth2_form_add(char *buf, size_t cap, size_t *len, const char *key,
	    const char *val);
/* Parse a token response body; -1 with e (76) when it is not JSON. */
int	oauth2_json_parse(const char *body, size_t len, struct oauth2_resp *,
	    struct err *);
/* base64url without padding of n bytes into out (cap bytes). */
int	oauth2_b64url(const void *in, size_t n, char *out, size_t cap);
/* PKCE S256 (RFC 7636 4.2): challenge of verifier into out (>= 44). */
int	oauth2_pkce_challenge(const char *verifier, char *out, size_t cap);
/*
 * The authorization URL: base (may hold a query) with response_type,
 * client_id, redirect_uri, scope, state, code_challenge (S256),
 * access_type=offline and prompt=consent (so that Google hands out a
 * refresh token every time).  -1 when longer than cap.
 */
int	oauth2_auth_url(const char *base, const char *client_id,
	    const char *redirect, const char *scope, const char *state,
	    const char *challenge, char *out, size_t cap);

/*
 * POST form to url, parse the answer into r (oauth2_http.c).  HTTPS only,
 * peer and host verified against the system CAs or the account's
 * tls_trust_file, the account's timeout, OAUTH2_BODY_MAX.  A refusal
 * (error in r) returns 0: the caller words it.
 */
int	oauth2_http_post(const struct account *, const char *url,
	    const char *form, struct oauth2_resp *, long *status, struct err *);

/*
 * The access token for an account with oauth2_token_url: the cached one
 * while it is fresh, else one got with the refresh token (cred_get's
 * OAuth2 branch).
 */
int	oauth2_access_token(const struct account *, struct secret **out,
	    struct err *);
/*
 * After a failed delivery: when e says the server refused the token
 * (ERR_AUTH_TOKEN) and the account refreshes its own, drop the cached
 * token, fetch a new one into *pw and return 1 (e cleared: deliver
 * again, once); 0 when no retry applies; -1 with e when the refresh
 * failed.
 */
int	oauth2_refresh_retry(const struct account *, struct secret **pw,
	    struct err *);
/* Read the refresh token and client secret; store a new refresh token. */
int	oauth2_refresh_get(const struct account *, struct secret *,
	    struct err *);
int	oauth2_client_secret(const struct account *, struct secret *,
	    struct err *);
/* An endpoint's answer -> 0 with an access token, else -1 with e. */
int	oauth2_verdict(const struct account *, long status,
	    const struct oauth2_resp *, struct err *);
int	oauth2_refresh_store(const struct account *, const struct secret *,
	    struct err *);
struct oauth2_resp *oauth2_resp_new(struct err *);
void	oauth2_resp_free(struct oauth2_resp *);

#endif
