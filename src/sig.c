/*
 * sig.c - the signal policy (sig.h).  The handler only reads and writes
 * sig_atomic_t state and calls _exit(), both async-signal-safe.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "sig.h"

enum { SIG_EXIT_TEMP = 0, SIG_EXIT_OK, SIG_STOP };

static volatile sig_atomic_t sig_mode;
static volatile sig_atomic_t sig_seen;

static void
sig_on_term(int sig)
{
	(void)sig;
	if (sig_mode == SIG_STOP) {
		sig_seen = 1;
		return;
	}
	_exit(sig_mode == SIG_EXIT_OK ? EX_OK : EX_TEMPFAIL);
}

void
sig_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* no SA_RESTART: a wait in poll() sees EINTR and checks again */
	sa.sa_handler = sig_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
sig_committed(void)
{
	if (sig_mode != SIG_STOP)
		sig_mode = SIG_EXIT_OK;
}

void
sig_uncommitted(void)
{
	if (sig_mode != SIG_STOP)
		sig_mode = SIG_EXIT_TEMP;
}

void
sig_graceful(void)
{
	sig_mode = SIG_STOP;
}

bool
sig_stopping(void)
{
	return sig_seen != 0;
}
