/*
 * child.h - waiting for a child process (passwordeval, the queue helper)
 * by an absolute deadline.  A child still running at the deadline is
 * killed - with its whole process group when it has one of its own, so
 * that a helper's own children do not linger - and reaped.
 */
#ifndef OUTPOST_CHILD_H
#define OUTPOST_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "deadline.h"

/*
 * 0: the child ended, *status as from waitpid(); 1: the deadline passed
 * first, the child was killed and reaped; -1 with errno: waitpid failed.
 * group: the child leads its own process group (setpgid); kill it all.
 */
int	child_wait(pid_t pid, deadline_t d, bool group, int *status);

#endif
