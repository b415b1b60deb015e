/*
 * local.h - local names on a machine without local mailboxes: bare
 * recipients (cron's "root") through the account's aliases file, the
 * envelope sender's %U/%H/%M placeholders and maildomain, and the user's
 * full name for an added From:.
 *
 * An address is local when it has no '@' or its domain is one of this
 * host's names: "localhost", gethostname() (whole or its first label),
 * the fully qualified name the resolver gives (never asked while the
 * setgid group is held: priv.h), the account's local_domains, or the
 * name in /etc/mailname.  The last is often the real mail domain, so it
 * is a weak name: its local parts go through their own aliases entry
 * only, never through the catch-all "default" (which would swallow
 * every real address of that domain).
 */
#ifndef OUTPOST_LOCAL_H
#define OUTPOST_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "aliases.h"
#include "cfg.h"
#include "err.h"
#include "msg.h"

#define LOCAL_FULLNAME_MAX	256

enum local_kind {
	LOCAL_NOT = 0,
	LOCAL_WEAK,	/* @ the /etc/mailname domain only */
	LOCAL_HOST	/* bare, or @ one of the host's names */
};

/*
 * Is addr local (a may be NULL: no local_domains)?  name gets its local
 * part (cap >= strlen(addr) + 1).
 */
enum local_kind local_addr(const struct account *a, const char *addr,
	    char *name, size_t cap);
/* Which of this host's names is domain (see above)? */
enum local_kind local_host_is(const struct account *a, const char *domain,
	    size_t len);
/*
 * Pure: is d (len bytes) one of the names in list (separated by commas
 * and blanks, compared case-insensitively)?  NULL list: no.
 */
bool	local_name_in(const char *d, size_t len, const char *list);
/*
 * A recipient already checked by addr_check(): when it is local, expand
 * it through a->aliases (loaded into *al on first use; al->path NULL
 * until then) and call cb per address: returns 1.  Returns 0 when the
 * caller should take addr as it is (not local, or name@thishost with no
 * alias).  The catch-all entry "default" serves bare names and the
 * host's own names, not the weak /etc/mailname domain.  A bare name with
 * no alias (or no aliases file) is -1 with EX_NOUSER (67) and says what
 * to add.
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
/* The same for the user uid (%U is that user's name). */
int	local_from_uid(const struct account *a, uid_t uid, char *out,
	    size_t cap, struct err *e);
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
