/*
 * local.h - local names on a machine without local mailboxes: bare
 * recipients (cron's "root") through the account's aliases file, the
 * envelope sender's %U/%H/%M placeholders and maildomain, and the user's
 * full name for an added From:.
 *
 * An address is local when it has no '@' or its domain is this host's
 * name as gethostname() gives it (whole or its first label) or
 * "localhost".  /etc/mailname is deliberately not such a name: on many
 * hosts it is the real mail domain.
 */
#ifndef OUTPOST_LOCAL_H
#define OUTPOST_LOCAL_H

#include <stdbool.h>
#include <stddef.h>

#include "aliases.h"
#include "cfg.h"
#include "err.h"
#include "msg.h"

#define LOCAL_FULLNAME_MAX	256

/* Is addr local?  name gets its local part (cap >= strlen(addr) + 1). */
bool	local_addr(const char *addr, char *name, size_t cap);
/* Is domain one of this host's own names (see above)? */
bool	local_host_is(const char *domain, size_t len);
/*
 * A recipient already checked by addr_check(): when it is local, expand
 * it through a->aliases (loaded into *al on first use; al->path NULL
 * until then) and call cb per address: returns 1.  Returns 0 when the
 * caller should take addr as it is (not local, or name@thishost with no
 * alias).  A bare name with no alias (or no aliases file) is -1 with
 * EX_NOUSER (67) and says what to add.
 */
int	local_rcpt(const struct account *a, struct aliases *al,
	    const char *addr, aliases_cb cb, void *arg, struct err *e);
/*
 * The account's envelope sender: from with %U (user name), %H (host
 * name), %M (/etc/mailname, else the host name) and %% expanded; without
 * '@' the maildomain is appended.  from unset with maildomain set: %U@
 * maildomain.  out gets "" when neither is set.  -1 with e (78).
 */
int	local_from(const struct account *a, char *out, size_t cap,
	    struct err *e);
/* The real user's passwd full name (GECOS up to ','), or "". */
void	local_fullname(char *out, size_t cap);

/* What the header pass needs to rewrite local names (local_msg_opts). */
struct local_hdr {
	const struct account	*a;
	struct aliases		*al;	/* as for local_rcpt */
	const char		*from;	/* for a local From: */
	char			 fullname[LOCAL_FULLNAME_MAX + 1];
};

/*
 * The account's header options into mo: set_from_header (checked: 78),
 * rewrite_local_headers (mo->local, with h as its argument; h->from is
 * the address for a local From:), and without -F (mo->fullname NULL) the
 * passwd full name for an added From:.
 */
int	local_msg_opts(const struct account *a, struct aliases *al,
	    const char *from, struct local_hdr *h, struct msg_opts *mo,
	    struct err *e);

#endif
