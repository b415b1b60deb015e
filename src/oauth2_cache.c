/*
 * oauth2_cache.c - what outpost remembers between runs about an OAuth2
 * account: the cached access token and the state file.
 *
 * The access token is cached until OAUTH2_EXPIRY_MARGIN seconds before it
 * expires, as "EXPIRY-EPOCH TOKEN": in the keyring (keyring = on, service
 * oauth2-access), else - only for oauth2_grant = client_credentials, whose
 * every token request is a full client authentication that cron would
 * otherwise repeat for each message - in a 0600 file ACCOUNT.token beside
 * the state file.  A cache that cannot be read or written only costs a
 * token request.
 *
 * The state file $XDG_STATE_HOME/outpost/oauth2/ACCOUNT (directories
 * 0700, file 0600) holds no secret: "refreshed EPOCH" (the last token
 * request that succeeded: the keepalive's clock) and "expires EPOCH"
 * (that access token's expiry), for "outpost oauth2 status" and the
 * queue runner's keepalive.  ACCOUNT is the section name with every byte
 * outside [A-Za-z0-9_-] written %XX, so no name can leave the directory.
 * For the system file all of these live in the token store instead
 * (oauth2_store.c), whatever HOME or XDG_STATE_HOME say.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "oauth2.h"
#include "priv.h"

#define OAUTH2_STATE_MAX	256	/* the state file's bytes */
#define OAUTH2_NAME_MAX		(3 * 48 + 1)	/* an encoded account name */

const struct keyring_key *
oauth2_key(const struct account *a, const char *svc, struct oauth2_key *t)
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

int
oauth2_state_path(const struct account *a, const char *suffix, char *out,
    size_t cap, struct err *e)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	char name[OAUTH2_NAME_MAX];
	const unsigned char *p;
	size_t o = 0;
	int n;

	for (p = (const unsigned char *)a->name; *p != '\0' &&
	    o + 4 < sizeof(name); p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
			name[o++] = (char)*p;
			continue;
		}
		name[o++] = '%';
		name[o++] = hex[*p >> 4];
		name[o++] = hex[*p & 0xf];
	}
	name[o] = '\0';
	if (oauth2_store_on())	/* the system file: never a caller's HOME */
		n = snprintf(out, cap, "%s/%s%s", priv_oauth2_store(), name,
		    suffix);
	else if (x != NULL && x[0] == '/')
		n = snprintf(out, cap, "%s/outpost/oauth2/%s%s", x, name,
		    suffix);
	else if (h != NULL && h[0] == '/')
		n = snprintf(out, cap, "%s/.local/state/outpost/oauth2/%s%s", h,
		    name, suffix);
	else
		return err_set(e, EX_CONFIG, "no directory for the OAuth2 "
		    "state (HOME is not set)");
	if (n < 0 || (size_t)n >= cap)
		return err_set(e, EX_CONFIG, "OAuth2 state file name too long");
	return 0;
}

/* mkdir -p the state file's directory, each level 0700. */
static void
state_mkdirs(const char *path)
{
	char buf[OAUTH2_PATH_MAX];
	char *p;

	if (oauth2_store_on())	/* made by the package, never here */
		return;
	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && errno != EEXIST)
			return;
		*p = '/';
	}
}

/*
 * A private file's bytes into buf: regular, no group or other bits, ours
 * (or, for root, the token store's owner's); -1 when not.
 */
ssize_t
oauth2_file_read(const char *path, char *buf, size_t cap)
{
	struct stat st;
	ssize_t n;
	uid_t su = (uid_t)-1;
	gid_t sg;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (geteuid() == 0)
		oauth2_store_chown(&su, &sg);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != geteuid() && st.st_uid != su) ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return -1;
	}
	do {
		n = read(fd, buf, cap - 1);
	} while (n == -1 && errno == EINTR);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * Replace path with len bytes of buf (fdio.h), the directories made; in
 * the token store a file root writes goes to the store's owner.
 */
int
oauth2_file_write(const char *path, const char *buf, size_t len,
    struct err *e)
{
	uid_t u;
	gid_t g;

	state_mkdirs(path);
	oauth2_store_chown(&u, &g);
	if (fd_replace_file(path, buf, len, 0600, u, g) == -1)
		return err_sys(e, EX_CANTCREAT, "%s", path);
	return 0;
}

int
oauth2_state_get(const struct account *a, struct oauth2_state *st)
{
	char path[OAUTH2_PATH_MAX], buf[OAUTH2_STATE_MAX], *p;
	struct err e;

	memset(st, 0, sizeof(*st));
	err_init(&e);
	if (oauth2_state_path(a, "", path, sizeof(path), &e) == -1 ||
	    oauth2_file_read(path, buf, sizeof(buf)) <= 0)
		return -1;
	if ((p = strstr(buf, "refreshed ")) != NULL)
		st->refreshed = strtoll(p + 10, NULL, 10);
	if ((p = strstr(buf, "expires ")) != NULL)
		st->expires = strtoll(p + 8, NULL, 10);
	return 0;
}

void
oauth2_state_note(const struct account *a, long expires_in)
{
	char path[OAUTH2_PATH_MAX], buf[OAUTH2_STATE_MAX];
	long long now = (long long)time(NULL);
	struct err e;
	int n;

	err_init(&e);
	n = snprintf(buf, sizeof(buf), "refreshed %lld\nexpires %lld\n", now,
	    expires_in > 0 ? now + expires_in : 0);
	if (oauth2_state_path(a, "", path, sizeof(path), &e) == -1 ||
	    oauth2_file_write(path, buf, (size_t)n, &e) == -1)
		log_debug("OAuth2 state not written: %s", e.msg);
}

int
oauth2_state_clear(const struct account *a, struct err *e)
{
	char path[OAUTH2_PATH_MAX];

	if (oauth2_state_path(a, "", path, sizeof(path), e) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return err_sys(e, EX_IOERR, "%s", path);
	return 0;
}

/* "EXPIRY TOKEN" in c -> out when fresh: 1. */
static int
cache_parse(const struct secret *c, struct secret *out, long long *expiry)
{
	long long exp;
	char *endp;

	exp = strtoll(c->buf, &endp, 10);
	if (*endp != ' ' || endp[1] == '\0' ||
	    exp - OAUTH2_EXPIRY_MARGIN <= (long long)time(NULL))
		return 0;
	out->len = c->len - (size_t)(endp + 1 - c->buf);
	memcpy(out->buf, endp + 1, out->len + 1);
	if (expiry != NULL)
		*expiry = exp;
	return 1;
}

/* The file cache applies: client credentials, or the token store. */
static bool
cache_file_ok(const struct account *a)
{
	return a->oauth2_grant == OAUTH2_GRANT_CLIENT || oauth2_store_on();
}

int
oauth2_cache_get(const struct account *a, struct secret *out,
    long long *expiry)
{
	char path[OAUTH2_PATH_MAX];
	struct oauth2_key t;
	struct secret *c;
	struct err ce;
	ssize_t n;
	int rc = 0;

	err_init(&ce);
	if ((c = secret_new(&ce)) == NULL)
		return 0;
	if (oauth2_keyring(a)) {
		rc = cred_keyring_find(oauth2_key(a, OAUTH2_SVC_ACCESS, &t), c,
		    &ce);
		if (rc == -1)
			log_debug("no cached access token: %s", ce.msg);
		rc = rc == 1 && cache_parse(c, out, expiry);
	}
	if (rc == 0 && cache_file_ok(a) && oauth2_state_path(a, ".token",
	    path, sizeof(path), &ce) == 0 &&
	    (n = oauth2_file_read(path, c->buf, sizeof(c->buf))) > 0) {
		c->len = (size_t)n;
		if (c->buf[c->len - 1] == '\n')
			c->buf[--c->len] = '\0';
		rc = cache_parse(c, out, expiry);
	}
	secret_free(c);
	return rc;
}

void
oauth2_cache_put(const struct account *a, const struct secret *tok,
    long ttl)
{
	char path[OAUTH2_PATH_MAX];
	struct oauth2_key t;
	struct secret *c;
	struct err ce;
	int n, rc = -1;

	err_init(&ce);
	if (ttl <= OAUTH2_EXPIRY_MARGIN || (c = secret_new(&ce)) == NULL)
		return;
	n = snprintf(c->buf, sizeof(c->buf), "%lld %s",
	    (long long)time(NULL) + ttl, tok->buf);
	if (n <= 0 || n > SECRET_MAX) {
		secret_free(c);
		return;
	}
	c->len = (size_t)n;
	if (oauth2_keyring(a)) {
		rc = cred_keyring_store(oauth2_key(a, OAUTH2_SVC_ACCESS, &t),
		    "outpost OAuth2 access token (cache)", c, &ce);
		if (rc == -1)
			log_debug("access token not cached: %s", ce.msg);
	}
	err_init(&ce);
	if (rc == -1 && cache_file_ok(a) && (oauth2_state_path(a, ".token",
	    path, sizeof(path), &ce) == -1 ||
	    oauth2_file_write(path, c->buf, c->len, &ce) == -1))
		log_debug("access token not cached: %s", ce.msg);
	secret_free(c);
}

void
oauth2_cache_clear(const struct account *a)
{
	char path[OAUTH2_PATH_MAX];
	struct oauth2_key t;
	struct err ce;

	err_init(&ce);
	if (oauth2_keyring(a) && cred_keyring_clear(oauth2_key(a,
	    OAUTH2_SVC_ACCESS, &t), &ce) == -1)
		log_debug("cached access token not removed: %s", ce.msg);
	err_init(&ce);
	if (oauth2_state_path(a, ".token", path, sizeof(path), &ce) == 0)
		(void)unlink(path);
}
