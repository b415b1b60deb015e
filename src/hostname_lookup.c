/*
 * hostname_lookup.c - the resolver's name for this host, bounded and
 * remembered.
 *
 * When the host name has no dot and /etc/mailname gives none, the EHLO
 * name is the resolver's canonical name for the host name.  getaddrinfo()
 * has no deadline: with the name not in /etc/hosts and DNS unreachable it
 * stalls every send for 10 s or more before the smarthost is even tried.
 * So the lookup runs in a worker thread and the caller waits at most
 * HOSTNAME_RESOLVE_MS (a stalled worker is left behind; it owns its job
 * and frees it, as in cred_keyring.c), and the answer - a name, or none
 * - is kept in the state directory ($XDG_STATE_HOME/outpost/hostname,
 * "HOST TAB NAME" or "HOST TAB" for none): a name for
 * HOSTNAME_CACHE_TTL, none for HOSTNAME_NONE_TTL, and only for the same
 * host name.  The file is only a cache: it is ignored unless it is ours,
 * and any failure to read or write it just means asking the resolver.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "hostname.h"
#include "worker.h"

#define HOSTNAME_FILE_MAX	(2 * HOSTNAME_MAX + 4)

/* One lookup; the worker may outlive the caller (worker.h). */
struct hn_job {
	bool		 ok;
	char		 host[HOSTNAME_MAX + 1];
	char		 name[HOSTNAME_MAX + 1];
};

static int
hn_cache_path(char *buf, size_t cap)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(buf, cap, "%s/outpost/hostname", x);
	else if (h != NULL && h[0] == '/')
		n = snprintf(buf, cap, "%s/.local/state/outpost/hostname", h);
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* 1: a fresh name in out, 0: a fresh "none", -1: nothing usable. */
static int
hn_cache_read(const char *host, char *out, size_t cap)
{
	char path[PATH_MAX], buf[HOSTNAME_FILE_MAX + 1], *tab, *nl;
	struct stat st;
	time_t now = time(NULL);
	ssize_t n;
	int fd;

	if (hn_cache_path(path, sizeof(path)) == -1)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_mtime > now ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0) {
		close(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	if ((tab = strchr(buf, '\t')) == NULL ||
	    (nl = strchr(tab, '\n')) == NULL)
		return -1;
	*tab = *nl = '\0';
	if (strcmp(buf, host) != 0)
		return -1;		/* written under another host name */
	if (tab[1] == '\0')
		return now - st.st_mtime < HOSTNAME_NONE_TTL ? 0 : -1;
	if (now - st.st_mtime >= HOSTNAME_CACHE_TTL ||
	    !hostname_usable(tab + 1))
		return -1;
	snprintf(out, cap, "%s", tab + 1);
	return 1;
}

/* mkdir -p of path's directory (0700 levels), then the file (fdio.h). */
static void
hn_cache_write(const char *host, const char *name)
{
	char path[PATH_MAX], text[HOSTNAME_FILE_MAX];
	char *slash;
	int n, ok;

	if (hn_cache_path(path, sizeof(path)) == -1)
		return;
	for (slash = strchr(path + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ok = mkdir(path, 0700) == 0 || errno == EEXIST;
		*slash = '/';
		if (!ok)
			return;
	}
	n = snprintf(text, sizeof(text), "%s\t%s\n", host, name);
	if (n < 0 || (size_t)n >= sizeof(text))
		return;
	(void)fd_replace_file(path, text, (size_t)n, 0600, (uid_t)-1,
	    (gid_t)-1);
}

static void
hn_thread(void *arg)
{
	struct hn_job *j = arg;
	struct addrinfo hints, *res;

#ifdef OUTPOST_TEST_HOOKS
	/* a resolver that stalls (DNS unreachable), for the tests */
	const char *delay = getenv("OUTPOST_TEST_RESOLVE_DELAY_MS");
	struct timespec ts;

	if (delay != NULL) {
		long ms = strtol(delay, NULL, 10);

		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
#endif
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(j->host, NULL, &hints, &res) == 0) {
		if (res->ai_canonname != NULL &&
		    hostname_usable(res->ai_canonname)) {
			snprintf(j->name, sizeof(j->name), "%s",
			    res->ai_canonname);
			j->ok = true;
		}
		freeaddrinfo(res);
	}
}

/* The lookup under the deadline: true with a name in out. */
static bool
hn_resolve(const char *host, char *out, size_t cap)
{
	struct hn_job *j;
	bool ok;
	int r;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return false;
	snprintf(j->host, sizeof(j->host), "%s", host);
	if ((r = worker_run(hn_thread, free, j, HOSTNAME_RESOLVE_MS)) == 0)
		return false;	/* the worker owns j now */
	ok = r == 1 && j->ok;
	if (ok)
		snprintf(out, cap, "%s", j->name);
	free(j);
	return ok;
}

bool
hostname_lookup(const char *host, char *out, size_t cap)
{
	int c;

	if ((c = hn_cache_read(host, out, cap)) != -1)
		return c == 1;
	if (hn_resolve(host, out, cap)) {
		hn_cache_write(host, out);
		return true;
	}
	/* no name, or none in time: do not ask again on every send */
	hn_cache_write(host, "");
	return false;
}
