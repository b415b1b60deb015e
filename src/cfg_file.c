/*
 * cfg_file.c - the configuration file: find it, open it, check it, feed
 * its lines to inih.
 *
 * The file is opened once and every check is made on that descriptor
 * (fstat), so -C /dev/fd/N and pipes work and a symlink cannot swap the
 * file between check and use.  inih reads the file
 * through cfg_read_line(), which counts lines (the Debian build passes no
 * line number to handlers), strips indentation (so no line ever continues
 * the previous key), refuses over-long lines, NUL bytes, "key: value" and,
 * where inih cannot be told to keep " ;" in a value, lines that it would
 * cut (t-cfg-file has a row for each such inih quirk); cfg_ini_knobs()
 * sets inih's runtime knobs where
 * they exist.  Parsing and resolving the values is cfg.c.
 * Invariants: the reader returns no line after the first error; every
 * file read is owned by the euid or root and not writable by group or
 * others; one that holds password or passwordeval is owned by the euid
 * (or root, for the system file) and private; the file's bytes pass only
 * through our stdio buffer and inih's line buffer, both wiped after the
 * parse.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <ini.h>

#include "cfg.h"
#include "cfg_int.h"
#include "paths.h"
#include "priv.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
/* the test sysroot of test builds may move it (priv_path.c) */
#define CFG_SYSTEM_FILE	priv_path(PRIV_PATH_CONFIG)
#define CFG_MAX_LINE	(CFG_MAX_VALUE + 64)	/* inih buffer, Debian knob */

#if defined(HAVE_DECL_INI_ALLOW_INLINE_COMMENTS) && \
    HAVE_DECL_INI_ALLOW_INLINE_COMMENTS && \
    defined(HAVE_DECL_INI_ALLOW_MULTILINE) && HAVE_DECL_INI_ALLOW_MULTILINE && \
    defined(HAVE_DECL_INI_MAX_LINE) && HAVE_DECL_INI_MAX_LINE
#define CFG_INI_KNOBS	1
#else
#define CFG_INI_KNOBS	0
#endif

/* Checks on one indentation-free line; 0 (with c->err) to stop. */
static int
cfg_check_line(struct cfg_ctx *c, const char *line)
{
	size_t n;

	if (line[0] == ';' || line[0] == '#' || line[0] == '\0')
		return 1;
#if !CFG_INI_KNOBS
	for (n = 1; line[n] != '\0'; n++)
		if (line[n] == ';' && isspace((unsigned char)line[n - 1]))
			return cfg_fail(c, "this inih build would cut the "
			    "line at ' ;' (write ';' without a space before "
			    "it)");
#endif
	if (line[0] == '[')
		return cfg_section_line(c, line);
	n = strcspn(line, "=:");
	if (line[n] == ':')
		return cfg_fail(c, "write 'key = value' (':' is not a "
		    "separator here)");
	return 1;
}

/* The reader stops: wipe inih's line buffer, which held the last line. */
static char *
cfg_read_stop(char *str, int num)
{
	if (num > 0)
		explicit_bzero(str, (size_t)num);
	return NULL;
}

/*
 * The inih reader: one line per call, like fgets, with the checks above.
 * At most num - 2 bytes fit (plus '\n' and NUL); a longer line, a NUL
 * byte or an earlier error stops parsing (returns NULL).  str is inih's
 * line buffer: it is wiped before each line and when reading stops, so no
 * copy of a password line outlives the parse.
 */
char *
cfg_read_line(char *str, int num, void *stream)
{
	struct cfg_ctx *c = stream;
	size_t len = 0, max, skip = 0;
	int ch = EOF;

	if (c->errline != 0 || num < 3)
		return cfg_read_stop(str, num);
	explicit_bzero(str, (size_t)num);
	max = (size_t)num - 2;
	for (;;) {
		if ((ch = getc(c->fp)) == EOF || ch == '\n')
			break;
		if (ch == '\0') {
			c->lineno++;
			cfg_fail(c, "NUL byte in line");
			return cfg_read_stop(str, num);
		}
		if (len == max) {
			c->lineno++;
			cfg_fail(c, "line %d longer than %zu characters",
			    c->lineno, max);
			return cfg_read_stop(str, num);
		}
		str[len++] = (char)ch;
	}
	if (ferror(c->fp)) {
		cfg_fail(c, "read error");
		return cfg_read_stop(str, num);
	}
	if (ch == EOF && len == 0)
		return cfg_read_stop(str, num);
	str[len] = '\0';
	c->lineno++;
	if (c->lineno == 1 && len >= 3 && memcmp(str, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	while (skip < len && isspace((unsigned char)str[skip]))
		skip++;
	memmove(str, str + skip, len - skip + 1);
	if (cfg_check_line(c, str) == 0)
		return cfg_read_stop(str, num);
	return str;
}

void
cfg_ini_knobs(void)
{
#if CFG_INI_KNOBS
	ini_allow_inline_comments = 0;
	ini_allow_multiline = 0;
	ini_max_line = CFG_MAX_LINE;
#endif
}

/*
 * Every file, before it is read: it names the commands outpost runs as
 * the caller (passwordeval) and where mail goes (host, tls_trust_file),
 * so only the euid or root may own or write it.  A pipe from -C <(...)
 * is the euid's anyway.
 */
static int
cfg_check_file(const struct stat *st, const char *path, bool sys,
    struct err *e)
{
	struct stat dst;

	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode))
		return err_set(e, EX_CONFIG, "%s: not a regular file or pipe",
		    path);
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return err_set(e, EX_CONFIG, "%s must be owned by you or root, "
		    "not uid %lu, who could make outpost run commands as you "
		    "or send your mail elsewhere (use a copy that you own, "
		    "mode 600)", path, (unsigned long)st->st_uid);
	if ((st->st_mode & 022) != 0)
		return err_set(e, EX_CONFIG, "%s must not be writable by group "
		    "or others, who could make outpost run commands as you or "
		    "send your mail elsewhere (chmod %s %s)", path,
		    sys ? "go-w" : "600", path);
	if (sys && stat(SYSCONFDIR, &dst) == 0 && (dst.st_mode & 002) != 0)
		return err_set(e, EX_CONFIG, "%s: directory %s is "
		    "world-writable", path, SYSCONFDIR);
	return 0;
}

/*
 * After parsing, a file holding password or passwordeval (a command line
 * may carry a secret too): owned by the euid (or root for the system
 * file) and private.
 */
static int
cfg_check_secret(const struct stat *st, const char *path, bool sys,
    const struct config *cfg, struct err *e)
{
	const char *what = NULL;
	size_t i;

	for (i = 0; i < cfg->naccounts; i++)
		if (cfg->accounts[i].password != NULL)
			what = "a password";
		else if (cfg->accounts[i].passwordeval != NULL && what == NULL)
			what = "passwordeval";
	if (what == NULL)
		return 0;
	if (st->st_uid != geteuid() && !(sys && st->st_uid == 0))
		return err_set(e, EX_CONFIG, "%s holds %s, so it must be owned "
		    "by you (use a copy that you own, mode 600)", path, what);
	/* a setgid build's system file is root:outpost 0640 */
	if ((st->st_mode & (sys && st->st_uid == 0 && priv_system_build() ?
	    037 : 077)) != 0)
		return err_set(e, EX_CONFIG, "%s holds %s, so it must not be "
		    "readable or writable by group or others (chmod 600 %s)",
		    path, what, path);
	return 0;
}

int
cfg_parse_private(FILE *fp, char *buf, size_t size, const char *name,
    struct config *cfg, struct err *e)
{
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (setvbuf(fp, buf, _IOFBF, size) != 0)
		r = err_set(e, EX_OSERR, "%s: cannot set a read buffer", name);
	else
		r = cfg_parse_stream(fp, name, cfg, e);
	fclose(fp);
	explicit_bzero(buf, size);
	return r;
}

static int
cfg_load_fd(int fd, const char *path, struct config *cfg, struct err *e)
{
	char iobuf[CFG_IOBUF];
	struct stat st;
	FILE *fp;
	bool sys = strcmp(path, CFG_SYSTEM_FILE) == 0;
	int r;

	if (fstat(fd, &st) == -1)
		r = err_sys(e, EX_CONFIG, "%s", path);
	else
		r = cfg_check_file(&st, path, sys, e);
	if (r == -1 || (fp = fdopen(fd, "r")) == NULL) {
		if (r == 0)
			err_sys(e, EX_OSERR, "%s", path);
		close(fd);
		return -1;
	}
	if (cfg_parse_private(fp, iobuf, sizeof(iobuf), path, cfg, e) == -1)
		return -1;
	if (cfg_check_secret(&st, path, sys, cfg, e) == -1) {
		cfg_free(cfg);
		return -1;
	}
	return 0;
}

int
cfg_load(const char *path, struct config *cfg, struct err *e)
{
	char user[PATH_MAX];
	int fd;

	memset(cfg, 0, sizeof(*cfg));
	if (path != NULL) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return err_sys(e, EX_CONFIG, "cannot open %s", path);
		return cfg_load_fd(fd, path, cfg, e);
	}
	if (paths_user_config(user, sizeof(user)) == -1)
		snprintf(user, sizeof(user), "~/.config/outpost/config");
	else if ((fd = open(user, O_RDONLY | O_CLOEXEC)) != -1)
		return cfg_load_fd(fd, user, cfg, e);
	else if (errno != ENOENT && errno != ENOTDIR)
		return err_sys(e, EX_CONFIG, "cannot open %s", user);
	if ((fd = open(CFG_SYSTEM_FILE, O_RDONLY | O_CLOEXEC)) != -1)
		return cfg_load_fd(fd, CFG_SYSTEM_FILE, cfg, e);
	if (errno != ENOENT && errno != ENOTDIR)
		return err_sys(e, EX_CONFIG, "cannot open %s", CFG_SYSTEM_FILE);
	return err_set(e, EX_CONFIG, "no configuration: neither %s nor %s "
	    "exists (or give -C FILE)", user, CFG_SYSTEM_FILE);
}
