/*
 * queue_bounce.c - the notice sent when a queued message is given up
 * (refused with a 5xx, or older than QUEUE_LIFETIME).
 *
 * A plain-text message from the null sender to the envelope sender (or
 * root's address: queue_bounce.h),
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

#include "addr.h"
#include "aliases.h"
#include "fdio.h"
#include "hostname.h"
#include "local.h"
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

static const char *const bounce_whys[] = {
	[BOUNCE_REFUSED] = "the server refused it",
	[BOUNCE_EXPIRED] = "it could not be delivered for 5 days",
	[BOUNCE_SENDER] = "its envelope sender is not one its submitter may "
	    "use (allow_from_override)"
};

size_t
queue_bounce_text(const struct account *a, const struct qenv *qe,
    enum bounce_why why, const char *rcpt, const char *hdr, size_t hlen,
    time_t now, char *out, size_t cap)
{
	char date[64], made[64], host[HOSTNAME_MAX + 1], from[ADDR_MAX + 1];
	struct err fe;
	size_t n = 0, i;

	/* the account's from as it was for the submitter (%U, maildomain) */
	err_init(&fe);
	if (local_from_uid(a, qe->uid, from, sizeof(from), &fe) == -1 ||
	    from[0] == '\0')
		snprintf(from, sizeof(from), "%s", rcpt);

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
	    "Last error: %s\r\nSender:     <%s>\r\nSubmitter:  uid %lu\r\n",
	    from, rcpt, date, qe->id, host, host,
	    bounce_whys[why], qe->id, made, qe->attempts, qe->last_error,
	    qe->env.sender, (unsigned long)qe->uid);
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

/* aliases_cb: the first address root expands to. */
static int
bounce_first(void *arg, const char *addr, struct err *e)
{
	char *out = arg;

	(void)e;
	if (out[0] == '\0')
		snprintf(out, ADDR_MAX + 1, "%s", addr);
	return 0;
}

/* Root's address: its aliases entry, else the account's from. */
static int
bounce_admin(const struct account *a, char *to, struct err *e)
{
	char from[ADDR_MAX + 1];
	struct aliases al;
	struct err ae;
	bool utf8;

	to[0] = '\0';
	memset(&al, 0, sizeof(al));
	err_init(&ae);
	if (a->aliases != NULL && aliases_load(a->aliases, &al, &ae) == 0)
		aliases_expand(&al, "root", bounce_first, to, &ae);
	aliases_free(&al);
	if (to[0] != '\0')
		return 0;
	if (local_from(a, from, sizeof(from), e) == -1 || from[0] == '\0' ||
	    addr_check(from, false, to, &utf8, EX_CONFIG, e) == -1)
		return err_set(e, EX_CONFIG, "no address for root: neither "
		    "aliases nor from name one");
	return 0;
}

/* Where the notice about qe goes (see queue_bounce.h). */
static int
bounce_to(const struct account *a, const struct qenv *qe,
    enum bounce_why why, char *to, struct err *e)
{
	char name[ADDR_MAX + 1];

	if (why != BOUNCE_SENDER && qe->env.sender[0] != '\0' &&
	    local_addr(a, qe->env.sender, name, sizeof(name)) == LOCAL_NOT) {
		snprintf(to, ADDR_MAX + 1, "%s", qe->env.sender);
		return 0;
	}
	return bounce_admin(a, to, e);
}

int
queue_bounce(struct queue *q, const struct account *a, const struct qenv *qe,
    int msgfd, enum bounce_why why, char id[QUEUE_ID_LEN + 1], char *to,
    struct err *e)
{
	char *hdr = NULL, *text = NULL, *rcpt[1];
	struct qenv ne;
	size_t hlen, tlen;
	int fd = -1, rc = -1;

	id[0] = '\0';
	to[0] = '\0';
	if (qe->notice)
		return 0;	/* a notice is never answered by a notice */
	if (bounce_to(a, qe, why, to, e) == -1)
		return -1;
	if ((hdr = malloc(BOUNCE_HEADER_MAX)) == NULL ||
	    (text = malloc(BOUNCE_TEXT_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	hlen = bounce_orig_header(msgfd, hdr, BOUNCE_HEADER_MAX);
	tlen = queue_bounce_text(a, qe, why, to, hdr, hlen, queue_now(),
	    text, BOUNCE_TEXT_MAX);
	if ((fd = spool_open(NULL, e)) == -1)
		goto out;
	if (fd_write_all(fd, text, tlen) == -1) {
		err_sys(e, EX_IOERR, "notice spool");
		goto out;
	}
	rcpt[0] = to;
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
