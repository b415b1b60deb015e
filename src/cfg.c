/*
 * cfg.c - the configuration: sections, values, accounts, picking one.
 *
 * Owns struct config and the parse state (struct cfg_ctx, cfg_int.h).
 * cfg_parse_stream() runs inih over cfg_read_line() (cfg_file.c, which
 * hands "[name]" lines to cfg_section_line() here); the handler keeps the
 * raw, unquoted values per section with their line; then each account is
 * resolved over [defaults] through the key table (cfg_keys.c).  Secrets
 * are wiped before free.  Opening and checking the file is cfg_file.c.
 * Invariants: after cfg_parse_stream() returns 0 every account has a host
 * and a resolved tls and auth; after -1 the config is empty.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include <ini.h>

#include "acct_via.h"
#include "addr.h"
#include "cfg.h"
#include "cfg_int.h"
#include "provider.h"
#include "rcpt_domains.h"
#include "suggest.h"
#include "transport_url.h"

#define CFG_MAX_NAME	48	/* inih keeps 49 bytes of a section name */
#define CFG_DEFAULTS	"defaults"

int
cfg_fail(struct cfg_ctx *c, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errline == 0)
		c->errline = c->lineno;
	err_set(&c->err, EX_CONFIG, "%s:%d: %s", c->file, c->lineno, msg);
	return 0;	/* inih: handler failed */
}

static bool
cfg_has_ctl(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return true;
	return false;
}

/* The index of section name, -1 if none. */
static int
cfg_find(const struct cfg_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsec; i++)
		if (strcmp(c->sec[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A "[name]" line: check it and register the section (even if empty). */
int
cfg_section_line(struct cfg_ctx *c, const char *line)
{
	struct cfg_section *s;
	const char *end, *p;
	size_t len;

	if ((end = strchr(line, ']')) == NULL)
		return cfg_fail(c, "missing ']' in section line");
	for (p = end + 1; isspace((unsigned char)*p); p++)
		continue;
	if (*p != '\0' && *p != ';' && *p != '#')
		return cfg_fail(c, "text after ']'");
	len = (size_t)(end - line - 1);
	for (p = line + 1; p < end; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (len == 0 || len > CFG_MAX_NAME || p != end ||
	    isspace((unsigned char)line[1]) || isspace((unsigned char)end[-1]))
		return cfg_fail(c, "bad section name (1-%d characters, no "
		    "space at either end)", CFG_MAX_NAME);
	if (len == strlen(CFG_DEFAULTS) && memcmp(line + 1, CFG_DEFAULTS,
	    len) == 0) {
		if (c->sec[0].line != 0)
			return cfg_fail(c, "[defaults] appears twice (first at "
			    "line %d)", c->sec[0].line);
		c->sec[0].line = c->lineno;
		return 1;
	}
	for (s = &c->sec[1]; s < &c->sec[c->nsec]; s++)
		if (strlen(s->name) == len &&
		    memcmp(s->name, line + 1, len) == 0)
			return cfg_fail(c, "account [%s] appears twice (first "
			    "at line %d)", s->name, s->line);
	if (c->nsec == CFG_MAX_ACCOUNTS + 1)
		return cfg_fail(c, "more than %d accounts", CFG_MAX_ACCOUNTS);
	s = &c->sec[c->nsec];
	if ((s->name = strndup(line + 1, len)) == NULL)
		return cfg_fail(c, "out of memory");
	s->line = c->lineno;
	c->nsec++;
	return 1;
}

/* msmtp's words for what outpost spells otherwise. */
static const struct cfg_foreign {
	const char	*key;
	const char	*use;
} cfg_foreign[] = {
	{ "tls_starttls", "tls = starttls (or tls = implicit)" },
	{ "tls_certcheck", "nothing: certificates are always checked "
	    "(tls_trust_file for a private CA)" },
	{ "tls_fingerprint", "tls_trust_file with the server's CA" },
	{ "auto_from", "from = (and maildomain =)" },
	{ "eval", "passwordeval =" },
	{ "port_auto", "port = auto" },
};

/* "unknown key", with the key it was probably meant to be. */
static int
cfg_unknown_key(struct cfg_ctx *c, const char *name)
{
	struct suggest sg;
	size_t i;
	int k;

	for (i = 0; i < sizeof(cfg_foreign) / sizeof(cfg_foreign[0]); i++)
		if (strcmp(cfg_foreign[i].key, name) == 0)
			return cfg_fail(c, "unknown key '%s' (msmtp's; outpost "
			    "uses %s)", name, cfg_foreign[i].use);
	suggest_init(&sg, name, SUGGEST_DIST);
	for (k = 0; k < K_NKEYS; k++)
		suggest_try(&sg, cfg_key_name(k));
	if (suggest_best(&sg) != NULL)
		return cfg_fail(c, "unknown key '%.*s' (did you mean '%s'?)",
		    CFG_SHOW, name, suggest_best(&sg));
	return cfg_fail(c, "unknown key '%.*s' (outpost.conf(5) lists the "
	    "keys)", CFG_SHOW, name);
}

/* The inih handler: store the unquoted value of one key with its line. */
static int
cfg_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct cfg_ctx *c = user;
	struct cfg_section *s;
	char *v;
	int i, k;

	if (section[0] == '\0')
		return cfg_fail(c, "key '%.*s' outside a section (start with "
		    "[defaults] or [account])", CFG_SHOW, name);
	if ((i = cfg_find(c, section)) == -1)
		return cfg_fail(c, "unknown section [%.*s]", CFG_SHOW, section);
	s = &c->sec[i];
	if ((k = cfg_key_find(name)) == -1)
		return cfg_unknown_key(c, name);
	if (k == K_ACCOUNT && s != &c->sec[0])
		return cfg_fail(c, "key 'account' belongs in [defaults]");
	/* every account would claim the same domains */
	if (k == K_RECIPIENT_DOMAINS && s == &c->sec[0])
		return cfg_fail(c, "key 'recipient_domains' belongs in an "
		    "account's section");
	if (s->v[k].s != NULL)
		return cfg_fail(c, "duplicate key '%s' (first at line %d)",
		    name, s->v[k].line);
	if (strlen(value) > CFG_MAX_VALUE)
		return cfg_fail(c, "key '%s': value longer than %d characters",
		    name, CFG_MAX_VALUE);
	if ((v = malloc(strlen(value) + 1)) == NULL)
		return cfg_fail(c, "out of memory");
	if (cfg_unquote(value, v) == -1 || cfg_has_ctl(v)) {
		explicit_bzero(v, strlen(value) + 1);
		free(v);
		return cfg_fail(c, "key '%s': bad quoting or control character "
		    "(write \"...\" with only \\\" and \\\\ escapes)", name);
	}
	s->v[k].s = v;
	s->v[k].line = c->lineno;
	return 1;
}

/* Rules that involve several keys, checked on the merged account. */
static int
cfg_check_account(const struct cfg_ctx *c, const struct cfg_section *s,
    struct account *a, bool auth_set, struct err *e)
{
	char api_host[TRANSPORT_HOST_MAX];
	const char *why = NULL;

	if (transport_check(a, api_host, sizeof(api_host), &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': %s",
		    c->file, s->line, a->name, why);
	if (api_host[0] != '\0' && cfg_hosts_parse(api_host, a, &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': %s",
		    c->file, s->line, a->name, why);
	if (a->host == NULL)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': no host "
		    "(host is required)", c->file, s->line, a->name);
	if ((a->tls_cert_file == NULL) != (a->tls_key_file == NULL))
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': give both "
		    "tls_cert_file and tls_key_file, or neither", c->file,
		    s->line, a->name);
	if (cfg_ports_resolve(a, &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': %s",
		    c->file, s->line, a->name, why);
	if (!auth_set)
		a->auth = a->user != NULL ? SASL_WANT_ON : SASL_WANT_OFF;
	if (a->auth != SASL_WANT_OFF && a->auth != SASL_WANT_EXTERNAL &&
	    a->user == NULL)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': auth needs "
		    "a user", c->file, s->line, a->name);
	if (a->auth == SASL_WANT_EXTERNAL && a->tls_cert_file == NULL)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': auth = "
		    "external needs tls_cert_file and tls_key_file", c->file,
		    s->line, a->name);
	if (acct_via_check(a, &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: account '%s': %s",
		    c->file, s->line, a->name, why);
	return 0;
}

/* Fill a from section s over [defaults]; s == &sec[0] checks defaults. */
static int
cfg_merge(const struct cfg_ctx *c, const struct cfg_section *s,
    struct account *a, struct err *e)
{
	const struct cfg_val *v;
	const char *why = NULL;
	bool auth_set;
	int k;

	a->timeout = CFG_DEFAULT_TIMEOUT;
	a->keyring = true;
	a->queue = true;
	a->rewrite_local = true;
	if ((a->name = strdup(s->name)) == NULL)
		return err_sys(e, EX_OSERR, "strdup");
	a->cfg_file = c->file;
	for (k = 0; k < K_NKEYS; k++) {
		v = s->v[k].s != NULL ? &s->v[k] : &c->sec[0].v[k];
		if (v->s != NULL && cfg_key_set(c, a, k, v, e) == -1)
			return -1;
		a->key_line[k] = v->line;
	}
	if (s == &c->sec[0])
		return 0;
	auth_set = s->v[K_AUTH].s != NULL || c->sec[0].v[K_AUTH].s != NULL;
	/* Graph takes the OAuth2 token as a Bearer: the preset fills it */
	if (!auth_set && a->transport == TRANSPORT_GRAPH) {
		a->auth = SASL_WANT_XOAUTH2;
		auth_set = true;
	}
	/* the preset fills only what neither section wrote */
	v = s->v[K_PROVIDER].s != NULL ? &s->v[K_PROVIDER] :
	    &c->sec[0].v[K_PROVIDER];
	if (a->provider != NULL && provider_apply(a, &auth_set, &why) == -1)
		return err_set(e, EX_CONFIG, "%s:%d: key 'provider': '%.*s': "
		    "%s", c->file, v->line, CFG_SHOW, a->provider, why);
	return cfg_check_account(c, s, a, auth_set, e);
}

/* Some port of the account talks without TLS. */
static bool
cfg_any_plain(const struct account *a)
{
	size_t i;

	for (i = 0; i < a->nports; i++)
		if (a->ports[i].tls == TLS_MODE_OFF)
			return true;
	return false;
}

/*
 * fallback names another account, never this one, and never a weaker
 * one: when every port of this account requires TLS, so must every port
 * of the fallback.
 */
static int
cfg_check_fallback(const struct cfg_ctx *c, const struct cfg_section *s,
    const struct account *a, const struct config *cfg, struct err *e)
{
	const struct cfg_val *v = &s->v[K_FALLBACK];
	int i;

	if (a->fallback == NULL)
		return 0;
	if (v->s == NULL)
		v = &c->sec[0].v[K_FALLBACK];
	if (cfg_find(c, a->fallback) < 1 || strcmp(a->fallback, a->name) == 0)
		return err_set(e, EX_CONFIG, "%s:%d: key 'fallback': no other "
		    "account named '%.*s'", c->file, v->line, CFG_SHOW,
		    a->fallback);
	i = cfg_find(c, a->fallback);
	if (!cfg_any_plain(a) && cfg_any_plain(&cfg->accounts[i - 1]))
		return err_set(e, EX_CONFIG, "%s:%d: key 'fallback': account "
		    "'%.*s' has a port without TLS, account '%s' requires TLS "
		    "(a fallback is never weaker)", c->file, v->line,
		    CFG_SHOW, a->fallback, a->name);
	return 0;
}

/*
 * A recipient domain goes to one account: two lists that can claim one
 * name are refused (no order of sections decides it silently).
 */
static int
cfg_check_routes(const struct cfg_ctx *c, const struct config *cfg,
    struct err *e)
{
	char ea[RCPT_DOMAINS_ENTRY_MAX + 1], eb[RCPT_DOMAINS_ENTRY_MAX + 1];
	const struct account *a, *b;
	size_t i, k;

	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		for (k = 0; k < i && a->recipient_domains != NULL; k++) {
			b = &cfg->accounts[k];
			if (b->recipient_domains == NULL ||
			    rcpt_domains_overlap(a->recipient_domains,
			    b->recipient_domains, ea, eb) == 0)
				continue;
			return err_set(e, EX_CONFIG, "%s:%d: key "
			    "'recipient_domains': %.*s overlaps %.*s of "
			    "account '%s' (line %d): a domain goes to one "
			    "account", c->file,
			    c->sec[i + 1].v[K_RECIPIENT_DOMAINS].line,
			    CFG_SHOW, ea, CFG_SHOW, eb, b->name,
			    c->sec[k + 1].v[K_RECIPIENT_DOMAINS].line);
		}
	}
	return 0;
}

static int
cfg_resolve(const struct cfg_ctx *c, struct config *cfg, struct err *e)
{
	const struct cfg_val *dv = &c->sec[0].v[K_ACCOUNT];
	struct account tmp;
	size_t i;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	r = cfg_merge(c, &c->sec[0], &tmp, e);
	cfg_key_free(&tmp);
	if (r == -1)
		return -1;
	if (c->nsec == 1)
		return err_set(e, EX_CONFIG, "%s: no account (add a section "
		    "such as [work] with host = ...)", c->file);
	cfg->accounts = calloc(c->nsec - 1, sizeof(*cfg->accounts));
	if (cfg->accounts == NULL)
		return err_sys(e, EX_OSERR, "calloc");
	for (i = 1; i < c->nsec; i++) {
		cfg->naccounts = i;
		if (cfg_merge(c, &c->sec[i], &cfg->accounts[i - 1], e) == -1)
			return -1;
	}
	for (i = 1; i < c->nsec; i++) {
		cfg->accounts[i - 1].from_own = c->sec[i].v[K_FROM].s != NULL;
		if (cfg_check_fallback(c, &c->sec[i], &cfg->accounts[i - 1],
		    cfg, e) == -1)
			return -1;
	}
	if (cfg_check_routes(c, cfg, e) == -1)
		return -1;
	if (dv->s == NULL)
		return 0;
	if (cfg_find(c, dv->s) < 1)
		return err_set(e, EX_CONFIG, "%s:%d: key 'account': no account "
		    "named '%.*s'", c->file, dv->line, CFG_SHOW, dv->s);
	if ((cfg->default_account = strdup(dv->s)) == NULL)
		return err_sys(e, EX_OSERR, "strdup");
	return 0;
}

static void
cfg_ctx_free(struct cfg_ctx *c)
{
	char *v;
	size_t i;
	int k;

	for (i = 0; i < c->nsec; i++) {
		free(c->sec[i].name);
		for (k = 0; k < K_NKEYS; k++) {
			if ((v = c->sec[i].v[k].s) == NULL)
				continue;
			explicit_bzero(v, strlen(v));
			free(v);
		}
	}
	explicit_bzero(c, sizeof(*c));
	free(c);
}

int
cfg_parse_stream(FILE *fp, const char *name, struct config *cfg,
    struct err *e)
{
	struct cfg_ctx *c;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->sec[0].name = strdup(CFG_DEFAULTS)) == NULL ||
	    (cfg->path = strdup(name)) == NULL) {
		if (c != NULL)
			cfg_ctx_free(c);
		return err_sys(e, EX_OSERR, "cannot load %s", name);
	}
	c->nsec = 1;
	c->fp = fp;
	c->file = cfg->path;
	cfg_ini_knobs();
	r = ini_parse_stream(cfg_read_line, c, cfg_handler, c);
	if (c->errline != 0 && (r <= 0 || r >= c->errline)) {
		err_set(e, c->err.ex, "%s", c->err.msg);
		r = -1;
	} else if (r > 0) {
		err_set(e, EX_CONFIG, "%s:%d: syntax error (expected "
		    "[account], key = value or a comment)", cfg->path, r);
		r = -1;
	} else if (r < 0)
		r = err_set(e, EX_OSERR, "%s: inih failed (%d)", cfg->path, r);
	else
		r = cfg_resolve(c, cfg, e);
	cfg_ctx_free(c);
	if (r != 0)
		cfg_free(cfg);
	return r;
}

/*
 * The account whose own from (never one inherited from [defaults]) equals
 * sender, ignoring case; of several, the [defaults] account if it is one
 * of them, else the first in file order.  NULL if none.
 */
static const struct account *
cfg_pick_from(const struct config *cfg, const char *sender)
{
	const struct account *a, *first = NULL;
	char from[ADDR_MAX + 1];
	struct err ignored;
	bool utf8;
	size_t i;

	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		if (!a->from_own || a->from == NULL)
			continue;
		/* as it will be on the wire: "<a@b>" matches -f a@b */
		err_init(&ignored);
		if (addr_check(a->from, false, from, &utf8, EX_CONFIG,
		    &ignored) == -1 || strcasecmp(from, sender) != 0)
			continue;
		if (cfg->default_account != NULL &&
		    strcmp(a->name, cfg->default_account) == 0)
			return a;
		if (first == NULL)
			first = a;
	}
	return first;
}

const struct account *
cfg_account(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; cfg != NULL && name != NULL && i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

const struct account *
cfg_pick(const struct config *cfg, const char *name, const char *sender,
    struct err *e)
{
	const struct account *a;

	if (name != NULL) {
		if ((a = cfg_account(cfg, name)) != NULL)
			return a;
		err_set(e, EX_CONFIG, "%s: no account named '%.*s'", cfg->path,
		    CFG_SHOW, name);
		return NULL;
	}
	if (sender != NULL && (a = cfg_pick_from(cfg, sender)) != NULL)
		return a;
	if (cfg->default_account != NULL)
		return cfg_pick(cfg, cfg->default_account, NULL, e);
	if (cfg->naccounts == 1)
		return &cfg->accounts[0];
	err_set(e, EX_CONFIG, "%s: %zu accounts and no default (set account "
	    "in [defaults] or use -a)", cfg->path, cfg->naccounts);
	return NULL;
}

/*
 * proxy_password stays: the proxy's password is read when the account
 * first connects (acct_via.c), after this runs; cfg_free() wipes it.
 */
void
cfg_forget_secrets(struct config *cfg)
{
	size_t i;
	char *p;

	for (i = 0; i < cfg->naccounts; i++)
		if ((p = cfg->accounts[i].password) != NULL)
			explicit_bzero(p, strlen(p));
}

void
cfg_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->naccounts; i++)
		cfg_key_free(&cfg->accounts[i]);
	free(cfg->accounts);
	free(cfg->path);
	free(cfg->default_account);
	memset(cfg, 0, sizeof(*cfg));
}

int
cfg_unquote(const char *in, char *out)
{
	const char *p;

	if (in[0] != '"') {
		memmove(out, in, strlen(in) + 1);
		return 0;
	}
	for (p = in + 1; *p != '"'; p++) {
		if (*p == '\0')
			return -1;
		if (*p == '\\') {
			if (p[1] != '"' && p[1] != '\\')
				return -1;
			p++;
		}
		*out++ = *p;
	}
	*out = '\0';
	return p[1] == '\0' ? 0 : -1;
}

void
cfg_put(FILE *out, const char *key, const char *v)
{
	size_t len = strlen(v);

	if (len > 0 && v[0] != '"' && v[0] != ' ' && v[0] != '\t' &&
	    v[len - 1] != ' ' && v[len - 1] != '\t' &&
	    strstr(v, " #") == NULL && strstr(v, " ;") == NULL) {
		fprintf(out, "%s = %s\n", key, v);
		return;
	}
	fprintf(out, "%s = \"", key);
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputs("\"\n", out);
}
