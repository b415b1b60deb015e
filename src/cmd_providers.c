/*
 * cmd_providers.c - "outpost providers": the preset table as a list, one
 * block per provider (name, host, ports, auth, notes, source), so what
 * provider = NAME does is never a guess.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "provider.h"

#define PORTS_MAX	128

/* The host as users read it: "%s" is the REGION they give. */
static const char *
provider_host_shown(const struct provider *p, char *buf, size_t cap)
{
	const char *pct = strstr(p->host, "%s");

	if (pct == NULL)
		return p->host;
	snprintf(buf, cap, "%.*sREGION%s", (int)(pct - p->host), p->host,
	    pct + 2);
	return buf;
}

int
cmd_providers(int argc, char **argv, struct err *e)
{
	const struct provider *p;
	char ports[PORTS_MAX], host[PROVIDER_HOST_MAX];

	(void)argv;
	if (argc > 1)
		return err_set(e, EX_USAGE, "usage: outpost providers");
	printf("provider = NAME fills what the account leaves unset "
	    "(see outpost.conf(5)):\n");
	for (p = provider_table; p->name != NULL; p++) {
		printf("\n%s%s\n", p->name,
		    strchr(p->host, '%') != NULL ? ":REGION" : "");
		printf("  host   %s\n", provider_host_shown(p, host,
		    sizeof(host)));
		printf("  ports  %s\n", provider_ports(p, ports,
		    sizeof(ports)));
		printf("  auth   %s%s%s\n", p->oauth2_only ? "xoauth2" :
		    p->auth ? "on" : "on when user is set",
		    p->user != NULL ? ", user = " : "",
		    p->user != NULL ? p->user : "");
		if (p->regions != NULL)
			printf("  REGION %s\n", p->regions);
		if (p->oauth2 != NULL)
			printf("  oauth2 with auth = xoauth2: token URL "
			    "%s%s%s%s\n", p->oauth2->token_url,
			    p->oauth2->tenant != NULL ? " (%s: oauth2_tenant, "
			    "default " : "", p->oauth2->tenant != NULL ?
			    p->oauth2->tenant : "", p->oauth2->tenant != NULL ?
			    ")" : "");
		printf("  notes  %s\n", p->notes);
		printf("  source %s\n", p->source);
	}
	return 0;
}
