/*
 * deliver.h - one SMTP session of one account over its hosts and ports.
 *
 * Hosts are tried in order; for each, every (port, address) candidate is
 * raced (conn_open_race: staggered, IPv6 and IPv4 interleaved), the
 * remembered endpoint (route.h) first.  The next host is tried only when
 * no candidate of this one connected (and greeted); once a server has
 * answered, its verdict stands.  Which account, which credentials, the
 * fallback account and the retry after a refused OAuth2 token are
 * submit.c's: this file only connects and talks.
 */
#ifndef OUTPOST_DELIVER_H
#define OUTPOST_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "conn.h"
#include "envelope.h"
#include "err.h"
#include "secret.h"
#include "smtp.h"

struct deliver_used;

struct deliver_req {
	const struct account	*a;
	const struct envelope	*env;		/* the first message */
	int			 spool_fd;
	const char		*prefix;	/* smtp.h */
	struct secret		*pw;		/* NULL: none; wiped by AUTH */
	const char		*ehlo_name;	/* NULL: [local address] */
	bool			 more;		/* queue runner: see smtp.h */
	smtp_next_fn		*next;
	smtp_ahead_fn		*ahead;		/* smtp.h; next_arg */
	void			*next_arg;
	smtp_dot_fn		*before_dot;	/* smtp.h */
	void			*dot_arg;
	struct deliver_used	*used;		/* NULL, or filled */
};

/* Where the message went (or the last endpoint that was reached). */
struct deliver_used {
	const char	*account;	/* the account whose session it was */
	const char	*host;		/* the host name connected to */
	int		 port;		/* 0: nothing was reached */
	char		 addr[CONN_ADDR_MAX];	/* peer address:port */
};

/*
 * 0: the server took the message (with next: the session ended well).
 * -1 with e: refused or failed; see smtp.h for next's contract.
 */
int	deliver(const struct deliver_req *, struct err *);

#endif
