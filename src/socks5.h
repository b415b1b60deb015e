/*
 * socks5.h - a SOCKS5 client (RFC 1928) with username/password
 * authentication (RFC 1929), under struct conn.
 *
 * proxy = socks5 URL (scheme socks5, optional user@, host, port) resolves
 * the smarthost here and asks the proxy for an address; scheme socks5h
 * hands the proxy the name (Tor, a corporate proxy that alone can
 * resolve).  The builders and the reply
 * parser are pure (unit-tested); socks5_connect() runs them over an open
 * connection to the proxy and reads exactly the reply's bytes, so what
 * the smarthost sends next (its greeting, a TLS handshake) stays unread.
 */
#ifndef OUTPOST_SOCKS5_H
#define OUTPOST_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "deadline.h"
#include "err.h"

#define SOCKS5_NAME_MAX		255	/* a host, user or password (RFC) */
#define SOCKS5_MSG_MAX		(3 + 2 * (1 + SOCKS5_NAME_MAX))
#define SOCKS5_REPLY_MAX	(4 + 1 + SOCKS5_NAME_MAX + 2)

struct socks5 {
	char		 host[SOCKS5_NAME_MAX + 1];	/* the proxy */
	int		 port;
	bool		 remote_dns;			/* socks5h */
	char		 user[SOCKS5_NAME_MAX + 1];	/* "": no auth */
	const char	*password;	/* NULL: none; a struct secret's */
};

/* "socks5[h]://[user@]host:port" ([v6] for IPv6); -1 with *why. */
int	socks5_parse(const char *url, struct socks5 *, const char **why);
/* "socks5h://host:port" (never the user), for messages. */
const char *socks5_describe(const struct socks5 *, char *buf, size_t cap);

/* The method offer: no auth, and username/password when a user is set. */
size_t	socks5_hello(const struct socks5 *, unsigned char *out);
/* RFC 1929 request; -1 when a name is too long.  Holds the password. */
int	socks5_auth_msg(const struct socks5 *, unsigned char *out,
	    size_t cap, size_t *len);
/*
 * CONNECT to host (a name, sent as one when name is true; else a numeric
 * IPv4 or IPv6 address) and port.
 */
int	socks5_connect_msg(const char *host, bool name, int port,
	    unsigned char *out, size_t cap, size_t *len);
/*
 * Given the first 5 bytes of a CONNECT reply: its whole length, or -1
 * for a malformed reply.
 */
int	socks5_reply_len(const unsigned char *head);
/* A reply's status: 0 succeeded; else e says what, with its exit code. */
int	socks5_reply_check(const unsigned char *reply, const char *target,
	    struct err *);

/* The handshake over c, an open connection to the proxy. */
int	socks5_connect(struct conn *c, const struct socks5 *, const char *host,
	    bool name, int port, deadline_t, struct err *);

#endif
