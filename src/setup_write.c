/*
 * setup_write.c - the account setup writes, and its secret file.
 *
 * The config is rewritten whole and atomically (fd_replace_file(): a
 * temporary file beside it, fsync, rename), so a reader sees the old file
 * or the new one and an interrupted setup leaves nothing half-written.
 * A new file is created with its [defaults] naming the account; an
 * existing one keeps every byte and gets the account appended, or with
 * force its old section replaced.  Without force an existing account is
 * never touched.  The per-user file is 0600; the system file and its
 * secret are root:outpost 0640, as the Debian package writes them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "fdio.h"
#include "priv.h"
#include "setup_write.h"

/* The start of the line after p's. */
static const char *
sw_next(const char *p)
{
	p += strcspn(p, "\n");
	return *p != '\0' ? p + 1 : p;
}

/* The line at p is "[name]" (name NULL: any section header). */
static bool
sw_header(const char *p, const char *name)
{
	size_t nl;

	p += strspn(p, " \t");
	if (*p != '[')
		return false;
	if (name == NULL)
		return true;
	nl = strlen(name);
	return strncmp(p + 1, name, nl) == 0 && p[1 + nl] == ']';
}

/* The [name] section of text: its start and the start of the next. */
static const char *
sw_section(const char *text, const char *name, const char **end)
{
	const char *p;

	for (p = text; *p != '\0'; p = sw_next(p)) {
		if (!sw_header(p, name))
			continue;
		for (*end = sw_next(p); **end != '\0' &&
		    !sw_header(*end, NULL); *end = sw_next(*end))
			;
		return p;
	}
	return NULL;
}

int
setup_write_text(const char *old, const char *name, const char *account,
    bool force, char **out, struct err *e)
{
	const char *start, *end = NULL;
	size_t len, keep, rest, n;
	char *t;

	if (old == NULL) {
		len = strlen(name) + strlen(account) + 64;
		if ((t = malloc(len)) == NULL)
			return err_sys(e, EX_OSERR, "out of memory");
		snprintf(t, len, "[defaults]\naccount = %s\n\n%s", name,
		    account);
		*out = t;
		return 0;
	}
	start = sw_section(old, name, &end);
	if (start != NULL && !force)
		return err_set(e, EX_CANTCREAT, "setup: account '%s' exists "
		    "already (--force replaces it; -a NAME writes another)",
		    name);
	keep = start != NULL ? (size_t)(start - old) : strlen(old);
	rest = start != NULL ? strlen(end) : 0;
	len = keep + rest + strlen(account) + 3;
	if ((t = malloc(len)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	memcpy(t, old, keep);
	memcpy(t + keep, end != NULL ? end : "", rest);
	n = keep + rest;
	if (n > 0 && t[n - 1] != '\n')
		t[n++] = '\n';
	if (n > 0)
		t[n++] = '\n';
	memcpy(t + n, account, strlen(account) + 1);
	*out = t;
	return 0;
}

void
setup_default_account(const char *text, char *buf, size_t cap)
{
	const char *p, *end = NULL, *v;
	size_t n;

	buf[0] = '\0';
	if (text == NULL || (p = sw_section(text, "defaults", &end)) == NULL)
		return;
	for (p = sw_next(p); p < end; p = sw_next(p)) {
		p += strspn(p, " \t");
		if (strncmp(p, "account", 7) != 0)
			continue;
		v = p + 7 + strspn(p + 7, " \t");
		if (*v != '=')
			continue;
		v += 1 + strspn(v + 1, " \t");
		n = strcspn(v, " \t\r\n;#");
		snprintf(buf, cap, "%.*s", (int)n, v);
	}
}

int
setup_read_file(const char *path, char **text, struct err *e)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 0 : err_sys(e, EX_NOINPUT, "%s",
		    path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SETUP_CONF_MAX) {
		close(fd);
		return err_set(e, EX_CONFIG, "%s: not a regular file of at "
		    "most %d bytes", path, SETUP_CONF_MAX);
	}
	if ((*text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, *text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	(*text)[got] = '\0';
	return 1;
}

/* mkdir -p of the directory part of path, each new level 0700. */
static int
sw_mkdirs(const char *path, struct err *e)
{
	char dir[PATH_MAX], *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return err_set(e, EX_CANTCREAT, "path too long");
	for (slash = strchr(dir + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return err_sys(e, EX_CANTCREAT, "%s", dir);
		*slash = '/';
	}
	return 0;
}

/*
 * The system file's group: the one the existing file, else the system
 * config, has (the package or make install-system made them
 * root:outpost), else the group outpost.
 */
static int
sw_group(const char *path, gid_t *gid, struct err *e)
{
	struct group *g;
	struct stat st;

	if ((stat(path, &st) == 0 && st.st_uid == 0) ||
	    (stat(priv_path(PRIV_PATH_CONFIG), &st) == 0 && st.st_uid == 0)) {
		*gid = st.st_gid;
		return 0;
	}
	if ((g = getgrnam("outpost")) == NULL)
		return err_set(e, EX_NOUSER, "setup --system: no group "
		    "outpost (the outpost-mta package makes it)");
	*gid = g->gr_gid;
	return 0;
}

int
setup_write_file(const char *path, const void *data, size_t len,
    bool system, struct err *e)
{
	gid_t gid = 0;

	if ((system && sw_group(path, &gid, e) == -1) ||
	    sw_mkdirs(path, e) == -1)
		return -1;
	if (fd_replace_file(path, data, len, system ? 0640 : 0600,
	    system ? 0 : (uid_t)-1, gid) == -1)
		return err_sys(e, EX_CANTCREAT, "writing %s", path);
	return 0;
}
