/*
 * oauth2_helper.c - outpost-oauth2: the access token of an account of the
 * system file, for a caller that may not read the token store
 * (outpost(8), SECURITY; the store: oauth2_store.c).
 *
 * Installed setuid and setgid to the queue's user outpost, mode 6750: the
 * right to run it is the capability.  Root, user outpost and group
 * outpost may; the setgid outpost is in that group until it drops it,
 * before it reads the message (oauth2_sys.c).  Any other user gets
 * EACCES from execve() and never a token.  The group is as trusted as
 * the system file it can read.
 *
 * "outpost-oauth2 token|refresh ACCOUNT": the account's cached access
 * token while it is fresh, else (or with refresh: the server refused the
 * cached one) one from the token endpoint with the refresh token or the
 * client credentials; a rotated refresh token is written back to the
 * store atomically.  Answer on stdout, one line: "token TOKEN" or "error
 * EXIT WAIT MESSAGE" (WAIT 1: the message may wait in the queue).
 *
 * Every byte from the caller is hostile: argv is a verb and a plain name;
 * the environment is dropped before anything else runs (no proxy, CA,
 * key log or locale of the caller's reaches libcurl or GnuTLS; test
 * builds keep the test sysroot only); the configuration is the
 * compiled-in system file; closed standard descriptors are refused, so
 * that no store file can become stdout.  The real ids become the
 * effective ones and the helper leaves the caller's session, so the
 * caller can neither signal it (a kill between the token request and the
 * write-back would lose a rotated refresh token) nor stop it from a
 * terminal; resource limits the caller lowered are raised to the hard
 * limit and a hard limit below what one refresh needs is refused before
 * the endpoint is asked.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cfg.h"
#include "fdio.h"
#include "oauth2.h"
#include "priv.h"

/* The least hard limit one refresh needs (the soft ones are raised). */
static const struct {
	int		 res;
	rlim_t		 min;
	const char	*name;
} limits[] = {
	{ RLIMIT_FSIZE, 1024 * 1024, "file size" },
	{ RLIMIT_CPU, 60, "cpu time" },
	{ RLIMIT_NOFILE, 64, "open files" },
	{ RLIMIT_AS, 256 * 1024 * 1024, "address space" },
	{ RLIMIT_DATA, 256 * 1024 * 1024, "data size" },
	{ RLIMIT_STACK, 1024 * 1024, "stack size" },
};

static int
helper_limits(struct err *e)
{
	struct rlimit rl;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		if (getrlimit(limits[i].res, &rl) == -1)
			continue;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < limits[i].min)
			return err_set(e, EX_TEMPFAIL, "the caller's %s limit "
			    "is too low for a token refresh", limits[i].name);
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(limits[i].res, &rl);
	}
	return 0;
}

/* The caller's ids are gone for good: it cannot signal or trace us. */
static int
helper_ids(struct err *e)
{
	static const int ign[] = { SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTOU,
	    SIGTTIN, SIGPIPE, SIGXFSZ };
	uid_t u = geteuid(), ru, eu, su;
	gid_t g = getegid(), rg, eg, sg;
	struct sigaction sa;
	size_t i;

	if (setresgid(g, g, g) == -1 || setresuid(u, u, u) == -1 ||
	    getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1 ||
	    ru != u || su != u || rg != g || sg != g)
		return err_sys(e, EX_OSERR, "cannot take the helper's ids");
	(void)setsid();	/* no terminal of the caller's */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		(void)sigaction(ign[i], &sa, NULL);
	return 0;
}

/* Nothing of the caller's environment; test builds: the sysroot. */
static void
helper_env(void)
{
#ifdef OUTPOST_TEST_HOOKS
	static char root[PATH_MAX];
	const char *r = getenv("OUTPOST_TEST_SYSROOT");

	if (r != NULL && strlen(r) < sizeof(root))
		memcpy(root, r, strlen(r) + 1);
	else
		r = NULL;
	clearenv();
	if (r != NULL)
		setenv("OUTPOST_TEST_SYSROOT", root, 1);
#else
	clearenv();
#endif
	setenv("PATH", "/usr/bin:/bin", 1);
}

static int
helper_token(bool fresh, const char *name, struct err *e)
{
	const struct account *a;
	struct secret *s = NULL;
	struct config cfg;
	int rc = -1;

	if (cfg_load(priv_path(PRIV_PATH_CONFIG), &cfg, e) == -1)
		return -1;
	priv_loaded(&cfg);
	if (!oauth2_store_on()) {
		err_set(e, EX_CONFIG, "%s is not the system configuration "
		    "of a system build", priv_path(PRIV_PATH_CONFIG));
		goto out;
	}
	if ((a = cfg_account(&cfg, name)) == NULL) {
		err_set(e, EX_CONFIG, "no account %s in %s", name,
		    priv_path(PRIV_PATH_CONFIG));
		goto out;
	}
	if (a->oauth2_token_url == NULL) {
		err_set(e, EX_CONFIG, "account %s does not use OAuth2 (no "
		    "oauth2_token_url)", name);
		goto out;
	}
	/* ours, or the helper would run itself again */
	if (oauth2_store_check(e) == -1 || oauth2_store_via_helper()) {
		if (!err_is_set(e))
			err_set(e, EX_CONFIG, "the OAuth2 token store %s is "
			    "not the helper's (owner and mode)",
			    priv_oauth2_store());
		goto out;
	}
	if (fresh)
		oauth2_cache_clear(a);
	if (oauth2_access_token(a, &s, e) == -1)
		goto out;
	if (fd_write_all(1, "token ", 6) == -1 ||
	    fd_write_all(1, s->buf, s->len) == -1 || fd_write_all(1, "\n", 1) ==
	    -1)
		err_sys(e, EX_IOERR, "stdout");
	else
		rc = 0;
out:
	secret_free(s);
	cfg_free(&cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct err e;

	/* a closed 1 or 2 must not become a store file */
	if (fcntl(1, F_GETFD) == -1 || fcntl(2, F_GETFD) == -1)
		return EX_OSERR;
	if (fcntl(0, F_GETFD) == -1 && open("/dev/null", O_RDONLY) != 0)
		return EX_OSERR;
	umask(077);
	prctl(PR_SET_DUMPABLE, 0);
	helper_env();
	err_init(&e);
	if (argc != 3 || (strcmp(argv[1], "token") != 0 &&
	    strcmp(argv[1], "refresh") != 0))
		err_set(&e, EX_USAGE, "usage: outpost-oauth2 token|refresh "
		    "ACCOUNT (run by outpost)");
	else if (!oauth2_line_name_ok(argv[2]))
		err_set(&e, EX_USAGE, "bad account name");
	else if (helper_ids(&e) == 0 && helper_limits(&e) == 0)
		(void)helper_token(strcmp(argv[1], "refresh") == 0, argv[2],
		    &e);
	if (err_is_set(&e)) {
		printf("error %d %d %s\n", e.ex, (e.flags & ERR_WAIT) != 0 ?
		    1 : 0, e.msg);
		(void)fflush(stdout);
		return e.ex;
	}
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
