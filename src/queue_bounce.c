/*
 * queue_bounce.c - the notice sent when a queued message is given up
 * (refused with a 5xx, or older than QUEUE_LIFETIME).
 *
 * A plain-text message from the null sender to the envelope sender,
 * naming the recipients and the last error and quoting the header of the
 * original (at most BOUNCE_HEADER_MAX bytes, never the body).  From: is
 * the account's own address, since a smarthost refuses others.  A
 * provider that refuses the null sender (SES: provider.c's
 * no_null_sender) gets the account's from as envelope sender instead;
 * Auto-Submitted: auto-replied still keeps responders from answering.
 * The notice is an entry of the queue like any message: the runner
 * delivers it with the same account, retries it with the same backoff
 * while the smarthost is down, and mailq shows it; it is never lost
 * because one attempt failed, and never answered by another notice.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "fdio.h"
#include "hostname.h"
#include "msg.h"
#include "provider.h"
#include "queue_bounce.h"
#include "spool.h"

/* snprintf into out at *n, moving *n; false once out is full. */
static bool
bounce_add(char *out, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool
bounce_add(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= cap)
		return false;
	va_start(ap, fmt);
	r = vsnprintf(out + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= cap - *n) {
		*n = cap;
		return false;
	}
	*n += (size_t)r;
	return true;
}

size_t
queue_bounce_text(const struct account *a, const struct qenv *qe,
    bool expired, const char *hdr, size_t hlen, time_t now, char *out,
    size_t cap)
{
	char date[64], made[64], host[HOSTNAME_MAX + 1];
	size_t n = 0, i;

	if (!hostname_fqdn(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost.invalid");
	msg_date(now, date, sizeof(date));
	msg_date(qe->created, made, sizeof(made));
	bounce_add(out, cap, &n, "From: Mail Delivery System <%s>\r\n"
	    "To: <%s>\r\nSubject: Undelivered Mail Returned to Sender\r\n"
	    "Date: %s\r\nMessage-ID: <%s.bounce@%s>\r\n"
	    "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "This is outpost on %s.\r\n\r\n"
	    "Your message could not be delivered to its recipients and has "
	    "been\r\ngiven up: %s.\r\n\r\n"
	    "Queue ID:   %s\r\nSubmitted:  %s\r\nTries:      %u\r\n"
	    "Last error: %s\r\n", a->from != NULL ? a->from : qe->env.sender,
	    qe->env.sender, date, qe->id, host, host, expired ?
	    "it could not be delivered for 5 days" : "the server refused it",
	    qe->id, made,
	    qe->attempts, qe->last_error);
	for (i = 0; i < qe->env.nrcpts; i++)
		bounce_add(out, cap, &n, "Recipient:  <%s>\r\n",
		    qe->env.rcpts[i]);
	bounce_add(out, cap, &n, "\r\n--- The header of your message ---"
	    "\r\n\r\n%.*s", (int)hlen, hdr);
	if (n >= cap)
		n = cap - 1;
	if (n < 2 || memcmp(out + n - 2, "\r\n", 2) != 0)
		bounce_add(out, cap, &n, "\r\n");
	return n < cap ? n : cap;
}

/* The header block of the message (up to the empty line) into buf. */
static size_t
bounce_orig_header(int msgfd, char *buf, size_t cap)
{
	ssize_t n;
	char *end;

	n = pread(msgfd, buf, cap - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((end = strstr(buf, "\r\n\r\n")) != NULL)
		return (size_t)(end - buf) + 2;
	/* cut at the last whole line */
	end = buf + n;
	while (end > buf && end[-1] != '\n')
		end--;
	return (size_t)(end - buf);
}

int
queue_bounce(struct queue *q, const struct account *a, const struct qenv *qe,
    int msgfd, bool expired, char id[QUEUE_ID_LEN + 1], struct err *e)
{
	char *hdr = NULL, *text = NULL, *rcpt[1];
	struct qenv ne;
	size_t hlen, tlen;
	int fd = -1, rc = -1;

	id[0] = '\0';
	if (qe->env.sender[0] == '\0' || qe->notice)
		return 0;	/* a notice is never answered by a notice */
	if ((hdr = malloc(BOUNCE_HEADER_MAX)) == NULL ||
	    (text = malloc(BOUNCE_TEXT_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	hlen = bounce_orig_header(msgfd, hdr, BOUNCE_HEADER_MAX);
	tlen = queue_bounce_text(a, qe, expired, hdr, hlen, queue_now(),
	    text, BOUNCE_TEXT_MAX);
	if ((fd = spool_open(NULL, e)) == -1)
		goto out;
	if (fd_write_all(fd, text, tlen) == -1) {
		err_sys(e, EX_IOERR, "notice spool");
		goto out;
	}
	rcpt[0] = (char *)qe->env.sender;
	memset(&ne, 0, sizeof(ne));
	ne.account = qe->account;
	/* RFC 5321 4.5.5 wants <>; where the provider refuses it, from */
	ne.env.sender = provider_no_null_sender(a) && a->from != NULL ?
	    a->from : "";
	ne.env.rcpts = rcpt;
	ne.env.nrcpts = 1;
	ne.env.smtputf8 = qe->env.smtputf8;
	ne.env.size = tlen;
	ne.created = queue_now();
	ne.next_try = ne.created;
	ne.uid = qe->uid;
	ne.notice = true;
	snprintf(ne.last_error, sizeof(ne.last_error), "notice for %s",
	    qe->id);
	if ((rc = queue_commit(q, fd, &ne, e)) == 0)
		memcpy(id, ne.id, QUEUE_ID_LEN + 1);
out:
	if (fd != -1)
		close(fd);
	free(hdr);
	free(text);
	return rc;
}
