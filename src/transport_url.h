/*
 * transport_url.h - where an HTTPS API transport sends (pure): the
 * provider's base URL for the account (api_url replaces it: a private
 * endpoint, or a test server on loopback), its host, and what the
 * account must name for the transport to work at all.
 */
#ifndef OUTPOST_TRANSPORT_URL_H
#define OUTPOST_TRANSPORT_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define TRANSPORT_URL_MAX	1024	/* a request URL */
#define TRANSPORT_HOST_MAX	256	/* host[:port] of a URL */

/* "graph", "ses", "mailgun" or "smtp". */
const char *transport_name(enum account_transport);
/* The base URL (no trailing slash) into out; -1 with why. */
int	transport_base(const struct account *, char *out, size_t cap,
	    const char **why);
/* host[:port] of an https:// URL into out; -1 when it has none. */
int	transport_url_host(const char *url, char *out, size_t cap,
	    bool with_port);
/*
 * The account's settings make sense for its transport (cfg.c, at load):
 * -1 with why.  An API account needs no host: *fill gets the API's host
 * name for the log line and doctor (NULL for SMTP or when host is set).
 */
int	transport_check(const struct account *, char *fill, size_t cap,
	    const char **why);

/*
 * The API transport of the provider whose SMTP host this is (Microsoft
 * 365 and Outlook: graph; SES's email-smtp.REGION.amazonaws.com: ses;
 * Mailgun: mailgun), or TRANSPORT_SMTP when it has none: doctor's advice
 * when every SMTP port is blocked.
 */
enum account_transport transport_for_host(const char *host);

/* What an HTTP status means for the message (transport_url.c). */
enum transport_class {
	TRANSPORT_OK,		/* 2xx: the API took the message */
	TRANSPORT_REFUSED,	/* this message is refused: 65 */
	TRANSPORT_SESSION	/* the account fails for now or for good */
};

/*
 * Map an API's answer: 2xx taken; 400, 413, 415, 422 the message refused
 * (65); 401, 403 credentials (77); 404 the account's settings (78); 408,
 * 429 and 5xx later (75, with retry_after seconds kept in e for the
 * queue); anything else a protocol error (76).  e gets one line naming
 * what ("mailgun") and the status, never the answer's body.
 */
enum transport_class transport_status(const char *what, long status,
	    unsigned retry_after, struct err *);

#endif
