/*
 * err.h - the one error type of outpost.
 *
 * Every function that can fail returns -1 (or NULL) and fills a struct err.
 * The class (a sysexits code) is decided where the failure is understood;
 * the first error set wins, so a failing QUIT cannot hide the real cause.
 * msg is one line, sanitised (control bytes become '?'), never a secret.
 */
#ifndef OUTPOST_ERR_H
#define OUTPOST_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX	384
#define ERR_ENH_MAX	16

/* flags */
#define ERR_DUP_RISK	0x1	/* failed after the final dot was sent */
#define ERR_RESOLVE	0x2	/* the host name could not be resolved */
#define ERR_HOLD	0x4	/* not tried (hold = on): queue it as due */
#define ERR_AUTH	0x8	/* the server refused AUTH */
#define ERR_AUTH_TOKEN	0x100	/* the server refused an OAuth2 token */
/*
 * A credential that fails for now in a way the message can wait out in
 * the queue: the OAuth2 token endpoint refused the refresh token (someone
 * logs in again) or could not be reached.  Other credential failures are
 * never queued (submit.c).
 */
#define ERR_WAIT	0x200

struct reply;

struct err {
	int		 ex;		/* sysexits code; 0 while unset */
	int		 reply;		/* SMTP reply code, 0 if none */
	char		 enh[ERR_ENH_MAX]; /* enhanced code "5.1.1" or "" */
	unsigned	 flags;
	unsigned	 retry_after;	/* seconds an API asked us to wait */
	char		 msg[ERR_MSG_MAX];
};

/* Which command a reply answered: decides the exit code of a 5xx. */
enum err_cmd {
	ERR_CMD_GREETING,
	ERR_CMD_EHLO,
	ERR_CMD_STARTTLS,
	ERR_CMD_AUTH,
	ERR_CMD_MAIL,
	ERR_CMD_RCPT,
	ERR_CMD_DATA,
	ERR_CMD_DOT,
	ERR_CMD_OTHER
};

void	err_init(struct err *);
int	err_set(struct err *, int ex, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	err_sys(struct err *, int ex, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Map a final reply to an exit code and a message naming the command. */
int	err_reply(struct err *, enum err_cmd, const char *what,
	    const struct reply *);
/* The exit code alone, for the table test. */
int	err_reply_code(enum err_cmd, int code, const char *enh);
/* Copy src into dst (size n), replacing bytes < 0x20 (but TAB) and 0x7f. */
void	err_sanitize(char *dst, size_t n, const char *src, size_t len);
int	err_is_set(const struct err *);

#endif
