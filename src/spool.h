/*
 * spool.h - the message on disk while outpost works on it.
 *
 * An anonymous 0600 file (O_TMPFILE, else mkstemp + unlink) in $TMPDIR
 * (default /tmp): it has no name, so nothing is left behind whatever
 * happens to the process, and no symlink can be followed.
 */
#ifndef OUTPOST_SPOOL_H
#define OUTPOST_SPOOL_H

#include "err.h"

/* dir NULL: $TMPDIR, else /tmp.  Returns an fd (O_CLOEXEC) or -1. */
int	spool_open(const char *dir, struct err *);

#endif
