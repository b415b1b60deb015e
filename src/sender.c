/*
 * sender.c - which account carries a message and under which envelope
 * sender (sender.h).  The account is picked before -f is looked at, so
 * that a restricted caller's -f can never choose another account by its
 * from: the restriction is the picked account's.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "local.h"
#include "log.h"
#include "priv.h"
#include "sender.h"

const struct account *
sender_pick(const struct config *cfg, const char *acct, const char *f,
    char *sender, bool *from_arg, bool *utf8, struct err *e)
{
	char name[ADDR_MAX + 1];
	const struct account *a;
	struct err pe, re;

	sender[0] = '\0';
	*from_arg = *utf8 = false;
	priv_loaded(cfg);
	err_init(&pe);
	a = cfg_pick(cfg, acct, NULL, &pe);
	if (f != NULL && (strcmp(f, "<>") == 0 || f[0] == '\0'))
		*from_arg = true;	/* the null sender */
	else if (f != NULL && local_addr(a, f, name, sizeof(name)) ==
	    LOCAL_NOT) {
		if (addr_check(f, true, sender, utf8, EX_USAGE, e) == -1)
			return NULL;
		*from_arg = true;
	}
	if (!*from_arg || sender[0] == '\0') {
		if (a == NULL)
			*e = pe;
		return a;
	}
	err_init(&re);
	if (a != NULL && priv_restricted(a)) {
		if (priv_sender_ok(a, getuid(), sender, &re) == -1) {
			log_debug("-f %s replaced by the account's from "
			    "(allow_from_override)", sender);
			sender[0] = '\0';
			*from_arg = *utf8 = false;
		}
		return a;
	}
	return cfg_pick(cfg, acct, sender, e);
}
