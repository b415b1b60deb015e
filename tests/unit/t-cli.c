/*
 * t-cli.c - the sendmail command line: one row per form, flag and caller.
 *
 * Each row is an argv and the expected result as one canonical string:
 * either the struct opts fields that matter for delivery, or "64: " and a
 * part of the error message.  An ignored option must leave the string
 * exactly as without it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_cmd.h"
#include "tap.h"

#define MAX_ARGS	16
#define SUMMARY_MAX	512

static const struct row {
	const char	*argv[MAX_ARGS];	/* argv[0] first, NULL last */
	const char	*want;
} rows[] = {
	/* plain forms */
	{ { "sendmail", "bob@x", NULL }, "send rcpts=bob@x" },
	{ { "outpost", "a@x", "b@y", NULL }, "send rcpts=a@x,b@y" },
	{ { "/usr/sbin/sendmail", "-t", NULL }, "send t" },
	{ { "sendmail", "-t", "extra@x", NULL }, "send t rcpts=extra@x" },
	{ { "sendmail", "-i", "b@x", NULL }, "send i rcpts=b@x" },
	{ { "sendmail", "-oi", "b@x", NULL }, "send i rcpts=b@x" },
	{ { "sendmail", "-o", "i", "b@x", NULL }, "send i rcpts=b@x" },
	{ { "sendmail", "-ti", NULL }, "send t i" },
	{ { "sendmail", "-fa@x", "b@x", NULL }, "send f=a@x rcpts=b@x" },
	{ { "sendmail", "-f", "a@x", "b@x", NULL }, "send f=a@x rcpts=b@x" },
	{ { "sendmail", "-r", "a@x", "b@x", NULL }, "send f=a@x rcpts=b@x" },
	{ { "sendmail", "-ra@x", "b@x", NULL }, "send f=a@x rcpts=b@x" },
	{ { "sendmail", "-f", "a@x", "-r", "c@x", "b@x", NULL },
	    "send f=c@x rcpts=b@x" },
	{ { "sendmail", "-FJo Ann", "b@x", NULL }, "send F=Jo Ann rcpts=b@x" },
	{ { "sendmail", "-F", "Jo Ann", "b@x", NULL },
	    "send F=Jo Ann rcpts=b@x" },
	{ { "sendmail", "-a", "work", "b@x", NULL }, "send a=work rcpts=b@x" },
	{ { "sendmail", "-awork", "b@x", NULL }, "send a=work rcpts=b@x" },
	{ { "sendmail", "-C", "/dev/fd/3", "b@x", NULL },
	    "send C=/dev/fd/3 rcpts=b@x" },
	{ { "sendmail", "-C/tmp/c", "b@x", NULL }, "send C=/tmp/c rcpts=b@x" },
	{ { "sendmail", "-v", "b@x", NULL }, "send v=1 rcpts=b@x" },
	{ { "sendmail", "-v", "-vv", "b@x", NULL }, "send v=3 rcpts=b@x" },
	/* modes */
	{ { "outpost", "-V", NULL }, "version" },
	{ { "outpost", "--version", NULL }, "version" },
	{ { "outpost", "--help", NULL }, "help" },
	{ { "outpost", "-h", NULL }, "help" },
	{ { "sendmail", "-h", NULL }, "help" },
	{ { "outpost", "-V", "-h", NULL }, "64: -h conflicts" },
	{ { "outpost", "-q", NULL }, "queue-run" },
	{ { "outpost", "-q30m", NULL },
	    "64: -q30m: outpost runs no queue daemon" },
	{ { "outpost", "-bp", NULL }, "queue-list" },
	{ { "outpost", "-b", "p", NULL }, "queue-list" },
	{ { "/usr/bin/mailq", NULL }, "queue-list" },
	{ { "mailq", "-bp", NULL }, "queue-list" },
	{ { "mailq", "-q", NULL }, "64: -q conflicts" },
	{ { "newaliases", NULL }, "64: newaliases is not supported" },
	{ { "/usr/bin/newaliases", NULL }, "64: newaliases is not supported" },
	{ { "outpost", "-bm", "b@x", NULL }, "send rcpts=b@x" },
	{ { "outpost", "-bs", NULL }, "smtp" },
	{ { "outpost", "-bs", "-bp", NULL }, "64: -bp conflicts" },
	{ { "outpost", "-bd", NULL },
	    "64: -bd (daemon mode) is not supported" },
	{ { "outpost", "-bi", NULL },
	    "64: -bi (initialise the aliases database)" },
	{ { "outpost", "-bt", NULL }, "64: -bt (address test mode)" },
	{ { "outpost", "-bv", "b@x", NULL }, "64: -bv (verify addresses)" },
	{ { "outpost", "-bz", NULL }, "64: unknown mode -bz" },
	{ { "outpost", "-V", "--help", NULL }, "64: --help conflicts" },
	/* accepted and ignored: delivery fields unchanged */
	{ { "sendmail", "-Vabc123", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oem", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oep", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oeq", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oew", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-odi", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-odb", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-odq", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oQ/var/spool/mqueue", "b@x", NULL },
	    "send rcpts=b@x" },
	{ { "sendmail", "-om", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oo", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-os", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-ow", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-oXanything", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-o", "em", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-B8BITMIME", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-B", "8BITMIME", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-N", "never", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-Nsuccess,failure", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-R", "hdrs", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-L", "tag", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-O", "DeliveryMode=b", "b@x", NULL },
	    "send rcpts=b@x" },
	{ { "sendmail", "-Am", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-A", "c", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-G", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-h", "17", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-m", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-n", "b@x", NULL }, "send rcpts=b@x" },
	{ { "sendmail", "-U", "b@x", NULL }, "send rcpts=b@x" },
	/* what real callers pass */
	/* PHP mail() */
	{ { "sendmail", "-t", "-i", NULL }, "send t i" },
	/* Debian cron */
	{ { "/usr/sbin/sendmail", "-i", "-FCronDaemon", "-B8BITMIME", "-oem",
	    "root", NULL },
	    "send i F=CronDaemon rcpts=root" },
	/* cronie */
	{ { "/usr/sbin/sendmail", "-FCronDaemon", "-i", "-odi", "-oem", "-oi",
	    "-t", "-f", "root", NULL },
	    "send t i f=root F=CronDaemon" },
	{ { "sendmail", "-oi", "-t", NULL }, "send t i" },
	/* option parsing stops at the first recipient or at -- */
	{ { "sendmail", "--", "-weird@x", NULL }, "send rcpts=-weird@x" },
	{ { "sendmail", "b@x", "-t", NULL }, "send rcpts=b@x,-t" },
	{ { "sendmail", "-t", "--", NULL }, "send t" },
	/* a command's name, or a near miss, is no local recipient */
	{ { "outpost", "-t", "doctor", NULL }, "64: 'doctor' is a command" },
	{ { "/usr/bin/outpost", "-i", "doctr", NULL },
	    "64: unknown command 'doctr' (did you mean 'doctor'?" },
	{ { "outpost", "hlep", NULL },
	    "64: unknown command 'hlep' (did you mean 'help'?" },
	{ { "outpost", "Doctor", NULL },
	    "64: unknown command 'Doctor' (did you mean 'doctor'?" },
	{ { "outpost", "--", "doctr", NULL }, "send rcpts=doctr" },
	{ { "outpost", "doctor@example.org", NULL },
	    "send rcpts=doctor@example.org" },
	{ { "outpost", "root", NULL }, "send rcpts=root" },
	{ { "outpost", "bob", "doctor", NULL }, "send rcpts=bob,doctor" },
	{ { "sendmail", "doctr", NULL }, "send rcpts=doctr" },
	{ { "sendmail", "-t", "doctor", NULL }, "send t rcpts=doctor" },
	/* usage errors */
	{ { "sendmail", "-x", "b@x", NULL }, "64: unknown option -x" },
	{ { "sendmail", "-tx", "b@x", NULL }, "64: unknown option -x" },
	{ { "sendmail", "--weird", "b@x", NULL },
	    "64: unknown option --weird" },
	{ { "sendmail", "-", "b@x", NULL }, "64: unknown option -" },
	{ { "sendmail", "-d0.1", "b@x", NULL }, "64: unknown option -d" },
	{ { "sendmail", "-f", NULL }, "64: option -f needs an argument" },
	{ { "sendmail", "b@x", "-F", NULL }, "send rcpts=b@x,-F" },
	{ { "sendmail", "-t", "-B", NULL }, "64: option -B needs an argument" },
	{ { "sendmail", "-X", "/tmp/log", "b@x", NULL },
	    "64: -X (traffic log file) is not supported" },
	{ { "sendmail", NULL }, "64: no recipients" },
	{ { "sendmail", "-i", NULL }, "64: no recipients" },
	{ { "sendmail", "-fa@x\r\nRCPT TO:<e@x>", "b@x", NULL },
	    "64: -f: control character" },
	{ { "sendmail", "-F", "Name\r\nBcc: v@x", "b@x", NULL },
	    "64: -F: control character" },
	{ { "sendmail", "x@y>\r\nDATA", NULL },
	    "64: recipient 1: control character" },
};

/* The mode, the fields that differ from the defaults, the recipients. */
static void
summary(const struct opts *o, char *buf, size_t n)
{
	static const char *const modes[] = {
		"send", "version", "help", "queue-list", "queue-run",
		"queue-drop", "smtp"
	};
	size_t i, len;

	snprintf(buf, n, "%s%s%s", modes[o->mode], o->read_rcpts ? " t" : "",
	    o->dot_ends ? "" : " i");
	len = strlen(buf);
	snprintf(buf + len, n - len, "%s%s%s%s%s%s%s%s",
	    o->from ? " f=" : "", o->from ? o->from : "",
	    o->fullname ? " F=" : "", o->fullname ? o->fullname : "",
	    o->account ? " a=" : "", o->account ? o->account : "",
	    o->config ? " C=" : "", o->config ? o->config : "");
	len = strlen(buf);
	if (o->verbose != 0)
		snprintf(buf + len, n - len, " v=%d", o->verbose);
	for (i = 0; i < o->nrcpts; i++) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", i > 0 ? "," : " rcpts=",
		    o->rcpts[i]);
	}
}

/*
 * Subcommands after global options: the command's argv as one string
 * (words joined by spaces, -C and -a passed on at the end), "-" when it
 * is no subcommand call, or "64: " and the start of the error.
 */
static const struct find_row {
	const char	*argv[MAX_ARGS];
	const char	*want;
} find_rows[] = {
	{ { "outpost", "doctor", NULL }, "doctor" },
	{ { "outpost", "-C", "c", "doctor", "--json", NULL },
	    "doctor --json -C c" },
	{ { "outpost", "-Cc", "-a", "w", "-vv", "password", "set", NULL },
	    "password set -C c -a w v=2" },
	{ { "outpost", "-v", "-a", "w", "doctor", "h", NULL },
	    "doctor h -a w v=1" },
	{ { "/usr/local/bin/outpost", "-C", "c", "help", "doctor", NULL },
	    "help doctor" },
	{ { "outpost", "-C", "c", "providers", NULL }, "64: providers reads "
	    "no configuration" },
	{ { "outpost", "-C", "c", "doctr", NULL },
	    "64: unknown command 'doctr' (did you mean 'doctor'?" },
	{ { "outpost", "-t", "doctor", NULL }, "-" },
	{ { "outpost", "-C", "c", "bob@x", NULL }, "-" },
	{ { "outpost", "-C", NULL }, "-" },
	{ { "outpost", "-C", "c", NULL }, "-" },
	{ { "sendmail", "-C", "c", "doctor", NULL }, "-" },
	{ { "mailq", "doctor", NULL }, "-" },
};

static void
test_find(void)
{
	char *argv[MAX_ARGS];
	char got[SUMMARY_MAX];
	struct cli_call c;
	struct err e;
	size_t i, len;
	int argc, r, k;

	for (i = 0; i < sizeof(find_rows) / sizeof(find_rows[0]); i++) {
		for (argc = 0; find_rows[i].argv[argc] != NULL; argc++)
			argv[argc] = (char *)(uintptr_t)find_rows[i].argv[argc];
		argv[argc] = NULL;
		err_init(&e);
		got[0] = '\0';
		if ((r = cli_cmd_find(argc, argv, &c, &e)) == -1)
			snprintf(got, sizeof(got), "%d: %s", e.ex, e.msg);
		else if (r == 0)
			snprintf(got, sizeof(got), "-");
		for (k = 0; r == 1 && k < c.argc; k++) {
			len = strlen(got);
			snprintf(got + len, sizeof(got) - len, "%s%s",
			    k > 0 ? " " : "", c.argv[k]);
		}
		if (r == 1 && c.verbose > 0) {
			len = strlen(got);
			snprintf(got + len, sizeof(got) - len, " v=%d",
			    c.verbose);
		}
		if (r == -1 && strncmp(got, find_rows[i].want,
		    strlen(find_rows[i].want)) == 0)
			snprintf(got, sizeof(got), "%s", find_rows[i].want);
		is_str(got, find_rows[i].want, "find: %s ... %s",
		    find_rows[i].argv[0], find_rows[i].argv[argc - 1]);
	}
}

/* Recipients point into argv, not copies. */
static void
test_pointers(void)
{
	char a0[] = "sendmail", a1[] = "-t", a2[] = "r@x";
	char *v[] = { a0, a1, a2, NULL };
	struct opts o;
	struct err e;

	err_init(&e);
	ok(cli_parse(3, v, &o, &e) == 0 && o.nrcpts == 1 && o.rcpts[0] == a2,
	    "recipients point into argv");
}

int
main(void)
{
	char *argv[MAX_ARGS];
	char got[SUMMARY_MAX], name[SUMMARY_MAX];
	struct opts o;
	struct err e;
	size_t i, len;
	int argc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		name[0] = '\0';
		for (argc = 0; rows[i].argv[argc] != NULL; argc++) {
			argv[argc] = (char *)(uintptr_t)rows[i].argv[argc];
			len = strlen(name);
			snprintf(name + len, sizeof(name) - len, "%s%s",
			    argc > 0 ? " " : "", rows[i].argv[argc]);
		}
		argv[argc] = NULL;
		for (len = 0; name[len] != '\0'; len++)
			if ((unsigned char)name[len] < 0x20)
				name[len] = '?';	/* one TAP line */
		err_init(&e);
		if (cli_parse(argc, argv, &o, &e) == 0)
			summary(&o, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%d: %s", e.ex, e.msg);
		/* an error row gives the start of the message */
		if (strncmp(rows[i].want, "64: ", 4) == 0 &&
		    strncmp(got, rows[i].want, strlen(rows[i].want)) == 0)
			is_str(rows[i].want, rows[i].want, "%s", name);
		else
			is_str(got, rows[i].want, "%s", name);
	}
	test_pointers();
	test_find();
	return done_testing();
}
