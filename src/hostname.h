/*
 * hostname.h - this machine's fully qualified name, for EHLO and
 * Message-ID.  Never "localhost": Google's relay answers it with 421.
 */
#ifndef OUTPOST_HOSTNAME_H
#define OUTPOST_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTNAME_MAX	255

#define HOSTNAME_RESOLVE_MS	1000		/* the resolver's deadline */
#define HOSTNAME_CACHE_TTL	(24 * 3600)	/* a name found, seconds */
#define HOSTNAME_NONE_TTL	3600		/* none found (or in time) */

/*
 * The host name if it has a dot, else the first line of /etc/mailname,
 * else the resolver's canonical name (hostname_lookup).  false when none
 * is usable.
 */
bool	hostname_fqdn(char *out, size_t cap);
/*
 * The resolver's canonical name for host, asked for at most
 * HOSTNAME_RESOLVE_MS and remembered in the state directory (a name for
 * HOSTNAME_CACHE_TTL, none for HOSTNAME_NONE_TTL).  false: none.
 */
bool	hostname_lookup(const char *host, char *out, size_t cap);
/* A usable EHLO/Message-ID domain: dotted, [A-Za-z0-9.-], not localhost */
bool	hostname_usable(const char *name);

#endif
