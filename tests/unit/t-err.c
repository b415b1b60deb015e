/*
 * t-err.c - the error type and every row of the reply -> exit code table
 * (the table in src/err_reply.c).
 */
#include <string.h>
#include <sysexits.h>

#include "err.h"
#include "tap.h"

static const struct {
	enum err_cmd	 cmd;
	int		 code;
	const char	*enh;
	int		 ex;
	const char	*why;
} rows[] = {
	{ ERR_CMD_GREETING, 421, "", EX_TEMPFAIL, "421 greeting" },
	{ ERR_CMD_GREETING, 554, "", EX_UNAVAILABLE, "554 greeting" },
	{ ERR_CMD_EHLO, 550, "", EX_UNAVAILABLE, "EHLO rejected" },
	{ ERR_CMD_STARTTLS, 454, "4.7.0", EX_TEMPFAIL, "STARTTLS 454" },
	{ ERR_CMD_STARTTLS, 502, "", EX_UNAVAILABLE, "STARTTLS 502" },
	{ ERR_CMD_AUTH, 454, "4.7.0", EX_TEMPFAIL, "AUTH 454" },
	{ ERR_CMD_AUTH, 432, "4.7.12", EX_TEMPFAIL, "AUTH 432" },
	{ ERR_CMD_AUTH, 535, "5.7.8", EX_NOPERM, "AUTH 535" },
	{ ERR_CMD_AUTH, 535, "", EX_NOPERM, "AUTH 535 without enh" },
	{ ERR_CMD_AUTH, 534, "5.7.9", EX_NOPERM, "AUTH 534" },
	{ ERR_CMD_AUTH, 504, "5.5.4", EX_NOPERM, "AUTH 504" },
	{ ERR_CMD_MAIL, 451, "4.3.0", EX_TEMPFAIL, "MAIL 451" },
	{ ERR_CMD_MAIL, 530, "5.7.0", EX_NOPERM, "MAIL 530" },
	{ ERR_CMD_MAIL, 530, "", EX_NOPERM, "MAIL 530 without enh" },
	{ ERR_CMD_MAIL, 550, "5.7.1", EX_NOPERM, "MAIL 550 5.7.1" },
	{ ERR_CMD_MAIL, 553, "5.1.8", EX_UNAVAILABLE, "MAIL 553 5.1.8" },
	{ ERR_CMD_MAIL, 552, "5.3.4", EX_DATAERR, "MAIL 552 size" },
	{ ERR_CMD_MAIL, 552, "", EX_DATAERR, "MAIL 552 without enh" },
	{ ERR_CMD_RCPT, 451, "", EX_TEMPFAIL, "RCPT 451" },
	{ ERR_CMD_RCPT, 452, "4.5.3", EX_TEMPFAIL, "RCPT 452" },
	{ ERR_CMD_RCPT, 550, "5.1.1", EX_NOUSER, "RCPT 550 5.1.1" },
	{ ERR_CMD_RCPT, 550, "", EX_UNAVAILABLE, "RCPT 550" },
	{ ERR_CMD_RCPT, 550, "5.7.1", EX_UNAVAILABLE, "RCPT 550 5.7.1" },
	{ ERR_CMD_RCPT, 552, "5.5.3", EX_TEMPFAIL,
	    "RCPT 552: too many recipients, temporary" },
	{ ERR_CMD_GREETING, 554, "5.7.1", EX_UNAVAILABLE, "greeting 5.7.1" },
	{ ERR_CMD_EHLO, 550, "5.7.1", EX_UNAVAILABLE, "EHLO 5.7.1" },
	{ ERR_CMD_STARTTLS, 554, "5.7.3", EX_UNAVAILABLE, "STARTTLS 5.7.3" },
	{ ERR_CMD_AUTH, 538, "5.7.11", EX_NOPERM, "AUTH 538" },
	{ ERR_CMD_DATA, 451, "", EX_TEMPFAIL, "DATA 451" },
	{ ERR_CMD_DATA, 554, "5.5.1", EX_UNAVAILABLE, "DATA 554" },
	{ ERR_CMD_DOT, 451, "4.7.1", EX_TEMPFAIL, "final 451" },
	{ ERR_CMD_DOT, 552, "5.3.4", EX_DATAERR, "final 552 5.3.4" },
	{ ERR_CMD_DOT, 554, "5.6.0", EX_DATAERR, "final 554 5.6.0" },
	{ ERR_CMD_DOT, 550, "5.7.1", EX_UNAVAILABLE, "final 550 5.7.1 spam" },
	{ ERR_CMD_DOT, 554, "", EX_UNAVAILABLE, "final 554" },
	{ ERR_CMD_RCPT, 550, "4.1.1", EX_UNAVAILABLE,
	    "class mismatch: basic code wins" },
	{ ERR_CMD_OTHER, 354, "", EX_PROTOCOL, "3xx where a verdict is due" },
	{ ERR_CMD_OTHER, 650, "", EX_PROTOCOL, "first digit 6" },
};

int
main(void)
{
	struct err e;
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		is_int(err_reply_code(rows[i].cmd, rows[i].code, rows[i].enh),
		    rows[i].ex, "%s => %d", rows[i].why, rows[i].ex);

	err_init(&e);
	ok(!err_is_set(&e), "fresh err is unset");
	is_int(err_set(&e, EX_TEMPFAIL, "first %d", 1), -1, "err_set -1");
	err_set(&e, EX_PROTOCOL, "second");
	is_int(e.ex, EX_TEMPFAIL, "first error wins (class)");
	is_str(e.msg, "first 1", "first error wins (message)");

	err_init(&e);
	err_set(&e, EX_UNAVAILABLE, "server said \x1b[31mred\r\n\x7f ok\t.");
	is_str(e.msg, "server said ?[31mred??? ok\t.",
	    "control bytes, CR, LF and DEL become ?");

	err_sanitize(buf, sizeof(buf), "0123456789abcdefXYZ", 19);
	is_str(buf, "0123456789abcde", "sanitize truncates to the buffer");
	return done_testing();
}
