/*
 * t-cred.c - the password sources: which one cred_get picks (and that two
 * set is an error naming them), the %d expansion of password_file, and
 * password_file's reader on real files (first line, CR, size cap, owner
 * and mode, symlink, FIFO, directory).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cred.h"
#include "tap.h"

#define T_BIG	(CRED_FILE_MAX + 1)

static const struct {
	const char	*spec;
	const char	*credsdir;
	const char	*want;		/* path, or NULL: error */
	const char	*msg;		/* part of the error */
} paths[] = {
	{ "/etc/pw", NULL, "/etc/pw", NULL },
	{ "/etc/pw", "/run/creds/x", "/etc/pw", NULL },
	{ "%d/smtp-password", "/run/credentials/a.service",
	    "/run/credentials/a.service/smtp-password", NULL },
	{ "%d/smtp-password", NULL, NULL, "$CREDENTIALS_DIRECTORY is not set" },
	{ "%d/smtp-password", "", NULL, "$CREDENTIALS_DIRECTORY is not set" },
	{ "%d/smtp-password", "relative", NULL, "is not set" },
	{ "%dsmtp", "/run/c", NULL, "write %d/NAME" },
	{ "/x/%d/pw", "/run/c", "/x/%d/pw", NULL },
	{ "pw.txt", "/run/c", NULL, "not an absolute path" },
	{ "~/pw", NULL, NULL, "not an absolute path" },
};

static void
test_paths(void)
{
	char out[PATH_MAX];
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		err_init(&e);
		rc = cred_file_path("password_file", paths[i].spec,
		    paths[i].credsdir, out, sizeof(out), &e);
		if (paths[i].want != NULL)
			is_str(rc == 0 ? out : e.msg, paths[i].want,
			    "path %s (dir %s)", paths[i].spec,
			    paths[i].credsdir ? paths[i].credsdir : "unset");
		else
			ok(rc == -1 && e.ex == EX_CONFIG &&
			    strstr(e.msg, paths[i].msg) != NULL,
			    "path %s (dir %s): %s", paths[i].spec,
			    paths[i].credsdir ? paths[i].credsdir : "unset",
			    paths[i].msg);
	}
}

enum kind { REG, LINK, FIFO, DIR, MISSING };

static const struct {
	const char	*what;
	enum kind	 kind;
	const char	*content;
	size_t		 len;		/* 0: strlen; T_BIG: a big file */
	mode_t		 mode;
	const char	*want;		/* the password, or NULL: error */
	const char	*msg;
} files[] = {
	{ "first line", REG, "s3cret pw\nsecond\n", 0, 0600, "s3cret pw",
	    NULL },
	{ "no newline", REG, "only-line", 0, 0600, "only-line", NULL },
	{ "CRLF", REG, "crlf-pw\r\nx", 0, 0600, "crlf-pw", NULL },
	{ "one CR only", REG, "cr\r\r\n", 0, 0400, "cr\r", NULL },
	{ "spaces kept", REG, "  sp  \n", 0, 0600, "  sp  ", NULL },
	{ "empty first line", REG, "\npw\n", 0, 0600, NULL,
	    "first line is empty" },
	{ "empty file", REG, "", 0, 0600, NULL, "first line is empty" },
	{ "NUL byte", REG, "a\0b\n", 4, 0600, NULL, "NUL byte" },
	{ "group readable", REG, "pw\n", 0, 0640, NULL,
	    "must not be readable or writable by group or others" },
	{ "other readable", REG, "pw\n", 0, 0604, NULL, "chmod 600" },
	{ "too big", REG, NULL, T_BIG, 0600, NULL, "larger than" },
	{ "symlink", LINK, "pw\n", 0, 0600, NULL, "is a symbolic link" },
	{ "FIFO", FIFO, NULL, 0, 0600, NULL, "not a regular file" },
	{ "directory", DIR, NULL, 0, 0700, NULL, "not a regular file" },
	{ "missing", MISSING, NULL, 0, 0600, NULL, "cannot open" },
};

static void
file_make(const char *dir, size_t i, char *path, size_t size)
{
	char target[PATH_MAX], *big;
	size_t len = files[i].len;
	int fd;

	snprintf(path, size, "%s/f%zu", dir, i);
	snprintf(target, sizeof(target), "%s/t%zu", dir, i);
	if (files[i].kind == FIFO)
		mkfifo(path, files[i].mode);
	else if (files[i].kind == DIR)
		mkdir(path, files[i].mode);
	if (files[i].kind != REG && files[i].kind != LINK)
		return;
	fd = open(files[i].kind == LINK ? target : path,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (len == T_BIG) {
		big = malloc(len);
		memset(big, 'x', len);
		big[0] = 'p';
		big[1] = '\n';
		(void)!write(fd, big, len);
		free(big);
	} else {
		if (len == 0)
			len = strlen(files[i].content);
		(void)!write(fd, files[i].content, len);
	}
	fchmod(fd, files[i].mode);
	close(fd);
	if (files[i].kind == LINK)
		(void)!symlink(target, path);
}

static void
test_files(const char *dir)
{
	char path[PATH_MAX];
	struct secret *s;
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		file_make(dir, i, path, sizeof(path));
		err_init(&e);
		s = secret_new(&e);
		rc = cred_file_read(path, s, &e);
		if (files[i].want != NULL)
			is_str(rc == 0 ? s->buf : e.msg, files[i].want,
			    "password_file %s", files[i].what);
		else
			ok(rc == -1 && e.ex == EX_CONFIG &&
			    strstr(e.msg, files[i].msg) != NULL,
			    "password_file %s: %s", files[i].what,
			    files[i].msg);
		if (rc == -1 && files[i].want != NULL)
			diag("  %s", e.msg);
		secret_free(s);
	}
}

static const struct {
	const char	*what;
	const char	*password;
	const char	*eval;
	const char	*file;
	bool		 keyring;
	const char	*user;
	enum sasl_want	 auth;
	const char	*want;		/* the password, "" none, NULL: error */
	const char	*msg;
} picks[] = {
	{ "password", "pw1", NULL, NULL, true, "u", SASL_WANT_ON, "pw1",
	    NULL },
	{ "passwordeval", NULL, "echo ev1", NULL, true, "u", SASL_WANT_ON,
	    "ev1", NULL },
	{ "password_file", NULL, NULL, "@FILE@", true, "u", SASL_WANT_ON,
	    "from-file", NULL },
	{ "password and passwordeval", "pw1", "echo x", NULL, true, "u",
	    SASL_WANT_ON, NULL, "both password and passwordeval are set" },
	{ "password and password_file", "pw1", NULL, "/x", false, "u",
	    SASL_WANT_PLAIN, NULL, "both password and password_file are set" },
	{ "passwordeval and password_file", NULL, "echo x", "/x", false, "u",
	    SASL_WANT_ON, NULL,
	    "both passwordeval and password_file are set" },
	{ "all three", "p", "echo x", "/x", true, "u", SASL_WANT_ON, NULL,
	    "password, passwordeval and password_file are all set" },
	{ "two set even with auth off", "p", NULL, "/x", true, "u",
	    SASL_WANT_OFF, NULL, "both password and password_file" },
	{ "none, keyring off", NULL, NULL, NULL, false, "u", SASL_WANT_ON,
	    NULL, "no password (set password, passwordeval, password_file" },
	{ "none, no user", NULL, NULL, NULL, true, NULL, SASL_WANT_PLAIN,
	    NULL, "no password" },
	{ "auth off needs none", NULL, NULL, NULL, false, NULL,
	    SASL_WANT_OFF, "", NULL },
};

static void
test_picks(const char *file)
{
	struct account a;
	struct secret *s;
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.name = (char *)"acct";
		a.host = (char *)"smtp.example.com";
		a.timeout = 5;
		a.password = (char *)picks[i].password;
		a.passwordeval = (char *)picks[i].eval;
		a.password_file = (char *)picks[i].file;
		if (a.password_file != NULL &&
		    strcmp(a.password_file, "@FILE@") == 0)
			a.password_file = (char *)file;
		a.keyring = picks[i].keyring;
		a.user = (char *)picks[i].user;
		a.auth = picks[i].auth;
		err_init(&e);
		s = NULL;
		rc = cred_get(&a, &s, &e);
		if (picks[i].want != NULL)
			is_str(rc == 0 ? (s != NULL ? s->buf : "") : e.msg,
			    picks[i].want, "source: %s", picks[i].what);
		else
			ok(rc == -1 && e.ex == EX_CONFIG &&
			    strstr(e.msg, picks[i].msg) != NULL,
			    "source: %s -> %s", picks[i].what, picks[i].msg);
		secret_free(s);
	}
}

static void
cleanup(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		if (unlink(path) == -1)
			rmdir(path);
		snprintf(path, sizeof(path), "%s/t%zu", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	char dir[] = "/tmp/t-cred.XXXXXX", file[PATH_MAX];
	int fd;

	if (mkdtemp(dir) == NULL)
		return 99;
	test_paths();
	test_files(dir);
	snprintf(file, sizeof(file), "%s/picked", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	(void)!write(fd, "from-file\n", 10);
	close(fd);
	test_picks(file);
	unlink(file);
	cleanup(dir);
	return done_testing();
}
