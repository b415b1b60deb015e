/*
 * provider.h - provider presets: provider = NAME fills host, ports (each
 * with its TLS mode), auth and, where the provider fixes it, the user;
 * with auth = xoauth2 / oauthbearer also the OAuth2 endpoints and scope
 * (oauth2_tenant filling Microsoft's {tenant}).
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
#define PROVIDER_URL_MAX	256	/* an OAuth2 URL, tenant filled in */
#define PROVIDER_TENANT_MAX	64	/* a GUID, a domain or a keyword */

struct provider_port {
	int		 port;
	enum tls_mode	 tls;
};

/* What a preset fills for auth = xoauth2 / oauthbearer. */
struct provider_oauth2 {
	const char	*auth_url;	/* "%s": the tenant */
	const char	*token_url;
	const char	*device_url;	/* NULL: no device login */
	const char	*scope;		/* oauth2_grant = refresh_token */
	const char	*scope_client;	/* client_credentials; NULL: none */
	const char	*tenant;	/* the default; NULL: no tenant */
};

struct provider {
	const char		*name;	/* "ses" takes ":REGION" */
	const char		*host;	/* "%s": the region */
	struct provider_port	 ports[PROVIDER_MAX_PORTS];	/* 0-ended */
	bool			 auth;	/* needs AUTH: sets auth = on */
	const char		*user;	/* a fixed user name, or NULL */
	const char		*notes;
	const char		*source;	/* where the values come from */
	const struct provider_oauth2 *oauth2;	/* NULL: none */
	bool			 oauth2_only;	/* auth = xoauth2 by default */
	/* the values ":REGION" may take (space-separated); NULL: AWS's */
	const char		*regions;
	/* MAIL FROM:<> refused: notices come from the account's from */
	bool			 no_null_sender;
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
 * the account's tls mode when tls is set and port is not), user, auth
 * (when *auth_set is false; it becomes true), and with auth = xoauth2 or
 * oauthbearer the OAuth2 URLs and scope of the account's oauth2_grant.
 * -1 with *why.
 */
int	provider_apply(struct account *a, bool *auth_set, const char **why);
/* The account's provider refuses the null sender (false: no provider). */
bool	provider_no_null_sender(const struct account *);
/* "587/starttls, 465/implicit" into buf. */
const char *provider_ports(const struct provider *, char *buf, size_t cap);

#endif
