/*
 * cfg_path.c - the leading "~" of a path value.
 *
 * msmtp's configurations (and people) write "logfile ~/.msmtp.log": taken
 * literally that is a directory named "~" in the current one, so every
 * send would fail to log.  Only "~" alone and "~/" are expanded; the
 * home comes from $HOME unless the process runs set-id (see cfg_path.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_path.h"

const char *
cfg_path_home(void)
{
	const char *h;
	struct passwd *pw;

	if (getuid() == geteuid() && getgid() == getegid()) {
		h = getenv("HOME");
		if (h != NULL && h[0] == '/')
			return h;
	}
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ?
	    pw->pw_dir : NULL;
}

char *
cfg_path_expand(const char *in, const char **why)
{
	const char *home;
	char *out;
	size_t n;

	*why = NULL;
	if (in[0] != '~' || (in[1] != '\0' && in[1] != '/')) {
		if ((out = strdup(in)) == NULL)
			errno = ENOMEM;
		return out;
	}
	if ((home = cfg_path_home()) == NULL) {
		*why = "~ needs a home directory (HOME is not set)";
		return NULL;
	}
	n = strlen(home) + strlen(in + 1) + 1;
	if (n > CFG_PATH_MAX) {
		*why = "too long once ~ is expanded";
		return NULL;
	}
	if ((out = malloc(n)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(out, home, strlen(home));
	memcpy(out + strlen(home), in + 1, strlen(in + 1) + 1);
	return out;
}
