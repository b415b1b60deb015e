/*
 * queue_helper.c - outpost-queue: commit one message into the system
 * queue (outpost(8), SECURITY).  Installed setuid to the queue's user
 * (outpost), like
 * nullmailer-queue or Postfix's postdrop, so that entries are never owned
 * by the user who submitted them (an owner could rewrite its envelope).
 *
 * stdin: the spooled message (a regular file, read from offset 0); fd 3:
 * the envelope in the queue format.  stdout: the new queue id.  It reads
 * no configuration, no environment (test builds: the test sysroot only)
 * and never touches the network.  What the caller says is checked, not
 * trusted: the addresses go through addr_check() unchanged, the account
 * name is plain, and the uid, the size and the times are its own.  The
 * runner checks the sender against allow_from_override with that uid.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "priv.h"
#include "queue.h"

#define HELPER_NAME_MAX	64	/* an account name */

/* fd 3 into buf (QUEUE_ENV_MAX + 1 bytes); -1 when unreadable or long. */
static int
helper_read_env(char *buf, size_t *len)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		n = read(3, buf + *len, QUEUE_ENV_MAX + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len > QUEUE_ENV_MAX)
			return -1;
	}
}

/* An address that addr_check() keeps as it is. */
static int
helper_addr(const char *a, bool null_ok, struct err *e)
{
	char out[ADDR_MAX + 1];
	bool utf8 = false;

	if (addr_check(a, null_ok, out, &utf8, EX_DATAERR, e) == -1)
		return -1;
	if (strcmp(out, a) != 0)
		return err_set(e, EX_DATAERR, "address not in canonical form");
	return 0;
}

static int
helper_check(struct qenv *qe, struct err *e)
{
	size_t i, n = strlen(qe->account);

	if (n == 0 || n > HELPER_NAME_MAX || strspn(qe->account,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != n)
		return err_set(e, EX_DATAERR, "bad account name");
	if (helper_addr(qe->env.sender, true, e) == -1)
		return -1;
	for (i = 0; i < qe->env.nrcpts; i++)
		if (helper_addr(qe->env.rcpts[i], false, e) == -1)
			return -1;
	return 0;
}

static int
helper_commit(char *buf, struct err *e)
{
	struct queue q;
	struct qenv qe;
	struct stat st;
	size_t len;
	int rc;

	if (fstat(0, &st) == -1 || !S_ISREG(st.st_mode))
		return err_set(e, EX_USAGE, "stdin must be the spooled "
		    "message");
	if (helper_read_env(buf, &len) == -1)
		return err_set(e, EX_USAGE, "fd 3 must be the envelope");
	if (queue_env_parse(buf, len, &qe, e) == -1)
		return -1;
	if (helper_check(&qe, e) == -1) {
		queue_env_free(&qe);
		return -1;
	}
	qe.uid = getuid();
	qe.env.size = (size_t)st.st_size;
	qe.created = queue_now();
	qe.attempts = 1;
	qe.next_try = qe.created + queue_backoff(1);
	rc = queue_open(priv_path(PRIV_PATH_QUEUE), false, &q, e);
	if (rc == 0) {
		rc = queue_commit(&q, 0, &qe, e);
		queue_close(&q);
	}
	if (rc == 0)
		printf("%s\n", qe.id);
	queue_env_free(&qe);
	return rc;
}

int
main(int argc, char **argv)
{
	struct err e;
	char *buf;

	(void)argv;
	/* a closed 1 or 2 must not become a queue file */
	if (fcntl(1, F_GETFD) == -1 || fcntl(2, F_GETFD) == -1)
		return EX_OSERR;
	umask(027);
	prctl(PR_SET_DUMPABLE, 0);
	err_init(&e);
	if (argc != 1)
		err_set(&e, EX_USAGE, "usage: outpost-queue < message "
		    "3< envelope (run by outpost)");
	else if ((buf = malloc(QUEUE_ENV_MAX + 1)) == NULL)
		err_set(&e, EX_OSERR, "out of memory");
	else {
		helper_commit(buf, &e);
		free(buf);
	}
	if (err_is_set(&e)) {
		fprintf(stderr, "outpost-queue: %s\n", e.msg);
		return e.ex;
	}
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
