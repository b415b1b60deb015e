/*
 * bs.c - the -bs SMTP server dialogue (see bs.h).
 *
 * State: a transaction exists once MAIL was accepted (sender set); it
 * gains recipients and ends at the reply to DATA's final dot, RSET, a
 * second HELO/EHLO or QUIT.  Input goes through in[] with poll() against
 * a fresh BS_TIMEOUT_MS deadline per line.  A command line longer than
 * BS_CMD_MAX is answered 500 and its rest skipped; body lines of any
 * length stream to the spool in BS_TEXT_MAX pieces (the "." test only
 * looks at line starts).  Invariants: no reply is written before the
 * command it answers has been read whole; the 250 to the final dot is
 * written only after the submit callback returned.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "bs.h"
#include "bs_param.h"
#include "deadline.h"
#include "fdio.h"
#include "msg.h"
#include "spool.h"

#define BS_IN_BUF	(16 * 1024)

struct bs {
	int		 in, out;
	const char	*name;
	bs_submit_fn	 submit;
	void		*arg;
	struct err	*e;
	char		 in_buf[BS_IN_BUF];
	size_t		 pos, len;
	bool		 eof;
	bool		 has_mail;
	struct bs_params params;	/* of MAIL and the RCPTs so far */
	char		 sender[ADDR_MAX + 1];
	char		**rcpts;
	size_t		 nrcpts;
	unsigned	 errors;
};

/* Read one line (or BS_TEXT_MAX - 1 bytes of it): 1, 0 at EOF, -1. */
static int
bs_getline(struct bs *b, char *line, size_t cap, size_t *n, bool *eol)
{
	struct pollfd pfd;
	deadline_t dl = deadline_in(BS_TIMEOUT_MS);
	ssize_t r;
	char c;

	*n = 0;
	*eol = false;
	while (*n + 1 < cap) {
		if (b->pos == b->len) {
			if (b->eof)
				break;
			pfd.fd = b->in;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, deadline_left_ms(dl)) == 0)
				return err_set(b->e, EX_TEMPFAIL, "-bs: no "
				    "input for %d s", BS_TIMEOUT_MS / 1000);
			r = read(b->in, b->in_buf, sizeof(b->in_buf));
			if (r == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r == -1)
				return err_sys(b->e, EX_IOERR, "-bs: read");
			b->eof = r == 0;
			b->pos = 0;
			b->len = (size_t)r;
			continue;
		}
		c = line[(*n)++] = b->in_buf[b->pos++];
		if (c == '\n') {
			*eol = true;
			break;
		}
	}
	line[*n] = '\0';
	return *n > 0 ? 1 : 0;
}

static int
bs_write(struct bs *b, const char *s, size_t n)
{
	if (fd_write_all(b->out, s, n) == -1)
		return err_sys(b->e, EX_IOERR, "-bs: write");
	return 0;
}

/* A reply: text (CRLF inside for a multi-line one) and CRLF. */
static int
bs_reply(struct bs *b, const char *text)
{
	if (bs_write(b, text, strlen(text)) == -1)
		return -1;
	return bs_write(b, "\r\n", 2);
}

static void
bs_reset(struct bs *b)
{
	size_t i;

	for (i = 0; i < b->nrcpts; i++)
		free(b->rcpts[i]);
	b->nrcpts = 0;
	b->has_mail = false;
	memset(&b->params, 0, sizeof(b->params));
	b->sender[0] = '\0';
}

/* "FROM:<addr> params" / "TO:<addr> params": the address in out. */
static const char *
bs_path(const char *arg, const char *kw, char *out, bool allow_empty,
    struct err *e)
{
	const char *p, *q;
	char tmp[ADDR_MAX + 3];
	bool utf8;
	size_t n;

	n = strlen(kw);
	if (strncasecmp(arg, kw, n) != 0)
		return NULL;
	for (p = arg + n; *p == ' '; p++)
		continue;
	if (*p != '<' || (q = strchr(p, '>')) == NULL ||
	    (size_t)(q - p + 1) >= sizeof(tmp))
		return NULL;
	memcpy(tmp, p, (size_t)(q - p + 1));
	tmp[q - p + 1] = '\0';
	if (addr_check(tmp, allow_empty, out, &utf8, EX_USAGE, e) == -1)
		return NULL;
	return q + 1;
}

static int
bs_mail(struct bs *b, const char *arg)
{
	struct err e;
	const char *params, *reply;

	err_init(&e);
	if (b->has_mail)
		return bs_reply(b, "503 5.5.1 MAIL already given (use RSET)");
	if ((params = bs_path(arg, "FROM:", b->sender, true, &e)) == NULL)
		return bs_reply(b, "501 5.1.7 bad sender address syntax");
	memset(&b->params, 0, sizeof(b->params));
	if (bs_param_mail(params, &b->params, &reply) == -1)
		return bs_reply(b, reply);
	if (b->params.size > BS_MAX_MESSAGE)
		return bs_reply(b, "552 5.3.4 message too big");
	b->has_mail = true;
	return bs_reply(b, "250 2.1.0 sender ok");
}

static int
bs_rcpt(struct bs *b, const char *arg)
{
	struct err e;
	char addr[ADDR_MAX + 1];
	const char *params, *reply;
	struct bs_params bp;

	err_init(&e);
	if (!b->has_mail)
		return bs_reply(b, "503 5.5.1 MAIL first");
	if ((params = bs_path(arg, "TO:", addr, false, &e)) == NULL)
		return bs_reply(b, "501 5.1.3 bad recipient address syntax");
	bp = b->params;
	if (bs_param_rcpt(params, &bp, &reply) == -1)
		return bs_reply(b, reply);
	if (b->nrcpts == MSG_MAX_RCPTS)
		return bs_reply(b, "452 4.5.3 too many recipients");
	if ((b->rcpts[b->nrcpts] = strdup(addr)) == NULL)
		return err_set(b->e, EX_OSERR, "out of memory");
	b->params = bp;
	b->nrcpts++;
	return bs_reply(b, "250 2.1.5 recipient ok");
}

/* One body line (piece): unstuff, spool.  *end: it was the lone dot. */
static int
bs_body_line(struct bs *b, int fd, const char *l, size_t n, bool start,
    size_t *size, bool *end)
{
	*end = start && (strcmp(l, ".\r\n") == 0 || strcmp(l, ".\n") == 0);
	if (*end)
		return 0;
	if (start && l[0] == '.') {
		l++;
		n--;
	}
	if (*size > BS_MAX_MESSAGE)
		return 0;
	*size += n;
	if (*size > BS_MAX_MESSAGE)
		return 0;
	if (fd_write_all(fd, l, n) == -1)
		return err_sys(b->e, EX_IOERR, "-bs: writing the spool");
	return 0;
}

/* Read the body up to the lone dot into fd; *size past the limit: too big */
static int
bs_body(struct bs *b, int fd, size_t *size)
{
	char line[BS_TEXT_MAX + 1];
	size_t n;
	bool eol, start = true, end;
	int r;

	*size = 0;
	for (;;) {
		if ((r = bs_getline(b, line, sizeof(line), &n, &eol)) == -1)
			return -1;
		if (r == 0)
			return err_set(b->e, EX_DATAERR, "-bs: input ended "
			    "inside DATA: that message was not sent");
		if (bs_body_line(b, fd, line, n, start, size, &end) == -1)
			return -1;
		if (end)
			return 0;
		start = eol;
	}
}

static int
bs_data(struct bs *b)
{
	struct bs_msg m;
	char reply[BS_REPLY_MAX];
	size_t size;
	int fd, r;

	if (!b->has_mail || b->nrcpts == 0)
		return bs_reply(b, "503 5.5.1 MAIL and RCPT first");
	if ((fd = spool_open(NULL, b->e)) == -1)
		return -1;
	if (bs_reply(b, "354 end with <CRLF>.<CRLF>") == -1 ||
	    bs_body(b, fd, &size) == -1) {
		close(fd);
		return -1;
	}
	if (size > BS_MAX_MESSAGE) {
		close(fd);
		bs_reset(b);
		return bs_reply(b, "552 5.3.4 message too big");
	}
	memset(&m, 0, sizeof(m));
	m.env.sender = b->sender;
	m.env.rcpts = b->rcpts;
	m.env.nrcpts = b->nrcpts;
	m.env.size = size;
	m.env.dsn = b->params.dsn;
	m.body_fd = fd;
	snprintf(reply, sizeof(reply), "451 4.3.0 not submitted");
	if (lseek(fd, 0, SEEK_SET) == 0)
		b->submit(b->arg, &m, reply, sizeof(reply));
	close(fd);
	bs_reset(b);
	r = bs_reply(b, reply);
	return r;
}

static int
bs_ehlo(struct bs *b, bool ehlo)
{
	char buf[BS_REPLY_MAX];

	bs_reset(b);
	if (!ehlo)
		snprintf(buf, sizeof(buf), "250 %s", b->name);
	else
		snprintf(buf, sizeof(buf), "250-%s\r\n250-PIPELINING\r\n"
		    "250-8BITMIME\r\n250-SIZE %d\r\n250-DSN\r\n"
		    "250 ENHANCEDSTATUSCODES",
		    b->name, BS_MAX_MESSAGE);
	return bs_reply(b, buf);
}

/* One command line (CRLF removed): 1 after QUIT, else 0 or -1. */
static int
bs_command(struct bs *b, char *line)
{
	char *arg = line + strcspn(line, " ");

	if (*arg != '\0')
		*arg++ = '\0';
	if (strcasecmp(line, "EHLO") == 0 || strcasecmp(line, "HELO") == 0)
		return bs_ehlo(b, strcasecmp(line, "EHLO") == 0);
	if (strcasecmp(line, "MAIL") == 0)
		return bs_mail(b, arg);
	if (strcasecmp(line, "RCPT") == 0)
		return bs_rcpt(b, arg);
	if (strcasecmp(line, "DATA") == 0)
		return bs_data(b);
	if (strcasecmp(line, "RSET") == 0) {
		bs_reset(b);
		return bs_reply(b, "250 2.0.0 reset");
	}
	if (strcasecmp(line, "NOOP") == 0)
		return bs_reply(b, "250 2.0.0 ok");
	if (strcasecmp(line, "QUIT") == 0)
		return bs_reply(b, "221 2.0.0 bye") == -1 ? -1 : 1;
	if (strcasecmp(line, "VRFY") == 0)
		return bs_reply(b, "252 2.5.2 cannot verify, send anyway");
	if (strcasecmp(line, "HELP") == 0)
		return bs_reply(b, "214 2.0.0 outpost -bs: see outpost(8)");
	b->errors++;
	if (strcasecmp(line, "AUTH") == 0 || strcasecmp(line, "STARTTLS") == 0)
		return bs_reply(b, "502 5.5.1 not needed on a local pipe");
	return bs_reply(b, "500 5.5.2 unknown command");
}

/* Read and answer one command: 1 when the dialogue is over. */
static int
bs_step(struct bs *b)
{
	char line[BS_CMD_MAX + 1];
	size_t n;
	bool eol, skipped = false;
	int r;

	if ((r = bs_getline(b, line, sizeof(line), &n, &eol)) <= 0)
		return r == 0 ? 1 : -1;
	while (!eol && (r = bs_getline(b, line, sizeof(line), &n, &eol)) > 0)
		skipped = true;
	if (r == -1)
		return -1;
	if (skipped) {
		b->errors++;
		return bs_reply(b, "500 5.5.2 line too long");
	}
	line[strcspn(line, "\r\n")] = '\0';
	if ((r = bs_command(b, line)) != 0)
		return r;
	if (b->errors < BS_MAX_ERRORS)
		return 0;
	bs_reply(b, "421 4.7.0 too many errors, closing");
	return 1;
}

void
bs_reply_for(const struct err *e, const char *queued_id, char *out,
    size_t cap)
{
	static const struct { int ex, code; const char *enh; } map[] = {
		{ EX_NOUSER, 550, "5.1.1" }, { EX_USAGE, 553, "5.1.3" },
		{ EX_DATAERR, 554, "5.6.0" }, { EX_NOPERM, 550, "5.7.1" },
		{ EX_CONFIG, 451, "4.3.5" }, { EX_TEMPFAIL, 451, "4.3.0" },
		{ EX_OSERR, 451, "4.3.0" }, { EX_IOERR, 451, "4.3.0" },
		{ EX_CANTCREAT, 451, "4.3.0" }, { 0, 554, "5.0.0" }
	};
	size_t i;

	if (!err_is_set(e)) {
		snprintf(out, cap, "250 2.0.0 %s%s", queued_id[0] != '\0' ?
		    "queued as " : "delivered", queued_id);
		return;
	}
	for (i = 0; map[i].ex != 0 && map[i].ex != e->ex; i++)
		continue;
	if (e->reply >= 400 && e->reply < 600)
		snprintf(out, cap, "%d %s %s", e->reply, e->enh[0] != '\0' ?
		    e->enh : e->reply < 500 ? "4.0.0" : "5.0.0", e->msg);
	else
		snprintf(out, cap, "%d %s %s", map[i].code, map[i].enh,
		    e->msg);
}

int
bs_serve(int in_fd, int out_fd, const char *hostname, bs_submit_fn submit,
    void *arg, struct err *e)
{
	struct bs *b;
	char greet[BS_REPLY_MAX];
	int r;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->rcpts = calloc(MSG_MAX_RCPTS, sizeof(*b->rcpts))) == NULL) {
		free(b);
		return err_set(e, EX_OSERR, "out of memory");
	}
	b->in = in_fd;
	b->out = out_fd;
	b->name = hostname;
	b->submit = submit;
	b->arg = arg;
	b->e = e;
	snprintf(greet, sizeof(greet), "220 %s ESMTP outpost (sendmail -bs)",
	    hostname);
	r = bs_reply(b, greet);
	while (r == 0)
		r = bs_step(b);
	if (r == -1 && e->ex == EX_TEMPFAIL)
		bs_reply(b, "421 4.4.2 timeout, closing");
	bs_reset(b);
	free(b->rcpts);
	free(b);
	return r == -1 ? -1 : 0;
}
