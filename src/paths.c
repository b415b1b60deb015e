/*
 * paths.c - the per-user configuration and state locations (paths.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "paths.h"

int
paths_xdg(const char *xdg, const char *home, const char *sub,
    const char *name, char *out, size_t cap)
{
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, cap, "%s/%s", xdg, name);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/%s/%s", home, sub, name);
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* $HOME, else the home directory of the effective user's entry. */
static const char *
paths_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && h[0] == '/')
		return h;
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return NULL;
}

int
paths_user_config(char *out, size_t cap)
{
	return paths_xdg(getenv("XDG_CONFIG_HOME"), paths_home(), ".config",
	    "outpost/config", out, cap);
}

int
paths_user_state(const char *name, char *out, size_t cap)
{
	char sub[64];
	int n;

	n = snprintf(sub, sizeof(sub), "outpost/%s", name);
	if (n < 0 || (size_t)n >= sizeof(sub))
		return -1;
	return paths_xdg(getenv("XDG_STATE_HOME"), paths_home(),
	    ".local/state", sub, out, cap);
}
