/*
 * rcpt_domains.c - recipient_domains lists (rcpt_domains.h): entries
 * separated by commas, blanks around each ignored.  Everything works on
 * spans of the value as written; nothing is copied but the two entries
 * an overlap names.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "err.h"
#include "rcpt_domains.h"

/* One entry: a name span, and whether "*." stood before it. */
struct rd_entry {
	const char	*s;
	size_t		 n;
	bool		 wild;
};

static bool
rd_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The entry at *p into en, *p moved past its comma: 1, or 0 at the end.
 * An empty entry comes back with n == 0 (the check refuses it).
 */
static int
rd_next(const char **p, struct rd_entry *en)
{
	const char *s = *p, *end;

	if (*s == '\0')
		return 0;
	while (rd_blank(*s))
		s++;
	end = s + strcspn(s, ",");
	*p = *end == ',' ? end + 1 : end;
	while (end > s && rd_blank(end[-1]))
		end--;
	en->wild = end - s >= 2 && s[0] == '*' && s[1] == '.';
	if (en->wild)
		s += 2;
	en->s = s;
	en->n = (size_t)(end - s);
	return 1;
}

/* ASCII letters fold; every other byte compares as is. */
static char
rd_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
rd_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rd_fold(a[i]) != rd_fold(b[i]))
			return false;
	return true;
}

/* Is d (dn bytes) a name strictly below s (sn bytes)? */
static bool
rd_below(const char *d, size_t dn, const char *s, size_t sn)
{
	return dn > sn + 1 && d[dn - sn - 1] == '.' &&
	    rd_eq(d + dn - sn, s, sn);
}

/* Does entry en claim the name d (dn bytes)? */
static bool
rd_claims(const struct rd_entry *en, const char *d, size_t dn)
{
	if (en->wild)
		return rd_below(d, dn, en->s, en->n);
	return dn == en->n && rd_eq(d, en->s, dn);
}

/* The name of one entry: labels of letters, digits, '-' and UTF-8. */
static const char *
rd_name_check(const struct rd_entry *en)
{
	char addr[ADDR_MAX + 1], out[ADDR_MAX + 1];
	size_t i, label = 0;
	struct err e;
	bool utf8;
	unsigned char c;

	if (en->n == 0)
		return en->wild ? "a name must follow '*.'" : "empty entry";
	if (en->n > RCPT_DOMAIN_MAX)
		return "a name longer than 253 octets";
	for (i = 0; i < en->n; i++) {
		c = (unsigned char)en->s[i];
		if (c == '.') {
			if (label == 0)
				break;
			label = 0;
			continue;
		}
		if (c == '*')
			return "'*' only as the whole first label "
			    "(*.example.com)";
		if (c < 0x80 && c != '-' && !(c >= '0' && c <= '9') &&
		    !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return "a domain has only letters, digits, '-' and "
			    "'.'";
		if (++label > RCPT_DOMAIN_LABEL_MAX)
			return "a label longer than 63 octets";
	}
	if (i < en->n || label == 0)
		return "an empty label (a leading, trailing or double '.')";
	/* non-ASCII: valid UTF-8, as addr.c wants it in an address */
	snprintf(addr, sizeof(addr), "postmaster@%.*s", (int)en->n, en->s);
	err_init(&e);
	if (addr_check(addr, false, out, &utf8, EX_CONFIG, &e) == -1)
		return "invalid UTF-8";
	return NULL;
}

int
rcpt_domains_check(const char *list, const char **why)
{
	struct rd_entry en;
	const char *p = list;

	*why = NULL;
	if (list[0] == '\0') {
		*why = "empty list";
		return -1;
	}
	while (rd_next(&p, &en) == 1)
		if ((*why = rd_name_check(&en)) != NULL)
			return -1;
	/* "a.example," has an empty last entry */
	if (list[strlen(list) - 1] == ',')
		*why = "empty entry";
	return *why != NULL ? -1 : 0;
}

bool
rcpt_domains_match(const char *list, const char *domain)
{
	struct rd_entry en;
	const char *p = list;
	size_t dn = strlen(domain);

	while (rd_next(&p, &en) == 1)
		if (en.n > 0 && rd_claims(&en, domain, dn))
			return true;
	return false;
}

/* Can x and y claim one same name? */
static bool
rd_overlap(const struct rd_entry *x, const struct rd_entry *y)
{
	if (!x->wild && !y->wild)
		return x->n == y->n && rd_eq(x->s, y->s, x->n);
	if (!x->wild)
		return rd_claims(y, x->s, x->n);
	if (!y->wild)
		return rd_claims(x, y->s, y->n);
	/* *.s and *.t share the names below the longer of the two */
	return (x->n == y->n && rd_eq(x->s, y->s, x->n)) ||
	    rd_below(x->s, x->n, y->s, y->n) ||
	    rd_below(y->s, y->n, x->s, x->n);
}

static void
rd_copy(const struct rd_entry *en, char out[RCPT_DOMAINS_ENTRY_MAX + 1])
{
	snprintf(out, RCPT_DOMAINS_ENTRY_MAX + 1, "%s%.*s", en->wild ? "*." :
	    "", (int)en->n, en->s);
}

int
rcpt_domains_overlap(const char *a, const char *b,
    char ea[RCPT_DOMAINS_ENTRY_MAX + 1], char eb[RCPT_DOMAINS_ENTRY_MAX + 1])
{
	struct rd_entry x, y;
	const char *p = a, *q;

	while (rd_next(&p, &x) == 1) {
		q = b;
		while (rd_next(&q, &y) == 1) {
			if (x.n == 0 || y.n == 0 || !rd_overlap(&x, &y))
				continue;
			rd_copy(&x, ea);
			rd_copy(&y, eb);
			return 1;
		}
	}
	return 0;
}

const struct account *
rcpt_domains_account(const struct config *cfg, const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t i;

	if (at == NULL || at[1] == '\0')
		return NULL;
	for (i = 0; i < cfg->naccounts; i++)
		if (cfg->accounts[i].recipient_domains != NULL &&
		    rcpt_domains_match(cfg->accounts[i].recipient_domains,
		    at + 1))
			return &cfg->accounts[i];
	return NULL;
}
