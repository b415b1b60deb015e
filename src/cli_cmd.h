/*
 * cli_cmd.h - "outpost [-C file] [-a account] [-v] COMMAND ...": which
 * words are subcommands, the global options that may come before one,
 * and the one list that --help, "outpost help" and the man page check
 * (tests/man-agree.sh) are made from.
 */
#ifndef OUTPOST_CLI_CMD_H
#define OUTPOST_CLI_CMD_H

#include <stdio.h>

#include "cmd.h"
#include "err.h"

struct cli_call {
	cmd_fn	 *run;
	int	  argc;
	char	**argv;		/* the command's name first; owned here */
	int	  verbose;	/* -v given before the command */
};

/*
 * Called as "outpost" (argv[0]'s base name), argv[1...] as global
 * options (-C FILE, -a NAME, -v) and then a subcommand's name: fill
 * call (its argv is the command's words, then -C and -a passed on) and
 * return 1.  Return 0 when argv is not a subcommand call, -1 (64) when
 * the first word after them is within reach of a command's name.
 */
int	cli_cmd_find(int argc, char **argv, struct cli_call *, struct err *);
/*
 * A recipient word that must not be taken for a local name: a command's
 * name or close to one (outpost personality only; "--" before it opts
 * out).  0 or -1 (64) with the hint.
 */
int	cli_cmd_guard(const char *argv0, const char *word, struct err *);
/* Every mode and subcommand, one synopsis each. */
void	cli_usage(FILE *);
/* "unknown option X (did you mean Y?)"; kind: "option" or "verb". */
int	cli_cmd_badopt(const char *cmd, const char *kind, const char *word,
	    const char *const *known, const char *usage, struct err *);

cmd_fn	cmd_help;

#endif
