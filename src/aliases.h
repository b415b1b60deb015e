/*
 * aliases.h - the /etc/aliases file: local names -> mail addresses.
 *
 * Format (a subset of aliases(5)): "name: target, target, ..." per
 * entry; lines starting with '#' are comments; a line starting with SP
 * or HTAB continues the entry above; names are case-insensitive; the
 * entry "default" catches every local name that has none.  A target
 * with '@' is an address; one without is a local name, looked up again
 * (to ALIASES_MAX_DEPTH, a loop is an error).  ":include:", "|command"
 * and "/file" targets are refused when an expansion reaches them: outpost
 * only forwards to a smarthost.  Errors are EX_CONFIG and name the file
 * and line, except an unknown name (EX_NOUSER, 67).
 *
 * aliases_parse() is pure: the text is copied, nothing else is read.
 */
#ifndef OUTPOST_ALIASES_H
#define OUTPOST_ALIASES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define ALIASES_MAX_BYTES	(1024 * 1024)	/* the whole file */
#define ALIASES_MAX_ENTRIES	4096
#define ALIASES_MAX_NAME	64		/* a local part */
#define ALIASES_MAX_DEPTH	8		/* nested local names */
#define ALIASES_MAX_EXPAND	1000		/* addresses from one name */

struct alias {
	char		*name;		/* lower case */
	char		*value;		/* targets, continuations joined */
	size_t		 line;
};

struct aliases {
	char		*path;		/* for messages */
	char		*text;		/* the copy that entries point into */
	struct alias	*v;
	size_t		 n;
};

/* Called once per address (with '@') an expansion yields. */
typedef int (*aliases_cb)(void *arg, const char *addr, struct err *);

int	aliases_parse(const char *text, size_t len, const char *path,
	    struct aliases *, struct err *);
/*
 * Read path (a regular file of at most ALIASES_MAX_BYTES, owned by the
 * euid or root, not writable by group or others) and parse it.
 */
int	aliases_load(const char *path, struct aliases *, struct err *);
/*
 * Expand the local name (its case ignored) into addresses, depth first,
 * in file order; an address may come more than once (callers dedup).
 * No entry and no default: -1 with EX_NOUSER.
 */
int	aliases_expand(const struct aliases *, const char *name,
	    aliases_cb cb, void *arg, struct err *);
/* Has name an entry of its own ("default" not counted)? */
bool	aliases_has(const struct aliases *, const char *name);
void	aliases_free(struct aliases *);

#endif
