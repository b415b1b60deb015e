/*
 * prompt.c - the one place that turns terminal echo off and on again.
 *
 * The order matters: echo goes off (discarding typeahead) before the
 * prompt is printed, as getpass(3) does.  Printing first leaves a window
 * in which a fast typist's, a password manager's or a script's answer
 * arrives and is then thrown away by the switch, and the program waits
 * for a line that was already given.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "prompt.h"

static const int prompt_sigs[PROMPT_SIGS] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT
};
static volatile sig_atomic_t prompt_got_signal;

static void
prompt_on_signal(int sig)
{
	(void)sig;
	prompt_got_signal = 1;	/* read() returns EINTR: no SA_RESTART */
}

void
prompt_quiet(struct prompt_tty *q)
{
	struct sigaction sa;
	struct termios t;
	size_t i;

	memset(q, 0, sizeof(*q));
	prompt_got_signal = 0;
	if (!isatty(0) || tcgetattr(0, &q->saved) == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = prompt_on_signal;
	for (i = 0; i < PROMPT_SIGS; i++)
		sigaction(prompt_sigs[i], &sa, &q->old[i]);
	t = q->saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	t.c_lflag |= ICANON;
	if (tcsetattr(0, TCSAFLUSH, &t) == 0) {
		q->on = true;
		return;
	}
	for (i = 0; i < PROMPT_SIGS; i++)	/* echo stays on: no prompt */
		sigaction(prompt_sigs[i], &q->old[i], NULL);
}

void
prompt_restore(struct prompt_tty *q, FILE *out)
{
	size_t i;

	if (!q->on)
		return;
	(void)tcsetattr(0, TCSANOW, &q->saved);
	for (i = 0; i < PROMPT_SIGS; i++)
		sigaction(prompt_sigs[i], &q->old[i], NULL);
	fputc('\n', out);
	fflush(out);
	q->on = false;
}

bool
prompt_interrupted(void)
{
	return prompt_got_signal != 0;
}

int
prompt_secret_line(int fd, struct secret *s, struct err *e)
{
	ssize_t n;
	char c;

	s->len = 0;
	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR && prompt_interrupted())
			return err_set(e, EX_TEMPFAIL, "interrupted: nothing "
			    "stored");
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_sys(e, EX_IOERR, "reading the password");
		if (n == 0 || c == '\n')
			break;
		if (s->len == SECRET_MAX)
			return err_set(e, EX_DATAERR, "password longer than "
			    "%d bytes", SECRET_MAX);
		if (c == '\0')
			return err_set(e, EX_DATAERR, "password contains a "
			    "NUL byte");
		s->buf[s->len++] = c;
	}
	if (s->len > 0 && s->buf[s->len - 1] == '\r')
		s->len--;
	s->buf[s->len] = '\0';
	if (s->len == 0)
		return err_set(e, EX_DATAERR, "empty password: nothing "
		    "stored");
	return 0;
}

int
prompt_secret(const char *prompt, struct secret *s, struct err *e)
{
	struct prompt_tty q;
	int rc;

	prompt_quiet(&q);
	if (!q.on)
		return err_set(e, EX_USAGE, "no terminal to ask for the "
		    "password on (or its echo cannot be turned off)");
	fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
	rc = prompt_secret_line(0, s, e);
	prompt_restore(&q, stderr);
	return rc;
}
