/*
 * route.h - what worked last time: one line per account, "ACCOUNT TAB
 * HOST TAB PORT", in $XDG_STATE_HOME/outpost/routes (default
 * ~/.local/state/outpost/routes).
 *
 * The file is only a hint for the order in which deliver.c tries the
 * configured endpoints: it never adds a host or a port and never carries a
 * TLS mode, so a stale or forged line can change the order, not the
 * security.  Reading or writing it never fails a delivery.  Writes are
 * atomic (private temporary file, fsync, rename); two outposts writing at
 * once may lose one update, which only costs a slower next start.
 */
#ifndef OUTPOST_ROUTE_H
#define OUTPOST_ROUTE_H

#include <stddef.h>

#define ROUTE_FILE_MAX	(16 * 1024)	/* larger: ignored, rewritten */
#define ROUTE_HOST_MAX	256

struct route {
	char	host[ROUTE_HOST_MAX];
	int	port;
};

/*
 * The state file's path into buf from the values of XDG_STATE_HOME and
 * HOME (either may be NULL; relative values are ignored as XDG says).
 * -1 when neither gives an absolute directory or buf is too small.
 */
int	route_path(const char *xdg, const char *home, char *buf, size_t cap);
/* The account's line in text: 1 found (*r filled), 0 none or malformed */
int	route_find(const char *text, size_t len, const char *account,
	    struct route *r);
/*
 * text without the account's line, plus its new line when r is not NULL,
 * into out (cap bytes, NUL-terminated).  -1 when it does not fit.
 */
int	route_edit(const char *text, size_t len, const char *account,
	    const struct route *r, char *out, size_t cap);

/* The remembered endpoint of the account: 1 found, 0 none. */
int	route_load(const char *account, struct route *r);
/* Remember r for the account, or forget it (r NULL).  Best effort. */
void	route_store(const char *account, const struct route *r);

#endif
