/*
 * transport.h - the session of an account whose transport is an HTTPS
 * API (transport = graph, ses or mailgun) instead of SMTP.
 *
 * transport_deliver() takes the same request as deliver() and keeps the
 * same contract, so submit.c runs either through one call: the
 * credentials, the OAuth2 retry, the fallback account, the verdicts,
 * the log line and the queue are the pipeline's and stay as they are
 * for SMTP.  Each message is one POST; the caller's dot hook runs just
 * before it (the runner's durable "sending" mark).  An answer that
 * refuses the message (transport_status: 65) is that message's verdict
 * and the session goes on; any other failure (no answer, 401/403, 404,
 * 429, 5xx) ends the session with the message still pending, as a
 * failed SMTP connection or AUTH does - so a rate limit is not hammered
 * by the rest of a queue run and its Retry-After reaches every entry.
 *
 * Each API's request is built by its own file: transport_graph.c,
 * transport_ses.c, transport_mailgun.c.
 */
#ifndef OUTPOST_TRANSPORT_H
#define OUTPOST_TRANSPORT_H

#include "api_body.h"
#include "deliver.h"
#include "http_post.h"
#include "socks5.h"
#include "transport_url.h"

#define TRANSPORT_AUTH_MAX	(B64_SECRET_MAX + 64)	/* a header line */
#define B64_SECRET_MAX		((2 * SECRET_MAX + 2) / 3 * 4 + 1)

/* One message for an API. */
struct transport_msg {
	const struct account	*a;
	const struct envelope	*env;
	int			 spool_fd;
	const char		*prefix;	/* header lines sent first */
	const struct secret	*cred;		/* key or token, or NULL */
	const char		*base;		/* transport_base() */
};

/* One API: send m, 0 with r filled when an answer came. */
typedef int	transport_send_fn(const struct transport_msg *m,
		    struct http_resp *r, struct err *e);

transport_send_fn	transport_graph_send;
transport_send_fn	transport_ses_send;
transport_send_fn	transport_mailgun_send;
/* doctor's harmless request: the same credentials, nothing sent. */
transport_send_fn	transport_graph_probe;
transport_send_fn	transport_ses_probe;
transport_send_fn	transport_mailgun_probe;

/*
 * doctor: the account's probe with cred; 0 with r when the API answered.
 */
int	transport_probe(const struct account *, const struct secret *cred,
	    struct http_resp *r, struct err *e);

/* deliver()'s contract (deliver.h) over the account's API. */
int	transport_deliver(const struct deliver_req *, struct err *);

#endif
