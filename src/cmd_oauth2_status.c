/*
 * cmd_oauth2_status.c - "outpost oauth2 status [-a ACCOUNT]": where each
 * OAuth2 secret of an account lives, its grant, the last token request,
 * the cached access token's expiry and its non-secret claims (aud, scp
 * or roles, upn); and "outpost oauth2 logout": the stored refresh token,
 * the cached access token and the state file removed.
 *
 * status never prints a token or a secret: a secret is read only to say
 * whether it is there, and wiped at once; the claims come from the JWT
 * payload, which names the audience, the permissions and the user, never
 * a credential.  Without -a every account with oauth2_token_url is shown.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd_oauth2.h"
#include "oauth2.h"

#define STATUS_TIME_MAX	64	/* "2026-12-07 01:02:03 UTC (in 59 min)" */

/* A time as UTC with how far from now. */
static const char *
status_time(long long t, char *buf, size_t cap)
{
	long long d = t - (long long)time(NULL);
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return "never";
	n = strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (d >= 0)
		snprintf(buf + n, cap - n, " (in %lld min)", d / 60);
	else
		snprintf(buf + n, cap - n, " (%lld min ago)", -d / 60);
	return buf;
}

/* Whether a keyring item is there: "present", "absent" or the cause. */
static const char *
status_keyring(const struct account *a, const char *svc, char *why,
    size_t cap)
{
	struct oauth2_key t;
	struct secret *s;
	struct err e;
	int rc;

	err_init(&e);
	if ((s = secret_new(&e)) == NULL)
		return "unknown";
	rc = cred_keyring_find(oauth2_key(a, svc, &t), s, &e);
	secret_free(s);
	if (rc == 1)
		return "present";
	if (rc == 0)
		return "absent";
	snprintf(why, cap, "unreadable: %s", e.msg);
	return why;
}

static const char *
status_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return errno == ENOENT ? "missing" : "unreadable";
	return (st.st_mode & 077) != 0 ? "present, NOT private (chmod 600)" :
	    "present";
}

/* The cached access token: expiry and claims, never the token. */
static void
status_access(const struct account *a, const struct oauth2_state *st)
{
	char when[STATUS_TIME_MAX];
	struct oauth2_claims c;
	struct secret *s;
	long long exp = 0;
	struct err e;

	err_init(&e);
	if ((s = secret_new(&e)) == NULL)
		return;
	if (!oauth2_cache_get(a, s, &exp)) {
		printf("  access token:  none cached (last one expires %s)\n",
		    status_time(st->expires, when, sizeof(when)));
		secret_free(s);
		return;
	}
	printf("  access token:  cached, expires %s\n", status_time(exp, when,
	    sizeof(when)));
	if (oauth2_jwt_claims(s->buf, s->len, &c) == 0)
		printf("  claims:        aud %s; %s %s; upn %s\n",
		    c.aud[0] != '\0' ? c.aud : "-",
		    a->oauth2_grant == OAUTH2_GRANT_CLIENT ? "roles" : "scp",
		    c.scp[0] != '\0' ? c.scp : "-",
		    c.upn[0] != '\0' ? c.upn : "-");
	else
		printf("  claims:        none readable (an opaque token)\n");
	secret_free(s);
}

static void
status_one(const struct account *a)
{
	char why[ERR_MSG_MAX + 16], path[OAUTH2_PATH_MAX];
	char when[STATUS_TIME_MAX];
	struct oauth2_state st;
	struct err e;

	err_init(&e);
	(void)oauth2_state_get(a, &st);
	printf("account %s\n  grant:         %s\n  token URL:     %s\n",
	    a->name, a->oauth2_grant == OAUTH2_GRANT_CLIENT ?
	    "client_credentials" : "refresh_token", a->oauth2_token_url);
	if (a->oauth2_client_secret_file != NULL)
		printf("  client secret: file %s, %s\n",
		    a->oauth2_client_secret_file,
		    oauth2_secret_path(a, path, sizeof(path), &e) == 0 ?
		    status_file(path) : e.msg);
	else if (oauth2_keyring(a) && a->oauth2_refresh_token_file == NULL)
		printf("  client secret: keyring, %s\n", status_keyring(a,
		    OAUTH2_SVC_SECRET, why, sizeof(why)));
	else
		printf("  client secret: none (a public client)\n");
	if (a->oauth2_grant == OAUTH2_GRANT_CLIENT)
		printf("  refresh token: none (client credentials)\n");
	else if (a->oauth2_refresh_token_file != NULL)
		printf("  refresh token: file %s, %s\n",
		    a->oauth2_refresh_token_file,
		    status_file(a->oauth2_refresh_token_file));
	else if (oauth2_store_on())
		printf("  refresh token: the system token store, %s\n",
		    oauth2_state_path(a, ".refresh", path, sizeof(path), &e) ==
		    0 ? status_file(path) : e.msg);
	else if (a->keyring)
		printf("  refresh token: keyring, %s\n", status_keyring(a,
		    OAUTH2_SVC_REFRESH, why, sizeof(why)));
	else
		printf("  refresh token: nowhere (set "
		    "oauth2_refresh_token_file or keyring = on)\n");
	printf("  last refresh:  %s\n", status_time(st.refreshed, when,
	    sizeof(when)));
	status_access(a, &st);
	if (a->oauth2_keepalive > 0)
		printf("  keepalive:     every %d days (outpost -q)\n",
		    a->oauth2_keepalive);
}

int
oauth2_cmd_status(const struct config *cfg, const char *acct,
    struct err *e)
{
	const struct account *a;
	size_t i, n = 0;

	if (acct != NULL) {
		if ((a = cfg_pick(cfg, acct, NULL, e)) == NULL)
			return -1;
		if (a->oauth2_token_url == NULL)
			return err_set(e, EX_CONFIG, "account %s does not use "
			    "OAuth2 (no oauth2_token_url)", a->name);
		status_one(a);
		return fflush(stdout) == EOF ? err_sys(e, EX_IOERR, "stdout") :
		    0;
	}
	for (i = 0; i < cfg->naccounts; i++) {
		if (cfg->accounts[i].oauth2_token_url == NULL)
			continue;
		status_one(&cfg->accounts[i]);
		n++;
	}
	if (n == 0)
		printf("no account uses OAuth2 (oauth2_token_url)\n");
	return fflush(stdout) == EOF ? err_sys(e, EX_IOERR, "stdout") : 0;
}

int
oauth2_cmd_logout(const struct account *a, struct err *e)
{
	char path[OAUTH2_PATH_MAX];
	struct oauth2_key t;

	if (a->oauth2_token_url == NULL)
		return err_set(e, EX_CONFIG, "account %s does not use OAuth2 "
		    "(no oauth2_token_url)", a->name);
	if (a->oauth2_grant == OAUTH2_GRANT_REFRESH &&
	    a->oauth2_refresh_token_file != NULL) {
		if (unlink(a->oauth2_refresh_token_file) == -1 &&
		    errno != ENOENT)
			return err_sys(e, EX_IOERR, "%s",
			    a->oauth2_refresh_token_file);
		printf("removed the refresh token file %s\n",
		    a->oauth2_refresh_token_file);
	} else if (a->oauth2_grant == OAUTH2_GRANT_REFRESH &&
	    oauth2_store_on()) {
		if (oauth2_state_path(a, ".refresh", path, sizeof(path), e) ==
		    -1)
			return -1;
		if (unlink(path) == -1 && errno != ENOENT)
			return err_sys(e, EX_IOERR, "%s", path);
		printf("removed the refresh token from the system token "
		    "store\n");
	} else if (a->oauth2_grant == OAUTH2_GRANT_REFRESH && a->keyring) {
		if (cred_keyring_clear(oauth2_key(a, OAUTH2_SVC_REFRESH, &t),
		    e) == -1)
			return -1;
		printf("removed the refresh token from the keyring\n");
	}
	oauth2_cache_clear(a);
	if (oauth2_state_clear(a, e) == -1)
		return -1;
	printf("removed the cached access token and the OAuth2 state of "
	    "account %s\n", a->name);
	return 0;
}
