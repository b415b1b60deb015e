/*
 * conn_via.c - the way out of an account's connections (conn.h): the
 * source address and the SOCKS5 proxy.
 *
 * Through a proxy the host is resolved here (scheme socks5, each address
 * asked for in turn) or by the proxy (socks5h, the name is sent); the
 * connection to the proxy itself leaves from source_ip.  TLS and every
 * certificate check run over the tunnel exactly as over a direct
 * connection: the proxy sees only ciphertext and cannot weaken them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "conn.h"
#include "log.h"
#include "socks5.h"

#define VIA_ADDRS_MAX	8	/* resolved addresses asked of the proxy */

bool
conn_source_fits(const struct conn_via *via, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (via == NULL || via->source_ip == NULL)
		return true;
	return inet_pton(family, via->source_ip, buf) == 1;
}

int
conn_source_bind(int fd, const struct conn_via *via)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;

	if (via == NULL || via->source_ip == NULL)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, via->source_ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, via->source_ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		len = sizeof(*s6);
	} else {
		errno = EINVAL;
		return -1;
	}
	return bind(fd, (struct sockaddr *)&ss, len);
}

/* One tunnel: connect to the proxy, ask it for host (a name or address) */
static struct conn *
via_tunnel(const char *host, bool name, int port, const struct conn_via *via,
    deadline_t d, struct err *e)
{
	const struct socks5 *p = via->proxy;
	struct conn_via direct = { via->source_ip, NULL };
	char where[CONN_ADDR_MAX];
	struct conn *c;

	if ((c = conn_open(p->host, p->port, &direct, d, e)) == NULL)
		return NULL;
	if (socks5_connect(c, p, host, name, port, d, e) == -1) {
		conn_close(c);
		return NULL;
	}
	log_debug("SOCKS5 proxy %s connected to %s port %d", c->addr, host,
	    port);
	/* messages name the smarthost, reached through the proxy */
	snprintf(where, sizeof(where), "%s%s%s:%d", strchr(host, ':') ?
	    "[" : "", host, strchr(host, ':') ? "]" : "", port);
	snprintf(c->addr, sizeof(c->addr), "%s", where);
	c->port = port;
	return c;
}

struct conn *
conn_open_proxied(const char *host, int port, const struct conn_via *via,
    deadline_t d, struct err *e)
{
	char addrs[VIA_ADDRS_MAX][INET6_ADDRSTRLEN];
	struct addrinfo *res, *ai;
	struct conn *c = NULL;
	size_t n = 0, i;
	int left;

	if (via->proxy->remote_dns)
		return via_tunnel(host, true, port, via, d, e);
	if (conn_resolve(host, port, &res, e) == -1)
		return NULL;
	for (ai = res; ai != NULL && n < VIA_ADDRS_MAX; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addrs[n],
		    sizeof(addrs[n]), NULL, 0, NI_NUMERICHOST) == 0)
			n++;
	freeaddrinfo(res);
	for (i = 0; i < n && c == NULL; i++) {
		if (i > 0)
			log_debug("%s", e->msg);
		err_init(e);
		left = deadline_left_ms(d);
		c = via_tunnel(addrs[i], false, port, via, n - i > 1 &&
		    left > 0 ? deadline_in(left / (int)(n - i)) : d, e);
	}
	if (n == 0)
		err_set(e, EX_NOHOST, "host %s has no IP address", host);
	return c;
}

struct conn *
conn_race_proxied(const char *host, const struct conn_cand *cand,
    size_t ncand, const struct conn_via *via, deadline_t d, size_t *won,
    struct err *e)
{
	struct conn *c = NULL;
	size_t i;
	int left;

	for (i = 0; i < ncand && c == NULL; i++) {
		if (i > 0)
			log_debug("%s", e->msg);
		err_init(e);
		left = deadline_left_ms(d);
		c = conn_open_proxied(host, cand[i].port, via, ncand - i > 1 &&
		    left > 0 ? deadline_in(left / (int)(ncand - i)) : d, e);
		*won = i;
	}
	return c;
}
