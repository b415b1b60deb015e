/*
 * t-local.c - local names: which addresses are this host's, the from
 * placeholders and maildomain, and local recipients without aliases.
 * The host name comes from gethostname() at run time.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "local.h"
#include "tap.h"

static char host[256], shortname[256];

static void
run_addr(void)
{
	char name[64], a[512];
	size_t n;

	ok(local_addr(NULL, "root", name, sizeof(name)) &&
	    strcmp(name, "root") == 0, "bare name is local");
	ok(local_addr(NULL, "root@localhost", name, sizeof(name)) &&
	    strcmp(name, "root") == 0, "@localhost is local");
	ok(local_addr(NULL, "Root@LOCALHOST", name, sizeof(name)),
	    "domain case ignored");
	snprintf(a, sizeof(a), "www@%s", host);
	ok(local_addr(NULL, a, name, sizeof(name)) && strcmp(name, "www") == 0,
	    "@hostname is local");
	snprintf(a, sizeof(a), "www@%s", shortname);
	ok(local_addr(NULL, a, name, sizeof(name)), "@short hostname is local");
	ok(!local_addr(NULL, "a@example.com", name, sizeof(name)),
	    "a real domain is not");
	ok(!local_addr(NULL, "a@localhost.example.com", name, sizeof(name)),
	    "localhost as a prefix is not");
	ok(!local_addr(NULL, "@localhost", name, sizeof(name)),
	    "empty local part is not");
	n = strlen(host);
	snprintf(a, sizeof(a), "a@%sx", host);
	ok(!local_addr(NULL, a, name, sizeof(name)) && n > 0,
	    "hostname as a prefix is not");
}

/* local_domains: more names of this host, as written in the key */
static void
run_domains(void)
{
	struct account a;
	char name[64];

	ok(local_name_in("b.org", 5, "a.org, B.ORG"), "in list: case ignored");
	ok(local_name_in("a.org", 5, " a.org"), "in list: first, blanks");
	ok(!local_name_in("a.org", 5, "xa.org,a.orgx"), "in list: whole names");
	ok(!local_name_in("a.org", 5, NULL), "in list: no list");
	ok(!local_name_in("", 0, ","), "in list: empty name");
	memset(&a, 0, sizeof(a));
	a.local_domains = "intranet.example, lan";
	ok(local_addr(&a, "logcheck@lan", name, sizeof(name)) == LOCAL_HOST &&
	    strcmp(name, "logcheck") == 0, "local_domains name is local");
	ok(local_addr(&a, "x@example.com", name, sizeof(name)) == LOCAL_NOT,
	    "other domains are not");
	ok(local_addr(NULL, "logcheck@lan", name, sizeof(name)) == LOCAL_NOT,
	    "without the key it is not");
}

struct from_row {
	const char	*from, *maildomain, *want;
};

static void
run_from(void)
{
	static const struct from_row rows[] = {
		{ "a@x.org", NULL, "a@x.org" },
		{ "a%%b@x.org", NULL, "a%b@x.org" },
		{ "alerts", "x.org", "alerts@x.org" },
		{ "a@x.org", "y.org", "a@x.org" },
		{ NULL, NULL, "" },
		{ "%Q@x.org", NULL, "!unknown placeholder" },
		{ "a%", NULL, "!unknown placeholder" },
	};
	struct account a;
	struct err e;
	char out[300], want[300];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.name = "t";
		a.from = (char *)rows[i].from;
		a.maildomain = (char *)rows[i].maildomain;
		err_init(&e);
		if (rows[i].want[0] == '!')
			ok(local_from(&a, out, sizeof(out), &e) == -1 &&
			    e.ex == EX_CONFIG && strstr(e.msg,
			    rows[i].want + 1) != NULL, "from row %zu", i);
		else if (!ok(local_from(&a, out, sizeof(out), &e) == 0 &&
		    strcmp(out, rows[i].want) == 0, "from row %zu", i))
			diag("  got [%s] %s", out, e.msg);
	}
	memset(&a, 0, sizeof(a));
	a.name = "t";
	a.from = "x-%H@y.org";
	snprintf(want, sizeof(want), "x-%s@y.org", host);
	ok(local_from(&a, out, sizeof(out), &e) == 0 &&
	    strcmp(out, want) == 0, "%%H is the host name");
	a.from = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	ok(local_from(&a, out, 16, &e) == -1, "too long once expanded");
}

static int
never(void *arg, const char *addr, struct err *e)
{
	(void)arg;
	(void)addr;
	return err_set(e, EX_SOFTWARE, "called");
}

static void
run_rcpt(void)
{
	struct account a;
	struct aliases al;
	struct err e;

	memset(&a, 0, sizeof(a));
	memset(&al, 0, sizeof(al));
	a.name = "t";
	err_init(&e);
	ok(local_rcpt(&a, &al, "root", never, NULL, &e) == -1 &&
	    e.ex == EX_NOUSER && strstr(e.msg, "set aliases =") != NULL,
	    "bare name, no aliases key: 67 with a hint");
	err_init(&e);
	is_int(local_rcpt(&a, &al, "root@localhost", never, NULL, &e), 0,
	    "name@localhost without aliases: sent as it is");
	is_int(local_rcpt(&a, &al, "a@example.com", never, NULL, &e), 0,
	    "a real address: untouched");
}

int
main(void)
{
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "h");
	host[sizeof(host) - 1] = '\0';
	snprintf(shortname, sizeof(shortname), "%.*s",
	    (int)strcspn(host, "."), host);
	run_addr();
	run_domains();
	run_from();
	run_rcpt();
	return done_testing();
}
