/*
 * setup_write.h - writing what setup found: the config text (append, or
 * replace with force) and files written atomically, per-user 0600 or
 * system root:outpost 0640 (setup_write.c).
 */
#ifndef OUTPOST_SETUP_WRITE_H
#define OUTPOST_SETUP_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SETUP_CONF_MAX	(256 * 1024)	/* a config file setup edits */

/*
 * The new config text into *out (malloc'ed): old (NULL: no file yet)
 * with the account section appended; an existing [name] is an error
 * unless force, then it is replaced.
 */
int	setup_write_text(const char *old, const char *name,
	    const char *account, bool force, char **out, struct err *);
/*
 * The account [defaults] names in text ("" when none), for the hint that
 * an account appended beside another default is used only with -a.
 */
void	setup_default_account(const char *text, char *buf, size_t cap);
/* 1 read into *text (malloc'ed), 0 no such file, -1 with e. */
int	setup_read_file(const char *path, char **text, struct err *);
/* Replace path atomically with data: 0600, or root:outpost 0640. */
int	setup_write_file(const char *path, const void *data, size_t len,
	    bool system, struct err *);

#endif
