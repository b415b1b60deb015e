/*
 * cli.c - the sendmail command line -> struct opts, through a table.
 *
 * Parsing follows sendmail's getopt: letters may be grouped ("-ti"), an
 * option that takes a value takes the rest of its word ("-fa@b",
 * "-oem", "-B8BITMIME") or else the next word ("-f a@b").  "--" or the
 * first word that is not an option ends the options; the rest are
 * recipients (pointers into argv).  Options that callers pass routinely
 * and that mean nothing here are accepted and ignored; unknown options,
 * missing values and unsupported modes fail with 64 (EX_USAGE).
 * Invariant: values stored in opts hold no control characters.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "cli_cmd.h"

#define CLI_SHOW	64	/* argument bytes quoted in a message */

enum cli_arg {
	ARG_NONE,
	ARG_REQUIRED,		/* attached or the next word */
	ARG_ATTACHED		/* optional, attached only */
};

enum cli_act {
	ACT_IGNORE,
	ACT_REJECT,		/* 64 with why */
	ACT_RCPTS,		/* -t */
	ACT_DOT,		/* -i */
	ACT_FROM,		/* -f, -r */
	ACT_FULLNAME,		/* -F */
	ACT_ACCOUNT,		/* -a */
	ACT_CONFIG,		/* -C */
	ACT_VERBOSE,		/* -v */
	ACT_VERSION,		/* -V alone; -V<envid>: DSN ENVID */
	ACT_DSN_NOTIFY,		/* -N */
	ACT_DSN_RET,		/* -R */
	ACT_QUEUE,		/* -q alone; -q<interval> is refused */
	ACT_MODE,		/* -b<mode> */
	ACT_OPTION		/* -o<opt>: -oi is -i, the rest ignored */
};

static const struct cli_opt {
	char		 flag;
	enum cli_arg	 arg;
	enum cli_act	 act;
	const char	*why;		/* ACT_REJECT */
} cli_opts[] = {
	{ 'A', ARG_REQUIRED, ACT_IGNORE, NULL },	/* -Am, -Ac */
	{ 'B', ARG_REQUIRED, ACT_IGNORE, NULL },	/* body type */
	{ 'C', ARG_REQUIRED, ACT_CONFIG, NULL },
	{ 'F', ARG_REQUIRED, ACT_FULLNAME, NULL },
	{ 'G', ARG_NONE, ACT_IGNORE, NULL },		/* gateway */
	{ 'L', ARG_REQUIRED, ACT_IGNORE, NULL },	/* syslog tag */
	{ 'N', ARG_REQUIRED, ACT_DSN_NOTIFY, NULL },
	{ 'O', ARG_REQUIRED, ACT_IGNORE, NULL },	/* option=value */
	{ 'R', ARG_REQUIRED, ACT_DSN_RET, NULL },
	{ 'U', ARG_NONE, ACT_IGNORE, NULL },		/* initial submission */
	{ 'V', ARG_ATTACHED, ACT_VERSION, NULL },
	{ 'X', ARG_REQUIRED, ACT_REJECT,
	    "-X (traffic log file) is not supported; use -v" },
	{ 'a', ARG_REQUIRED, ACT_ACCOUNT, NULL },
	{ 'b', ARG_REQUIRED, ACT_MODE, NULL },
	{ 'f', ARG_REQUIRED, ACT_FROM, NULL },
	{ 'h', ARG_REQUIRED, ACT_IGNORE, NULL },	/* hop count */
	{ 'i', ARG_NONE, ACT_DOT, NULL },
	{ 'm', ARG_NONE, ACT_IGNORE, NULL },		/* me too */
	{ 'n', ARG_NONE, ACT_IGNORE, NULL },		/* no aliasing */
	{ 'o', ARG_REQUIRED, ACT_OPTION, NULL },
	{ 'q', ARG_ATTACHED, ACT_QUEUE, NULL },
	{ 'r', ARG_REQUIRED, ACT_FROM, NULL },
	{ 't', ARG_NONE, ACT_RCPTS, NULL },
	{ 'v', ARG_NONE, ACT_VERBOSE, NULL },
};

/* -b<mode>: the value after -b. */
static const struct cli_bmode {
	const char	*mode;
	int		 to;		/* enum cli_mode, or -1: refuse */
	const char	*why;
} cli_bmodes[] = {
	{ "m", CLI_MODE_SEND, NULL },
	{ "p", CLI_MODE_QUEUE_LIST, NULL },
	{ "s", CLI_MODE_SMTP, NULL },
	{ "d", -1, "-bd (daemon mode) is not supported: outpost only "
	    "submits mail" },
	{ "i", -1, "-bi (initialise the aliases database) is not supported: "
	    "outpost has no local aliases database" },
	{ "t", -1, "-bt (address test mode) is not supported" },
	{ "v", -1, "-bv (verify addresses) is not supported" },
};

static bool
cli_clean(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int
cli_set_mode(struct opts *o, enum cli_mode m, const char *opt,
    struct err *e)
{
	if (o->mode != CLI_MODE_SEND && o->mode != m)
		return err_set(e, EX_USAGE, "%s conflicts with an earlier mode "
		    "option", opt);
	o->mode = m;
	return 0;
}

static int
cli_bmode(const char *val, struct opts *o, struct err *e)
{
	size_t i;

	for (i = 0; i < sizeof(cli_bmodes) / sizeof(cli_bmodes[0]); i++) {
		if (strcmp(cli_bmodes[i].mode, val) != 0)
			continue;
		if (cli_bmodes[i].to == -1)
			return err_set(e, EX_USAGE, "%s", cli_bmodes[i].why);
		if (cli_bmodes[i].to == CLI_MODE_SEND)
			return 0;
		return cli_set_mode(o, (enum cli_mode)cli_bmodes[i].to, "-bp",
		    e);
	}
	return err_set(e, EX_USAGE, "unknown mode -b%.*s", CLI_SHOW, val);
}

/* Apply option d with value val (NULL when it has none). */
static int
cli_apply(const struct cli_opt *d, const char *val, struct opts *o,
    struct err *e)
{
	if (val != NULL && !cli_clean(val) && d->act != ACT_IGNORE)
		return err_set(e, EX_USAGE, "-%c: control character in "
		    "argument", d->flag);
	switch (d->act) {
	case ACT_IGNORE:
		return 0;
	case ACT_REJECT:
		return err_set(e, EX_USAGE, "%s", d->why);
	case ACT_RCPTS:
		o->read_rcpts = true;
		return 0;
	case ACT_DOT:
		o->dot_ends = false;
		return 0;
	case ACT_FROM:
		o->from = val;
		return 0;
	case ACT_FULLNAME:
		o->fullname = val;
		return 0;
	case ACT_ACCOUNT:
		o->account = val;
		return 0;
	case ACT_CONFIG:
		o->config = val;
		return 0;
	case ACT_VERBOSE:
		if (o->verbose < 9)
			o->verbose++;
		return 0;
	case ACT_VERSION:
		if (val != NULL && dsn_set_envid(&o->dsn, val) == -1)
			return err_set(e, EX_USAGE, "-V: an envelope id is 1 "
			    "to %d printable ASCII characters",
			    DSN_ENVID_MAX);
		return val != NULL ? 0 : cli_set_mode(o, CLI_MODE_VERSION,
		    "-V", e);
	case ACT_DSN_NOTIFY:
		if (dsn_parse_notify(val, &o->dsn.notify) == -1 ||
		    o->dsn.notify == 0)
			return err_set(e, EX_USAGE, "-N: never, or a list of "
			    "success, failure and delay");
		return 0;
	case ACT_DSN_RET:
		if (dsn_parse_ret(val, &o->dsn.ret) == -1 ||
		    o->dsn.ret == DSN_RET_UNSET)
			return err_set(e, EX_USAGE, "-R: full or hdrs");
		return 0;
	case ACT_QUEUE:
		if (val != NULL)
			return err_set(e, EX_USAGE, "-q%.*s: outpost runs no "
			    "queue daemon; run 'outpost -q' from cron or a "
			    "timer", CLI_SHOW, val);
		return cli_set_mode(o, CLI_MODE_QUEUE_RUN, "-q", e);
	case ACT_MODE:
		return cli_bmode(val, o, e);
	case ACT_OPTION:
		if (strcmp(val, "i") == 0)
			o->dot_ends = false;
		return 0;
	}
	return 0;
}

static const struct cli_opt *
cli_find(char flag)
{
	size_t i;

	for (i = 0; i < sizeof(cli_opts) / sizeof(cli_opts[0]); i++)
		if (cli_opts[i].flag == flag)
			return &cli_opts[i];
	return NULL;
}

/* One word of grouped letters, argv[*ip]; may consume the next word. */
static int
cli_word(int argc, char **argv, int *ip, struct opts *o, struct err *e)
{
	const struct cli_opt *d;
	const char *p, *val;

	for (p = argv[*ip] + 1; *p != '\0'; p++) {
		if ((d = cli_find(*p)) == NULL) {
			if (isprint((unsigned char)*p))
				return err_set(e, EX_USAGE, "unknown option "
				    "-%c (see outpost --help)", *p);
			return err_set(e, EX_USAGE, "unknown option (byte "
			    "0x%02x)", (unsigned char)*p);
		}
		if (d->arg == ARG_NONE) {
			if (cli_apply(d, NULL, o, e) == -1)
				return -1;
			continue;
		}
		val = p[1] != '\0' ? p + 1 : NULL;
		/* sendmail's -h takes a hop count; -h alone asks for help */
		if (d->flag == 'h' && val == NULL && *ip + 1 >= argc)
			return cli_set_mode(o, CLI_MODE_HELP, "-h", e);
		if (val == NULL && d->arg == ARG_REQUIRED) {
			if (*ip + 1 >= argc)
				return err_set(e, EX_USAGE, "option -%c needs "
				    "an argument", *p);
			val = argv[++*ip];
		}
		return cli_apply(d, val, o, e);
	}
	return 0;
}

/* --id ID and --drop ID take the next word. */
static int
cli_long_id(int argc, char **argv, int *ip, struct opts *o, struct err *e)
{
	const char *arg = argv[*ip];

	if (*ip + 1 >= argc)
		return err_set(e, EX_USAGE, "%s needs a queue id", arg);
	o->queue_id = argv[++*ip];
	if (!cli_clean(o->queue_id))
		return err_set(e, EX_USAGE, "%s: control character in id",
		    arg);
	if (strcmp(arg, "--drop") == 0)
		return cli_set_mode(o, CLI_MODE_QUEUE_DROP, arg, e);
	return cli_set_mode(o, CLI_MODE_QUEUE_RUN, arg, e);
}

static int
cli_long(int argc, char **argv, int *ip, struct opts *o, struct err *e)
{
	const char *arg = argv[*ip];

	if (strcmp(arg, "--id") == 0 || strcmp(arg, "--drop") == 0)
		return cli_long_id(argc, argv, ip, o, e);
	if (strcmp(arg, "--flush") == 0) {
		o->flush = true;
		return cli_set_mode(o, CLI_MODE_QUEUE_RUN, arg, e);
	}
	if (strcmp(arg, "--version") == 0)
		return cli_set_mode(o, CLI_MODE_VERSION, arg, e);
	if (strcmp(arg, "--help") == 0)
		return cli_set_mode(o, CLI_MODE_HELP, arg, e);
	if (!cli_clean(arg))
		return err_set(e, EX_USAGE, "unknown option");
	return err_set(e, EX_USAGE, "unknown option %.*s (see outpost --help)",
	    CLI_SHOW, arg);
}

/* The personality from argv[0]'s base name. */
static int
cli_personality(const char *argv0, struct opts *o, struct err *e)
{
	const char *base;

	if (argv0 == NULL)
		return 0;
	base = strrchr(argv0, '/');
	base = base != NULL ? base + 1 : argv0;
	if (strcmp(base, "mailq") == 0)
		o->mode = CLI_MODE_QUEUE_LIST;
	else if (strcmp(base, "newaliases") == 0)
		return err_set(e, EX_USAGE, "newaliases is not supported: "
		    "outpost has no local aliases database");
	return 0;
}

int
cli_parse(int argc, char **argv, struct opts *o, struct err *e)
{
	bool dashdash = false;
	size_t n;
	int i;

	memset(o, 0, sizeof(*o));
	o->mode = CLI_MODE_SEND;
	o->dot_ends = true;
	if (argc < 1)
		return 0;
	if (cli_personality(argv[0], o, e) == -1)
		return -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			dashdash = true;
			break;
		}
		if (argv[i][0] != '-')
			break;
		if (argv[i][1] == '\0')
			return err_set(e, EX_USAGE, "unknown option -");
		if (argv[i][1] == '-' ? cli_long(argc, argv, &i, o, e) == -1 :
		    cli_word(argc, argv, &i, o, e) == -1)
			return -1;
	}
	o->rcpts = argv + i;
	o->nrcpts = (size_t)(argc - i);
	for (n = 0; n < o->nrcpts; n++)
		if (!cli_clean(o->rcpts[n]))
			return err_set(e, EX_USAGE, "recipient %zu: control "
			    "character in address", n + 1);
	if (o->mode == CLI_MODE_SEND && o->nrcpts > 0 && !dashdash &&
	    cli_cmd_guard(argv[0], o->rcpts[0], e) == -1)
		return -1;
	if (o->mode == CLI_MODE_SEND && !o->read_rcpts && o->nrcpts == 0)
		return err_set(e, EX_USAGE, "no recipients: give addresses or "
		    "-t (see outpost --help)");
	return 0;
}
