/*
 * cred_file.h - the one reader of private files: password_file and the
 * OAuth2 refresh token and client secret files.  The secret is the first
 * line ("\n" and one "\r" before it dropped).
 */
#ifndef OUTPOST_CRED_FILE_H
#define OUTPOST_CRED_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "secret.h"

#define CRED_FILE_MAX		(64 * 1024)	/* a private file's size cap */

/*
 * spec with a leading "%d" expanded to credsdir ($CREDENTIALS_DIRECTORY)
 * into out; the result is absolute.  what names the key in messages.
 */
int	cred_file_path(const char *what, const char *spec,
	    const char *credsdir, char *out, size_t size, struct err *);
/*
 * The first line of the file at spec into s: a regular file (not a
 * symbolic link) owned by the euid or root, no group/other bits (sys:
 * root:group 0640 is fine, as for the system configuration), at most
 * CRED_FILE_MAX bytes.  -1 with e (78), naming what and the path.
 */
int	cred_file_secret(const char *what, const char *spec, bool sys,
	    struct secret *s, struct err *);
/* password_file: cred_file_secret("password_file", spec, false, ...). */
int	cred_file_read(const char *spec, struct secret *s, struct err *);
/* The same for the system configuration: root:outpost 0640 is fine. */
int	cred_file_read_sys(const char *spec, struct secret *s, struct err *);

#endif
