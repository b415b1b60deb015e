/*
 * hostname.c - finding a fully qualified name for this machine.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <netdb.h>
#include <stdio.h>
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
from_resolver(const char *host, char *out, size_t cap)
{
	struct addrinfo hints, *res;
	bool ok = false;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	if (res->ai_canonname != NULL && hostname_usable(res->ai_canonname)) {
		snprintf(out, cap, "%s", res->ai_canonname);
		ok = true;
	}
	freeaddrinfo(res);
	return ok;
}

static bool
from_mailname(char *out, size_t cap)
{
	char line[HOSTNAME_MAX + 2];
	FILE *f;
	bool ok = false;

	f = fopen(MAILNAME_PATH, "re");
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

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (hostname_usable(host)) {
			snprintf(out, cap, "%s", host);
			return true;
		}
		if (from_resolver(host, out, cap))
			return true;
	}
	return from_mailname(out, cap);
}
