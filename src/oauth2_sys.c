/*
 * oauth2_sys.c - a system account's access token, from outpost-oauth2
 * (src/oauth2_helper.c; outpost(8), SECURITY).
 *
 * The helper is setuid and setgid to the token store's owner and mode
 * 6750: only root, that user and group outpost may run it.  The setgid
 * outpost is in group outpost only until it drops the group, so it asks
 * for the token of the account in use (and of its fallback) before that
 * (oauth2_sys_prefetch, from priv_ready) and keeps the answer - the
 * token, or the failure to report when a token is needed.  Root and the
 * runner may run it at any time.
 *
 * The helper gets the verb and the account name as argv, /dev/null as
 * stdin and stderr, an empty environment (test builds: the test sysroot
 * only) and no other descriptor; on stdout it answers one line, "token
 * TOKEN" or "error EXIT WAIT MESSAGE", by a deadline (below).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"
#include "log.h"
#include "oauth2.h"
#include "priv.h"

/*
 * outpost cannot kill a helper that runs as another user, so the helper
 * must end by itself first: it waits at most OAUTH2_STORE_LOCK_MS for
 * the lock and the account's timeout for its one token request; the
 * deadline here is that and SYS_SLACK_MS more.
 */
#define SYS_SLACK_MS	10000
#define SYS_OUT_MAX	(SECRET_MAX + ERR_MSG_MAX + 64)	/* one answer */
#define SYS_KEEP_MAX	4	/* accounts prefetched: in use, fallback */

/* What the helper said for an account while the group was held. */
static struct {
	char		 name[OAUTH2_LINE_NAME_MAX + 1];
	struct secret	*tok;	/* NULL: err says why */
	struct err	 err;
} keep[SYS_KEEP_MAX];
static size_t nkeep;

static void
sys_child(const char *verb, const char *name, int out)
{
	char *argv[] = { "outpost-oauth2", NULL, NULL, NULL };
	char *envp[2] = { NULL, NULL };
	int null;
#ifdef OUTPOST_TEST_HOOKS
	static char root[PATH_MAX + 32];
	const char *r = getenv("OUTPOST_TEST_SYSROOT");

	if (r != NULL) {
		snprintf(root, sizeof(root), "OUTPOST_TEST_SYSROOT=%s", r);
		envp[0] = root;
	}
#endif
	argv[1] = (char *)verb;
	argv[2] = (char *)name;
	null = open("/dev/null", O_RDWR);
	if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1 ||
	    dup2(null, 2) == -1)
		_exit(EX_OSERR);
	close_range(3, ~0U, 0);
	execve(priv_path(PRIV_PATH_TOKEN_HELPER), argv, envp);
	_exit(126);
}

/* The helper's answer into buf, by the deadline. */
static int
sys_read(int fd, deadline_t d, int ms, char *buf, size_t cap,
    struct err *e)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t n;
	int w;

	for (;;) {
		w = poll(&p, 1, deadline_left_ms(d));
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(e, EX_TEMPFAIL, "OAuth2 token helper: "
			    "no answer within %d s", ms / 1000);
		n = read(fd, buf + got, cap - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((got += (size_t)n) == cap - 1)
			break;
	}
	buf[got] = '\0';
	return 0;
}

/* Run the helper once: verb ("token" or "refresh") for account name. */
static int
sys_run(const char *verb, const struct account *a, struct secret *out,
    struct err *e)
{
	int ms = OAUTH2_STORE_LOCK_MS + a->timeout * 1000 + SYS_SLACK_MS;
	deadline_t d = deadline_in(ms);
	const char *name = a->name;
	char *buf;
	int p[2], st, rc;
	pid_t pid;

	if (!oauth2_line_name_ok(name))
		return err_set(e, EX_CONFIG, "account %s: the token store "
		    "takes names of at most %d letters, digits, '.', '_' and "
		    "'-'", name, OAUTH2_LINE_NAME_MAX);
	if ((buf = malloc(SYS_OUT_MAX)) == NULL)
		return err_sys(e, EX_TEMPFAIL, "out of memory");
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(buf);
		return err_sys(e, EX_TEMPFAIL, "pipe");
	}
	if ((pid = fork()) == 0)
		sys_child(verb, name, p[1]);
	close(p[1]);
	if (pid == -1) {
		close(p[0]);
		free(buf);
		return err_sys(e, EX_TEMPFAIL, "fork");
	}
	rc = sys_read(p[0], d, ms, buf, SYS_OUT_MAX, e);
	close(p[0]);
	if (child_wait(pid, d, false, &st) != 0 && rc == 0)
		rc = err_set(e, EX_TEMPFAIL, "OAuth2 token helper: no answer "
		    "within %d s", ms / 1000);
	if (rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 126)
		rc = err_set(e, EX_TEMPFAIL, "account %s: cannot run the "
		    "OAuth2 token helper %s (only root, the queue's user and "
		    "outpost before it gives up its group may)", name,
		    priv_path(PRIV_PATH_TOKEN_HELPER));
	if (rc == 0)
		rc = oauth2_line_parse(buf, name, out, e);
	if (rc == -1 && e->ex == EX_TEMPFAIL)
		e->flags |= ERR_WAIT;	/* the runner may fare better */
	explicit_bzero(buf, SYS_OUT_MAX);
	free(buf);
	return rc;
}

void
oauth2_sys_prefetch(const struct account *a)
{
	struct secret *s;
	size_t i;

	if (a->oauth2_token_url == NULL || !oauth2_store_via_helper() ||
	    nkeep == SYS_KEEP_MAX)
		return;
	for (i = 0; i < nkeep; i++)
		if (strcmp(keep[i].name, a->name) == 0)
			return;
	err_init(&keep[nkeep].err);
	snprintf(keep[nkeep].name, sizeof(keep[nkeep].name), "%s", a->name);
	if ((s = secret_new(&keep[nkeep].err)) != NULL &&
	    sys_run("token", a, s, &keep[nkeep].err) == -1) {
		secret_free(s);
		s = NULL;
	}
	keep[nkeep++].tok = s;
}

int
oauth2_sys_token(const struct account *a, bool fresh, struct secret *out,
    struct err *e)
{
	size_t i;

	for (i = 0; i < nkeep && !fresh; i++) {
		if (strcmp(keep[i].name, a->name) != 0)
			continue;
		if (keep[i].tok == NULL) {
			*e = keep[i].err;
			return -1;
		}
		/* kept for -bs: its next message may not run the helper */
		memcpy(out->buf, keep[i].tok->buf, keep[i].tok->len + 1);
		out->len = keep[i].tok->len;
		return 0;
	}
	log_debug("account %s: asking %s for the OAuth2 access token",
	    a->name, priv_path(PRIV_PATH_TOKEN_HELPER));
	return sys_run(fresh ? "refresh" : "token", a, out, e);
}
