/*
 * spool.c - anonymous spool files.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "spool.h"

#define SPOOL_PATH_MAX	4096

int
spool_open(const char *dir, struct err *e)
{
	char path[SPOOL_PATH_MAX];
	int fd;

	if (dir == NULL) {
		dir = getenv("TMPDIR");
		if (dir == NULL || dir[0] != '/')
			dir = "/tmp";
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
	/* filesystems without O_TMPFILE: a random name, unlinked at once */
	if (snprintf(path, sizeof(path), "%s/outpost.XXXXXX", dir) >=
	    (int)sizeof(path))
		return err_set(e, EX_CANTCREAT, "spool directory name too "
		    "long");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd == -1)
		return err_sys(e, EX_CANTCREAT, "cannot create a spool file "
		    "in %s", dir);
	unlink(path);
	return fd;
}
