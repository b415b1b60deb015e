/*
 * cli_cmd.c - subcommands after global options, the typo guard, and the
 * help text, all from the two tables below.
 *
 * git and systemctl take their global options before the command, so
 * "outpost -C cfg doctor" must run doctor: read as sendmail it would mail
 * a message to a local user named "doctor" (or, through a catch-all
 * alias, mail whatever stdin holds - "password set"'s secret).  Called as
 * sendmail (or mailq) nothing here applies: those callers pass addresses.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli_cmd.h"
#include "cmd_import.h"
#include "cmd_password.h"
#include "suggest.h"

#define CLI_CMD_SHOW	64	/* bytes of a mistyped word in a message */
#define CLI_CMD_EXTRA	4	/* -C FILE -a NAME passed on */

/* The sending and queue modes: synopsis and what it does. */
static const struct cli_mode_row {
	const char	*synopsis;
	const char	*what;
} cli_modes[] = {
	{ "outpost [-t] [-i] [-f sender] [-F name] [-a account] [-C config] "
	    "[-v] [--] [recipient ...] < message", "send one message" },
	{ "outpost -bp | mailq", "list the queue (and dead entries)" },
	{ "outpost -q [--flush] [--id ID] [-v]", "deliver what is due "
	    "(--flush: everything; -v: what was skipped and why)" },
	{ "outpost --drop ID", "remove a queued message (an id prefix "
	    "that names one entry will do)" },
	{ "outpost -bs [-a account] [-C config]", "SMTP on standard input "
	    "and output" },
	{ "outpost -V | --version", "the version" },
	{ "outpost help [command] | --help | -h", "this text" },
};

/* "outpost NAME ...": a row per subcommand, the file says cmd_NAME. */
static const struct cli_cmd_row {
	const char	*name;
	cmd_fn		*run;
	bool		 config;	/* takes -C and -a */
	const char	*args;
	const char	*what;
} cli_cmds[] = {
	{ "setup", cmd_setup, true, "ADDRESS [-a account] [-C config] "
	    "[--system] [--force] [--password-file FILE] [--yes] [--json] "
	    "[--find-only] [--test-message]", "find, probe, store and prove "
	    "an account for a mail address" },
	{ "doctor", cmd_doctor, true, "[-a account | host] [-C config] "
	    "[--auth] [--json] [--ports port[/mode],...]",
	    "probe the smarthost from here and advise" },
	{ "password", cmd_password, true, "set|check|clear [-a account] "
	    "[-C config]", "the account's password in the keyring" },
	{ "oauth2", cmd_oauth2, true, "login [--device | --paste] "
	    "[--port N] [-a account] [-C config | --system] | status|logout "
	    "[-a account] [-C config | --system]", "OAuth2: log in (browser "
	    "or device code), show the tokens' state, log out" },
	{ "providers", cmd_providers, false, "",
	    "the provider presets and their sources" },
	{ "import-msmtprc", cmd_import_msmtprc, false, "[FILE]",
	    "print ~/.msmtprc as outpost configuration" },
	{ "help", cmd_help, false, "[command]", "this text, or one "
	    "command's" },
};

#define CLI_NCMDS	(sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static char **cli_call_argv;	/* a root for leak checkers until exit */

static bool
cli_is_outpost(const char *argv0)
{
	const char *base;

	if (argv0 == NULL)
		return false;
	base = strrchr(argv0, '/');
	base = base != NULL ? base + 1 : argv0;
	return strcmp(base, "outpost") == 0;
}

static const struct cli_cmd_row *
cli_cmd_row(const char *name)
{
	size_t i;

	for (i = 0; i < CLI_NCMDS; i++)
		if (strcmp(cli_cmds[i].name, name) == 0)
			return &cli_cmds[i];
	return NULL;
}

/* The command word is within reach of, its closest name. */
static const char *
cli_cmd_near(const char *word)
{
	struct suggest s;
	size_t i;

	suggest_init(&s, word, SUGGEST_DIST);
	for (i = 0; i < CLI_NCMDS; i++)
		suggest_try(&s, cli_cmds[i].name);
	return suggest_best(&s);
}

int
cli_cmd_guard(const char *argv0, const char *word, struct err *e)
{
	const char *near;

	if (!cli_is_outpost(argv0) || strchr(word, '@') != NULL)
		return 0;
	if (cli_cmd_row(word) != NULL)
		return err_set(e, EX_USAGE, "'%s' is a command: only -C, -a "
		    "and -v may come before it (to mail a local user of that "
		    "name, put -- before it)", word);
	if ((near = cli_cmd_near(word)) == NULL)
		return 0;
	return err_set(e, EX_USAGE, "unknown command '%.*s' (did you mean "
	    "'%s'?  See outpost help; to mail a local user of that name, "
	    "put -- before it)", CLI_CMD_SHOW, word, near);
}

/* One global option at argv[*ip]: 1 taken, 0 not one. */
static int
cli_cmd_global(int argc, char **argv, int *ip, const char **cfg,
    const char **acct, int *verbose)
{
	const char *w = argv[*ip];
	const char **to;

	if (w[0] != '-' || w[1] == '\0')
		return 0;
	if (w[1] == 'v' && strspn(w + 1, "v") == strlen(w + 1)) {
		*verbose += (int)strlen(w + 1);
		return 1;
	}
	if (w[1] != 'C' && w[1] != 'a')
		return 0;
	to = w[1] == 'C' ? cfg : acct;
	if (w[2] != '\0') {
		*to = w + 2;
		return 1;
	}
	if (*ip + 1 >= argc)
		return 0;	/* the sendmail parser says what is missing */
	*to = argv[++*ip];
	return 1;
}

/* argv for the command: its own words, then -C and -a passed on. */
static int
cli_cmd_argv(const struct cli_cmd_row *r, int argc, char **argv, int i,
    const char *cfg, const char *acct, struct cli_call *call,
    struct err *e)
{
	int n = 0;

	if (r->run == cmd_help)
		cfg = acct = NULL;	/* "outpost -C x help" is still help */
	else if (!r->config && (cfg != NULL || acct != NULL))
		return err_set(e, EX_USAGE, "%s reads no configuration: -C "
		    "and -a do not apply", r->name);
	free(cli_call_argv);
	cli_call_argv = calloc((size_t)(argc - i + CLI_CMD_EXTRA + 1),
	    sizeof(char *));
	if (cli_call_argv == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	while (i < argc)
		cli_call_argv[n++] = argv[i++];
	if (cfg != NULL) {
		cli_call_argv[n++] = (char *)"-C";
		cli_call_argv[n++] = (char *)cfg;
	}
	if (acct != NULL) {
		cli_call_argv[n++] = (char *)"-a";
		cli_call_argv[n++] = (char *)acct;
	}
	call->run = r->run;
	call->argc = n;
	call->argv = cli_call_argv;
	return 1;
}

int
cli_cmd_find(int argc, char **argv, struct cli_call *call, struct err *e)
{
	const struct cli_cmd_row *r;
	const char *cfg = NULL, *acct = NULL;
	int i;

	memset(call, 0, sizeof(*call));
	if (argc < 2 || !cli_is_outpost(argv[0]))
		return 0;
	for (i = 1; i < argc; i++)
		if (!cli_cmd_global(argc, argv, &i, &cfg, &acct,
		    &call->verbose))
			break;
	if (i >= argc || argv[i][0] == '-')
		return 0;
	if ((r = cli_cmd_row(argv[i])) == NULL)
		return cli_cmd_guard(argv[0], argv[i], e) == -1 ? -1 : 0;
	return cli_cmd_argv(r, argc, argv, i, cfg, acct, call, e);
}

void
cli_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s\n", cli_modes[0].synopsis);
	fprintf(f, "\nModes:\n");
	for (i = 0; i < sizeof(cli_modes) / sizeof(cli_modes[0]); i++)
		fprintf(f, "  %s\n      %s\n", cli_modes[i].synopsis,
		    cli_modes[i].what);
	fprintf(f, "\nCommands (-C, -a and -v may also come before the "
	    "command):\n");
	for (i = 0; i < CLI_NCMDS; i++)
		fprintf(f, "  outpost %s%s%s\n      %s\n", cli_cmds[i].name,
		    cli_cmds[i].args[0] != '\0' ? " " : "", cli_cmds[i].args,
		    cli_cmds[i].what);
	fprintf(f, "\nSee outpost(8) and outpost.conf(5).\n");
}

int
cli_cmd_badopt(const char *cmd, const char *kind, const char *word,
    const char *const *known, const char *usage, struct err *e)
{
	struct suggest s;
	size_t i;

	suggest_init(&s, word, SUGGEST_DIST);
	for (i = 0; known[i] != NULL; i++)
		suggest_try(&s, known[i]);
	if (suggest_best(&s) != NULL)
		return err_set(e, EX_USAGE, "%s: unknown %s %.*s (did you mean "
		    "%s?); %s", cmd, kind, CLI_CMD_SHOW, word,
		    suggest_best(&s), usage);
	return err_set(e, EX_USAGE, "%s: unknown %s %.*s; %s", cmd, kind,
	    CLI_CMD_SHOW, word, usage);
}

/* "outpost help [command]". */
int
cmd_help(int argc, char **argv, struct err *e)
{
	const struct cli_cmd_row *r;
	const char *near;

	if (argc > 2)
		return err_set(e, EX_USAGE, "usage: outpost help [command]");
	if (argc < 2) {
		cli_usage(stdout);
		return 0;
	}
	if ((r = cli_cmd_row(argv[1])) != NULL) {
		printf("usage: outpost %s%s%s\n  %s\nSee outpost(8).\n",
		    r->name, r->args[0] != '\0' ? " " : "", r->args, r->what);
		return 0;
	}
	if ((near = cli_cmd_near(argv[1])) != NULL)
		return err_set(e, EX_USAGE, "help: no command '%.*s' (did you "
		    "mean '%s'?)", CLI_CMD_SHOW, argv[1], near);
	return err_set(e, EX_USAGE, "help: no command '%.*s' (outpost help "
	    "lists them)", CLI_CMD_SHOW, argv[1]);
}
