/*
 * t-provider.c - provider presets: the table itself, provider_find() on
 * names and ses:REGION, and what a preset fills (or leaves alone) when a
 * config is parsed: host, ports with their TLS modes, user and auth, each
 * overridable in the account or in [defaults].
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cfg.h"
#include "cfgrun.h"
#include "provider.h"
#include "tap.h"

#define BUF_MAX	256
#define A	"[a]\nuser = u@example.com\n"	/* lines 1-2 */

static const struct find_row {
	const char	*spec;
	const char	*host;		/* NULL: must fail */
	const char	*why;		/* part of the reason */
} find_rows[] = {
	{ "gmail", "smtp.gmail.com", NULL },
	{ "google-workspace", "smtp.gmail.com", NULL },
	{ "google-relay", "smtp-relay.gmail.com", NULL },
	{ "microsoft365", "smtp.office365.com", NULL },
	{ "sendgrid", "smtp.sendgrid.net", NULL },
	{ "mailgun", "smtp.mailgun.org", NULL },
	{ "mailgun-eu", "smtp.eu.mailgun.org", NULL },
	{ "postmark", "smtp.postmarkapp.com", NULL },
	{ "fastmail", "smtp.fastmail.com", NULL },
	{ "icloud", "smtp.mail.me.com", NULL },
	{ "ses:eu-west-1", "email-smtp.eu-west-1.amazonaws.com", NULL },
	{ "ses:us-gov-west-1", "email-smtp.us-gov-west-1.amazonaws.com",
	    NULL },
	{ "ses:ap-southeast-2", "email-smtp.ap-southeast-2.amazonaws.com",
	    NULL },
	{ "ses", NULL, "give the region" },
	{ "ses:", NULL, "AWS region" },
	{ "ses:eu-west", NULL, "AWS region" },
	{ "ses:eu-west-1x", NULL, "AWS region" },
	{ "ses:euwest1", NULL, "AWS region" },
	{ "ses:EU-WEST-1", NULL, "AWS region" },
	{ "ses:eu-west-100", NULL, "AWS region" },
	{ "ses:e.x/y-z-1", NULL, "AWS region" },
	{ "ses:eu-west-1.evil.example", NULL, "AWS region" },
	{ "gmail:eu", NULL, "takes no :REGION" },
	/* names ignore case; renames are accepted; near misses explained */
	{ "Gmail", "smtp.gmail.com", NULL },
	{ "MICROSOFT365", "smtp.office365.com", NULL },
	{ "office365", "smtp.office365.com", NULL },
	{ "Office365", "smtp.office365.com", NULL },
	{ "SES:eu-west-1", "email-smtp.eu-west-1.amazonaws.com", NULL },
	{ "gmial", NULL, "unknown provider (did you mean gmail?" },
	{ "gmailx", NULL, "unknown provider (did you mean gmail?" },
	{ "sendgird", NULL, "(did you mean sendgrid?" },
	{ "google", NULL, "did you mean gmail for a personal account or "
	    "google-workspace?" },
	{ "aws", NULL, "did you mean ses:REGION" },
	{ "zzzzzz", NULL, "unknown provider (outpost providers lists them)" },
	{ "", NULL, "unknown provider" },
};

static const struct cfg_row {
	const char	*text;
	const char	*field;
	const char	*want;		/* NULL: must fail with 78 */
	const char	*msg;		/* part of the message */
} cfg_rows[] = {
	/* the preset fills */
	{ A "provider = gmail\n", "host", "smtp.gmail.com", NULL },
	{ A "provider = gmail\n", "port", "587/starttls,465/implicit", NULL },
	{ A "provider = gmail\n", "tls", "starttls", NULL },
	{ A "provider = gmail\n", "auth", "on", NULL },
	{ A "provider = microsoft365\n", "port", "587/starttls", NULL },
	{ A "provider = fastmail\n", "port", "465/implicit,587/starttls",
	    NULL },
	{ A "provider = fastmail\n", "tls", "implicit", NULL },
	{ A "provider = ses:eu-west-1\n", "host",
	    "email-smtp.eu-west-1.amazonaws.com", NULL },
	{ A "provider = ses:eu-west-1\n", "port",
	    "587/starttls,2587/starttls,465/implicit,2465/implicit", NULL },
	{ A "provider = postmark\n", "port", "587/starttls,2525/starttls",
	    NULL },
	{ "[a]\nprovider = sendgrid\n", "user", "apikey", NULL },
	{ "[a]\nprovider = sendgrid\n", "auth", "on", NULL },
	{ "[a]\nprovider = google-relay\n", "auth", "off", NULL },
	{ A "provider = google-relay\n", "auth", "on", NULL },
	/* the account overrides */
	{ A "provider = gmail\nhost = smtp.example.org\n", "host",
	    "smtp.example.org", NULL },
	{ A "provider = gmail\nhost = a.example, b.example\n", "hosts",
	    "a.example,b.example", NULL },
	{ A "provider = gmail\nport = 2525\n", "port", "2525/starttls", NULL },
	{ A "provider = gmail\ntls = implicit\n", "port", "465/implicit",
	    NULL },
	{ A "provider = gmail\ntls = starttls\n", "port", "587/starttls",
	    NULL },
	{ A "provider = microsoft365\ntls = implicit\n", "port",
	    "465/implicit", NULL },
	{ A "provider = gmail\nauth = login\n", "auth", "login", NULL },
	{ A "provider = gmail\nauth = off\n", "auth", "off", NULL },
	{ "[a]\nprovider = sendgrid\nuser = other\n", "user", "other", NULL },
	/* [defaults] writes and overrides too */
	{ "[defaults]\nprovider = gmail\n" A, "host", "smtp.gmail.com", NULL },
	{ "[defaults]\nport = 465\n" A "provider = gmail\n", "port",
	    "465/implicit", NULL },
	{ "[defaults]\nhost = relay.example\n" A "provider = gmail\n", "host",
	    "relay.example", NULL },
	{ "[defaults]\nauth = off\n" A "provider = gmail\n", "auth", "off",
	    NULL },
	/* errors: 78 naming the line and outpost providers */
	{ A "provider = gmial\n", "host", NULL, "t.conf:3: key 'provider': "
	    "'gmial': unknown provider (did you mean gmail?  outpost providers "
	    "lists them)" },
	{ A "provider = Gmail\n", "host", "smtp.gmail.com", NULL },
	{ "[defaults]\nprovider = nope\n" A, "host", NULL,
	    "t.conf:2: key 'provider': 'nope': unknown provider" },
	{ A "provider = ses\n", "host", NULL, "give the region" },
	{ A "provider = ses:mars\n", "host", NULL, "AWS region" },
	{ "[a]\nprovider = gmail\n", "host", NULL, "auth needs a user" },
};

/* The named field of the first account as a string. */
static const char *
field(const struct account *a, const char *f, char *buf, size_t n)
{
	static const char *const tls[] = { "?", "starttls", "implicit", "off" };
	static const char *const auth[] = {
		"off", "on", "plain", "login", "external"
	};
	size_t i, len = 0;

	buf[0] = '\0';
	if (strcmp(f, "port") == 0 || strcmp(f, "hosts") == 0) {
		for (i = 0; f[0] == 'h' && i < a->nhosts; i++)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
			    i > 0 ? "," : "", a->hosts[i]);
		for (i = 0; f[0] == 'p' && i < a->nports; i++)
			len += (size_t)snprintf(buf + len, n - len, "%s%d/%s",
			    i > 0 ? "," : "", a->ports[i].port,
			    tls[a->ports[i].tls]);
		return buf;
	}
	if (strcmp(f, "tls") == 0)
		return tls[a->tls];
	if (strcmp(f, "auth") == 0)
		return auth[a->auth];
	return strcmp(f, "host") == 0 ? a->host :
	    strcmp(f, "user") == 0 ? a->user : "(field?)";
}

static void
test_find(void)
{
	const struct provider *p;
	const char *why = NULL;
	char host[PROVIDER_HOST_MAX];
	size_t i;

	for (i = 0; i < sizeof(find_rows) / sizeof(find_rows[0]); i++) {
		const struct find_row *r = &find_rows[i];

		why = NULL;
		p = provider_find(r->spec, host, sizeof(host), &why);
		if (r->host != NULL)
			is_str(p != NULL ? host : why, r->host, "find %s",
			    r->spec);
		else
			ok(p == NULL && why != NULL &&
			    strstr(why, r->why) != NULL, "find '%s' fails: %s",
			    r->spec, r->why);
	}
}

static void
test_cfg(void)
{
	char buf[BUF_MAX];
	struct config cfg;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cfg_rows) / sizeof(cfg_rows[0]); i++) {
		const struct cfg_row *r = &cfg_rows[i];

		if (parse(r->text, strlen(r->text), &cfg, &e) == -1) {
			ok(r->want == NULL && e.ex == EX_CONFIG &&
			    strstr(e.msg, r->msg) != NULL, "row %zu fails: %s",
			    i, r->msg != NULL ? r->msg : "(should not)");
			if (r->msg == NULL || strstr(e.msg, r->msg) == NULL)
				diag("  got %d \"%s\"", e.ex, e.msg);
			continue;
		}
		if (r->want == NULL)
			ok(0, "row %zu should fail: %s", i, r->msg);
		else
			is_str(field(&cfg.accounts[0], r->field, buf,
			    sizeof(buf)), r->want, "row %zu: %s = %s", i,
			    r->field, r->want);
		cfg_free(&cfg);
	}
}

/* Every row is complete: a host, a port, notes and an https source. */
static void
test_table(void)
{
	const struct provider *p;
	char buf[BUF_MAX];

	for (p = provider_table; p->name != NULL; p++)
		ok(p->host[0] != '\0' && p->ports[0].port != 0 &&
		    p->notes[0] != '\0' &&
		    strncmp(p->source, "https://", 8) == 0,
		    "table row %s: %s", p->name,
		    provider_ports(p, buf, sizeof(buf)));
}

int
main(void)
{
	test_find();
	test_cfg();
	test_table();
	return done_testing();
}
