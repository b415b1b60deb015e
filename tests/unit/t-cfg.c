/*
 * t-cfg.c - the configuration text: values, inih quirks, accounts, pick.
 *
 * Parse rows go through fmemopen() + cfg_parse_stream(): each is a file,
 * a field of the first account (or of the account named "b" when the
 * field is written "b.host") and the expected value, or NULL and a part
 * of the 78 message (which carries the line number).  The inih quirks of
 * inih quirks each have a row: the right value or 78 with the line,
 * never a silently different value.  Rows marked QUIRK may fail with 78
 * at that line on an inih without Debian's runtime knobs.  cfg_unquote()
 * and cfg_pick() have tables of their own.  cfg_load() on real files,
 * pipes and /dev/fd paths, and the wiping of buffers, are in t-cfg-file.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cfg.h"
#include "cfgrun.h"
#include "tap.h"

#if defined(HAVE_DECL_INI_ALLOW_INLINE_COMMENTS) && \
    HAVE_DECL_INI_ALLOW_INLINE_COMMENTS && \
    defined(HAVE_DECL_INI_ALLOW_MULTILINE) && HAVE_DECL_INI_ALLOW_MULTILINE && \
    defined(HAVE_DECL_INI_MAX_LINE) && HAVE_DECL_INI_MAX_LINE
#define KNOBS	1
#else
#define KNOBS	0
#endif

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
	/* one row per inih quirk */
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
	    "t.conf:3: unknown key 'hots' (did you mean 'host'?)", 0 },
	{ H "usre = x\n", 0, "host", NULL,
	    "t.conf:3: unknown key 'usre' (did you mean 'user'?)", 0 },
	{ H "User = x\n", 0, "host", NULL,
	    "t.conf:3: unknown key 'User' (did you mean 'user'?)", 0 },
	{ H "tls_starttls = on\n", 0, "host", NULL,
	    "t.conf:3: unknown key 'tls_starttls' (msmtp's; outpost uses "
	    "tls = starttls", 0 },
	{ H "zzzzzzzz = x\n", 0, "host", NULL,
	    "t.conf:3: unknown key 'zzzzzzzz' (outpost.conf(5) lists", 0 },
	{ H "novalue\nhots = x\n", 0, "host", NULL, "t.conf:3: syntax error",
	    0 },
	/* "~" and "~/" in every path key (HOME is /home/t here) */
	{ H "password_file = ~/pw\n", 0, "password_file", "/home/t/pw", NULL,
	    0 },
	{ H "tls_trust_file = ~/ca.pem\n", 0, "tls_trust_file",
	    "/home/t/ca.pem", NULL, 0 },
	{ H "tls_cert_file = ~/c\ntls_key_file = ~/k\n", 0, "tls_cert_file",
	    "/home/t/c", NULL, 0 },
	{ H "tls_cert_file = ~/c\ntls_key_file = ~/k\n", 0, "tls_key_file",
	    "/home/t/k", NULL, 0 },
	{ H "logfile = ~/.msmtp.log\n", 0, "logfile", "/home/t/.msmtp.log",
	    NULL, 0 },
	{ H "aliases = ~/aliases\n", 0, "aliases", "/home/t/aliases", NULL,
	    0 },
	{ H "queue_dir = ~\n", 0, "queue_dir", "/home/t", NULL, 0 },
	{ H "oauth2_refresh_token_file = ~/rt\n", 0,
	    "oauth2_refresh_token_file", "/home/t/rt", NULL, 0 },
	{ H "oauth2_client_secret_file = ~/cs\n", 0,
	    "oauth2_client_secret_file", "/home/t/cs", NULL, 0 },
	{ H "password_file = ~bob/pw\n", 0, "password_file", "~bob/pw", NULL,
	    0 },
	{ H "password_file = /a/~/pw\n", 0, "password_file", "/a/~/pw", NULL,
	    0 },
	{ H "password_file = %d/pw\n", 0, "password_file", "%d/pw", NULL, 0 },
	{ H "user = ~/x\n", 0, "user", "~/x", NULL, 0 },
	/* from = is an address alone, with file:line:key when it is not */
	{ H "from = Jo Dev <me@example.com>\n", 0, "from", NULL,
	    "t.conf:3: key 'from': 'Jo Dev <me@example.com>': ", 0 },
	{ H "from = <me@example.com>\n", 0, "from", "<me@example.com>", NULL,
	    0 },
	{ H "from = %U@example.com\n", 0, "from", "%U@example.com", NULL, 0 },
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
	{ H, 0, "port", "587/starttls,2525/starttls,465/implicit", NULL, 0 },
	{ H "port = auto\n", 0, "port",
	    "587/starttls,2525/starttls,465/implicit", NULL, 0 },
	{ H "tls = implicit\n", 0, "port", "465/implicit", NULL, 0 },
	{ H "tls = off\n", 0, "port", "25/off", NULL, 0 },
	{ H "tls = starttls\n", 0, "port", "587/starttls", NULL, 0 },
	{ H "port = auto\ntls = off\n", 0, "port", NULL,
	    "account 'a': port = auto only tries TLS ports", 0 },
	{ H "port = 25\n", 0, "port", "25/starttls", NULL, 0 },
	{ H "port = 587, 465, 25\n", 0, "port",
	    "587/starttls,465/implicit,25/starttls", NULL, 0 },
	{ H "port = 10465/implicit,10587\n", 0, "port",
	    "10465/implicit,10587/starttls", NULL, 0 },
	{ H "port = 25/off, 587\ntls = implicit\n", 0, "port",
	    "25/off,587/implicit", NULL, 0 },
	{ H "port = 587/tls\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = 587,\n", 0, "port", NULL, "an empty item", 0 },
	{ H "port = 587,,465\n", 0, "port", NULL, "an empty item", 0 },
	{ H "port = 587, 587\n", 0, "port", NULL, "listed twice", 0 },
	{ H "port = auto, 25\n", 0, "port", NULL, "auto stands alone", 0 },
	{ H "port = 1,2,3,4,5,6,7,8,9\n", 0, "port", NULL, "too many", 0 },
	{ H "port = abc\n", 0, "port", NULL, "t.conf:3: key 'port': bad value "
	    "'abc' (a port 1-65535", 0 },
	{ "[a]\nhost = a.example , b.example\n", 0, "hosts",
	    "a.example,b.example", NULL, 0 },
	{ "[a]\nhost = a.example , b.example\n", 0, "host", "a.example", NULL,
	    0 },
	{ "[a]\nhost = a, A\n", 0, "host", NULL, "listed twice", 0 },
	{ "[a]\nhost = a b\n", 0, "host", NULL, "t.conf:2: key 'host'", 0 },
	{ "[a]\nhost = a,\n", 0, "host", NULL, "an empty item", 0 },
	{ "[a]\nhost = -a\n", 0, "host", NULL, "t.conf:2: key 'host'", 0 },
	{ H "fallback = b\n[b]\nhost = hb\n", 0, "fallback", "b", NULL, 0 },
	/* API transports: no host needed; what each must name */
	{ "[a]\ntransport = mailgun\napi_domain = mg.example\nuser = api\n",
	    0, "host", "api.mailgun.net", NULL, 0 },
	{ "[a]\ntransport = mailgun\napi_region = eu\napi_domain = d\n"
	    "user = api\n", 0, "host", "api.eu.mailgun.net", NULL, 0 },
	{ "[a]\ntransport = ses\napi_region = eu-west-1\nuser = AKID\n", 0,
	    "host", "email.eu-west-1.amazonaws.com", NULL, 0 },
	{ "[a]\ntransport = ses\nuser = AKID\n", 0, "host", NULL,
	    "account 'a': transport = ses needs api_region", 0 },
	{ "[a]\ntransport = graph\nuser = me@example.com\n", 0, "host",
	    NULL, "transport = graph needs user (the mailbox) and OAuth2", 0 },
	{ "[a]\ntransport = mailgun\nuser = api\n", 0, "host", NULL,
	    "transport = mailgun needs api_domain", 0 },
	{ H "transport = sendgrid\n", 0, "host", NULL,
	    "t.conf:3: key 'transport': bad value 'sendgrid' (smtp, graph, "
	    "ses or mailgun)", 0 },
	{ H "transport = mailgun\napi_domain = d\nuser = api\n"
	    "api_url = http://127.0.0.1:1\n", 0, "host", NULL,
	    "api_url must be an https:// URL", 0 },
	{ H "transport = smtp\n", 0, "host", "h", NULL, 0 },
	{ H "fallback = a\n", 0, "fallback", NULL,
	    "t.conf:3: key 'fallback': no other account named 'a'", 0 },
	{ H "fallback = c\n[b]\nhost = hb\n", 0, "fallback", NULL,
	    "no other account named 'c'", 0 },
	{ H "fallback = b\n[b]\nhost = hb\ntls = off\n", 0, "fallback",
	    NULL, "t.conf:3: key 'fallback': account 'b' has a port without "
	    "TLS, account 'a' requires TLS", 0 },
	{ H "fallback = b\n[b]\nhost = hb\nport = 587, 25/off\n", 0,
	    "fallback", NULL, "account 'b' has a port without TLS", 0 },
	{ H "tls = off\nfallback = b\n[b]\nhost = hb\ntls = off\n", 0,
	    "fallback", "b", NULL, 0 },
	{ H "tls = off\nfallback = b\n[b]\nhost = hb\n", 0, "fallback",
	    "b", NULL, 0 },
	{ H "port = 0\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = 65536\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = -25\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H "port = 25x\n", 0, "port", NULL, "t.conf:3: key 'port'", 0 },
	{ H, 0, "tls", "starttls", NULL, 0 },
	{ H "port = 465\n", 0, "tls", "implicit", NULL, 0 },
	{ H "port = 465, 587\n", 0, "tls", "implicit", NULL, 0 },
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
	{ H "user = u\nauth = xoauth2\n", 0, "auth", "xoauth2", NULL, 0 },
	{ H "user = u\nauth = oauthbearer\n", 0, "auth", "oauthbearer", NULL,
	    0 },
	{ H "auth = xoauth2\n", 0, "auth", NULL, "account 'a': auth needs a "
	    "user", 0 },
	{ H "user = u\nauth = XOAUTH\n", 0, "auth", NULL, "key 'auth'", 0 },
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
	{ H, 0, "queue", "on", NULL, 0 },
	{ H "queue = off\n", 0, "queue", "off", NULL, 0 },
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
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "port", "2525/starttls",
	    NULL, 0 },
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "user", "u", NULL, 0 },
	{ "[defaults]\nport = 2525\nuser = u\n" H, 0, "auth", "on", NULL, 0 },
	{ "[defaults]\nport = 2525\n" H "port = 25\n", 0, "port",
	    "25/starttls", NULL, 0 },
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

/* The ports as "N/mode,..." or the hosts as "a,b" into buf. */
static const char *
list(const struct account *a, bool ports, char *buf, size_t n)
{
	static const char *const tls[] = { "?", "starttls", "implicit", "off" };
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < (ports ? a->nports : a->nhosts) && len < n; i++) {
		if (ports)
			len += (size_t)snprintf(buf + len, n - len, "%s%d/%s",
			    i > 0 ? "," : "", a->ports[i].port,
			    tls[a->ports[i].tls]);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
			    i > 0 ? "," : "", a->hosts[i]);
	}
	return buf;
}

/* The named field of an account as a string (NULL when unset). */
static const char *
field(const struct config *cfg, const char *f, char *buf, size_t n)
{
	static const char *const tls[] = { "?", "starttls", "implicit", "off" };
	static const char *const auth[] = {
		"off", "on", "plain", "login", "external", "xoauth2",
		"oauthbearer"
	};
	const struct account *a = &cfg->accounts[0];

	if (f[0] != '\0' && f[1] == '.') {
		if (cfg->naccounts < (size_t)(f[0] - 'a' + 1))
			return "(no such account)";
		a = &cfg->accounts[f[0] - 'a'];
		f += 2;
	}
	if (strcmp(f, "port") == 0 || strcmp(f, "hosts") == 0)
		return list(a, f[0] == 'p', buf, n);
	if (strcmp(f, "timeout") == 0) {
		snprintf(buf, n, "%d", a->timeout);
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
	    strcmp(f, "fallback") == 0 ? a->fallback :
	    strcmp(f, "tls_trust_file") == 0 ? a->tls_trust_file :
	    strcmp(f, "tls_cert_file") == 0 ? a->tls_cert_file :
	    strcmp(f, "tls_key_file") == 0 ? a->tls_key_file :
	    strcmp(f, "password_file") == 0 ? a->password_file :
	    strcmp(f, "logfile") == 0 ? a->logfile :
	    strcmp(f, "aliases") == 0 ? a->aliases :
	    strcmp(f, "queue_dir") == 0 ? a->queue_dir :
	    strcmp(f, "oauth2_refresh_token_file") == 0 ?
	    a->oauth2_refresh_token_file :
	    strcmp(f, "oauth2_client_secret_file") == 0 ?
	    a->oauth2_client_secret_file : "(field?)";
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

/* cfg_put writes what cfg_unquote reads back, quoted only where needed. */
static void
test_put(void)
{
	static const char *const vals[] = {
		"plain", "pass #1", "semi ;colon", " lead", "trail\t", "",
		"\"quoted\"", "back\\slash", "a=b",
	};
	static const bool quoted[] = {
		false, true, true, true, true, true, true, false, false,
	};
	char *text, out[64];
	size_t i, len;
	FILE *f;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		text = NULL;
		if ((f = open_memstream(&text, &len)) == NULL)
			break;
		cfg_put(f, "k", vals[i]);
		fclose(f);
		text[strcspn(text, "\n")] = '\0';
		ok(strncmp(text, "k = ", 4) == 0 &&
		    (text[4] == '"') == quoted[i] &&
		    cfg_unquote(text + 4, out) == 0 &&
		    strcmp(out, vals[i]) == 0, "put and read back: [%s]",
		    text);
		free(text);
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
	setenv("HOME", "/home/t", 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		test_row(&rows[i], i);
	test_long_lines();
	test_unquote();
	test_put();
	test_pick();
	return done_testing();
}
