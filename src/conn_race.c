/*
 * conn_race.c - staggered connection attempts (RFC 8305 style) over an
 * account's (port, address) candidates; the rules are in conn.h.
 *
 * Invariants: every attempt's socket is non-blocking and is closed unless
 * it is handed out as the winner; the race never outlives its deadline;
 * all state lives in one struct race, freed on every path.  A greeting
 * byte read here stays in the winner's read buffer, so the SMTP session
 * sees the whole greeting as if it had read it itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"

#define RACE_PORTS_MAX	(8 * 8)		/* "587, 2525, 465" for messages */

enum race_state {
	RT_IDLE, RT_CONNECTING, RT_GREETING, RT_DONE, RT_FAILED
};

struct race_try {
	enum race_state		 st;
	int			 fd;	/* until connected, then c->fd */
	size_t			 cand;	/* index of the caller's candidate */
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
	char			 where[CONN_ADDR_MAX];
	struct conn		*c;	/* once connected */
};

struct race {
	const struct conn_cand	*cand;
	const struct conn_via	*via;
	struct race_try		 t[CONN_RACE_MAX];
	size_t			 n;	/* attempts planned */
	size_t			 next;	/* the next one to start */
	size_t			 active; /* connecting or awaiting a greeting */
	int64_t			 next_at; /* when the next one starts */
	int			 saved;	/* errno of the last failure */
	const char		*why;	/* or its cause, when no errno */
	const char		*last;	/* where it happened */
};

void
conn_race_order(const int *family, size_t n, size_t *order)
{
	size_t a = 0, b = 0, k = 0;
	int first = n > 0 ? family[0] : 0;

	/* a walks the first address's family, b every other one */
	while (k < n) {
		while (a < n && family[a] != first)
			a++;
		if (a < n)
			order[k++] = a++;
		while (b < n && family[b] == first)
			b++;
		if (b < n)
			order[k++] = b++;
	}
}

static void
race_add(struct race *r, const struct addrinfo *ai, size_t cand)
{
	struct race_try *t = &r->t[r->n++];
	in_port_t port = htons((in_port_t)r->cand[cand].port);

	t->fd = -1;
	t->cand = cand;
	memcpy(&t->sa, ai->ai_addr, ai->ai_addrlen);
	t->salen = ai->ai_addrlen;
	if (t->sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&t->sa)->sin6_port = port;
	else
		((struct sockaddr_in *)&t->sa)->sin_port = port;
	conn_addr_format((struct sockaddr *)&t->sa, t->where,
	    sizeof(t->where));
}

/* Every (port, address) pair in preference order, CONN_RACE_MAX at most */
static int
race_build(struct race *r, const char *host, size_t ncand, struct err *e)
{
	const struct addrinfo *addrs[CONN_RACE_MAX];
	struct addrinfo *res, *ai;
	size_t order[CONN_RACE_MAX], na = 0, i, j;
	int fam[CONN_RACE_MAX];

	if (conn_resolve(host, 0, &res, e) == -1)
		return -1;
	for (ai = res; ai != NULL && na < CONN_RACE_MAX; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(struct sockaddr_storage) ||
		    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    !conn_source_fits(r->via, ai->ai_family))
			continue;
		addrs[na] = ai;
		fam[na++] = ai->ai_family;
	}
	if (na == 0) {
		freeaddrinfo(res);
		if (r->via != NULL && r->via->source_ip != NULL)
			return err_set(e, EX_UNAVAILABLE, "no address of %s "
			    "has the family of source_ip %s", host,
			    r->via->source_ip);
		return err_set(e, EX_NOHOST, "host %s has no IP address",
		    host);
	}
	conn_race_order(fam, na, order);
	for (i = 0; i < ncand; i++)
		for (j = 0; j < na && r->n < CONN_RACE_MAX; j++)
			race_add(r, addrs[order[j]], i);
	freeaddrinfo(res);
	return 0;
}

/* The attempt failed: the next one may start at once. */
static void
race_fail(struct race *r, struct race_try *t, int err, const char *why)
{
	if (t->st == RT_CONNECTING || t->st == RT_GREETING)
		r->active--;
	log_debug("%s: %s", t->where, why != NULL ? why : strerror(err));
	if (t->c != NULL)
		conn_close(t->c);
	else if (t->fd != -1)
		close(t->fd);
	t->c = NULL;
	t->fd = -1;
	t->st = RT_FAILED;
	r->saved = err;
	r->why = why;
	r->last = t->where;
	r->next_at = deadline_now_ms();
}

static void
race_start(struct race *r)
{
	struct race_try *t = &r->t[r->next++];

	log_debug("trying %s", t->where);
	t->fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP);
	if (t->fd == -1 || conn_source_bind(t->fd, r->via) == -1 ||
	    (connect(t->fd, (struct sockaddr *)&t->sa, t->salen) == -1 &&
	    errno != EINPROGRESS)) {
		race_fail(r, t, errno, NULL);
		return;
	}
	t->st = RT_CONNECTING;
	r->active++;
	r->next_at = deadline_now_ms() + CONN_STAGGER_MS;
}

static int
race_connected(struct race *r, struct race_try *t, struct err *e)
{
	socklen_t sl = sizeof(int);
	int soerr = 0;

	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
		soerr = errno;
	if (soerr != 0) {
		race_fail(r, t, soerr, NULL);
		return 0;
	}
	t->c = conn_adopt(t->fd, r->cand[t->cand].port, t->where, e);
	t->fd = -1;
	if (t->c == NULL)
		return -1;
	if (r->cand[t->cand].greet) {
		t->st = RT_GREETING;
	} else {
		t->st = RT_DONE;
		r->active--;
	}
	return 0;
}

/* Read what the server sent: done at the end of the first line. */
static void
race_greet(struct race *r, struct race_try *t)
{
	struct conn *c = t->c;
	ssize_t n;

	n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0);
	if (n == -1 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		race_fail(r, t, n == 0 ? 0 : errno, n == 0 ?
		    "connection closed before the greeting" : NULL);
		return;
	}
	c->rlen += (size_t)n;
	if (memchr(c->rbuf, '\n', c->rlen) != NULL ||
	    c->rlen > REPLY_MAX_LINE) {
		t->st = RT_DONE;
		r->active--;
	}
}

/* One poll round over the live attempts, until the next start is due. */
static int
race_poll(struct race *r, deadline_t d, struct err *e)
{
	struct pollfd pfd[CONN_RACE_MAX];
	size_t idx[CONN_RACE_MAX], np = 0, i;
	int64_t until;
	int wait, n;

	for (i = 0; i < r->next; i++) {
		if (r->t[i].st == RT_CONNECTING) {
			pfd[np].fd = r->t[i].fd;
			pfd[np].events = POLLOUT;
		} else if (r->t[i].st == RT_GREETING) {
			pfd[np].fd = r->t[i].c->fd;
			pfd[np].events = POLLIN;
		} else {
			continue;
		}
		pfd[np].revents = 0;
		idx[np++] = i;
	}
	wait = deadline_left_ms(d);
	if (r->next < r->n) {
		until = r->next_at - deadline_now_ms();
		until = until < 0 ? 0 : until;
		if (wait < 0 || until < wait)
			wait = (int)until;
	}
	n = poll(pfd, np, wait);
	if (n == -1)
		return errno == EINTR ? 0 : err_sys(e, EX_OSERR, "poll");
	for (i = 0; i < np; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (r->t[idx[i]].st == RT_GREETING)
			race_greet(r, &r->t[idx[i]]);
		else if (race_connected(r, &r->t[idx[i]], e) == -1)
			return -1;
	}
	return 0;
}

static struct conn *
race_run(struct race *r, deadline_t d, size_t *won, struct err *e)
{
	struct conn *c;
	size_t i;

	for (;;) {
		/* a winner first: nothing new starts once one is done */
		for (i = 0; i < r->next; i++) {
			if (r->t[i].st != RT_DONE)
				continue;
			*won = r->t[i].cand;
			c = r->t[i].c;
			r->t[i].c = NULL;
			return c;
		}
		while (r->next < r->n && (r->active == 0 ||
		    deadline_now_ms() >= r->next_at))
			race_start(r);
		if ((r->active == 0 && r->next == r->n) ||
		    deadline_expired(d))
			return NULL;
		if (race_poll(r, d, e) == -1)
			return NULL;
	}
}

static void
race_error(const struct race *r, const char *host, size_t ncand,
    struct err *e)
{
	char ports[RACE_PORTS_MAX];
	size_t i, o = 0;
	int n;

	for (i = 0; i < r->next; i++)
		if (r->t[i].st == RT_GREETING) {
			err_set(e, EX_TEMPFAIL, "%s sent no greeting in time",
			    r->t[i].where);
			return;
		}
	ports[0] = '\0';
	for (i = 0; i < ncand && o < sizeof(ports); i++) {
		n = snprintf(ports + o, sizeof(ports) - o, "%s%d",
		    i > 0 ? ", " : "", r->cand[i].port);
		o += n > 0 ? (size_t)n : 0;
	}
	if (r->next < r->n || r->active > 0)
		err_set(e, EX_TEMPFAIL, "cannot connect to %s port %s: timed "
		    "out", host, ports);
	else if (r->why != NULL)
		err_set(e, EX_TEMPFAIL, "%s: %s", r->last, r->why);
	else {
		errno = r->saved;
		err_sys(e, EX_TEMPFAIL, "cannot connect to %s port %s%s%s",
		    host, ports, r->via != NULL && r->via->source_ip != NULL ?
		    " from " : "", r->via != NULL && r->via->source_ip !=
		    NULL ? r->via->source_ip : "");
	}
}

struct conn *
conn_open_race(const char *host, const struct conn_cand *cand,
    size_t ncand, const struct conn_via *via, deadline_t d, size_t *won,
    struct err *e)
{
	struct race *r;
	struct conn *c = NULL;
	size_t i;

	if (via != NULL && via->proxy != NULL)
		return conn_race_proxied(host, cand, ncand, via, d, won, e);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	r->cand = cand;
	r->via = via;
	if (race_build(r, host, ncand, e) == 0) {
		c = race_run(r, d, won, e);
		if (c == NULL && !err_is_set(e))
			race_error(r, host, ncand, e);
	}
	for (i = 0; i < r->n; i++) {
		if (r->t[i].c != NULL)
			conn_close(r->t[i].c);
		else if (r->t[i].fd != -1)
			close(r->t[i].fd);
	}
	free(r);
	return c;
}
