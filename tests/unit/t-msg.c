/*
 * t-msg.c - stdin -> spool: line ends, the "." rule, header fixes, -t,
 * added Date/Message-ID/From, -F encoding, long lines, caps, 8-bit, and
 * bounded memory.
 *
 * Input comes from a memfd or, to test every read boundary, from an
 * AF_UNIX SOCK_SEQPACKET pair: each write is one packet and each read()
 * returns exactly one packet, so a split input arrives as split reads.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <locale.h>
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
#include "tap.h"

#define HI	"Date: D\nMessage-ID: <m@x>\n"
#define HO	"Date: D\r\nMessage-ID: <m@x>\r\n"
#define BIG	(50 * 1024 * 1024)
#define CPY(dst, lit)	memcpy((dst), (lit), sizeof(lit))

struct run {
	char		*out;
	size_t		 outlen;
	struct msg_info	 info;
	struct err	 e;
	int		 rc;
};

static struct msg_opts opts;

static void
opts_reset(void)
{
	memset(&opts, 0, sizeof(opts));
	opts.dot_ends = false;
	opts.domain = "example.org";
	opts.now = 1795491742;
}

static void
run_fd(int in_fd, struct run *r)
{
	struct stat st;
	int sp;

	sp = memfd_create("spool", MFD_CLOEXEC);
	err_init(&r->e);
	r->rc = msg_read(in_fd, &opts, sp, &r->info, &r->e);
	fstat(sp, &st);
	r->outlen = (size_t)st.st_size;
	r->out = calloc(1, r->outlen + 1);
	if (pread(sp, r->out, r->outlen, 0) != (ssize_t)r->outlen)
		r->outlen = 0;
	close(sp);
}

static void
run_mem(const char *in, size_t len, struct run *r)
{
	int fd = memfd_create("in", MFD_CLOEXEC);

	if (write(fd, in, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	run_fd(fd, r);
	close(fd);
}

/* Input split into packets at the offsets in cut[] (ascending). */
static void
run_split(const char *in, size_t len, const size_t *cut, size_t ncut,
    struct run *r)
{
	int sv[2];
	size_t i, from = 0, to;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		abort();
	for (i = 0; i <= ncut; i++) {
		to = i < ncut ? cut[i] : len;
		if (to > from && write(sv[0], in + from, to - from) !=
		    (ssize_t)(to - from))
			abort();
		from = to;
	}
	shutdown(sv[0], SHUT_WR);
	run_fd(sv[1], r);
	close(sv[0]);
	close(sv[1]);
}

static void
run_free(struct run *r)
{
	free(r->out);
	msg_info_free(&r->info);
}

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

struct body_row {
	const char	*what;
	const char	*in;
	bool		 dot_ends;
	const char	*want;		/* NULL: fails with ex */
	int		 ex;
};

static const struct body_row body_rows[] = {
	{ "LF -> CRLF", HI "Subject: s\n\na\nb\n", false,
	    HO "Subject: s\r\n\r\na\r\nb\r\n", 0 },
	{ "CRLF kept, not doubled", HI "Subject: s\r\n\r\na\r\nb\r\n", false,
	    HO "Subject: s\r\n\r\na\r\nb\r\n", 0 },
	{ "no final newline", HI "\nlast", false, HO "\r\nlast\r\n", 0 },
	{ "lone CR -> CRLF", HI "\na\rb\r", false, HO "\r\na\r\nb\r\n", 0 },
	{ "mixed line ends", HI "\na\r\nb\nc\rd", false,
	    HO "\r\na\r\nb\r\nc\r\nd\r\n", 0 },
	{ "CR CR LF", HI "\na\r\r\nb\n", false, HO "\r\na\r\n\r\nb\r\n", 0 },
	{ "empty body lines kept", HI "\n\n\na\n\n", false,
	    HO "\r\n\r\n\r\na\r\n\r\n", 0 },
	{ "\".\" ends input without -i", HI "\na\n.\nb\n", true,
	    HO "\r\na\r\n", 0 },
	{ "\".\" CRLF ends input", HI "\na\r\n.\r\nb\r\n", true,
	    HO "\r\na\r\n", 0 },
	{ "\".\" at EOF ends input", HI "\na\n.", true, HO "\r\na\r\n", 0 },
	{ "\".\" kept with -i", HI "\na\n.\nb", false,
	    HO "\r\na\r\n.\r\nb\r\n", 0 },
	{ "\".\" at EOF kept with -i", HI "\na\n.", false,
	    HO "\r\na\r\n.\r\n", 0 },
	{ "\"..\" and \".x\" intact (no -i)", HI "\n..\n.x\n. \n x\n", true,
	    HO "\r\n..\r\n.x\r\n. \r\n x\r\n", 0 },
	{ "\"..\" and \".x\" intact (-i)", HI "\n..\n.x\n", false,
	    HO "\r\n..\r\n.x\r\n", 0 },
	{ "\".\" inside the header ends input", HI "Subject: s\n.\nmore\n",
	    true, HO "Subject: s\r\n\r\n", 0 },
	{ "header only, no body", HI "Subject: s", false,
	    HO "Subject: s\r\n\r\n", 0 },
	{ "non-field line ends the header", HI "Subject: s\nnot a field\nb\n",
	    false, HO "Subject: s\r\n\r\nnot a field\r\nb\r\n", 0 },
	{ "continuation kept", HI "Subject: a\n b\n\tc\n\nx\n", false,
	    HO "Subject: a\r\n b\r\n\tc\r\n\r\nx\r\n", 0 },
	{ "Bcc removed with its continuation", HI "Bcc: a@b,\n c@d\nX: y\n\nz",
	    false, HO "X: y\r\n\r\nz\r\n", 0 },
	{ "bcc (lower case) and BCC : removed", HI "bcc: a@b\nBCC : c@d\n\nz",
	    false, HO "\r\nz\r\n", 0 },
	{ "Resent-Bcc removed", HI "Resent-Bcc: a@b\nResent-To: c@d\n\nz",
	    false, HO "Resent-To: c@d\r\n\r\nz\r\n", 0 },
	{ "Return-Path removed", "Return-Path: <x@y>\n" HI "\nz", false,
	    HO "\r\nz\r\n", 0 },
	{ "body Bcc: line is body", HI "\nBcc: a@b\n", false,
	    HO "\r\nBcc: a@b\r\n", 0 },
	{ "empty input", "", false, NULL, EX_DATAERR },
	{ "only \".\" without -i", ".\n", true, NULL, EX_DATAERR },
};

static void
test_body(void)
{
	const struct body_row *b;
	struct run r;
	size_t i, cut, len, bad;

	opts_reset();
	for (i = 0; i < sizeof(body_rows) / sizeof(body_rows[0]); i++) {
		b = &body_rows[i];
		opts.dot_ends = b->dot_ends;
		len = strlen(b->in);
		run_mem(b->in, len, &r);
		if (b->want == NULL)
			ok(r.rc == -1 && r.e.ex == b->ex && r.outlen == 0,
			    "%s: fails with %d (%s)", b->what, r.e.ex, r.e.msg);
		else {
			is_str(r.out, b->want, "%s", b->what);
			is_int(r.info.size, r.outlen, "%s: size", b->what);
		}
		run_free(&r);
		/* The same input cut at every offset must give the same. */
		for (cut = 1, bad = 0; cut < len && b->want != NULL; cut++) {
			run_split(b->in, len, &cut, 1, &r);
			if (r.rc != 0 || strcmp(r.out, b->want) != 0)
				bad = cut;
			run_free(&r);
		}
		if (b->want != NULL)
			ok(bad == 0, "%s: same at every read boundary "
			    "(bad %zu)", b->what, bad);
	}
	opts_reset();
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

struct date_row {
	time_t		 t;
	const char	*tz;
	const char	*want;
};

static const struct date_row date_rows[] = {
	{ 0, "UTC0", "Thu, 1 Jan 1970 00:00:00 +0000" },
	{ 1795491742, "UTC0", "Tue, 24 Nov 2026 03:42:22 +0000" },
	{ 1795491742, "XYZ-05:30", "Tue, 24 Nov 2026 09:12:22 +0530" },
	{ 1795491742, "XYZ+03", "Tue, 24 Nov 2026 00:42:22 -0300" },
	{ 1795491742, "XYZ+04", "Mon, 23 Nov 2026 23:42:22 -0400" },
	{ 951782400, "UTC0", "Tue, 29 Feb 2000 00:00:00 +0000" },
	{ 1782864000, "UTC0", "Wed, 1 Jul 2026 00:00:00 +0000" },
};

static void
test_date(void)
{
	char got[64], loc[64];
	struct tm tm;
	size_t i;

	for (i = 0; i < sizeof(date_rows) / sizeof(date_rows[0]); i++) {
		setenv("TZ", date_rows[i].tz, 1);
		tzset();
		msg_date(date_rows[i].t, got, sizeof(got));
		is_str(got, date_rows[i].want, "msg_date TZ=%s",
		    date_rows[i].tz);
	}
	setenv("TZ", "UTC0", 1);
	tzset();
	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL) {
		ok(1, "# SKIP no de_DE.UTF-8 locale");
		return;
	}
	gmtime_r(&date_rows[1].t, &tm);
	strftime(loc, sizeof(loc), "%a %b", &tm);
	msg_date(date_rows[1].t, got, sizeof(got));
	ok(strcmp(got, date_rows[1].want) == 0 && strcmp(loc, "Tue Nov") != 0,
	    "de_DE.UTF-8 (%%a %%b = %s): %s", loc, got);
	setlocale(LC_ALL, "C");
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

/* MSG_MAX_RCPTS recipients pass, one more is a usage error (64). */
static void
test_rcpt_cap(void)
{
	char *in;
	size_t i, o = 0, cap = 32 * (MSG_MAX_RCPTS + 1) + 64;
	struct run r;

	in = malloc(cap);
	o += (size_t)snprintf(in + o, cap - o, "To: r0@x");
	for (i = 1; i < MSG_MAX_RCPTS; i++)
		o += (size_t)snprintf(in + o, cap - o, ",\n r%zu@x", i);
	opts_reset();
	opts.read_rcpts = true;
	snprintf(in + o, cap - o, "\n\nb\n");
	run_mem(in, strlen(in), &r);
	ok(r.rc == 0 && r.info.nrcpts == MSG_MAX_RCPTS,
	    "%d recipients accepted (%zu)", MSG_MAX_RCPTS, r.info.nrcpts);
	run_free(&r);
	snprintf(in + o, cap - o, ",\n one@more\n\nb\n");
	run_mem(in, strlen(in), &r);
	ok(r.rc == -1 && r.e.ex == EX_USAGE && r.info.nrcpts == 0 &&
	    r.info.rcpts == NULL, "%d recipients: 64 (%s)", MSG_MAX_RCPTS + 1,
	    r.e.msg);
	run_free(&r);
	free(in);
	opts_reset();
}

/* Lines over 998 octets: split in the body, folded in the header. */
static void
test_long_lines(void)
{
	static const struct {
		size_t	 len;
		size_t	 splits;
	} body[] = { { 998, 0 }, { 999, 1 }, { 1996, 1 }, { 5000, 1 } };
	char *in, *want, *p;
	size_t i, k, n, o, cut[3];
	struct run r;

	in = malloc(8192);
	want = malloc(8192);
	for (i = 0; i < sizeof(body) / sizeof(body[0]); i++) {
		n = (size_t)snprintf(in, 8192, HI "\n");
		memset(in + n, 'x', body[i].len);
		CPY(in + n + body[i].len, "\r\nend\n");
		o = (size_t)snprintf(want, 8192, HO "\r\n");
		for (k = 0; k < body[i].len; k += MSG_LINE_MAX) {
			n = body[i].len - k < MSG_LINE_MAX ? body[i].len - k :
			    MSG_LINE_MAX;
			memset(want + o, 'x', n);
			CPY(want + o + n, "\r\n");
			o += n + 2;
		}
		CPY(want + o, "end\r\n");
		run_mem(in, strlen(in), &r);
		ok(r.rc == 0 && strcmp(r.out, want) == 0 &&
		    r.info.split_lines == body[i].splits,
		    "body line of %zu: lines of <= 998, %zu split", body[i].len,
		    r.info.split_lines);
		run_free(&r);
		/* Read boundaries around the 998th byte and the CRLF. */
		n = strlen(HI) + 1 + MSG_LINE_MAX;
		cut[0] = n - 1;
		cut[1] = n;
		cut[2] = n + 1;
		run_split(in, strlen(in), cut, 3, &r);
		ok(r.rc == 0 && strcmp(r.out, want) == 0,
		    "body line of %zu split around byte 998: same",
		    body[i].len);
		run_free(&r);
	}
	n = (size_t)snprintf(in, 8192, HI "Subject: ");
	memset(in + n, 's', 3000);
	CPY(in + n + 3000, "\nX: y\n\nb\n");
	run_mem(in, strlen(in), &r);
	ok(r.rc == 0 && longest_line(r.out, r.outlen) <= MSG_LINE_MAX &&
	    r.info.split_lines == 1, "header line of 3009: folded, <= 998");
	for (p = r.out, o = 0; *p != '\0'; p++) {
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 2;		/* drop our folds: CRLF SP */
		else
			want[o++] = *p;
	}
	want[o] = '\0';
	ok(strstr(want, "Subject: ") != NULL && strspn(strstr(want,
	    "Subject: ") + 9, "s") == 3000 && strstr(r.out, "\r\nX: y\r\n")
	    != NULL, "header line: the folds are CRLF SP only");
	run_free(&r);
	free(in);
	free(want);
}

static void
test_limits(void)
{
	char *in;
	size_t n;
	struct run r;
	int fd;

	opts_reset();
	in = malloc(MSG_MAX_HEADER_BYTES + 64);
	for (n = 0; n + 10 <= MSG_MAX_HEADER_BYTES; n += 10)
		CPY(in + n, "X-A: 123\r\n");	/* 10 bytes as spooled */
	CPY(in + n, "X-B: 12345\r\n\r\nbody\r\n");
	run_mem(in, strlen(in), &r);
	ok(r.rc == -1 && r.e.ex == EX_DATAERR &&
	    strstr(r.e.msg, "header block larger than") != NULL,
	    "header over the cap: 65 (%s)", r.e.msg);
	run_free(&r);
	CPY(in + n - 10, "\r\nbody\r\n");
	run_mem(in, strlen(in), &r);
	ok(r.rc == 0, "header just under the cap: fine (%s)", r.e.msg);
	run_free(&r);
	free(in);

	run_mem(HI "\nplain\n", strlen(HI) + 7, &r);
	ok(r.rc == 0 && !r.info.eightbit, "ASCII: not eightbit");
	run_free(&r);
	run_mem(HI "\ncaf\xc3\xa9\n", strlen(HI) + 7, &r);
	ok(r.rc == 0 && r.info.eightbit, "8-bit body: eightbit");
	run_free(&r);
	run_mem(HI "Subject: \xc3\xa9\n\nx\n", strlen(HI) + 15, &r);
	ok(r.rc == 0 && r.info.eightbit, "8-bit header: eightbit");
	run_free(&r);

	fd = open("/", O_RDONLY | O_DIRECTORY);
	run_fd(fd, &r);
	ok(r.rc == -1 && r.e.ex == EX_NOINPUT, "read error: 66 (%s)",
	    r.e.msg);
	run_free(&r);
	close(fd);
}

static void
test_write_error(void)
{
	struct msg_info info;
	struct err e;
	int in, sp, rc;

	in = memfd_create("in", MFD_CLOEXEC);
	if (write(in, "S: s\n\nb\n", 9) != 9)
		abort();
	lseek(in, 0, SEEK_SET);
	sp = open("/dev/null", O_RDONLY);
	err_init(&e);
	opts_reset();
	rc = msg_read(in, &opts, sp, &info, &e);
	ok(rc == -1 && e.ex == EX_IOERR, "spool write error: 74 (%s)", e.msg);
	close(in);
	close(sp);
}

/* 50 MB of body through a pipe: peak RSS must not follow it. */
static void
test_stream(void)
{
	static char chunk[64 * 1024];
	struct rusage ru0, ru1;
	struct msg_info info;
	struct err e;
	size_t i;
	pid_t pid;
	int pfd[2], sp, rc;

	memset(chunk, 'y', sizeof(chunk));
	for (i = 79; i < sizeof(chunk); i += 80)
		chunk[i] = '\n';
	if (pipe(pfd) == -1 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(pfd[0]);
		if (write(pfd[1], "S: s\n\n", 6) != 6)
			_exit(1);
		for (i = 0; i < BIG / sizeof(chunk); i++)
			if (write(pfd[1], chunk, sizeof(chunk)) !=
			    (ssize_t)sizeof(chunk))
				_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	sp = open("/dev/null", O_WRONLY);
	getrusage(RUSAGE_SELF, &ru0);
	err_init(&e);
	opts_reset();
	rc = msg_read(pfd[0], &opts, sp, &info, &e);
	ok(rc == 0 && info.size > BIG,
	    "50 MB body streamed (%zu bytes) %s", info.size, e.msg);
	getrusage(RUSAGE_SELF, &ru1);
	ok(ru1.ru_maxrss - ru0.ru_maxrss < 16 * 1024,
	    "peak RSS grew by %ld KiB only", ru1.ru_maxrss - ru0.ru_maxrss);
	msg_info_free(&info);
	close(pfd[0]);
	close(sp);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	test_body();
	test_added();
	test_from();
	test_from_long();
	test_date();
	test_rcpts();
	test_rcpt_cap();
	test_long_lines();
	test_limits();
	test_write_error();
	test_stream();
	return done_testing();
}
