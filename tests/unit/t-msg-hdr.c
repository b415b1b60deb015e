/*
 * t-msg-hdr.c - stdin -> spool, the header fixes: added Date/Message-ID/
 * From (the Message-ID domain checked only when one is added), -F
 * encoding, -t recipients (also with lone CRs and CR CR LF line ends),
 * and the folding of header lines over 998 octets (at WSP, after ',',
 * else hard; -t sees the same addresses).
 *
 * Input comes from a memfd or, for read boundaries, from an AF_UNIX
 * SOCK_SEQPACKET pair: each write is one packet and each read() returns
 * exactly one packet, so a split input arrives as split reads.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "err.h"
#include "msg.h"
#include "msgrun.h"
#include "tap.h"

#define HI	"Date: D\nMessage-ID: <m@x>\n"
#define HO	"Date: D\r\nMessage-ID: <m@x>\r\n"
#define CPY(dst, lit)	memcpy((dst), (lit), sizeof(lit))
#define FOLD_MAX	4096	/* expanded fold rows */
#define NADDR		70	/* -t addresses on one long line */

/* Lines of the header block that start with name (case-insensitive). */
static int
count_field(const char *out, const char *name)
{
	const char *p = out, *end = strstr(out, "\r\n\r\n");
	size_t n = strlen(name);
	int c = 0;

	if (end == NULL)
		end = out + strlen(out);
	while (p != NULL && p < end) {
		if (strncasecmp(p, name, n) == 0)
			c++;
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return c;
}

static size_t
longest_line(const char *s, size_t len)
{
	size_t i, n = 0, max = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			n = 0;
			i++;
		} else if (++n > max)
			max = n;
	}
	return max;
}

static bool
is_msgid_line(const char *out, const char *domain)
{
	const char *p = strstr(out, "\r\nMessage-ID: <");
	size_t i;

	if (p == NULL)
		return false;
	for (p += 15, i = 0; i < 32; i++)
		if (strchr("0123456789abcdef", p[i]) == NULL || p[i] == '\0')
			return false;
	return p[32] == '@' && strncmp(p + 33, domain, strlen(domain)) == 0 &&
	    strncmp(p + 33 + strlen(domain), ">\r\n", 3) == 0;
}

static void
test_added(void)
{
	const char *in, *want;
	char id1[48] = "", *p;
	struct run r;

	opts_reset();
	opts.sender = "me@example.org";
	in = "Subject: s\nX: y\n\nbody\n";
	run_mem(in, strlen(in), &r);
	ok(r.rc == 0 && r.info.added_date && r.info.added_msgid &&
	    r.info.added_from, "all three added");
	want = "Subject: s\r\nX: y\r\nDate: Tue, 24 Nov 2026 03:42:22 +0000\r\n"
	    "Message-ID: <";
	ok(strncmp(r.out, want, strlen(want)) == 0,
	    "added after the existing fields, Date first");
	ok(is_msgid_line(r.out, "example.org"), "Message-ID: <32 hex@domain>");
	p = strstr(r.out, "\r\nFrom: ");
	is_str(p, "\r\nFrom: <me@example.org>\r\n\r\nbody\r\n",
	    "From: <sender>, then the empty line and the body");
	ok(count_field(r.out, "Date:") == 1 &&
	    count_field(r.out, "Message-ID:") == 1 &&
	    count_field(r.out, "From:") == 1, "each exactly once");
	if ((p = strstr(r.out, "Message-ID: ")) != NULL)
		memcpy(id1, p, 47);
	run_free(&r);
	run_mem(in, strlen(in), &r);
	p = strstr(r.out, "Message-ID: ");
	ok(p != NULL && strncmp(p, id1, 47) != 0, "Message-IDs differ");
	run_free(&r);

	in = "date: Mon, 1 Jan 2001 00:00:00 +0000\nmessage-id: <a@b>\n"
	    "from: x@y\n\nbody\n";
	run_mem(in, strlen(in), &r);
	is_str(r.out, "date: Mon, 1 Jan 2001 00:00:00 +0000\r\n"
	    "message-id: <a@b>\r\nfrom: x@y\r\n\r\nbody\r\n",
	    "present (lower-case) ones kept unchanged, nothing added");
	ok(!r.info.added_date && !r.info.added_msgid && !r.info.added_from,
	    "added_* false when present");
	run_free(&r);

	in = "not a header\n";
	run_mem(in, strlen(in), &r);
	ok(strncmp(r.out, "Date: ", 6) == 0 &&
	    strstr(r.out, ">\r\nFrom: <me@example.org>\r\n\r\nnot a header\r\n")
	    != NULL, "empty header block: added fields, empty line, body");
	run_free(&r);
	in = "\nbody";
	run_mem(in, strlen(in), &r);
	ok(strstr(r.out, ">\r\n\r\nbody\r\n") != NULL &&
	    strstr(r.out, "\r\n\r\n\r\n") == NULL,
	    "leading empty line: one empty line after the added fields");
	run_free(&r);

	opts.sender = NULL;
	opts.domain = NULL;
	in = "Subject: s\n\nb\n";
	run_mem(in, strlen(in), &r);
	ok(r.rc == 0 && !r.info.added_from && count_field(r.out, "From:") == 0,
	    "no sender: no From added");
	ok(is_msgid_line(r.out, "localhost"), "no domain: @localhost");
	run_free(&r);
	opts_reset();
}

struct from_row {
	const char	*fullname;
	const char	*domain;
	const char	*sender;
	const char	*want;		/* the From line, NULL: fails 64 */
};

static const struct from_row from_rows[] = {
	{ NULL, "d.example", "me@x", "From: <me@x>" },
	{ "", "d.example", "me@x", "From: <me@x>" },
	{ "Joe Public", "d.example", "<me@x>", "From: Joe Public <me@x>" },
	{ "Joe Q. Public", "d.example", "me@x",
	    "From: \"Joe Q. Public\" <me@x>" },
	{ "Doe, John", "d.example", "me@x", "From: \"Doe, John\" <me@x>" },
	{ "a\"b\\c", "d.example", "me@x", "From: \"a\\\"b\\\\c\" <me@x>" },
	{ "J\xc3\xb6rg M\xc3\xbcller", "d.example", "me@x",
	    "From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <me@x>" },
	{ "CronDaemon", "d.example", "root", "From: CronDaemon <root>" },
	{ "Name\r\nBcc: victim@x", "d.example", "me@x", NULL },
	{ "Name\nBcc: victim@x", "d.example", "me@x", NULL },
	{ "Name\rX", "d.example", "me@x", NULL },
	{ "a\tb", "d.example", "me@x", NULL },
	{ "a\x7f", "d.example", "me@x", NULL },
	{ "Joe", "ex\r\nBcc: victim@x", "me@x", NULL },
	{ "Joe", "a b", "me@x", NULL },
	{ "Joe", "a>b", "me@x", NULL },
	{ "Joe", "d.example", "me@x\r\nBcc: victim@x", NULL },
};

static void
test_from(void)
{
	const struct from_row *f;
	const char *in = "Subject: s\n\nb\n";
	char *p, *q;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(from_rows) / sizeof(from_rows[0]); i++) {
		f = &from_rows[i];
		opts_reset();
		opts.fullname = f->fullname;
		opts.domain = f->domain;
		opts.sender = f->sender;
		run_mem(in, strlen(in), &r);
		if (f->want == NULL) {
			ok(r.rc == -1 && r.e.ex == EX_USAGE && r.outlen == 0,
			    "-F/domain/sender row %zu refused with %d: %s", i,
			    r.e.ex, r.e.msg);
		} else {
			p = strstr(r.out, "\r\nFrom: ");
			q = p != NULL ? strstr(p + 2, "\r\n") : NULL;
			if (q != NULL)
				*q = '\0';
			is_str(p != NULL ? p + 2 : NULL, f->want,
			    "From row %zu", i);
		}
		run_free(&r);
	}
	opts_reset();
}

/* A long non-ASCII -F: encoded-words <= 75 chars, split on characters. */
static void
test_from_long(void)
{
	char name[201], *p, *line, *w, *end;
	unsigned char dec[64], all[256];
	size_t i, n, alln = 0;
	bool good = true;
	struct run r;

	CPY(name, "ab");		/* shifts the chunk ends into a char */
	for (i = 2; i < 200; i += 2)
		CPY(name + i, "\xc3\xb6");
	name[200] = '\0';
	opts_reset();
	opts.sender = "me@x";
	opts.fullname = name;
	run_mem("S: s\n\nb\n", 8, &r);
	line = strstr(r.out, "\r\nFrom: ");
	ok(line != NULL, "long -F: From added");
	if (line == NULL) {
		run_free(&r);
		return;
	}
	end = strstr(line + 2, "\r\n");
	for (p = line + 8; p < end && good; p = w + 1) {
		if (strncmp(p, "<me@x>", 6) == 0)
			break;
		if ((w = strchr(p, ' ')) == NULL || w > end) {
			good = false;
			break;
		}
		n = (size_t)(w - p);
		good = n <= 75 && n > 12 && strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    strncmp(w - 2, "?=", 2) == 0 &&
		    b64_decode(p + 10, n - 12, dec, sizeof(dec), &n) == 0 &&
		    (dec[0] & 0xc0) != 0x80 && alln + n <= sizeof(all);
		if (good) {
			memcpy(all + alln, dec, n);
			alln += n;
		}
	}
	ok(good && alln == 200 && memcmp(all, name, 200) == 0,
	    "long -F: words <= 75, start on a character, decode to the name");
	ok((size_t)(end - line - 2) <= MSG_LINE_MAX, "long -F: one line");
	run_free(&r);
	opts_reset();
}

struct rcpt_row {
	const char	*what;
	const char	*in;
	const char	*want;		/* joined by '|'; NULL: error */
	int		 ex;
	const char	*absent;	/* must not be in the spool */
};

static const struct rcpt_row rcpt_rows[] = {
	{ "To/Cc/Bcc, five addresses, folded Cc, display names",
	    "From: me@x\nTo: Al <a@x>, b@x\nCc: \"Doe, C\" <c@x>,\n"
	    "\tD <d@x>\nSubject: s\nBcc: hidden@x\n\nTo: body@x\n",
	    "a@x|b@x|c@x|d@x|hidden@x|", 0, "hidden@x" },
	{ "Bcc with folding is removed", "To: a@x\nBcc: b@x,\n c@x\n\nz\n",
	    "a@x|b@x|c@x|", 0, "c@x" },
	{ "Resent-To above To: only the resent recipient",
	    "Resent-To: r@x\nResent-Date: D\nTo: y@x\nCc: z@x\n\nb\n",
	    "r@x|", 0, NULL },
	{ "first resent block only",
	    "Resent-To: new@x\nResent-Bcc: nb@x\nReceived: by h\n"
	    "Resent-To: old@x\nTo: y@x\n\nb\n", "new@x|nb@x|", 0, "nb@x" },
	{ "resent block below a Received field",
	    "Received: by h\nResent-Cc: rc@x\nResent-To: rt@x\nTo: y@x\n\nb",
	    "rc@x|rt@x|", 0, NULL },
	{ "Resent-From alone does not switch", "Resent-From: f@x\nTo: y@x\n\nb",
	    "y@x|", 0, NULL },
	{ "lower-case field names", "to: a@x\ncc: b@x\nbcc: c@x\n\nb",
	    "a@x|b@x|c@x|", 0, "c@x" },
	{ "bare local name passed through", "To: root\n\nb", "root|", 0,
	    NULL },
	{ "group and Bcc", "To: undisclosed-recipients:;\nBcc: z@x\n\nb",
	    "z@x|", 0, NULL },
	{ "UTF-8 recipient", "To: J <j\xc3\xb6@x>\n\nb", "j\xc3\xb6@x|", 0,
	    NULL },
	{ "no recipient fields", "Subject: s\n\nb", "", 0, NULL },
	{ "lone CR in Subject: no Bcc field, no recipient",
	    "To: a@x\nSubject: hi\rBcc: victim@evil.example\n\nb\n", "a@x|",
	    0, "\nBcc" },
	{ "CR CR LF line ends: Bcc removed, its address a recipient",
	    "To: a@x\r\r\nBcc: b@y\r\r\nSubject: s\r\r\n\r\r\nbody\r\r\n",
	    "a@x|b@y|", 0, "b@y" },
	{ "two @ in To", "To: a@b@c\n\nb", NULL, EX_DATAERR, NULL },
	{ "unbalanced < in Cc", "To: a@x\nCc: <b@x\n\nb", NULL, EX_DATAERR,
	    NULL },
	{ "control byte in To", "To: a\x01@x\n\nb", NULL, EX_DATAERR, NULL },
	{ "local part of 65 in To", "To: "
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
	    "l@x\n\nb", NULL, EX_DATAERR, NULL },
};

static void
test_rcpts(void)
{
	const struct rcpt_row *t;
	char got[512];
	struct run r;
	size_t i, j, o;

	opts_reset();
	opts.read_rcpts = true;
	for (i = 0; i < sizeof(rcpt_rows) / sizeof(rcpt_rows[0]); i++) {
		t = &rcpt_rows[i];
		run_mem(t->in, strlen(t->in), &r);
		got[0] = '\0';
		for (j = 0, o = 0; j < r.info.nrcpts; j++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s|",
			    r.info.rcpts[j]);
		if (t->want == NULL)
			ok(r.rc == -1 && r.e.ex == t->ex && r.info.nrcpts == 0,
			    "-t: %s: fails with %d (%s)", t->what, r.e.ex,
			    r.e.msg);
		else
			is_str(got, t->want, "-t: %s", t->what);
		if (t->absent != NULL)
			ok(strstr(r.out, t->absent) == NULL &&
			    count_field(r.out, "bcc") == 0 &&
			    count_field(r.out, "resent-bcc") == 0,
			    "-t: %s: no Bcc in the spool", t->what);
		run_free(&r);
	}
	opts.read_rcpts = false;
	run_mem(rcpt_rows[0].in, strlen(rcpt_rows[0].in), &r);
	ok(r.rc == 0 && r.info.nrcpts == 0 && strstr(r.out, "hidden@x") == NULL,
	    "without -t: no recipients, Bcc still removed");
	run_free(&r);
	opts_reset();
}

/* Expand s[0..n) into out: "~Nc" is N times c, "~N{text}" N times text. */
static size_t
expand(const char *s, size_t n, char *out, size_t o, size_t cap)
{
	size_t i, k, cnt, depth;
	char *e;

	for (i = 0; i < n; i++) {
		if (s[i] != '~') {
			if (o < cap)
				out[o++] = s[i];
			continue;
		}
		cnt = strtoul(s + i + 1, &e, 10);
		i = (size_t)(e - s);
		if (s[i] != '{') {
			for (k = 0; k < cnt && o < cap; k++)
				out[o++] = s[i];
			continue;
		}
		for (k = i + 1, depth = 1; depth > 0; k++)
			depth += s[k] == '{' ? 1 : s[k] == '}' ? -1 : 0;
		for (; cnt > 0; cnt--)
			o = expand(s + i + 1, k - i - 2, out, o, cap);
		i = k - 1;
	}
	return o;
}

struct fold_row {
	const char	*what;
	const char	*in;		/* header lines after HI, expanded */
	const char	*want;		/* spooled, after HO, expanded */
	size_t		 splits;
};

static const struct fold_row fold_rows[] = {
	{ "998 octets: not folded", "Subject: ~989a", "Subject: ~989a", 0 },
	{ "999 octets, no WSP or ',': hard split", "Subject: ~990a",
	    "Subject: ~989a\r\n a", 1 },
	{ "CRLF before the last SP within 998", "Subject: ~980a ~100b",
	    "Subject: ~980a\r\n ~100b", 1 },
	{ "SP at offset 998: a first line of 998", "Subject: ~989a ~50b",
	    "Subject: ~989a\r\n ~50b", 1 },
	{ "SP at offset 999 is out of reach", "Subject: ~990a ~50b",
	    "Subject: ~989a\r\n a ~50b", 1 },
	{ "HTAB: CRLF before it", "Subject: ~980a\t~100b",
	    "Subject: ~980a\r\n\t~100b", 1 },
	{ "no WSP: CRLF SP after the last ','", "X-List: ~12{~99c,}",
	    "X-List: ~9{~99c,}\r\n ~3{~99c,}", 1 },
	{ "WSP before a later ','", "X-List: ~500c ~400c,~200c",
	    "X-List: ~500c\r\n ~400c,~200c", 1 },
	{ "no fold right after the colon", "Subject: ~1500a",
	    "Subject: ~989a\r\n ~511a", 1 },
	{ "',' in the field name is no fold point", "X,Y: ~1500c",
	    "X,Y: ~993c\r\n ~507c", 1 },
	{ "hard split not inside a UTF-8 character",
	    "Subject: ~988a\xc3\xa9~100a",
	    "Subject: ~988a\r\n \xc3\xa9~100a", 1 },
	{ "a long continuation line: not before its first word",
	    "Subject: s\n ~500a ~600a", "Subject: s\r\n ~500a\r\n ~600a", 1 },
	{ "several folds, each at the last SP", "Subject: ~300{~9w }",
	    "Subject: ~98{~9w }~9w\r\n~99{ ~9w}\r\n~99{ ~9w}\r\n~3{ ~9w} ", 1 },
	{ "lone CRs past the segment: spaces, folded", "Subject: ~985a~20\rb",
	    "Subject: ~985a~4 \r\n~16 b", 1 },
};

/* Run in at once and cut at every offset from lo to hi: same output. */
static size_t
fold_cuts(const char *in, size_t lo, size_t hi, const char *want)
{
	struct run r;
	size_t cut, bad = 0;

	for (cut = lo; cut < hi && cut < strlen(in); cut++) {
		run_split(in, strlen(in), &cut, 1, &r);
		if (r.rc != 0 || strcmp(r.out, want) != 0)
			bad = cut;
		run_free(&r);
	}
	return bad;
}

static void
test_fold(void)
{
	const struct fold_row *f;
	char *in, *want;
	size_t i, n, h = strlen(HI), bad;
	struct run r;

	in = malloc(FOLD_MAX + 1);
	want = malloc(FOLD_MAX + 1);
	opts_reset();
	for (i = 0; i < sizeof(fold_rows) / sizeof(fold_rows[0]); i++) {
		f = &fold_rows[i];
		CPY(in, HI);
		n = expand(f->in, strlen(f->in), in, h, FOLD_MAX - 8);
		CPY(in + n, "\n\nb\n");
		CPY(want, HO);
		n = expand(f->want, strlen(f->want), want, strlen(HO),
		    FOLD_MAX - 12);
		CPY(want + n, "\r\n\r\nb\r\n");
		run_mem(in, strlen(in), &r);
		is_str(r.out, want, "fold: %s", f->what);
		ok(r.rc == 0 && longest_line(r.out, r.outlen) <= MSG_LINE_MAX &&
		    r.info.split_lines == f->splits, "fold: %s: <= 998, %zu "
		    "split", f->what, r.info.split_lines);
		run_free(&r);
		bad = fold_cuts(in, h + 980, h + 1030, want);
		ok(bad == 0, "fold: %s: same at read boundaries (bad %zu)",
		    f->what, bad);
	}
	free(in);
	free(want);
}

struct tlong_row {
	const char	*what;
	const char	*field;
	const char	*lead;		/* after the colon */
	const char	*sep;		/* between the addresses */
	bool		 named;		/* "Rcpt No x <address>" */
};

static const struct tlong_row tlong_rows[] = {
	{ "To:, \", \"", "To", "   ", ", ", false },
	{ "To:, \",\" only", "To", " ", ",", false },
	{ "Cc:, display names", "Cc", " ", ", ", true },
	{ "Bcc:, \",\\t\"", "Bcc", " ", ",\t", false },
};

/* -t with a line of NADDR addresses (> 998 octets): each one, in order. */
static void
test_fold_rcpts(void)
{
	const struct tlong_row *t;
	char in[NADDR * 64], got[NADDR * 32], want[NADDR * 32];
	size_t i, j, o, w, g;
	struct run r;

	opts_reset();
	opts.read_rcpts = true;
	for (i = 0; i < sizeof(tlong_rows) / sizeof(tlong_rows[0]); i++) {
		t = &tlong_rows[i];
		o = (size_t)snprintf(in, sizeof(in), "%s:%s", t->field,
		    t->lead);
		for (j = 0, w = 0; j < NADDR; j++) {
			if (j > 0)
				o += (size_t)snprintf(in + o, sizeof(in) - o,
				    "%s", t->sep);
			o += (size_t)snprintf(in + o, sizeof(in) - o,
			    t->named ? "Rcpt No x <r%03zu@example.org>" :
			    "r%03zu@example.org", j);
			w += (size_t)snprintf(want + w, sizeof(want) - w,
			    "r%03zu@example.org|", j);
		}
		snprintf(in + o, sizeof(in) - o, "\nSubject: s\n\nbody\n");
		run_mem(in, strlen(in), &r);
		for (j = 0, g = 0, got[0] = '\0'; j < r.info.nrcpts; j++)
			g += (size_t)snprintf(got + g, sizeof(got) - g, "%s|",
			    r.info.rcpts[j]);
		ok(r.rc == 0 && o > MSG_LINE_MAX + 100 &&
		    strcmp(got, want) == 0 &&
		    longest_line(r.out, r.outlen) <= MSG_LINE_MAX &&
		    count_field(r.out, "bcc") == 0, "-t, a line of %zu: %s: "
		    "%zu recipients, lines <= 998 (%s)", o, t->what,
		    r.info.nrcpts, r.e.msg);
		run_free(&r);
	}
	opts_reset();
}

struct msgid_row {
	const char	*what;
	const char	*domain;
	const char	*in;
	int		 ex;		/* 0: fine */
};

static const struct msgid_row msgid_rows[] = {
	{ "CR LF in the domain, Message-ID present", "ex\r\nBcc: victim@x",
	    "Message-ID: <a@b>\nS: s\n\nb\n", 0 },
	{ "empty domain, message-id present", "", "message-id: <a@b>\n\nb",
	    0 },
	{ "SP in the domain, Message-ID present", "a b",
	    "S: s\nMessage-ID:\n <a@b>\n\nb", 0 },
	{ "CR LF in the domain, Message-ID added", "ex\r\nBcc: victim@x",
	    "S: s\n\nb\n", EX_USAGE },
	{ "empty domain, Message-ID added", "", "S: s\n\nb\n", EX_USAGE },
	{ "SP in the domain, Message-ID added", "a b", "S: s\n\nb\n",
	    EX_USAGE },
};

/* The Message-ID domain is checked only when a Message-ID is added. */
static void
test_msgid_domain(void)
{
	const struct msgid_row *m;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(msgid_rows) / sizeof(msgid_rows[0]); i++) {
		m = &msgid_rows[i];
		opts_reset();
		opts.domain = m->domain;
		run_mem(m->in, strlen(m->in), &r);
		if (m->ex == 0)
			ok(r.rc == 0 && !r.info.added_msgid &&
			    strstr(r.out, "victim") == NULL &&
			    count_field(r.out, "message-id") == 1,
			    "%s: domain unused, fine (%s)", m->what, r.e.msg);
		else
			ok(r.rc == -1 && r.e.ex == m->ex, "%s: fails with %d "
			    "(%s)", m->what, r.e.ex, r.e.msg);
		run_free(&r);
	}
	opts_reset();
}

/* A restricted caller: its Sender: goes, ours comes when From: differs */
static void
test_sender_hdr(void)
{
	static const struct {
		const char	*what, *in;
		int		 senders;	/* Sender: lines wanted */
	} rows[] = {
		{ "foreign From: gets Sender:",
		    "From: Shop <shop@example.net>\nSubject: x\n\nb\n", 1 },
		{ "own From: (case of the domain aside) gets none",
		    "From: relay@EXAMPLE.com\n\nb\n", 0 },
		{ "the caller's Sender: is replaced",
		    "From: a@example.net\nSender: boss@example.com\n\nb\n",
		    1 },
		{ "the caller's Sender: goes with an own From:",
		    "From: relay@example.com\nSender: boss@example.com\n\n"
		    "b\n", 0 },
		{ "no From: (one is added): none",
		    "Subject: x\n\nb\n", 0 },
		{ "two addresses in From:, one foreign",
		    "From: relay@example.com, a@example.net\n\nb\n", 1 },
	};
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		opts_reset();
		opts.sender = "relay@example.com";
		opts.sender_hdr = "<relay@example.com>";
		run_mem(rows[i].in, strlen(rows[i].in), &r);
		ok(r.rc == 0 && count_field(r.out, "sender") ==
		    rows[i].senders && strstr(r.out, "boss@") == NULL &&
		    (rows[i].senders == 0 ||
		    strstr(r.out, "Sender: <relay@example.com>\r\n") != NULL),
		    "sender_hdr: %s", rows[i].what);
		run_free(&r);
	}
	opts_reset();
	run_mem(rows[2].in, strlen(rows[2].in), &r);
	ok(r.rc == 0 && strstr(r.out, "Sender: boss@example.com") != NULL,
	    "sender_hdr unset: the header stays as written");
	run_free(&r);
}

int
main(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	test_added();
	test_from();
	test_from_long();
	test_rcpts();
	test_fold();
	test_fold_rcpts();
	test_msgid_domain();
	test_sender_hdr();
	return done_testing();
}
