/*
 * t-rcpt-domains.c - recipient_domains: the list syntax, matching (exact
 * names, "*." only below the name, ASCII case, UTF-8 names byte for
 * byte as addr.c keeps them), overlaps, the account a recipient goes to,
 * and the config key's errors with file and line.
 */
#include <string.h>

#include "cfg.h"
#include "cfgrun.h"
#include "rcpt_domains.h"
#include "tap.h"

#define LIST	"example.com, *.corp.example.com,b\xc3\xbc" "cher.example"

static const struct {
	const char	*list;
	bool		 ok;
} syntax[] = {
	{ "example.com", true },
	{ "example.com, *.corp.example.com", true },
	{ "  a.example ,\tb.example  ", true },
	{ "*.com", true },
	{ "localhost", true },
	{ "xn--bcher-kva.example", true },
	{ "b\xc3\xbc" "cher.example", true },
	{ "", false },
	{ "a.example,", false },
	{ "a.example,,b.example", false },
	{ ", a.example", false },
	{ "*", false },
	{ "*.", false },
	{ "a.*.example", false },
	{ "*a.example", false },
	{ ".example.com", false },
	{ "example.com.", false },
	{ "a..example", false },
	{ "user@example.com", false },
	{ "[192.0.2.1]", false },
	{ "a b.example", false },
	{ "b\xc3" "cher.example", false },	/* cut UTF-8 */
	{ "a234567890123456789012345678901234567890123456789012345678901234"
	    ".example", false },		/* a 64-octet label */
};

static void
t_syntax(void)
{
	const char *why;
	size_t i;
	int r;

	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		why = NULL;
		r = rcpt_domains_check(syntax[i].list, &why);
		if (syntax[i].ok)
			ok(r == 0 && why == NULL, "accepted: '%s'",
			    syntax[i].list);
		else
			ok(r == -1 && why != NULL, "refused: '%s' (%s)",
			    syntax[i].list, why != NULL ? why : "-");
	}
}

static const struct {
	const char	*domain;
	bool		 match;
} matches[] = {
	{ "example.com", true },
	{ "EXAMPLE.Com", true },
	{ "www.example.com", false },	/* exact means exact */
	{ "corp.example.com", false },	/* "*." is below, not the name */
	{ "a.corp.example.com", true },
	{ "x.y.CORP.example.COM", true },
	{ "acorp.example.com", false },	/* a label boundary */
	{ "example.org", false },
	{ "com", false },
	{ "b\xc3\xbc" "cher.example", true },
	{ "B\xc3\xbc" "CHER.example", true },	/* ASCII folds */
	{ "b\xc3\x9c" "cher.example", false },	/* U+00DC: no Unicode fold */
	{ "xn--bcher-kva.example", false },	/* no IDNA mapping */
	{ "", false },
};

static void
t_match(void)
{
	size_t i;

	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		ok(rcpt_domains_match(LIST, matches[i].domain) ==
		    matches[i].match, "'%s' %s", matches[i].domain,
		    matches[i].match ? "matches" : "does not match");
}

static const struct {
	const char	*a, *b;
	const char	*ea, *eb;	/* NULL: disjoint */
} overlaps[] = {
	{ "a.example", "b.example", NULL, NULL },
	{ "a.example", "A.Example", "a.example", "A.Example" },
	{ "x.example, corp.example", "*.corp.example", NULL, NULL },
	{ "h.corp.example", "*.corp.example", "h.corp.example",
	    "*.corp.example" },
	{ "*.corp.example", "*.example", "*.corp.example", "*.example" },
	{ "*.example", "*.corp.example", "*.example", "*.corp.example" },
	{ "*.example", "*.EXAMPLE", "*.example", "*.EXAMPLE" },
	{ "*.a.example", "*.b.example", NULL, NULL },
	{ "*.orp.example", "*.corp.example", NULL, NULL },
};

static void
t_overlap(void)
{
	char ea[RCPT_DOMAINS_ENTRY_MAX + 1], eb[RCPT_DOMAINS_ENTRY_MAX + 1];
	size_t i;
	int r;

	for (i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
		ea[0] = eb[0] = '\0';
		r = rcpt_domains_overlap(overlaps[i].a, overlaps[i].b, ea, eb);
		if (overlaps[i].ea == NULL)
			ok(r == 0, "'%s' and '%s' are disjoint", overlaps[i].a,
			    overlaps[i].b);
		else
			ok(r == 1 && strcmp(ea, overlaps[i].ea) == 0 &&
			    strcmp(eb, overlaps[i].eb) == 0, "'%s' and '%s' "
			    "overlap: %s / %s", overlaps[i].a, overlaps[i].b,
			    ea, eb);
	}
}

/* Which account a recipient goes to; the config key's checks. */
static void
t_cfg(void)
{
	static const char good[] = "[defaults]\naccount = main\n"
	    "[main]\nhost = h\n"
	    "[corp]\nhost = c\nrecipient_domains = corp.example, "
	    "*.corp.example\n"
	    "[lab]\nhost = l\nrecipient_domains = lab.example\n";
	static const char bad_value[] = "[a]\nhost = h\n\n"
	    "recipient_domains = a.example, *x.example\n";
	static const char overlap[] = "[a]\nhost = h\n"
	    "recipient_domains = *.example\n[b]\nhost = h\n\n"
	    "recipient_domains = x.Example\n";
	static const char in_defaults[] = "[defaults]\n"
	    "recipient_domains = a.example\n[a]\nhost = h\n";
	const struct account *a;
	struct config cfg;
	struct err e;

	ok(parse(good, sizeof(good) - 1, &cfg, &e) == 0, "routes load: %s",
	    e.msg);
	a = rcpt_domains_account(&cfg, "bob@corp.example");
	ok(a != NULL && strcmp(a->name, "corp") == 0, "corp.example -> corp");
	a = rcpt_domains_account(&cfg, "\"x@y\"@dev.CORP.example");
	ok(a != NULL && strcmp(a->name, "corp") == 0,
	    "the domain follows the last '@'");
	a = rcpt_domains_account(&cfg, "eve@lab.example");
	ok(a != NULL && strcmp(a->name, "lab") == 0, "lab.example -> lab");
	ok(rcpt_domains_account(&cfg, "joe@example.org") == NULL,
	    "an unclaimed domain: no account (the default takes it)");
	ok(rcpt_domains_account(&cfg, "root") == NULL, "no domain: none");
	ok(cfg.accounts[0].recipient_domains == NULL,
	    "the default account claims nothing");
	cfg_free(&cfg);

	ok(parse(bad_value, sizeof(bad_value) - 1, &cfg, &e) == -1 &&
	    e.ex == EX_CONFIG && strstr(e.msg, "t.conf:4: key "
	    "'recipient_domains': bad value") != NULL, "a bad entry: 78 with "
	    "file and line: %s", e.msg);
	ok(parse(overlap, sizeof(overlap) - 1, &cfg, &e) == -1 &&
	    e.ex == EX_CONFIG && strstr(e.msg, "t.conf:7: key "
	    "'recipient_domains': x.Example overlaps *.example of account "
	    "'a' (line 3)") != NULL, "overlapping claims: 78, both lines: %s",
	    e.msg);
	ok(parse(in_defaults, sizeof(in_defaults) - 1, &cfg, &e) == -1 &&
	    e.ex == EX_CONFIG && strstr(e.msg, "t.conf:2: key "
	    "'recipient_domains' belongs in an account's section") != NULL,
	    "not in [defaults]: %s", e.msg);
}

int
main(void)
{
	t_syntax();
	t_match();
	t_overlap();
	t_cfg();
	return done_testing();
}
