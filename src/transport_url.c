/*
 * transport_url.c - the endpoints of the HTTPS API transports and what an
 * account of each must set (transport_url.h).  Pure: no I/O.
 *
 * The URLs are the providers' documented ones: Microsoft Graph v1.0,
 * the SES v2 regional endpoint email.REGION.amazonaws.com, Mailgun's US
 * (api.mailgun.net) and EU (api.eu.mailgun.net) bases.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "transport_url.h"

static const char *const transport_names[] = {
	[TRANSPORT_SMTP] = "smtp", [TRANSPORT_GRAPH] = "graph",
	[TRANSPORT_SES] = "ses", [TRANSPORT_MAILGUN] = "mailgun"
};

const char *
transport_name(enum account_transport t)
{
	if ((size_t)t >= sizeof(transport_names) / sizeof(transport_names[0]))
		return "smtp";
	return transport_names[t];
}

/* A region name: letters, digits and '-' only (it goes into a URL). */
static bool
transport_region_ok(const char *r)
{
	if (r == NULL || r[0] == '\0' || strlen(r) > 32)
		return false;
	return strspn(r, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
	    strlen(r);
}

int
transport_base(const struct account *a, char *out, size_t cap,
    const char **why)
{
	int n = -1;

	if (a->api_url != NULL) {
		if (strncasecmp(a->api_url, "https://", 8) != 0) {
			*why = "api_url must be an https:// URL";
			return -1;
		}
		n = snprintf(out, cap, "%s", a->api_url);
		while (n > 8 && out[n - 1] == '/')
			out[--n] = '\0';
	} else if (a->transport == TRANSPORT_GRAPH) {
		n = snprintf(out, cap, "https://graph.microsoft.com");
	} else if (a->transport == TRANSPORT_SES) {
		if (!transport_region_ok(a->api_region)) {
			*why = "transport = ses needs api_region (such as "
			    "eu-west-1)";
			return -1;
		}
		n = snprintf(out, cap, "https://email.%s.amazonaws.com",
		    a->api_region);
	} else if (a->transport == TRANSPORT_MAILGUN) {
		if (a->api_region != NULL && strcmp(a->api_region, "us") != 0 &&
		    strcmp(a->api_region, "eu") != 0) {
			*why = "transport = mailgun: api_region is us or eu";
			return -1;
		}
		n = snprintf(out, cap, "https://api%s.mailgun.net",
		    a->api_region != NULL && strcmp(a->api_region, "eu") == 0 ?
		    ".eu" : "");
	}
	if (n < 0 || (size_t)n >= cap) {
		*why = "the API URL is too long";
		return -1;
	}
	return 0;
}

int
transport_url_host(const char *url, char *out, size_t cap, bool with_port)
{
	const char *h, *end;
	size_t n;

	if (strncasecmp(url, "https://", 8) != 0)
		return -1;
	h = url + 8;
	n = strcspn(h, "/?#");
	if ((end = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(end + 1 - h);
		h = end + 1;
	}
	if (!with_port && h[0] != '[' && (end = memchr(h, ':', n)) != NULL)
		n = (size_t)(end - h);
	else if (!with_port && h[0] == '[' &&
	    (end = memchr(h, ']', n)) != NULL)
		n = (size_t)(end + 1 - h);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(out, h, n);
	out[n] = '\0';
	return 0;
}

int
transport_check(const struct account *a, char *fill, size_t cap,
    const char **why)
{
	char base[TRANSPORT_URL_MAX];

	fill[0] = '\0';
	if (a->transport == TRANSPORT_SMTP)
		return 0;
	if (transport_base(a, base, sizeof(base), why) == -1)
		return -1;
	if (a->transport == TRANSPORT_GRAPH && (a->user == NULL ||
	    a->oauth2_token_url == NULL)) {
		*why = "transport = graph needs user (the mailbox) and OAuth2 "
		    "(oauth2_token_url, or provider = microsoft365)";
		return -1;
	}
	if (a->transport == TRANSPORT_SES && (a->user == NULL ||
	    a->user[0] == '\0')) {
		*why = "transport = ses needs user (the access key ID)";
		return -1;
	}
	if (a->transport == TRANSPORT_MAILGUN && (a->api_domain == NULL ||
	    a->user == NULL || a->user[0] == '\0')) {
		*why = "transport = mailgun needs api_domain (the sending "
		    "domain) and user = api (the API key is the password)";
		return -1;
	}
	if (a->host == NULL &&
	    transport_url_host(base, fill, cap, false) == -1) {
		*why = "api_url has no host";
		return -1;
	}
	return 0;
}

/* Statuses that refuse this one message (the request was understood). */
static bool
transport_refusal(long status)
{
	return status == 400 || status == 413 || status == 415 ||
	    status == 422;
}

enum transport_class
transport_status(const char *what, long status, unsigned retry_after,
    struct err *e)
{
	if (status >= 200 && status <= 299)
		return TRANSPORT_OK;
	if (transport_refusal(status)) {
		err_set(e, EX_DATAERR, "%s: HTTP %ld: the API refused the "
		    "message", what, status);
		return TRANSPORT_REFUSED;
	}
	if (status == 401 || status == 403) {
		err_set(e, EX_NOPERM, "%s: HTTP %ld: the API refused the "
		    "credentials (or they lack the permission to send)", what,
		    status);
		e->flags |= ERR_AUTH;
	} else if (status == 404) {
		err_set(e, EX_CONFIG, "%s: HTTP 404: no such sender, domain or "
		    "endpoint (check user, api_domain, api_region, api_url)",
		    what);
	} else if (status == 408 || status == 429 || status >= 500) {
		err_set(e, EX_TEMPFAIL, "%s: HTTP %ld: try again later%s",
		    what, status, status == 429 ? " (rate limited)" : "");
		e->retry_after = retry_after;
	} else {
		err_set(e, EX_PROTOCOL, "%s: unexpected HTTP %ld", what,
		    status);
	}
	return TRANSPORT_SESSION;
}

/* Host name suffixes of the providers that have an API transport. */
static const struct {
	const char		*prefix;	/* "" for any */
	const char		*suffix;
	enum account_transport	 t;
} transport_hosts[] = {
	{ "", ".office365.com", TRANSPORT_GRAPH },
	{ "", ".outlook.com", TRANSPORT_GRAPH },
	{ "email-smtp.", ".amazonaws.com", TRANSPORT_SES },
	{ "", ".mailgun.org", TRANSPORT_MAILGUN },
};

enum account_transport
transport_for_host(const char *host)
{
	size_t i, n = host != NULL ? strlen(host) : 0, k;

	for (i = 0; i < sizeof(transport_hosts) / sizeof(transport_hosts[0]);
	    i++) {
		k = strlen(transport_hosts[i].suffix);
		if (n > k && strcasecmp(host + n - k,
		    transport_hosts[i].suffix) == 0 &&
		    strncasecmp(host, transport_hosts[i].prefix,
		    strlen(transport_hosts[i].prefix)) == 0)
			return transport_hosts[i].t;
	}
	return TRANSPORT_SMTP;
}
