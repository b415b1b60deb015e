/*
 * sasl_mech.c - the one table of SASL mechanism names: the config word
 * (auth = ...), the name on the wire and in EHLO AUTH, the CAPA_AUTH_*
 * bit.  The config reader, the EHLO parser, the mechanism choice, the
 * log line, doctor and -v all read it, so a mechanism added here is known
 * everywhere at once.  Pure.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "sasl.h"

static const struct sasl_row {
	enum sasl_want	 want;
	enum sasl_mech	 mech;		/* SASL_NONE: a policy, not a mech */
	unsigned	 bit;		/* CAPA_AUTH_*; 0 for a policy */
	const char	*word;		/* config; NULL: never configurable */
	const char	*wire;		/* EHLO AUTH keyword; NULL: none */
} sasl_rows[] = {
	{ SASL_WANT_OFF, SASL_NONE, 0, "off", NULL },
	{ SASL_WANT_ON, SASL_NONE, 0, "on", NULL },
	{ SASL_WANT_PLAIN, SASL_PLAIN, CAPA_AUTH_PLAIN, "plain", "PLAIN" },
	{ SASL_WANT_LOGIN, SASL_LOGIN, CAPA_AUTH_LOGIN, "login", "LOGIN" },
	{ SASL_WANT_EXTERNAL, SASL_EXTERNAL, CAPA_AUTH_EXTERNAL, "external",
	    "EXTERNAL" },
	{ SASL_WANT_XOAUTH2, SASL_XOAUTH2, CAPA_AUTH_XOAUTH2, "xoauth2",
	    "XOAUTH2" },
	{ SASL_WANT_OAUTHBEARER, SASL_OAUTHBEARER, CAPA_AUTH_OAUTHBEARER,
	    "oauthbearer", "OAUTHBEARER" },
	/* recognised in EHLO (doctor shows it) but never used */
	{ SASL_WANT_OFF, SASL_NONE, CAPA_AUTH_CRAM_MD5, NULL, "CRAM-MD5" },
};

#define SASL_NROWS	(sizeof(sasl_rows) / sizeof(sasl_rows[0]))

const char *
sasl_want_word(enum sasl_want w)
{
	size_t i;

	for (i = 0; i < SASL_NROWS; i++)
		if (sasl_rows[i].word != NULL && sasl_rows[i].want == w)
			return sasl_rows[i].word;
	return "-";
}

int
sasl_want_parse(const char *word, enum sasl_want *out)
{
	size_t i;

	for (i = 0; i < SASL_NROWS; i++)
		if (sasl_rows[i].word != NULL &&
		    strcmp(sasl_rows[i].word, word) == 0) {
			*out = sasl_rows[i].want;
			return 0;
		}
	return -1;
}

size_t
sasl_want_words(char *out, size_t cap)
{
	size_t i, o = 0;
	int n;

	out[0] = '\0';
	for (i = 0; i < SASL_NROWS; i++) {
		if (sasl_rows[i].word == NULL)
			continue;
		n = snprintf(out + o, cap - o, "%s%s", o > 0 ? ", " : "",
		    sasl_rows[i].word);
		if (n < 0 || (size_t)n >= cap - o)
			break;
		o += (size_t)n;
	}
	return o;
}

enum sasl_mech
sasl_want_mech(enum sasl_want w)
{
	size_t i;

	for (i = 0; i < SASL_NROWS; i++)
		if (sasl_rows[i].word != NULL && sasl_rows[i].want == w)
			return sasl_rows[i].mech;
	return SASL_NONE;
}

const char *
sasl_name(enum sasl_mech m)
{
	size_t i;

	for (i = 0; m != SASL_NONE && i < SASL_NROWS; i++)
		if (sasl_rows[i].mech == m)
			return sasl_rows[i].wire;
	return "";
}

unsigned
sasl_mech_bit(enum sasl_mech m)
{
	size_t i;

	for (i = 0; m != SASL_NONE && i < SASL_NROWS; i++)
		if (sasl_rows[i].mech == m)
			return sasl_rows[i].bit;
	return 0;
}

unsigned
sasl_capa_bit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < SASL_NROWS; i++)
		if (sasl_rows[i].wire != NULL &&
		    strlen(sasl_rows[i].wire) == n &&
		    strncasecmp(sasl_rows[i].wire, s, n) == 0)
			return sasl_rows[i].bit;
	return 0;
}

size_t
sasl_capa_names(unsigned bits, const char *sep, const char *quote,
    char *out, size_t cap)
{
	size_t i, o = 0;
	int n;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (i = 0; i < SASL_NROWS; i++) {
		if (sasl_rows[i].wire == NULL || (bits & sasl_rows[i].bit) == 0)
			continue;
		n = snprintf(out + o, cap - o, "%s%s%s%s", o > 0 ? sep : "",
		    quote, sasl_rows[i].wire, quote);
		if (n < 0 || (size_t)n >= cap - o) {
			out[o] = '\0';
			break;
		}
		o += (size_t)n;
	}
	return o;
}
