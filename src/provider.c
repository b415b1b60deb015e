/*
 * provider.c - the provider preset table and applying a preset to an
 * account (pure: strings in, struct account out).
 *
 * Every value comes from the provider's page named in its row's source;
 * a value a provider changes is changed here, in one place.  The OAuth2
 * rows fill only what the account left unset, like the rest: a tenant, a
 * URL or a scope written in the config wins.  Port 25 is left out even
 * where a provider offers it: outbound 25 is blocked on most networks,
 * and a preset only lists ports worth trying (port = ..., 25 still adds
 * it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "provider.h"
#include "suggest.h"

#define S	TLS_MODE_STARTTLS
#define I	TLS_MODE_IMPLICIT
#define MS_LOGIN	"https://login.microsoftonline.com/%s/oauth2/v2.0/"

/*
 * Microsoft identity platform v2.0 (Entra ID): one scope for SMTP as the
 * user, ".default" (the app's granted roles) for client credentials.
 * Source: https://learn.microsoft.com/en-us/exchange/client-developer/
 * legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-
 * using-oauth
 */
static const struct provider_oauth2 oauth2_microsoft = {
	MS_LOGIN "authorize", MS_LOGIN "token", MS_LOGIN "devicecode",
	"https://outlook.office.com/SMTP.Send offline_access",
	"https://outlook.office365.com/.default", "organizations"
};
/* personal accounts: the consumers tenant, no app-only grant */
static const struct provider_oauth2 oauth2_outlook = {
	MS_LOGIN "authorize", MS_LOGIN "token", MS_LOGIN "devicecode",
	"https://outlook.office.com/SMTP.Send offline_access", NULL,
	"consumers"
};
/*
 * Google: the full-mail scope is not allowed for the device flow
 * (https://developers.google.com/identity/protocols/oauth2/limited-input-
 * device#allowedscopes): login uses the loopback or the paste flow.
 */
static const struct provider_oauth2 oauth2_google = {
	"https://accounts.google.com/o/oauth2/v2/auth",
	"https://oauth2.googleapis.com/token", NULL,
	"https://mail.google.com/", NULL, NULL
};

const struct provider provider_table[] = {
	{ "gmail", "smtp.gmail.com", { { 587, S }, { 465, I } }, true, NULL,
	    "user = your address; password = an app password (needs 2-Step "
	    "Verification), or auth = xoauth2 with your own OAuth client",
	    "https://developers.google.com/workspace/gmail/imap/imap-smtp",
	    &oauth2_google, false, NULL, false },
	{ "google-workspace", "smtp.gmail.com", { { 587, S }, { 465, I } },
	    true, NULL, "as gmail; Workspace has turned off sign-in with the "
	    "account password for SMTP (less secure apps): an app password "
	    "if the admin allows them, else auth = xoauth2",
	    "https://support.google.com/a/answer/14114704",
	    &oauth2_google, false, NULL, false },
	{ "google-relay", "smtp-relay.gmail.com", { { 587, S }, { 465, I } },
	    false, NULL, "Workspace SMTP relay: IP allowlist and/or AUTH "
	    "(set user to use it); also port 25; the EHLO name must be a real "
	    "host name (set domain), never an address or localhost",
	    "https://support.google.com/a/answer/2956491", NULL, false,
	    NULL, false },
	{ "microsoft365", "smtp.office365.com", { { 587, S } }, true, NULL,
	    "no 465; SMTP AUTH with a password (basic auth) is off by "
	    "default for existing tenants from the end of December 2026 and "
	    "never on for new ones: auth = xoauth2 (oauth2_tenant, default "
	    "organizations)", "https://techcommunity.microsoft.com/blog/"
	    "exchange/updated-exchange-online-smtp-auth-basic-authentication-"
	    "deprecation-timeline/4489835",
	    &oauth2_microsoft, false, NULL, false },
	{ "microsoft365-hve", "smtp-hve.office365.com", { { 587, S } }, true,
	    NULL, "High Volume Email: internal recipients only; user = the "
	    "HVE account; password or auth = xoauth2 with "
	    "client credentials", "https://learn.microsoft.com/en-us/exchange/"
	    "mail-flow-best-practices/high-volume-mails-m365",
	    &oauth2_microsoft, false, NULL, false },
	{ "outlook", "smtp-mail.outlook.com", { { 587, S } }, true, NULL,
	    "Outlook.com personal accounts: OAuth2 only (auth = xoauth2, "
	    "tenant consumers) since September 2024",
	    "https://support.microsoft.com/en-us/office/pop-imap-and-smtp-"
	    "settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040",
	    &oauth2_outlook, true, NULL, false },
	{ "azure-acs", "smtp.azurecomm.net", { { 587, S } }, true, NULL,
	    "Azure Communication Services: user = an SMTP username resource "
	    "(or RESOURCE.APP-ID.TENANT-ID); password = the Entra app's "
	    "client secret", "https://learn.microsoft.com/en-us/azure/"
	    "communication-services/quickstarts/email/send-email-smtp/"
	    "smtp-authentication", NULL, false, NULL, false },
	{ "ses", "email-smtp.%s.amazonaws.com", { { 587, S }, { 2587, S },
	    { 465, I }, { 2465, I } }, true, NULL, "ses:REGION; SES SMTP "
	    "credentials (not the IAM secret key); no 2525; SES refuses the "
	    "null sender, so notices come from the account's from",
	    "https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html",
	    NULL, false, NULL, true },
	{ "sendgrid", "smtp.sendgrid.net", { { 587, S }, { 2525, S },
	    { 465, I } }, true, "apikey", "user = apikey (literally); "
	    "password = the API key", "https://www.twilio.com/docs/sendgrid/"
	    "for-developers/sending-email/integrating-with-the-smtp-api",
	    NULL, false, NULL, false },
	{ "mailgun", "smtp.mailgun.org", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "per-domain SMTP credentials (the full "
	    "address as user)", "https://documentation.mailgun.com/docs/"
	    "mailgun/user-manual/sending-messages/send-smtp", NULL, false,
	    NULL, false },
	{ "mailgun-eu", "smtp.eu.mailgun.org", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "as mailgun, for EU domains",
	    "https://documentation.mailgun.com/docs/mailgun/user-manual/"
	    "sending-messages/send-smtp", NULL, false, NULL, false },
	{ "postmark", "smtp.postmarkapp.com", { { 587, S }, { 2525, S } },
	    true, NULL, "no 465 (it hangs); a server API token as user and "
	    "password", "https://postmarkapp.com/support/article/811-what-"
	    "are-the-smtp-details-api-tokens-i-should-be-using", NULL, false,
	    NULL, false },
	{ "brevo", "smtp-relay.brevo.com", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "user = the SMTP login shown under SMTP "
	    "& API; password = an SMTP key (not the API key)",
	    "https://developers.brevo.com/docs/smtp-integration", NULL, false,
	    NULL, false },
	{ "mailjet", "in-v3.mailjet.com", { { 587, S }, { 465, I } }, true,
	    NULL, "user = the API key; password = the secret key",
	    "https://dev.mailjet.com/smtp-relay/configuration/", NULL, false,
	    NULL, false },
	{ "resend", "smtp.resend.com", { { 587, S }, { 2587, S }, { 465, I },
	    { 2465, I } }, true, "resend", "user = resend (literally); "
	    "password = an API key", "https://resend.com/docs/send-with-smtp",
	    NULL, false, NULL, false },
	{ "smtp2go", "mail.smtp2go.com", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "user and password of an SMTP user "
	    "(Sending > SMTP Users); also 8025, 80, 8465, 443",
	    "https://developers.smtp2go.com/docs/smtp-relay", NULL, false,
	    NULL, false },
	{ "zoho", "smtp.zoho.%s", { { 465, I }, { 587, S } }, true, NULL,
	    "zoho:DC, the data centre of the account (com, eu, in, com.au, "
	    "jp, com.cn, sa, ca); paid organisation accounts set host = "
	    "smtppro.zoho.DC; an app password with 2FA",
	    "https://www.zoho.com/mail/help/zoho-smtp.html", NULL, false,
	    "com eu in com.au jp com.cn sa ca", false },
	{ "proton", "smtp.protonmail.ch", { { 587, S } }, true, NULL,
	    "Proton Mail SMTP submission (business plans, custom-domain "
	    "addresses): password = an SMTP token",
	    "https://proton.me/support/smtp-submission",
	    NULL, false, NULL, false },
	{ "proton-bridge", "127.0.0.1", { { 1025, S } }, true, NULL,
	    "Proton Mail Bridge on this machine; its own certificate: export "
	    "it and set tls_trust_file; user and password as Bridge shows",
	    "https://proton.me/support/bridge-ports",
	    NULL, false, NULL, false },
	{ "yahoo", "smtp.mail.yahoo.com", { { 465, I }, { 587, S } }, true,
	    NULL, "user = your address; password = an app password",
	    "https://help.yahoo.com/kb/SLN4724.html",
	    NULL, false, NULL, false },
	{ "aol", "smtp.aol.com", { { 465, I }, { 587, S } }, true, NULL,
	    "user = your address; password = an app password",
	    "https://help.aol.com/articles/how-do-i-use-other-email-"
	    "applications-to-send-and-receive-my-aol-mail", NULL, false,
	    NULL, false },
	{ "gmx", "mail.gmx.net", { { 587, S }, { 465, I } }, true, NULL,
	    "GMX (gmx.net, gmx.de; gmx.com accounts: host = mail.gmx.com); "
	    "enable POP3/IMAP access in the settings first",
	    "https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html", NULL,
	    false, NULL, false },
	{ "webde", "smtp.web.de", { { 587, S }, { 465, I } }, true, NULL,
	    "WEB.DE; enable POP3/IMAP access in the settings first",
	    "https://hilfe.web.de/pop-imap/imap/imap-serverdaten.html", NULL,
	    false, NULL, false },
	{ "ionos", "smtp.ionos.%s", { { 465, I }, { 587, S } }, true, NULL,
	    "ionos:TLD, the country site of the contract (de, com, co.uk, "
	    "fr, es, it, mx, ca, at); user = the full address",
	    "https://www.ionos.com/help/email/general-topics/settings-for-"
	    "your-email-programs-imap-pop3/", NULL, false,
	    "de com co.uk fr es it mx ca at", false },
	{ "ovh", "ssl0.ovh.net", { { 465, I }, { 587, S } }, true, NULL,
	    "OVHcloud MX Plan and web hosting mail; user = the full address",
	    "https://help.ovhcloud.com/csm/en-gb-web-hosting-email-client-"
	    "configuration?id=kb_article_view&sysparm_article=KB0051915",
	    NULL, false, NULL, false },
	{ "fastmail", "smtp.fastmail.com", { { 465, I }, { 587, S } }, true,
	    NULL, "user = your address; password = an app password",
	    "https://www.fastmail.com/help/technical/"
	    "servernamesandports.html", NULL, false, NULL, false },
	{ "icloud", "smtp.mail.me.com", { { 587, S } }, true, NULL,
	    "user = your address; password = an app-specific password",
	    "https://support.apple.com/en-us/102525",
	    NULL, false, NULL, false },
	{ NULL, NULL, { { 0, 0 } }, false, NULL, NULL, NULL, NULL, false,
	    NULL, false }
};

#undef S
#undef I
#undef MS_LOGIN

/* AWS region names: "us-east-1", "ap-southeast-2", "us-gov-west-1". */
static bool
provider_region_ok(const char *r)
{
	const char *p = r;
	size_t parts = 0, len;

	if (strlen(r) >= PROVIDER_REGION_MAX)
		return false;
	for (;;) {
		len = strspn(p, "abcdefghijklmnopqrstuvwxyz");
		if (len == 0)
			break;
		parts++;
		p += len;
		if (*p != '-')
			return false;
		p++;
	}
	len = strspn(p, "0123456789");
	return parts >= 2 && r[2] == '-' && len >= 1 &&
	    len <= 2 && p[len] == '\0';
}

/* A value of the row's region list ("com eu in"), whole words only. */
static bool
provider_region_listed(const char *list, const char *r)
{
	size_t n = strlen(r);
	const char *p;

	for (p = list; *p != '\0'; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncmp(p, r, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return n > 0;
	}
	return false;
}

/*
 * Other names people give a provider: a rename the service made (accepted
 * as the row it names), or a word that could be several rows (only
 * explained).
 */
static const struct provider_alias {
	const char	*alias;
	const char	*name;		/* NULL: ambiguous, see why */
	const char	*why;
} provider_aliases[] = {
	{ "office365", "microsoft365", NULL },
	{ "o365", "microsoft365", NULL },
	{ "outlook365", "microsoft365", NULL },
	{ "google", NULL, "unknown provider 'google' (did you mean gmail for "
	    "a personal account or google-workspace?)" },
	{ "amazon-ses", NULL, "unknown provider (did you mean ses:REGION, "
	    "e.g. ses:eu-west-1?)" },
	{ "aws", NULL, "unknown provider (did you mean ses:REGION, e.g. "
	    "ses:eu-west-1?)" },
};

#define PROVIDER_WHY_MAX	160	/* an "unknown provider" message */

static const struct provider *
provider_row(const char *name, size_t nlen)
{
	const struct provider *p;

	for (p = provider_table; p->name != NULL; p++)
		if (strlen(p->name) == nlen &&
		    strncasecmp(p->name, name, nlen) == 0)
			return p;
	return NULL;
}

/* Names are matched ignoring case, then through the aliases above. */
static const struct provider *
provider_lookup(const char *spec, size_t nlen, const char **why)
{
	static char buf[PROVIDER_WHY_MAX];
	char word[SUGGEST_WORD_MAX + 1];
	const struct provider *p;
	struct suggest sg;
	size_t i;

	if ((p = provider_row(spec, nlen)) != NULL)
		return p;
	for (i = 0; i < sizeof(provider_aliases) /
	    sizeof(provider_aliases[0]); i++) {
		if (strlen(provider_aliases[i].alias) != nlen ||
		    strncasecmp(provider_aliases[i].alias, spec, nlen) != 0)
			continue;
		if (provider_aliases[i].name == NULL)
			return *why = provider_aliases[i].why, NULL;
		return provider_row(provider_aliases[i].name,
		    strlen(provider_aliases[i].name));
	}
	*why = "unknown provider (outpost providers lists them)";
	if (nlen > SUGGEST_WORD_MAX)
		return NULL;
	memcpy(word, spec, nlen);
	word[nlen] = '\0';
	suggest_init(&sg, word, SUGGEST_DIST);
	for (p = provider_table; p->name != NULL; p++)
		suggest_try(&sg, p->name);
	if (suggest_best(&sg) != NULL) {
		snprintf(buf, sizeof(buf), "unknown provider (did you mean "
		    "%s?  outpost providers lists them)", suggest_best(&sg));
		*why = buf;
	}
	return NULL;
}

const struct provider *
provider_find(const char *spec, char *host, size_t cap, const char **why)
{
	const struct provider *p;
	const char *colon = strchr(spec, ':'), *pct;
	size_t nlen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);

	if ((p = provider_lookup(spec, nlen, why)) == NULL)
		return NULL;
	if ((strstr(p->host, "%s") != NULL) != (colon != NULL))
		return *why = colon != NULL ? "this provider takes no :REGION" :
		    p->regions != NULL ? "give the region: NAME:REGION "
		    "(outpost providers lists the values)" :
		    "give the region: ses:REGION, e.g. ses:eu-west-1", NULL;
	if (colon == NULL) {
		snprintf(host, cap, "%s", p->host);
		return p;
	}
	if (p->regions != NULL && !provider_region_listed(p->regions,
	    colon + 1))
		return *why = "not one of this provider's regions (outpost "
		    "providers lists them)", NULL;
	if (p->regions == NULL && !provider_region_ok(colon + 1))
		return *why = "REGION is an AWS region name such as "
		    "us-east-1", NULL;
	pct = strstr(p->host, "%s");
	snprintf(host, cap, "%.*s%s%s", (int)(pct - p->host), p->host,
	    colon + 1, pct + 2);
	return p;
}

static const char *const provider_tls_words[] = {
	[TLS_MODE_STARTTLS] = "starttls", [TLS_MODE_IMPLICIT] = "implicit",
	[TLS_MODE_OFF] = "off"
};

const char *
provider_ports(const struct provider *p, char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < PROVIDER_MAX_PORTS && p->ports[i].port != 0 &&
	    len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%d/%s",
		    i > 0 ? ", " : "", p->ports[i].port,
		    provider_tls_words[p->ports[i].tls]);
	return buf;
}

/*
 * The preset's ports; with tls set (and no port key) only those of that
 * mode, and none at all leaves the choice to cfg_ports_resolve().
 */
static void
provider_fill_ports(const struct provider *p, struct account *a)
{
	size_t i;

	for (i = 0; i < PROVIDER_MAX_PORTS && p->ports[i].port != 0; i++) {
		if (a->tls_set && p->ports[i].tls != a->tls)
			continue;
		memset(&a->ports[a->nports], 0, sizeof(a->ports[0]));
		a->ports[a->nports].port = p->ports[i].port;
		a->ports[a->nports].tls = p->ports[i].tls;
		a->ports[a->nports].tls_given = true;
		a->nports++;
	}
}

/* A tenant: a GUID, a domain, organizations, common or consumers. */
static bool
provider_tenant_ok(const char *t)
{
	size_t n = strlen(t);

	return n > 0 && n < PROVIDER_TENANT_MAX && strspn(t,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
	    == n && t[0] != '.' && t[0] != '-';
}

/* *field = fmt with the tenant, unless the account wrote it. */
static int
provider_fill_url(char **field, const char *fmt, const char *tenant)
{
	char url[PROVIDER_URL_MAX];
	const char *pct;

	if (*field != NULL || fmt == NULL)
		return 0;
	if ((pct = strstr(fmt, "%s")) != NULL)
		snprintf(url, sizeof(url), "%.*s%s%s", (int)(pct - fmt), fmt,
		    tenant != NULL ? tenant : "", pct + 2);
	else
		snprintf(url, sizeof(url), "%s", fmt);
	return (*field = strdup(url)) == NULL ? -1 : 0;
}

/* The OAuth2 endpoints and scope, for auth = xoauth2 / oauthbearer. */
static int
provider_fill_oauth2(const struct provider *p, struct account *a,
    const char **why)
{
	const struct provider_oauth2 *o = p->oauth2;
	bool client = a->oauth2_grant == OAUTH2_GRANT_CLIENT;
	const char *tenant;

	if (a->oauth2_tenant != NULL && (o == NULL || o->tenant == NULL))
		return *why = "this provider takes no oauth2_tenant", -1;
	if (o == NULL || (a->auth != SASL_WANT_XOAUTH2 &&
	    a->auth != SASL_WANT_OAUTHBEARER))
		return 0;
	tenant = a->oauth2_tenant != NULL ? a->oauth2_tenant : o->tenant;
	if (tenant != NULL && !provider_tenant_ok(tenant))
		return *why = "oauth2_tenant is a tenant ID, a domain, "
		    "organizations, common or consumers", -1;
	if (client && o->scope_client == NULL)
		return *why = "this provider has no oauth2_grant = "
		    "client_credentials", -1;
	if (provider_fill_url(&a->oauth2_token_url, o->token_url, tenant) ==
	    -1 || (!client && (provider_fill_url(&a->oauth2_auth_url,
	    o->auth_url, tenant) == -1 ||
	    provider_fill_url(&a->oauth2_device_url, o->device_url,
	    tenant) == -1)) ||
	    provider_fill_url(&a->oauth2_scope, client ? o->scope_client :
	    o->scope, NULL) == -1)
		return *why = "out of memory", -1;
	return 0;
}

int
provider_apply(struct account *a, bool *auth_set, const char **why)
{
	const struct provider *p;
	char host[PROVIDER_HOST_MAX];

	if ((p = provider_find(a->provider, host, sizeof(host), why)) == NULL)
		return -1;
	if (a->nhosts == 0) {
		if ((a->hosts[0] = strdup(host)) == NULL)
			return *why = "out of memory", -1;
		a->nhosts = 1;
		a->host = a->hosts[0];
	}
	if (a->nports == 0)
		provider_fill_ports(p, a);
	if (a->user == NULL && p->user != NULL &&
	    (a->user = strdup(p->user)) == NULL)
		return *why = "out of memory", -1;
	if (!*auth_set && p->auth) {
		a->auth = p->oauth2_only ? SASL_WANT_XOAUTH2 : SASL_WANT_ON;
		*auth_set = true;
	}
	return provider_fill_oauth2(p, a, why);
}

bool
provider_no_null_sender(const struct account *a)
{
	const struct provider *p;
	char host[PROVIDER_HOST_MAX];
	const char *why;

	if (a->provider == NULL ||
	    (p = provider_find(a->provider, host, sizeof(host), &why)) == NULL)
		return false;
	return p->no_null_sender;
}
