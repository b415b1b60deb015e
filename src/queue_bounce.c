/*
 * queue_bounce.c - the notice sent when a queued message is given up
 * (refused with a 5xx, or older than QUEUE_LIFETIME).
 *
 * A plain-text message from the null sender to the envelope sender,
 * naming the recipients and the last error and quoting the header of the
 * original (at most BOUNCE_HEADER_MAX bytes, never the body).  From: is
 * the account's own address, since a smarthost refuses others.  It goes
 * out through submit.h like any message (its own connection, the same
 * account, its fallback); if that fails the entry stays in dead/ and
 * the failure is reported on stderr.
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
#include "queue_bounce.h"
#include "spool.h"
#include "submit.h"

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

/* The header block of dead/<id>.msg (up to the empty line) into buf. */
static size_t
bounce_orig_header(struct queue *q, const char *id, char *buf, size_t cap)
{
	char name[QUEUE_ID_LEN + 8];
	ssize_t n;
	char *end;
	int fd;

	snprintf(name, sizeof(name), "%s.msg", id);
	fd = openat(q->deadfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return 0;
	n = read(fd, buf, cap - 1);
	close(fd);
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

/* The notice as the one message of a submit_run(). */
struct bounce_job {
	struct submit_msg	 m;
	bool			 taken;
	struct submit_verdict	 v;
};

static int
bounce_next(void *arg, struct submit_msg *m)
{
	struct bounce_job *b = arg;

	if (b->taken)
		return 0;
	b->taken = true;
	*m = b->m;
	return 1;
}

static void
bounce_done(void *arg, const struct submit_msg *m, struct submit_verdict *v)
{
	struct bounce_job *b = arg;

	(void)m;
	b->v = *v;
}

int
queue_bounce(const struct config *cfg, const struct account *a,
    struct queue *q, const struct qenv *qe, bool expired, struct err *e)
{
	static const struct submit_ops ops = { bounce_next, bounce_done };
	char *hdr = NULL, *text = NULL, *rcpt[1];
	struct bounce_job b;
	struct submit_req rq;
	size_t hlen, tlen;
	int fd = -1, rc = -1;

	if (qe->env.sender[0] == '\0')
		return 0;	/* a bounce is never bounced */
	if ((hdr = malloc(BOUNCE_HEADER_MAX)) == NULL ||
	    (text = malloc(BOUNCE_TEXT_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	hlen = bounce_orig_header(q, qe->id, hdr, BOUNCE_HEADER_MAX);
	tlen = queue_bounce_text(a, qe, expired, hdr, hlen, queue_now(),
	    text, BOUNCE_TEXT_MAX);
	if ((fd = spool_open(NULL, e)) == -1)
		goto out;
	if (fd_write_all(fd, text, tlen) == -1) {
		err_sys(e, EX_IOERR, "bounce spool");
		goto out;
	}
	rcpt[0] = (char *)qe->env.sender;
	memset(&b, 0, sizeof(b));
	b.m.env.sender = "";
	b.m.env.rcpts = rcpt;
	b.m.env.nrcpts = 1;
	b.m.env.smtputf8 = qe->env.smtputf8;
	b.m.env.eightbit = qe->env.eightbit;
	b.m.env.size = tlen;
	b.m.spool_fd = fd;
	memset(&rq, 0, sizeof(rq));
	rq.cfg = cfg;
	rq.a = a;
	rq.ops = &ops;
	rq.arg = &b;
	submit_run(&rq);
	if (b.v.outcome == SUBMIT_DELIVERED)
		rc = 0;
	else
		*e = b.v.e;
out:
	if (fd != -1)
		close(fd);
	free(hdr);
	free(text);
	return rc;
}
