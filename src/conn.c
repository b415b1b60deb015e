/*
 * conn.c - TCP connection with deadlines and buffered line I/O.
 *
 * Every wait is a poll() against an absolute deadline; sockets are
 * non-blocking so no syscall can outlive it.  TCP_NODELAY is set because
 * every flush ends a flight: Nagle would only delay it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "conn.h"

static void	plain_close(struct conn *);

static const struct conn_ops plain_ops = {
	conn_plain_recv,
	conn_plain_send,
	plain_close
};

int
conn_wait(struct conn *c, short events, deadline_t d)
{
	struct pollfd pfd;
	int n;

	pfd.fd = c->fd;
	pfd.events = events;
	for (;;) {
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline_left_ms(d));
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

ssize_t
conn_plain_recv(struct conn *c, void *buf, size_t len, deadline_t d,
    struct err *e)
{
	ssize_t n;
	int w;

	for (;;) {
		n = recv(c->fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_sys(e, EX_TEMPFAIL, "read from %s",
			    c->addr);
		w = conn_wait(c, POLLIN, d);
		if (w == 0) {
			c->timed_out = true;
			return err_set(e, EX_TEMPFAIL,
			    "timed out waiting for %s", c->addr);
		}
		if (w < 0)
			return err_sys(e, EX_OSERR, "poll");
	}
}

ssize_t
conn_plain_send(struct conn *c, const void *buf, size_t len, deadline_t d,
    struct err *e)
{
	ssize_t n;
	int w;

	for (;;) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_sys(e, EX_TEMPFAIL, "write to %s",
			    c->addr);
		w = conn_wait(c, POLLOUT, d);
		if (w == 0) {
			c->timed_out = true;
			return err_set(e, EX_TEMPFAIL,
			    "timed out writing to %s", c->addr);
		}
		if (w < 0)
			return err_sys(e, EX_OSERR, "poll");
	}
}

static void
plain_close(struct conn *c)
{
	(void)c;
}

void
conn_addr_format(const struct sockaddr *sa, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const struct sockaddr_in *s4 = (const void *)sa;
	const void *p;
	int port;

	if (sa->sa_family == AF_INET6) {
		p = &s6->sin6_addr;
		port = ntohs(s6->sin6_port);
	} else {
		p = &s4->sin_addr;
		port = ntohs(s4->sin_port);
	}
	if (inet_ntop(sa->sa_family, p, host, sizeof(host)) == NULL)
		snprintf(host, sizeof(host), "?");
	if (sa->sa_family == AF_INET6)
		snprintf(out, cap, "[%s]:%d", host, port);
	else
		snprintf(out, cap, "%s:%d", host, port);
}

/* One non-blocking connect within d.  0 ok, -1 with errno set. */
static int
connect_one(int fd, const struct addrinfo *ai, deadline_t d)
{
	struct pollfd pfd;
	socklen_t sl;
	int n, soerr;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		n = poll(&pfd, 1, deadline_left_ms(d));
		if (n > 0)
			break;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
	sl = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
		return -1;
	if (soerr != 0) {
		errno = soerr;
		return -1;
	}
	return 0;
}

int
conn_resolve(const char *host, int port, struct addrinfo **res, struct err *e)
{
	struct addrinfo hints;
	char service[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, res);
	if (rc == 0)
		return 0;
	e->flags |= ERR_RESOLVE;
	if (rc == EAI_NONAME)
		return err_set(e, EX_NOHOST, "host %s not found", host);
	if (rc == EAI_SYSTEM)
		return err_sys(e, EX_TEMPFAIL, "cannot resolve %s", host);
	return err_set(e, EX_TEMPFAIL, "cannot resolve %s: %s", host,
	    gai_strerror(rc));
}

static void
conn_note_local(struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const void *p;

	c->local[0] = '\0';
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	c->local_family = ss.ss_family;
	if (ss.ss_family == AF_INET6)
		p = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		p = &((struct sockaddr_in *)&ss)->sin_addr;
	if (inet_ntop(ss.ss_family, p, c->local, sizeof(c->local)) == NULL)
		c->local[0] = '\0';
}

/*
 * Each address gets an equal share of what is left of the deadline, so
 * a black-holed first address cannot eat the whole budget.
 */
struct conn *
conn_open(const char *host, int port, const struct conn_via *via,
    deadline_t d, struct err *e)
{
	struct addrinfo *res, *ai;
	char where[CONN_ADDR_MAX];
	int fd, left, n = 0, saved = 0;
	deadline_t each;

	if (via != NULL && via->proxy != NULL)
		return conn_open_proxied(host, port, via, d, e);
	if (conn_resolve(host, port, &res, e) == -1)
		return NULL;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (conn_source_fits(via, ai->ai_family))
			n++;
	if (n == 0) {
		freeaddrinfo(res);
		err_set(e, EX_UNAVAILABLE, "no address of %s has the family "
		    "of source_ip %s", host, via->source_ip);
		return NULL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (!conn_source_fits(via, ai->ai_family))
			continue;
		conn_addr_format(ai->ai_addr, where, sizeof(where));
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			n--;
			continue;
		}
		left = deadline_left_ms(d);
		each = n > 1 && left > 0 ? deadline_in(left / n) : d;
		n--;
		if (conn_source_bind(fd, via) == 0 &&
		    connect_one(fd, ai, each) == 0)
			break;
		saved = errno;
		close(fd);
	}
	if (ai == NULL) {
		freeaddrinfo(res);
		errno = saved;
		err_sys(e, EX_TEMPFAIL, "cannot connect to %s port %d%s%s",
		    host, port, via != NULL && via->source_ip != NULL ?
		    " from " : "", via != NULL && via->source_ip != NULL ?
		    via->source_ip : "");
		return NULL;
	}
	freeaddrinfo(res);
	return conn_adopt(fd, port, where, e);
}

struct conn *
conn_adopt(int fd, int port, const char *where, struct err *e)
{
	struct conn *c;
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	c->fd = fd;
	c->ops = &plain_ops;
	c->port = port;
	snprintf(c->addr, sizeof(c->addr), "%s", where);
	conn_note_local(c);
	return c;
}

static int
fill(struct conn *c, deadline_t d, struct err *e)
{
	ssize_t n;

	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	c->io_deadline = d;
	n = c->ops->recv(c, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, d,
	    e);
	if (n < 0)
		return -1;
	if (n == 0) {
		c->eof = true;
		if (c->rlen > c->rpos)	/* RFC 5321 4.2: lines end in CRLF */
			return err_set(e, EX_PROTOCOL, "%s closed the "
			    "connection in the middle of a reply line",
			    c->addr);
		return err_set(e, EX_TEMPFAIL,
		    "connection closed by %s", c->addr);
	}
	c->rlen += (size_t)n;
	return 0;
}

int
conn_read_line(struct conn *c, const char **line, size_t *len, deadline_t d,
    struct err *e)
{
	char *start, *nl;
	size_t n;

	for (;;) {
		start = c->rbuf + c->rpos;
		nl = memchr(start, '\n', c->rlen - c->rpos);
		if (nl != NULL)
			break;
		if (c->rlen - c->rpos > REPLY_MAX_LINE)
			return err_set(e, EX_PROTOCOL,
			    "reply line from %s longer than %d bytes",
			    c->addr, REPLY_MAX_LINE);
		if (fill(c, d, e) == -1)
			return -1;
	}
	n = (size_t)(nl - start);
	c->rpos += n + 1;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	if (n > REPLY_MAX_LINE)
		return err_set(e, EX_PROTOCOL,
		    "reply line from %s longer than %d bytes", c->addr,
		    REPLY_MAX_LINE);
	*line = start;
	*len = n;
	return 0;
}

int
conn_flush(struct conn *c, deadline_t d, struct err *e)
{
	size_t off = 0;
	ssize_t n;
	int rc = 0;

	c->io_deadline = d;
	while (off < c->wlen) {
		n = c->ops->send(c, c->wbuf + off, c->wlen - off, d, e);
		if (n < 0) {
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	explicit_bzero(c->wbuf, c->wlen);
	c->wlen = 0;
	return rc;
}

int
conn_write(struct conn *c, const void *buf, size_t len, deadline_t d,
    struct err *e)
{
	const char *p = buf;
	size_t n;

	while (len > 0) {
		if (c->wlen == sizeof(c->wbuf) && conn_flush(c, d, e) == -1)
			return -1;
		n = sizeof(c->wbuf) - c->wlen;
		if (n > len)
			n = len;
		memcpy(c->wbuf + c->wlen, p, n);
		c->wlen += n;
		p += n;
		len -= n;
	}
	return 0;
}

size_t
conn_pending(const struct conn *c)
{
	return c->rlen - c->rpos;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	c->ops->close(c);
	if (c->fd != -1)
		close(c->fd);
	explicit_bzero(c->wbuf, sizeof(c->wbuf));
	free(c);
}
