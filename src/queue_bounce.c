/*
 * queue_bounce.c - the notice sent when a queued message is given up
 * (refused with a 5xx, or older than QUEUE_LIFETIME).
 *
 * A plain-text message from the null sender to the envelope sender (or
 * root's address: queue_bounce.h),
 * naming the recipients and the last error and quoting the header of the
 * original (at most BOUNCE_HEADER_MAX bytes, never the body).  From: is
 * the account's own address, since a smarthost refuses others.  It goes
 * out on its own connection through the same account; if that fails the
 * entry stays in dead/ and the failure is reported on stderr.
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

#include "cred.h"
#include "deliver.h"
#include "fdio.h"
#include "hostname.h"
#include "local.h"
#include "addr.h"
#include "aliases.h"
#include "msg.h"
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
	    qe->sender, (unsigned long)qe->uid);
	for (i = 0; i < qe->nrcpts; i++)
		bounce_add(out, cap, &n, "Recipient:  <%s>\r\n", qe->rcpts[i]);
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

	if (why != BOUNCE_SENDER && qe->sender[0] != '\0' &&
	    local_addr(a, qe->sender, name, sizeof(name)) == LOCAL_NOT) {
		snprintf(to, ADDR_MAX + 1, "%s", qe->sender);
		return 0;
	}
	return bounce_admin(a, to, e);
}

int
queue_bounce(const struct config *cfg, const struct account *a,
    struct queue *q, const struct qenv *qe, enum bounce_why why, char *to,
    struct err *e)
{
	char *hdr = NULL, *text = NULL, *rcpt[1];
	struct secret *pw = NULL;
	struct deliver_req r;
	size_t hlen, tlen;
	int fd = -1, rc = -1;

	if (bounce_to(a, qe, why, to, e) == -1)
		return -1;
	if ((hdr = malloc(BOUNCE_HEADER_MAX)) == NULL ||
	    (text = malloc(BOUNCE_TEXT_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	hlen = bounce_orig_header(q, qe->id, hdr, BOUNCE_HEADER_MAX);
	tlen = queue_bounce_text(a, qe, why, to, hdr, hlen, queue_now(),
	    text, BOUNCE_TEXT_MAX);
	if ((fd = spool_open(NULL, e)) == -1)
		goto out;
	if (fd_write_all(fd, text, tlen) == -1) {
		err_sys(e, EX_IOERR, "bounce spool");
		goto out;
	}
	if (cred_get(a, &pw, e) == -1)
		goto out;
	rcpt[0] = to;
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.a = a;
	r.sender = "";
	r.rcpts = rcpt;
	r.nrcpts = 1;
	r.need_smtputf8 = qe->smtputf8;
	r.eightbit = qe->eightbit;
	r.spool_fd = fd;
	r.size = tlen;
	r.pw = pw;
	r.ehlo_name = a->domain;
	rc = deliver(&r, e);
out:
	if (fd != -1)
		close(fd);
	secret_free(pw);
	free(hdr);
	free(text);
	return rc;
}
