/*
 * setup_cmd.c - the questions setup asks, and the proof after the
 * account is written: doctor --auth through the account as written
 * (cmd_doctor, the same code a user runs later), then optionally a test
 * message to the address itself, sent by a child outpost reading the
 * new config, under one deadline.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "child.h"
#include "cmd.h"
#include "deadline.h"
#include "doctor.h"
#include "fdio.h"
#include "setup_cmd.h"

bool
setup_ask(const char *question, bool dflt)
{
	char answer[SETUP_ANSWER_MAX];

	fprintf(stderr, "%s [%s] ", question, dflt ? "Y/n" : "y/N");
	fflush(stderr);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return dflt;
	if (answer[0] == 'y' || answer[0] == 'Y')
		return true;
	if (answer[0] == 'n' || answer[0] == 'N')
		return false;
	return dflt;
}

bool
setup_oauth2_only(const char *preset)
{
	return preset != NULL && (strcmp(preset, "outlook") == 0 ||
	    strcmp(preset, "microsoft365") == 0);
}

void
setup_found_json(FILE *out, const struct setup_found *f)
{
	size_t i;

	fprintf(out, "{\n  \"version\": 1,\n  \"source\": \"%s\",\n"
	    "  \"provider\": %s%s%s,\n  \"servers\": [", f->source,
	    f->preset != NULL ? "\"" : "", f->preset != NULL ? f->preset :
	    "null", f->preset != NULL ? "\"" : "");
	for (i = 0; i < f->nsrv; i++)
		fprintf(out, "%s\n    { \"host\": \"%s\", \"port\": %d, "
		    "\"tls\": \"%s\", \"auth\": %s, \"oauth2\": %s, "
		    "\"foreign\": %s }", i > 0 ? "," : "", f->srv[i].host,
		    f->srv[i].port, doctor_tls_word(f->srv[i].tls),
		    f->srv[i].auth ? "true" : "false",
		    f->srv[i].oauth2 ? "true" : "false",
		    f->srv[i].foreign ? "true" : "false");
	fprintf(out, "\n  ]\n}\n");
}

/* doctor --auth -a NAME -C CONFIG, its report on fd 1 or 2. */
static int
setup_doctor(const struct setup_account *a, bool json, struct err *e)
{
	char *argv[] = { (char *)"doctor", (char *)"--auth", (char *)"-a",
	    (char *)a->name, (char *)"-C", (char *)a->config, NULL };
	int saved = -1, rc;

	fflush(stdout);
	if (json && ((saved = dup(1)) == -1 || dup2(2, 1) == -1))
		return err_sys(e, EX_OSERR, "dup");
	rc = cmd_doctor(6, argv, e);
	fflush(stdout);
	if (saved != -1) {
		dup2(saved, 1);
		close(saved);
	}
	return rc;
}

/* The child: outpost -C CONFIG -a NAME -- ADDRESS, stdin the pipe. */
static void
setup_exec_send(const struct setup_account *a, int in)
{
	char *argv[] = { (char *)"outpost", (char *)"-C", (char *)a->config,
	    (char *)"-a", (char *)a->name, (char *)"--", (char *)a->addr,
	    NULL };

	if (dup2(in, 0) == -1)
		_exit(EX_OSERR);
	dup2(2, 1);
	execv("/proc/self/exe", argv);
	_exit(EX_OSERR);
}

static int
setup_send(const struct setup_account *a, struct err *e)
{
	char msg[SETUP_ADDR_MAX * 2 + 256];
	int fds[2], status, n;
	pid_t pid;

	n = snprintf(msg, sizeof(msg), "From: %s\nTo: %s\nSubject: outpost "
	    "setup: test message\n\nThis message was sent by outpost setup "
	    "to check the account %s.\n", a->addr, a->addr, a->name);
	if (pipe(fds) == -1)
		return err_sys(e, EX_OSERR, "pipe");
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return err_sys(e, EX_OSERR, "fork");
	}
	if (pid == 0) {
		close(fds[1]);
		setup_exec_send(a, fds[0]);
	}
	close(fds[0]);
	(void)fd_write_all(fds[1], msg, (size_t)n);
	close(fds[1]);
	if (child_wait(pid, deadline_in(SETUP_SEND_MS), false, &status) != 0)
		return err_set(e, EX_TEMPFAIL, "setup: the test message took "
		    "longer than %d s", SETUP_SEND_MS / 1000);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, WIFEXITED(status) && WEXITSTATUS(status) !=
		    0 ? WEXITSTATUS(status) : EX_SOFTWARE, "setup: the test "
		    "message was not sent (the account is written; see "
		    "above)");
	fprintf(stderr, "test message sent to %s\n", a->addr);
	return 0;
}

int
setup_prove(const struct setup_account *a, bool json, bool test,
    struct err *e)
{
	char hint[SETUP_HINT_MAX];

	if (a->oauth2) {
		setup_oauth2_hint(a, hint, sizeof(hint));
		fprintf(stderr, "%s\n", hint);
		return 1;
	}
	if (setup_doctor(a, json, e) == -1)
		return -1;
	return test ? setup_send(a, e) : 0;
}
