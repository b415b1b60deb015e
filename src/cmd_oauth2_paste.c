/*
 * cmd_oauth2_paste.c - "outpost oauth2 login --paste": the address the
 * browser ended on (http://127.0.0.1:PORT/?code=...&state=...), or the
 * bare code, read from stdin.
 *
 * One line, at most OAUTH2_REQ_MAX bytes, within OAUTH2_LOGIN_WAIT_MS
 * (poll on the descriptor: a stdin that never delivers cannot hang the
 * login).  On a terminal echo is off while it is read, as for a password:
 * the code is a credential until it is exchanged, and terminal
 * scrollback and screen recordings outlive the login.  A full address
 * must carry the login's state (checked by the caller); a bare code has
 * none, and PKCE still binds it to this login's verifier.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd_oauth2.h"
#include "deadline.h"

int
oauth2_paste_parse(const char *line, struct login_req *r, struct err *e)
{
	const char *p = line, *q, *end;
	size_t n;

	memset(r, 0, sizeof(*r));
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	n = (size_t)(end - p);
	if (n == 0)
		return err_set(e, EX_DATAERR, "nothing was pasted (the address "
		    "the browser ended on, or the code)");
	if ((q = memchr(p, '?', n)) != NULL)
		q++;
	else if (strncmp(p, "code=", 5) == 0 || strncmp(p, "error=", 6) == 0)
		q = p;
	if (q == NULL) {
		if (n >= sizeof(r->code) || memchr(p, ' ', n) != NULL ||
		    memchr(p, '&', n) != NULL)
			return err_set(e, EX_DATAERR, "the pasted text is "
			    "neither the browser's address nor a code");
		memcpy(r->code, p, n);
		r->code[n] = '\0';
		r->bare = true;
		return 0;
	}
	if (oauth2_query_get(q, "code", r->code, sizeof(r->code)) == -1 ||
	    oauth2_query_get(q, "state", r->state, sizeof(r->state)) == -1 ||
	    oauth2_query_get(q, "error", r->error, sizeof(r->error)) == -1)
		return err_set(e, EX_DATAERR, "the pasted address is "
		    "malformed (a value too long)");
	if (r->code[0] == '\0' && r->error[0] == '\0')
		return err_set(e, EX_DATAERR, "the pasted address holds no "
		    "code (copy it after the browser was sent back)");
	return 0;
}

/* Read one line from fd 0 under the deadline into buf. */
static int
paste_line(char *buf, size_t cap, struct err *e)
{
	deadline_t d = deadline_in(OAUTH2_LOGIN_WAIT_MS);
	struct pollfd pfd = { 0, POLLIN, 0 };
	size_t len = 0;
	ssize_t n;
	int w;

	while (len + 1 < cap) {
		w = poll(&pfd, 1, deadline_left_ms(d));
		if (w == -1 && errno == EINTR)
			return err_set(e, EX_TEMPFAIL, "interrupted");
		if (w == -1)
			return err_sys(e, EX_IOERR, "stdin");
		if (w == 0)
			return err_set(e, EX_TEMPFAIL, "nothing pasted within "
			    "%d minutes", OAUTH2_LOGIN_WAIT_MS / 60000);
		n = read(0, buf + len, 1);	/* up to the newline only */
		if (n == -1 && errno == EINTR)
			return err_set(e, EX_TEMPFAIL, "interrupted");
		if (n == -1)
			return err_sys(e, EX_IOERR, "stdin");
		if (n == 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	if (len + 1 >= cap)
		return err_set(e, EX_DATAERR, "pasted line longer than %zu "
		    "bytes", cap - 1);
	return 0;
}

/*
 * The caller has turned echo off (prompt_quiet) before it printed the
 * address and the prompt, so nothing pasted once they showed is lost.
 */
int
oauth2_paste_read(struct login_req *r, struct err *e)
{
	char line[OAUTH2_REQ_MAX];
	int rc;

	rc = paste_line(line, sizeof(line), e);
	if (rc == 0)
		rc = oauth2_paste_parse(line, r, e);
	explicit_bzero(line, sizeof(line));
	return rc;
}
