/*
 * provider.c - the provider preset table and applying a preset to an
 * account (pure: strings in, struct account out).
 *
 * Every value comes from the provider's page named in its row's source;
 * a value a provider changes is changed here, in one place.  Port 25 is
 * left out even where a provider offers it: outbound 25 is blocked on
 * most networks, and a preset only lists ports worth trying (port = ...,
 * 25 still adds it).
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

const struct provider provider_table[] = {
	{ "gmail", "smtp.gmail.com", { { 587, S }, { 465, I } }, true, NULL,
	    "user = your address; password = an app password (needs 2-Step "
	    "Verification) or OAuth2",
	    "https://developers.google.com/workspace/gmail/imap/imap-smtp" },
	{ "google-workspace", "smtp.gmail.com", { { 587, S }, { 465, I } },
	    true, NULL, "as gmail; app passwords can be disabled by the "
	    "Workspace admin",
	    "https://developers.google.com/workspace/gmail/imap/imap-smtp" },
	{ "google-relay", "smtp-relay.gmail.com", { { 587, S }, { 465, I } },
	    false, NULL, "Workspace SMTP relay: IP allowlist and/or AUTH "
	    "(set user to use it); also port 25",
	    "https://support.google.com/a/answer/2956491" },
	{ "microsoft365", "smtp.office365.com", { { 587, S } }, true, NULL,
	    "no 465; basic AUTH (SMTP AUTH Client Submission) is being "
	    "retired, MC786329",
	    "https://mc.merill.net/message/MC786329" },
	{ "ses", "email-smtp.%s.amazonaws.com", { { 587, S }, { 2587, S },
	    { 465, I }, { 2465, I } }, true, NULL, "ses:REGION; SES SMTP "
	    "credentials (not the IAM secret key); no 2525",
	    "https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html" },
	{ "sendgrid", "smtp.sendgrid.net", { { 587, S }, { 2525, S },
	    { 465, I } }, true, "apikey", "user = apikey (literally); "
	    "password = the API key", "https://www.twilio.com/docs/sendgrid/"
	    "for-developers/sending-email/integrating-with-the-smtp-api" },
	{ "mailgun", "smtp.mailgun.org", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "per-domain SMTP credentials (the full "
	    "address as user)", "https://documentation.mailgun.com/docs/"
	    "mailgun/user-manual/sending-messages/send-smtp" },
	{ "mailgun-eu", "smtp.eu.mailgun.org", { { 587, S }, { 2525, S },
	    { 465, I } }, true, NULL, "as mailgun, for EU domains",
	    "https://documentation.mailgun.com/docs/mailgun/user-manual/"
	    "sending-messages/send-smtp" },
	{ "postmark", "smtp.postmarkapp.com", { { 587, S }, { 2525, S } },
	    true, NULL, "no 465 (it hangs); a server API token as user and "
	    "password", "https://postmarkapp.com/support/article/811-what-"
	    "are-the-smtp-details-api-tokens-i-should-be-using" },
	{ "fastmail", "smtp.fastmail.com", { { 465, I }, { 587, S } }, true,
	    NULL, "user = your address; password = an app password",
	    "https://www.fastmail.com/help/technical/"
	    "servernamesandports.html" },
	{ "icloud", "smtp.mail.me.com", { { 587, S } }, true, NULL,
	    "user = your address; password = an app-specific password",
	    "https://support.apple.com/en-us/102525" },
	{ NULL, NULL, { { 0, 0 } }, false, NULL, NULL, NULL }
};

#undef S
#undef I

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
		    "give the region: ses:REGION, e.g. ses:eu-west-1", NULL;
	if (colon == NULL) {
		snprintf(host, cap, "%s", p->host);
		return p;
	}
	if (!provider_region_ok(colon + 1))
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
		a->auth = SASL_WANT_ON;
		*auth_set = true;
	}
	return 0;
}
