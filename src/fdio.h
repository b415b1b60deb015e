/*
 * fdio.h - writing all of a buffer to a file descriptor, and replacing
 * a small private file atomically.
 *
 * The one loop for regular files and pipes (spools, queue files, state
 * files, -bs replies): a short write continues, EINTR retries, anything
 * else fails.  Sockets have their own deadline-bound writers (conn.c).
 * The one replace for the files outpost rewrites whole (refresh tokens,
 * the OAuth2 state and access token cache, the remembered route, the
 * cached EHLO name).
 */
#ifndef OUTPOST_FDIO_H
#define OUTPOST_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* 0 when all len bytes went out; -1 with errno (EIO for a 0-byte write). */
int	fd_write_all(int fd, const void *buf, size_t len);
/*
 * Replace path with len bytes of buf: a new file PATH.PID.tmp beside it
 * (O_EXCL, O_NOFOLLOW, mode), written, fsync()ed, handed to uid:gid
 * unless uid is (uid_t)-1 (root writing into a directory another user
 * owns, so that its owner can read and replace the file), renamed over
 * path, and the directory fsync()ed: a reader, or the next boot, sees
 * the old file or the new one, never a part.  Two writers never share a
 * temporary file.  0, or -1 with errno and no temporary file left.
 */
int	fd_replace_file(const char *path, const void *buf, size_t len,
	    mode_t mode, uid_t uid, gid_t gid);

#endif
