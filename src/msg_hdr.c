/*
 * msg_hdr.c - the message header block: what goes to the spool.
 *
 * Owns the header fixes: Bcc/Resent-Bcc/Return-Path removed; Date,
 * Message-ID and From added when missing (in that order); -t recipients
 * from To/Cc/Bcc, or from the topmost Resent- block when there is one;
 * msg_date() and the checks of -F and the Message-ID domain.  Works on
 * the block that msg.c collected in c->hbuf and writes with msg_put().
 *
 * Invariants: header lines we generate are single ASCII lines built from
 * checked pieces only; each -t recipient passed addr_check().
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
	bool resent, first, want;
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
		if ((fl & MSG_HF_STRIP) == 0 &&
		    msg_put(c, f.raw, f.rawlen) == -1)
			return -1;
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

/* -F and the Message-ID domain: never let a control byte near a header. */
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
	if (o->domain != NULL && (o->domain[0] == '\0' ||
	    strlen(o->domain) > MSG_DOMAIN_MAX))
		return err_set(e, EX_USAGE, "bad domain for Message-ID");
	for (p = (const void *)o->domain; p != NULL && *p != '\0'; p++)
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
		if (msg_random_hex(tmp, c->e) == -1)
			return -1;
		snprintf(line, sizeof(line), "Message-ID: <%s@%s>\r\n", tmp,
		    o->domain != NULL ? o->domain : "localhost");
		if (msg_put(c, line, strlen(line)) == -1)
			return -1;
		c->info->added_msgid = true;
	}
	if ((seen & MSG_HF_FROM) == 0 && o->sender != NULL &&
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
	return msg_put(c, "\r\n", 2);
}

int
msg_header_write(struct msg_ctx *c)
{
	unsigned seen = 0;

	if (msg_header_copy(c, &seen) == -1)
		return -1;
	return msg_header_add(c, seen);
}
