/*
 * cfg_path.h - "~" and "~/..." at the start of a path value: the one
 * expansion every path key of outpost.conf and import-msmtprc share.
 */
#ifndef OUTPOST_CFG_PATH_H
#define OUTPOST_CFG_PATH_H

#include <stddef.h>

#define CFG_PATH_MAX	4096	/* an expanded path, with its NUL */

/*
 * The home directory ~ stands for: $HOME, except in a set-id process
 * (the system queue's helper, a setgid outpost), where the environment
 * is the caller's to choose and the password database answers instead.
 * NULL when there is none.
 */
const char	*cfg_path_home(void);
/*
 * A newly allocated copy of in with a leading "~" or "~/" replaced by the
 * home directory ("~user" is not expanded: it stays as written).  NULL
 * with *why set when there is no home or the result is too long; errno
 * ENOMEM when out of memory (*why NULL).
 */
char		*cfg_path_expand(const char *in, const char **why);

#endif
