/*
 * fuzz-reply.c - the SMTP reply parser (src/reply.c) and what is built
 * on a parsed reply: the EHLO keywords (capa_parse) and the exit code and
 * message (err_reply).  The input is a server's byte stream, cut into
 * lines at LF (a CR before it dropped), as conn.c does.
 */
#include <string.h>

#include "err.h"
#include "fuzz.h"
#include "reply.h"

const char fuzz_name[] = "reply";

static void
fuzz_reply_use(const struct reply *r, unsigned cmd)
{
	struct capa c;
	struct err e;
	size_t i, n = 0;

	capa_parse(r, &c);
	for (i = 0; i <= r->nlines; i++)
		n += strlen(reply_line(r, i));
	if (n > r->len)
		fuzz_fail("line texts longer than the reply");
	(void)reply_first_text(r);
	err_init(&e);
	err_reply(&e, (enum err_cmd)(cmd % (ERR_CMD_OTHER + 1)), "CMD", r);
	if (strlen(e.msg) >= sizeof(e.msg))
		fuzz_fail("error message not terminated");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reply r;
	struct reply_parser p;
	struct err e;
	const char *s = (const char *)data, *nl, *end = s + size;
	size_t len;
	int rc;

	reply_parser_init(&p);
	while (s < end) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		len = nl - s;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		err_init(&e);
		rc = reply_feed(&p, s, len, &r, &e);
		if (rc == 1) {
			if (r.code < 100 || r.code > 999 ||
			    r.len > sizeof(r.text))
				fuzz_fail("complete reply out of range");
			fuzz_reply_use(&r, (unsigned)r.code);
		} else if (rc == -1) {
			if (e.ex == 0)
				fuzz_fail("error without an exit code");
			reply_parser_init(&p);
		}
		s = nl + 1;
	}
	return 0;
}
