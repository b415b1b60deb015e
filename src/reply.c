/*
 * reply.c - pure SMTP reply parser (RFC 5321 4.2.1) and EHLO keywords.
 *
 * Owns: the syntax check of every server reply line, the per-reply caps
 * (REPLY_MAX_LINE, REPLY_MAX_LINES, REPLY_MAX_BYTES), the enhanced status
 * code of the first line (RFC 2034, RFC 3463) and capability parsing.
 *
 * Invariants: r->text holds r->nlines NUL-terminated texts in r->len
 * bytes, r->len <= REPLY_MAX_BYTES; every line of one reply carries the
 * same code, whose first digit is 2-5; r->enh is "" or a well-formed
 * "c.s.d" whose class equals the first digit of r->code.  Any violation
 * is EX_PROTOCOL (76).  Text bytes other than NUL (including a stray CR)
 * are kept; whoever prints them sanitises them (err_sanitize).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "err.h"
#include "reply.h"
#include "sasl.h"

/* Longest detail or subject of an enhanced code: 1 to 3 digits. */
#define REPLY_ENH_PART_MAX	3

static int	reply_fail(struct reply_parser *, struct err *, const char *);
static size_t	reply_enh_part(const char *, size_t, size_t);
static void	reply_parse_enh(struct reply *);
static size_t	reply_token(const char *, size_t *);
static bool	reply_tokeq(const char *, size_t, const char *);
static void	reply_auth_params(const char *, struct capa *);
static unsigned long reply_size(const char *);
static void	reply_capa_line(const char *, struct capa *);

void
reply_parser_init(struct reply_parser *p)
{
	p->in_reply = 0;
}

static int
reply_fail(struct reply_parser *p, struct err *e, const char *what)
{
	p->in_reply = 0;
	return err_set(e, EX_PROTOCOL, "malformed server reply: %s", what);
}

int
reply_feed(struct reply_parser *p, const char *line, size_t len,
    struct reply *r, struct err *e)
{
	size_t tlen;
	int code, i;
	bool last;

	if (len > REPLY_MAX_LINE)
		return reply_fail(p, e, "line too long");
	if (memchr(line, '\0', len) != NULL)
		return reply_fail(p, e, "NUL byte");
	if (len < 3)
		return reply_fail(p, e, "no reply code");
	code = 0;
	for (i = 0; i < 3; i++) {
		if (line[i] < '0' || line[i] > '9')
			return reply_fail(p, e, "reply code not numeric");
		code = code * 10 + (line[i] - '0');
	}
	if (line[0] < '2' || line[0] > '5')
		return reply_fail(p, e, "reply code out of range");
	if (len > 3 && line[3] != '-' && line[3] != ' ')
		return reply_fail(p, e, "bad separator after the code");
	last = len == 3 || line[3] == ' ';
	if (!p->in_reply) {
		r->code = code;
		r->enh[0] = '\0';
		r->nlines = 0;
		r->len = 0;
		r->text[0] = '\0';
	} else if (code != r->code)
		return reply_fail(p, e, "reply code changed within a reply");
	if (r->nlines >= REPLY_MAX_LINES)
		return reply_fail(p, e, "too many lines");
	tlen = len > 4 ? len - 4 : 0;
	if (tlen + 1 > REPLY_MAX_BYTES - r->len)
		return reply_fail(p, e, "reply too long");
	if (tlen > 0)
		memcpy(r->text + r->len, line + 4, tlen);
	r->text[r->len + tlen] = '\0';
	r->len += tlen + 1;
	r->nlines++;
	if (r->nlines == 1)
		reply_parse_enh(r);
	p->in_reply = !last;
	return last ? 1 : 0;
}

const char *
reply_line(const struct reply *r, size_t i)
{
	size_t off = 0, n;

	if (i >= r->nlines)
		return "";
	for (n = 0; n < i; n++)
		off += strlen(r->text + off) + 1;
	return r->text + off;
}

const char *
reply_first_text(const struct reply *r)
{
	const char *t = reply_line(r, 0);
	size_t n = strlen(r->enh);

	if (n == 0 || strncmp(t, r->enh, n) != 0)
		return t;
	t += n;
	return *t == ' ' ? t + 1 : t;
}

/* Length of 1-3 digits at s[off], 0 when there are none or too many. */
static size_t
reply_enh_part(const char *s, size_t off, size_t len)
{
	size_t n = 0;

	while (off + n < len && s[off + n] >= '0' && s[off + n] <= '9')
		n++;
	return n > REPLY_ENH_PART_MAX ? 0 : n;
}

/* r->enh = leading "[245].d{1,3}.d{1,3}" of line 0 if its class fits. */
static void
reply_parse_enh(struct reply *r)
{
	const char *t = r->text;
	size_t len = strlen(t), n, m;

	r->enh[0] = '\0';
	if (len < 5 || (t[0] != '2' && t[0] != '4' && t[0] != '5') ||
	    t[1] != '.')
		return;
	if (t[0] - '0' != r->code / 100)
		return;
	if ((n = reply_enh_part(t, 2, len)) == 0 || 2 + n >= len ||
	    t[2 + n] != '.')
		return;
	if ((m = reply_enh_part(t, 3 + n, len)) == 0)
		return;
	if (3 + n + m < len && t[3 + n + m] != ' ')
		return;
	memcpy(r->enh, t, 3 + n + m);
	r->enh[3 + n + m] = '\0';
}

/*
 * Skip blanks at s; *len gets the length of the token that follows
 * (ends at a blank or the end).  Returns the offset of the token.
 */
static size_t
reply_token(const char *s, size_t *len)
{
	size_t off = 0, n = 0;

	while (s[off] == ' ' || s[off] == '\t')
		off++;
	while (s[off + n] != '\0' && s[off + n] != ' ' && s[off + n] != '\t')
		n++;
	*len = n;
	return off;
}

/* Case-insensitive: is the token s (n bytes) exactly kw? */
static bool
reply_tokeq(const char *s, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(s, kw, n) == 0;
}


/* Add every known mechanism named in the blank-separated list s. */
static void
reply_auth_params(const char *s, struct capa *c)
{
	size_t off, n;

	for (;;) {
		off = reply_token(s, &n);
		if (n == 0)
			return;
		c->auth_mechs |= sasl_capa_bit(s + off, n);
		s += off + n;
	}
}

/* SIZE parameter: the number, 0 when absent or not a plain number. */
static unsigned long
reply_size(const char *s)
{
	unsigned long v = 0;
	size_t off, n, i;
	unsigned d;

	off = reply_token(s, &n);
	for (i = 0; i < n; i++) {
		if (s[off + i] < '0' || s[off + i] > '9')
			return 0;
		d = (unsigned)(s[off + i] - '0');
		if (v > (~0UL - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	return v;
}

static void
reply_capa_line(const char *line, struct capa *c)
{
	const char *kw, *rest;
	size_t off, n;

	off = reply_token(line, &n);
	kw = line + off;
	rest = kw + n;
	if (n >= 5 && strncasecmp(kw, "AUTH=", 5) == 0) {
		/* Legacy "AUTH=PLAIN LOGIN": the first mech follows '='. */
		c->auth = true;
		c->auth_mechs |= sasl_capa_bit(kw + 5, n - 5);
		reply_auth_params(rest, c);
	} else if (reply_tokeq(kw, n, "AUTH")) {
		c->auth = true;
		reply_auth_params(rest, c);
	} else if (reply_tokeq(kw, n, "SIZE")) {
		c->size = true;
		c->size_max = reply_size(rest);
	} else if (reply_tokeq(kw, n, "STARTTLS"))
		c->starttls = true;
	else if (reply_tokeq(kw, n, "PIPELINING"))
		c->pipelining = true;
	else if (reply_tokeq(kw, n, "8BITMIME"))
		c->eightbitmime = true;
	else if (reply_tokeq(kw, n, "SMTPUTF8"))
		c->smtputf8 = true;
	else if (reply_tokeq(kw, n, "DSN"))
		c->dsn = true;
	else if (reply_tokeq(kw, n, "CHUNKING"))
		c->chunking = true;
	else if (reply_tokeq(kw, n, "ENHANCEDSTATUSCODES"))
		c->enhanced = true;
}

void
capa_parse(const struct reply *r, struct capa *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 1; i < r->nlines; i++)
		reply_capa_line(reply_line(r, i), c);
}
