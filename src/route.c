/*
 * route.c - the remembered endpoint per account (see route.h).
 *
 * Pure text functions (route_path, route_find, route_edit) and the file
 * I/O around them.  Account names cannot hold control bytes (cfg.c), so
 * TAB and LF separate fields and lines unambiguously.  The directory is
 * made 0700 and the file 0600: it says which provider and port a user
 * relays through.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "paths.h"
#include "route.h"

int
route_path(const char *xdg, const char *home, char *buf, size_t cap)
{
	return paths_xdg(xdg, home, ".local/state", "outpost/routes", buf,
	    cap);
}

/* The line at p (up to end) is the account's: its first field matches */
static int
route_is_account(const char *p, const char *end, const char *account)
{
	size_t alen = strlen(account);

	return (size_t)(end - p) > alen && memcmp(p, account, alen) == 0 &&
	    p[alen] == '\t';
}

/* "HOST TAB PORT" (from..end) into r: 0, or -1 when malformed. */
static int
route_parse(const char *p, const char *end, struct route *r)
{
	const char *tab = memchr(p, '\t', (size_t)(end - p));
	long port = 0;
	size_t hlen;

	if (tab == NULL || tab == p || end - tab < 2 || end - tab > 6)
		return -1;
	hlen = (size_t)(tab - p);
	if (hlen >= sizeof(r->host) || memchr(p, '\t', hlen) != NULL)
		return -1;
	for (tab++; tab < end; tab++) {
		if (*tab < '0' || *tab > '9')
			return -1;
		port = port * 10 + (*tab - '0');
	}
	if (port < 1 || port > 65535)
		return -1;
	memcpy(r->host, p, hlen);
	r->host[hlen] = '\0';
	r->port = (int)port;
	return 0;
}

int
route_find(const char *text, size_t len, const char *account,
    struct route *r)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return 0;	/* a torn last line: nothing */
		if (route_is_account(p, nl, account))
			return route_parse(p + strlen(account) + 1, nl,
			    r) == 0;
		p = nl + 1;
	}
	return 0;
}

int
route_edit(const char *text, size_t len, const char *account,
    const struct route *r, char *out, size_t cap)
{
	const char *p = text, *end = text + len, *nl;
	size_t o = 0, n;
	int w;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		n = (size_t)(nl - p) + 1;
		if (!route_is_account(p, nl, account)) {
			if (o + n >= cap)
				return -1;
			memcpy(out + o, p, n);
			o += n;
		}
		p = nl + 1;
	}
	out[o] = '\0';
	if (r == NULL)
		return 0;
	w = snprintf(out + o, cap - o, "%s\t%s\t%d\n", account, r->host,
	    r->port);
	return w < 0 || (size_t)w >= cap - o ? -1 : 0;
}

/* The file's bytes into buf (NUL-terminated); 0 bytes when unreadable. */
static size_t
route_read(const char *path, char *buf, size_t cap)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	while (len < cap - 1) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == cap - 1)
		len = 0;	/* too large to be ours: start afresh */
	buf[len] = '\0';
	return len;
}

int
route_load(const char *account, struct route *r)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int found;

	if (route_path(getenv("XDG_STATE_HOME"), getenv("HOME"), path,
	    sizeof(path)) == -1 || (buf = malloc(ROUTE_FILE_MAX)) == NULL)
		return 0;
	len = route_read(path, buf, ROUTE_FILE_MAX);
	found = route_find(buf, len, account, r);
	free(buf);
	return found;
}

/* mkdir -p of the directory part of path, each new level 0700. */
static int
route_mkdirs(char *path)
{
	char *slash;

	for (slash = strchr(path + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

/* The directories, then the file replaced whole (fdio.h). */
static int
route_write(char *path, const char *text)
{
	if (route_mkdirs(path) == -1)
		return -1;
	return fd_replace_file(path, text, strlen(text), 0600, (uid_t)-1,
	    (gid_t)-1);
}

void
route_store(const char *account, const struct route *r)
{
	char path[PATH_MAX], *buf, *out;
	size_t len;

	if (route_path(getenv("XDG_STATE_HOME"), getenv("HOME"), path,
	    sizeof(path)) == -1)
		return;
	buf = malloc(ROUTE_FILE_MAX);
	out = malloc(ROUTE_FILE_MAX);
	if (buf != NULL && out != NULL) {
		len = route_read(path, buf, ROUTE_FILE_MAX);
		if (route_edit(buf, len, account, r, out, ROUTE_FILE_MAX) ==
		    -1 || route_write(path, out) == -1)
			log_debug("cannot update %s", path);
	}
	free(buf);
	free(out);
}
