/*
 * t-aliases.c - the aliases file: entries, comments, continuation lines,
 * case, default, nesting, loops, refused targets and the bounds.
 *
 * Each row parses a file and expands one name; want is the addresses in
 * order, each followed by ',', or "!EX: text" for an error with that exit
 * code whose message contains text.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "aliases.h"
#include "tap.h"

#define GOT_MAX		4096

struct row {
	const char	*what;
	const char	*file;
	const char	*name;
	const char	*want;
};

static const struct row rows[] = {
	{ "one address", "root: a@x\n", "root", "a@x," },
	{ "two addresses", "root: a@x, b@y\n", "root", "a@x,b@y," },
	{ "no space after colon", "root:a@x\n", "root", "a@x," },
	{ "empty targets skipped", "root: ,a@x,, b@y ,\n", "root",
	    "a@x,b@y," },
	{ "comment lines", "# hi\nroot: a@x\n#x: y@z\n", "root", "a@x," },
	{ "blank lines", "\n\n  \nroot: a@x\n\n", "root", "a@x," },
	{ "CRLF lines", "root: a@x,\r\n  b@y\r\n", "root", "a@x,b@y," },
	{ "continuation line", "root: a@x,\n  b@y\nops: c@z\n", "root",
	    "a@x,b@y," },
	{ "continuation with a tab", "root: a@x,\n\tb@y\n", "root",
	    "a@x,b@y," },
	{ "comment inside an entry", "root: a@x,\n# c\n b@y\n", "root",
	    "a@x,b@y," },
	{ "entry after a continued one", "root: a@x,\n b@y\nops: c@z\n",
	    "ops", "c@z," },
	{ "name case ignored (file)", "Root: a@x\n", "root", "a@x," },
	{ "name case ignored (lookup)", "root: a@x\n", "ROOT", "a@x," },
	{ "space before colon", "root : a@x\n", "root", "a@x," },
	{ "nested local name", "root: ops\nops: a@x, b@y\n", "root",
	    "a@x,b@y," },
	{ "nested, mixed", "root: z@q, ops\nops: a@x\n", "root",
	    "z@q,a@x," },
	{ "default entry", "root: a@x\ndefault: d@x\n", "www-data", "d@x," },
	{ "default for a nested unknown", "root: bob\ndefault: d@x\n",
	    "root", "d@x," },
	{ "own entry beats default", "default: d@x\nroot: a@x\n", "root",
	    "a@x," },
	{ "unknown name", "root: a@x\n", "bob",
	    "!67: no alias for local recipient bob" },
	{ "unknown nested name", "root: bob\n", "root",
	    "!67: no alias for local recipient bob" },
	{ "empty file", "", "root", "!67: add a line" },
	{ "loop", "a: b\nb: a\n", "a", "!78: alias loop" },
	{ "self loop", "root: root\n", "root", "!78: alias loop" },
	{ "default loop", "default: nobody\n", "x", "!78: alias loop" },
	{ "too deep", "a: b\nb: c\nc: d\nd: e\ne: f\nf: g\ng: h\nh: i\n"
	    "i: j\nj: k@x\n", "a", "!78: nested deeper" },
	{ "pipe refused", "root: |/bin/cat\n", "root",
	    "!78: not supported" },
	{ "quoted pipe refused", "root: \"|/bin/cat\"\n", "root",
	    "!78: not supported" },
	{ "file refused", "root: /var/mail/x\n", "root",
	    "!78: not supported" },
	{ ":include: refused", "root: :include:/etc/list\n", "root",
	    "!78: not supported" },
	{ "refused only when reached", "x: |cat\nroot: a@x\n", "root",
	    "a@x," },
	{ "no colon", "root a@x\n", "root", "!78: t:1: expected" },
	{ "error names the line", "# c\n\nroot a@x\n", "root",
	    "!78: t:3: expected" },
	{ "line after a continuation", "a: x@y,\n z@y\nbad\n", "a",
	    "!78: t:3: expected" },
	{ "continuation first", " a@x\n", "root",
	    "!78: t:1: continuation line without" },
	{ "duplicate name", "root: a@x\nROOT: b@x\n", "root",
	    "!78: t:2: root: already defined on line 1" },
	{ "empty name", ": a@x\n", "root", "!78: the name before" },
	{ "@ in the name", "a@b: a@x\n", "root", "!78: invalid character" },
	{ "name too long", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: a@x\n", "root",
	    "!78: 1 to 64" },
};

static int
collect(void *arg, const char *addr, struct err *e)
{
	char *got = arg;
	size_t n = strlen(got);

	(void)e;
	snprintf(got + n, GOT_MAX - n, "%s,", addr);
	return 0;
}

static void
run(const struct row *r)
{
	struct aliases al;
	struct err e;
	char got[GOT_MAX];
	int ex, rc;

	got[0] = '\0';
	err_init(&e);
	rc = aliases_parse(r->file, strlen(r->file), "t", &al, &e);
	if (rc == 0) {
		rc = aliases_expand(&al, r->name, collect, got, &e);
		aliases_free(&al);
	}
	if (r->want[0] != '!') {
		if (!ok(rc == 0 && strcmp(got, r->want) == 0, "%s", r->what))
			diag("  got [%s] err %d %s", got, e.ex, e.msg);
		return;
	}
	ex = (r->want[1] - '0') * 10 + (r->want[2] - '0');
	if (!ok(rc == -1 && e.ex == ex && strstr(e.msg, r->want + 5) != NULL,
	    "%s", r->what))
		diag("  got rc %d ex %d [%s] [%s]", rc, e.ex, e.msg, got);
}

/* A huge expansion stops at the bound. */
static void
run_bound(void)
{
	static char file[64 * 1024], got[GOT_MAX * 64];
	struct aliases al;
	struct err e;
	size_t o, i;

	o = (size_t)snprintf(file, sizeof(file), "root: a, a, a, a\n");
	o += (size_t)snprintf(file + o, sizeof(file) - o, "a: b, b, b, b\n");
	o += (size_t)snprintf(file + o, sizeof(file) - o, "b: c, c, c, c\n");
	o += (size_t)snprintf(file + o, sizeof(file) - o, "c: d, d, d, d\n");
	o += (size_t)snprintf(file + o, sizeof(file) - o, "d: ");
	for (i = 0; i < 8; i++)
		o += (size_t)snprintf(file + o, sizeof(file) - o, "x%zu@y, ",
		    i);
	snprintf(file + o, sizeof(file) - o, "\n");
	err_init(&e);
	got[0] = '\0';
	ok(aliases_parse(file, strlen(file), "t", &al, &e) == 0,
	    "fan-out file parses");
	ok(aliases_expand(&al, "root", collect, got, &e) == -1 &&
	    strstr(e.msg, "more than 1000") != NULL,
	    "fan-out stops at ALIASES_MAX_EXPAND");
	aliases_free(&al);
	err_init(&e);
	ok(aliases_parse(file, ALIASES_MAX_BYTES + 1, "t", &al, &e) == -1 &&
	    strstr(e.msg, "larger than") != NULL, "size bound");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run(&rows[i]);
	run_bound();
	return done_testing();
}
