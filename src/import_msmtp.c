/*
 * import_msmtp.c - ~/.msmtprc to an outpost config.
 *
 * msmtp's model: "defaults" lines set values for every account defined
 * after them; "account NAME : A, B" starts from those defaults, takes
 * A's then B's values, then its own lines.  That is resolved here, at
 * import time, so each [section] written holds the account's complete
 * settings and msmtp's own defaults (tls off, auth off, port 25 or 465)
 * are written out: outpost's defaults differ and must not creep in.
 * Invariant: every line that is not a comment, blank, or imported as is
 * produces one message on diag ("line N: KEY not imported: why" or
 * "line N: KEY: note") - nothing is dropped silently.  Values only ever
 * go to out, never to diag (a password must not reach a terminal log).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cfg_path.h"
#include "dsn.h"
#include "import_msmtp.h"
#include "pin.h"

/* Value slots of an account, in the order they are written. */
enum imp_slot {
	IS_HOST, IS_PORT, IS_TLS, IS_STARTTLS, IS_TRUST, IS_CERT, IS_KEY,
	IS_AUTH, IS_USER, IS_PASSWORD, IS_PWEVAL, IS_FROM, IS_DOMAIN,
	IS_TIMEOUT, IS_MAILDOMAIN, IS_SETFROM, IS_ALIASES, IS_LOGFILE,
	IS_SYSLOG, IS_PIN, IS_SOURCE, IS_PROXY_HOST, IS_PROXY_PORT,
	IS_DSN_NOTIFY, IS_DSN_RETURN, IS_N, IS_NONE = -1
};

/* The outpost key of each slot; NULL: written through another (tls). */
static const char *const imp_out_key[IS_N] = {
	"host", "port", "tls", NULL, "tls_trust_file", "tls_cert_file",
	"tls_key_file", "auth", "user", "password", "passwordeval", "from",
	"domain", "timeout", "maildomain", "set_from_header", "aliases",
	"logfile", "syslog", "tls_fingerprint", "source_ip", NULL, NULL,
	"dsn_notify", "dsn_return"
};

/* How an msmtp value becomes an outpost one (imp_convert). */
enum imp_conv {
	IC_COPY, IC_ONOFF, IC_AUTH, IC_TRUST, IC_TIMEOUT, IC_CERTCHECK,
	IC_MISSINGFROM, IC_SYSLOG, IC_LOGFILE, IC_PROTOCOL, IC_PASSWORD,
	IC_PIN, IC_OPTIONAL, IC_DSN, IC_NONE
};

static const struct imp_key {
	const char	*k;
	int		 slot;
	enum imp_conv	 conv;
	const char	*why;	/* IC_NONE: why there is no equivalent */
} imp_keys[] = {
	{ "host", IS_HOST, IC_COPY, NULL },
	{ "port", IS_PORT, IC_COPY, NULL },
	{ "tls", IS_TLS, IC_ONOFF, NULL },
	{ "tls_starttls", IS_STARTTLS, IC_ONOFF, NULL },
	{ "tls_trust_file", IS_TRUST, IC_TRUST, NULL },
	{ "tls_cert_file", IS_CERT, IC_COPY, NULL },
	{ "tls_key_file", IS_KEY, IC_COPY, NULL },
	{ "tls_certcheck", IS_NONE, IC_CERTCHECK, NULL },
	{ "auth", IS_AUTH, IC_AUTH, NULL },
	{ "user", IS_USER, IC_COPY, NULL },
	{ "password", IS_PASSWORD, IC_PASSWORD, NULL },
	{ "passwordeval", IS_PWEVAL, IC_COPY, NULL },
	{ "from", IS_FROM, IC_COPY, NULL },
	{ "domain", IS_DOMAIN, IC_COPY, NULL },
	{ "timeout", IS_TIMEOUT, IC_TIMEOUT, NULL },
	{ "maildomain", IS_MAILDOMAIN, IC_COPY, NULL },
	{ "set_from_header", IS_SETFROM, IC_COPY, NULL },
	{ "add_missing_from_header", IS_SETFROM, IC_MISSINGFROM, NULL },
	{ "aliases", IS_ALIASES, IC_COPY, NULL },
	{ "logfile", IS_LOGFILE, IC_LOGFILE, NULL },
	{ "syslog", IS_SYSLOG, IC_SYSLOG, NULL },
	{ "protocol", IS_NONE, IC_PROTOCOL, NULL },
	{ "tls_fingerprint", IS_PIN, IC_PIN, NULL },
	{ "tls_crl_file", IS_NONE, IC_NONE, "no CRL file in outpost" },
	{ "tls_priorities", IS_NONE, IC_NONE, "outpost's TLS settings are "
	    "fixed (TLS 1.2 or later)" },
	{ "tls_min_dh_prime_bits", IS_NONE, IC_NONE, "outpost's TLS "
	    "settings are fixed" },
	{ "tls_host_override", IS_NONE, IC_NONE, "outpost checks the "
	    "certificate against host" },
	{ "auto_from", IS_NONE, IC_NONE, "write from = %U@%H, or set "
	    "maildomain" },
	{ "dsn_notify", IS_DSN_NOTIFY, IC_DSN, NULL },
	{ "dsn_return", IS_DSN_RETURN, IC_DSN, NULL },
	{ "proxy_host", IS_PROXY_HOST, IC_OPTIONAL, NULL },
	{ "proxy_port", IS_PROXY_PORT, IC_OPTIONAL, NULL },
	{ "socket", IS_NONE, IC_NONE, "outpost connects over TCP only" },
	{ "source_ip", IS_SOURCE, IC_OPTIONAL, NULL },
	{ "ntlmdomain", IS_NONE, IC_NONE, "outpost has no NTLM" },
	{ "eval", IS_NONE, IC_NONE, "outpost runs no command to make its "
	    "configuration (passwordeval is for the password)" },
	{ "logfile_time_format", IS_NONE, IC_NONE, "outpost's log line "
	    "format is fixed" },
	{ "add_missing_date_header", IS_NONE, IC_NONE, "outpost always adds "
	    "a missing Date:" },
	{ "set_date_header", IS_NONE, IC_NONE, "outpost always adds a "
	    "missing Date:" },
	{ "remove_bcc_headers", IS_NONE, IC_NONE, "outpost always removes "
	    "Bcc: (with -t)" },
	{ "undisclosed_recipients", IS_NONE, IC_NONE, "no equivalent in "
	    "outpost" },
	{ "allow_from_override", IS_NONE, IC_NONE, "outpost's "
	    "allow_from_override takes a list of addresses: write it by "
	    "hand" },
	{ "from_full_name", IS_NONE, IC_NONE, "outpost takes the name from "
	    "-F or the user's full name" },
	{ NULL, IS_NONE, IC_NONE, NULL }
};

struct imp_acct {
	char	 name[IMP_NAME_MAX + 1];
	int	 line;
	int	 parent;	/* the only parent, -1 if not exactly one */
	char	*v[IS_N];	/* NULL: not set (msmtp's default) */
};

struct imp {
	FILE		*diag;
	int		 lineno;
	struct imp_acct	 defs;		/* the defaults so far */
	struct imp_acct	 acct[IMP_ACCT_MAX];
	size_t		 nacct;
	struct imp_acct	*cur;		/* where lines go; NULL: none yet */
};

/* "line N: KEY" sep why; KEY is the file's text, sanitised. */
static void
imp_note(struct imp *im, const char *key, const char *sep, const char *why)
{
	char k[IMP_NAME_MAX + 1];

	err_sanitize(k, sizeof(k), key, strlen(key));
	fprintf(im->diag, "line %d: %s%s%s\n", im->lineno, k, sep, why);
}

/*
 * msmtp's argument: double quotes group (and are removed), inside them
 * a backslash takes the next byte as is.  0, or -1 for a quote left open.
 */
static int
imp_unquote(const char *arg, char *out, size_t n)
{
	bool q = false;
	size_t o = 0;

	for (; *arg != '\0' && o + 1 < n; arg++) {
		if (*arg == '"') {
			q = !q;
			continue;
		}
		if (q && *arg == '\\' && arg[1] != '\0')
			arg++;
		out[o++] = *arg;
	}
	out[o] = '\0';
	return q ? -1 : 0;
}

static bool
imp_word(const char *v, const char *w)
{
	return strcasecmp(v, w) == 0;
}

/* msmtp's fingerprint: SHA-256 becomes "sha256:..."; 1, or -1 with why */
static int
imp_pin(const char *v, char *buf, size_t n, const char **fail)
{
	struct pin p;

	if (pin_parse(v, &p, fail) == -1) {
		*fail = "not a fingerprint (colon-separated hex)";
		return -1;
	}
	if (p.alg == PIN_SHA256) {
		pin_format(p.alg, p.d, p.len, buf, n);
		return 1;
	}
	*fail = "outpost takes SHA-256 pins only (SHA-1 and MD5 are broken): "
	    "outpost doctor shows the server's";
	return -1;
}

/*
 * The outpost value for an msmtp one, into buf: 1 store it, 0 clear the
 * slot (msmtp's default, which outpost also has), -1 not imported (the
 * reason is printed here).
 */
static int
imp_convert(struct imp *im, const struct imp_key *k, const char *v,
    char *buf, size_t n)
{
	const char *fail = NULL;
	enum dsn_ret ret;
	unsigned bits;

	snprintf(buf, n, "%s", v);
	switch (k->conv) {
	case IC_COPY:
		return 1;
	case IC_ONOFF:
		if (*v == '\0' || imp_word(v, "on"))
			return snprintf(buf, n, "on"), 1;
		if (imp_word(v, "off"))
			return snprintf(buf, n, "off"), 1;
		fail = "on or off expected";
		break;
	case IC_AUTH:
		if (*v == '\0' || imp_word(v, "on"))
			return snprintf(buf, n, "on"), 1;
		if (imp_word(v, "off") || imp_word(v, "plain") ||
		    imp_word(v, "login") || imp_word(v, "external") ||
		    imp_word(v, "xoauth2") || imp_word(v, "oauthbearer") ||
		    imp_word(v, "scram-sha-256")) {
			if (imp_word(v, "xoauth2") ||
			    imp_word(v, "oauthbearer"))
				imp_note(im, k->k, ": ", "the access token "
				    "comes from passwordeval as with msmtp; "
				    "outpost can also refresh it itself "
				    "(oauth2_token_url, outpost oauth2 login)");
			for (; *buf != '\0'; buf++)
				*buf = (char)tolower((unsigned char)*buf);
			return 1;
		}
		imp_note(im, k->k, ": ", "a method outpost does not have, "
		    "imported as auth = on (outpost picks SCRAM-SHA-256, PLAIN "
		    "or LOGIN)");
		return snprintf(buf, n, "on"), 1;
	case IC_TRUST:
		/* "system": outpost's default trust store */
		return *v == '\0' || imp_word(v, "system") ? 0 : 1;
	case IC_TIMEOUT:
		if (!imp_word(v, "off"))
			return 1;
		fail = "outpost always has a timeout (its default applies)";
		break;
	case IC_CERTCHECK:
		if (*v == '\0' || imp_word(v, "on"))
			return 0;
		fail = "outpost always verifies the server's certificate";
		break;
	case IC_MISSINGFROM:
		if (*v == '\0' || imp_word(v, "on"))
			return snprintf(buf, n, "auto"), 1;
		return snprintf(buf, n, "off"), 1;
	case IC_SYSLOG:
		if (*v == '\0')
			return snprintf(buf, n, "on"), 1;
		if (strncasecmp(v, "LOG_", 4) == 0)
			snprintf(buf, n, "%s", v + 4);
		for (; *buf != '\0'; buf++)
			*buf = (char)tolower((unsigned char)*buf);
		return 1;
	case IC_LOGFILE:
		if (strcmp(v, "-") != 0)
			return *v == '\0' ? 0 : 1;
		fail = "outpost logs to a file or syslog, not to stdout";
		break;
	case IC_PROTOCOL:
		if (imp_word(v, "smtp"))
			return 0;
		fail = "outpost speaks SMTP only";
		break;
	case IC_PASSWORD:
		imp_note(im, k->k, ": ", "imported as written: prefer the "
		    "keyring (outpost password set) and delete the line");
		return 1;
	case IC_OPTIONAL:	/* an empty argument turns it off */
		return *v == '\0' ? 0 : 1;
	case IC_DSN:	/* the same words as msmtp; "off" is its default */
		if (k->slot == IS_DSN_NOTIFY ? dsn_parse_notify(v, &bits) ==
		    0 : dsn_parse_ret(v, &ret) == 0)
			return *v == '\0' || imp_word(v, "off") ? 0 : 1;
		fail = "not a value msmtp takes";
		break;
	case IC_PIN:
		if (imp_pin(v, buf, n, &fail) == 1)
			return 1;
		break;
	case IC_NONE:
		fail = k->why;
		break;
	}
	imp_note(im, k->k, " not imported: ", fail);
	return -1;
}

static bool
imp_value_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 && *v != '\t')
			return false;
	return true;
}

/*
 * msmtp expands "~" in its file keys; the import writes the path it
 * meant (outpost would expand it too, but a config copied to another
 * user's home or /etc then still names the same file).  Without a home
 * the value stays as written.  NULL: out of memory.
 */
static char *
imp_path(const struct imp_key *k, const char *v)
{
	static const char *const paths[] = {
		"tls_trust_file", "tls_cert_file", "tls_key_file", "aliases",
		"logfile", NULL
	};
	const char *why;
	char *s;
	size_t i;

	for (i = 0; paths[i] != NULL; i++)
		if (strcmp(paths[i], k->k) == 0)
			break;
	if (paths[i] == NULL)
		return strdup(v);
	if ((s = cfg_path_expand(v, &why)) == NULL && why != NULL)
		return strdup(v);
	return s;
}

/* One "KEY ARG" line into the current account or the defaults. */
static int
imp_set(struct imp *im, const char *key, const char *arg, struct err *e)
{
	const struct imp_key *k;
	char val[IMP_LINE_MAX + 1], buf[IMP_LINE_MAX + 1];
	char *s;
	int r;

	for (k = imp_keys; k->k != NULL; k++)
		if (strcmp(k->k, key) == 0)
			break;
	if (k->k == NULL) {
		imp_note(im, key, " not imported: ", "not an msmtp key "
		    "outpost knows");
		return 0;
	}
	if (im->cur == NULL) {
		imp_note(im, key, " not imported: ", "not in an imported "
		    "account or defaults section");
		return 0;
	}
	if (imp_unquote(arg, val, sizeof(val)) == -1 || !imp_value_ok(val)) {
		imp_note(im, key, " not imported: ", "a quote left open or "
		    "a control character");
		return 0;
	}
	if ((r = imp_convert(im, k, val, buf, sizeof(buf))) == -1 ||
	    k->slot == IS_NONE)
		return 0;
	s = NULL;
	if (r == 1 && (s = imp_path(k, buf)) == NULL)
		return err_sys(e, EX_OSERR, "strdup");
	free(im->cur->v[k->slot]);
	im->cur->v[k->slot] = s;
	return 0;
}

static bool
imp_name_ok(const char *s)
{
	size_t len;

	len = strlen(s);
	if (len == 0 || len > IMP_NAME_MAX || strcmp(s, "defaults") == 0)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-@+", *s) == NULL)
			return false;
	return true;
}

static struct imp_acct *
imp_find(struct imp *im, const char *name)
{
	size_t i;

	for (i = 0; i < im->nacct; i++)
		if (strcmp(im->acct[i].name, name) == 0)
			return &im->acct[i];
	return NULL;
}

/* The values src has set override dst's. */
static int
imp_copy(struct imp_acct *dst, const struct imp_acct *src, struct err *e)
{
	char *s;
	int i;

	for (i = 0; i < IS_N; i++) {
		if (src->v[i] == NULL)
			continue;
		if ((s = strdup(src->v[i])) == NULL)
			return err_sys(e, EX_OSERR, "strdup");
		free(dst->v[i]);
		dst->v[i] = s;
	}
	return 0;
}

static char *
imp_trim(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* "account NAME [: PARENT[, PARENT...]]": the defaults, then each
 * parent's values, then its own lines. */
static int
imp_account(struct imp *im, char *arg, struct err *e)
{
	struct imp_acct *a, *par;
	char *parents, *p;
	int n;

	if ((parents = strchr(arg, ':')) != NULL)
		*parents++ = '\0';
	arg = imp_trim(arg);
	im->cur = NULL;
	if (!imp_name_ok(arg)) {
		imp_note(im, "account", " not imported: ", "outpost needs a "
		    "name of letters, digits and ._-@+ (at most 48), not "
		    "\"defaults\"; its lines are skipped");
		return 0;
	}
	if (imp_find(im, arg) != NULL)
		return err_set(e, EX_DATAERR, "line %d: account '%s' is "
		    "defined twice", im->lineno, arg);
	if (im->nacct == IMP_ACCT_MAX)
		return err_set(e, EX_DATAERR, "line %d: more than %d accounts",
		    im->lineno, IMP_ACCT_MAX);
	a = &im->acct[im->nacct++];
	snprintf(a->name, sizeof(a->name), "%s", arg);
	a->line = im->lineno;
	a->parent = -1;
	if (imp_copy(a, &im->defs, e) == -1)
		return -1;
	for (n = 0; parents != NULL; n++) {
		if ((p = strchr(parents, ',')) != NULL)
			*p++ = '\0';
		if ((par = imp_find(im, imp_trim(parents))) == NULL) {
			imp_note(im, "account", ": ", "a parent account "
			    "not defined before it: its values are not taken");
			a->parent = -2;
		} else if (imp_copy(a, par, e) == -1)
			return -1;
		else if (n == 0 && a->parent == -1)
			a->parent = (int)(par - im->acct);
		parents = p;
	}
	if (n > 1)
		a->parent = -2;
	im->cur = a;
	return 0;
}

static int
imp_line(struct imp *im, char *line, struct err *e)
{
	char *key, *arg;

	key = line + strspn(line, " \t");
	if (*key == '\0' || *key == '#')
		return 0;
	arg = key + strcspn(key, " \t");
	if (*arg != '\0')
		*arg++ = '\0';
	arg = imp_trim(arg);
	if (strcmp(key, "defaults") == 0) {
		im->cur = &im->defs;
		return 0;
	}
	if (strcmp(key, "account") == 0)
		return imp_account(im, arg, e);
	return imp_set(im, key, arg, e);
}

static int
imp_read(struct imp *im, FILE *in, const char *name, struct err *e)
{
	char line[IMP_LINE_MAX + 2];
	size_t len;

	while (fgets(line, sizeof(line), in) != NULL) {
		im->lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(in))
			return err_set(e, EX_DATAERR, "%s: line %d: longer "
			    "than %d bytes", name, im->lineno, IMP_LINE_MAX);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (imp_line(im, line, e) == -1)
			return -1;
	}
	if (ferror(in))
		return err_set(e, EX_IOERR, "%s: read error", name);
	return 0;
}

/* KEY = VALUE, quoted (outpost.conf(5)) only where it must be. */
static void
imp_put(FILE *out, const char *key, const char *v)
{
	size_t len;

	len = strlen(v);
	if (len > 0 && v[0] != '"' && v[0] != ' ' && v[0] != '\t' &&
	    v[len - 1] != ' ' && v[len - 1] != '\t') {
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

static bool
imp_on(const char *v, bool dflt)
{
	return v == NULL ? dflt : strcmp(v, "on") == 0;
}

/*
 * proxy_host and proxy_port: one proxy URL.  msmtp's proxy resolves the
 * smarthost's name itself (socks5h); its port defaults to 1080.
 */
static void
imp_emit_proxy(struct imp *im, const struct imp_acct *a, FILE *out)
{
	const char *h = a->v[IS_PROXY_HOST], *p = a->v[IS_PROXY_PORT];
	char url[IMP_LINE_MAX + 32];
	bool v6;

	if (h == NULL) {
		if (p != NULL)
			fprintf(im->diag, "line %d: account %s: proxy_port "
			    "not imported: no proxy_host\n", a->line, a->name);
		return;
	}
	v6 = strchr(h, ':') != NULL;
	snprintf(url, sizeof(url), "socks5h://%s%s%s:%s", v6 ? "[" : "", h,
	    v6 ? "]" : "", p != NULL ? p : "1080");
	imp_put(out, "proxy", url);
}

/* One [section]: msmtp's defaults for tls, port and auth spelled out. */
static void
imp_emit_acct(struct imp *im, const struct imp_acct *a, FILE *out)
{
	bool tls, implicit;
	const char *v;
	int i;

	tls = imp_on(a->v[IS_TLS], false);
	implicit = tls && !imp_on(a->v[IS_STARTTLS], true);
	fprintf(out, "\n[%s]\n", a->name);
	for (i = 0; i < IS_N; i++) {
		v = a->v[i];
		if (i == IS_PORT && v == NULL)
			v = implicit ? "465" : "25";
		else if (i == IS_TLS)
			v = !tls ? "off" : implicit ? "implicit" : "starttls";
		else if (i == IS_AUTH && v == NULL)
			v = "off";
		if (v != NULL && imp_out_key[i] != NULL)
			imp_put(out, imp_out_key[i], v);
	}
	imp_emit_proxy(im, a, out);
}

/*
 * Why outpost would refuse the account (cfg.c's rules that involve
 * several keys), or NULL.  msmtp takes such an account as a template
 * for others; outpost refuses the whole file, so it is left out.
 */
static const char *
imp_unusable(const struct imp_acct *a)
{
	const char *auth;

	auth = a->v[IS_AUTH] != NULL ? a->v[IS_AUTH] : "off";
	if (a->v[IS_HOST] == NULL)
		return "no host";
	if ((a->v[IS_CERT] == NULL) != (a->v[IS_KEY] == NULL))
		return "only one of tls_cert_file and tls_key_file";
	if (strcmp(auth, "off") != 0 && strcmp(auth, "external") != 0 &&
	    a->v[IS_USER] == NULL)
		return "auth without a user";
	if (strcmp(auth, "external") == 0 && a->v[IS_CERT] == NULL)
		return "auth external without tls_cert_file";
	return NULL;
}

static void
imp_emit_usable(struct imp *im, const struct imp_acct *a, FILE *out)
{
	const char *why;

	if ((why = imp_unusable(a)) == NULL) {
		imp_emit_acct(im, a, out);
		return;
	}
	fprintf(im->diag, "line %d: account %s not imported: %s (outpost "
	    "would refuse it; accounts that inherit from it keep its "
	    "values)\n", a->line, a->name, why);
}

static bool
imp_same(const struct imp_acct *a, const struct imp_acct *b)
{
	int i;

	for (i = 0; i < IS_N; i++)
		if ((a->v[i] == NULL) != (b->v[i] == NULL) ||
		    (a->v[i] != NULL && strcmp(a->v[i], b->v[i]) != 0))
			return false;
	return true;
}

/*
 * "account default : NAME" with nothing of its own is outpost's
 * "account = NAME"; a default account that differs is written as
 * [default] and named.
 */
static void
imp_emit(struct imp *im, const char *name, FILE *out)
{
	const struct imp_acct *d;
	const char *deflt;
	char shown[IMP_LINE_MAX + 1];
	size_t i;
	bool alias;

	err_sanitize(shown, sizeof(shown), name, strlen(name));
	fprintf(out, "# outpost configuration imported from %s by outpost "
	    "import-msmtprc.\n# Review it, then save it as "
	    "~/.config/outpost/config (mode 0600).\n", shown);
	alias = false;
	deflt = NULL;
	if ((d = imp_find(im, "default")) != NULL && imp_unusable(d) == NULL) {
		alias = d->parent >= 0 && imp_same(d, &im->acct[d->parent]);
		deflt = alias ? im->acct[d->parent].name : d->name;
		fprintf(out, "\n[defaults]\naccount = %s\n", deflt);
	}
	for (i = 0; i < im->nacct; i++)
		if (!alias || &im->acct[i] != d)
			imp_emit_usable(im, &im->acct[i], out);
}

static void
imp_free(struct imp *im)
{
	size_t i;
	int k;

	for (k = 0; k < IS_N; k++) {
		free(im->defs.v[k]);
		for (i = 0; i < im->nacct; i++)
			free(im->acct[i].v[k]);
	}
}

int
import_msmtp(FILE *in, const char *name, FILE *out, FILE *diag,
    struct err *e)
{
	struct imp *im;
	int r;

	if ((im = calloc(1, sizeof(*im))) == NULL)
		return err_sys(e, EX_OSERR, "calloc");
	im->diag = diag;
	r = imp_read(im, in, name, e);
	if (r == 0 && im->nacct == 0)
		r = err_set(e, EX_DATAERR, "%s: no account to import", name);
	if (r == 0) {
		imp_emit(im, name, out);
		if (fflush(out) == EOF || ferror(out))
			r = err_sys(e, EX_IOERR, "write");
	}
	imp_free(im);
	free(im);
	return r;
}
