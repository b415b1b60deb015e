/*
 * t-transport.c - the pure parts of the API transports: each HTTP status
 * to its exit code and class, Retry-After kept only for "later", the
 * providers' base URLs (US/EU, SES regions, api_url) and the host of a
 * URL.
 */
#include <string.h>
#include <sysexits.h>

#include "tap.h"
#include "transport_url.h"

static const struct {
	long			 status;
	enum transport_class	 c;
	int			 ex;
	unsigned		 retry;	/* kept in e */
} st[] = {
	{ 200, TRANSPORT_OK, 0, 0 },
	{ 202, TRANSPORT_OK, 0, 0 },
	{ 400, TRANSPORT_REFUSED, EX_DATAERR, 0 },
	{ 413, TRANSPORT_REFUSED, EX_DATAERR, 0 },
	{ 422, TRANSPORT_REFUSED, EX_DATAERR, 0 },
	{ 401, TRANSPORT_SESSION, EX_NOPERM, 0 },
	{ 403, TRANSPORT_SESSION, EX_NOPERM, 0 },
	{ 404, TRANSPORT_SESSION, EX_CONFIG, 0 },
	{ 408, TRANSPORT_SESSION, EX_TEMPFAIL, 30 },
	{ 429, TRANSPORT_SESSION, EX_TEMPFAIL, 30 },
	{ 500, TRANSPORT_SESSION, EX_TEMPFAIL, 30 },
	{ 503, TRANSPORT_SESSION, EX_TEMPFAIL, 30 },
	{ 302, TRANSPORT_SESSION, EX_PROTOCOL, 0 },
	{ 418, TRANSPORT_SESSION, EX_PROTOCOL, 0 },
};

static void
t_status(void)
{
	enum transport_class c;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		err_init(&e);
		c = transport_status("mailgun", st[i].status, 30, &e);
		ok(c == st[i].c && e.ex == st[i].ex &&
		    e.retry_after == st[i].retry, "HTTP %ld -> class %d, exit "
		    "%d, retry_after %u (got %d, %d, %u)", st[i].status,
		    (int)st[i].c, st[i].ex, st[i].retry, (int)c, e.ex,
		    e.retry_after);
		ok(c == TRANSPORT_OK || strstr(e.msg, "mailgun: ") == e.msg,
		    "HTTP %ld: the message names the API", st[i].status);
	}
}

static void
t_base(void)
{
	char out[TRANSPORT_URL_MAX];
	const char *why = NULL;
	struct account a;

	memset(&a, 0, sizeof(a));
	a.transport = TRANSPORT_MAILGUN;
	ok(transport_base(&a, out, sizeof(out), &why) == 0, "mailgun base");
	is_str(out, "https://api.mailgun.net", "mailgun: the US base");
	a.api_region = "eu";
	transport_base(&a, out, sizeof(out), &why);
	is_str(out, "https://api.eu.mailgun.net", "mailgun: the EU base");
	a.api_region = "asia";
	ok(transport_base(&a, out, sizeof(out), &why) == -1,
	    "mailgun: another region is refused: %s", why);
	a.transport = TRANSPORT_SES;
	a.api_region = "eu-west-1";
	transport_base(&a, out, sizeof(out), &why);
	is_str(out, "https://email.eu-west-1.amazonaws.com", "ses endpoint");
	a.api_region = "eu-west-1.evil.example/x";
	ok(transport_base(&a, out, sizeof(out), &why) == -1,
	    "ses: a region that is no region is refused");
	a.api_region = NULL;
	ok(transport_base(&a, out, sizeof(out), &why) == -1,
	    "ses: no region is refused: %s", why);
	a.transport = TRANSPORT_GRAPH;
	transport_base(&a, out, sizeof(out), &why);
	is_str(out, "https://graph.microsoft.com", "graph endpoint");
	a.api_url = "https://127.0.0.1:8443/";
	transport_base(&a, out, sizeof(out), &why);
	is_str(out, "https://127.0.0.1:8443", "api_url replaces it");
	a.api_url = "http://127.0.0.1:8080";
	ok(transport_base(&a, out, sizeof(out), &why) == -1,
	    "api_url must be https");
}

static void
t_host(void)
{
	char h[TRANSPORT_HOST_MAX];

	ok(transport_url_host("https://127.0.0.1:8443/v3", h, sizeof(h),
	    true) == 0, "host with port");
	is_str(h, "127.0.0.1:8443", "host:port");
	transport_url_host("https://127.0.0.1:8443/v3", h, sizeof(h), false);
	is_str(h, "127.0.0.1", "host alone");
	transport_url_host("https://[::1]:8443", h, sizeof(h), false);
	is_str(h, "[::1]", "an IPv6 literal");
	transport_url_host("https://graph.microsoft.com", h, sizeof(h), true);
	is_str(h, "graph.microsoft.com", "no port");
	ok(transport_url_host("https:///x", h, sizeof(h), true) == -1,
	    "no host");
	ok(transport_url_host("https://a.example", h, 4, true) == -1,
	    "too long for the buffer");
}

static void
t_for_host(void)
{
	ok(transport_for_host("smtp.office365.com") == TRANSPORT_GRAPH,
	    "Microsoft 365: graph");
	ok(transport_for_host("smtp-mail.outlook.com") == TRANSPORT_GRAPH,
	    "Outlook.com: graph");
	ok(transport_for_host("email-smtp.eu-west-1.amazonaws.com") ==
	    TRANSPORT_SES, "SES SMTP endpoint: ses");
	ok(transport_for_host("ec2.eu-west-1.amazonaws.com") ==
	    TRANSPORT_SMTP, "another AWS host: none");
	ok(transport_for_host("smtp.eu.mailgun.org") == TRANSPORT_MAILGUN,
	    "Mailgun: mailgun");
	ok(transport_for_host("smtp.gmail.com") == TRANSPORT_SMTP,
	    "Gmail: no API transport");
	ok(transport_for_host("office365.com.evil.example") ==
	    TRANSPORT_SMTP, "a suffix only counts at the end");
	ok(transport_for_host(NULL) == TRANSPORT_SMTP, "no host");
}

int
main(void)
{
	t_status();
	t_for_host();
	t_base();
	t_host();
	return done_testing();
}
