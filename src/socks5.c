/*
 * socks5.c - SOCKS5 client (socks5.h): RFC 1928 method negotiation and
 * CONNECT, RFC 1929 username/password.
 *
 * The proxy's replies are untrusted: every length is checked against the
 * named maximums before a byte is read into a buffer, and a reply that is
 * not SOCKS5 is a protocol error (76).  The request that holds the
 * password is wiped as soon as it is written.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "socks5.h"

#define SOCKS5_VER		0x05
#define SOCKS5_NO_AUTH		0x00
#define SOCKS5_USERPASS		0x02
#define SOCKS5_NO_METHOD	0xff
#define SOCKS5_CMD_CONNECT	0x01
#define SOCKS5_ATYP_V4		0x01
#define SOCKS5_ATYP_NAME	0x03
#define SOCKS5_ATYP_V6		0x04
#define SOCKS5_DEFAULT_PORT	1080

static const struct {
	const char	*scheme;
	bool		 remote_dns;
} socks5_schemes[] = {
	{ "socks5://", false },
	{ "socks5h://", true },
};

/* RFC 1928 6: what each reply code means, and its exit code. */
static const struct {
	int		 ex;
	const char	*what;
} socks5_replies[] = {
	[0x01] = { EX_TEMPFAIL, "general failure" },
	[0x02] = { EX_UNAVAILABLE, "connection not allowed by its rules" },
	[0x03] = { EX_TEMPFAIL, "network unreachable" },
	[0x04] = { EX_TEMPFAIL, "host unreachable (or unknown to it)" },
	[0x05] = { EX_TEMPFAIL, "connection refused" },
	[0x06] = { EX_TEMPFAIL, "TTL expired" },
	[0x07] = { EX_UNAVAILABLE, "CONNECT not supported" },
	[0x08] = { EX_UNAVAILABLE, "address type not supported" },
};

static int
socks5_port(const char *s, int *port)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	n = strtol(s, &end, 10);
	if (*end != '\0' || n < 1 || n > 65535)
		return -1;
	*port = (int)n;
	return 0;
}

/* host[:port] or [v6][:port] into p. */
static int
socks5_hostport(const char *s, struct socks5 *p)
{
	const char *end, *colon;
	size_t len;

	p->port = SOCKS5_DEFAULT_PORT;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL ||
		    (end[1] != ':' && end[1] != '\0'))
			return -1;
		len = (size_t)(end - s - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		s++;
	} else {
		colon = strchr(s, ':');
		len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len > SOCKS5_NAME_MAX)
		return -1;
	memcpy(p->host, s, len);
	p->host[len] = '\0';
	if (strpbrk(p->host, "/@?#") != NULL)
		return -1;
	return colon == NULL ? 0 : socks5_port(colon + 1, &p->port);
}

int
socks5_parse(const char *url, struct socks5 *p, const char **why)
{
	const char *s = NULL, *at;
	size_t i, n;

	memset(p, 0, sizeof(*p));
	*why = "socks5://host:port or socks5h://host:port, optionally with "
	    "user@ before the host";
	for (i = 0; i < sizeof(socks5_schemes) / sizeof(socks5_schemes[0]);
	    i++) {
		n = strlen(socks5_schemes[i].scheme);
		if (strncmp(url, socks5_schemes[i].scheme, n) == 0) {
			s = url + n;
			p->remote_dns = socks5_schemes[i].remote_dns;
		}
	}
	if (s == NULL)
		return -1;
	if ((at = strrchr(s, '@')) != NULL) {
		n = (size_t)(at - s);
		if (memchr(s, ':', n) != NULL) {
			*why = "no password in the URL: it goes in "
			    "proxy_password, proxy_passwordeval, "
			    "proxy_password_file or the keyring";
			return -1;
		}
		if (n == 0 || n > SOCKS5_NAME_MAX)
			return -1;
		memcpy(p->user, s, n);
		p->user[n] = '\0';
		s = at + 1;
	}
	return socks5_hostport(s, p);
}

const char *
socks5_describe(const struct socks5 *p, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s%s:%d", p->remote_dns ? "socks5h://" :
	    "socks5://", strchr(p->host, ':') != NULL ? "[" : "", p->host,
	    strchr(p->host, ':') != NULL ? "]" : "", p->port);
	return buf;
}

size_t
socks5_hello(const struct socks5 *p, unsigned char *out)
{
	size_t n = 0;

	out[n++] = SOCKS5_VER;
	out[n++] = p->user[0] != '\0' ? 2 : 1;
	out[n++] = SOCKS5_NO_AUTH;
	if (p->user[0] != '\0')
		out[n++] = SOCKS5_USERPASS;
	return n;
}

int
socks5_auth_msg(const struct socks5 *p, unsigned char *out, size_t cap,
    size_t *len)
{
	const char *pw = p->password != NULL ? p->password : "";
	size_t ul = strlen(p->user), pl = strlen(pw);

	if (ul == 0 || ul > SOCKS5_NAME_MAX || pl > SOCKS5_NAME_MAX ||
	    cap < 3 + ul + pl)
		return -1;
	out[0] = 0x01;	/* RFC 1929 2: the sub-negotiation's version */
	out[1] = (unsigned char)ul;
	memcpy(out + 2, p->user, ul);
	out[2 + ul] = (unsigned char)pl;
	memcpy(out + 3 + ul, pw, pl);
	*len = 3 + ul + pl;
	return 0;
}

int
socks5_connect_msg(const char *host, bool name, int port, unsigned char *out,
    size_t cap, size_t *len)
{
	size_t n = 0, hl = strlen(host);

	if (cap < 4 + 1 + SOCKS5_NAME_MAX + 2 || port < 1 || port > 65535)
		return -1;
	out[n++] = SOCKS5_VER;
	out[n++] = SOCKS5_CMD_CONNECT;
	out[n++] = 0x00;
	if (inet_pton(AF_INET, host, out + n + 1) == 1) {
		out[n++] = SOCKS5_ATYP_V4;
		n += 4;
	} else if (inet_pton(AF_INET6, host, out + n + 1) == 1) {
		out[n++] = SOCKS5_ATYP_V6;
		n += 16;
	} else {
		if (!name || hl == 0 || hl > SOCKS5_NAME_MAX)
			return -1;
		out[n++] = SOCKS5_ATYP_NAME;
		out[n++] = (unsigned char)hl;
		memcpy(out + n, host, hl);
		n += hl;
	}
	out[n++] = (unsigned char)(port >> 8);
	out[n++] = (unsigned char)(port & 0xff);
	*len = n;
	return 0;
}

int
socks5_reply_len(const unsigned char *h)
{
	if (h[0] != SOCKS5_VER || h[2] != 0x00)
		return -1;
	switch (h[3]) {
	case SOCKS5_ATYP_V4:
		return 4 + 4 + 2;
	case SOCKS5_ATYP_V6:
		return 4 + 16 + 2;
	case SOCKS5_ATYP_NAME:
		return h[4] == 0 ? -1 : 4 + 1 + h[4] + 2;
	default:
		return -1;
	}
}

int
socks5_reply_check(const unsigned char *r, const char *target,
    struct err *e)
{
	size_t n = sizeof(socks5_replies) / sizeof(socks5_replies[0]);

	if (r[0] != SOCKS5_VER)
		return err_set(e, EX_PROTOCOL, "SOCKS5 proxy: not a SOCKS5 "
		    "reply");
	if (r[1] == 0x00)
		return 0;
	if (r[1] < n && socks5_replies[r[1]].what != NULL)
		return err_set(e, socks5_replies[r[1]].ex, "SOCKS5 proxy, "
		    "connecting to %s: %s", target, socks5_replies[r[1]].what);
	return err_set(e, EX_PROTOCOL, "SOCKS5 proxy, connecting to %s: "
	    "unknown reply %u", target, r[1]);
}

/* Write all of buf, then wipe it (it may hold the password). */
static int
socks5_send(struct conn *c, unsigned char *buf, size_t len, deadline_t d,
    struct err *e)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = conn_plain_send(c, buf + off, len - off, d, e)) < 0)
			break;
		off += (size_t)n;
	}
	explicit_bzero(buf, len);
	return off == len ? 0 : -1;
}

/* Exactly len bytes: never more, the smarthost's bytes follow. */
static int
socks5_recv(struct conn *c, unsigned char *buf, size_t len, deadline_t d,
    struct err *e)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		if ((n = conn_plain_recv(c, buf + off, len - off, d, e)) < 0)
			return -1;
		if (n == 0)
			return err_set(e, EX_TEMPFAIL, "SOCKS5 proxy %s closed "
			    "the connection", c->addr);
		off += (size_t)n;
	}
	return 0;
}

static int
socks5_auth(struct conn *c, const struct socks5 *p, deadline_t d,
    struct err *e)
{
	unsigned char msg[SOCKS5_MSG_MAX], r[2];
	size_t len;

	if (socks5_auth_msg(p, msg, sizeof(msg), &len) == -1)
		return err_set(e, EX_CONFIG, "SOCKS5 proxy: user or password "
		    "longer than %d bytes", SOCKS5_NAME_MAX);
	if (socks5_send(c, msg, len, d, e) == -1 ||
	    socks5_recv(c, r, 2, d, e) == -1)
		return -1;
	if (r[0] != 0x01)
		return err_set(e, EX_PROTOCOL, "SOCKS5 proxy %s: a bad answer "
		    "to the username/password request", c->addr);
	if (r[1] != 0x00)
		return err_set(e, EX_NOPERM, "SOCKS5 proxy %s refused user "
		    "%s and its password", c->addr, p->user);
	return 0;
}

int
socks5_connect(struct conn *c, const struct socks5 *p, const char *host,
    bool name, int port, deadline_t d, struct err *e)
{
	unsigned char msg[SOCKS5_MSG_MAX], r[SOCKS5_REPLY_MAX];
	char target[SOCKS5_NAME_MAX + 16];
	size_t len;
	int total;

	snprintf(target, sizeof(target), "%s port %d", host, port);
	len = socks5_hello(p, msg);
	if (socks5_send(c, msg, len, d, e) == -1 ||
	    socks5_recv(c, r, 2, d, e) == -1)
		return -1;
	if (r[0] != SOCKS5_VER)
		return err_set(e, EX_PROTOCOL, "%s is not a SOCKS5 proxy",
		    c->addr);
	if (r[1] == SOCKS5_USERPASS && p->user[0] != '\0') {
		if (socks5_auth(c, p, d, e) == -1)
			return -1;
	} else if (r[1] != SOCKS5_NO_AUTH) {
		return err_set(e, EX_NOPERM, "SOCKS5 proxy %s accepts none of "
		    "our methods (%s)", c->addr, p->user[0] != '\0' ?
		    "none, username/password" : "none; set a user in proxy "
		    "if it wants one");
	}
	if (socks5_connect_msg(host, name, port, msg, sizeof(msg), &len) ==
	    -1)
		return err_set(e, EX_CONFIG, "SOCKS5: cannot ask for %s",
		    target);
	if (socks5_send(c, msg, len, d, e) == -1 ||
	    socks5_recv(c, r, 2, d, e) == -1 ||
	    socks5_reply_check(r, target, e) == -1 ||
	    socks5_recv(c, r + 2, 3, d, e) == -1)
		return -1;
	if ((total = socks5_reply_len(r)) == -1)
		return err_set(e, EX_PROTOCOL, "SOCKS5 proxy %s: a malformed "
		    "CONNECT reply", c->addr);
	return socks5_recv(c, r + 5, (size_t)total - 5, d, e);
}
