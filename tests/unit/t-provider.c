/*
 * t-provider.c - provider presets: the table itself (every row's host,
 * ports, auth, user and OAuth2 endpoints), provider_find() on names,
 * ses:REGION and the listed regions of zoho:DC and ionos:TLD, and what a
 * preset fills (or leaves alone) when a config is parsed: host, ports
 * with their TLS modes, user, auth and, with auth = xoauth2, the OAuth2
 * URLs, tenant and scope of the grant - each overridable in the account
 * or in [defaults].
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
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
	{ "zoho:eu", "smtp.zoho.eu", NULL },
	{ "zoho:com.au", "smtp.zoho.com.au", NULL },
	{ "zoho", NULL, "give the region: NAME:REGION" },
	{ "zoho:e", NULL, "not one of this provider's regions" },
	{ "zoho:eu.evil.example", NULL, "not one of this provider's regions" },
	{ "zoho:", NULL, "not one of this provider's regions" },
	{ "ionos:co.uk", "smtp.ionos.co.uk", NULL },
	{ "ionos:de", "smtp.ionos.de", NULL },
	{ "ionos:co", NULL, "not one of this provider's regions" },
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

/* Every row of the table, as provider = NAME fills it (user u@x). */
static const struct row_row {
	const char	*spec;
	const char	*host;
	const char	*ports;
	const char	*auth;		/* with no auth key */
	const char	*user;		/* NULL: the account's (u@x wins) */
	const char	*token_url;	/* with auth = xoauth2; NULL: none */
} row_rows[] = {
	{ "gmail", "smtp.gmail.com", "587/starttls,465/implicit", "on", NULL,
	    "https://oauth2.googleapis.com/token" },
	{ "google-workspace", "smtp.gmail.com", "587/starttls,465/implicit",
	    "on", NULL, "https://oauth2.googleapis.com/token" },
	{ "google-relay", "smtp-relay.gmail.com", "587/starttls,465/implicit",
	    "on", NULL, NULL },
	{ "microsoft365", "smtp.office365.com", "587/starttls", "on", NULL,
	    "https://login.microsoftonline.com/organizations/oauth2/v2.0/"
	    "token" },
	{ "microsoft365-hve", "smtp-hve.office365.com", "587/starttls", "on",
	    NULL, "https://login.microsoftonline.com/organizations/oauth2/"
	    "v2.0/token" },
	{ "outlook", "smtp-mail.outlook.com", "587/starttls", "xoauth2", NULL,
	    "https://login.microsoftonline.com/consumers/oauth2/v2.0/token" },
	{ "azure-acs", "smtp.azurecomm.net", "587/starttls", "on", NULL,
	    NULL },
	{ "ses:us-east-1", "email-smtp.us-east-1.amazonaws.com",
	    "587/starttls,2587/starttls,465/implicit,2465/implicit", "on",
	    NULL, NULL },
	{ "sendgrid", "smtp.sendgrid.net",
	    "587/starttls,2525/starttls,465/implicit", "on", NULL, NULL },
	{ "mailgun", "smtp.mailgun.org",
	    "587/starttls,2525/starttls,465/implicit", "on", NULL, NULL },
	{ "mailgun-eu", "smtp.eu.mailgun.org",
	    "587/starttls,2525/starttls,465/implicit", "on", NULL, NULL },
	{ "postmark", "smtp.postmarkapp.com", "587/starttls,2525/starttls",
	    "on", NULL, NULL },
	{ "brevo", "smtp-relay.brevo.com",
	    "587/starttls,2525/starttls,465/implicit", "on", NULL, NULL },
	{ "mailjet", "in-v3.mailjet.com", "587/starttls,465/implicit", "on",
	    NULL, NULL },
	{ "resend", "smtp.resend.com",
	    "587/starttls,2587/starttls,465/implicit,2465/implicit", "on",
	    NULL, NULL },
	{ "smtp2go", "mail.smtp2go.com",
	    "587/starttls,2525/starttls,465/implicit", "on", NULL, NULL },
	{ "zoho:eu", "smtp.zoho.eu", "465/implicit,587/starttls", "on", NULL,
	    NULL },
	{ "proton", "smtp.protonmail.ch", "587/starttls", "on", NULL, NULL },
	{ "proton-bridge", "127.0.0.1", "1025/starttls", "on", NULL, NULL },
	{ "yahoo", "smtp.mail.yahoo.com", "465/implicit,587/starttls", "on",
	    NULL, NULL },
	{ "aol", "smtp.aol.com", "465/implicit,587/starttls", "on", NULL,
	    NULL },
	{ "gmx", "mail.gmx.net", "587/starttls,465/implicit", "on", NULL,
	    NULL },
	{ "webde", "smtp.web.de", "587/starttls,465/implicit", "on", NULL,
	    NULL },
	{ "ionos:com", "smtp.ionos.com", "465/implicit,587/starttls", "on",
	    NULL, NULL },
	{ "ovh", "ssl0.ovh.net", "465/implicit,587/starttls", "on", NULL,
	    NULL },
	{ "fastmail", "smtp.fastmail.com", "465/implicit,587/starttls", "on",
	    NULL, NULL },
	{ "icloud", "smtp.mail.me.com", "587/starttls", "on", NULL, NULL },
};

#define MS	"https://login.microsoftonline.com/"
#define X	A "auth = xoauth2\n"

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
	{ "[a]\nprovider = resend\n", "user", "resend", NULL },
	{ "[a]\nprovider = google-relay\n", "auth", "off", NULL },
	{ A "provider = google-relay\n", "auth", "on", NULL },
	/* with auth = xoauth2 the OAuth2 endpoints and scope */
	{ X "provider = microsoft365\n", "oauth2_auth_url",
	    MS "organizations/oauth2/v2.0/authorize", NULL },
	{ X "provider = microsoft365\n", "oauth2_device_url",
	    MS "organizations/oauth2/v2.0/devicecode", NULL },
	{ X "provider = microsoft365\n", "oauth2_scope",
	    "https://outlook.office.com/SMTP.Send offline_access", NULL },
	{ X "provider = microsoft365\noauth2_tenant = contoso.example\n",
	    "oauth2_token_url", MS "contoso.example/oauth2/v2.0/token", NULL },
	{ X "provider = microsoft365\noauth2_grant = client_credentials\n",
	    "oauth2_scope", "https://outlook.office365.com/.default", NULL },
	{ X "provider = microsoft365\noauth2_grant = client_credentials\n",
	    "oauth2_auth_url", "(none)", NULL },
	{ X "provider = microsoft365\noauth2_grant = client_credentials\n",
	    "oauth2_device_url", "(none)", NULL },
	{ X "provider = microsoft365\noauth2_grant = client_credentials\n",
	    "oauth2_token_url", MS "organizations/oauth2/v2.0/token", NULL },
	{ A "provider = outlook\n", "oauth2_device_url",
	    MS "consumers/oauth2/v2.0/devicecode", NULL },
	{ A "provider = outlook\nauth = oauthbearer\n", "auth",
	    "oauthbearer", NULL },
	{ X "provider = gmail\n", "oauth2_auth_url",
	    "https://accounts.google.com/o/oauth2/v2/auth", NULL },
	{ X "provider = gmail\n", "oauth2_scope", "https://mail.google.com/",
	    NULL },
	{ X "provider = gmail\n", "oauth2_device_url", "(none)", NULL },
	{ A "provider = gmail\n", "oauth2_token_url", "(none)", NULL },
	{ A "provider = microsoft365\n", "oauth2_token_url", "(none)", NULL },
	{ X "provider = microsoft365\noauth2_scope = s\n", "oauth2_scope",
	    "s", NULL },
	{ X "provider = microsoft365\noauth2_token_url = https://t/\n",
	    "oauth2_token_url", "https://t/", NULL },
	{ X "provider = gmail\noauth2_tenant = x\n", "host", NULL,
	    "takes no oauth2_tenant" },
	{ X "provider = gmail\noauth2_grant = client_credentials\n", "host",
	    NULL, "no oauth2_grant = client_credentials" },
	{ X "provider = microsoft365\noauth2_tenant = a/b\n", "host", NULL,
	    "oauth2_tenant is a tenant ID" },
	{ X "provider = microsoft365\noauth2_grant = implicit\n", "host",
	    NULL, "refresh_token or client_credentials" },
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
		"off", "on", "plain", "login", "external", "xoauth2",
		"oauthbearer"
	};
	static const struct {
		const char	*name;
		size_t		 off;
	} strs[] = {
		{ "oauth2_auth_url", offsetof(struct account,
		    oauth2_auth_url) },
		{ "oauth2_token_url", offsetof(struct account,
		    oauth2_token_url) },
		{ "oauth2_device_url", offsetof(struct account,
		    oauth2_device_url) },
		{ "oauth2_scope", offsetof(struct account, oauth2_scope) },
	};
	const char *v;
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
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (strcmp(f, strs[i].name) != 0)
			continue;
		memcpy(&v, (const char *)a + strs[i].off, sizeof(v));
		return v != NULL ? v : "(none)";
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

/* Every row's values, through a config; and every row is in row_rows. */
static void
test_rows(void)
{
	const struct provider *p;
	char text[BUF_MAX], buf[BUF_MAX];
	struct config cfg;
	struct err e;
	size_t i, n = 0;

	for (i = 0; i < sizeof(row_rows) / sizeof(row_rows[0]); i++) {
		const struct row_row *r = &row_rows[i];
		const struct account *a;
		int k;

		for (k = 0; k < 2; k++) {
			snprintf(text, sizeof(text), A "provider = %s\n%s",
			    r->spec, k == 1 ? "auth = xoauth2\n" : "");
			if (parse(text, strlen(text), &cfg, &e) == -1) {
				ok(0, "row %s parses: %s", r->spec, e.msg);
				continue;
			}
			a = &cfg.accounts[0];
			if (k == 0)
				ok(strcmp(a->host, r->host) == 0 &&
				    strcmp(field(a, "port", buf, sizeof(buf)),
				    r->ports) == 0 &&
				    strcmp(field(a, "auth", buf, sizeof(buf)),
				    r->auth) == 0 && strcmp(a->user,
				    r->user != NULL ? r->user : "u@example.com")
				    == 0, "row %s: host, ports, auth, user",
				    r->spec);
			else
				is_str(field(a, "oauth2_token_url", buf,
				    sizeof(buf)), r->token_url != NULL ?
				    r->token_url : "(none)", "row %s: OAuth2 "
				    "token URL", r->spec);
			cfg_free(&cfg);
		}
	}
	for (p = provider_table; p->name != NULL; p++)
		n++;
	is_int((int)n, (int)(sizeof(row_rows) / sizeof(row_rows[0])),
	    "every table row is checked");
}

/* Only SES refuses MAIL FROM:<> (its notices use the account's from). */
static void
test_null_sender(void)
{
	static const char ses[] = A "provider = ses:eu-west-1\n";
	static const char gm[] = A "provider = gmail\n";
	struct config cfg;
	struct err e;

	if (parse(ses, sizeof(ses) - 1, &cfg, &e) == 0) {
		ok(provider_no_null_sender(&cfg.accounts[0]),
		    "ses refuses the null sender");
		cfg_free(&cfg);
	}
	if (parse(gm, sizeof(gm) - 1, &cfg, &e) == 0) {
		ok(!provider_no_null_sender(&cfg.accounts[0]),
		    "gmail takes the null sender");
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
	test_rows();
	test_null_sender();
	test_table();
	return done_testing();
}
