/*
 * deliver.h - one delivery over the account's hosts and ports, then its
 * fallback account.
 *
 * Hosts are tried in order; for each, every (port, address) candidate is
 * raced (conn_open_race: staggered, IPv6 and IPv4 interleaved), the
 * remembered endpoint (route.h) first.  The next host is tried only when
 * no candidate of this one connected (and greeted); once a server has
 * answered, its verdict stands.  When the account fails with a temporary
 * error and nothing may have been delivered, the fallback account (its
 * own hosts, ports, TLS and credentials) gets the message; its own
 * fallback is not followed.
 */
#ifndef OUTPOST_DELIVER_H
#define OUTPOST_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "conn.h"
#include "cred.h"
#include "err.h"
#include "smtp.h"

struct deliver_used;

struct deliver_req {
	const struct config	*cfg;		/* for a fallback account */
	const struct account	*a;
	const char		*sender;
	char * const		*rcpts;
	size_t			 nrcpts;
	bool			 need_smtputf8;
	bool			 eightbit;
	int			 spool_fd;
	size_t			 size;
	struct secret		*pw;		/* NULL: none; wiped by AUTH */
	const char		*ehlo_name;	/* NULL: [local address] */
	bool			 more;		/* queue runner: see smtp.h */
	const struct dsn_params	*dsn;		/* NULL: none */
	smtp_next_fn		*next;
	void			*next_arg;
	struct secret		*fallback_pw;	/* see deliver_fallback_pw */
	struct deliver_used	*used;		/* NULL, or filled */
};

/* Where the message went (or the last endpoint that was reached). */
struct deliver_used {
	const char	*account;	/* r->a or its fallback */
	const char	*host;		/* the host name connected to */
	int		 port;		/* 0: nothing was reached */
	char		 addr[CONN_ADDR_MAX];	/* peer address:port */
};

int	deliver(const struct deliver_req *, struct err *);
/*
 * Call before cfg_forget_secrets(): a password written in the config for
 * a's fallback account, copied into *out (NULL when the fallback gets its
 * password elsewhere: that source is asked only when it is needed).
 */
int	deliver_fallback_pw(const struct config *, const struct account *a,
	    struct secret **out, struct err *);

#endif
