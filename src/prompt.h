/*
 * prompt.h - asking on the terminal for something that must not be
 * echoed (a password, a pasted OAuth2 code), and reading a secret's line
 * (prompt.c).
 */
#ifndef OUTPOST_PROMPT_H
#define OUTPOST_PROMPT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <termios.h>

#include "err.h"
#include "secret.h"

#define PROMPT_SIGS	4	/* INT, TERM, HUP, QUIT */

struct prompt_tty {
	bool		 on;		/* stdin is a terminal, echo is off */
	struct termios	 saved;
	struct sigaction old[PROMPT_SIGS];
};

/*
 * Echo off on stdin when it is a terminal.  Call it before the prompt is
 * printed: switching discards typeahead (TCSAFLUSH), which must never
 * eat what was typed once the prompt showed.  Until prompt_restore, the
 * signals above interrupt a read (EINTR) instead of killing the process
 * with the terminal left silent.
 */
void	prompt_quiet(struct prompt_tty *);
/* The terminal as it was, and the newline it did not echo, on out. */
void	prompt_restore(struct prompt_tty *, FILE *out);
/* Whether one of those signals came since prompt_quiet. */
bool	prompt_interrupted(void);
/* Echo off, prompt and ": " on stderr, one line into s (terminal only). */
int	prompt_secret(const char *prompt, struct secret *s, struct err *);
/*
 * One line from fd into s: up to "\n" or EOF, a "\r" before it dropped;
 * byte by byte, so nothing behind the line is consumed.  Empty, longer
 * than SECRET_MAX or holding a NUL: -1 with e (65); interrupted: 75.
 */
int	prompt_secret_line(int fd, struct secret *s, struct err *);

#endif
