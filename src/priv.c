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

#include <ctype.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "cred_file.h"
#include "log.h"
#include "paths.h"
#include "priv.h"

#define PRIV_NAME_MAX	64	/* one name in allow_from_override */
#define PRIV_GROUPS_MAX	256	/* supplementary groups looked at */

static struct {
	bool	 setgid;	/* started with egid != rgid */
	bool	 held;		/* the group is still held */
	bool	 all;		/* the caller sees every entry (mailq) */
	bool	 list;		/* mailq keeps the group to read entries */
	bool	 syscfg;	/* the system configuration is loaded */
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

int
priv_init(struct opts *o, struct err *e)
{
	char user[PATH_MAX];
	gid_t eg = getegid();

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
	if (o->mode != CLI_MODE_SEND && o->mode != CLI_MODE_QUEUE_LIST)
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
priv_needed(const struct account *use, const struct account *x)
{
	return use == NULL || use == x || (use->fallback != NULL &&
	    strcmp(use->fallback, x->name) == 0);
}

/*
 * The system file's accounts: the system queue; the secrets of the
 * account in use (every account for the runner: use NULL) read into
 * memory, the other accounts' passwords wiped - the rest of this
 * process handles stdin and the network and needs no more.
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
		if (!priv_needed(use, a)) {
			if (a->password != NULL)
				explicit_bzero(a->password,
				    strlen(a->password));
		} else if (priv_secret(a, e) == -1)
			return -1;
	}
	return 0;
}

int
priv_ready(struct config *cfg, const struct account *a,
    const char *override, struct err *e)
{
	if (cfg->path != NULL && priv_system_build() &&
	    strcmp(cfg->path, priv_path(PRIV_PATH_CONFIG)) == 0) {
		priv.syscfg = true;
		if (priv_sys_accounts(cfg, a, !priv.list, e) == -1)
			return -1;
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

int
priv_sender_ok(const struct account *a, uid_t uid, const char *sender,
    struct err *e)
{
	const char *p = a->allow_from_override;

	/* the null sender impersonates nobody */
	if (sender == NULL || sender[0] == '\0' || uid == 0)
		return 0;
	if (a->from != NULL && strcasecmp(sender, a->from) == 0)
		return 0;
	if (p == NULL)
		p = priv.syscfg ? "off" : "on";
	if (strcmp(p, "on") == 0)
		return 0;
	if (strcmp(p, "off") != 0 && priv_listed(p, uid))
		return 0;
	return err_set(e, EX_NOPERM, "envelope sender %s refused for uid %lu: "
	    "account %s sends as %s only (allow_from_override)", sender,
	    (unsigned long)uid, a->name,
	    a->from != NULL ? a->from : "its from");
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
