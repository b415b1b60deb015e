/*
 * t-msg.c - stdin -> spool, the reader: line ends (the body's lone-CR
 * policy, the header block's lone CR and CR CR LF), the "." rule, the end
 * of the header block, Bcc removal, long body lines, msg_date(), caps
 * (header block, recipients), 8-bit and bounded memory.  The other header
 * fixes are t-msg-hdr.c.
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
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "msg.h"
#include "msgrun.h"
#include "tap.h"

#define HI	"Date: D\nMessage-ID: <m@x>\n"
#define HO	"Date: D\r\nMessage-ID: <m@x>\r\n"
#define BIG	(50 * 1024 * 1024)
#define CPY(dst, lit)	memcpy((dst), (lit), sizeof(lit))

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
	{ "header: lone CR is a space, no Bcc field",
	    HI "Subject: hi\rBcc: v@x\n\nb\n", false,
	    HO "Subject: hi Bcc: v@x\r\n\r\nb\r\n", 0 },
	{ "header: a run of lone CRs, a space each", HI "S: a\r\r\rb\n\nc",
	    false, HO "S: a   b\r\n\r\nc\r\n", 0 },
	{ "header: lone CR at a line start: a continuation",
	    HI "S: s\n\rBcc: v@x\n\nb", false,
	    HO "S: s\r\n Bcc: v@x\r\n\r\nb\r\n", 0 },
	{ "header: CR CR LF is one line end (body keeps its CRs)",
	    HI "S: s\r\r\nBcc: v@x\r\r\nX: y\r\r\n\r\r\nb\r\r\nc", false,
	    HO "S: s\r\nX: y\r\n\r\nb\r\n\r\nc\r\n", 0 },
	{ "header: CRs at EOF end the line", HI "S: s\r\r", false,
	    HO "S: s\r\n\r\n", 0 },
	{ "header: \".\" CR CR LF ends input", HI "S: s\r\r\n.\r\r\nS: t\n",
	    true, HO "S: s\r\n\r\n", 0 },
	{ "header: \".\" CR x is no \".\" line", HI "S: s\n.\rx\n", true,
	    HO "S: s\r\n\r\n. x\r\n", 0 },
	{ "the line that ends the header: lone CR is a space",
	    HI "S: s\nno field\rBcc: v@x\nb\rc\n", false,
	    HO "S: s\r\n\r\nno field Bcc: v@x\r\nb\r\nc\r\n", 0 },
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

static void
test_long_lines(void)
{
	static const struct {
		size_t	 len;
		size_t	 splits;
	} body[] = { { 998, 0 }, { 999, 1 }, { 1996, 1 }, { 5000, 1 } };
	char *in, *want;
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
	/* A long non-field line ends the header: lone CR = SP to its end. */
	n = (size_t)snprintf(in, 8192, HI "S: s\nno field ");
	memset(in + n, 'x', 1000);
	CPY(in + n + 1000, "\rBcc: v@x\n\rb\n");
	o = (size_t)snprintf(want, 8192, HO "S: s\r\n\r\nno field ");
	memset(want + o, 'x', 989);
	CPY(want + o + 989, "\r\nxxxxxxxxxxx Bcc: v@x\r\n\r\nb\r\n");
	run_mem(in, strlen(in), &r);
	is_str(r.out, want, "long line after the header: lone CR is SP");
	run_free(&r);
	free(in);
	free(want);
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
	test_date();
	test_rcpt_cap();
	test_long_lines();
	test_limits();
	test_write_error();
	test_stream();
	return done_testing();
}
