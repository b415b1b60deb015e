/*
 * queue.c - the queue on disk: directories, the commit protocol, entry
 * updates, locking and cleaning.
 *
 * Commit: the message is copied into tmp/<id>.msg and fsynced; the
 * envelope is written to tmp/<id>.env (O_EXCL) and fsynced; the .msg is
 * renamed into q/, then the .env - that rename is the commit point - and
 * q/ and tmp/ are fsynced.  Only then may the caller say "queued".  On a
 * failure everything made so far is removed.  All paths are relative to
 * directory fds opened with O_NOFOLLOW, so no symlink is followed.
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

#include "deadline.h"
#include "fdio.h"
#include "paths.h"
#include "priv.h"
#include "queue.h"

#define QUEUE_COPY_BUF	(64 * 1024)

static const char *const queue_subdirs[] = { "tmp", "q", "dead" };

time_t
queue_now(void)
{
#ifdef OUTPOST_TEST_HOOKS
	const char *t = getenv("OUTPOST_TEST_NOW");

	/* "+N": N seconds from now; else an absolute time */
	if (t != NULL && t[0] == '+')
		return time(NULL) + (time_t)strtoll(t + 1, NULL, 10);
	if (t != NULL && t[0] != '\0')
		return (time_t)strtoll(t, NULL, 10);
#endif
	return time(NULL);
}

void
queue_fault(const char *step)
{
#ifdef OUTPOST_TEST_HOOKS
	const char *s = getenv("OUTPOST_TEST_CRASH");

	if (s != NULL && strcmp(s, step) == 0)
		abort();
#else
	(void)step;
#endif
}

int
queue_path(const char *dir, char *out, size_t cap, struct err *e)
{
	int n;

	if (dir != NULL)
		n = snprintf(out, cap, "%s", dir);
	else if (paths_user_state("queue", out, cap) == 0)
		n = (int)strlen(out);
	else
		return err_set(e, EX_TEMPFAIL, "no queue directory (HOME is "
		    "not set; set queue_dir)");
	if (n < 0 || (size_t)n >= cap || out[0] != '/')
		return err_set(e, EX_TEMPFAIL, "queue directory %s: not an "
		    "absolute path", out);
	return 0;
}

/* mkdir -p for the parents of path, each 0700 (umask permitting). */
static void
queue_mkparents(const char *path)
{
	char buf[QUEUE_PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && errno != EEXIST)
			return;
		*p = '/';
	}
}

/*
 * The system queue's directories: no access for others, and ours, or
 * root's view, or of a group we are in (mailq through the setgid group).
 */
static bool
queue_shared_ok(const struct stat *st)
{
	gid_t groups[256];
	int n, i;

	if ((st->st_mode & 007) != 0)
		return false;
	if (st->st_uid == geteuid() || geteuid() == 0 ||
	    st->st_gid == getegid())
		return true;
	n = getgroups(256, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == st->st_gid)
			return true;
	return false;
}

/* Open dir name under at (or the path): ours, private, a directory. */
static int
queue_opendir(int at, const char *name, bool create, bool shared,
    const char *show, struct err *e)
{
	struct stat st;
	int fd;

	if (shared) {
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd == -1 && errno == ENOENT && create &&
		    mkdirat(at, name, 0750) == 0) {
			/* the queue's owner heals a missing subdirectory */
			fchmodat(at, name, 02750, 0);
			fd = openat(at, name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd == -1)
			return err_sys(e, EX_TEMPFAIL, "cannot open the system "
			    "queue %s", show);
		if (fstat(fd, &st) == -1 || !queue_shared_ok(&st)) {
			close(fd);
			return err_set(e, EX_TEMPFAIL, "system queue %s: no "
			    "access for others, group outpost (see outpost(8))",
			    show);
		}
		return fd;
	}

	if (create && mkdirat(at, name, 0700) == -1 && errno != EEXIST)
		return err_sys(e, EX_TEMPFAIL, "cannot create %s", show);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return err_sys(e, EX_TEMPFAIL, "cannot open queue directory "
		    "%s", show);
	if (fstat(fd, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return err_set(e, EX_TEMPFAIL, "queue directory %s must be "
		    "owned by you and private (chmod 700)", show);
	}
	return fd;
}

/* Is the directory ours (the euid's)? */
static bool
queue_owned(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid();
}

int
queue_open(const char *path, bool create, struct queue *q, struct err *e)
{
	char show[QUEUE_PATH_MAX + 8];
	int *fds[3];
	size_t i;
	bool heal;

	memset(q, 0, sizeof(*q));
	q->dirfd = q->tmpfd = q->qfd = q->deadfd = -1;
	q->shared = priv_queue_shared(path);
	q->fmode = q->shared ? 0640 : 0600;
	create = create && !q->shared;
	snprintf(q->path, sizeof(q->path), "%s", path);
	if (create)
		queue_mkparents(path);
	if ((q->dirfd = queue_opendir(AT_FDCWD, path, create, q->shared, path,
	    e)) == -1)
		return -1;
	fds[0] = &q->tmpfd;
	fds[1] = &q->qfd;
	fds[2] = &q->deadfd;
	/*
	 * The subdirectories are made whenever the queue itself is there:
	 * a crash during the first commit, or an administrator's mkdir of
	 * queue_dir alone, must not leave a queue that -bp and -q refuse.
	 * In the system queue only its owner (the runner, the helper) may.
	 */
	heal = !q->shared || queue_owned(q->dirfd);
	for (i = 0; i < 3; i++) {
		snprintf(show, sizeof(show), "%s/%s", path, queue_subdirs[i]);
		*fds[i] = queue_opendir(q->dirfd, queue_subdirs[i], heal,
		    q->shared, show, e);
		if (*fds[i] == -1) {
			queue_close(q);
			return -1;
		}
	}
	return 0;
}

void
queue_close(struct queue *q)
{
	struct err e;

	err_init(&e);
	(void)queue_sync(q, &e);	/* failed: only a power cut shows it */
	if (q->tmpfd != -1)
		close(q->tmpfd);
	if (q->qfd != -1)
		close(q->qfd);
	if (q->deadfd != -1)
		close(q->deadfd);
	if (q->dirfd != -1)
		close(q->dirfd);
	q->dirfd = q->tmpfd = q->qfd = q->deadfd = -1;
}

static void
queue_name(char *out, const char *id, const char *ext)
{
	snprintf(out, QUEUE_NAME_MAX, "%s.%s", id, ext);
}

/* Copy from src (offset 0) into a new file name in dirfd, fsynced. */
static int
queue_copy(int src, int dirfd, const char *name, mode_t mode, struct err *e)
{
	char buf[QUEUE_COPY_BUF];
	ssize_t n;
	int fd;

	if (lseek(src, 0, SEEK_SET) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: spool");
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: cannot create %s", name);
	if (mode != 0600)
		(void)fchmod(fd, mode);	/* past the umask; an fd of ours */
	for (;;) {
		n = read(src, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (fd_write_all(fd, buf, (size_t)n) == -1) {
			n = -1;
			break;
		}
	}
	if (n == -1 || fsync(fd) == -1) {
		err_sys(e, EX_TEMPFAIL, "queue: writing %s", name);
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: writing %s", name);
	return 0;
}

/* The envelope into a new file name in dirfd, fsynced and closed. */
static int
queue_write_env(int dirfd, const char *name, mode_t mode,
    const struct qenv *qe, struct err *e)
{
	char *buf;
	size_t len;
	int fd, rc = -1;

	if ((buf = malloc(QUEUE_ENV_MAX)) == NULL)
		return err_sys(e, EX_TEMPFAIL, "out of memory");
	if (queue_env_format(qe, buf, QUEUE_ENV_MAX, &len) == -1) {
		free(buf);
		return err_set(e, EX_TEMPFAIL, "queue: envelope too long");
	}
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd != -1 && mode != 0600)
		(void)fchmod(fd, mode);
	if (fd == -1)
		err_sys(e, EX_TEMPFAIL, "queue: cannot create %s", name);
	else if (fd_write_all(fd, buf, len) == -1 || fsync(fd) == -1) {
		err_sys(e, EX_TEMPFAIL, "queue: writing %s", name);
		close(fd);
	} else if (close(fd) == -1)
		err_sys(e, EX_TEMPFAIL, "queue: writing %s", name);
	else
		rc = 0;
	free(buf);
	return rc;
}

int
queue_commit(struct queue *q, int spool_fd, struct qenv *qe, struct err *e)
{
	char msg[QUEUE_NAME_MAX], env[QUEUE_NAME_MAX];

	if (queue_id_new(qe->id, e) == -1)
		return -1;
	queue_name(msg, qe->id, "msg");
	queue_name(env, qe->id, "env");
	if (queue_copy(spool_fd, q->tmpfd, msg, q->fmode, e) == -1)
		goto fail;
	queue_fault("msg-written");
	if (queue_write_env(q->tmpfd, env, q->fmode, qe, e) == -1)
		goto fail;
	queue_fault("env-written");
	if (renameat(q->tmpfd, msg, q->qfd, msg) == -1) {
		err_sys(e, EX_TEMPFAIL, "queue: rename %s", msg);
		goto fail;
	}
	queue_fault("msg-renamed");
	if (renameat(q->tmpfd, env, q->qfd, env) == -1) {
		err_sys(e, EX_TEMPFAIL, "queue: rename %s", env);
		unlinkat(q->qfd, msg, 0);
		goto fail;
	}
	queue_fault("env-renamed");
	if (fsync(q->qfd) == -1 || fsync(q->tmpfd) == -1) {
		/* the entry may not survive a crash: take it back */
		err_sys(e, EX_TEMPFAIL, "queue: fsync %s", q->path);
		unlinkat(q->qfd, env, 0);
		unlinkat(q->qfd, msg, 0);
		return -1;
	}
	queue_fault("synced");
	return 0;
fail:
	unlinkat(q->tmpfd, env, 0);
	unlinkat(q->tmpfd, msg, 0);
	return -1;
}

int
queue_update(struct queue *q, const struct qenv *qe, struct err *e)
{
	char env[QUEUE_NAME_MAX];

	queue_name(env, qe->id, "env");
	unlinkat(q->tmpfd, env, 0);
	if (queue_write_env(q->tmpfd, env, q->fmode, qe, e) == -1) {
		unlinkat(q->tmpfd, env, 0);
		return -1;
	}
	if (renameat(q->tmpfd, env, q->qfd, env) == -1) {
		unlinkat(q->tmpfd, env, 0);
		return err_sys(e, EX_TEMPFAIL, "queue: rename %s", env);
	}
	fsync(q->qfd);
	return 0;
}

int
queue_sync(struct queue *q, struct err *e)
{
	if (q->unsynced == 0 || q->qfd == -1)
		return 0;
	q->unsynced = 0;
	if (fsync(q->qfd) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: fsync %s/q", q->path);
	return 0;
}

/*
 * A removal or mark was made in q/: durable now, or (lazy) with the
 * batch it joins.  A power cut before that undoes it; nothing else does
 * (the kernel has it).
 */
static int
queue_dirty(struct queue *q, struct err *e)
{
	int64_t now = deadline_now_ms();

	if (q->unsynced++ == 0)
		q->unsynced_ms = now;
	if (q->lazy && q->unsynced < QUEUE_SYNC_BATCH &&
	    now - q->unsynced_ms < QUEUE_SYNC_MS)
		return 0;
	return queue_sync(q, e);
}

int
queue_remove(struct queue *q, const char *id, struct err *e)
{
	char env[QUEUE_NAME_MAX], msg[QUEUE_NAME_MAX];
	struct err se;

	queue_name(env, id, "env");
	queue_name(msg, id, "msg");
	if (unlinkat(q->qfd, env, 0) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: remove %s", env);
	unlinkat(q->qfd, msg, 0);
	/* last: a power cut that undoes the removal undoes this too */
	queue_unmark(q, id);
	err_init(&se);
	(void)queue_dirty(q, &se);	/* undone: sent again, not lost */
	return 0;
}

/*
 * The "sending" mark: q/<id>.sending (a hard link to the .env), made
 * before the final dot of the
 * entry goes out and removed with the entry (or when its try failed).
 * Found later, it means the server may have the message: the runner
 * marks the entry possibly delivered (outpost(8), QUEUE).  It is in the
 * kernel before the dot, so a killed runner always leaves it behind; on
 * the disk it is durable before the dot unless the queue is lazy, where
 * it joins the batch of q/ (a power cut may then take it, and the entry
 * is sent again unmarked).
 */
int
queue_mark(struct queue *q, const char *id, struct err *e)
{
	char name[QUEUE_NAME_MAX], env[QUEUE_NAME_MAX];

	/*
	 * A second name of the .env, not a new file: only the name counts,
	 * and a new inode per entry was most of a flush's system time
	 * (ext4's inode allocator scans for recently freed ones).
	 */
	queue_name(name, id, "sending");
	queue_name(env, id, "env");
	if (linkat(q->qfd, env, q->qfd, name, 0) == -1 && errno != EEXIST)
		return err_sys(e, EX_TEMPFAIL, "queue: mark %s", name);
	if (queue_dirty(q, e) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: mark %s", name);
	return 0;
}

void
queue_unmark(struct queue *q, const char *id)
{
	char name[QUEUE_NAME_MAX];

	queue_name(name, id, "sending");
	unlinkat(q->qfd, name, 0);
}

bool
queue_marked(struct queue *q, const char *id)
{
	char name[QUEUE_NAME_MAX];

	queue_name(name, id, "sending");
	return faccessat(q->qfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
queue_bury(struct queue *q, const char *id, struct err *e)
{
	char env[QUEUE_NAME_MAX], msg[QUEUE_NAME_MAX];

	queue_name(env, id, "env");
	queue_name(msg, id, "msg");
	/* the .env first: the entry leaves q/ at once */
	if (renameat(q->qfd, env, q->deadfd, env) == -1 ||
	    renameat(q->qfd, msg, q->deadfd, msg) == -1)
		return err_sys(e, EX_TEMPFAIL, "queue: moving %s to dead/",
		    id);
	fsync(q->deadfd);
	fsync(q->qfd);
	return 0;
}
