/*
 * queue.h - the durable local queue (doc/architecture.md: the queue).
 *
 * A queue directory (0700, owned by the euid) holds tmp/, q/ and dead/.
 * An entry is q/<id>.msg (the message, as it goes on the wire before
 * dot-stuffing) and q/<id>.env (the envelope: text, "key: value" lines).
 * The .env rename into q/ is the commit point: an entry without its .env
 * does not exist, and the runner removes such orphans after a grace
 * period.  A runner holds flock(LOCK_EX) on an entry's .env while it works
 * on it; updates are written to tmp/ and renamed over the old .env.
 */
#ifndef OUTPOST_QUEUE_H
#define OUTPOST_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "addr.h"
#include "envelope.h"
#include "err.h"

#define QUEUE_ID_LEN		32		/* 128 random bits in hex */
#define QUEUE_NAME_MAX		(QUEUE_ID_LEN + 16)	/* "<id>.sending" */
#define QUEUE_ENV_MAX		(512 * 1024)	/* one envelope file */
#define QUEUE_ENV_VERSION	"outpost-queue 1"
#define QUEUE_PATH_MAX		4096
#define QUEUE_LIFETIME		(5 * 24 * 3600)	/* then bounce + dead/ */
#define QUEUE_RETRY_FIRST	60		/* s, doubling ... */
#define QUEUE_RETRY_MAX		3600		/* ... up to an hour */
#define QUEUE_ORPHAN_GRACE	3600		/* s before leftovers go */
#define QUEUE_DEAD_KEEP		(30 * 24 * 3600) /* dead/ entries, then gone */
#define QUEUE_SYNC_BATCH	64	/* lazy: removals + marks per sync */
#define QUEUE_SYNC_MS		1000	/* lazy: ... or this old, at most */

struct qenv {
	char		 id[QUEUE_ID_LEN + 1];
	const char	*account;
	struct envelope	 env;		/* rcpts: rcptv once parsed */
	time_t		 created;
	time_t		 next_try;
	unsigned	 attempts;
	char		 last_error[ERR_MSG_MAX];
	bool		 dup_risk;	/* a try broke after the final dot */
	bool		 notice;	/* an undelivered-mail notice */
	uid_t		 uid;		/* who submitted it */
	char		*buf;		/* parse: the strings point in here */
	char		**rcptv;	/* parse: env.rcpts, owned */
};

struct queue {
	int		 dirfd;
	int		 tmpfd;
	int		 qfd;
	int		 deadfd;
	bool		 shared;	/* the system queue (priv.h) */
	mode_t		 fmode;		/* entry files: 0600, shared 0640 */
	/*
	 * The runner's removals and "sending" marks reach the disk in
	 * batches: one fsync of q/ per QUEUE_SYNC_BATCH of them, or once
	 * the oldest is QUEUE_SYNC_MS old, and at queue_sync() and
	 * queue_close().  Until then a power cut can undo them (outpost(8),
	 * QUEUE: a delivered entry may be sent again, none is lost).
	 */
	bool		 lazy;
	unsigned	 unsynced;
	int64_t		 unsynced_ms;	/* when the oldest was made */
	char		 path[QUEUE_PATH_MAX];
};

/* queue_env.c (pure) */
/* The envelope as text into out (cap bytes); -1 when it does not fit. */
int	queue_env_format(const struct qenv *, char *out, size_t cap,
	    size_t *len);
/* Parse text (len bytes, NUL-free) into q; strings are copied. */
int	queue_env_parse(const char *text, size_t len, struct qenv *,
	    struct err *);
void	queue_env_free(struct qenv *);
/* A fresh id from 128 random bits. */
int	queue_id_new(char id[QUEUE_ID_LEN + 1], struct err *);
bool	queue_id_valid(const char *);
/* Seconds to wait before try number attempts + 1. */
time_t	queue_backoff(unsigned attempts);
/*
 * The same after a failure e: an API's Retry-After (err.h) when it asks
 * for longer than the backoff, up to QUEUE_RETRY_AFTER_MAX.
 */
#define QUEUE_RETRY_AFTER_MAX	(24 * 3600)
time_t	queue_wait(unsigned attempts, const struct err *);

/* queue.c */
/*
 * The queue directory: dir, else $XDG_STATE_HOME/outpost/queue, else
 * ~/.local/state/outpost/queue.  -1 with e (75: nothing can be queued).
 */
int	queue_path(const char *dir, char *out, size_t cap, struct err *);
/*
 * Open (creating when create) and check the queue at path.  The system
 * queue (priv_queue_shared) is never created here: it is set up by the
 * administrator, group outpost, no access for others; its entry files
 * are 0640 so that group outpost (mailq) can read them.
 */
int	queue_open(const char *path, bool create, struct queue *,
	    struct err *);
void	queue_close(struct queue *);
/*
 * Commit the spooled message (spool_fd, read from offset 0) with the
 * envelope q (its id is made here).  0: the entry is durable.
 */
int	queue_commit(struct queue *, int spool_fd, struct qenv *,
	    struct err *);
/* Replace an entry's envelope (tmp + fsync + rename). */
int	queue_update(struct queue *, const struct qenv *, struct err *);
/* Remove an entry: the .env first, so it stops existing at once. */
int	queue_remove(struct queue *, const char *id, struct err *);
/*
 * The durable "sending" mark of an entry whose final dot is about to go
 * out (queue_mark), its removal once the try's verdict is known, and
 * whether a mark was left by a run that ended before its verdict.
 */
int	queue_mark(struct queue *, const char *id, struct err *);
void	queue_unmark(struct queue *, const char *id);
bool	queue_marked(struct queue *, const char *id);
/* Make q/'s removals and marks durable now (lazy): 0, or -1 with e. */
int	queue_sync(struct queue *, struct err *);
/* Move an entry to dead/. */
int	queue_bury(struct queue *, const char *id, struct err *);
/*
 * Open and lock an entry for work: 1 locked (*envfd, *msgfd, q filled),
 * 0 gone or locked by another runner, -1 with e.
 */
int	queue_lock(struct queue *, const char *id, int *envfd, int *msgfd,
	    struct qenv *, struct err *);
/* Read an entry without locking it: 1 read, 0 gone, -1 with e. */
int	queue_peek(struct queue *, const char *id, struct qenv *,
	    struct err *);
/* The ids in q/, oldest first; *ids is malloc'd. */
int	queue_ids(struct queue *, char (**ids)[QUEUE_ID_LEN + 1],
	    size_t *n, struct err *);
/*
 * Remove tmp/ files and q/ .msg without .env older than the grace, and
 * dead/ entries buried more than QUEUE_DEAD_KEEP ago (the notice about
 * each went out when it was buried; mailq showed it since).
 */
void	queue_sweep(struct queue *, time_t now);
/*
 * dead/ of q as a queue of its own, for queue_ids() and queue_peek()
 * (read only: nothing else may be called on it, nor closed).
 */
void	queue_dead_view(const struct queue *q, struct queue *dead);
/* Now, or the test clock (OUTPOST_TEST_NOW in test builds). */
time_t	queue_now(void);
/* Test builds: abort() at the named commit step (OUTPOST_TEST_CRASH). */
void	queue_fault(const char *step);

#endif
