/*
 * acct_via.h - an account's way out (conn.h struct conn_via) from its
 * config: source_ip, and proxy with its password, which comes from the
 * same sources as the account's own (proxy_password, proxy_passwordeval,
 * proxy_password_file, else the keyring: host = the proxy, user = the
 * proxy's user) and lives in a struct secret until acct_via_close().
 */
#ifndef OUTPOST_ACCT_VIA_H
#define OUTPOST_ACCT_VIA_H

#include "cfg.h"
#include "conn.h"
#include "cred.h"
#include "err.h"
#include "socks5.h"

struct acct_via {
	struct conn_via	 via;
	struct socks5	 proxy;
	struct secret	*pw;
};

/*
 * Fill v for a; the proxy password is read only when the proxy has a
 * user.  -1 with e (78 for a bad value; the password source's code).
 */
int	acct_via_open(const struct account *a, struct acct_via *v,
	    struct err *);
void	acct_via_close(struct acct_via *);
/* The config checks of source_ip and proxy (cfg.c); why on -1. */
int	acct_via_check(const struct account *a, const char **why);

#endif
