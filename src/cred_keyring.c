/*
 * cred_keyring.c - the password from the Secret Service (libsecret).
 * The only file that sees GLib types.
 *
 * Never blocks, never prompts (protocol.md 7.3): without a session bus it
 * fails at once (cron); the lookup itself runs in a worker thread and the
 * caller waits at most CRED_KEYRING_TIMEOUT_MS; a stalled bus leaves the
 * thread behind, which is fine for a one-shot process.  Items are matched
 * on host, service=smtp and user without the schema name, so entries made
 * for msmtp or with secret-tool are found.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include <libsecret/secret.h>

#include "cred.h"

static const SecretSchema keyring_schema = {
	"org.outpost.Password",
	SECRET_SCHEMA_DONT_MATCH_NAME,
	{
		{ "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

struct lookup {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
	bool		 abandoned;	/* the caller gave up: thread frees */
	char		*host;		/* copies owned by the struct */
	char		*user;
	struct secret	*s;
	struct err	 e;
};

static bool
keyring_bus_present(void)
{
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[4096];
	struct stat st;

	if (a != NULL && a[0] != '\0')
		return true;
	if (rt == NULL || rt[0] != '/')
		return false;
	snprintf(path, sizeof(path), "%s/bus", rt);
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void
keyring_search(struct lookup *l)
{
	GError *ge = NULL;
	GHashTable *attrs;
	SecretService *svc;
	GList *items;
	SecretValue *v;
	const gchar *pw;
	gsize len;

	svc = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL, &ge);
	if (svc == NULL) {
		err_set(&l->e, EX_CONFIG, "keyring: Secret Service "
		    "unavailable: %s", ge != NULL ? ge->message : "?");
		g_clear_error(&ge);
		return;
	}
	attrs = secret_attributes_build(&keyring_schema, "host", l->host,
	    "service", "smtp", "user", l->user, NULL);
	items = secret_service_search_sync(svc, &keyring_schema, attrs,
	    SECRET_SEARCH_LOAD_SECRETS, NULL, &ge);
	g_hash_table_unref(attrs);
	if (ge != NULL) {
		err_set(&l->e, EX_CONFIG, "keyring: %s", ge->message);
		g_clear_error(&ge);
	} else if (items == NULL) {
		err_set(&l->e, EX_CONFIG, "keyring: no password for host %s "
		    "service smtp user %s (secret-tool store --label=outpost "
		    "host %s service smtp user %s)", l->host, l->user,
		    l->host, l->user);
	} else if (secret_item_get_locked(items->data)) {
		err_set(&l->e, EX_TEMPFAIL, "keyring is locked: unlock it "
		    "(log in) or use passwordeval");
	} else if ((v = secret_item_get_secret(items->data)) == NULL) {
		err_set(&l->e, EX_CONFIG, "keyring: the item has no secret");
	} else {
		pw = secret_value_get(v, &len);
		if (len > SECRET_MAX || memchr(pw, '\0', len) != NULL)
			err_set(&l->e, EX_CONFIG, "keyring: unusable password");
		else {
			memcpy(l->s->buf, pw, len);
			l->s->buf[len] = '\0';
			l->s->len = len;
		}
		secret_value_unref(v);
	}
	g_list_free_full(items, g_object_unref);
	g_object_unref(svc);
}

static void
lookup_free(struct lookup *l)
{
	secret_free(l->s);
	free(l->host);
	free(l->user);
	free(l);
}

static void *
keyring_thread(void *arg)
{
	struct lookup *l = arg;
	bool abandoned;

	keyring_search(l);
	pthread_mutex_lock(&l->mu);
	l->done = true;
	abandoned = l->abandoned;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (abandoned)
		lookup_free(l);
	return NULL;
}

/* After *gave_up the thread owns l: do not touch it again. */
static int
keyring_wait(struct lookup *l, struct secret *s, bool *gave_up,
    struct err *e)
{
	struct timespec ts;
	bool done;

	/* the condition variable runs on CLOCK_MONOTONIC (lookup_new) */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += CRED_KEYRING_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&l->mu);
	while (!l->done)
		if (pthread_cond_timedwait(&l->cv, &l->mu, &ts) == ETIMEDOUT)
			break;
	done = l->done;
	if (!done)
		l->abandoned = true;
	*gave_up = !done;
	pthread_mutex_unlock(&l->mu);
	if (!done)
		return err_set(e, EX_TEMPFAIL, "keyring: no answer from the "
		    "Secret Service within %d s",
		    CRED_KEYRING_TIMEOUT_MS / 1000);
	if (err_is_set(&l->e)) {
		*e = l->e;
		return -1;
	}
	memcpy(s->buf, l->s->buf, l->s->len + 1);
	s->len = l->s->len;
	return 0;
}

static struct lookup *
lookup_new(const char *host, const char *user, struct err *e)
{
	pthread_condattr_t ca;
	struct lookup *l;

	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->s = secret_new(e)) == NULL ||
	    (l->host = strdup(host)) == NULL ||
	    (l->user = strdup(user)) == NULL) {
		if (l != NULL)
			lookup_free(l);
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	return l;
}

int
cred_keyring_lookup(const char *host, const char *user, struct secret *s,
    struct err *e)
{
	struct lookup *l;
	pthread_t t;
	bool gave_up;
	int rc;

	if (!keyring_bus_present())
		return err_set(e, EX_CONFIG, "keyring: no D-Bus session bus "
		    "(running from cron?): set password or passwordeval, or "
		    "keyring = off");
	if ((l = lookup_new(host, user, e)) == NULL)
		return -1;
	if (pthread_create(&t, NULL, keyring_thread, l) != 0) {
		lookup_free(l);
		return err_set(e, EX_OSERR, "keyring: cannot start a thread");
	}
	rc = keyring_wait(l, s, &gave_up, e);
	if (!gave_up) {
		pthread_join(t, NULL);
		lookup_free(l);
	} else {
		pthread_detach(t);	/* it frees l when it is done */
	}
	return rc;
}
