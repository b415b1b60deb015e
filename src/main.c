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
#include "cmd.h"
#include "cmd_import.h"
#include "cmd_password.h"
#include "err.h"
#include "job.h"
#include "log.h"
#include "priv.h"
#include "sig.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

/* "outpost NAME ...": a row per subcommand, the file says cmd_NAME. */
static const struct subcmd {
	const char	*name;
	cmd_fn		*run;
} subcmds[] = {
	{ "oauth2", cmd_oauth2 },
	{ "password", cmd_password },
	{ "import-msmtprc", cmd_import_msmtprc },
	{ "doctor", cmd_doctor },
	{ "providers", cmd_providers },
	{ NULL, NULL }
};

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

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: outpost [-t] [-i] [-f sender] [-F name] [-a account] "
	    "[-C config] [-v] [--] [recipient ...] < message\n"
	    "       outpost -bp | mailq        list the queue\n"
	    "       outpost -q [--flush] [--id ID]  run the queue\n"
	    "       outpost --drop ID          remove a queued message\n"
	    "       outpost import-msmtprc [FILE]  print ~/.msmtprc as "
	    "outpost config\n"
	    "       outpost -V | --version\n"
	    "See outpost(8) and outpost.conf(5).\n");
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

static const struct subcmd *
subcmd_find(int argc, char **argv)
{
	const struct subcmd *sc;

	if (argc < 2)
		return NULL;
	for (sc = subcmds; sc->name != NULL; sc++)
		if (strcmp(argv[1], sc->name) == 0)
			return sc;
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct subcmd *sc;
	struct job_result r;
	struct opts o;
	struct err e;

	process_setup();
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	err_init(&e);
	if ((sc = subcmd_find(argc, argv)) != NULL) {
		if (priv_init(NULL, &e) == 0)
			sc->run(argc - 1, argv + 1, &e);
	} else if (cli_parse(argc, argv, &o, &e) == 0 &&
	    priv_init(&o, &e) == 0) {
		log_set_verbose(o.verbose);
		switch (o.mode) {
		case CLI_MODE_VERSION:
			printf("outpost %s\n", PACKAGE_VERSION);
			break;
		case CLI_MODE_HELP:
			usage(stdout);
			break;
		case CLI_MODE_QUEUE_LIST:
		case CLI_MODE_QUEUE_RUN:
		case CLI_MODE_QUEUE_DROP:
			job_queue_mode(&o, &e);
			break;
		case CLI_MODE_SEND:
			job_send(&o, STDIN_FILENO, &r, &e);
			break;
		case CLI_MODE_SMTP:
			job_bs(&o, &e);
			break;
		}
	}
	if (err_is_set(&e)) {
		fprintf(stderr, "outpost: %s%s\n", e.msg,
		    sc == NULL ? err_hint(&o, &r, &e) : "");
		return e.ex;
	}
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}
