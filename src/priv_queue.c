/*
 * priv_queue.c - commit a message that could not be delivered now: into
 * a queue the caller can write (its own, or root's view of the system
 * queue) directly, else through outpost-queue, the setuid helper that
 * owns the system queue.
 *
 * The helper gets the spooled message as its stdin, the envelope (queue
 * format, queue_env.c) on fd 3, an empty environment (test builds: the
 * test sysroot only) and prints the new id.  It records the caller's real
 * uid itself: nothing the caller says is trusted for that.  Every wait
 * has the deadline PRIV_HELPER_TIMEOUT_MS.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"
#include "priv.h"
#include "queue_run.h"

#define PRIV_HELPER_TIMEOUT_MS	30000
#define PRIV_HELPER_OUT_MAX	128	/* "ID\n" */

static void
helper_child(int spool, int envfd, int outfd)
{
	char *argv[] = { "outpost-queue", NULL };
	char *envp[2] = { NULL, NULL };
#ifdef OUTPOST_TEST_HOOKS
	static char root[PATH_MAX + 32];
	const char *r = getenv("OUTPOST_TEST_SYSROOT");

	if (r != NULL) {
		snprintf(root, sizeof(root), "OUTPOST_TEST_SYSROOT=%s", r);
		envp[0] = root;
	}
#endif
	if (dup2(spool, 0) == -1 || dup2(outfd, 1) == -1 ||
	    dup2(envfd, 3) == -1)
		_exit(EX_OSERR);
	close_range(4, ~0U, 0);
	execve(priv_path(PRIV_PATH_HELPER), argv, envp);
	_exit(EX_UNAVAILABLE);
}

/* Write the envelope, read the id, by the deadline. */
static int
helper_talk(int envfd, int outfd, const char *env, size_t len, char *out,
    size_t cap, deadline_t d, struct err *e)
{
	struct pollfd p[2];
	size_t got = 0;
	ssize_t n;

	p[0].fd = envfd;
	p[1].fd = outfd;
	p[0].events = POLLOUT;
	p[1].events = POLLIN;
	while (p[1].fd != -1) {
		if (len == 0 && p[0].fd != -1) {
			close(envfd);
			p[0].fd = -1;
		}
		n = poll(p, 2, deadline_left_ms(d));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(e, EX_TEMPFAIL, "queue helper: no "
			    "answer within %d s",
			    PRIV_HELPER_TIMEOUT_MS / 1000);
		if (p[0].fd != -1 && p[0].revents != 0) {
			if ((n = write(envfd, env, len)) == -1 &&
			    errno != EINTR && errno != EAGAIN)
				len = 0;	/* the helper says why */
			else if (n > 0) {
				env += n;
				len -= (size_t)n;
			}
		}
		if (p[1].revents != 0) {
			n = read(outfd, out + got, cap - 1 - got);
			if (n <= 0 || (got += (size_t)n) == cap - 1)
				p[1].fd = -1;
		}
	}
	if (p[0].fd != -1)
		close(envfd);
	out[got] = '\0';
	return 0;
}

/* Reap the helper by the deadline; its exit status is the verdict. */
static int
helper_wait(pid_t pid, deadline_t d, struct err *e)
{
	int st, r;

	if ((r = child_wait(pid, d, false, &st)) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue helper");
	if (r == 1)
		return err_set(e, EX_TEMPFAIL, "queue helper: no answer "
		    "within %d s", PRIV_HELPER_TIMEOUT_MS / 1000);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return err_set(e, EX_TEMPFAIL, "queue helper %s failed (status %d)",
	    priv_path(PRIV_PATH_HELPER), WIFEXITED(st) ? WEXITSTATUS(st) :
	    128 + WTERMSIG(st));
}

static int
helper_run(int spool, struct qenv *qe, const char *env, size_t len,
    struct err *e)
{
	char out[PRIV_HELPER_OUT_MAX];
	deadline_t d = deadline_in(PRIV_HELPER_TIMEOUT_MS);
	int ep[2], op[2], rc;
	pid_t pid;

	if (pipe2(ep, O_CLOEXEC) == -1)
		return err_sys(e, EX_TEMPFAIL, "pipe");
	if (pipe2(op, O_CLOEXEC) == -1) {
		close(ep[0]);
		close(ep[1]);
		return err_sys(e, EX_TEMPFAIL, "pipe");
	}
	if ((pid = fork()) == 0)
		helper_child(spool, ep[0], op[1]);
	close(ep[0]);
	close(op[1]);
	if (pid == -1) {
		close(ep[1]);
		close(op[0]);
		return err_sys(e, EX_TEMPFAIL, "fork");
	}
	fcntl(ep[1], F_SETFL, O_NONBLOCK);
	rc = helper_talk(ep[1], op[0], env, len, out, sizeof(out), d, e);
	close(op[0]);
	if (helper_wait(pid, d, e) == -1 || rc == -1)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	if (!queue_id_valid(out))
		return err_set(e, EX_TEMPFAIL, "queue helper: no queue id");
	memcpy(qe->id, out, QUEUE_ID_LEN + 1);
	return 0;
}

/* Can the caller write the queue at path itself (real = effective ids)? */
static bool
priv_queue_writable(const char *path)
{
	char tmp[QUEUE_PATH_MAX + 8];

	snprintf(tmp, sizeof(tmp), "%s/tmp", path);
	return access(tmp, W_OK | X_OK) == 0;
}

int
priv_queue_commit(const struct account *a, int spool, struct qenv *qe,
    struct err *e)
{
	char path[QUEUE_PATH_MAX], *buf;
	struct queue q;
	size_t len;
	int rc;

	if (queue_path(a->queue_dir, path, sizeof(path), e) == -1)
		return -1;
	if (!priv_queue_shared(path) || priv_queue_writable(path)) {
		if (queue_open(path, true, &q, e) == -1)
			return -1;
		rc = queue_commit(&q, spool, qe, e);
		queue_close(&q);
		return rc;
	}
	/* the helper makes the id; this one only fills the format */
	memset(qe->id, '0', QUEUE_ID_LEN);
	qe->id[QUEUE_ID_LEN] = '\0';
	if ((buf = malloc(QUEUE_ENV_MAX)) == NULL)
		return err_sys(e, EX_TEMPFAIL, "out of memory");
	if (queue_env_format(qe, buf, QUEUE_ENV_MAX, &len) == -1)
		rc = err_set(e, EX_TEMPFAIL, "queue: envelope too long");
	else
		rc = helper_run(spool, qe, buf, len, e);
	free(buf);
	return rc;
}
