/*
 * setup_ispdb.h - the shape of the generated ISPDB table
 * (src/setup_ispdb_data.c, made by tools/ispdb-gen.py): outgoing servers,
 * and the mail domains sorted by name, each naming a run of servers.
 */
#ifndef OUTPOST_SETUP_ISPDB_H
#define OUTPOST_SETUP_ISPDB_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct ispdb_server {
	const char	*host;
	int		 port;
	enum tls_mode	 tls;
	const char	*user;		/* %EMAILADDRESS% and the like */
	bool		 auth;
	const char	*oauth2_issuer;	/* NULL: no OAuth2 */
	const char	*oauth2_scope;
};

struct ispdb_domain {
	const char	*domain;
	size_t		 first;		/* into ispdb_servers */
	size_t		 count;
};

extern const struct ispdb_server ispdb_servers[];
extern const struct ispdb_domain ispdb_domains[];
extern const size_t ispdb_ndomains;

#endif
