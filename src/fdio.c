/*
 * fdio.c - writing all of a buffer to a file descriptor; replacing a
 * small private file atomically (see fdio.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"

int
fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory that holds path, so that a rename survives a crash. */
static void
fd_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

int
fd_replace_file(const char *path, const void *buf, size_t len, mode_t mode,
    uid_t uid, gid_t gid)
{
	char tmp[PATH_MAX];
	int fd, n, saved, ok;

	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(tmp);	/* a crashed writer's, with our pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY, mode);
	if (fd == -1)
		return -1;
	ok = (uid == (uid_t)-1 || fchown(fd, uid, gid) == 0) &&
	    fd_write_all(fd, buf, len) == 0 && fsync(fd) == 0;
	saved = errno;
	if (close(fd) == -1 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path) == -1) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		(void)unlink(tmp);
		errno = saved;
		return -1;
	}
	fd_sync_dir(path);
	return 0;
}
