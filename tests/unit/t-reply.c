/*
 * t-reply.c - the reply parser: valid replies (single, multi-line, bare
 * code, enhanced codes), every syntax rule and cap as an invalid row
 * (-1 and EX_PROTOCOL), and EHLO capability parsing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"
#include "reply.h"
#include "tap.h"

#define T_LINES_MAX	(REPLY_MAX_LINES + 2)

static const struct {
	const char	*in;		/* lines separated by '\n' */
	int		 code;
	size_t		 nlines;
	const char	*enh;
	const char	*first;		/* reply_first_text() */
	const char	*last;		/* text of the last line */
} valid[] = {
	{ "250 ok", 250, 1, "", "ok", "ok" },
	{ "250", 250, 1, "", "", "" },
	{ "250 ", 250, 1, "", "", "" },
	{ "220 mx.example.com ESMTP ready", 220, 1, "",
	    "mx.example.com ESMTP ready", "mx.example.com ESMTP ready" },
	{ "354 End data with <CR><LF>.<CR><LF>", 354, 1, "",
	    "End data with <CR><LF>.<CR><LF>",
	    "End data with <CR><LF>.<CR><LF>" },
	{ "250-a\n250-b\n250 c", 250, 3, "", "a", "c" },
	{ "250-a\n250", 250, 2, "", "a", "" },
	{ "250-\n250 x", 250, 2, "", "", "x" },
	{ "250-mx\n250-SIZE 1000\n250 HELP", 250, 3, "", "mx", "HELP" },
	{ "550 5.1.1 user unknown", 550, 1, "5.1.1", "user unknown",
	    "5.1.1 user unknown" },
	{ "451 4.3.0 try later", 451, 1, "4.3.0", "try later",
	    "4.3.0 try later" },
	{ "250 2.0.0", 250, 1, "2.0.0", "", "2.0.0" },
	{ "550 5.123.123 x", 550, 1, "5.123.123", "x", "5.123.123 x" },
	{ "535-5.7.8 Username and Password not accepted.\n535 5.7.8 more",
	    535, 2, "5.7.8", "Username and Password not accepted.",
	    "5.7.8 more" },
	{ "550 4.1.1 class mismatch", 550, 1, "", "4.1.1 class mismatch",
	    "4.1.1 class mismatch" },
	{ "250 5.0.0 class mismatch", 250, 1, "", "5.0.0 class mismatch",
	    "5.0.0 class mismatch" },
	{ "550 5.1.1x", 550, 1, "", "5.1.1x", "5.1.1x" },
	{ "550 5.1234.1 x", 550, 1, "", "5.1234.1 x", "5.1234.1 x" },
	{ "550 5.1.1234 x", 550, 1, "", "5.1.1234 x", "5.1.1234 x" },
	{ "550 5.1. x", 550, 1, "", "5.1. x", "5.1. x" },
	{ "550 5..1 x", 550, 1, "", "5..1 x", "5..1 x" },
	{ "550 5.1 x", 550, 1, "", "5.1 x", "5.1 x" },
	{ "550  5.1.1 x", 550, 1, "", " 5.1.1 x", " 5.1.1 x" },
	{ "550-first\n550 5.1.1 second", 550, 2, "", "first",
	    "5.1.1 second" },
	{ "250 a\rb", 250, 1, "", "a\rb", "a\rb" },
	{ "250 tab\there", 250, 1, "", "tab\there", "tab\there" },
};

static const struct {
	const char	*in;
	const char	*why;
} invalid[] = {
	{ "25O ok", "non-digit in the code" },
	{ "2x0 ok", "letter in the code" },
	{ "-50 ok", "sign in the code" },
	{ "25", "two digits" },
	{ "2", "one digit" },
	{ "", "empty line" },
	{ "ok", "no code at all" },
	{ " 250 ok", "leading space" },
	{ "250x ok", "4th char a letter" },
	{ "2500 ok", "4th char a digit" },
	{ "250\tok", "4th char a tab" },
	{ "250\r", "4th char a CR" },
	{ "250_ok", "4th char '_'" },
	{ "150 ok", "first digit 1" },
	{ "650 ok", "first digit 6" },
	{ "050 ok", "first digit 0" },
	{ "950 ok", "first digit 9" },
	{ "250-a\n550 b", "code changes on the last line" },
	{ "250-a\n251-b\n250 c", "code changes on a middle line" },
	{ "250-a\n25O b", "malformed continuation" },
	{ "250-a\n250x", "bad separator on a later line" },
};

/*
 * Feed the '\n'-separated lines of s; returns the last result, or the
 * first non-zero one with *early set if that came before the last line.
 */
static int
t_feed(struct reply_parser *p, const char *s, struct reply *r,
    struct err *e, int *early)
{
	const char *nl;
	size_t len;
	int rc;

	*early = 0;
	for (;;) {
		nl = strchr(s, '\n');
		len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		rc = reply_feed(p, s, len, r, e);
		if (nl == NULL)
			return rc;
		if (rc != 0) {
			*early = 1;
			return rc;
		}
		s = nl + 1;
	}
}

static void
test_valid(struct reply *r)
{
	struct reply_parser p;
	struct err e;
	size_t i;
	int rc, early;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		reply_parser_init(&p);
		err_init(&e);
		memset(r, 'Z', sizeof(*r));
		rc = t_feed(&p, valid[i].in, r, &e, &early);
		ok(rc == 1 && !early && r->code == valid[i].code &&
		    r->nlines == valid[i].nlines &&
		    strcmp(r->enh, valid[i].enh) == 0 &&
		    strcmp(reply_first_text(r), valid[i].first) == 0 &&
		    strcmp(reply_line(r, r->nlines - 1), valid[i].last) == 0 &&
		    !err_is_set(&e),
		    "valid row %zu: %d, %zu lines, enh \"%s\"", i,
		    valid[i].code, valid[i].nlines, valid[i].enh);
		if (rc != 1 || r->code != valid[i].code)
			diag("  rc %d code %d nlines %zu enh \"%s\"", rc,
			    r->code, r->nlines, r->enh);
	}
}

static void
test_invalid(struct reply *r)
{
	struct reply_parser p;
	struct err e;
	size_t i;
	int rc, early;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		reply_parser_init(&p);
		err_init(&e);
		rc = t_feed(&p, invalid[i].in, r, &e, &early);
		ok(rc == -1 && e.ex == EX_PROTOCOL &&
		    e.msg[0] != '\0', "invalid: %s (rc %d, ex %d)",
		    invalid[i].why, rc, e.ex);
	}
	reply_parser_init(&p);
	err_init(&e);
	rc = reply_feed(&p, "250 a\0b", 7, r, &e);
	ok(rc == -1 && e.ex == EX_PROTOCOL, "invalid: NUL byte in the text");
	reply_parser_init(&p);
	err_init(&e);
	rc = reply_feed(&p, "25\0 ok", 6, r, &e);
	ok(rc == -1 && e.ex == EX_PROTOCOL, "invalid: NUL byte in the code");
}

/* n lines "250-x...", the last "250 x..."; each text tlen bytes. */
static int
t_flood(struct reply *r, size_t n, size_t tlen, struct err *e,
    size_t *fail_at)
{
	struct reply_parser p;
	char *line;
	size_t i;
	int rc = -1;

	if ((line = malloc(tlen + 4)) == NULL)
		return -2;
	memcpy(line, "250-", 4);
	memset(line + 4, 'x', tlen);
	reply_parser_init(&p);
	err_init(e);
	*fail_at = 0;
	for (i = 0; i < n; i++) {
		if (i == n - 1)
			line[3] = ' ';
		rc = reply_feed(&p, line, tlen + 4, r, e);
		if (rc != 0) {
			*fail_at = i + 1;
			break;
		}
	}
	free(line);
	return rc;
}

static void
test_caps(struct reply *r)
{
	struct err e;
	size_t at;
	int rc;

	rc = t_flood(r, REPLY_MAX_LINES, 1, &e, &at);
	ok(rc == 1 && at == REPLY_MAX_LINES && r->nlines == REPLY_MAX_LINES,
	    "%d lines are accepted", REPLY_MAX_LINES);
	rc = t_flood(r, REPLY_MAX_LINES + 1, 1, &e, &at);
	ok(rc == -1 && e.ex == EX_PROTOCOL && at == REPLY_MAX_LINES + 1,
	    "flood: line %d is a protocol error (at %zu)",
	    REPLY_MAX_LINES + 1, at);
	rc = t_flood(r, 1, REPLY_MAX_LINE - 4, &e, &at);
	ok(rc == 1 && r->len == REPLY_MAX_LINE - 3,
	    "a line of exactly REPLY_MAX_LINE is accepted");
	rc = t_flood(r, 1, REPLY_MAX_LINE - 3, &e, &at);
	ok(rc == -1 && e.ex == EX_PROTOCOL,
	    "a line of REPLY_MAX_LINE + 1 is a protocol error");
	rc = t_flood(r, 5, 16000, &e, &at);
	ok(rc == -1 && e.ex == EX_PROTOCOL && at == 5,
	    "more than REPLY_MAX_BYTES of text is a protocol error (at %zu)",
	    at);
	rc = t_flood(r, 4, 16000, &e, &at);
	ok(rc == 1 && r->len == 4 * 16001, "64004 bytes of text fit");
}

static void
test_sequence(struct reply *r)
{
	struct reply_parser p;
	struct err e;
	int rc1, rc2, rc3;

	reply_parser_init(&p);
	err_init(&e);
	rc1 = reply_feed(&p, "250-a", 5, r, &e);
	rc2 = reply_feed(&p, "250 b", 5, r, &e);
	rc3 = reply_feed(&p, "354 go", 6, r, &e);
	ok(rc1 == 0 && rc2 == 1 && rc3 == 1 && r->code == 354 &&
	    r->nlines == 1 && strcmp(reply_line(r, 0), "go") == 0,
	    "a new reply resets the previous one");
	is_str(reply_line(r, 1), "", "reply_line past the end is \"\"");
}

static const struct {
	const char	*in;
	struct capa	 want;
	const char	*why;
} capas[] = {
	{ "250 mx.example.com", { .starttls = false }, "no keywords" },
	{ "250-mx\n250-STARTTLS\n250-PIPELINING\n250-8BITMIME\n"
	    "250-SMTPUTF8\n250-DSN\n250-CHUNKING\n250 ENHANCEDSTATUSCODES",
	    { .starttls = true, .pipelining = true, .eightbitmime = true,
	    .smtputf8 = true, .dsn = true, .chunking = true,
	    .enhanced = true }, "every boolean keyword" },
	{ "250-mx\n250-starttls\n250-Pipelining\n250 size 1000",
	    { .starttls = true, .pipelining = true, .size = true,
	    .size_max = 1000 }, "lower- and mixed-case keywords" },
	{ "250-STARTTLS\n250 DSN", { .dsn = true },
	    "the greeting line is not a keyword" },
	{ "250 AUTH PLAIN", { .auth = false },
	    "a one-line reply has no keywords" },
	{ "250-mx\n250-AUTH PLAIN LOGIN\n250 AUTH=PLAIN XOAUTH2",
	    { .auth = true, .auth_mechs = CAPA_AUTH_PLAIN | CAPA_AUTH_LOGIN |
	    CAPA_AUTH_XOAUTH2 }, "AUTH and AUTH= unioned" },
	{ "250-mx\n250-AUTH=LOGIN CRAM-MD5\n250 AUTH EXTERNAL",
	    { .auth = true, .auth_mechs = CAPA_AUTH_LOGIN |
	    CAPA_AUTH_CRAM_MD5 | CAPA_AUTH_EXTERNAL },
	    "legacy AUTH= first, both forms" },
	{ "250-mx\n250 auth plain oauthbearer Cram-Md5",
	    { .auth = true, .auth_mechs = CAPA_AUTH_PLAIN |
	    CAPA_AUTH_OAUTHBEARER | CAPA_AUTH_CRAM_MD5 },
	    "lower-case AUTH and mechanisms" },
	{ "250-mx\n250 auth=plain", { .auth = true,
	    .auth_mechs = CAPA_AUTH_PLAIN }, "lower-case auth=" },
	{ "250-mx\n250 AUTH  PLAIN   LOGIN ", { .auth = true,
	    .auth_mechs = CAPA_AUTH_PLAIN | CAPA_AUTH_LOGIN },
	    "repeated spaces between mechanisms" },
	{ "250-mx\n250 AUTH GSSAPI NTLM SCRAM-SHA-1 PLAINX", { .auth = true },
	    "unknown mechanisms ignored, AUTH still seen" },
	{ "250-mx\n250 AUTH SCRAM-SHA-256 SCRAM-SHA-256-PLUS", { .auth = true,
	    .auth_mechs = CAPA_AUTH_SCRAM | CAPA_AUTH_SCRAM_PLUS },
	    "SCRAM-SHA-256 and its -PLUS" },
	{ "250-mx\n250 AUTH", { .auth = true }, "AUTH without mechanisms" },
	{ "250-mx\n250 SIZE", { .size = true }, "SIZE without a number" },
	{ "250-mx\n250 SIZE 35882577", { .size = true,
	    .size_max = 35882577 }, "SIZE with a number" },
	{ "250-mx\n250 SIZE 0", { .size = true }, "SIZE 0" },
	{ "250-mx\n250 SIZE abc", { .size = true }, "SIZE not a number" },
	{ "250-mx\n250 SIZE 12x", { .size = true }, "SIZE with junk" },
	{ "250-mx\n250 SIZE -5", { .size = true }, "SIZE negative" },
	{ "250-mx\n250 SIZE 999999999999999999999999999", { .size = true },
	    "SIZE overflowing" },
	{ "250-mx\n250-STARTTLSX\n250-XSIZE 5\n250 AUTHX PLAIN", { .size = 0 },
	    "keywords must match the whole token" },
	{ "250-mx\n250-START\n250-SIZ 5\n250 AUTH PLAI", { .auth = true },
	    "a keyword's prefix is not the keyword" },
	{ "250-mx\n250-X-EXPS GSSAPI\n250-VRFY\n250 HELP", { .size = 0 },
	    "unknown keywords ignored" },
};

static int
t_capa_eq(const struct capa *a, const struct capa *b)
{
	return a->starttls == b->starttls && a->pipelining == b->pipelining &&
	    a->eightbitmime == b->eightbitmime && a->smtputf8 == b->smtputf8 &&
	    a->dsn == b->dsn && a->chunking == b->chunking &&
	    a->enhanced == b->enhanced && a->size == b->size &&
	    a->size_max == b->size_max && a->auth == b->auth &&
	    a->auth_mechs == b->auth_mechs;
}

static void
test_capa(struct reply *r)
{
	struct reply_parser p;
	struct capa c;
	struct err e;
	size_t i;
	int rc, early;

	for (i = 0; i < sizeof(capas) / sizeof(capas[0]); i++) {
		reply_parser_init(&p);
		err_init(&e);
		rc = t_feed(&p, capas[i].in, r, &e, &early);
		memset(&c, 0xa5, sizeof(c));
		capa_parse(r, &c);
		ok(rc == 1 && t_capa_eq(&c, &capas[i].want), "capa: %s",
		    capas[i].why);
		if (!t_capa_eq(&c, &capas[i].want))
			diag("  auth %d mechs %#x size %d max %lu tls %d",
			    c.auth, c.auth_mechs, c.size, c.size_max,
			    c.starttls);
	}
}

int
main(void)
{
	static struct reply r;

	test_valid(&r);
	test_invalid(&r);
	test_caps(&r);
	test_sequence(&r);
	test_capa(&r);
	return done_testing();
}
