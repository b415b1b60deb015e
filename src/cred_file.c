/*
 * cred_file.c - secrets kept in private files (password_file, the OAuth2
 * refresh token and client secret files): the first line of the file.
 *
 * The name may start with "%d", which stands for $CREDENTIALS_DIRECTORY
 * (systemd's LoadCredential=), and must then be absolute.  The file is
 * opened once without following a final symlink (a swapped link could
 * make outpost send another file's first line to the server) and without
 * blocking (a FIFO cannot hang the open); every check is made on that
 * descriptor: a regular file, owned by the euid or root, no group or
 * other permission bits (like a config file holding a password; for the
 * system configuration's files root:outpost 0640 is fine), at most
 * CRED_FILE_MAX bytes.  Its bytes pass only through one buffer, wiped
 * before it is freed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cred.h"

int
cred_file_path(const char *what, const char *spec, const char *credsdir,
    char *out, size_t size, struct err *e)
{
	int n;

	if (strncmp(spec, "%d", 2) == 0) {
		if (credsdir == NULL || credsdir[0] != '/')
			return err_set(e, EX_CONFIG, "%s %s: "
			    "$CREDENTIALS_DIRECTORY is not set (%%d is for a "
			    "systemd service with LoadCredential=)", what,
			    spec);
		if (spec[2] != '/')
			return err_set(e, EX_CONFIG, "%s %s: write "
			    "%%d/NAME", what, spec);
		n = snprintf(out, size, "%s%s", credsdir, spec + 2);
	} else {
		if (spec[0] != '/')
			return err_set(e, EX_CONFIG, "%s %s: not an "
			    "absolute path", what, spec);
		n = snprintf(out, size, "%s", spec);
	}
	if (n < 0 || (size_t)n >= size)
		return err_set(e, EX_CONFIG, "%s %s: path too "
		    "long", what, spec);
	return 0;
}

/*
 * The checks of a config holding a password (cfg_file.c), on the fd.
 * sys: a file of the system configuration may be root's and readable by
 * its group (root:outpost 0640), like the system file itself.
 */
static int
cred_file_check(const char *what, int fd, const char *path, bool sys,
    struct err *e)
{
	struct stat st;
	mode_t deny;

	if (fstat(fd, &st) == -1)
		return err_sys(e, EX_CONFIG, "%s %s", what, path);
	deny = sys && st.st_uid == 0 ? 037 : 077;
	if (!S_ISREG(st.st_mode))
		return err_set(e, EX_CONFIG, "%s %s: not a regular file",
		    what, path);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return err_set(e, EX_CONFIG, "%s %s must be owned by you or "
		    "root, not uid %lu", what, path,
		    (unsigned long)st.st_uid);
	if ((st.st_mode & deny) != 0)
		return err_set(e, EX_CONFIG, "%s %s must be private: it must "
		    "not be readable or writable by group or others (chmod "
		    "600 %s)", what, path, path);
	if (st.st_size > CRED_FILE_MAX)
		return err_set(e, EX_CONFIG, "%s %s: larger than %d bytes",
		    what, path, CRED_FILE_MAX);
	return 0;
}

/* Up to cap + 1 bytes, so that a file that grew is still caught. */
static int
cred_file_slurp(const char *what, int fd, const char *path, char *buf,
    size_t *len, struct err *e)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		n = read(fd, buf + *len, CRED_FILE_MAX + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_sys(e, EX_CONFIG, "%s %s", what, path);
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len > CRED_FILE_MAX)
			return err_set(e, EX_CONFIG, "%s %s: larger than %d "
			    "bytes", what, path, CRED_FILE_MAX);
	}
}

/* The first line of buf into s: "\n" and one "\r" before it dropped. */
static int
cred_file_line(const char *what, const char *buf, size_t len,
    const char *path, struct secret *s, struct err *e)
{
	const char *nl = memchr(buf, '\n', len);

	if (nl != NULL)
		len = (size_t)(nl - buf);
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return err_set(e, EX_CONFIG, "%s %s: the first line is empty",
		    what, path);
	if (len > SECRET_MAX)
		return err_set(e, EX_CONFIG, "%s %s: the secret is longer "
		    "than %d bytes", what, path, SECRET_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return err_set(e, EX_CONFIG, "%s %s: the secret contains a NUL "
		    "byte", what, path);
	memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}

int
cred_file_secret(const char *what, const char *spec, bool sys,
    struct secret *s, struct err *e)
{
	char path[PATH_MAX], *buf;
	size_t len = 0;
	int fd, rc;

	if (cred_file_path(what, spec, getenv("CREDENTIALS_DIRECTORY"), path,
	    sizeof(path), e) == -1)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY);
	if (fd == -1 && errno == ELOOP)
		return err_set(e, EX_CONFIG, "%s %s is a symbolic link: name "
		    "the file itself", what, path);
	if (fd == -1)
		return err_sys(e, EX_CONFIG, "cannot open %s %s", what, path);
	if ((buf = malloc(CRED_FILE_MAX + 1)) == NULL) {
		close(fd);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	rc = cred_file_check(what, fd, path, sys, e);
	if (rc == 0)
		rc = cred_file_slurp(what, fd, path, buf, &len, e);
	close(fd);
	if (rc == 0)
		rc = cred_file_line(what, buf, len, path, s, e);
	explicit_bzero(buf, CRED_FILE_MAX + 1);
	free(buf);
	return rc;
}

int
cred_file_read(const char *spec, struct secret *s, struct err *e)
{
	return cred_file_secret("password_file", spec, false, s, e);
}

int
cred_file_read_sys(const char *spec, struct secret *s, struct err *e)
{
	return cred_file_secret("password_file", spec, true, s, e);
}
