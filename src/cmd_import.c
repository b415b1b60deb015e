/*
 * cmd_import.c - "outpost import-msmtprc [FILE]": read FILE (or msmtp's
 * own choice: ~/.msmtprc, else $XDG_CONFIG_HOME/msmtp/config), print the
 * equivalent outpost configuration on stdout and what has no equivalent
 * on stderr.  Nothing is written to disk: the user reviews the output
 * and saves it.  "-" reads stdin.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cmd.h"
#include "cmd_import.h"
#include "import_msmtp.h"

/* msmtp's user configuration: ~/.msmtprc, else the XDG file. */
static int
imp_default_path(char *buf, size_t n, struct err *e)
{
	const char *home, *xdg;
	struct stat st;

	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return err_set(e, EX_USAGE, "import-msmtprc: HOME is not set: "
		    "name the file");
	if ((size_t)snprintf(buf, n, "%s/.msmtprc", home) >= n)
		return err_set(e, EX_USAGE, "import-msmtprc: HOME too long");
	if (stat(buf, &st) == 0)
		return 0;
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && *xdg != '\0')
		snprintf(buf, n, "%s/msmtp/config", xdg);
	else
		snprintf(buf, n, "%s/.config/msmtp/config", home);
	if (stat(buf, &st) == 0)
		return 0;
	return err_set(e, EX_NOINPUT, "import-msmtprc: no %s/.msmtprc and "
	    "no %s: name the file", home, buf);
}

int
cmd_import_msmtprc(int argc, char **argv, struct err *e)
{
	char path[PATH_MAX];
	FILE *in;
	int r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != '\0'))
		return err_set(e, EX_USAGE, "usage: outpost import-msmtprc "
		    "[FILE]");
	if (argc == 2 && strcmp(argv[1], "-") == 0)
		return import_msmtp(stdin, "stdin", stdout, stderr, e);
	if (argc == 2)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (imp_default_path(path, sizeof(path), e) == -1)
		return -1;
	if ((in = fopen(path, "re")) == NULL)
		return err_sys(e, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
		    "%s", path);
	r = import_msmtp(in, path, stdout, stderr, e);
	fclose(in);
	return r;
}
