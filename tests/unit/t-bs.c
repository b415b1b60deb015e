/*
 * t-bs.c - the -bs dialogue: replies to a scripted session (pipelined
 * input through a pipe, output to a file), dot-unstuffing, what the
 * submit callback gets and that it runs before the 250 is written, and
 * the reply for each outcome (bs_reply_for).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bs.h"
#include "dsn.h"
#include "tap.h"

#define OUT_MAX		8192

struct seen {
	int		 out;		/* the output file */
	int		 calls;
	off_t		 out_at_call;	/* bytes written when submit ran */
	char		 sender[64];
	char		 rcpts[256];
	char		 body[256];
	struct dsn_params dsn;
};

static void
submit(void *arg, const struct bs_msg *m, char *reply, size_t cap)
{
	struct seen *s = arg;
	ssize_t n;
	size_t i;

	s->calls++;
	s->dsn = m->env.dsn;
	s->out_at_call = lseek(s->out, 0, SEEK_CUR);
	snprintf(s->sender, sizeof(s->sender), "%s", m->env.sender);
	s->rcpts[0] = '\0';
	for (i = 0; i < m->env.nrcpts; i++)
		snprintf(s->rcpts + strlen(s->rcpts), sizeof(s->rcpts) -
		    strlen(s->rcpts), "%s;", m->env.rcpts[i]);
	n = read(m->body_fd, s->body, sizeof(s->body) - 1);
	s->body[n > 0 ? n : 0] = '\0';
	snprintf(reply, cap, s->calls == 1 ? "250 2.0.0 delivered" :
	    "550 5.1.1 no");
}

/* Run a session: input in, output into out; returns bs_serve's value. */
static int
session(const char *in, char *out, struct seen *s, struct err *e)
{
	FILE *tmp = tmpfile();
	int p[2], r;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	if (tmp == NULL || pipe(p) == -1)
		return -2;
	if (write(p[1], in, strlen(in)) != (ssize_t)strlen(in))
		return -2;
	close(p[1]);
	s->out = fileno(tmp);
	err_init(e);
	r = bs_serve(p[0], s->out, "host.test", submit, s, e);
	close(p[0]);
	lseek(s->out, 0, SEEK_SET);
	n = read(s->out, out, OUT_MAX - 1);
	out[n > 0 ? n : 0] = '\0';
	fclose(tmp);
	return r;
}

struct reply_row {
	int		 ex, reply;
	const char	*enh, *queued, *want;
};

static const struct reply_row reply_rows[] = {
	{ 0, 0, "", "", "250 2.0.0 delivered" },
	{ 0, 0, "", "abc", "250 2.0.0 queued as abc" },
	{ EX_NOUSER, 550, "5.1.1", "", "550 5.1.1 why" },
	{ EX_TEMPFAIL, 451, "", "", "451 4.0.0 why" },
	{ EX_UNAVAILABLE, 554, "", "", "554 5.0.0 why" },
	{ EX_NOUSER, 0, "", "", "550 5.1.1 why" },
	{ EX_CONFIG, 0, "", "", "451 4.3.5 why" },
	{ EX_TEMPFAIL, 0, "", "", "451 4.3.0 why" },
	{ EX_DATAERR, 0, "", "", "554 5.6.0 why" },
	{ EX_PROTOCOL, 0, "", "", "554 5.0.0 why" },
};

static void
run_replies(void)
{
	char out[BS_REPLY_MAX];
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(reply_rows) / sizeof(reply_rows[0]); i++) {
		err_init(&e);
		if (reply_rows[i].ex != 0) {
			err_set(&e, reply_rows[i].ex, "why");
			e.reply = reply_rows[i].reply;
			snprintf(e.enh, sizeof(e.enh), "%s", reply_rows[i].enh);
		}
		bs_reply_for(&e, reply_rows[i].queued, out, sizeof(out));
		is_str(out, reply_rows[i].want, "reply row %zu", i);
	}
}

/* RFC 3461 parameters: the message's one DSN request. */
static void
run_dsn(void)
{
	char out[OUT_MAX];
	struct seen s;
	struct err e;

	ok(session("EHLO me\r\nMAIL FROM:<a@x> RET=hdrs ENVID=ab+2Bc "
	    "BODY=8BITMIME\r\nRCPT TO:<b@y> NOTIFY=SUCCESS,FAILURE "
	    "ORCPT=rfc822;b+40y\r\nRCPT TO:<c@y> NOTIFY=NEVER\r\n"
	    "RCPT TO:<d@y> ORCPT=rfc822;d@y notify=failure,success\r\n"
	    "DATA\r\nx\r\n.\r\n", out, &s, &e) == 0, "DSN session");
	ok(strstr(out, "250-DSN\r\n") != NULL, "EHLO offers DSN");
	ok(strstr(out, "250 2.1.0 sender ok\r\n250 2.1.5 recipient ok\r\n"
	    "452 4.5.3 a different NOTIFY") != NULL, "another NOTIFY: 452");
	is_str(s.rcpts, "b@y;d@y;", "the recipients with the same NOTIFY");
	is_int((int)s.dsn.notify, DSN_SUCCESS | DSN_FAILURE, "NOTIFY");
	is_int((int)s.dsn.ret, DSN_RET_HDRS, "RET");
	is_str(s.dsn.envid, "ab+c", "ENVID decoded from xtext");
	ok(session("MAIL FROM:<a@x> RET=ALL\r\nMAIL FROM:<a@x> RET=FULL "
	    "RET=HDRS\r\nMAIL FROM:<a@x> ENVID=a+zz\r\nMAIL FROM:<a@x>\r\n"
	    "RCPT TO:<b@y> NOTIFY=NEVER,SUCCESS\r\nRCPT TO:<b@y> "
	    "ORCPT=b@y\r\nRCPT TO:<b@y> NOTIFY=off\r\n", out, &s, &e) == 0,
	    "bad DSN parameters");
	ok(strstr(out, "501 5.5.4 RET is FULL or HDRS\r\n501 5.5.4 parameter "
	    "given twice\r\n501 5.5.4 bad ENVID") != NULL,
	    "bad RET, a parameter twice, bad xtext: 501");
	ok(strstr(out, "250 2.1.0 sender ok\r\n501 5.5.4 NOTIFY is NEVER or "
	    "SUCCESS, FAILURE and DELAY\r\n501 5.5.4 ORCPT is "
	    "addr-type;xtext\r\n501 5.5.4 NOTIFY is") != NULL,
	    "NEVER with others, ORCPT without a type, NOTIFY=off: 501");
	ok(session("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nx\r\n"
	    ".\r\n", out, &s, &e) == 0 && !dsn_any(&s.dsn),
	    "no DSN parameters: no request");
}

int
main(void)
{
	static const char dlg[] = "EHLO me\r\nMAIL FROM:<a@x>\r\n"
	    "RCPT TO:<b@y>\r\nRCPT TO:<root>\r\nDATA\r\nS: 1\r\n\r\n"
	    "..dot\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<c@y>\r\nDATA\r\nx\n.\n"
	    "QUIT\r\n";
	char out[OUT_MAX];
	struct seen s;
	struct err e;

	run_replies();
	ok(session(dlg, out, &s, &e) == 0, "session ends at QUIT");
	ok(strncmp(out, "220 host.test ", 14) == 0, "greeting");
	ok(strstr(out, "250-host.test\r\n250-PIPELINING\r\n") != NULL,
	    "EHLO keywords");
	is_int(s.calls, 2, "two messages submitted");
	is_str(s.sender, "", "null sender of the second");
	is_str(s.rcpts, "c@y;", "its recipients");
	is_str(s.body, "x\n", "its body (bare LF kept, dot line gone)");
	ok(strstr(out, "354 end with <CRLF>.<CRLF>\r\n550 5.1.1 no\r\n"
	    "221 2.0.0 bye\r\n") != NULL, "the submit's reply, then QUIT");
	session("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nS: 1\r\n\r\n"
	    "..dot\r\n...\r\n.\r\n", out, &s, &e);
	is_str(s.body, "S: 1\r\n\r\n.dot\r\n..\r\n", "dot-unstuffing");
	ok(s.out_at_call > 0 && strstr(out, "250 2.0.0 delivered") != NULL &&
	    (off_t)(strstr(out, "250 2.0.0 delivered") - out) >=
	    s.out_at_call, "submit ran before its 250 was written");
	is_str(s.rcpts, "b@y;", "recipients as given");
	ok(session("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nhalf",
	    out, &s, &e) == -1 && e.ex == EX_DATAERR && s.calls == 0,
	    "input ends inside DATA: 65, nothing submitted");
	ok(session("NOOP\r\n", out, &s, &e) == 0 &&
	    strstr(out, "250 2.0.0 ok\r\n") != NULL, "end of input: 0");
	ok(session("HELO a\r\nAUTH PLAIN x\r\nSTARTTLS\r\n", out, &s, &e) ==
	    0 && strstr(out, "250 host.test\r\n502 5.5.1 not needed on a "
	    "local pipe\r\n502 ") != NULL, "HELO; AUTH and STARTTLS refused");
	ok(session("MAIL FROM:<a@x> SIZE=999999999\r\nMAIL FROM:<a@x> "
	    "FOO=1\r\n", out, &s, &e) == 0 && strstr(out, "552 5.3.4 "
	    "message too big\r\n555 5.5.4 ") != NULL,
	    "SIZE over the limit, unknown parameter");
	ok(session("A\r\nB\r\nC\r\nD\r\nE\r\nF\r\nG\r\nH\r\nI\r\nJ\r\nK\r\n"
	    "L\r\nM\r\nN\r\nO\r\nP\r\nQ\r\nR\r\nS\r\nT\r\nU\r\nNOOP\r\n", out,
	    &s, &e) == 0 && strstr(out, "421 4.7.0") != NULL &&
	    strstr(out, "250 2.0.0 ok") == NULL, "20 bad commands: 421");
	run_dsn();
	return done_testing();
}
