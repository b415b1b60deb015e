/*
 * hostname.h - this machine's fully qualified name, for EHLO and
 * Message-ID.  Never "localhost": Google's relay answers it with 421.
 */
#ifndef OUTPOST_HOSTNAME_H
#define OUTPOST_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

#define HOSTNAME_MAX	255

/*
 * The host name if it has a dot, else the resolver's canonical name,
 * else the first line of /etc/mailname.  false when none is usable.
 */
bool	hostname_fqdn(char *out, size_t cap);
/* A usable EHLO/Message-ID domain: dotted, [A-Za-z0-9.-], not localhost */
bool	hostname_usable(const char *name);

#endif
