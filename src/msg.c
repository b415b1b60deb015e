/*
 * msg.c - the message: the streaming reader, stdin -> canonical spool.
 *
 * Owns struct msg_ctx (msg_int.h) and msg_read(): reading the message,
 * line-end normalisation, the end-of-input rule ("." line unless -i),
 * collecting the header block, splitting of over-long body lines and the
 * buffered spool writes (msg_put).  The header fixes (removed fields, -t
 * recipients, added Date/Message-ID/From, folding of over-long header
 * lines) are msg_hdr.c.
 *
 * Invariants: the spool receives only CRLF line ends and no line longer
 * than MSG_LINE_MAX octets; it always ends with CRLF; the header block
 * (at most MSG_MAX_HEADER_BYTES) is the only thing held in memory, the
 * body streams through fixed buffers.
 *
 * Input lines come as segments of at most MSG_LINE_MAX bytes; a line end
 * or EOF closes the line.  Line ends differ by part:
 *  - body: LF, CR LF or a lone CR (which becomes CRLF, the policy for
 *    bare CRs).
 *  - header block: LF, or a run of CRs followed by LF or by EOF.  A lone
 *    CR (a run of CRs followed by anything else) is no line end: each CR
 *    becomes a space.  sendmail and Postfix treat a lone CR as data, so
 *    "Subject: x\rBcc: y" stays one Subject line here too (callers that
 *    filter only LF rely on that), and CR CR LF is one line end, not a
 *    line plus an empty one.  A line that is no field ends the header
 *    block and starts the body; it is read under this rule to its end.
 * A longer line yields several segments: in the body each one is
 * followed by CRLF; in the header they are joined again in hbuf and
 * msg_hdr.c folds the line on output.  The header ends at the empty
 * line, at EOF, at "." or at the first line that is neither a field nor
 * a continuation; such a line starts the body and an empty line is put
 * before it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "hdr.h"
#include "msg.h"
#include "msg_int.h"

/* 1: input available, 0: EOF, -1: read error (66). */
static int
msg_fill(struct msg_ctx *c)
{
	struct pollfd pfd;
	ssize_t n;

	if (c->in_pos < c->in_len)
		return 1;
	if (c->in_eof)
		return 0;
	for (;;) {
		n = read(c->in_fd, c->in_buf, sizeof(c->in_buf));
		if (n >= 0)
			break;
		if (errno == EAGAIN) {
			pfd.fd = c->in_fd;
			pfd.events = POLLIN;
			(void)poll(&pfd, 1, -1);
		} else if (errno != EINTR)
			return err_sys(c->e, EX_NOINPUT, "reading the message");
	}
	c->in_pos = 0;
	c->in_len = (size_t)n;
	c->in_total += (size_t)n;
	if (n == 0)
		c->in_eof = true;
	return n > 0;
}

/* Consume the line end at in_pos (LF, CR LF or a lone CR). */
static int
msg_eol(struct msg_ctx *c)
{
	int r;

	c->ended = true;
	if (c->in_buf[c->in_pos++] == '\n')
		return 1;
	if ((r = msg_fill(c)) == -1)
		return -1;
	if (r == 1 && c->in_buf[c->in_pos] == '\n')
		c->in_pos++;
	return 1;
}

/*
 * In the header block, at a CR: take the run of CRs.  Followed by LF
 * (taken too) or EOF it is the line end: 1.  Else each CR is due as a
 * space (c->crs): 0.
 */
static int
msg_cr_run(struct msg_ctx *c)
{
	size_t n = 0;
	int r;

	for (;;) {
		if ((r = msg_fill(c)) == -1)
			return -1;
		if (r == 0 || c->in_buf[c->in_pos] != '\r')
			break;
		c->in_pos++;
		n++;
	}
	if (r == 1 && c->in_buf[c->in_pos] != '\n') {
		c->crs = n;
		return 0;
	}
	if (r == 1)
		c->in_pos++;
	c->ended = true;
	return 1;
}

/*
 * Next segment of a line, at most cap bytes, into line[].  A line end
 * right after cap bytes still closes this segment's line.  1: a segment
 * (c->ended tells whether the line is complete); 0: EOF at a line start.
 */
static int
msg_segment(struct msg_ctx *c, size_t cap)
{
	const char *p, *q;
	size_t n, i, avail;
	int r;

	c->llen = 0;
	c->ended = false;
	for (;;) {
		for (; c->crs > 0 && c->llen < cap; c->crs--)
			c->line[c->llen++] = ' ';
		if (c->crs > 0)
			return 1;		/* full, the line goes on */
		if ((r = msg_fill(c)) == -1)
			return -1;
		if (r == 0) {
			c->ended = true;
			return c->llen > 0;
		}
		p = c->in_buf + c->in_pos;
		avail = c->in_len - c->in_pos;
		if (*p == '\r' && c->in_hdr) {
			if ((r = msg_cr_run(c)) != 0)
				return r;
			continue;
		}
		if (*p == '\n' || *p == '\r')
			return msg_eol(c);
		if (c->llen == cap)
			return 1;
		n = avail < cap - c->llen ? avail : cap - c->llen;
		/* the segment ends at the first LF, or a CR before it */
		if ((q = memchr(p, '\n', n)) != NULL)
			n = (size_t)(q - p);
		i = (q = memchr(p, '\r', n)) != NULL ? (size_t)(q - p) : n;
		memcpy(c->line + c->llen, p, i);
		c->llen += i;
		c->in_pos += i;
	}
}

/* A line that is a lone "." ends the input unless -i. */
static bool
msg_is_dot(const struct msg_ctx *c)
{
	return c->opts->dot_ends && c->ended && c->llen == 1 &&
	    c->line[0] == '.';
}

static int
msg_flush(struct msg_ctx *c)
{
	if (fd_write_all(c->out_fd, c->out_buf, c->out_len) == -1)
		return err_sys(c->e, EX_IOERR, "writing the spool");
	c->out_total += c->out_len;
	c->out_len = 0;
	return 0;
}

/* Any byte >= 0x80?  Eight bytes at a time: this runs on every byte. */
static bool
msg_has_8bit(const char *s, size_t n)
{
	uint64_t w, acc = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return (acc & UINT64_C(0x8080808080808080)) != 0;
}

int
msg_put(struct msg_ctx *c, const char *s, size_t n)
{
	size_t k;

	if (!c->eightbit)
		c->eightbit = msg_has_8bit(s, n);
	while (n > 0) {
		if (c->out_len == sizeof(c->out_buf) && msg_flush(c) == -1)
			return -1;
		k = sizeof(c->out_buf) - c->out_len;
		if (k > n)
			k = n;
		memcpy(c->out_buf + c->out_len, s, k);
		c->out_len += k;
		s += k;
		n -= k;
	}
	return 0;
}

static int
msg_hadd(struct msg_ctx *c, const char *s, size_t n)
{
	if (n > MSG_MAX_HEADER_BYTES - c->hlen)
		return err_set(c->e, EX_DATAERR,
		    "header block larger than %d bytes", MSG_MAX_HEADER_BYTES);
	memcpy(c->hbuf + c->hlen, s, n);
	c->hlen += n;
	return 0;
}

/* May line[] (a line start) stay in the header block? */
static bool
msg_is_header_line(const struct msg_ctx *c)
{
	struct hdr_iter it;
	struct hdr_field f;

	if (c->line[0] == ' ' || c->line[0] == '\t')
		return c->hlen > 0;		/* continuation of a field */
	hdr_iter_init(&it, c->line, c->llen);
	return hdr_next(&it, &f) == 1;
}

/* Collect the header block into hbuf (see the top of the file). */
static int
msg_header_read(struct msg_ctx *c)
{
	bool bol = true;
	int r;

	c->in_hdr = true;
	for (;;) {
		if ((r = msg_segment(c, MSG_LINE_MAX)) == -1)
			return -1;
		if (r == 0 || (bol && msg_is_dot(c))) {
			c->stop = true;
			break;
		}
		if (bol && c->llen == 0)
			break;			/* the empty line */
		if (bol && !msg_is_header_line(c)) {
			c->pending = true;
			break;
		}
		if (bol && !c->ended)
			c->info->split_lines++;
		if (msg_hadd(c, c->line, c->llen) == -1 ||
		    (c->ended && msg_hadd(c, "\r\n", 2) == -1))
			return -1;
		bol = c->ended;
	}
	c->in_hdr = c->pending && !c->ended;	/* msg_body ends it */
	if (c->in_total == 0 || (c->stop && c->hlen == 0))
		return err_set(c->e, EX_DATAERR, "empty message");
	return 0;
}

/* Stream the body: from a pending line[], then to EOF or ".". */
static int
msg_body(struct msg_ctx *c)
{
	bool bol = true;
	int r;

	if (c->stop)
		return 0;
	for (;;) {
		if (!c->pending) {
			if ((r = msg_segment(c, MSG_LINE_MAX)) <= 0)
				return r;
			if (bol && msg_is_dot(c))
				return 0;
		}
		c->pending = false;
		if (bol && !c->ended)
			c->info->split_lines++;
		if (msg_put(c, c->line, c->llen) == -1 ||
		    msg_put(c, "\r\n", 2) == -1)
			return -1;
		bol = c->ended;
		if (bol)
			c->in_hdr = false;
	}
}

int
msg_read(int in_fd, const struct msg_opts *opts, int spool_fd,
    struct msg_info *info, struct err *e)
{
	struct msg_ctx *c;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	if (msg_check_opts(opts, e) == -1)
		return -1;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->hbuf = malloc(MSG_MAX_HEADER_BYTES)) == NULL) {
		free(c);
		return err_set(e, EX_OSERR, "out of memory");
	}
	c->opts = opts;
	c->info = info;
	c->e = e;
	c->in_fd = in_fd;
	c->out_fd = spool_fd;
	if (msg_header_read(c) == 0 && msg_header_write(c) == 0 &&
	    msg_body(c) == 0 && msg_flush(c) == 0) {
		info->size = c->out_total;
		info->eightbit = c->eightbit;
		rc = 0;
	}
	free(c->hbuf);
	free(c);
	if (rc == -1) {
		msg_info_free(info);
		memset(info, 0, sizeof(*info));
	}
	return rc;
}

void
msg_info_free(struct msg_info *info)
{
	size_t i;

	for (i = 0; i < info->nrcpts; i++)
		free(info->rcpts[i]);
	free(info->rcpts);
	info->rcpts = NULL;
	info->nrcpts = 0;
}
