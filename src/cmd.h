/*
 * cmd.h - the subcommands: "outpost NAME [args]" (argv[1] is the name).
 *
 * Each one parses its own arguments (argv[0] is its name), may print to
 * stdout, and returns 0 or -1 with e filled; main() prints e and exits
 * with e.ex.  The table that maps names to functions is in main.c.
 */
#ifndef OUTPOST_CMD_H
#define OUTPOST_CMD_H

#include "err.h"

typedef int	cmd_fn(int argc, char **argv, struct err *);

cmd_fn	cmd_doctor;	/* cmd_doctor.c: probe the smarthost, advise */
cmd_fn	cmd_providers;	/* cmd_providers.c: the provider presets */
cmd_fn	cmd_oauth2;	/* cmd_oauth2.c: oauth2 login */
cmd_fn	cmd_setup;	/* cmd_setup.c: an address to a working account */

#endif
