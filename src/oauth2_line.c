/*
 * oauth2_line.c - the one-line protocol between outpost and
 * outpost-oauth2 (oauth2_sys.c, oauth2_helper.c), pure: which account
 * names the helper takes, and its answer read back.
 *
 * The answer is "token TOKEN\n" or "error EXIT WAIT MESSAGE\n" (WAIT 1:
 * the message may wait in the queue).  The helper runs with other ids
 * than its caller; the caller still trusts nothing but that format: an
 * exit code outside sysexits becomes 75, a token longer than SECRET_MAX
 * or anything else is a bad answer (75).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "oauth2.h"

bool
oauth2_line_name_ok(const char *name)
{
	size_t n = strlen(name);

	/* a file name in the store, never "..", a path or an option */
	return n > 0 && n <= OAUTH2_LINE_NAME_MAX && strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n && name[0] != '.' && name[0] != '-';
}

int
oauth2_line_parse(char *buf, const char *name, struct secret *out,
    struct err *e)
{
	char *nl = strchr(buf, '\n'), *end;
	long ex, wait;
	size_t n;

	if (nl == NULL)
		return err_set(e, EX_TEMPFAIL, "OAuth2 token helper: no answer "
		    "for account %s", name);
	*nl = '\0';
	if (strncmp(buf, "token ", 6) == 0) {
		n = strlen(buf + 6);
		if (n == 0 || n > SECRET_MAX || strchr(buf + 6, ' ') != NULL)
			return err_set(e, EX_TEMPFAIL, "OAuth2 token helper: "
			    "a bad token for account %s", name);
		memcpy(out->buf, buf + 6, n + 1);
		out->len = n;
		return 0;
	}
	if (strncmp(buf, "error ", 6) != 0)
		return err_set(e, EX_TEMPFAIL, "OAuth2 token helper: a bad "
		    "answer for account %s", name);
	ex = strtol(buf + 6, &end, 10);
	if (end == buf + 6 || *end != ' ' || ex < EX__BASE || ex > EX__MAX)
		ex = EX_TEMPFAIL;
	wait = *end == ' ' ? strtol(end + 1, &end, 10) : 0;
	err_set(e, (int)ex, "%s", *end == ' ' && end[1] != '\0' ? end + 1 :
	    "OAuth2 token helper failed");
	if (wait == 1)
		e->flags |= ERR_WAIT;
	return -1;
}
