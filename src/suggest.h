/*
 * suggest.h - "did you mean": the closest known name to a mistyped word.
 *
 * The distance is optimal string alignment (Levenshtein plus swapping two
 * neighbours, the commonest typo), ASCII case-insensitive.  A caller feeds
 * every name of its table to suggest_try() and asks suggest_best(): the
 * table stays where it is, in whatever shape it has.
 */
#ifndef OUTPOST_SUGGEST_H
#define OUTPOST_SUGGEST_H

#include <stddef.h>

#define SUGGEST_WORD_MAX	64	/* longer words are never matched */
#define SUGGEST_DIST		2	/* the default "close enough" */

struct suggest {
	const char	*word;
	const char	*best;		/* NULL: nothing close enough yet */
	size_t		 dist;		/* of best */
	size_t		 max;		/* accept up to this distance */
};

/* The distance between a and b, or SIZE_MAX when one is too long. */
size_t		suggest_distance(const char *a, const char *b);
/*
 * Start a search for word; max is SUGGEST_DIST for most callers.  Short
 * words get a smaller limit (a third of their length, at least 1), so "ab"
 * never "means" every two-letter name.
 */
void		suggest_init(struct suggest *, const char *word, size_t max);
void		suggest_try(struct suggest *, const char *name);
/* The closest name tried (the first of equals), or NULL. */
const char	*suggest_best(const struct suggest *);

#endif
