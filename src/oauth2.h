/*
 * oauth2.h - OAuth2 for SMTP (RFC 6749, 7636, 8252): the access token
 * for auth = xoauth2 / oauthbearer, fetched with a refresh token when the
 * account sets oauth2_token_url, and the pieces "outpost oauth2 login"
 * needs.
 *
 * oauth2.c holds the pure parts (form encoding, the bounded JSON parser
 * of token and device responses, the non-secret claims of a JWT access
 * token), oauth2_url.c PKCE and the authorization URL; oauth2_http.c
 * the one HTTPS POST (libcurl on GnuTLS, the account's trust settings);
 * oauth2_token.c where refresh token and client secret live (private
 * files or the keyring) and the grants themselves; oauth2_cache.c the
 * cached access token and the account's OAuth2 state file (last
 * refresh, expiry).
 * Every token is a struct secret, never in a message or -v output.
 */
#ifndef OUTPOST_OAUTH2_H
#define OUTPOST_OAUTH2_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cfg.h"
#include "cred_keyring.h"
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
#define OAUTH2_USER_CODE_MAX	128	/* RFC 8628 user_code, shown */
#define OAUTH2_URI_MAX		512	/* verification_uri, shown */
#define OAUTH2_CLAIM_MAX	256	/* one JWT claim shown by status */
#define OAUTH2_HOST_MAX		256	/* the token URL's host, a key */
#define OAUTH2_PATH_MAX		4096	/* a token or state file name */

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
	/* a device authorization answer (RFC 8628 3.2) */
	struct secret	 device_code;	/* len 0: none */
	char		 user_code[OAUTH2_USER_CODE_MAX];	/* sanitised */
	char		 verify_uri[OAUTH2_URI_MAX];	/* sanitised */
	char		 verify_uri_full[OAUTH2_URI_MAX];	/* "": none */
	long		 interval;	/* seconds; -1 when absent */
};

/* What "outpost oauth2 status" shows of an access token (a JWT). */
struct oauth2_claims {
	char		 aud[OAUTH2_CLAIM_MAX];
	char		 scp[OAUTH2_CLAIM_MAX];	/* scp, else roles */
	char		 upn[OAUTH2_CLAIM_MAX];	/* upn, else email */
	long long	 exp;		/* -1 when absent */
};

/* The account's OAuth2 state file (not secret). */
struct oauth2_state {
	long long	 refreshed;	/* last token request, 0: never */
	long long	 expires;	/* that access token's expiry, 0 */
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
/*
 * The claims of a JWT access token's payload (aud, scp or roles, upn or
 * email, exp) into c; the signature is not checked (display only).  -1
 * when token is not a JWT (Google's are opaque).
 */
int	oauth2_jwt_claims(const char *token, size_t len,
	    struct oauth2_claims *);
/* base64url without padding of n bytes into out (cap bytes). */
int	oauth2_b64url(const void *in, size_t n, char *out, size_t cap);
/* PKCE S256 (RFC 7636 4.2): challenge of verifier into out (>= 44). */
int	oauth2_pkce_challenge(const char *verifier, char *out, size_t cap);
/*
 * The authorization URL: base (may hold a query) with response_type,
 * client_id, redirect_uri, scope, state, code_challenge (S256); for
 * Google's endpoint (accounts.google.com) also access_type=offline and
 * prompt=consent, without which Google hands out a refresh token only
 * the first time.  Others never get prompt=consent: Microsoft turns it
 * into "Need admin approval" in tenants where users may not consent.
 * -1 when longer than cap.
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
/* A refresh token stored by a login: the state file notes its time. */
int	oauth2_login_store(const struct account *, const struct oauth2_resp *,
	    struct err *);

/*
 * oauth2_cache.c: the access token cache - the keyring (keyring = on,
 * service oauth2-access, "EXPIRY TOKEN"), else for client_credentials a
 * 0600 file beside the state file - and the state file
 * $XDG_STATE_HOME/outpost/oauth2/ACCOUNT.  cache_get: 1 when a fresh
 * token was found.  Failures only cost the cache (logged with -v).
 */
int	oauth2_cache_get(const struct account *, struct secret *out,
	    long long *expiry);
void	oauth2_cache_put(const struct account *, const struct secret *,
	    long ttl);
/* Forget the cached token (the server refused it, or logout). */
void	oauth2_cache_clear(const struct account *);
/* The state file's path (suffix "" or ".token"); -1 with e. */
int	oauth2_state_path(const struct account *, const char *suffix,
	    char *out, size_t cap, struct err *);
int	oauth2_state_get(const struct account *, struct oauth2_state *);
void	oauth2_state_note(const struct account *, long expires_in);
/* Remove the state file (logout). */
int	oauth2_state_clear(const struct account *, struct err *);
/* The keyring key of one of the account's OAuth2 items. */
struct oauth2_key {
	struct keyring_key	k;
	char			host[OAUTH2_HOST_MAX];
};
const struct keyring_key *oauth2_key(const struct account *, const char *svc,
	    struct oauth2_key *);
/* The client secret file's path (%d/ expanded); -1 with e. */
int	oauth2_secret_path(const struct account *, char *out, size_t cap,
	    struct err *);

/* A private file (0600, ours or root's store's) -> buf; -1 when not. */
ssize_t	oauth2_file_read(const char *path, char *buf, size_t cap);
/*
 * Replace a private file whole (a file root writes into the store goes
 * to the store's owner); -1 with e.
 */
int	oauth2_file_write(const char *path, const char *buf, size_t len,
	    struct err *);

/*
 * oauth2_store.c: the system token store (outpost(8), SECURITY).  on:
 * the system file is loaded, its OAuth2 files live in the store.
 * keyring: does account a use the keyring (never with the store)?
 * owner: the store directory's owner, -1 when it is missing.
 * via_helper: the store is on but not ours - the access token comes from
 * outpost-oauth2 (oauth2_sys.c).  chown: whom a new file must be given to
 * ((uid_t)-1: no one; root writing into the store: its owner).  check:
 * the store is a 0700 directory of a user other than root.  lock: the
 * account's refresh lock held (an fd to close), -2 without the store,
 * -1 with e (75) when another refresh held it past the deadline.
 */
#define OAUTH2_STORE_LOCK_MS	60000	/* the wait for another refresh */
bool	oauth2_store_on(void);
bool	oauth2_keyring(const struct account *);
int	oauth2_store_owner(uid_t *, gid_t *);
bool	oauth2_store_via_helper(void);
void	oauth2_store_chown(uid_t *, gid_t *);
int	oauth2_store_check(struct err *);
int	oauth2_store_lock(const struct account *, struct err *);

/*
 * oauth2_line.c (pure): the helper's protocol.  name_ok: an account name
 * outpost-oauth2 takes (plain, at most OAUTH2_LINE_NAME_MAX bytes).
 * parse: its answer in buf (cut at the newline) -> the token in out, or
 * -1 with the helper's error in e (ERR_WAIT when it says so).
 */
#define OAUTH2_LINE_NAME_MAX	64
bool	oauth2_line_name_ok(const char *name);
int	oauth2_line_parse(char *buf, const char *name, struct secret *out,
	    struct err *);

/*
 * oauth2_sys.c: a system account's access token from outpost-oauth2.
 * prefetch: while the setgid group is held (only then may outpost run
 * the helper), for the account in use and its fallback; the token or
 * the failure is kept for oauth2_sys_token.  token: the prefetched
 * answer, else (fresh, or none kept) the helper run now ("refresh":
 * the cached token was refused); -1 with e.
 */
void	oauth2_sys_prefetch(const struct account *);
int	oauth2_sys_token(const struct account *, bool fresh,
	    struct secret *out, struct err *);

/*
 * The queue runner's keepalive (oauth2_token.c).  due: the account has
 * oauth2_keepalive = N and its refresh token was last used more than N
 * days ago (now: the runner's clock).  run: one refresh now (a rotated
 * token is stored, the state file notes the time); -1 with e.
 */
bool	oauth2_keepalive_due(const struct account *, long long now);
int	oauth2_keepalive_run(const struct account *, struct err *);
/*
 * Both, for the runner: a failure only shows with -v (a dead refresh
 * token says so loudly on the next send); the next run tries again.
 */
void	oauth2_keepalive(const struct account *, long long now);

#endif
