/*
 * deliver.h - one delivery attempt over the account's endpoint plan.
 *
 * The plan is the configured port, or with port = auto 587 (STARTTLS) ->
 * 2525 (STARTTLS) -> 465 (implicit TLS).  The next endpoint is tried only
 * when connecting failed; once a server answered, its verdict stands.
 */
#ifndef OUTPOST_DELIVER_H
#define OUTPOST_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "cred.h"
#include "err.h"
#include "smtp.h"

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
	smtp_next_fn		*next;
	void			*next_arg;
};

int	deliver(const struct deliver_req *, struct err *);

#endif
