/*
 * msg_hdr.c - the message header block: what goes to the spool.
 *
 * Owns the header fixes: Bcc/Resent-Bcc/Return-Path removed; Date,
 * Message-ID and From added when missing (in that order; From: replaced
 * or never added as set_from says); local names in From:, To: and Cc:
 * rewritten through opts->local (hdr_local.h); -t recipients
 * from To/Cc/Bcc, or from the topmost Resent- block when there is one;
 * folding of lines over MSG_LINE_MAX; msg_date() and the checks of -F
 * and of the Message-ID domain (only when a Message-ID is added).  Works
 * on the block that msg.c collected in c->hbuf and writes with msg_put().
 *
 * Folding (RFC 5322 2.2.3) of a line over MSG_LINE_MAX octets: CRLF goes
 * before the last SP or HTAB within the limit, so that WSP starts the
 * continuation and unfolding gives the line back; without one, CRLF SP
 * goes after the last ',' (address lists stay intact); only a line with
 * neither is split at the limit (backing off to a UTF-8 character start)
 * with CRLF SP.  A fold never comes before the first non-WSP byte of the
 * field body or of the continuation line.  The -t recipients come from
 * hbuf, the lines as read, so folding never changes them.
 *
 * Invariants: header lines we generate are single ASCII lines built from
 * checked pieces only; each -t recipient passed addr_check(); no header
 * line in the spool exceeds MSG_LINE_MAX octets.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "b64.h"
#include "err.h"
#include "hdr.h"
#include "msg.h"
#include "msg_int.h"

#define MSG_FULLNAME_MAX	256	/* -F in bytes */
#define MSG_DOMAIN_MAX		253	/* right side of Message-ID */
#define MSG_ID_BYTES		16	/* 128 random bits */
#define MSG_EW_CHUNK		45	/* bytes per encoded-word: 60 base64 */
#define MSG_PHRASE_MAX		600	/* -F as 7 encoded-words of 76 */
#define MSG_GEN_MAX		(MSG_PHRASE_MAX + ADDR_MAX + 16)
#define MSG_DATE_MAX		64

/* Fields of interest; hdr_is() matches them case-insensitively. */
#define MSG_HF_STRIP	0x01	/* never copied to the spool */
#define MSG_HF_RCPT	0x02	/* -t recipients */
#define MSG_HF_RESENT	0x04	/* Resent- destination field */
#define MSG_HF_DATE	0x08
#define MSG_HF_MSGID	0x10
#define MSG_HF_FROM	0x20
#define MSG_HF_SENDER	0x40	/* dropped for a restricted caller */
#define MSG_HF_FOREIGN	0x80	/* (seen) From: names another address */

static const struct msg_field {
	const char	*name;
	unsigned	 flags;
} msg_fields[] = {
	{ "Bcc",		MSG_HF_STRIP | MSG_HF_RCPT },
	{ "Cc",			MSG_HF_RCPT },
	{ "Date",		MSG_HF_DATE },
	{ "From",		MSG_HF_FROM },
	{ "Message-ID",		MSG_HF_MSGID },
	{ "Resent-Bcc",		MSG_HF_STRIP | MSG_HF_RCPT | MSG_HF_RESENT },
	{ "Resent-Cc",		MSG_HF_RCPT | MSG_HF_RESENT },
	{ "Resent-To",		MSG_HF_RCPT | MSG_HF_RESENT },
	{ "Return-Path",	MSG_HF_STRIP },	/* RFC 5321 4.4 */
	{ "Sender",		MSG_HF_SENDER },
	{ "To",			MSG_HF_RCPT },
};

static const char msg_days[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char msg_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static unsigned
msg_field_flags(const struct hdr_field *f)
{
	size_t i;

	for (i = 0; i < sizeof(msg_fields) / sizeof(msg_fields[0]); i++)
		if (hdr_is(f, msg_fields[i].name))
			return msg_fields[i].flags;
	return 0;
}

/*
 * The topmost resent block: the Resent-* fields from the first one up to
 * the first field that is not Resent-*.  Resent-* fields after that
 * belong to older blocks (RFC 5322 3.6.6 prepends a block per re-send).
 * A trace field inside a block also ends it; keep it simple.
 */
enum msg_resent { MSG_RS_BEFORE, MSG_RS_IN, MSG_RS_AFTER };

static bool
msg_resent_step(enum msg_resent *st, const struct hdr_field *f)
{
	bool resent;

	resent = f->namelen >= 7 && strncasecmp(f->name, "Resent-", 7) == 0;
	if (resent && *st == MSG_RS_BEFORE)
		*st = MSG_RS_IN;
	else if (!resent && *st == MSG_RS_IN)
		*st = MSG_RS_AFTER;
	return resent && *st == MSG_RS_IN;
}

static int
msg_rcpt_add(void *arg, const char *addr, size_t len)
{
	struct msg_ctx *c = arg;
	struct msg_info *info = c->info;
	char in[ADDR_MAX + 1], out[ADDR_MAX + 1], **v;
	bool utf8;

	if (info->nrcpts >= MSG_MAX_RCPTS)
		return err_set(c->e, EX_USAGE, "more than %d recipients",
		    MSG_MAX_RCPTS);
	if (len > ADDR_MAX)
		return err_set(c->e, EX_DATAERR, "address too long");
	memcpy(in, addr, len);
	in[len] = '\0';
	if (addr_check(in, false, out, &utf8, EX_DATAERR, c->e) == -1)
		return -1;
	if (info->nrcpts == c->rcap) {
		c->rcap = c->rcap == 0 ? 16 : 2 * c->rcap;
		v = reallocarray(info->rcpts, c->rcap, sizeof(*v));
		if (v == NULL)
			return err_set(c->e, EX_OSERR, "out of memory");
		info->rcpts = v;
	}
	if ((info->rcpts[info->nrcpts] = strdup(out)) == NULL)
		return err_set(c->e, EX_OSERR, "out of memory");
	info->nrcpts++;
	return 0;
}

/* Does some field name a Resent- destination?  Then only those count. */
static bool
msg_has_resent_rcpt(const struct msg_ctx *c)
{
	struct hdr_iter it;
	struct hdr_field f;
	int r;

	hdr_iter_init(&it, c->hbuf, c->hlen);
	while ((r = hdr_next(&it, &f)) != 0)
		if (r == 1 && (msg_field_flags(&f) & MSG_HF_RESENT) != 0)
			return true;
	return false;
}

/*
 * Where to fold s[start..n) (longer than lim) so that the first line is
 * at most lim octets.  A WSP or ',' fold point needs a non-WSP byte at
 * or after offset from (the field body) before it.  Returns the offset
 * of the next line; *sp: put SP after the CRLF (',' and hard splits).
 */
static size_t
msg_fold_at(const char *s, size_t start, size_t lim, size_t from,
    bool *sp)
{
	size_t i, end = start + lim, wsp = 0, comma = 0;
	bool seen = false;

	for (i = from > start ? from : start; i <= end; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			if (seen)
				wsp = i;
			continue;
		}
		seen = true;
		if (s[i] == ',' && i < end)
			comma = i + 1;
	}
	*sp = wsp == 0;
	if (wsp != 0)
		return wsp;
	if (comma != 0)
		return comma;
	for (i = end; i > start + 1 && i + 3 > end &&
	    ((unsigned char)s[i] & 0xc0) == 0x80; i--)
		continue;
	return ((unsigned char)s[i] & 0xc0) == 0x80 ? end : i;
}

/* Put s[0..n), a line without its end, folded; body: see msg_fold_at. */
static int
msg_put_folded(struct msg_ctx *c, const char *s, size_t n, size_t body)
{
	size_t start = 0, lim = MSG_LINE_MAX, next;
	bool sp;

	while (n - start > lim) {
		next = msg_fold_at(s, start, lim, body, &sp);
		if (msg_put(c, s + start, next - start) == -1 ||
		    msg_put(c, sp ? "\r\n " : "\r\n", sp ? 3 : 2) == -1)
			return -1;
		start = next;
		lim = sp ? MSG_LINE_MAX - 1 : MSG_LINE_MAX;
		body = 0;
	}
	return msg_put(c, s + start, n - start);
}

/* Put a field (or a raw line) of hbuf, each of its lines folded. */
static int
msg_put_field(struct msg_ctx *c, const struct hdr_field *f)
{
	const char *p = f->raw, *end = f->raw + f->rawlen, *q;
	size_t body, len, n;

	body = f->value != NULL ? (size_t)(f->value - f->raw) : 0;
	while (p < end) {
		q = memchr(p, '\n', (size_t)(end - p));
		len = q != NULL ? (size_t)(q - p) + 1 : (size_t)(end - p);
		n = len;
		if (n > 0 && p[n - 1] == '\n')
			n--;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (msg_put_folded(c, p, n, body) == -1 ||
		    msg_put(c, p + n, len - n) == -1)
			return -1;
		body = 0;
		p += len;
	}
	return 0;
}

/*
 * From:, To: or Cc: with local names: put the rewritten field.  *done
 * false: the caller copies the field as it is.
 */
static int
msg_put_local(struct msg_ctx *c, const struct hdr_field *f, unsigned fl,
    bool *done)
{
	char *line;
	size_t n;
	int r;

	*done = false;
	if (c->opts->local == NULL || (fl & MSG_HF_RESENT) != 0 ||
	    !(hdr_is(f, "From") || hdr_is(f, "To") || hdr_is(f, "Cc")))
		return 0;
	if ((line = malloc(f->namelen + 1 + HDR_LOCAL_MAX)) == NULL)
		return err_set(c->e, EX_OSERR, "out of memory");
	memcpy(line, f->name, f->namelen);
	line[f->namelen] = ':';
	if (hdr_local_rewrite(f->value, f->valuelen, (fl & MSG_HF_FROM) != 0,
	    c->opts->local, c->opts->local_arg, line + f->namelen + 1,
	    HDR_LOCAL_MAX, &n) == 1) {
		*done = true;
		n += f->namelen + 1;
		r = msg_put_folded(c, line, n, f->namelen + 1);
		if (r == 0)
			r = msg_put(c, "\r\n", 2);
		free(line);
		return r;
	}
	free(line);
	return 0;
}

struct msg_foreign {
	const char	*own;
	bool		 foreign;
};

/* addr_cb: is this From: address another than the caller's own? */
static int
msg_foreign_cb(void *arg, const char *addr, size_t len)
{
	struct msg_foreign *x = arg;

	if (strlen(x->own) != len || strncasecmp(x->own, addr, len) != 0)
		x->foreign = true;
	return 0;
}

/* Does From: f name anyone but own (an unparsable one does)? */
static bool
msg_from_foreign(const struct hdr_field *f, const char *own)
{
	struct msg_foreign x = { own, false };
	struct err e;

	err_init(&e);
	if (addr_parse_list(f->value, f->valuelen, msg_foreign_cb, &x,
	    &e) == -1)
		return true;
	return x.foreign;
}

/*
 * Copy the kept fields, note which of Date/Message-ID/From exist (the
 * MSG_HF_* bits in *seen) and, with -t, collect the recipients.
 */
static int
msg_header_copy(struct msg_ctx *c, unsigned *seen)
{
	struct hdr_iter it;
	struct hdr_field f;
	enum msg_resent st = MSG_RS_BEFORE;
	unsigned fl;
	bool resent, first, want, done;
	int r;

	resent = c->opts->read_rcpts && msg_has_resent_rcpt(c);
	hdr_iter_init(&it, c->hbuf, c->hlen);
	while ((r = hdr_next(&it, &f)) != 0) {
		fl = r == 1 ? msg_field_flags(&f) : 0;
		first = r == 1 && msg_resent_step(&st, &f);
		*seen |= fl;
		want = (fl & MSG_HF_RCPT) != 0 && c->opts->read_rcpts;
		if (want && resent)
			want = (fl & MSG_HF_RESENT) != 0 && first;
		else if (want)
			want = (fl & MSG_HF_RESENT) == 0;
		if (want && addr_parse_list(f.value, f.valuelen, msg_rcpt_add,
		    c, c->e) == -1)
			return -1;
		if ((fl & MSG_HF_FROM) != 0 &&
		    c->opts->set_from == MSG_FROM_ON) {
			*seen &= ~(unsigned)MSG_HF_FROM;
			continue;
		}
		if ((fl & MSG_HF_STRIP) != 0 || ((fl & MSG_HF_SENDER) != 0 &&
		    c->own[0] != '\0'))
			continue;
		if (msg_put_local(c, &f, fl, &done) == -1 ||
		    (!done && msg_put_field(c, &f) == -1))
			return -1;
		/* a local From: was just rewritten to the own address */
		if ((fl & MSG_HF_FROM) != 0 && !done && c->own[0] != '\0' &&
		    msg_from_foreign(&f, c->own))
			*seen |= MSG_HF_FOREIGN;
	}
	return 0;
}

void
msg_date(time_t t, char *out, size_t cap)
{
	struct tm tm;
	long off = 0;
	char sign = '+';

	if (localtime_r(&t, &tm) != NULL)
		off = tm.tm_gmtoff / 60;
	else if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));	/* unrepresentable time */
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(out, cap, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    msg_days[tm.tm_wday % 7], tm.tm_mday, msg_months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
	    off / 60, off % 60);
}

/* 128 random bits as 32 hex digits: getrandom(), else /dev/urandom. */
static int
msg_random_hex(char *out, struct err *e)
{
	unsigned char b[MSG_ID_BYTES];
	size_t got = 0, i;
	ssize_t n;
	int fd = -1;

	while (got < sizeof(b)) {
		n = fd == -1 ? getrandom(b + got, sizeof(b) - got, 0) :
		    read(fd, b + got, sizeof(b) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (fd != -1) {
			close(fd);
			return err_set(e, EX_OSERR, "/dev/urandom: short read");
		}
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd == -1)
			return err_sys(e, EX_OSERR, "/dev/urandom");
		got = 0;
	}
	if (fd != -1)
		close(fd);
	for (i = 0; i < sizeof(b); i++) {
		out[2 * i] = "0123456789abcdef"[b[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[b[i] & 0xf];
	}
	out[2 * sizeof(b)] = '\0';
	return 0;
}

/* -F: never let a control byte near a header. */
int
msg_check_opts(const struct msg_opts *o, struct err *e)
{
	const unsigned char *p;

	if (o->fullname != NULL && strlen(o->fullname) > MSG_FULLNAME_MAX)
		return err_set(e, EX_USAGE, "full name longer than %d bytes",
		    MSG_FULLNAME_MAX);
	for (p = (const void *)o->fullname; p != NULL && *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, EX_USAGE,
			    "control character in the full name");
	return 0;
}

/* The Message-ID domain, checked only when a Message-ID is added. */
static int
msg_check_domain(const char *domain, struct err *e)
{
	const unsigned char *p;

	if (domain != NULL && (domain[0] == '\0' ||
	    strlen(domain) > MSG_DOMAIN_MAX))
		return err_set(e, EX_USAGE, "bad domain for Message-ID");
	for (p = (const void *)domain; p != NULL && *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f ||
		    strchr("<>@\"\\(),;", *p) != NULL)
			return err_set(e, EX_USAGE,
			    "invalid character in the domain for Message-ID");
	return 0;
}

/* -F as RFC 2047 encoded-words; chunks end on UTF-8 boundaries. */
static void
msg_phrase_2047(const char *s, char *out, size_t cap)
{
	char b64[B64_ENCODED_SIZE(MSG_EW_CHUNK)];
	size_t len = strlen(s), n, o = 0;

	while (len > 0 && o < cap) {
		n = len < MSG_EW_CHUNK ? len : MSG_EW_CHUNK;
		while (n < len && n > MSG_EW_CHUNK - 3 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		b64_encode(s, n, b64);
		o += (size_t)snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=",
		    o > 0 ? " " : "", b64);
		s += n;
		len -= n;
	}
}

/* The display name for an added From: ("" without -F). */
static void
msg_phrase(const char *s, char *out, size_t cap)
{
	const char *p;
	bool special = false;
	size_t o = 0;

	out[0] = '\0';
	if (s == NULL || *s == '\0')
		return;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80) {
			msg_phrase_2047(s, out, cap);
			return;
		}
		if (strchr("()<>[]:;@\\,.\"", *p) != NULL)
			special = true;
	}
	if (!special) {
		snprintf(out, cap, "%s", s);
		return;
	}
	out[o++] = '"';
	for (p = s; *p != '\0' && o + 3 < cap; p++) {
		if (*p == '\\' || *p == '"')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* Add Date, Message-ID and From (in that order) when missing. */
static int
msg_header_add(struct msg_ctx *c, unsigned seen)
{
	const struct msg_opts *o = c->opts;
	char line[MSG_GEN_MAX], tmp[MSG_PHRASE_MAX], from[ADDR_MAX + 1];
	bool utf8;

	if ((seen & MSG_HF_DATE) == 0) {
		msg_date(o->now, tmp, MSG_DATE_MAX);
		snprintf(line, sizeof(line), "Date: %s\r\n", tmp);
		if (msg_put(c, line, strlen(line)) == -1)
			return -1;
		c->info->added_date = true;
	}
	if ((seen & MSG_HF_MSGID) == 0) {
		if (msg_check_domain(o->domain, c->e) == -1 ||
		    msg_random_hex(tmp, c->e) == -1)
			return -1;
		snprintf(line, sizeof(line), "Message-ID: <%s@%s>\r\n", tmp,
		    o->domain != NULL ? o->domain : "localhost");
		if (msg_put(c, line, strlen(line)) == -1)
			return -1;
		c->info->added_msgid = true;
	}
	if ((seen & MSG_HF_FROM) == 0 && o->set_from != MSG_FROM_OFF &&
	    o->sender != NULL &&
	    o->sender[0] != '\0') {
		if (addr_check(o->sender, false, from, &utf8, EX_USAGE,
		    c->e) == -1)
			return -1;
		msg_phrase(o->fullname, tmp, sizeof(tmp));
		snprintf(line, sizeof(line), "From: %s%s<%s>\r\n", tmp,
		    tmp[0] != '\0' ? " " : "", from);
		if (msg_put(c, line, strlen(line)) == -1)
			return -1;
		c->info->added_from = true;
	}
	if ((seen & MSG_HF_FOREIGN) != 0) {
		snprintf(line, sizeof(line), "Sender: <%s>\r\n", c->own);
		if (msg_put(c, line, strlen(line)) == -1)
			return -1;
	}
	return msg_put(c, "\r\n", 2);
}

int
msg_header_write(struct msg_ctx *c)
{
	unsigned seen = 0;
	bool utf8;

	c->own[0] = '\0';
	if (c->opts->sender_hdr != NULL && c->opts->sender_hdr[0] != '\0' &&
	    addr_check(c->opts->sender_hdr, false, c->own, &utf8, EX_CONFIG,
	    c->e) == -1)
		return -1;

	if (msg_header_copy(c, &seen) == -1)
		return -1;
	return msg_header_add(c, seen);
}
