/*
 * suggest.c - optimal string alignment distance and the closest name.
 *
 * Three rows of a dynamic programme over at most SUGGEST_WORD_MAX bytes:
 * no allocation, a bounded amount of work per name.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include "suggest.h"

static int
sg_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static size_t
sg_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t
suggest_distance(const char *a, const char *b)
{
	size_t r0[SUGGEST_WORD_MAX + 1], r1[SUGGEST_WORD_MAX + 1];
	size_t r2[SUGGEST_WORD_MAX + 1];
	size_t *pp = r0, *p = r1, *c = r2, *t;
	size_t la = strlen(a), lb = strlen(b), i, j, cost;

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		c[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = sg_lower((unsigned char)a[i - 1]) !=
			    sg_lower((unsigned char)b[j - 1]);
			c[j] = sg_min(sg_min(p[j] + 1, c[j - 1] + 1),
			    p[j - 1] + cost);
			if (i > 1 && j > 1 &&
			    sg_lower((unsigned char)a[i - 1]) ==
			    sg_lower((unsigned char)b[j - 2]) &&
			    sg_lower((unsigned char)a[i - 2]) ==
			    sg_lower((unsigned char)b[j - 1]))
				c[j] = sg_min(c[j], pp[j - 2] + 1);
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

void
suggest_init(struct suggest *s, const char *word, size_t max)
{
	size_t short_max = strlen(word) / 3;

	s->word = word;
	s->best = NULL;
	s->dist = SIZE_MAX;
	if (short_max < 1)
		short_max = 1;
	s->max = sg_min(max, short_max);
}

void
suggest_try(struct suggest *s, const char *name)
{
	size_t d = suggest_distance(s->word, name);

	if (d <= s->max && d < s->dist) {
		s->best = name;
		s->dist = d;
	}
}

const char *
suggest_best(const struct suggest *s)
{
	return s->best;
}
