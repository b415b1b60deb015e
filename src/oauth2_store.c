/*
 * oauth2_store.c - the system OAuth2 token store: where the accounts of
 * the system file keep their refresh token, cached access token and
 * state (outpost(8), SECURITY).
 *
 * The store is one directory, PRIV_PATH_OAUTH2 (/var/lib/outpost/oauth2),
 * owned by the queue's user outpost, mode 0700, made by the package or
 * "make install-system", never here.  Each account has ACCOUNT.refresh
 * (the refresh token; unless the account names its own
 * oauth2_refresh_token_file), ACCOUNT.token (the cached access token, for
 * both grants: the store is private, and www-data's every mail() would
 * otherwise cost a token request), ACCOUNT (the state) and ACCOUNT.lock,
 * with ACCOUNT encoded as in oauth2_cache.c; files are 0600.  Only the
 * store's owner reads and writes it: the runner, and outpost-oauth2 for
 * every other caller (oauth2_sys.c).  Root may too (login --system,
 * status, logout): what it writes is handed to the store's owner, so
 * that the helper can read and replace it.  No keyring is used with the
 * system file: user outpost has no session and no secret service.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "deadline.h"
#include "oauth2.h"
#include "priv.h"

#define STORE_LOCK_STEP_MS	50	/* between two tries of the lock */

bool
oauth2_store_on(void)
{
	return priv_oauth2_store() != NULL;
}

bool
oauth2_keyring(const struct account *a)
{
	return a->keyring && !oauth2_store_on();
}

int
oauth2_store_owner(uid_t *uid, gid_t *gid)
{
	const char *dir = priv_oauth2_store();
	struct stat st;

	if (dir == NULL || stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return -1;
	*uid = st.st_uid;
	*gid = st.st_gid;
	return 0;
}

bool
oauth2_store_via_helper(void)
{
	uid_t u;
	gid_t g;

	if (!oauth2_store_on())
		return false;
	return oauth2_store_owner(&u, &g) == -1 || u != geteuid();
}

void
oauth2_store_chown(uid_t *uid, gid_t *gid)
{
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (oauth2_store_on() && geteuid() == 0 &&
	    oauth2_store_owner(uid, gid) == -1) {
		*uid = (uid_t)-1;
		*gid = (gid_t)-1;
	}
}

int
oauth2_store_check(struct err *e)
{
	const char *dir = priv_oauth2_store();
	struct stat st;

	if (dir == NULL)
		return 0;
	if (lstat(dir, &st) == -1)
		return err_sys(e, EX_CONFIG, "the OAuth2 token store %s (made "
		    "by the package or make install-system)", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid == 0 ||
	    (st.st_mode & 077) != 0)
		return err_set(e, EX_CONFIG, "the OAuth2 token store %s must "
		    "be a directory of the queue's user, mode 0700", dir);
	return 0;
}

int
oauth2_store_lock(const struct account *a, struct err *e)
{
	deadline_t d = deadline_in(OAUTH2_STORE_LOCK_MS);
	char path[OAUTH2_PATH_MAX];
	uid_t u;
	gid_t g;
	int fd;

	if (!oauth2_store_on())
		return -2;
	if (oauth2_state_path(a, ".lock", path, sizeof(path), e) == -1)
		return -1;
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
	    0600);
	if (fd == -1)
		return err_sys(e, EX_TEMPFAIL, "%s", path);
	oauth2_store_chown(&u, &g);	/* root's lock: the helper's too */
	if (u != (uid_t)-1)
		(void)fchown(fd, u, g);
	/* another process refreshes: it rotates the token we would send */
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    deadline_left_ms(d) == 0) {
			close(fd);
			return err_set(e, EX_TEMPFAIL, "account %s: another "
			    "token refresh holds %s", a->name, path);
		}
		(void)poll(NULL, 0, STORE_LOCK_STEP_MS);
	}
	return fd;
}
