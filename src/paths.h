/*
 * paths.h - the per-user locations, computed in one place: the user's
 * configuration ($XDG_CONFIG_HOME/outpost/config, else
 * ~/.config/outpost/config) and the state directory
 * ($XDG_STATE_HOME/outpost, else ~/.local/state/outpost) that holds the
 * queue, the remembered routes and the like.  A relative XDG variable is
 * ignored, as the XDG Base Directory specification says.
 */
#ifndef OUTPOST_PATHS_H
#define OUTPOST_PATHS_H

#include <stddef.h>

/*
 * Pure: xdg/NAME when xdg is absolute, else home/SUB/NAME when home is,
 * else -1 (also when it does not fit in cap).
 */
int	paths_xdg(const char *xdg, const char *home, const char *sub,
	    const char *name, char *out, size_t cap);
/* The user configuration file; HOME unset: the passwd entry's home. */
int	paths_user_config(char *out, size_t cap);
/* outpost/NAME under the user's state directory (HOME as above). */
int	paths_user_state(const char *name, char *out, size_t cap);

#endif
