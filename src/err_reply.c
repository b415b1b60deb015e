/*
 * err_reply.c - SMTP reply -> exit code, as a table (outpost(8), EXIT
 * STATUS, says what each code means to a caller).
 *
 * The first digit of the reply decides temporary (4xx: 75) or permanent;
 * for a permanent reply the command and the enhanced code refine the
 * class.  t-err walks every row.  A reply that hint.c knows gets its
 * hint appended to the one-line message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"
#include "hint.h"
#include "reply.h"

#define ERR_REPLY_TEXT_HINTED	100	/* reply text bytes beside a hint */

/* Permanent replies: command, enhanced-code prefix -> exit code. */
static const struct {
	enum err_cmd	 cmd;		/* ERR_CMD_OTHER: any command */
	const char	*enh;		/* enhanced code prefix, "" any */
	int		 ex;
} err_perm_table[] = {
	{ ERR_CMD_AUTH,		"",		EX_NOPERM },
	{ ERR_CMD_MAIL,		"5.7.",		EX_NOPERM },
	{ ERR_CMD_MAIL,		"5.3.4",	EX_DATAERR },
	{ ERR_CMD_DOT,		"5.3.4",	EX_DATAERR },
	{ ERR_CMD_OTHER,	"5.6.",		EX_DATAERR },
	{ ERR_CMD_RCPT,		"5.1.",		EX_NOUSER },
};

int
err_reply_code(enum err_cmd cmd, int code, const char *enh)
{
	size_t i, n;

	if (code >= 400 && code < 500)
		return EX_TEMPFAIL;
	if (code < 500 || code > 599)
		return EX_PROTOCOL;
	if (enh == NULL || enh[0] != '5')
		enh = "";
	for (i = 0; i < sizeof(err_perm_table) / sizeof(err_perm_table[0]);
	    i++) {
		n = strlen(err_perm_table[i].enh);
		if (err_perm_table[i].cmd != ERR_CMD_OTHER &&
		    err_perm_table[i].cmd != cmd)
			continue;
		if (strncmp(enh, err_perm_table[i].enh, n) == 0)
			return err_perm_table[i].ex;
	}
	/* RFC 6409 4.3: 530 at MAIL means authentication is required. */
	if (cmd == ERR_CMD_MAIL && (code == 530 || code == 534 ||
	    code == 535 || code == 538))
		return EX_NOPERM;
	/* RFC 5321 4.5.3.1.10: a 552 to RCPT is "too many recipients" */
	if (cmd == ERR_CMD_RCPT && code == 552)
		return EX_TEMPFAIL;
	if (code == 552 && (cmd == ERR_CMD_MAIL || cmd == ERR_CMD_DOT))
		return EX_DATAERR;
	return EX_UNAVAILABLE;
}

int
err_reply(struct err *e, enum err_cmd cmd, const char *what,
    const struct reply *r)
{
	const char *hint;
	int ex;

	if (e->ex != 0)
		return -1;
	ex = err_reply_code(cmd, r->code, r->enh);
	hint = hint_for(r->code, r->enh, reply_first_text(r));
	/* with a hint the reply text is cut so that the hint fits */
	err_set(e, ex, "%s: %d%s%s %.*s%s%s", what, r->code,
	    r->enh[0] != '\0' ? " " : "", r->enh, hint != NULL ?
	    ERR_REPLY_TEXT_HINTED : ERR_MSG_MAX, reply_first_text(r),
	    hint != NULL ? " - hint: " : "", hint != NULL ? hint : "");
	e->reply = r->code;
	snprintf(e->enh, sizeof(e->enh), "%s", r->enh);
	return -1;
}
