/*
 * t-addr.c - address lists (RFC 5322) and envelope mailboxes (RFC 5321).
 *
 * addr_parse_list rows: the addr-specs the callback saw, each followed by
 * '|', or "ERR" when the parser failed (always with exit code 65).
 * addr_check rows: the result or the exit code; every error message is
 * checked for raw control bytes (a CR or LF in an address would inject
 * SMTP commands).
 */
#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "err.h"
#include "tap.h"

#define GOT_MAX		2048

struct list_row {
	const char	*what;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

static const struct list_row list_rows[] = {
	{ "one addr-spec", "a@b.example", 0, "a@b.example|" },
	{ "two, comma", "a@b, c@d", 0, "a@b|c@d|" },
	{ "display name", "John Doe <j@d.example>", 0, "j@d.example|" },
	{ "angle only", "<a@b>", 0, "a@b|" },
	{ "spaces inside <>", "< a@b >", 0, "a@b|" },
	{ "quoted display name with comma", "\"Doe, John\" <j@d>, x@y", 0,
	    "j@d|x@y|" },
	{ "quoted display name with <>@", "\"a <x@y>\" <j@d>", 0, "j@d|" },
	{ "dotted display name", "J. Doe <j@d>", 0, "j@d|" },
	{ "comments", "a@b (Al), c@d (nested (x) \\) y)", 0, "a@b|c@d|" },
	{ "comments around <>", "(c) <a@b> (d)", 0, "a@b|" },
	{ "comment inside the address", "a(x)@b", 0, "a@b|" },
	{ "group", "Team: a@b, c@d;, e@f", 0, "a@b|c@d|e@f|" },
	{ "group with display names", "T: A <a@b>, \"C\" <c@d>;", 0,
	    "a@b|c@d|" },
	{ "empty group", "Empty:;, a@b", 0, "a@b|" },
	{ "undisclosed-recipients:;", "undisclosed-recipients:;", 0, "" },
	{ "group without ';' at the end", "undisclosed-recipients:", 0, "" },
	{ "folded list", "a@b,\r\n\tc@d,\r\n Name\r\n <e@f>", 0,
	    "a@b|c@d|e@f|" },
	{ "folded inside a display name", "\"Doe,\r\n John\" <j@d>", 0,
	    "j@d|" },
	{ "trailing CRLF", " a@b\r\n", 0, "a@b|" },
	{ "quoted local part keeps quotes", "\"john doe\"@example.com", 0,
	    "\"john doe\"@example.com|" },
	{ "quoted local part in <>", "J <\"j d\"@x>", 0, "\"j d\"@x|" },
	{ "quoted-pair kept", "\"a\\\"b\"@x", 0, "\"a\\\"b\"@x|" },
	{ "UTF-8 address and name",
	    "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc" "cher.example>", 0,
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.example|" },
	{ "bare local name", "root", 0, "root|" },
	{ "two bare names", "root, admin", 0, "root|admin|" },
	{ "empty list", "", 0, "" },
	{ "only commas", " , ,,", 0, "" },
	{ "only whitespace and comments", " (nobody) ", 0, "" },
	{ "dot-atom", "j.doe@mail.example", 0, "j.doe@mail.example|" },
	{ "CFWS around @ (obsolete)", "a @ b", 0, "a@b|" },
	{ "domain literal", "a@[192.0.2.1]", 0, "a@[192.0.2.1]|" },
	{ "a@b@c passes to the caller", "a@b@c", 0, "a@b@c|" },
	/* malformed */
	{ "unbalanced <", "<a@b", 0, "ERR" },
	{ "unbalanced <, display name", "Al <a@b, c@d", 0, "ERR" },
	{ "unbalanced >", "a@b>", 0, "ERR" },
	{ "nested <<>>", "<<a@b>>", 0, "ERR" },
	{ "literal ending in a backslash (fuzz)", "[&\\", 0, "ERR" },
	{ "quoted string ending in a backslash", "\"a\\", 0, "ERR" },
	{ "escaped backslash, then fold", "\"a\\\\\r\n b\" <c@d>", 0,
	    "c@d|" },
	{ "unterminated quote", "\"unterminated <a@b>", 0, "ERR" },
	{ "unterminated comment", "a@b (unterminated", 0, "ERR" },
	{ "unbalanced )", "a@b (x))", 0, "ERR" },
	{ "unterminated domain literal", "a@[1.2.3.4", 0, "ERR" },
	{ "obsolete route", "<@r1,@r2:x@y>", 0, "ERR" },
	{ "missing comma", "a@b c@d", 0, "ERR" },
	{ "phrase without address", "John Doe", 0, "ERR" },
	{ "empty <>", "<>", 0, "ERR" },
	{ "text after <>", "<a@b> junk", 0, "ERR" },
	{ "text after a group", "g: a@b; c@d", 0, "ERR" },
	{ "nested group", "g: h: a@b;;", 0, "ERR" },
	{ "; outside a group", "a@b;", 0, "ERR" },
	{ "backslash outside quotes", "a\\b@c", 0, "ERR" },
	{ "NUL byte", "a@b\0\r\nRCPT TO:<evil@x>", 22, "ERR" },
	{ "control byte", "a\x01@b", 0, "ERR" },
	{ "ESC in a comment", "a@b (\x1b[2J)", 0, "ERR" },
	{ "DEL", "a\x7f@b", 0, "ERR" },
	{ "quoted-pair with LF", "\"a\\\nb\"@x", 0, "ERR" },
	{ "address of 255 bytes", NULL, 0, "ERR" },	/* built in main */
};

struct got {
	char	 buf[GOT_MAX];
	size_t	 len;
	int	 fail_at;	/* callback fails on this call (1-based) */
	int	 calls;
};

static int
collect(void *arg, const char *addr, size_t len)
{
	struct got *g = arg;

	if (++g->calls == g->fail_at)
		return -1;
	if (g->len + len + 1 < sizeof(g->buf)) {
		memcpy(g->buf + g->len, addr, len);
		g->len += len;
		g->buf[g->len++] = '|';
		g->buf[g->len] = '\0';
	}
	return 0;
}

static bool
clean_msg(const struct err *e)
{
	const char *p;

	for (p = e->msg; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

static void
test_lists(void)
{
	char long_addr[300];
	struct got g;
	struct err e;
	const char *in;
	size_t i, len;
	int r;

	memset(long_addr, 'a', 250);
	memcpy(long_addr + 250, "@b.cd", 6);	/* 255 bytes */
	for (i = 0; i < sizeof(list_rows) / sizeof(list_rows[0]); i++) {
		in = list_rows[i].in != NULL ? list_rows[i].in : long_addr;
		len = list_rows[i].len != 0 ? list_rows[i].len : strlen(in);
		memset(&g, 0, sizeof(g));
		err_init(&e);
		r = addr_parse_list(in, len, collect, &g, &e);
		if (r == -1)
			is_str("ERR", list_rows[i].want, "list: %s (ex %d, %s)",
			    list_rows[i].what, e.ex, e.msg);
		else
			is_str(g.buf, list_rows[i].want, "list: %s",
			    list_rows[i].what);
		if (r == -1 && (e.ex != EX_DATAERR || !clean_msg(&e)))
			ok(0, "list: %s: ex 65 and a clean message",
			    list_rows[i].what);
	}
	/* A callback failure stops the walk and keeps the caller's error. */
	memset(&g, 0, sizeof(g));
	g.fail_at = 2;
	err_init(&e);
	err_set(&e, EX_USAGE, "from the callback");
	r = addr_parse_list("a@b, c@d, e@f", 13, collect, &g, &e);
	ok(r == -1 && g.calls == 2 && e.ex == EX_USAGE,
	    "callback failure stops the list (calls %d)", g.calls);
	memset(&g, 0, sizeof(g));
	g.fail_at = 1;
	err_init(&e);
	r = addr_parse_list("a@b", 3, collect, &g, &e);
	ok(r == -1 && e.ex == EX_DATAERR, "callback failure without err: 65");
}

struct check_row {
	const char	*what;
	const char	*in;
	bool		 allow_empty;
	int		 ex;		/* passed in */
	const char	*want;		/* NULL: must fail with ex */
	bool		 utf8;
};

static const struct check_row check_rows[] = {
	{ "plain", "a@b.example", false, 64, "a@b.example", false },
	{ "strip <>", "<a@b.example>", false, 64, "a@b.example", false },
	{ "strip spaces and <>", "  <a@b>  ", false, 64, "a@b", false },
	{ "quoted local part", "\"john doe\"@example.com", false, 64,
	    "\"john doe\"@example.com", false },
	{ "quoted-pair in local part", "<\"a\\\"b\"@x>", false, 64,
	    "\"a\\\"b\"@x", false },
	{ "quoted @ is not the separator", "\"a@b\"@c", false, 64,
	    "\"a@b\"@c", false },
	{ "UTF-8", "j\xc3\xb6rg@b\xc3\xbc" "cher.example", false, 64,
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.example", true },
	{ "4-byte UTF-8", "\xf0\x9f\x93\xa7@x.example", false, 64,
	    "\xf0\x9f\x93\xa7@x.example", true },
	{ "bare local name (sendmail)", "root", false, 64, "root", false },
	{ "domain literal", "a@[192.0.2.1]", false, 64, "a@[192.0.2.1]",
	    false },
	{ "IPv6 literal", "a@[IPv6:2001:db8::1]", false, 64,
	    "a@[IPv6:2001:db8::1]", false },
	{ "null sender allowed", "<>", true, 64, "", false },
	{ "empty allowed", "", true, 64, "", false },
	{ "local part of 64", "L64", false, 64, "L64", false },
	{ "address of 254", "A254", false, 64, "A254", false },
	/* rejected */
	{ "null sender not allowed", "<>", false, 64, NULL, false },
	{ "empty not allowed", "", false, 65, NULL, false },
	{ "only spaces", "   ", false, 64, NULL, false },
	{ "CRLF command injection", "a@b\r\nRCPT TO:<evil@x>", false, 64,
	    NULL, false },
	{ "CRLF after >", "x@y>\r\nDATA", false, 64, NULL, false },
	{ "CRLF inside <>", "<x@y>\r\nDATA", false, 65, NULL, false },
	{ "bare LF", "a@b\nc", false, 64, NULL, false },
	{ "bare CR", "a@b\r", false, 64, NULL, false },
	{ "TAB", "a\tb@c", false, 64, NULL, false },
	{ "ESC", "\x1b[31m@x", false, 64, NULL, false },
	{ "DEL", "a\x7f@b", false, 65, NULL, false },
	{ "control in quoted local part", "\"a\x01\"@b", false, 64, NULL,
	    false },
	{ "space outside quotes", "a b@c", false, 64, NULL, false },
	{ "nested <<>>", "<<a@b>>", false, 64, NULL, false },
	{ "unbalanced <", "<a@b", false, 64, NULL, false },
	{ "unbalanced >", "a@b>", false, 64, NULL, false },
	{ "< inside", "a<b@c", false, 64, NULL, false },
	{ "empty domain", "a@", false, 64, NULL, false },
	{ "empty local part", "@b", false, 64, NULL, false },
	{ "two @", "a@b@c", false, 64, NULL, false },
	{ "comma", "a@b,c@d", false, 64, NULL, false },
	{ "local part of 65", "L65", false, 64, NULL, false },
	{ "address of 255", "A255", false, 65, NULL, false },
	{ "invalid UTF-8 (truncated)", "j\xc3@b", false, 64, NULL, false },
	{ "invalid UTF-8 (overlong)", "\xc0\xaf@b", false, 64, NULL, false },
	{ "invalid UTF-8 (surrogate)", "\xed\xa0\x80@b", false, 64, NULL,
	    false },
	{ "Latin-1 byte", "j\xf6rg@b", false, 64, NULL, false },
	{ "unterminated quote", "\"ab@c", false, 64, NULL, false },
	{ "text after quoted local part", "\"a\"b@c", false, 64, NULL,
	    false },
	{ "misplaced quote", "a\"b\"@c", false, 64, NULL, false },
	{ "quote in the domain", "a@\"b\"", false, 64, NULL, false },
};

/* Expand the length placeholders of check_rows. */
static const char *
check_input(const char *in, char *buf)
{
	if (strcmp(in, "L64") == 0 || strcmp(in, "L65") == 0) {
		memset(buf, 'l', 65);
		memcpy(buf + (in[2] == '4' ? 64 : 65), "@x.example", 11);
	} else if (strcmp(in, "A254") == 0 || strcmp(in, "A255") == 0) {
		memset(buf, 'd', 260);
		memcpy(buf, "local@", 6);
		memcpy(buf + (in[3] == '4' ? 250 : 251), ".com", 5);
	} else
		return in;
	return buf;
}

static void
test_check(void)
{
	const struct check_row *r;
	char out[ADDR_MAX + 1], buf[300];
	const char *in, *want;
	struct err e;
	size_t i;
	bool utf8;
	int rc;

	for (i = 0; i < sizeof(check_rows) / sizeof(check_rows[0]); i++) {
		r = &check_rows[i];
		in = check_input(r->in, buf);
		want = r->want != NULL ? check_input(r->want, buf) : NULL;
		err_init(&e);
		utf8 = !r->utf8;
		rc = addr_check(in, r->allow_empty, out, &utf8, r->ex, &e);
		if (want != NULL)
			ok(rc == 0 && strcmp(out, want) == 0 &&
			    utf8 == r->utf8, "check: %s -> \"%s\" utf8 %d %s",
			    r->what, out, utf8, e.msg);
		else
			ok(rc == -1 && e.ex == r->ex && clean_msg(&e) &&
			    strstr(e.msg, "invalid address") != NULL,
			    "check: %s rejected with %d: %s", r->what, e.ex,
			    e.msg);
	}
	/* The echo is sanitised: the injected command shows as '?'. */
	err_init(&e);
	addr_check("a@b\r\nRCPT TO:<evil@x>", false, out, &utf8, 64, &e);
	ok(strstr(e.msg, "a@b??RCPT TO:<evil@x>") != NULL,
	    "check: echo sanitised: %s", e.msg);
}

int
main(void)
{
	test_lists();
	test_check();
	return done_testing();
}
