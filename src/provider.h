/*
 * provider.h - provider presets: provider = NAME fills host, ports (each
 * with its TLS mode), auth and, where the provider fixes it, the user.
 *
 * One table (provider.c) holds every value with the page it comes from.
 * A preset never overrides what the account or [defaults] wrote: it only
 * fills what is unset, so each value stays overridable.
 */
#ifndef OUTPOST_PROVIDER_H
#define OUTPOST_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

#define PROVIDER_MAX_PORTS	4
#define PROVIDER_HOST_MAX	128	/* a host with its region filled in */
#define PROVIDER_REGION_MAX	32

struct provider_port {
	int		 port;
	enum tls_mode	 tls;
};

struct provider {
	const char		*name;	/* "ses" takes ":REGION" */
	const char		*host;	/* "%s": the region */
	struct provider_port	 ports[PROVIDER_MAX_PORTS];	/* 0-ended */
	bool			 auth;	/* needs AUTH: sets auth = on */
	const char		*user;	/* a fixed user name, or NULL */
	const char		*notes;
	const char		*source;	/* where the values come from */
};

/* The table, ended by a row with name NULL. */
extern const struct provider provider_table[];

/*
 * The preset for spec ("gmail", "ses:eu-west-1") and its host, region
 * filled in, into host.  NULL with *why when unknown or malformed.
 */
const struct provider *provider_find(const char *spec, char *host,
	    size_t cap, const char **why);
/*
 * Fill what a leaves unset from its provider: host, ports (only those of
 * the account's tls mode when tls is set and port is not), user, and auth
 * (when *auth_set is false; it becomes true).  -1 with *why.
 */
int	provider_apply(struct account *a, bool *auth_set, const char **why);
/* "587/starttls, 465/implicit" into buf. */
const char *provider_ports(const struct provider *, char *buf, size_t cap);

#endif
