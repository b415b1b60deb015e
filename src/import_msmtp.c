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
 * What each key becomes is import_msmtp_keys.c.
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

#include "cfg.h"
#include "cfg_path.h"
#include "import_msmtp_int.h"

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
	char val[IMP_LINE_MAX + 1], buf[IMP_LINE_MAX + 1];
	const struct imp_key *k;
	const char *note;
	char *s;
	int r;

	if ((k = imp_key_find(key)) == NULL) {
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
	note = NULL;
	r = imp_convert(k, val, buf, sizeof(buf), &note);
	if (note != NULL)
		imp_note(im, key, r == -1 ? " not imported: " : ": ", note);
	if (r == -1 || k->slot == IS_NONE)
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
	cfg_put(out, "proxy", url);
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
			cfg_put(out, imp_out_key[i], v);
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
