/*
 * fdio.h - writing all of a buffer to a file descriptor.
 *
 * The one loop for regular files and pipes (spools, queue files, state
 * files, -bs replies): a short write continues, EINTR retries, anything
 * else fails.  Sockets have their own deadline-bound writers (conn.c).
 */
#ifndef OUTPOST_FDIO_H
#define OUTPOST_FDIO_H

#include <stddef.h>

/* 0 when all len bytes went out; -1 with errno (EIO for a 0-byte write). */
int	fd_write_all(int fd, const void *buf, size_t len);

#endif
