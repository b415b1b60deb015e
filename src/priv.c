/*
 * priv.c - privilege bracketing of the setgid outpost and the envelope
 * sender policy (priv.h, outpost(8) SECURITY).
 *
 * The process-wide state below is the one global of outpost: privilege
 * is a property of the process, not of a call.  Invariants: while the
 * group is held, nothing is read that the caller names (the command line
 * may only pick an account and give addresses; the configuration is the
 * compiled-in system file); the group is dropped with setresgid, checked
 * with getresgid, before main reads stdin or anything leaves the host; a
 * setgid run by root or with an unknown mode drops it at once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "cred_file.h"
#include "local.h"
#include "log.h"
#include "oauth2.h"
#include "paths.h"
#include "priv.h"

#define PRIV_NAME_MAX	64	/* one name in allow_from_override */
#define PRIV_GROUPS_MAX	256	/* supplementary groups looked at */
#define PRIV_LOGS_MAX	8	/* distinct logfiles opened early */

static struct {
	bool	 setgid;	/* started with egid != rgid */
	bool	 held;		/* the group is still held */
	bool	 all;		/* the caller sees every entry (mailq) */
	bool	 list;		/* mailq keeps the group to read entries */
	bool	 syscfg;	/* the system configuration is loaded */
	bool	 secrets;	/* its secrets were read (-bs: once) */
	/* logfiles opened with the group: every caller can append */
	struct {
		char	*path;
		int	 fd;
	}	 logs[PRIV_LOGS_MAX];
	size_t	 nlogs;
} priv;

static bool
priv_in_group(gid_t g)
{
	gid_t groups[PRIV_GROUPS_MAX];
	int n, i;

	n = getgroups(PRIV_GROUPS_MAX, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == g)
			return true;
	return false;
}

/*
 * Test builds: OUTPOST_TEST_PROC_STATUS=1 copies the Gid: and Groups:
 * lines of /proc/self/status to stderr right after the drop, so that a
 * test sees what the kernel says (a shell child would not tell: dash
 * resets its egid itself).
 */
static void
priv_test_status(void)
{
#ifdef OUTPOST_TEST_HOOKS
	char line[512];
	FILE *f;

	if (getenv("OUTPOST_TEST_PROC_STATUS") == NULL ||
	    (f = fopen("/proc/self/status", "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Gid:", 4) == 0 ||
		    strncmp(line, "Groups:", 7) == 0)
			fprintf(stderr, "outpost: test: %s", line);
	fclose(f);
#endif
}

static int
priv_drop(struct err *e)
{
	gid_t g = getgid(), r, ef, s;

	if (!priv.held)
		return 0;
	if (setresgid(g, g, g) == -1 || getresgid(&r, &ef, &s) == -1 ||
	    r != g || ef != g || s != g)
		return err_sys(e, EX_OSERR, "cannot give up the group "
		    "privilege");
	priv.held = false;
	log_debug("gave up the group privilege (gid %lu)", (unsigned long)g);
	priv_test_status();
	return 0;
}

/*
 * Has the caller a user configuration?  access() answers with the real
 * ids, so this probe reveals nothing the caller could not see.
 */
static bool
priv_user_config(char *path, size_t cap)
{
	return paths_user_config(path, cap) == 0 && access(path, F_OK) == 0;
}

/*
 * Is the caller the system queue's user (the runner's unit runs as it)?
 * Its home is no place for a configuration: whoever could write there
 * would run passwordeval with group outpost.
 */
static bool
priv_queue_user(void)
{
	struct stat st;

	return getuid() != 0 && priv_system_build() &&
	    stat(priv_path(PRIV_PATH_QUEUE), &st) == 0 &&
	    st.st_uid == getuid();
}

int
priv_init(struct opts *o, struct err *e)
{
	char user[PATH_MAX];
	gid_t eg = getegid();

	if (o != NULL && o->config == NULL && priv_queue_user())
		o->config = priv_path(PRIV_PATH_CONFIG);
	if (eg == getgid())
		return 0;
	priv.setgid = priv.held = true;
	priv.all = getuid() == 0 || priv_in_group(eg);
	if (o == NULL || getuid() == 0 || !priv_system_build())
		return priv_drop(e);
	/* password_file's %d must not name a file for us */
	unsetenv("CREDENTIALS_DIRECTORY");
	if (o->mode == CLI_MODE_QUEUE_RUN || o->mode == CLI_MODE_QUEUE_DROP)
		return err_set(e, EX_NOPERM, "-q and --drop on the system "
		    "queue are for root and the queue's user (see outpost(8), "
		    "SECURITY)");
	/* -bs reads the file once, before its first message (main.c) */
	if (o->mode != CLI_MODE_SEND && o->mode != CLI_MODE_QUEUE_LIST &&
	    o->mode != CLI_MODE_SMTP)
		return priv_drop(e);
	priv.list = o->mode == CLI_MODE_QUEUE_LIST;
	if (o->config != NULL)
		return err_set(e, EX_USAGE, "-C is refused: this outpost is "
		    "setgid and reads only %s (use a copy without the setgid "
		    "bit for a configuration of your own)",
		    priv_path(PRIV_PATH_CONFIG));
	if (priv_user_config(user, sizeof(user)))
		return err_set(e, EX_CONFIG, "%s is refused: this outpost is "
		    "setgid and reads only %s (use a copy without the setgid "
		    "bit for a configuration of your own)", user,
		    priv_path(PRIV_PATH_CONFIG));
	o->config = priv_path(PRIV_PATH_CONFIG);
	return 0;
}

/* password_file -> password: read now, while the file is readable. */
static int
priv_secret(struct account *a, struct err *e)
{
	struct secret *s;
	char *p;

	if (a->password_file == NULL || a->password != NULL)
		return 0;
	if ((s = secret_new(e)) == NULL)
		return -1;
	if (cred_file_read_sys(a->password_file, s, e) == -1 ||
	    (p = malloc(s->len + 1)) == NULL) {
		if (!err_is_set(e))
			err_sys(e, EX_OSERR, "out of memory");
		secret_free(s);
		return -1;
	}
	memcpy(p, s->buf, s->len + 1);
	secret_free(s);
	a->password = p;
	free(a->password_file);
	a->password_file = NULL;
	return 0;
}

/* Does a sending through use need x (itself or its fallback)? */
static bool
priv_needed(const struct config *cfg, const struct account *use,
    const struct account *x)
{
	const struct account *r;
	size_t i;

	if (use == NULL || use == x || (use->fallback != NULL &&
	    strcmp(use->fallback, x->name) == 0))
		return true;
	/* the recipients, read later, may route a part to x (job.c) */
	for (i = 0; i < cfg->naccounts; i++) {
		r = &cfg->accounts[i];
		if (r->recipient_domains != NULL && (r == x ||
		    (r->fallback != NULL && strcmp(r->fallback, x->name) == 0)))
			return true;
	}
	return false;
}

/*
 * The system file's accounts: the system queue; the secrets of the
 * account in use (every account for the runner: use NULL) read into
 * memory - an OAuth2 account's access token from outpost-oauth2 -, the
 * other accounts' passwords wiped - the rest of this process handles
 * stdin and the network and needs no more.
 */
static int
priv_sys_accounts(struct config *cfg, const struct account *use,
    bool secrets, struct err *e)
{
	struct account *a;
	size_t i;

	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		if (a->queue_dir == NULL &&
		    (a->queue_dir = strdup(priv_path(PRIV_PATH_QUEUE))) ==
		    NULL)
			return err_sys(e, EX_OSERR, "out of memory");
		if (!secrets)
			continue;
		if (!priv_needed(cfg, use, a)) {
			if (a->password != NULL)
				explicit_bzero(a->password,
				    strlen(a->password));
		} else if (priv_secret(a, e) == -1)
			return -1;
		else if (priv.held)
			/* only now may outpost run outpost-oauth2 (6750) */
			oauth2_sys_prefetch(a);
	}
	return 0;
}

/*
 * The logfile of each account in use, opened for appending while the
 * group is held, so that a file root:outpost 0660 takes a line from
 * every caller.  Never created here: a file made now would belong to the
 * caller.  Without the group (or when this fails) msglog opens it as
 * the caller.
 */
static void
priv_open_logs(const struct config *cfg, const struct account *use)
{
	const struct account *x;
	size_t i, k;
	int fd;

	for (i = 0; i < cfg->naccounts; i++) {
		x = &cfg->accounts[i];
		if (x->logfile == NULL || !priv_needed(cfg, use, x) ||
		    priv.nlogs == PRIV_LOGS_MAX)
			continue;
		for (k = 0; k < priv.nlogs; k++)
			if (strcmp(priv.logs[k].path, x->logfile) == 0)
				break;
		if (k < priv.nlogs)
			continue;
		fd = open(x->logfile, O_WRONLY | O_APPEND | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY);
		if (fd == -1)
			continue;
		if ((priv.logs[priv.nlogs].path = strdup(x->logfile)) ==
		    NULL) {
			close(fd);
			continue;
		}
		priv.logs[priv.nlogs++].fd = fd;
	}
}

int
priv_logfd(const char *path)
{
	size_t k;

	for (k = 0; k < priv.nlogs; k++)
		if (strcmp(priv.logs[k].path, path) == 0)
			return priv.logs[k].fd;
	return -1;
}

int
priv_ready(struct config *cfg, const struct account *a,
    const char *override, struct err *e)
{
	priv_loaded(cfg);
	if (priv.syscfg) {
		if (priv_sys_accounts(cfg, a, !priv.list && !priv.secrets,
		    e) == -1)
			return -1;
		priv.secrets = !priv.list;
		if (priv.held && !priv.list)
			priv_open_logs(cfg, a);
	}
	if (!priv.list && priv_drop(e) == -1)
		return -1;
	if (a == NULL)
		return 0;
	return priv_sender_ok(a, getuid(), override, e);
}

/* Is uid named (user name or number) in the list? */
static bool
priv_listed(const char *list, uid_t uid)
{
	char name[PRIV_NAME_MAX + 1];
	const struct passwd *pw;
	const char *p = list;
	size_t n;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return false;
		n = strcspn(p, ", \t");
		if (n <= PRIV_NAME_MAX) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (isdigit((unsigned char)name[0]) &&
			    strspn(name, "0123456789") == n) {
				if (strtoul(name, NULL, 10) == uid)
					return true;
			} else if ((pw = getpwnam(name)) != NULL &&
			    pw->pw_uid == uid)
				return true;
		}
		p += n;
	}
}

/* May uid give a sender of its own on account a? */
static bool
priv_may_override(const struct account *a, uid_t uid)
{
	const char *p = a->allow_from_override;

	if (uid == 0)
		return true;
	if (p == NULL)
		p = priv.syscfg ? "off" : "on";
	if (strcmp(p, "on") == 0)
		return true;
	return strcmp(p, "off") != 0 && priv_listed(p, uid);
}

/*
 * Is sender the account's own from as it is for uid: %U, %H, %M and
 * maildomain expanded, <> and case of the domain as addr_check leaves
 * them - the same expansion that made the envelope of uid's message.
 */
static bool
priv_own_from(const struct account *a, uid_t uid, const char *sender)
{
	char exp[ADDR_MAX + 1], norm[ADDR_MAX + 1];
	struct err e;
	bool utf8;

	err_init(&e);
	if (local_from_uid(a, uid, exp, sizeof(exp), &e) == -1 ||
	    exp[0] == '\0' ||
	    addr_check(exp, false, norm, &utf8, EX_CONFIG, &e) == -1)
		return false;
	return strcasecmp(sender, norm) == 0;
}

int
priv_sender_ok(const struct account *a, uid_t uid, const char *sender,
    struct err *e)
{
	/* the null sender impersonates nobody */
	if (sender == NULL || sender[0] == '\0' ||
	    priv_may_override(a, uid) || priv_own_from(a, uid, sender))
		return 0;
	return err_set(e, EX_NOPERM, "envelope sender %s refused for uid %lu: "
	    "account %s sends as its from only (allow_from_override)",
	    sender, (unsigned long)uid, a->name);
}

bool
priv_restricted(const struct account *a)
{
	return !priv_may_override(a, getuid());
}

const char *
priv_oauth2_store(void)
{
	return priv.syscfg ? priv_path(PRIV_PATH_OAUTH2) : NULL;
}

bool
priv_held(void)
{
	return priv.held;
}

void
priv_loaded(const struct config *cfg)
{
	priv.syscfg = cfg->path != NULL && priv_system_build() &&
	    strcmp(cfg->path, priv_path(PRIV_PATH_CONFIG)) == 0;
}

bool
priv_may_see(uid_t uid)
{
	return !priv.setgid || priv.all || uid == getuid();
}

void
priv_eval_env(void)
{
	if (!priv.syscfg)
		return;
	/* the caller's environment must not steer the admin's command */
	clearenv();
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
	setenv("HOME", "/", 1);
}
