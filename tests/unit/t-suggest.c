/*
 * t-suggest.c - the "did you mean" distance and the closest-name search:
 * known distances, swaps, case, the short-word limit and over-long words.
 */
#include <stdint.h>
#include <string.h>

#include "suggest.h"
#include "tap.h"

static const struct {
	const char	*a, *b;
	size_t		 d;
} dists[] = {
	{ "", "", 0 },
	{ "doctor", "doctor", 0 },
	{ "doctr", "doctor", 1 },		/* deletion */
	{ "doctoor", "doctor", 1 },		/* insertion */
	{ "doktor", "doctor", 1 },		/* substitution */
	{ "hlep", "help", 1 },			/* swap */
	{ "usre", "user", 1 },
	{ "Gmail", "gmail", 0 },		/* case */
	{ "PASSWORD", "password", 0 },
	{ "kitten", "sitting", 3 },
	{ "", "abc", 3 },
	{ "abc", "", 3 },
	{ "ca", "abc", 3 },			/* OSA, not Damerau */
	{ "office365", "microsoft365", 9 },
};

static const char *const names[] = {
	"doctor", "password", "providers", "oauth2", "help", "host", "port",
	NULL
};

static const struct {
	const char	*word;
	const char	*want;		/* NULL: no suggestion */
} picks[] = {
	{ "doctr", "doctor" },
	{ "DOCTOR", "doctor" },
	{ "pasword", "password" },
	{ "provders", "providers" },
	{ "hots", "host" },		/* a swap, not "help" */
	{ "prot", "port" },
	{ "ab", NULL },			/* short: at most 1 away */
	{ "hp", NULL },
	{ "bob", NULL },
	{ "root", NULL },
	{ "doc", NULL },		/* three away from doctor */
	{ "oauth", "oauth2" },
};

int
main(void)
{
	char longw[SUGGEST_WORD_MAX + 2];
	struct suggest s;
	size_t i, j;

	for (i = 0; i < sizeof(dists) / sizeof(dists[0]); i++)
		ok(suggest_distance(dists[i].a, dists[i].b) == dists[i].d,
		    "distance(%s, %s) = %zu", dists[i].a, dists[i].b,
		    dists[i].d);
	for (i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		suggest_init(&s, picks[i].word, SUGGEST_DIST);
		for (j = 0; names[j] != NULL; j++)
			suggest_try(&s, names[j]);
		if (picks[i].want == NULL)
			ok(suggest_best(&s) == NULL, "%s: no suggestion",
			    picks[i].word);
		else
			ok(suggest_best(&s) != NULL &&
			    strcmp(suggest_best(&s), picks[i].want) == 0,
			    "%s: did you mean %s", picks[i].word,
			    picks[i].want);
	}
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	ok(suggest_distance(longw, "a") == SIZE_MAX, "an over-long word has "
	    "no distance");
	suggest_init(&s, longw, SUGGEST_DIST);
	suggest_try(&s, longw);
	ok(suggest_best(&s) == NULL, "an over-long word is never suggested");
	suggest_init(&s, "hostt", 0);
	suggest_try(&s, "host");
	ok(suggest_best(&s) == NULL, "max 0 accepts only equals");
	return done_testing();
}
