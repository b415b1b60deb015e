/*
 * t-cfg.c - the configuration file: values, inih quirks, accounts, files.
 *
 * Parse rows go through fmemopen() + cfg_parse_stream(): each is a file,
 * a field of the first account (or of the account named "b" when the
 * field is written "b.host") and the expected value, or NULL and a part
 * of the 78 message (which carries the line number).  The inih quirks of
 * protocol.md 8.3 each have a row: the right value or 78 with the line,
 * never a silently different value.  Rows marked QUIRK may fail with 78
 * at that line on an inih without Debian's runtime knobs.  cfg_load() is
 * tested on real files, pipes and /dev/fd paths; the buffers that held
 * the file's bytes are checked to be wiped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_int.h"
#include "tap.h"

#if defined(HAVE_DECL_INI_ALLOW_INLINE_COMMENTS) && \
    HAVE_DECL_INI_ALLOW_INLINE_COMMENTS && \
    defined(HAVE_DECL_INI_ALLOW_MULTILINE) && HAVE_DECL_INI_ALLOW_MULTILINE && \
    defined(HAVE_DECL_INI_MAX_LINE) && HAVE_DECL_INI_MAX_LINE
#define KNOBS	1
#else
#define KNOBS	0
#endif

static void	test_wipe(void);
static void	test_files(void);

#define TEXT_MAX	8192
#define FIELD_MAX	5000
#define H		"[a]\nhost = h\n"	/* lines 1-2 */
#define X10		"xxxxxxxxxx"
#define X50		X10 X10 X10 X10 X10
#define X188		X50 X50 X50 X10 X10 X10 "xxxxxxxx"
#define X300		X50 X50 X50 X50 X50 X50

static const struct row {
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	const char	*field;
	const char	*want;		/* NULL: must fail with 78 */
	const char	*msg;		/* part of the message, or quirk line */
	int		 quirk;		/* line where an old inih may fail */
} rows[] = {
	/* protocol.md 8.3, one row per quirk */
	{ H "password = abc ;def\n", 0, "password", "abc ;def", NULL, 3 },
	{ H "password = abc;def\n", 0, "password", "abc;def", NULL, 0 },
	{ H "password =   spaced pw   \n", 0, "password", "spaced pw", NULL,
	    0 },
	{ H "password = \"  spaced  \"\n", 0, "password", "  spaced  ", NULL,
	    0 },
	{ H "password = \"quoted ; pw\"\n", 0, "password", "quoted ; pw", NULL,
	    3 },
	{ H "password = " X300 "\n", 0, "password", X300, NULL, 3 },
	{ H "password = " X188 "host=evil.example\n", 0, "password",
	    X188 "host=evil.example", NULL, 3 },
	{ H "password = " X188 "host=evil.example\n", 0, "host", "h", NULL, 3 },
	{ H "user = x\n  from = a@b\n", 0, "user", "x", NULL, 0 },
	{ H "user = x\n  from = a@b\n", 0, "from", "a@b", NULL, 0 },
	{ H "user = x\n\tpassword = cont\n", 0, "password", "cont", NULL, 0 },
	{ H "novalue\n", 0, "host", NULL, "t.conf:3: syntax error", 0 },
	{ H "user = a=b=c\n", 0, "user", "a=b=c", NULL, 0 },
	{ H "host = h2\n", 0, "host", NULL,
	    "t.conf:3: duplicate key 'host' (first at line 2)", 0 },
	{ "\xef\xbb\xbf[a]\nhost = h\n", 0, "host", "h", NULL, 0 },
	{ H "hots = x\nnovalue\n", 0, "host", NULL,
	    "t.conf:3: unknown key 'hots'", 0 },
	{ H "novalue\nhots = x\n", 0, "host", NULL, "t.conf:3: syntax error",
	    0 },
	/* quoting */
	{ H "password = \"a\\\"b\\\\c\"\n", 0, "password", "a\"b\\c", NULL, 0 },
	{ H "password = \"\"\n", 0, "password", "", NULL, 0 },
	{ H "password = a\"b\n", 0, "password", "a\"b", NULL, 0 },
	{ H "password = \"abc\n", 0, "password", NULL,
	    "t.conf:3: key 'password': bad quoting", 0 },
	{ H "password = \"a\\tb\"\n", 0, "password", NULL, "t.conf:3:", 0 },
	{ H "password = \"ab\" c\n", 0, "password", NULL, "t.conf:3:", 0 },
	{ H "password = a\rb\n", 0, "password", NULL, "t.conf:3:", 0 },
	{ H "password = a\0b\n", sizeof(H "password = a\0b\n") - 1, "password",
	    NULL, "t.conf:3: NUL byte", 0 },
	{ "[a]\r\nhost = h\r\n", 0, "host", "h", NULL, 0 },
	{ H "user = \"  \"\n", 0, "user", "  ", NULL, 0 },
	/* lines, sections, keys */
	{ "host = h\n", 0, "host", NULL, "t.conf:1: key 'host' outside", 0 },
	{ "; comment\n# comment\n" H, 0, "host", "h", NULL, 0 },
	{ H "user:name = x\n", 0, "user", NULL, "t.conf:3: write 'key = value'",
	    0 },
	{ H "account = a\n", 0, "host", NULL,
	    "t.conf:3: key 'account' belongs in [defaults]", 0 },
	{ H "[a]\nport = 25\n", 0, "host", NULL,
	    "t.conf:3: account [a] appears twice", 0 },
	{ "[a] host = h\n", 0, "host", NULL, "t.conf:1: text after ']'", 0 },
	{ "[ a]\nhost = h\n", 0, "host", NULL, "t.conf:1: bad section name",
	    0 },
	{ "[" X50 "]\nhost = h\n", 0, "host", NULL, "t.conf:1: bad section",
	    0 },
	{ "[a\001]\nhost = h\n", 0, "host", NULL, "t.conf:1: bad section",
	    0 },
	{ "[a\tb]\nhost = h\n", 0, "host", NULL, "t.conf:1: bad section", 0 },
	{ "[a b]\nhost = h\n", 0, "host", "h", NULL, 0 },
	{ H "[backup\nport = x\n", 0, "host", NULL,
	    "t.conf:3: missing ']' in section line", 0 },
	{ "[defaults]\nport = 25\n", 0, "host", NULL, "t.conf: no account", 0 },
	{ "[a]\n", 0, "host", NULL, "t.conf:1: account 'a': no host", 0 },
	{ "[a]\nport = 25\n", 0, "host", NULL, "account 'a': no host", 0 },
	/* values */
	{ H, 0, "port", "587", NULL, 0 },
	{ H "port = auto\n", 0, "port", "0", NULL, 0 },
	{ H "port = 25\n", 0, "port", "25", NULL, 0 },
	{ H "port = abc\n", 0, "port", NULL, "t.conf:3: key 'port': bad value "
	    "'abc' (a number 1-65535 or auto)", 0 },
	{ H "port = 0\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = 65536\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = -25\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = 25x\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H, 0, "tls", "starttls", NULL, 0 },
	{ H "port = 465\n", 0, "tls", "implicit", NULL, 0 },
	{ H "port = 465\ntls = starttls\n", 0, "tls", "starttls", NULL, 0 },
	{ H "port = auto\n", 0, "tls", "starttls", NULL, 0 },
	{ H "tls = off\n", 0, "tls", "off", NULL, 0 },
	{ H "tls = maybe\n", 0, "tls", NULL, "t.conf:3: key 'tls'", 0 },
	{ H "tls = STARTTLS\n", 0, "tls", NULL, "t.conf:3: key 'tls'", 0 },
	{ H, 0, "auth", "off", NULL, 0 },
	{ H "user = u\n", 0, "auth", "on", NULL, 0 },
	{ H "user = \"\"\n", 0, "auth", "on", NULL, 0 },
	{ H "user = u\nauth = off\n", 0, "auth", "off", NULL, 0 },
	{ H "user = u\nauth = login\n", 0, "auth", "login", NULL, 0 },
	{ H "auth = plain\n", 0, "auth", NULL, "account 'a': auth needs a user",
	    0 },
	{ H "auth = on\n", 0, "auth", NULL, "account 'a': auth needs a user",
	    0 },
	{ H "auth = external\ntls_cert_file = c\ntls_key_file = k\n", 0,
	    "auth", "external", NULL, 0 },
	{ H "auth = external\n", 0, "auth", NULL, "needs tls_cert_file", 0 },
	{ H "tls_cert_file = c\n", 0, "host", NULL, "give both tls_cert_file",
	    0 },
	{ H "tls_key_file = k\n", 0, "host", NULL, "give both tls_cert_file",
	    0 },
	{ H "tls_trust_file = /etc/ca.pem\n", 0, "tls_trust_file",
	    "/etc/ca.pem", NULL, 0 },
	{ H, 0, "timeout", "30", NULL, 0 },
	{ H "timeout = 3600\n", 0, "timeout", "3600", NULL, 0 },
	{ H "timeout = 0\n", 0, "timeout", NULL, "t.conf:3: key 'timeout'", 0 },
	{ H "timeout = 3601\n", 0, "timeout", NULL, "t.conf:3: key 'timeout'",
	    0 },
	{ H, 0, "keyring", "on", NULL, 0 },
	{ H "keyring = off\n", 0, "keyring", "off", NULL, 0 },
	{ H "keyring = no\n", 0, "keyring", NULL, "t.conf:3: key 'keyring'",
	    0 },
	{ H, 0, "queue", "off", NULL, 0 },
	{ H "queue = on\n", 0, "queue", "on", NULL, 0 },
	{ H, 0, "domain", NULL, NULL, 0 },
	{ H "domain = host.example\n", 0, "domain", "host.example", NULL, 0 },
	{ H "domain = a b\n", 0, "domain", NULL, "t.conf:3: key 'domain'", 0 },
	{ "[a]\nhost = 2001:db8::25\n", 0, "host", "2001:db8::25", NULL, 0 },
	{ "[a]\nhost = 192.0.2.25\n", 0, "host", "192.0.2.25", NULL, 0 },
	{ "[a]\nhost = a b\n", 0, "host", NULL, "t.conf:2: key 'host'", 0 },
	{ "[a]\nhost = -oProxy\n", 0, "host", NULL, "t.conf:2: key 'host'", 0 },
	{ H "from = \n", 0, "from", NULL, "t.conf:3: key 'from'", 0 },
	{ H "password = \"\\q\"\n", 0, "password", NULL, "t.conf:3:", 0 },
	/* [defaults] */
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "port", "2525", NULL, 0 },
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "user", "u", NULL, 0 },
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "auth", "on", NULL, 0 },
	{ "[defaults]\nport = 2525\n" H "port = 25\n", 0, "port", "25", NULL,
	    0 },
	{ "[defaults]\nhost = h\n[a]\n", 0, "host", "h", NULL, 0 },
	{ "[defaults]\nport = x\n" H "port = 25\n", 0, "port", NULL,
	    "t.conf:2: key 'port'", 0 },
	{ "[defaults]\naccount = b\n" H "[b]\nhost = hb\n", 0, "b.host", "hb",
	    NULL, 0 },
	{ "[defaults]\naccount = c\n" H, 0, "host", NULL,
	    "t.conf:2: key 'account': no account named 'c'", 0 },
	{ "[defaults]\naccount = defaults\n" H, 0, "host", NULL,
	    "t.conf:2: key 'account'", 0 },
	{ "[defaults]\nport = 25\n[defaults]\n" H, 0, "host", NULL,
	    "t.conf:3: [defaults] appears twice", 0 },
	{ H "[b]\nhost = hb\nfrom = b@x\n", 0, "b.from", "b@x", NULL, 0 },
	{ H "[b]\nhost = hb\nfrom = b@x\n", 0, "a.from", NULL, NULL, 0 },
};

/* The named field of an account as a string (NULL when unset). */
static const char *
field(const struct config *cfg, const char *f, char *buf, size_t n)
{
	static const char *const tls[] = { "?", "starttls", "implicit", "off" };
	static const char *const auth[] = {
		"off", "on", "plain", "login", "external"
	};
	const struct account *a = &cfg->accounts[0];

	if (f[0] != '\0' && f[1] == '.') {
		if (cfg->naccounts < (size_t)(f[0] - 'a' + 1))
			return "(no such account)";
		a = &cfg->accounts[f[0] - 'a'];
		f += 2;
	}
	if (strcmp(f, "port") == 0 || strcmp(f, "timeout") == 0) {
		snprintf(buf, n, "%d", f[0] == 'p' ? a->port : a->timeout);
		return buf;
	}
	if (strcmp(f, "tls") == 0)
		return tls[a->tls];
	if (strcmp(f, "auth") == 0)
		return auth[a->auth];
	if (strcmp(f, "keyring") == 0 || strcmp(f, "queue") == 0)
		return (f[0] == 'k' ? a->keyring : a->queue) ? "on" : "off";
	return strcmp(f, "host") == 0 ? a->host :
	    strcmp(f, "user") == 0 ? a->user :
	    strcmp(f, "password") == 0 ? a->password :
	    strcmp(f, "from") == 0 ? a->from :
	    strcmp(f, "domain") == 0 ? a->domain :
	    strcmp(f, "tls_trust_file") == 0 ? a->tls_trust_file : "(field?)";
}

static int
parse(const char *text, size_t len, struct config *cfg, struct err *e)
{
	FILE *fp;
	int r;

	err_init(e);
	if ((fp = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL)
		return err_sys(e, EX_SOFTWARE, "fmemopen");
	r = cfg_parse_stream(fp, "t.conf", cfg, e);
	fclose(fp);
	return r;
}

static void
test_row(const struct row *r, size_t i)
{
	char buf[FIELD_MAX], want[ERR_MSG_MAX];
	struct config cfg;
	struct err e;
	const char *got;
	size_t len = r->len != 0 ? r->len : strlen(r->text);

	if (parse(r->text, len, &cfg, &e) == -1) {
		if (r->quirk != 0 && !KNOBS) {
			snprintf(want, sizeof(want), "t.conf:%d:", r->quirk);
			ok(e.ex == EX_CONFIG && strstr(e.msg, want) != NULL,
			    "row %zu: %s: 78 at line %d", i, r->field,
			    r->quirk);
			return;
		}
		ok(r->want == NULL && r->msg != NULL && e.ex == EX_CONFIG &&
		    strstr(e.msg, r->msg) != NULL, "row %zu: %s fails: %s", i,
		    r->field, r->msg != NULL ? r->msg : "(should not)");
		if (r->msg == NULL || strstr(e.msg, r->msg) == NULL)
			diag("  got %d \"%s\"", e.ex, e.msg);
		return;
	}
	got = field(&cfg, r->field, buf, sizeof(buf));
	if (r->msg != NULL)
		ok(0, "row %zu: %s should fail: %s", i, r->field, r->msg);
	else
		is_str(got, r->want, "row %zu: %s = %.40s", i, r->field,
		    r->want != NULL ? r->want : "(unset)");
	cfg_free(&cfg);
}

static void
test_long_lines(void)
{
	char text[TEXT_MAX];
	struct config cfg;
	struct err e;
	int n;

	n = snprintf(text, sizeof(text), H "password = ");
	memset(text + n, 'y', CFG_MAX_VALUE + 100);
	memcpy(text + n + CFG_MAX_VALUE + 100, "\nuser = u\n", 11);
	is_int(parse(text, strlen(text), &cfg, &e), -1, "5000-char line");
	ok(e.ex == EX_CONFIG && strstr(e.msg, "t.conf:3: line 3 longer than")
	    != NULL, "5000-char line: 78 at line 3 (%s)", e.msg);

	memset(text + n, 'y', CFG_MAX_VALUE);
	memcpy(text + n + CFG_MAX_VALUE, "\n", 2);
	if (parse(text, strlen(text), &cfg, &e) == 0) {
		ok(strlen(cfg.accounts[0].password) == CFG_MAX_VALUE,
		    "a %d-char value is read whole", CFG_MAX_VALUE);
		cfg_free(&cfg);
	} else
		ok(!KNOBS && strstr(e.msg, "t.conf:3: line 3") != NULL,
		    "a %d-char value: 78 at line 3 without knobs",
		    CFG_MAX_VALUE);
}

static const struct unquote_row {
	const char	*in;
	const char	*want;		/* NULL: -1 */
} unquote_rows[] = {
	{ "plain", "plain" },
	{ "a \"b\" c", "a \"b\" c" },
	{ "\"\"", "" },
	{ "\"a;#=@ \"", "a;#=@ " },
	{ "\"\\\"\\\\\"", "\"\\" },
	{ "\"open", NULL },
	{ "\"a\\\"", NULL },
	{ "\"a\\n\"", NULL },
	{ "\"a\"b", NULL },
	{ "\"", NULL },
};

static void
test_unquote(void)
{
	char out[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(unquote_rows) / sizeof(unquote_rows[0]); i++) {
		r = cfg_unquote(unquote_rows[i].in, out);
		if (unquote_rows[i].want == NULL)
			is_int(r, -1, "unquote %s fails", unquote_rows[i].in);
		else
			is_str(r == 0 ? out : "(failed)", unquote_rows[i].want,
			    "unquote %s", unquote_rows[i].in);
	}
}

static const struct pick_row {
	const char	*text;
	const char	*name;		/* -a */
	const char	*sender;
	const char	*want;		/* account name, NULL: 78 */
} pick_rows[] = {
#define PICK3	"[defaults]\naccount = c\n[a]\nhost = h\nfrom = a@x\n" \
		"[b]\nhost = h\nfrom = b@x\n[c]\nhost = h\n"
#define PICK2	"[a]\nhost = h\nfrom = a@x\n[b]\nhost = h\nfrom = b@x\n"
	{ PICK3, "b", NULL, "b" },
	{ PICK3, "b", "a@x", "b" },
	{ PICK3, NULL, "a@x", "a" },
	{ PICK3, NULL, "B@X", "b" },
	{ PICK3, NULL, "z@x", "c" },
	{ PICK3, NULL, NULL, "c" },
	{ PICK3, "nope", NULL, NULL },
	{ PICK3, "defaults", NULL, NULL },
	{ PICK2, NULL, "b@x", "b" },
	{ PICK2, NULL, "z@x", NULL },
	{ PICK2, NULL, NULL, NULL },
	{ "[only]\nhost = h\n", NULL, "z@x", "only" },
	/* only an account's own from matches, the default account first */
#define PICKT	"[a]\nhost = h\n[b]\nhost = h\nfrom = m@x\n[c]\nhost = h\n" \
		"from = M@X\n[d]\nhost = h\nfrom = d@x\n"
	{ "[defaults]\naccount = c\nfrom = z@x\n" PICKT, NULL, "z@x", "c" },
	{ "[defaults]\nfrom = z@x\n" PICKT, NULL, "z@x", NULL },
	{ "[defaults]\nfrom = d@x\n" PICKT, NULL, "d@x", "d" },
	{ "[defaults]\nfrom = d@x\n" PICKT, NULL, "m@x", "b" },
	{ "[defaults]\naccount = c\n" PICKT, NULL, "m@x", "c" },
	{ "[defaults]\naccount = d\n" PICKT, NULL, "m@x", "b" },
};

static void
test_pick(void)
{
	const struct pick_row *r;
	const struct account *a;
	struct config cfg;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(pick_rows) / sizeof(pick_rows[0]); i++) {
		r = &pick_rows[i];
		if (parse(r->text, strlen(r->text), &cfg, &e) == -1) {
			ok(0, "pick %zu: parse: %s", i, e.msg);
			continue;
		}
		a = cfg_pick(&cfg, r->name, r->sender, &e);
		if (r->want == NULL)
			ok(a == NULL && e.ex == EX_CONFIG, "pick %zu: -a %s, "
			    "sender %s: 78 (%s)", i, r->name ? r->name : "-",
			    r->sender ? r->sender : "-", e.msg);
		else
			is_str(a != NULL ? a->name : e.msg, r->want,
			    "pick %zu: -a %s, sender %s", i,
			    r->name ? r->name : "-",
			    r->sender ? r->sender : "-");
		cfg_free(&cfg);
	}
}

int
main(void)
{
	size_t i;

	diag("inih runtime knobs: %s", KNOBS ? "yes" : "no");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		test_row(&rows[i], i);
	test_long_lines();
	test_unquote();
	test_pick();
	test_wipe();
	test_files();
	return done_testing();
}

/* ---- wiping ------------------------------------------------------- */

static int
all_zero(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != '\0')
			return 0;
	return 1;
}

/* inih's line buffer is wiped when the reader stops: at EOF, on error. */
static void
test_wipe_reader(const char *text, size_t len, const char *name)
{
	char line[64];
	struct cfg_ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->fp = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL) {
		ok(0, "reader %s: %s", name, strerror(errno));
		free(c);
		return;
	}
	c->file = "t.conf";
	memset(line, 'x', sizeof(line));
	while (cfg_read_line(line, (int)sizeof(line), c) != NULL)
		continue;
	ok(all_zero(line, sizeof(line)), "reader: line buffer wiped %s",
	    name);
	fclose(c->fp);
	free(c);
}

static void
test_wipe(void)
{
	static const char text[] = "[a]\nhost = h\npassword = s3cret\n";
	char iobuf[CFG_IOBUF];
	struct config cfg;
	struct err e;
	FILE *fp;

	test_wipe_reader(text + 4, sizeof(text) - 5, "at EOF");
	test_wipe_reader("password = s3cret\0\n", 19, "on an error");
	memset(iobuf, 'x', sizeof(iobuf));
	err_init(&e);
	if ((fp = fmemopen((void *)(uintptr_t)text, sizeof(text) - 1,
	    "r")) == NULL) {
		ok(0, "fmemopen: %s", strerror(errno));
		return;
	}
	if (cfg_parse_private(fp, iobuf, sizeof(iobuf), "t.conf", &cfg,
	    &e) == 0) {
		is_str(cfg.accounts[0].password, "s3cret", "parse through "
		    "our stdio buffer");
		cfg_free(&cfg);
	} else
		ok(0, "parse through our stdio buffer: %s", e.msg);
	ok(all_zero(iobuf, sizeof(iobuf)), "our stdio buffer is wiped");
}

/* ---- cfg_load() on real files ------------------------------------- */

#define PATH_LEN	512
#define PW_CONF		"[a]\nhost = h\npassword = secret\n"
#define NOPW_CONF	"[a]\nhost = h\n"
#define EVAL_CONF	"[a]\nhost = h\npasswordeval = pass show smtp\n"
#define WHY		"who could make outpost run commands as you or send " \
			"your mail elsewhere"

static char	tmpdir[PATH_LEN / 2];

static int
write_file(const char *name, const char *text, mode_t mode, char *path)
{
	int fd;

	snprintf(path, PATH_LEN, "%s/%s", tmpdir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* cfg_load(path): "ok" or "78: <message>" compared with want. */
static void
load_is(const char *path, const char *want, const char *name)
{
	char got[ERR_MSG_MAX + 8];
	struct config cfg;
	struct err e;

	err_init(&e);
	if (cfg_load(path, &cfg, &e) == 0) {
		snprintf(got, sizeof(got), "ok");
		cfg_free(&cfg);
	} else
		snprintf(got, sizeof(got), "%d: %s", e.ex, e.msg);
	if (strcmp(want, "ok") != 0 && strncmp(got, want, 4) == 0 &&
	    strstr(got, want + 4) != NULL)
		snprintf(got, sizeof(got), "%s", want);
	is_str(got, want, "%s", name);
}

static void
test_fds(void)
{
	char path[PATH_LEN], fdpath[PATH_LEN];
	int fd, p[2];

	if (pipe(p) == 0) {
		if (write(p[1], PW_CONF, strlen(PW_CONF)) < 0)
			diag("write: %s", strerror(errno));
		close(p[1]);
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", p[0]);
		load_is(fdpath, "ok", "-C /dev/fd/N of a pipe with a "
		    "password");
		close(p[0]);
	}
	write_file("gone", PW_CONF, 0600, path);
	fd = open(path, O_RDONLY);
	unlink(path);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
	load_is(fdpath, "ok", "-C /dev/fd/N of a deleted private file");
	close(fd);
	write_file("gone", PW_CONF, 0644, path);
	fd = open(path, O_RDONLY);
	unlink(path);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
	load_is(fdpath, "78: must not be readable", "-C /dev/fd/N of a deleted "
	    "0644 file with a password");
	close(fd);
}

static void
test_owner(void)
{
	char path[PATH_LEN], link[PATH_LEN];

	if (geteuid() != 0) {
		ok(1, "# SKIP owner checks need root (chown)");
		return;
	}
	write_file("other", PW_CONF, 0600, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root, not uid 4242",
	    "password file owned by another uid");
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	if (symlink(path, link) == -1)
		diag("symlink: %s", strerror(errno));
	load_is(link, "78: must be owned by you or root", "symlink to "
	    "another uid's password file");
	unlink(link);
	write_file("other", NOPW_CONF, 0644, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root, not uid 4242, " WHY,
	    "another uid's file without a password");
	write_file("other", EVAL_CONF, 0600, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root", "another uid's "
	    "file with passwordeval");
	unlink(path);
}

static void
test_search(void)
{
	char path[PATH_LEN], dir[PATH_LEN];
	struct config cfg;
	struct err e;

	snprintf(dir, sizeof(dir), "%s/xdg/outpost", tmpdir);
	snprintf(path, sizeof(path), "%s/xdg", tmpdir);
	if (mkdir(path, 0700) == -1 || mkdir(dir, 0700) == -1)
		diag("mkdir: %s", strerror(errno));
	write_file("xdg/outpost/config", NOPW_CONF, 0600, path);
	dir[strlen(dir) - strlen("/outpost")] = '\0';
	setenv("XDG_CONFIG_HOME", dir, 1);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		is_str(cfg.path, path, "search: "
		    "$XDG_CONFIG_HOME/outpost/config");
		cfg_free(&cfg);
	} else
		ok(0, "search: $XDG_CONFIG_HOME/outpost/config: %s", e.msg);
	unlink(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", tmpdir, 1);
	snprintf(path, sizeof(path), "%s/.config", tmpdir);
	snprintf(dir, sizeof(dir), "%s/.config/outpost", tmpdir);
	if (mkdir(path, 0700) == -1 || mkdir(dir, 0700) == -1)
		diag("mkdir: %s", strerror(errno));
	write_file(".config/outpost/config", NOPW_CONF, 0600, path);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		is_str(cfg.path, path, "search: ~/.config/outpost/config");
		cfg_free(&cfg);
	} else
		ok(0, "search: ~/.config/outpost/config: %s", e.msg);
	unlink(path);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		ok(strstr(cfg.path, "outpost.conf") != NULL, "search: falls "
		    "back to the system file (%s)", cfg.path);
		cfg_free(&cfg);
	} else
		ok(e.ex == EX_CONFIG && strstr(e.msg, path) != NULL &&
		    strstr(e.msg, "outpost.conf") != NULL, "search: none found "
		    "names both files (%s)", e.msg);
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"c644", "c640", "c604", "c600", "c400", "c644n", "c664n",
		"c646n", "c644e", "c640e", "c600e", "bad",
		"xdg/outpost", "xdg", ".config/outpost", ".config", ""
	};
	char path[PATH_LEN];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		if (unlink(path) == -1 && rmdir(path) == -1 && errno != ENOENT)
			diag("cleanup %s: %s", path, strerror(errno));
	}
}

static void
test_files(void)
{
	char path[PATH_LEN], want[2 * PATH_LEN + ERR_MSG_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "%s/t-cfg.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	write_file("c644", PW_CONF, 0644, path);
	load_is(path, "78: must not be readable or writable by group or "
	    "others (chmod 600", "0644 with a password");
	write_file("c640", PW_CONF, 0640, path);
	load_is(path, "78: must not be readable", "0640 with a password");
	write_file("c604", PW_CONF, 0604, path);
	load_is(path, "78: must not be readable", "0604 with a password");
	write_file("c600", PW_CONF, 0600, path);
	load_is(path, "ok", "0600 with a password");
	write_file("c400", PW_CONF, 0400, path);
	load_is(path, "ok", "0400 with a password");
	write_file("c644n", NOPW_CONF, 0644, path);
	load_is(path, "ok", "0644 without a password");
	write_file("c664n", NOPW_CONF, 0664, path);
	snprintf(want, sizeof(want), "78: %s must not be writable by group "
	    "or others, " WHY " (chmod 600 %s)", path, path);
	load_is(path, want, "0664 without a password");
	write_file("c646n", NOPW_CONF, 0646, path);
	load_is(path, "78: must not be writable by group or others",
	    "0646 without a password");
	write_file("c644e", EVAL_CONF, 0644, path);
	snprintf(want, sizeof(want), "78: %s holds passwordeval, so it must "
	    "not be readable or writable by group or others (chmod 600 %s)",
	    path, path);
	load_is(path, want, "0644 with passwordeval");
	write_file("c640e", EVAL_CONF, 0640, path);
	load_is(path, "78: holds passwordeval", "0640 with passwordeval");
	write_file("c600e", EVAL_CONF, 0600, path);
	load_is(path, "ok", "0600 with passwordeval");
	write_file("bad", "[a]\nport = 25\n", 0600, path);
	load_is(path, "78: bad:1: account 'a': no host", "errors name the "
	    "file");
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	load_is(path, "78: cannot open", "-C missing file");
	load_is(tmpdir, "78: not a regular file or pipe", "-C a directory");
	load_is("/dev/null", "78: not a regular file or pipe", "-C /dev/null");
	test_fds();
	test_owner();
	test_search();
	cleanup();
}
