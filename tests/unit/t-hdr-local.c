/*
 * t-hdr-local.c - rewriting local addresses in From:/To:/Cc: values:
 * display names, comments, several targets, what is left alone.
 *
 * The rows' fn replaces "root" by "a@x", "ops" by "b@y,c@z" and the From
 * side's "root" by "me@x"; want NULL means "left as it is".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hdr_local.h"
#include "tap.h"

struct row {
	const char	*what;
	bool		 from;
	const char	*value;
	const char	*want;
};

static const struct row rows[] = {
	{ "bare name", false, " root", " a@x" },
	{ "From side", true, " root", " me@x" },
	{ "cron's From", true, " root (Cron Daemon)",
	    " \"Cron Daemon\" <me@x>" },
	{ "display name kept", false, " Admin <root>", " Admin <a@x>" },
	{ "quoted display name kept", false, " \"The, Admin\" <root>",
	    " \"The, Admin\" <a@x>" },
	{ "angle only", false, " <root>", " <a@x>" },
	{ "two targets", false, " ops", " b@y, c@z" },
	{ "two targets, display name on each", false, " Ops <ops>",
	    " Ops <b@y>, Ops <c@z>" },
	{ "others kept as written", false, " x@q,  root , \"Q\" <y@q>",
	    " x@q, a@x, \"Q\" <y@q>" },
	{ "folded value unfolded", false, " x@q,\r\n root", " x@q, a@x" },
	{ "odd comment kept as a comment", false, " root (a \\) b)",
	    " a@x (a \\) b)" },
	{ "comment before the name", false, " (hi) root", " \"hi\" <a@x>" },
	{ "two comments kept", true, " root (a) (b)", " me@x (a) (b)" },
	{ "nothing local", false, " x@q, y@q", NULL },
	{ "unknown local name", false, " bob", NULL },
	{ "group left alone", false, " team: root;", NULL },
	{ "empty group left alone", false, " undisclosed-recipients:;",
	    NULL },
	{ "unbalanced quote", false, " \"root", NULL },
	{ "unbalanced comment", false, " root (x", NULL },
	{ "unclosed angle", false, " A <root", NULL },
	{ "quoted local part", false, " \"root\"", NULL },
	{ "comma inside a quoted name", false, " \"a,root\" <x@q>", NULL },
	{ "empty value", false, "", NULL },
};

static int
fn(void *arg, bool from, const char *addr, char *out, size_t cap)
{
	(void)arg;
	if (strcmp(addr, "root") == 0)
		snprintf(out, cap, "%s", from ? "me@x" : "a@x");
	else if (strcmp(addr, "ops") == 0)
		snprintf(out, cap, "b@y,c@z");
	else
		return 0;
	return 1;
}

int
main(void)
{
	char out[HDR_LOCAL_MAX], small[8];
	size_t i, n;
	int r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out[0] = '\0';
		r = hdr_local_rewrite(rows[i].value, strlen(rows[i].value),
		    rows[i].from, fn, NULL, out, sizeof(out), &n);
		if (rows[i].want == NULL)
			is_int(r, 0, "%s", rows[i].what);
		else if (!ok(r == 1 && strcmp(out, rows[i].want) == 0 &&
		    n == strlen(out), "%s", rows[i].what))
			diag("  got %d [%s]", r, out);
	}
	is_int(hdr_local_rewrite(" root, root, root", 17, false, fn, NULL,
	    small, sizeof(small), &n), 0, "too long for out: left alone");
	return done_testing();
}
