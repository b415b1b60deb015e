/*
 * cred_keyring.c - find, store and clear secrets in the Secret Service
 * (libsecret).  The only file that sees GLib types.
 *
 * Never blocks, never prompts (cron and PHP have no one to answer a
 * prompt, and a stalled bus must not hold a message): without a session
 * bus a call fails at once (cron); otherwise it runs in a worker thread that
 * first asks the bus whether a Secret Service exists, and the caller
 * waits at most CRED_KEYRING_TIMEOUT_MS; a stalled bus leaves the thread
 * behind, which is fine for a one-shot process (the thread owns its job
 * and frees it).  Locked items and collections are reported, never
 * unlocked.  Items are matched on their host, service and user attributes
 * without the schema name, and stored with exactly those three, so msmtp
 * and secret-tool see the same items.
 *
 * libsecret is loaded with dlopen() on the first keyring call (SECRET_SONAME
 * from configure), like libcurl in oauth2_http.c: a send that does not
 * use the keyring maps neither it nor GLib, GIO and GObject (13 shared
 * libraries, ~4 ms and ~3 MiB a run).  The header gives the types only;
 * every function is called through kr_fn.  One lookup uses one D-Bus
 * connection: the one the preflight opened is kept until libsecret has
 * taken it (GLib shares the session bus connection while it is alive).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include <libsecret/secret.h>

#include "cred_keyring.h"
#include "worker.h"

#define KR_DBUS_CALL_MS	2000		/* one bus call of the preflight */
#define KR_SECRETS_NAME	"org.freedesktop.secrets"
/*
 * Where else a password can live, for every failure a headless server
 * meets (no bus, no daemon, no collection, locked): a file the account
 * names, a systemd credential, or a command.
 */
#define KR_ELSEWHERE	"password_file = FILE (mode 0600), password_file = " \
			"%%d/NAME (a systemd credential) or passwordeval = " \
			"COMMAND"
#define KR_LOCKED_MSG	"unlock it (log in to the desktop) or use " \
			KR_ELSEWHERE
#ifndef SECRET_SONAME
#define SECRET_SONAME	"libsecret-1.so.0"
#endif
/* G_VARIANT_TYPE() may call into GLib: the type strings as such */
#define KR_TYPE(s)	((const GVariantType *)(s))

/* The libsecret, GIO, GObject and GLib functions used, once loaded. */
static struct {
	__typeof__(g_bus_get_sync)			*bus_get_sync;
	__typeof__(g_dbus_connection_call_sync)		*call_sync;
	__typeof__(g_variant_new)			*variant_new;
	__typeof__(g_variant_get)			*variant_get;
	__typeof__(g_variant_unref)			*variant_unref;
	__typeof__(g_variant_iter_loop)			*iter_loop;
	__typeof__(g_variant_iter_free)			*iter_free;
	__typeof__(g_object_unref)			*object_unref;
	__typeof__(g_clear_error)			*clear_error;
	__typeof__(g_hash_table_new)			*hash_new;
	__typeof__(g_hash_table_insert)			*hash_insert;
	__typeof__(g_hash_table_unref)			*hash_unref;
	__typeof__(g_str_hash)				*str_hash;
	__typeof__(g_str_equal)				*str_equal;
	__typeof__(g_list_free_full)			*list_free_full;
	__typeof__(secret_service_get_sync)		*service_get_sync;
	__typeof__(secret_service_search_sync)		*search_sync;
	__typeof__(secret_item_get_locked)		*item_get_locked;
	__typeof__(secret_item_get_secret)		*item_get_secret;
	__typeof__(secret_item_create_sync)		*item_create_sync;
	__typeof__(secret_item_delete_sync)		*item_delete_sync;
	__typeof__(secret_value_get)			*value_get;
	__typeof__(secret_value_new)			*value_new;
	__typeof__(secret_value_unref)			*value_unref;
	__typeof__(secret_collection_for_alias_sync)	*coll_for_alias_sync;
	__typeof__(secret_collection_get_locked)	*coll_get_locked;
} kr_fn;

#define KR_SYM(field, name)	{ name, offsetof(__typeof__(kr_fn), field) }
static const struct {
	const char	*name;
	size_t		 off;
} kr_syms[] = {
	KR_SYM(bus_get_sync, "g_bus_get_sync"),
	KR_SYM(call_sync, "g_dbus_connection_call_sync"),
	KR_SYM(variant_new, "g_variant_new"),
	KR_SYM(variant_get, "g_variant_get"),
	KR_SYM(variant_unref, "g_variant_unref"),
	KR_SYM(iter_loop, "g_variant_iter_loop"),
	KR_SYM(iter_free, "g_variant_iter_free"),
	KR_SYM(object_unref, "g_object_unref"),
	KR_SYM(clear_error, "g_clear_error"),
	KR_SYM(hash_new, "g_hash_table_new"),
	KR_SYM(hash_insert, "g_hash_table_insert"),
	KR_SYM(hash_unref, "g_hash_table_unref"),
	KR_SYM(str_hash, "g_str_hash"),
	KR_SYM(str_equal, "g_str_equal"),
	KR_SYM(list_free_full, "g_list_free_full"),
	KR_SYM(service_get_sync, "secret_service_get_sync"),
	KR_SYM(search_sync, "secret_service_search_sync"),
	KR_SYM(item_get_locked, "secret_item_get_locked"),
	KR_SYM(item_get_secret, "secret_item_get_secret"),
	KR_SYM(item_create_sync, "secret_item_create_sync"),
	KR_SYM(item_delete_sync, "secret_item_delete_sync"),
	KR_SYM(value_get, "secret_value_get"),
	KR_SYM(value_new, "secret_value_new"),
	KR_SYM(value_unref, "secret_value_unref"),
	KR_SYM(coll_for_alias_sync, "secret_collection_for_alias_sync"),
	KR_SYM(coll_get_locked, "secret_collection_get_locked"),
};

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

enum kr_op {
	KR_FIND,
	KR_STORE,
	KR_CLEAR
};

/* One call; the worker may outlive the caller (worker.h). */
struct kr_job {
	enum kr_op	 op;
	char		*host;		/* copies owned by the job */
	char		*service;
	char		*user;
	char		*label;
	struct secret	*s;		/* in for STORE, out for FIND */
	int		 result;	/* 1 found/removed, 0 none */
	struct err	 e;
};

/*
 * Load libsecret (and with it GLib) once; -1 with e when it is missing.
 * Test builds: OUTPOST_TEST_SECRET_SONAME names another library, e.g. one
 * that does not exist.
 */
static int
keyring_load(struct err *e)
{
	static bool loaded;
	const char *so = SECRET_SONAME;
	void *h, *f;
	size_t i;

#ifdef OUTPOST_TEST_HOOKS
	if (getenv("OUTPOST_TEST_SECRET_SONAME") != NULL)
		so = getenv("OUTPOST_TEST_SECRET_SONAME");
#endif
	if (loaded)
		return 0;
	if ((h = dlopen(so, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(e, EX_CONFIG, "keyring: needs libsecret (%s): "
		    "%s: install it (Debian: libsecret-1-0), or use "
		    "password_file or passwordeval", so, dlerror());
	for (i = 0; i < sizeof(kr_syms) / sizeof(kr_syms[0]); i++) {
		if ((f = dlsym(h, kr_syms[i].name)) == NULL)
			return err_set(e, EX_CONFIG, "keyring: %s has no %s",
			    so, kr_syms[i].name);
		/* POSIX: a dlsym() result converts to a function pointer */
		memcpy((char *)&kr_fn + kr_syms[i].off, &f, sizeof(f));
	}
	loaded = true;
	return 0;
}

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

/* Does anything own, or could the bus start, the Secret Service? */
static bool
keyring_service_known(GDBusConnection *c, GError **ge)
{
	GVariant *r;
	GVariantIter *it;
	const gchar *name;
	gboolean owned = FALSE;

	r = kr_fn.call_sync(c, "org.freedesktop.DBus",
	    "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
	    kr_fn.variant_new("(s)", KR_SECRETS_NAME), KR_TYPE("(b)"),
	    G_DBUS_CALL_FLAGS_NONE, KR_DBUS_CALL_MS, NULL, ge);
	if (r == NULL)
		return false;
	kr_fn.variant_get(r, "(b)", &owned);
	kr_fn.variant_unref(r);
	if (owned)
		return true;
	r = kr_fn.call_sync(c, "org.freedesktop.DBus",
	    "/org/freedesktop/DBus", "org.freedesktop.DBus",
	    "ListActivatableNames", NULL, KR_TYPE("(as)"),
	    G_DBUS_CALL_FLAGS_NONE, KR_DBUS_CALL_MS, NULL, ge);
	if (r == NULL)
		return false;
	kr_fn.variant_get(r, "(as)", &it);
	while (!owned && kr_fn.iter_loop(it, "&s", &name))
		owned = strcmp(name, KR_SECRETS_NAME) == 0;
	kr_fn.iter_free(it);
	kr_fn.variant_unref(r);
	return owned;
}

/* Connect and open a session; NULL with j->e set. */
static SecretService *
keyring_service(struct kr_job *j)
{
	GError *ge = NULL;
	GDBusConnection *c;
	SecretService *svc;
	bool known;

	c = kr_fn.bus_get_sync(G_BUS_TYPE_SESSION, NULL, &ge);
	if (c == NULL) {
		err_set(&j->e, EX_CONFIG, "keyring: cannot connect to the "
		    "session bus (%s): use " KR_ELSEWHERE, ge != NULL ?
		    ge->message : "?");
		kr_fn.clear_error(&ge);
		return NULL;
	}
	known = keyring_service_known(c, &ge);
	if (!known) {
		kr_fn.object_unref(c);
		err_set(&j->e, EX_CONFIG, "keyring: no Secret Service on the "
		    "session bus%s%s: start gnome-keyring-daemon, or use "
		    KR_ELSEWHERE, ge != NULL ? ": " : "",
		    ge != NULL ? ge->message : "");
		kr_fn.clear_error(&ge);
		return NULL;
	}
	/* c still held: libsecret gets the same connection, not a second */
	svc = kr_fn.service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL, &ge);
	kr_fn.object_unref(c);
	if (svc == NULL) {
		err_set(&j->e, EX_CONFIG, "keyring: Secret Service "
		    "unavailable (%s): use " KR_ELSEWHERE, ge != NULL ?
		    ge->message : "?");
		kr_fn.clear_error(&ge);
	}
	return svc;
}

/* host, service, user: the job's strings (it outlives the table) */
static GHashTable *
keyring_attrs(const struct kr_job *j)
{
	GHashTable *attrs = kr_fn.hash_new(kr_fn.str_hash, kr_fn.str_equal);

	kr_fn.hash_insert(attrs, (gpointer)"host", j->host);
	kr_fn.hash_insert(attrs, (gpointer)"service", j->service);
	kr_fn.hash_insert(attrs, (gpointer)"user", j->user);
	return attrs;
}

static void
keyring_copy_secret(struct kr_job *j, SecretItem *item)
{
	SecretValue *v;
	const gchar *pw;
	gsize len;

	if ((v = kr_fn.item_get_secret(item)) == NULL) {
		err_set(&j->e, EX_CONFIG, "keyring: the item has no secret");
		return;
	}
	pw = kr_fn.value_get(v, &len);
	if (len == 0 || len > SECRET_MAX || memchr(pw, '\0', len) != NULL) {
		err_set(&j->e, EX_CONFIG, "keyring: the stored secret for "
		    "host %s service %s user %s is empty, too long or "
		    "binary", j->host, j->service, j->user);
	} else {
		memcpy(j->s->buf, pw, len);
		j->s->buf[len] = '\0';
		j->s->len = len;
		j->result = 1;
	}
	kr_fn.value_unref(v);
}

static void
keyring_find(struct kr_job *j, SecretService *svc)
{
	GError *ge = NULL;
	GHashTable *attrs = keyring_attrs(j);
	GList *items;

	/* no SECRET_SEARCH_UNLOCK: a locked item is reported, not opened */
	items = kr_fn.search_sync(svc, &keyring_schema, attrs,
	    SECRET_SEARCH_LOAD_SECRETS, NULL, &ge);
	kr_fn.hash_unref(attrs);
	if (ge != NULL) {
		err_set(&j->e, EX_TEMPFAIL, "keyring: search failed: %s",
		    ge->message);
		kr_fn.clear_error(&ge);
	} else if (items != NULL && kr_fn.item_get_locked(items->data)) {
		err_set(&j->e, EX_TEMPFAIL, "keyring: the item for host %s "
		    "is locked: " KR_LOCKED_MSG, j->host);
	} else if (items != NULL) {
		keyring_copy_secret(j, items->data);
	}
	kr_fn.list_free_full(items, kr_fn.object_unref);
}

/*
 * Store into the default collection, checked unlocked first: creating an
 * item in a locked one would make the daemon prompt.  No schema is passed
 * so the item carries host, service and user only, like secret-tool's,
 * and REPLACE overwrites an item made by either.
 */
static void
keyring_store(struct kr_job *j, SecretService *svc)
{
	GError *ge = NULL;
	SecretCollection *coll;
	SecretItem *item;
	SecretValue *v;
	GHashTable *attrs;

	coll = kr_fn.coll_for_alias_sync(svc, SECRET_COLLECTION_DEFAULT,
	    SECRET_COLLECTION_NONE, NULL, &ge);
	if (coll == NULL) {
		err_set(&j->e, EX_CONFIG, "keyring: no default collection%s%s:"
		    " create one (log in to the desktop once) or use "
		    KR_ELSEWHERE,
		    ge != NULL ? ": " : "", ge != NULL ? ge->message : "");
		kr_fn.clear_error(&ge);
		return;
	}
	if (kr_fn.coll_get_locked(coll)) {
		err_set(&j->e, EX_TEMPFAIL, "keyring: the default collection "
		    "is locked: " KR_LOCKED_MSG);
		kr_fn.object_unref(coll);
		return;
	}
	attrs = keyring_attrs(j);
	v = kr_fn.value_new(j->s->buf, (gssize)j->s->len, "text/plain");
	item = kr_fn.item_create_sync(coll, NULL, attrs, j->label, v,
	    SECRET_ITEM_CREATE_REPLACE, NULL, &ge);
	kr_fn.value_unref(v);
	kr_fn.hash_unref(attrs);
	kr_fn.object_unref(coll);
	if (item == NULL) {
		err_set(&j->e, EX_TEMPFAIL, "keyring: storing failed: %s",
		    ge != NULL ? ge->message : "?");
		kr_fn.clear_error(&ge);
		return;
	}
	j->result = 1;
	kr_fn.object_unref(item);
}

/* Remove every matching item; none when one of them is locked. */
static void
keyring_clear(struct kr_job *j, SecretService *svc)
{
	GError *ge = NULL;
	GHashTable *attrs = keyring_attrs(j);
	GList *items, *i;

	items = kr_fn.search_sync(svc, &keyring_schema, attrs,
	    SECRET_SEARCH_ALL, NULL, &ge);
	kr_fn.hash_unref(attrs);
	if (ge != NULL) {
		err_set(&j->e, EX_TEMPFAIL, "keyring: search failed: %s",
		    ge->message);
		kr_fn.clear_error(&ge);
	}
	for (i = items; i != NULL && !err_is_set(&j->e); i = i->next)
		if (kr_fn.item_get_locked(i->data))
			err_set(&j->e, EX_TEMPFAIL, "keyring: the item for "
			    "host %s is locked: unlock it (log in to the "
			    "desktop) and retry", j->host);
	for (i = items; i != NULL && !err_is_set(&j->e); i = i->next) {
		if (!kr_fn.item_delete_sync(i->data, NULL, &ge)) {
			err_set(&j->e, EX_TEMPFAIL, "keyring: removing "
			    "failed: %s", ge != NULL ? ge->message : "?");
			kr_fn.clear_error(&ge);
		} else {
			j->result = 1;
		}
	}
	kr_fn.list_free_full(items, kr_fn.object_unref);
}

static void
job_free(void *arg)
{
	struct kr_job *j = arg;

	secret_free(j->s);
	free(j->host);
	free(j->service);
	free(j->user);
	free(j->label);
	free(j);
}

static void
keyring_thread(void *arg)
{
	struct kr_job *j = arg;
	SecretService *svc;

	if ((svc = keyring_service(j)) == NULL)
		return;
	if (j->op == KR_FIND)
		keyring_find(j, svc);
	else if (j->op == KR_STORE)
		keyring_store(j, svc);
	else
		keyring_clear(j, svc);
	kr_fn.object_unref(svc);
}

static struct kr_job *
job_new(enum kr_op op, const struct keyring_key *k, const char *label,
    struct err *e)
{
	struct kr_job *j;

	j = calloc(1, sizeof(*j));
	if (j == NULL || (j->s = secret_new(e)) == NULL ||
	    (j->host = strdup(k->host)) == NULL ||
	    (j->service = strdup(k->service)) == NULL ||
	    (j->user = strdup(k->user)) == NULL ||
	    (label != NULL && (j->label = strdup(label)) == NULL)) {
		if (j != NULL)
			job_free(j);
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	j->op = op;
	return j;
}

/* Run j in a worker under the deadline; out (FIND) gets the secret. */
static int
keyring_call(struct kr_job *j, struct secret *out, struct err *e)
{
	int rc;

	if (!keyring_bus_present()) {
		job_free(j);
		return err_set(e, EX_CONFIG, "keyring: no D-Bus session bus "
		    "(running from cron, or a server without a desktop?): use "
		    KR_ELSEWHERE);
	}
	if (keyring_load(e) == -1) {
		job_free(j);
		return -1;
	}
	switch (worker_run(keyring_thread, job_free, j,
	    CRED_KEYRING_TIMEOUT_MS)) {
	case -1:
		job_free(j);
		return err_set(e, EX_OSERR, "keyring: cannot start a thread");
	case 0:		/* the worker owns j now */
		return err_set(e, EX_TEMPFAIL, "keyring: no answer from the "
		    "session bus or the Secret Service within %d ms (is the "
		    "keyring daemon hung?): use " KR_ELSEWHERE,
		    CRED_KEYRING_TIMEOUT_MS);
	}
	if (err_is_set(&j->e)) {
		*e = j->e;
		rc = -1;
	} else
		rc = j->result;
	if (rc == 1 && out != NULL) {
		memcpy(out->buf, j->s->buf, j->s->len + 1);
		out->len = j->s->len;
	}
	job_free(j);
	return rc;
}

int
cred_keyring_find(const struct keyring_key *k, struct secret *s,
    struct err *e)
{
	struct kr_job *j;

	if ((j = job_new(KR_FIND, k, NULL, e)) == NULL)
		return -1;
	return keyring_call(j, s, e);
}

int
cred_keyring_store(const struct keyring_key *k, const char *label,
    const struct secret *s, struct err *e)
{
	struct kr_job *j;

	if (s->len == 0)
		return err_set(e, EX_DATAERR, "keyring: empty password");
	if ((j = job_new(KR_STORE, k, label, e)) == NULL)
		return -1;
	memcpy(j->s->buf, s->buf, s->len + 1);
	j->s->len = s->len;
	return keyring_call(j, NULL, e) == -1 ? -1 : 0;
}

int
cred_keyring_clear(const struct keyring_key *k, struct err *e)
{
	struct kr_job *j;

	if ((j = job_new(KR_CLEAR, k, NULL, e)) == NULL)
		return -1;
	return keyring_call(j, NULL, e);
}

int
cred_keyring_lookup(const char *host, const char *user, struct secret *s,
    struct err *e)
{
	struct keyring_key k = { host, "smtp", user };
	int rc;

	rc = cred_keyring_find(&k, s, e);
	if (rc == 0)
		return err_set(e, EX_CONFIG, "keyring: no password for host "
		    "%s service smtp user %s (outpost password set, or "
		    "secret-tool store --label=outpost host %s service smtp "
		    "user %s)", host, user, host, user);
	return rc == 1 ? 0 : -1;
}
