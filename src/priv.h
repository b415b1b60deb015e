/*
 * priv.h - the system-wide relay (outpost(8), SECURITY): privilege
 * bracketing of the
 * setgid outpost, the system paths, the envelope-sender policy and the
 * queue commit through the setuid helper (outpost-queue).
 *
 * Model (outpost(8) SECURITY): outpost may be installed setgid to group
 * outpost, which alone can read /etc/outpost.conf (root:outpost 0640) and
 * its password_file secrets.  While it holds that group it reads nothing
 * the caller names: no -C, no user configuration, no environment path.
 * It gives the group up for good (setresgid) after the configuration and
 * the secrets are in memory and before stdin, DNS, passwordeval or the
 * network.  Messages for the system queue are committed by outpost-queue,
 * setuid to the queue's user, which records the caller's real uid.
 */
#ifndef OUTPOST_PRIV_H
#define OUTPOST_PRIV_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cfg.h"
#include "cli.h"
#include "err.h"
#include "queue.h"

enum priv_path {
	PRIV_PATH_CONFIG,	/* SYSCONFDIR/outpost.conf */
	PRIV_PATH_QUEUE,	/* LOCALSTATEDIR/spool/outpost */
	PRIV_PATH_HELPER,	/* PKGLIBEXECDIR/outpost-queue */
	PRIV_PATH_OAUTH2,	/* LOCALSTATEDIR/lib/outpost/oauth2 */
	PRIV_PATH_TOKEN_HELPER	/* PKGLIBEXECDIR/outpost-oauth2 */
};

/* priv_path.c (also linked into outpost-queue) */
/*
 * A system path.  Test builds (--enable-test-hooks) put all three under
 * $OUTPOST_TEST_SYSROOT when it names a root-owned directory that only
 * root can write: outpost.conf, spool, outpost-queue.
 */
const char *priv_path(enum priv_path);
/* Built with --enable-setgid, or a test build given a test sysroot. */
bool	priv_system_build(void);
/*
 * A file root owns with the system file's group (root:outpost): one of
 * the relay's secrets, which may be 0640 like the system file itself.
 */
bool	priv_sys_secret(const struct stat *st);
/* Is path the system queue (group-readable entries, never created)? */
bool	priv_queue_shared(const char *path);

/* priv.c */
/*
 * Once, after the command line is parsed (o NULL: a subcommand, which
 * runs as the caller).  In a setgid run by another user than root: -C, a
 * user configuration, -q and --drop are refused, the configuration is
 * the system file; anything else drops the group at once.
 */
int	priv_init(struct opts *o, struct err *);
/*
 * The configuration is loaded and (a != NULL) the account picked: for the
 * system file, accounts without queue_dir use the system queue and their
 * password_file is read into memory; then the group is dropped (not for
 * mailq, which never leaves this host) and, with a, the -f sender
 * (override, NULL when none) is checked against allow_from_override.
 */
int	priv_ready(struct config *, const struct account *a,
	    const char *override, struct err *);
/*
 * May uid send as sender through account a?  The account's own from and
 * the null sender always; otherwise allow_from_override: on, off or a
 * list of user names and uids (root always).  Unset: off for the system
 * configuration of a setgid build, else on.  -1 with e (77).
 */
int	priv_sender_ok(const struct account *, uid_t, const char *sender,
	    struct err *);
/* The configuration cfg is loaded: is it the system file? */
void	priv_loaded(const struct config *cfg);
/*
 * The system OAuth2 token store (PRIV_PATH_OAUTH2) when the loaded
 * configuration is the system file, else NULL (oauth2_store.c).
 */
const char *priv_oauth2_store(void);
/* Is the setgid group still held (no DNS, no caller-named file)? */
bool	priv_held(void);
/*
 * Is the caller restricted on account a: the system configuration, not
 * root, and allow_from_override does not let it give its own sender?
 * Then -f is replaced and the header gets Sender: (sender.h).
 */
bool	priv_restricted(const struct account *a);
/*
 * The logfile path opened for appending while the group was held
 * (priv_ready), or -1: msglog opens it as the caller then.
 */
int	priv_logfd(const char *path);
/* mailq: may the caller see an entry submitted by uid? */
bool	priv_may_see(uid_t);
/* In the passwordeval child: a fixed environment for the system file. */
void	priv_eval_env(void);

/* priv_queue.c */
/*
 * Commit the spooled message with qe to account a's queue: directly when
 * the caller can write it, else through outpost-queue.  qe->id is set.
 */
int	priv_queue_commit(const struct account *, int spool, struct qenv *,
	    struct err *);

#endif
