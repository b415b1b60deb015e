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
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "hostname.h"

#define HOSTNAME_FILE_MAX	(2 * HOSTNAME_MAX + 4)

struct hn_job {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
	bool		 abandoned;	/* the caller gave up: thread frees */
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

/* mkdir -p of path's directory (0700 levels), then tmp + rename. */
static void
hn_cache_write(const char *host, const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32], text[HOSTNAME_FILE_MAX];
	char *slash;
	int fd, n, ok;

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
	n = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return;
	n = snprintf(text, sizeof(text), "%s\t%s\n", host, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return;
	ok = fd_write_all(fd, text, (size_t)n) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1)
		unlink(tmp);
}

static void
hn_job_free(struct hn_job *j)
{
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

static void *
hn_thread(void *arg)
{
	struct hn_job *j = arg;
	struct addrinfo hints, *res;
	bool abandoned;

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
	pthread_mutex_lock(&j->mu);
	j->done = true;
	abandoned = j->abandoned;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	if (abandoned)
		hn_job_free(j);
	return NULL;
}

/* The lookup under the deadline: true with a name in out. */
static bool
hn_resolve(const char *host, char *out, size_t cap)
{
	pthread_condattr_t ca;
	struct timespec ts;
	struct hn_job *j;
	pthread_t t;
	bool done, ok;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return false;
	snprintf(j->host, sizeof(j->host), "%s", host);
	pthread_mutex_init(&j->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, hn_thread, j) != 0) {
		hn_job_free(j);
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += HOSTNAME_RESOLVE_MS / 1000;
	ts.tv_nsec += (HOSTNAME_RESOLVE_MS % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (!j->done)
		if (pthread_cond_timedwait(&j->cv, &j->mu, &ts) == ETIMEDOUT)
			break;
	done = j->done;
	j->abandoned = !done;
	pthread_mutex_unlock(&j->mu);
	if (!done) {
		pthread_detach(t);	/* it frees j when it is done */
		return false;
	}
	pthread_join(t, NULL);
	ok = j->ok;
	if (ok)
		snprintf(out, cap, "%s", j->name);
	hn_job_free(j);
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
