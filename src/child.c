/*
 * child.c - child_wait(): reap a child by a deadline (see child.h).
 * waitpid() has no timeout, so the wait polls every CHILD_POLL_MS; a
 * child that is done is reaped within that much of its exit.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "child.h"

#define CHILD_POLL_MS	10

int
child_wait(pid_t pid, deadline_t d, bool group, int *status)
{
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 0 && deadline_expired(d)) {
			if (group)
				kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) == -1 && errno == EINTR)
				;
			return 1;
		}
		if (r == 0)
			poll(NULL, 0, CHILD_POLL_MS);
	}
}
