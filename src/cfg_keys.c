/*
 * cfg_keys.c - the key table: every key's name, how its value is checked,
 * and the field of struct account it fills.
 *
 * cfg.c reads sections and values and merges each account over
 * [defaults]; it asks here for a key by name (cfg_key_find), converts
 * each value into its field (cfg_key_set) and frees an account's strings
 * (cfg_key_free).  Adding a key is one row here, one K_ in cfg_int.h and
 * its field in struct account (cfg.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "cfg.h"
#include "cfg_int.h"
#include "cfg_path.h"
#include "dsn.h"
#include "pin.h"
#include "rcpt_domains.h"

/* How a value is checked and stored. */
enum cfg_kind {
	KIND_NAME, KIND_STR, KIND_HOSTS, KIND_WORD, KIND_PORTS, KIND_TIMEOUT,
	KIND_TLS, KIND_AUTH, KIND_BOOL, KIND_GRANT, KIND_DAYS, KIND_PIN,
	KIND_DSN, KIND_TRANSPORT
};

#define KF_SECRET	0x1	/* never quote the value */
#define KF_EMPTY	0x2	/* "" is a valid value */
#define KF_PATH		0x4	/* a file or directory: "~/" expands */
#define OFF(f)		offsetof(struct account, f)

static const char *const cfg_tls_words[] = {
	[TLS_MODE_STARTTLS] = "starttls", [TLS_MODE_IMPLICIT] = "implicit",
	[TLS_MODE_OFF] = "off"
};
static const char *const cfg_bool_words[] = { "off", "on" };
static const char *const cfg_transport_words[] = {
	[TRANSPORT_SMTP] = "smtp", [TRANSPORT_GRAPH] = "graph",
	[TRANSPORT_SES] = "ses", [TRANSPORT_MAILGUN] = "mailgun"
};
static const char *const cfg_grant_words[] = {
	[OAUTH2_GRANT_REFRESH] = "refresh_token",
	[OAUTH2_GRANT_CLIENT] = "client_credentials"
};

static const struct cfg_keydef {
	const char		*name;
	enum cfg_kind		 kind;
	size_t			 off;
	int			 flags;
	const char		*hint;
} cfg_keys[K_NKEYS] = {
	{ "account", KIND_NAME, 0, 0, "an account name" },
	{ "host", KIND_HOSTS, 0, 0, "host names or IP addresses, "
	    "comma-separated" },
	{ "port", KIND_PORTS, 0, 0, "auto, or ports 1-65535 (each may end in "
	    "/starttls, /implicit or /off), comma-separated" },
	{ "tls", KIND_TLS, 0, 0, "starttls, implicit or off" },
	{ "tls_trust_file", KIND_STR, OFF(tls_trust_file), KF_PATH,
	    "a file name" },
	{ "tls_cert_file", KIND_STR, OFF(tls_cert_file), KF_PATH,
	    "a file name" },
	{ "tls_key_file", KIND_STR, OFF(tls_key_file), KF_PATH,
	    "a file name" },
	{ "auth", KIND_AUTH, 0, 0, NULL },	/* hint: sasl_want_words */
	{ "user", KIND_STR, OFF(user), KF_EMPTY, "a user name" },
	{ "password", KIND_STR, OFF(password), KF_SECRET | KF_EMPTY, "" },
	{ "passwordeval", KIND_STR, OFF(passwordeval), KF_SECRET, "a command" },
	{ "keyring", KIND_BOOL, OFF(keyring), 0, "on or off" },
	{ "from", KIND_STR, OFF(from), 0, "an address" },
	{ "domain", KIND_WORD, OFF(domain), 0, "a host name or [address]" },
	{ "timeout", KIND_TIMEOUT, OFF(timeout), 0, "seconds, 1-3600" },
	{ "queue", KIND_BOOL, OFF(queue), 0, "on or off" },
	{ "password_file", KIND_STR, OFF(password_file), KF_PATH,
	    "a file name" },
	{ "oauth2_token_url", KIND_STR, OFF(oauth2_token_url), 0,
	    "an https:// URL" },
	{ "oauth2_client_id", KIND_STR, OFF(oauth2_client_id), 0,
	    "a client ID" },
	{ "oauth2_client_secret_file", KIND_STR,
	    OFF(oauth2_client_secret_file), KF_PATH, "a file name" },
	{ "oauth2_refresh_token_file", KIND_STR,
	    OFF(oauth2_refresh_token_file), KF_PATH, "a file name" },
	{ "oauth2_auth_url", KIND_STR, OFF(oauth2_auth_url), 0,
	    "an https:// URL" },
	{ "oauth2_scope", KIND_STR, OFF(oauth2_scope), 0, "a scope" },
	{ "queue_dir", KIND_STR, OFF(queue_dir), KF_PATH, "a directory" },
	{ "fallback", KIND_WORD, OFF(fallback), 0, "an account name" },
	{ "provider", KIND_WORD, OFF(provider), 0, "a provider name (see "
	    "outpost providers)" },
	/* values checked where they are used (aliases.c, local.c, priv.c) */
	{ "aliases", KIND_STR, OFF(aliases), KF_PATH, "a file name" },
	{ "rewrite_local_headers", KIND_BOOL, OFF(rewrite_local), 0,
	    "on or off" },
	{ "maildomain", KIND_WORD, OFF(maildomain), 0, "a domain" },
	{ "set_from_header", KIND_WORD, OFF(set_from_header), 0,
	    "auto, on or off" },
	{ "logfile", KIND_STR, OFF(logfile), KF_PATH, "a file name" },
	{ "syslog", KIND_WORD, OFF(syslog), 0, "on, off or a facility" },
	{ "allow_from_override", KIND_STR, OFF(allow_from_override), 0,
	    "on, off or a list of addresses" },
	{ "oauth2_device_url", KIND_STR, OFF(oauth2_device_url), 0,
	    "an https:// URL" },
	{ "oauth2_grant", KIND_GRANT, OFF(oauth2_grant), 0,
	    "refresh_token or client_credentials" },
	{ "oauth2_tenant", KIND_WORD, OFF(oauth2_tenant), 0,
	    "a tenant: organizations, consumers, a domain or an ID" },
	{ "oauth2_keepalive", KIND_DAYS, OFF(oauth2_keepalive), 0,
	    "days, 1-365" },
	/* checked where they are used (local.c, queue_quota.c) */
	{ "local_domains", KIND_STR, OFF(local_domains), 0, "domain names" },
	{ "queue_max_entries", KIND_WORD, OFF(queue_max_entries), 0,
	    "a number" },
	{ "queue_max_bytes", KIND_WORD, OFF(queue_max_bytes), 0,
	    "a size (K, M, G)" },
	{ "hold", KIND_BOOL, OFF(hold), 0, "on or off" },
	/* the way out: pin, source address, proxy; DSN */
	{ "tls_fingerprint", KIND_PIN, OFF(tls_fingerprint), 0, "" },
	{ "source_ip", KIND_WORD, OFF(source_ip), 0, "an IP address" },
	{ "proxy", KIND_WORD, OFF(proxy), 0, "socks5://host:port" },
	{ "proxy_password", KIND_STR, OFF(proxy_password),
	    KF_SECRET | KF_EMPTY, "" },
	{ "proxy_passwordeval", KIND_STR, OFF(proxy_passwordeval), KF_SECRET,
	    "a command" },
	{ "proxy_password_file", KIND_STR, OFF(proxy_password_file), 0,
	    "a file name" },
	{ "dsn_notify", KIND_DSN, OFF(dsn_notify), 0, "off, never, or a "
	    "comma-separated list of success, failure and delay" },
	{ "dsn_return", KIND_DSN, OFF(dsn_return), 0, "off, full or "
	    "headers" },
	/* checked as a list in rcpt_domains.c, overlaps in cfg.c */
	{ "recipient_domains", KIND_STR, OFF(recipient_domains), 0,
	    "domains, comma-separated" },
	/* HTTPS API transports (transport.h) */
	{ "transport", KIND_TRANSPORT, OFF(transport), 0, "smtp, graph, ses "
	    "or mailgun" },
	{ "api_url", KIND_WORD, OFF(api_url), 0, "an https:// URL" },
	{ "api_region", KIND_WORD, OFF(api_region), 0, "a region: us-east-1 "
	    "(ses), us or eu (mailgun)" },
	{ "api_domain", KIND_WORD, OFF(api_domain), 0, "a domain" },
};

_Static_assert(K_NKEYS <= CFG_MAX_KEYS, "CFG_MAX_KEYS (cfg.h) is too small");

/* The index of the key called name, -1 if none. */
int
cfg_key_find(const char *name)
{
	int k;

	for (k = 0; k < K_NKEYS; k++)
		if (strcmp(cfg_keys[k].name, name) == 0)
			return k;
	return -1;
}

const char *
cfg_key_name(int k)
{
	return cfg_keys[k].name;
}

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* The index of s in a word list (NULL gaps allowed), or -1. */
static int
cfg_word(const char *const *words, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (words[i] != NULL && strcmp(words[i], s) == 0)
			return (int)i;
	return -1;
}

static int
cfg_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* Visible ASCII only. */
static bool
cfg_chars_ok(const char *s)
{
	unsigned char ch;

	if (s[0] == '\0')
		return false;
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (ch <= 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

/* A path key's value, "~/" expanded (cfg_path.c). */
static int
cfg_set_path(const struct cfg_ctx *c, const struct cfg_keydef *d,
    const struct cfg_val *v, char **field, struct err *e)
{
	const char *why;

	if ((*field = cfg_path_expand(v->s, &why)) != NULL)
		return 0;
	if (why == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	return err_set(e, EX_CONFIG, "%s:%d: key '%s': '%.*s': %s", c->file,
	    v->line, d->name, CFG_SHOW, v->s, why);
}

/*
 * from = is the envelope address alone: "Jo Dev <me@example.com>" would
 * fail at the first send with a message that names neither key nor line.
 * Values with placeholders are checked once expanded (local.c).
 */
static int
cfg_from_check(const struct cfg_ctx *c, const struct cfg_val *v,
    struct err *e)
{
	char buf[ADDR_MAX + 1];
	struct err ae;
	bool utf8;

	if (strchr(v->s, '%') != NULL)
		return 0;
	err_init(&ae);
	if (addr_check(v->s, false, buf, &utf8, EX_CONFIG, &ae) == 0)
		return 0;
	return err_set(e, EX_CONFIG, "%s:%d: key 'from': '%.*s': %s (write "
	    "the address alone, e.g. from = me@example.com; a display name "
	    "goes in the From: header or -F)", c->file, v->line, CFG_SHOW,
	    v->s, ae.msg);
}

/* The checks of a string key that needs more than its characters. */
static int
cfg_str_check(const struct cfg_ctx *c, int k, const struct cfg_val *v,
    struct err *e)
{
	const char *why = NULL;

	if (k == K_FROM)
		return cfg_from_check(c, v, e);
	if (k == K_RECIPIENT_DOMAINS && rcpt_domains_check(v->s, &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: key '%s': bad value "
		    "'%.*s' (%s)", c->file, v->line, cfg_keys[k].name,
		    CFG_SHOW, v->s, why);
	return 0;
}

/* Convert one value into its field of a. */
int
cfg_key_set(const struct cfg_ctx *c, struct account *a, int k,
    const struct cfg_val *v, struct err *e)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	char *field = (char *)a + d->off;
	const char *why = NULL;
	enum dsn_ret ret;
	unsigned bits;
	struct pin pin;
	char words[128];
	long n = 0;
	int w;

	switch (d->kind) {
	case KIND_NAME:
		return 0;
	case KIND_PIN:
		if (pin_parse(v->s, &pin, &why) == -1)
			return err_set(e, EX_CONFIG, "%s:%d: key '%s': bad "
			    "value '%.*s' (%s)", c->file, v->line, d->name,
			    CFG_SHOW, v->s, why);
		/* FALLTHROUGH */
	case KIND_DSN:
		if (d->kind == KIND_DSN && (k == K_DSN_NOTIFY ?
		    dsn_parse_notify(v->s, &bits) :
		    dsn_parse_ret(v->s, &ret)) == -1)
			break;
		/* FALLTHROUGH */
	case KIND_WORD:
	case KIND_STR:
		if ((d->kind != KIND_STR && !cfg_chars_ok(v->s)) ||
		    (v->s[0] == '\0' && (d->flags & KF_EMPTY) == 0))
			break;
		if (d->flags & KF_PATH)
			return cfg_set_path(c, d, v, (char **)(void *)field, e);
		if ((*(char **)(void *)field = strdup(v->s)) == NULL)
			return err_sys(e, EX_OSERR, "strdup");
		return cfg_str_check(c, k, v, e);
	case KIND_HOSTS:
	case KIND_PORTS:
		if ((d->kind == KIND_HOSTS ? cfg_hosts_parse(v->s, a, &why) :
		    cfg_ports_parse(v->s, a, &why)) == 0)
			return 0;
		return err_set(e, EX_CONFIG, "%s:%d: key '%s': bad value "
		    "'%.*s' (%s)", c->file, v->line, d->name, CFG_SHOW, v->s,
		    why);
	case KIND_TIMEOUT:
	case KIND_DAYS:
		if (cfg_num(v->s, 1, d->kind == KIND_DAYS ? 365 : 3600,
		    &n) == -1)
			break;
		*(int *)(void *)field = (int)n;
		return 0;
	case KIND_TRANSPORT:
		if ((w = cfg_word(cfg_transport_words,
		    NITEMS(cfg_transport_words), v->s)) == -1)
			break;
		a->transport = (enum account_transport)w;
		return 0;
	case KIND_GRANT:
		if ((w = cfg_word(cfg_grant_words, NITEMS(cfg_grant_words),
		    v->s)) == -1)
			break;
		a->oauth2_grant = (enum oauth2_grant)w;
		return 0;
	case KIND_TLS:
		if ((w = cfg_word(cfg_tls_words, NITEMS(cfg_tls_words),
		    v->s)) == -1)
			break;
		a->tls = (enum tls_mode)w;
		a->tls_set = true;
		return 0;
	case KIND_AUTH:
		if (sasl_want_parse(v->s, &a->auth) == -1)
			break;
		return 0;
	case KIND_BOOL:
		if ((w = cfg_word(cfg_bool_words, 2, v->s)) == -1)
			break;
		*(bool *)(void *)field = w != 0;
		return 0;
	}
	if (d->flags & KF_SECRET)
		return err_set(e, EX_CONFIG, "%s:%d: key '%s': bad value",
		    c->file, v->line, d->name);
	if (d->hint == NULL)
		sasl_want_words(words, sizeof(words));
	return err_set(e, EX_CONFIG, "%s:%d: key '%s': bad value '%.*s' (%s)",
	    c->file, v->line, d->name, CFG_SHOW, v->s, d->hint != NULL ?
	    d->hint : words);
}

/* Free the strings of a (those of the key table), wiping each first. */
void
cfg_key_free(struct account *a)
{
	char **f;
	int k;

	for (k = 0; k < K_NKEYS; k++) {
		if (cfg_keys[k].kind != KIND_STR &&
		    cfg_keys[k].kind != KIND_WORD &&
		    cfg_keys[k].kind != KIND_PIN &&
		    cfg_keys[k].kind != KIND_DSN)
			continue;
		f = (char **)(void *)((char *)a + cfg_keys[k].off);
		if (*f != NULL)
			explicit_bzero(*f, strlen(*f));
		free(*f);
	}
	for (k = 0; k < (int)a->nhosts; k++)
		free(a->hosts[k]);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

/*
 * A file named by a key is opened only when it is needed, long after
 * the config was read: a message such as "cannot open password_file
 * /x/pw" then gains the place to fix it, "/etc/outpost.conf:7: ".
 */
void
cfg_err_locate(const struct account *a, struct err *e)
{
	char msg[2 * ERR_MSG_MAX];
	const char *path;
	size_t n;
	int k;

	if (e->ex != EX_CONFIG || a->cfg_file == NULL)
		return;
	for (k = 0; k < K_NKEYS; k++) {
		if ((cfg_keys[k].flags & KF_PATH) == 0 || a->key_line[k] == 0)
			continue;
		path = *(char *const *)(const void *)((const char *)a +
		    cfg_keys[k].off);
		if (path == NULL || strstr(e->msg, path) == NULL)
			continue;
		snprintf(msg, sizeof(msg), "%s:%d: %s", a->cfg_file,
		    a->key_line[k], e->msg);
		n = strlen(msg) < sizeof(e->msg) ? strlen(msg) :
		    sizeof(e->msg) - 1;
		memcpy(e->msg, msg, n);
		e->msg[n] = '\0';
		return;
	}
}
