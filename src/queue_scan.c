/*
 * queue_scan.c - finding entries and taking one for work.
 *
 * Entries are taken oldest first.  A runner takes an entry with
 * flock(LOCK_EX | LOCK_NB) on its .env and then checks that the .env it
 * locked is still the one in q/ (another runner may have delivered and
 * removed it, or renamed a new envelope over it, between our open and
 * our lock).  So two runners never work on
 * one entry, and a removed entry is never delivered again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "queue.h"

#define QUEUE_IDS_MAX	100000	/* entries one run looks at */

/* Read all of fd (at most cap bytes) into a new buffer. */
static char *
queue_slurp(int fd, size_t cap, size_t *len, struct err *e)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fstat(fd, &st) == -1 || st.st_size < 0 ||
	    (size_t)st.st_size > cap) {
		err_set(e, EX_DATAERR, "envelope too large");
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*len = got;
	return buf;
}

int
queue_lock(struct queue *q, const char *id, int *envfd, int *msgfd,
    struct qenv *qe, struct err *e)
{
	char env[QUEUE_NAME_MAX], msg[QUEUE_NAME_MAX], *text;
	struct stat a, b;
	size_t len;
	int fd, rc;

	*envfd = *msgfd = -1;
	snprintf(env, sizeof(env), "%s.env", id);
	snprintf(msg, sizeof(msg), "%s.msg", id);
	fd = openat(q->qfd, env, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : err_sys(e, EX_TEMPFAIL,
		    "queue: open %s", env);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || fstat(fd, &a) == -1 ||
	    fstatat(q->qfd, env, &b, AT_SYMLINK_NOFOLLOW) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		close(fd);
		return 0;
	}
	if ((text = queue_slurp(fd, QUEUE_ENV_MAX, &len, e)) == NULL) {
		close(fd);
		return -1;
	}
	rc = queue_env_parse(text, len, qe, e);
	free(text);
	if (rc == 0 && strcmp(qe->id, id) != 0) {
		queue_env_free(qe);
		rc = err_set(e, EX_DATAERR, "envelope names another id");
	}
	if (rc == 0 && (*msgfd = openat(q->qfd, msg, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		queue_env_free(qe);
		rc = err_sys(e, EX_DATAERR, "queue: open %s", msg);
	}
	if (rc == -1) {
		close(fd);
		return -1;
	}
	*envfd = fd;
	return 1;
}

int
queue_peek(struct queue *q, const char *id, struct qenv *qe, struct err *e)
{
	char env[QUEUE_NAME_MAX], *text;
	size_t len;
	int fd, rc;

	snprintf(env, sizeof(env), "%s.env", id);
	fd = openat(q->qfd, env, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : err_sys(e, EX_TEMPFAIL,
		    "queue: open %s", env);
	text = queue_slurp(fd, QUEUE_ENV_MAX, &len, e);
	close(fd);
	if (text == NULL)
		return -1;
	rc = queue_env_parse(text, len, qe, e);
	free(text);
	return rc == 0 ? 1 : -1;
}

/* For sorting: an id and when its message was written. */
struct queue_age {
	struct timespec	 t;
	char		 id[QUEUE_ID_LEN + 1];
};

/* Oldest first (submission order), then by id. */
static int
queue_agecmp(const void *a, const void *b)
{
	const struct queue_age *x = a, *y = b;

	if (x->t.tv_sec != y->t.tv_sec)
		return x->t.tv_sec < y->t.tv_sec ? -1 : 1;
	if (x->t.tv_nsec != y->t.tv_nsec)
		return x->t.tv_nsec < y->t.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Sort ids by the time their .msg was written (it never changes). */
static int
queue_sort(struct queue *q, char (*v)[QUEUE_ID_LEN + 1], size_t n)
{
	char name[QUEUE_NAME_MAX];
	struct queue_age *a;
	struct stat st;
	size_t i;

	if ((a = calloc(n, sizeof(*a))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(a[i].id, v[i], sizeof(a[i].id));
		snprintf(name, sizeof(name), "%s.msg", v[i]);
		if (fstatat(q->qfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			a[i].t = st.st_mtim;
	}
	qsort(a, n, sizeof(*a), queue_agecmp);
	for (i = 0; i < n; i++)
		memcpy(v[i], a[i].id, sizeof(a[i].id));
	free(a);
	return 0;
}

int
queue_ids(struct queue *q, char (**ids)[QUEUE_ID_LEN + 1], size_t *n,
    struct err *e)
{
	char (*v)[QUEUE_ID_LEN + 1] = NULL, (*t)[QUEUE_ID_LEN + 1];
	struct dirent *d;
	size_t cap = 0, len;
	DIR *dir;
	int fd;

	*n = 0;
	if ((fd = dup(q->qfd)) == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return err_sys(e, EX_TEMPFAIL, "queue: reading %s/q", q->path);
	}
	rewinddir(dir);
	while ((d = readdir(dir)) != NULL && *n < QUEUE_IDS_MAX) {
		len = strlen(d->d_name);
		if (len != QUEUE_ID_LEN + 4 ||
		    strcmp(d->d_name + QUEUE_ID_LEN, ".env") != 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((t = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(v);
				closedir(dir);
				return err_sys(e, EX_OSERR, "out of memory");
			}
			v = t;
		}
		memcpy(v[*n], d->d_name, QUEUE_ID_LEN);
		v[*n][QUEUE_ID_LEN] = '\0';
		if (queue_id_valid(v[*n]))
			(*n)++;
	}
	closedir(dir);
	if (*n > 0 && queue_sort(q, v, *n) == -1) {
		free(v);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	*ids = v;
	return 0;
}

/* Is name in dirfd older than the grace period? */
static bool
queue_stale(int dirfd, const char *name, time_t now)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode) && st.st_mtime + QUEUE_ORPHAN_GRACE < now;
}

void
queue_sweep(struct queue *q, time_t now)
{
	char env[QUEUE_NAME_MAX];
	struct dirent *d;
	size_t len;
	DIR *dir;
	int i, fd, dirfd;

	for (i = 0; i < 2; i++) {
		dirfd = i == 0 ? q->tmpfd : q->qfd;
		if ((fd = dup(dirfd)) == -1 || (dir = fdopendir(fd)) == NULL) {
			if (fd != -1)
				close(fd);
			continue;
		}
		rewinddir(dir);
		while ((d = readdir(dir)) != NULL) {
			len = strlen(d->d_name);
			/* in q/: a .msg or a mark whose .env is gone */
			if (d->d_name[0] == '.' || (i == 1 &&
			    !(len == QUEUE_ID_LEN + 4 &&
			    strcmp(d->d_name + QUEUE_ID_LEN, ".msg") == 0) &&
			    !(len == QUEUE_ID_LEN + 8 &&
			    strcmp(d->d_name + QUEUE_ID_LEN, ".sending") == 0)))
				continue;
			snprintf(env, sizeof(env), "%.*s.env", QUEUE_ID_LEN,
			    d->d_name);
			if (i == 1 && faccessat(dirfd, env, F_OK,
			    AT_SYMLINK_NOFOLLOW) == 0)
				continue;
			if (queue_stale(dirfd, d->d_name, now))
				unlinkat(dirfd, d->d_name, 0);
		}
		closedir(dir);
	}
}
