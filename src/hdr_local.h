/*
 * hdr_local.h - pure rewriting of local addresses in an address-list
 * header field (From:, To:, Cc:), keeping display names and comments.
 *
 * The value is split at top-level commas (outside quoted strings,
 * comments and angle brackets).  Each mailbox's addr-spec goes to fn;
 * when fn gives replacements, the mailbox becomes one mailbox per
 * replacement:
 *	Name <root>		-> Name <a@x>
 *	root (Cron Daemon)	-> "Cron Daemon" <a@x>
 *	root (odd \( comment)	-> a@x (odd \( comment)
 *	root			-> a@x
 * Other mailboxes are copied as written.  A value with a group (':' or
 * ';' at top level), an unbalanced quote, comment or bracket is left
 * alone, as is one whose result would not fit in HDR_LOCAL_MAX bytes:
 * rewriting is a courtesy to the smarthost, never a reason to fail.
 */
#ifndef OUTPOST_HDR_LOCAL_H
#define OUTPOST_HDR_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#define HDR_LOCAL_MAX		(64 * 1024)	/* a rewritten value */
#define HDR_LOCAL_REPL_MAX	(16 * 1024)	/* one mailbox's targets */

/*
 * addr (NUL-terminated, comments and spaces removed) -> 1 with out
 * holding replacement addresses separated by ',' (no spaces), or 0 to
 * keep the mailbox.
 */
typedef int (*hdr_local_fn)(void *arg, bool from, const char *addr,
    char *out, size_t cap);

/*
 * 1: out (cap bytes, NUL-terminated, *outlen) holds the new value, with
 * a leading space; 0: keep the field as it is.
 */
int	hdr_local_rewrite(const char *value, size_t len, bool from,
	    hdr_local_fn fn, void *arg, char *out, size_t cap,
	    size_t *outlen);

#endif
