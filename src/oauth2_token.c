/*
 * oauth2_token.c - the access token of an account with oauth2_token_url:
 * where the refresh token and client secret live, the refresh request
 * (RFC 6749 6), and the one retry after the server refused a token.
 *
 * Sources: oauth2_refresh_token_file and oauth2_client_secret_file (first
 * line; regular, owned by the user or root, no group/other bits - like a
 * config that holds a password), else the keyring (keyring = on): items
 * with host = the token URL's host, user = the account's user, service
 * oauth2-refresh / oauth2-client-secret.  A refresh token the endpoint
 * rotates is written back where it came from (a file: a new file, then
 * rename).  With keyring = on the access token is cached as service
 * oauth2-access, "EXPIRY-EPOCH TOKEN", until OAUTH2_EXPIRY_MARGIN seconds
 * before it expires; a keyring that cannot be reached only costs the
 * cache (the token is fetched each time).  The token endpoint's refusal
 * (invalid_grant...) exits 77 and says to run "outpost oauth2 login".
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

#define OAUTH2_PATH_MAX		4096	/* "<file>.new" for the rewrite */
#define OAUTH2_HOST_MAX		256	/* the token URL's host, a key */
#define OAUTH2_LABEL_MAX	384	/* what keyring UIs show */

/* A keyring key and the host string it points to. */
struct token_key {
	struct keyring_key	k;
	char			host[OAUTH2_HOST_MAX];
};

/* The keyring item of one OAuth2 secret of the account. */
static const struct keyring_key *
token_key(const struct account *a, const char *svc, struct token_key *t)
{
	const char *p = a->oauth2_token_url != NULL ? a->oauth2_token_url : "";
	size_t n;

	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	n = strcspn(p, "/:?#");
	if (n >= sizeof(t->host))
		n = sizeof(t->host) - 1;
	memcpy(t->host, p, n);
	t->host[n] = '\0';
	t->k.host = t->host;
	t->k.service = svc;
	t->k.user = a->user != NULL ? a->user : a->name;
	return &t->k;
}

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

int
oauth2_refresh_get(const struct account *a, struct secret *s,
    struct err *e)
{
	struct token_key t;
	int rc;

	if (a->oauth2_refresh_token_file != NULL)
		return cred_file_secret("oauth2_refresh_token_file",
		    a->oauth2_refresh_token_file, false, s, e);
	if (a->keyring) {
		rc = cred_keyring_find(token_key(a, OAUTH2_SVC_REFRESH, &t), s,
		    e);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
	return err_set(e, EX_CONFIG, "account %s: no refresh token (run "
	    "outpost oauth2 login -a %s, or set oauth2_refresh_token_file)",
	    a->name, a->name);
}

int
oauth2_client_secret(const struct account *a, struct secret *s,
    struct err *e)
{
	s->len = 0;	/* none: a public client (PKCE) */
	s->buf[0] = '\0';
	struct token_key t;

	if (a->oauth2_client_secret_file != NULL)
		return cred_file_secret("oauth2_client_secret_file",
		    a->oauth2_client_secret_file, false, s, e);
	/* beside a refresh token in the keyring: none found, none needed */
	if (a->keyring && a->oauth2_refresh_token_file == NULL &&
	    cred_keyring_find(token_key(a, OAUTH2_SVC_SECRET, &t), s, e) == -1)
		return -1;
	return 0;
}

/* Replace the refresh token file: a private new file, then rename. */
static int
token_file_write(const char *path, const struct secret *s, struct err *e)
{
	char tmp[OAUTH2_PATH_MAX];
	int fd, n, rc = 0;

	n = snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return err_set(e, EX_CONFIG, "%s: name too long", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return err_sys(e, EX_CANTCREAT, "%s", tmp);
	if (fd_write_all(fd, s->buf, s->len) == -1 ||
	    fd_write_all(fd, "\n", 1) == -1 || fsync(fd) == -1)
		rc = err_sys(e, EX_IOERR, "%s", tmp);
	if (close(fd) == -1 && rc == 0)
		rc = err_sys(e, EX_IOERR, "%s", tmp);
	if (rc == 0 && rename(tmp, path) == -1)
		rc = err_sys(e, EX_CANTCREAT, "%s", path);
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

int
oauth2_refresh_store(const struct account *a, const struct secret *s,
    struct err *e)
{
	char label[OAUTH2_LABEL_MAX];
	struct token_key t;

	if (a->oauth2_refresh_token_file != NULL)
		return token_file_write(a->oauth2_refresh_token_file, s, e);
	if (!a->keyring)
		return err_set(e, EX_CONFIG, "account %s: nowhere to keep the "
		    "refresh token (set oauth2_refresh_token_file or keyring = "
		    "on)", a->name);
	token_key(a, OAUTH2_SVC_REFRESH, &t);
	snprintf(label, sizeof(label), "outpost OAuth2 refresh token for %s "
	    "at %s", t.k.user, t.host);
	return cred_keyring_store(&t.k, label, s, e);
}

/* The cached access token, when there is one and it is fresh: 1. */
static int
cache_get(const struct account *a, struct secret *out)
{
	struct token_key t;
	struct secret *c;
	struct err ce;
	long long exp;
	char *endp;
	int rc;

	err_init(&ce);
	if (!a->keyring || (c = secret_new(&ce)) == NULL)
		return 0;
	rc = cred_keyring_find(token_key(a, OAUTH2_SVC_ACCESS, &t), c, &ce);
	if (rc == -1)
		log_debug("no cached access token: %s", ce.msg);
	if (rc == 1) {
		exp = strtoll(c->buf, &endp, 10);
		rc = *endp == ' ' && endp[1] != '\0' &&
		    exp - OAUTH2_EXPIRY_MARGIN > (long long)time(NULL);
		if (rc == 1) {
			out->len = c->len - (size_t)(endp + 1 - c->buf);
			memcpy(out->buf, endp + 1, out->len + 1);
		}
	}
	secret_free(c);
	return rc == 1;
}

/* Cache a new access token (best effort: a failure costs a refresh). */
static void
cache_put(const struct account *a, const struct secret *tok, long ttl)
{
	struct token_key t;
	struct secret *c;
	struct err ce;
	int n;

	err_init(&ce);
	if (!a->keyring || ttl <= OAUTH2_EXPIRY_MARGIN ||
	    (c = secret_new(&ce)) == NULL)
		return;
	n = snprintf(c->buf, sizeof(c->buf), "%lld %s",
	    (long long)time(NULL) + ttl, tok->buf);
	if (n > 0 && n <= SECRET_MAX) {
		c->len = (size_t)n;
		token_key(a, OAUTH2_SVC_ACCESS, &t);
		if (cred_keyring_store(&t.k, "outpost OAuth2 access token "
		    "(cache)", c, &ce) == -1)
			log_debug("access token not cached: %s", ce.msg);
	}
	secret_free(c);
}

/* Forget the cached access token (the server refused it). */
static void
cache_clear(const struct account *a)
{
	struct token_key t;
	struct err ce;

	err_init(&ce);
	if (a->keyring && cred_keyring_clear(token_key(a, OAUTH2_SVC_ACCESS,
	    &t), &ce) == -1)
		log_debug("cached access token not removed: %s", ce.msg);
}

/* The refresh request's body. */
static int
token_form(const struct account *a, const struct secret *refresh,
    const struct secret *csecret, char *form, struct err *e)
{
	size_t len = 0;

	form[0] = '\0';
	if (oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "grant_type",
	    "refresh_token") == -1 ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "refresh_token",
	    refresh->buf) == -1 ||
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
	return err_set(e, strcmp(r->error, "temporarily_unavailable") == 0 ?
	    EX_TEMPFAIL : EX_NOPERM, "token endpoint refused (HTTP %ld): "
	    "%s%s%s (run outpost oauth2 login -a %s)", status, r->error,
	    r->error_desc[0] != '\0' ? ": " : "", r->error_desc, a->name);
}

/* A fresh access token into out, with the refresh token. */
static int
token_refresh(const struct account *a, struct secret *out, struct err *e)
{
	struct secret *refresh = NULL, *csecret = NULL;
	struct oauth2_resp *r = NULL;
	char *form = NULL;
	long status;
	int rc = -1;

	if (a->oauth2_client_id == NULL)
		return err_set(e, EX_CONFIG, "account %s: oauth2_token_url "
		    "needs oauth2_client_id", a->name);
	if ((refresh = secret_new(e)) == NULL ||
	    (csecret = secret_new(e)) == NULL ||
	    (r = oauth2_resp_new(e)) == NULL)
		goto out;
	if ((form = malloc(OAUTH2_FORM_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	if (oauth2_refresh_get(a, refresh, e) == -1 ||
	    oauth2_client_secret(a, csecret, e) == -1 ||
	    token_form(a, refresh, csecret, form, e) == -1)
		goto out;
	log_debug("refreshing the OAuth2 access token");
	if (oauth2_http_post(a, a->oauth2_token_url, form, r, &status,
	    e) == -1 || oauth2_verdict(a, status, r, e) == -1)
		goto out;
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
	cache_put(a, &r->access, r->expires_in);
	rc = 0;
out:
	if (form != NULL)
		explicit_bzero(form, OAUTH2_FORM_MAX);
	free(form);
	oauth2_resp_free(r);
	secret_free(csecret);
	secret_free(refresh);
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
	if (cache_get(a, s)) {
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
	cache_clear(a);
	secret_free(*pw);
	*pw = NULL;
	err_init(&re);
	if ((s = secret_new(&re)) == NULL || token_refresh(a, s, &re) == -1) {
		secret_free(s);
		*e = re;
		return -1;
	}
	err_init(e);
	*pw = s;
	return 1;
}
