/*
 * hostname.c - finding a fully qualified name for this machine: the host
 * name when it has a dot, else /etc/mailname, else the resolver's name
 * for it (hostname_lookup.c: bounded and cached).  Test builds:
 * OUTPOST_TEST_HOSTNAME and OUTPOST_TEST_MAILNAME stand in for the host
 * name and the path of /etc/mailname.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hostname.h"

#define MAILNAME_PATH	"/etc/mailname"

bool
hostname_usable(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len > HOSTNAME_MAX || strchr(name, '.') == NULL)
		return false;
	if (strncasecmp(name, "localhost", 9) == 0)
		return false;
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '.' || name[i] == '-'))
			return false;
	return name[0] != '.' && name[0] != '-' && name[len - 1] != '.';
}

static bool
from_mailname(char *out, size_t cap)
{
	char line[HOSTNAME_MAX + 2];
	FILE *f;
	bool ok = false;

	const char *path = MAILNAME_PATH;

#ifdef OUTPOST_TEST_HOOKS
	if (getenv("OUTPOST_TEST_MAILNAME") != NULL)
		path = getenv("OUTPOST_TEST_MAILNAME");
#endif
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (hostname_usable(line)) {
			snprintf(out, cap, "%s", line);
			ok = true;
		}
	}
	fclose(f);
	return ok;
}

bool
hostname_fqdn(char *out, size_t cap)
{
	char host[HOSTNAME_MAX + 1];

	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
#ifdef OUTPOST_TEST_HOOKS
	if (getenv("OUTPOST_TEST_HOSTNAME") != NULL)
		snprintf(host, sizeof(host), "%s",
		    getenv("OUTPOST_TEST_HOSTNAME"));
#endif
	if (hostname_usable(host)) {
		snprintf(out, cap, "%s", host);
		return true;
	}
	if (from_mailname(out, cap))
		return true;
	return host[0] != '\0' && hostname_lookup(host, out, cap);
}
