/*
 * addr.h - pure address handling.
 *
 * addr_parse_list() reads an RFC 5322 address-list (display names, quoted
 * strings, comments, groups, folding) and hands each addr-spec to cb.
 * addr_check() validates one envelope mailbox (RFC 5321): no control
 * bytes, no CR/LF/NUL, lengths (local-part 64, path 256), one '@'.
 */
#ifndef OUTPOST_ADDR_H
#define OUTPOST_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define ADDR_MAX		254	/* addr-spec; path 256 incl. <> */
#define ADDR_LOCAL_MAX		64

typedef int (*addr_cb)(void *arg, const char *addr, size_t len);

/* -1 with e (65) on a malformed list or when cb returns -1. */
int	addr_parse_list(const char *s, size_t len, addr_cb cb, void *arg,
	    struct err *e);
/*
 * Check an envelope address; one pair of surrounding <> is removed.  The
 * result goes to out (NUL-terminated, ADDR_MAX + 1 bytes).  *utf8 is set
 * when it holds non-ASCII (valid UTF-8 only).  An empty address (null
 * sender "<>") is allowed only when allow_empty.  -1 with e (ex given).
 */
int	addr_check(const char *in, bool allow_empty, char *out, bool *utf8,
	    int ex, struct err *e);

typedef int (*addr_each_fn)(void *arg, const char *addr, struct err *e);
/*
 * A recipient argument as MTAs read it: cron gives MAILTO=a@x,root as
 * one argument "a@x,root".  Each comma-separated element, blanks around
 * it trimmed, goes to cb (empty elements are skipped); a comma inside
 * "..." or <...> does not split.  An element longer than ADDR_SPLIT_MAX
 * is -1 with e (ex); cb's -1 is passed on.
 */
#define ADDR_SPLIT_MAX		(2 * ADDR_MAX)
int	addr_split(const char *arg, addr_each_fn cb, void *cbarg, int ex,
	    struct err *e);

#endif
