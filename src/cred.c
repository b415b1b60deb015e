/*
 * cred.c - the password source chain and passwordeval.
 *
 * passwordeval runs /bin/sh -c CMD with stdin from /dev/null (a helper
 * that reads stdin must not swallow the message), no inherited fds but
 * 0-2, in its own process group, under a deadline and an output cap; only
 * the first output line counts (its "\n" and one "\r" stripped).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "child.h"
#include "cred.h"
#include "deadline.h"
#include "oauth2.h"
#include "priv.h"

static void
eval_child(const char *cmd, int out)
{
	static const int sigs[] = { SIGPIPE, SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	sigset_t none;
	size_t i;
	int null;

	/* the helper starts with a clean signal state, not ours */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1)
		_exit(126);
	close_range(3, ~0U, 0);
	setpgid(0, 0);
	priv_eval_env();
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Read the helper's output into buf until EOF, the cap or the deadline */
static int
eval_read(int fd, deadline_t d, int timeout_ms, char *buf, size_t cap,
    size_t *len, struct err *e)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;
	int w;

	*len = 0;
	for (;;) {
		w = poll(&pfd, 1, deadline_left_ms(d));
		if (w == -1 && errno == EINTR)
			continue;
		if (w == 0)
			return err_set(e, EX_TEMPFAIL, "passwordeval did not "
			    "finish within %d s", timeout_ms / 1000);
		n = read(fd, buf + *len, cap - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*len += (size_t)n;
		if (*len == cap)
			return err_set(e, EX_CONFIG, "passwordeval printed "
			    "more than %zu bytes", cap);
	}
}

/*
 * Reap the helper by the same deadline: one that closes its output but
 * goes on running is killed with its whole process group.
 */
static int
eval_status(pid_t pid, deadline_t d, int timeout_ms, struct err *e)
{
	int st, r;

	if ((r = child_wait(pid, d, true, &st)) == -1)
		return err_sys(e, EX_OSERR, "waitpid");
	if (r == 1 || err_is_set(e)) {
		if (!err_is_set(e))
			err_set(e, EX_TEMPFAIL, "passwordeval did not finish "
			    "within %d s", timeout_ms / 1000);
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		return err_set(e, WEXITSTATUS(st) == EX_TEMPFAIL ?
		    EX_TEMPFAIL : EX_CONFIG, "passwordeval exited with "
		    "status %d", WEXITSTATUS(st));
	return err_set(e, EX_CONFIG, "passwordeval killed by signal %d",
	    WTERMSIG(st));
}

int
cred_eval_run(const char *cmd, int timeout_ms, struct secret *s,
    struct err *e)
{
	char *buf, *nl;
	size_t len = 0;
	deadline_t d;
	int p[2], rc;
	pid_t pid;

	buf = malloc(CRED_EVAL_OUTPUT_MAX);
	if (buf == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(buf);
		return err_sys(e, EX_OSERR, "pipe");
	}
	pid = fork();
	if (pid == 0)
		eval_child(cmd, p[1]);
	close(p[1]);
	if (pid > 0)
		setpgid(pid, pid);	/* both sides: no race with kill */
	if (pid == -1) {
		close(p[0]);
		free(buf);
		return err_sys(e, EX_OSERR, "fork");
	}
	d = deadline_in(timeout_ms);
	rc = eval_read(p[0], d, timeout_ms, buf, CRED_EVAL_OUTPUT_MAX, &len,
	    e);
	close(p[0]);
	if (rc == -1) {
		/* the helper's whole process group */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	if (eval_status(pid, d, timeout_ms, e) == -1)
		rc = -1;
	if (rc == 0) {
		nl = memchr(buf, '\n', len);
		if (nl != NULL)
			len = (size_t)(nl - buf);
		if (len > 0 && buf[len - 1] == '\r')
			len--;
		if (len == 0)
			rc = err_set(e, EX_CONFIG, "passwordeval printed an "
			    "empty password");
		else
			rc = secret_set(s, buf, len, e);
	}
	explicit_bzero(buf, CRED_EVAL_OUTPUT_MAX);
	free(buf);
	return rc;
}

static int
cred_needed(const struct account *a)
{
	if (a->auth == SASL_WANT_OFF || a->auth == SASL_WANT_EXTERNAL)
		return 0;
	/* auth on with a client certificate: EXTERNAL may do */
	if (a->auth == SASL_WANT_ON && a->tls_cert_file != NULL)
		return 1;
	return 2;
}

/*
 * password, passwordeval and password_file are alternatives: two set is
 * a config error naming them, never a silent pick.  The number set.
 */
static int
cred_sources(const struct account *a, struct err *e)
{
	const char *set[3];
	int n = 0;

	if (a->password != NULL)
		set[n++] = "password";
	if (a->passwordeval != NULL)
		set[n++] = "passwordeval";
	if (a->password_file != NULL)
		set[n++] = "password_file";
	if (n == 3)
		return err_set(e, EX_CONFIG, "account %s: password, "
		    "passwordeval and password_file are all set; keep one",
		    a->name);
	if (n == 2)
		return err_set(e, EX_CONFIG, "account %s: both %s and %s are "
		    "set; keep one", a->name, set[0], set[1]);
	return n;
}

int
cred_get(const struct account *a, struct secret **out, struct err *e)
{
	struct secret *s;
	int need = cred_needed(a), rc, nsrc;

	*out = NULL;
	if ((nsrc = cred_sources(a, e)) == -1)
		return -1;
	if (need == 0)
		return 0;
	if (a->oauth2_token_url != NULL)
		return oauth2_access_token(a, out, e);
	if (nsrc == 0 && (!a->keyring || a->user == NULL)) {
		if (need == 1)
			return 0;
		return err_set(e, EX_CONFIG, "account %s: no password (set "
		    "password, passwordeval, password_file or keyring = on)",
		    a->name);
	}
	if ((s = secret_new(e)) == NULL)
		return -1;
	if (a->password != NULL)
		rc = secret_set(s, a->password, strlen(a->password), e);
	else if (a->passwordeval != NULL)
		rc = cred_eval_run(a->passwordeval, a->timeout * 1000, s, e);
	else if (a->password_file != NULL)
		rc = cred_file_read(a->password_file, s, e);
	else
		rc = cred_keyring_lookup(a->host, a->user, s, e);
	if (rc == -1) {
		secret_free(s);
		return -1;
	}
	*out = s;
	return 0;
}
