/*
 * oauth2_token.c - the access token of an account with oauth2_token_url:
 * where the refresh token and client secret live, the token request
 * (RFC 6749 6 with a refresh token; 4.4 with client credentials), and
 * the one retry after the server refused a token.
 *
 * Sources: oauth2_refresh_token_file and oauth2_client_secret_file (first
 * line; regular, owned by the user or root, no group/other bits - like a
 * config that holds a password; the secret file may be %d/NAME like
 * password_file), else the keyring (keyring = on): items with host = the
 * token URL's host, user = the account's user, service oauth2-refresh /
 * oauth2-client-secret.  A refresh token the endpoint rotates is written
 * back where it came from (a file: a new file, then rename).  The access
 * token is cached (oauth2_cache.c).  The system file's accounts keep
 * theirs in the token store (oauth2_store.c), refreshed one at a time
 * under its lock; a process that does not own the store gets the access
 * token from outpost-oauth2 (oauth2_sys.c).
 *
 * The token endpoint's refusal while sending (invalid_grant: the refresh
 * token expired or was revoked; invalid_client: the client secret did)
 * is a temporary failure (75): the message waits in the queue until
 * someone runs "outpost oauth2 login" (or renews the secret), which the
 * one-line error says; only a login itself ends 77 on a refusal.
 * Every token, secret and request body is wiped before it is freed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "cred_file.h"
#include "cred_keyring.h"
#include "oauth2.h"

#define OAUTH2_LABEL_MAX	384	/* what keyring UIs show */

struct oauth2_resp *
oauth2_resp_new(struct err *e)
{
	struct oauth2_resp *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	(void)mlock(r, sizeof(*r));	/* best effort: keep it off swap */
	r->expires_in = -1;
	return r;
}

void
oauth2_resp_free(struct oauth2_resp *r)
{
	if (r == NULL)
		return;
	explicit_bzero(r, sizeof(*r));
	munlock(r, sizeof(*r));
	free(r);
}

/* The refresh token in the system token store (oauth2_store.c). */
static int
store_refresh_get(const struct account *a, struct secret *s, struct err *e)
{
	char path[OAUTH2_PATH_MAX];
	ssize_t n;

	if (oauth2_state_path(a, ".refresh", path, sizeof(path), e) == -1)
		return -1;
	n = oauth2_file_read(path, s->buf, sizeof(s->buf));
	if (n > 0) {
		s->len = strcspn(s->buf, "\r\n");
		s->buf[s->len] = '\0';
	}
	if (n <= 0 || s->len == 0)
		return err_set(e, EX_CONFIG, "account %s: no refresh token in "
		    "the system token store (run outpost oauth2 login --system "
		    "-a %s as root)", a->name, a->name);
	return 0;
}

int
oauth2_refresh_get(const struct account *a, struct secret *s,
    struct err *e)
{
	struct oauth2_key t;
	int rc;

	if (a->oauth2_refresh_token_file != NULL)
		return cred_file_secret("oauth2_refresh_token_file",
		    a->oauth2_refresh_token_file, false, s, e);
	if (oauth2_store_on())
		return store_refresh_get(a, s, e);
	if (a->keyring) {
		rc = cred_keyring_find(oauth2_key(a, OAUTH2_SVC_REFRESH, &t), s,
		    e);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
	return err_set(e, EX_CONFIG, "account %s: no refresh token (run "
	    "outpost oauth2 login -a %s, or set oauth2_refresh_token_file)",
	    a->name, a->name);
}

int
oauth2_secret_path(const struct account *a, char *out, size_t cap,
    struct err *e)
{
	return cred_file_path("oauth2_client_secret_file",
	    a->oauth2_client_secret_file, getenv("CREDENTIALS_DIRECTORY"),
	    out, cap, e);
}

int
oauth2_client_secret(const struct account *a, struct secret *s,
    struct err *e)
{
	struct oauth2_key t;

	s->len = 0;	/* none: a public client (PKCE) */
	s->buf[0] = '\0';

	if (a->oauth2_client_secret_file != NULL)
		return cred_file_secret("oauth2_client_secret_file",
		    a->oauth2_client_secret_file, false, s, e);
	/* beside a refresh token in the keyring: none found, none needed */
	if (oauth2_keyring(a) && a->oauth2_refresh_token_file == NULL &&
	    cred_keyring_find(oauth2_key(a, OAUTH2_SVC_SECRET, &t), s, e) == -1)
		return -1;
	return 0;
}

/* Replace the refresh token file whole (fdio.h): "TOKEN\n". */
static int
token_file_write(const char *path, const struct secret *s, uid_t uid,
    gid_t gid, struct err *e)
{
	char *buf;
	int rc = 0;

	if ((buf = malloc(s->len + 1)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	memcpy(buf, s->buf, s->len);
	buf[s->len] = '\n';
	(void)mlock(buf, s->len + 1);
	if (fd_replace_file(path, buf, s->len + 1, 0600, uid, gid) == -1)
		rc = err_sys(e, EX_CANTCREAT, "%s", path);
	explicit_bzero(buf, s->len + 1);
	munlock(buf, s->len + 1);
	free(buf);
	return rc;
}

int
oauth2_refresh_store(const struct account *a, const struct secret *s,
    struct err *e)
{
	char label[OAUTH2_LABEL_MAX], path[OAUTH2_PATH_MAX];
	struct oauth2_key t;
	uid_t u;
	gid_t g;

	oauth2_store_chown(&u, &g);
	if (a->oauth2_refresh_token_file != NULL)
		return token_file_write(a->oauth2_refresh_token_file, s, u, g,
		    e);
	if (oauth2_store_on())
		return oauth2_state_path(a, ".refresh", path, sizeof(path),
		    e) == -1 ? -1 : token_file_write(path, s, u, g, e);
	if (!a->keyring)
		return err_set(e, EX_CONFIG, "account %s: nowhere to keep the "
		    "refresh token (set oauth2_refresh_token_file or keyring = "
		    "on)", a->name);
	oauth2_key(a, OAUTH2_SVC_REFRESH, &t);
	snprintf(label, sizeof(label), "outpost OAuth2 refresh token for %s "
	    "at %s", t.k.user, t.host);
	return cred_keyring_store(&t.k, label, s, e);
}

/* The token request's body: refresh_token or client_credentials. */
static int
token_form(const struct account *a, const struct secret *refresh,
    const struct secret *csecret, char *form, struct err *e)
{
	bool client = a->oauth2_grant == OAUTH2_GRANT_CLIENT;
	size_t len = 0;

	form[0] = '\0';
	if (oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "grant_type",
	    client ? "client_credentials" : "refresh_token") == -1 ||
	    (!client && oauth2_form_add(form, OAUTH2_FORM_MAX, &len,
	    "refresh_token", refresh->buf) == -1) ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "client_id",
	    a->oauth2_client_id) == -1 ||
	    (csecret->len > 0 && oauth2_form_add(form, OAUTH2_FORM_MAX, &len,
	    "client_secret", csecret->buf) == -1) ||
	    (a->oauth2_scope != NULL && oauth2_form_add(form,
	    OAUTH2_FORM_MAX, &len, "scope", a->oauth2_scope) == -1))
		return err_set(e, EX_CONFIG, "token request too long");
	return 0;
}

/* The endpoint's verdict on a request, as one error (RFC 6749 5.2). */
int
oauth2_verdict(const struct account *a, long status,
    const struct oauth2_resp *r, struct err *e)
{
	if (status == 200 && r->access.len > 0)
		return 0;
	if (r->error[0] == '\0')
		return err_set(e, EX_PROTOCOL, "token endpoint: HTTP %ld "
		    "without an access token", status);
	if (a->oauth2_grant == OAUTH2_GRANT_CLIENT)
		return err_set(e, strcmp(r->error, "temporarily_unavailable") ==
		    0 ? EX_TEMPFAIL : EX_NOPERM, "token endpoint refused "
		    "(HTTP %ld): %s%s%s (check oauth2_client_id, the secret in "
		    "oauth2_client_secret_file and oauth2_scope of account %s)",
		    status, r->error, r->error_desc[0] != '\0' ? ": " : "",
		    r->error_desc, a->name);
	return err_set(e, strcmp(r->error, "temporarily_unavailable") == 0 ?
	    EX_TEMPFAIL : EX_NOPERM, "token endpoint refused (HTTP %ld): "
	    "%s%s%s (run outpost oauth2 login -a %s)", status, r->error,
	    r->error_desc[0] != '\0' ? ": " : "", r->error_desc, a->name);
}

/*
 * A fresh access token into out, with the refresh token or the client
 * credentials.  A refusal is temporary for the message (see the top).
 */
static int
token_refresh(const struct account *a, struct secret *out, struct err *e)
{
	bool client = a->oauth2_grant == OAUTH2_GRANT_CLIENT;
	struct secret *refresh = NULL, *csecret = NULL;
	struct oauth2_resp *r = NULL;
	char *form = NULL;
	long status;
	int rc = -1, lock;

	if (a->oauth2_client_id == NULL)
		return err_set(e, EX_CONFIG, "account %s: oauth2_token_url "
		    "needs oauth2_client_id", a->name);
	/* the store: one refresh at a time, the token read under the lock */
	if ((lock = oauth2_store_lock(a, e)) == -1)
		return -1;
	if ((refresh = secret_new(e)) == NULL ||
	    (csecret = secret_new(e)) == NULL ||
	    (r = oauth2_resp_new(e)) == NULL)
		goto out;
	if ((form = malloc(OAUTH2_FORM_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	if ((!client && oauth2_refresh_get(a, refresh, e) == -1) ||
	    oauth2_client_secret(a, csecret, e) == -1)
		goto out;
	if (client && csecret->len == 0) {
		err_set(e, EX_CONFIG, "account %s: oauth2_grant = "
		    "client_credentials needs oauth2_client_secret_file",
		    a->name);
		goto out;
	}
	if (token_form(a, refresh, csecret, form, e) == -1)
		goto out;
	log_debug("%s", client ? "getting an OAuth2 access token with the "
	    "client credentials" : "refreshing the OAuth2 access token");
	if (oauth2_http_post(a, a->oauth2_token_url, form, r, &status,
	    e) == -1 || oauth2_verdict(a, status, r, e) == -1) {
		if (e->ex == EX_NOPERM)
			e->ex = EX_TEMPFAIL;	/* queued, not lost */
		if (e->ex == EX_TEMPFAIL)
			e->flags |= ERR_WAIT;
		goto out;
	}
	oauth2_state_note(a, r->expires_in);
	if (r->refresh.len > 0 && (r->refresh.len != refresh->len ||
	    memcmp(r->refresh.buf, refresh->buf, refresh->len) != 0)) {
		struct err se;

		/* rotated (Microsoft does): the old one may be dead now */
		err_init(&se);
		if (oauth2_refresh_store(a, &r->refresh, &se) == -1)
			log_warn("warning: new refresh token "
			    "not stored: %s", se.msg);
	}
	*out = r->access;
	oauth2_cache_put(a, &r->access, r->expires_in);
	rc = 0;
out:
	if (form != NULL)
		explicit_bzero(form, OAUTH2_FORM_MAX);
	free(form);
	oauth2_resp_free(r);
	secret_free(csecret);
	secret_free(refresh);
	if (lock >= 0)
		close(lock);
	return rc;
}

int
oauth2_access_token(const struct account *a, struct secret **out,
    struct err *e)
{
	struct secret *s;

	*out = NULL;
	if (a->auth != SASL_WANT_XOAUTH2 && a->auth != SASL_WANT_OAUTHBEARER)
		return err_set(e, EX_CONFIG, "account %s: oauth2_token_url "
		    "needs auth = xoauth2 or oauthbearer", a->name);
	if (a->password != NULL || a->passwordeval != NULL ||
	    a->password_file != NULL)
		return err_set(e, EX_CONFIG, "account %s: oauth2_token_url "
		    "and a password source are both set; keep one", a->name);
	if ((s = secret_new(e)) == NULL)
		return -1;
	if (oauth2_store_via_helper()) {
		if (oauth2_sys_token(a, false, s, e) == -1) {
			secret_free(s);
			return -1;
		}
		*out = s;
		return 0;
	}
	if (oauth2_cache_get(a, s, NULL)) {
		log_debug("using the cached OAuth2 access token");
		*out = s;
		return 0;
	}
	if (token_refresh(a, s, e) == -1) {
		secret_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int
oauth2_refresh_retry(const struct account *a, struct secret **pw,
    struct err *e)
{
	struct secret *s;
	struct err re;

	if (a->oauth2_token_url == NULL || (e->flags & ERR_AUTH_TOKEN) == 0)
		return 0;
	log_debug("the server refused the access token: refreshing it once");
	oauth2_cache_clear(a);
	secret_free(*pw);
	*pw = NULL;
	err_init(&re);
	if ((s = secret_new(&re)) == NULL || (oauth2_store_via_helper() ?
	    oauth2_sys_token(a, true, s, &re) : token_refresh(a, s, &re)) ==
	    -1) {
		secret_free(s);
		*e = re;
		return -1;
	}
	err_init(e);
	*pw = s;
	return 1;
}

int
oauth2_login_store(const struct account *a, const struct oauth2_resp *r,
    struct err *e)
{
	if (r->refresh.len == 0)
		return err_set(e, EX_PROTOCOL, "the token endpoint sent no "
		    "refresh token (the consent must include offline access)");
	if (oauth2_refresh_store(a, &r->refresh, e) == -1)
		return -1;
	/* the new login's access token replaces any cached one */
	oauth2_cache_clear(a);
	oauth2_cache_put(a, &r->access, r->expires_in);
	oauth2_state_note(a, r->expires_in);
	return 0;
}

bool
oauth2_keepalive_due(const struct account *a, long long now)
{
	struct oauth2_state st;

	if (a->oauth2_keepalive <= 0 || a->oauth2_token_url == NULL ||
	    a->oauth2_grant != OAUTH2_GRANT_REFRESH)
		return false;
	/* never refreshed here: the login or a first send sets the clock */
	if (oauth2_state_get(a, &st) == -1 || st.refreshed <= 0)
		return false;
	return now - st.refreshed >= (long long)a->oauth2_keepalive * 86400;
}

int
oauth2_keepalive_run(const struct account *a, struct err *e)
{
	struct secret *s;
	int rc;

	if ((s = secret_new(e)) == NULL)
		return -1;
	log_debug("account %s: refreshing the idle OAuth2 refresh token "
	    "(oauth2_keepalive)", a->name);
	rc = oauth2_store_via_helper() ? oauth2_sys_token(a, true, s, e) :
	    token_refresh(a, s, e);
	secret_free(s);
	return rc;
}

void
oauth2_keepalive(const struct account *a, long long now)
{
	struct err e;

	if (!oauth2_keepalive_due(a, now))
		return;
	err_init(&e);
	if (oauth2_keepalive_run(a, &e) == -1)
		log_debug("account %s: oauth2_keepalive: %s", a->name,
		    e.msg);
}
