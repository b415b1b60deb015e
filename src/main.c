/*
 * main.c - outpost: the command line, process and privilege set-up, the
 * subcommands, and the only exit() with its code.  What a mode does is
 * job.c's (a send, -bs, the queue) or a cmd_*.c file's (a subcommand);
 * doc/architecture.md maps the rest.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "cli_cmd.h"
#include "cmd.h"
#include "cmd_import.h"
#include "cmd_password.h"
#include "err.h"
#include "esc.h"
#include "job.h"
#include "log.h"
#include "priv.h"
#include "sig.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

/*
 * A daemon may start us with 0, 1 or 2 closed: the spool would take that
 * number and stderr writes would land in the message.
 */
static void
fds_ensure(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EX_OSERR);
}

static void
process_setup(void)
{
	struct rlimit rl = { 0, 0 };

	fds_ensure();
	sig_setup();
	umask(077);
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &rl);
}

/* What the caller should know beyond the failure itself. */
static const char *
err_hint(const struct opts *o, const struct job_result *r,
    const struct err *e)
{
	static char buf[ERR_MSG_MAX + 64];

	if (r->queue_fail[0] != '\0') {
		snprintf(buf, sizeof(buf), " (not delivered, and not queued: "
		    "%s)", r->queue_fail);
		return buf;
	}
	if (e->flags & ERR_DUP_RISK)
		return " (the server may have taken the message for some or "
		    "all recipients: a retry can deliver a duplicate)";
	if (e->ex != EX_TEMPFAIL || o->mode != CLI_MODE_SEND)
		return "";
	return " (not delivered, not queued: try again later)";
}

int
main(int argc, char **argv)
{
	char esc[ESC_MAX(ERR_MSG_MAX)];
	struct cli_call sc;
	struct job_result r;
	struct opts o;
	struct err e;
	int sub;

	process_setup();
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	err_init(&e);
	if ((sub = cli_cmd_find(argc, argv, &sc, &e)) == 1) {
		log_set_verbose(sc.verbose);
		if (priv_init(NULL, &e) == 0)
			sc.run(sc.argc, sc.argv, &e);
	} else if (sub == 0 && cli_parse(argc, argv, &o, &e) == 0 &&
	    priv_init(&o, &e) == 0) {
		log_set_verbose(o.verbose);
		switch (o.mode) {
		case CLI_MODE_VERSION:
			printf("outpost %s\n", PACKAGE_VERSION);
			break;
		case CLI_MODE_HELP:
			cli_usage(stdout);
			break;
		case CLI_MODE_QUEUE_LIST:
		case CLI_MODE_QUEUE_RUN:
		case CLI_MODE_QUEUE_DROP:
			job_queue_mode(&o, &e);
			break;
		case CLI_MODE_SEND:
			job_send(&o, NULL, STDIN_FILENO, &r, &e);
			break;
		case CLI_MODE_SMTP:
			job_bs(&o, &e);
			break;
		}
	}
	/* a split message partly queued: the caller must know (75) */
	if (!err_is_set(&e) && r.split[0] != '\0') {
		fprintf(stderr, "outpost: %s\n", r.split);
		return EX_TEMPFAIL;
	}
	if (err_is_set(&e)) {
		/* the text may quote callers and servers: escaped */
		fprintf(stderr, "outpost: %s%s\n", esc_str(e.msg, esc,
		    sizeof(esc)), sub == 0 ? err_hint(&o, &r, &e) : "");
		return e.ex;
	}
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
