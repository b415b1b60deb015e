/*
 * rcpt_domains.h - routing by recipient domain (pure): the syntax of an
 * account's recipient_domains list, whether it claims a recipient, and
 * whether two accounts' lists can claim the same domain.
 *
 * An entry is a domain ("example.com": that name only) or "*." and a
 * domain ("*.corp.example.com": every name below it, never the name
 * itself).  Names compare as addr.c keeps them: ASCII letters without
 * regard to case, any other byte (UTF-8 of an internationalized name)
 * as is; no IDNA mapping is made, so a U-label and its xn-- A-label are
 * two names (a list gives both when mail uses both).
 */
#ifndef OUTPOST_RCPT_DOMAINS_H
#define OUTPOST_RCPT_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

#define RCPT_DOMAIN_MAX		253	/* one name, RFC 1035 */
#define RCPT_DOMAIN_LABEL_MAX	63
#define RCPT_DOMAINS_ENTRY_MAX	(RCPT_DOMAIN_MAX + 2)	/* with "*." */

/* A recipient_domains value: 0, or -1 with *why (a static string). */
int	rcpt_domains_check(const char *list, const char **why);
/* Does list (checked) claim domain? */
bool	rcpt_domains_match(const char *list, const char *domain);
/*
 * The first entries of lists a and b (both checked) that can claim one
 * same domain: 1 with them in ea and eb, 0 when the lists are disjoint.
 */
int	rcpt_domains_overlap(const char *a, const char *b,
	    char ea[RCPT_DOMAINS_ENTRY_MAX + 1],
	    char eb[RCPT_DOMAINS_ENTRY_MAX + 1]);
/*
 * The account whose recipient_domains claim the domain of addr (a
 * checked address: the domain follows its last '@'), NULL when none
 * does or addr has no domain.  At most one can: cfg.c refuses overlaps.
 */
const struct account *rcpt_domains_account(const struct config *,
	    const char *addr);

#endif
