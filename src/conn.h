/*
 * conn.h - a connection to the smarthost: resolve, connect, buffered I/O
 * under absolute deadlines.
 *
 * SMTP code sees only this byte stream.  The transport below is a table of
 * operations (conn_ops): plain TCP, or TLS once tls_start() has inserted
 * itself.  Reads go through a read-ahead buffer; conn_pending() tells how
 * many received bytes are still unread, which STARTTLS must check (bytes
 * after the 220 are an injection).  Writes collect in a CONN_WBUF_MAX
 * buffer, so a pipelined group leaves in one segment (one TLS record); the
 * buffer is wiped after each flush because it may have held a secret.
 */
#ifndef OUTPOST_CONN_H
#define OUTPOST_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "deadline.h"
#include "err.h"
#include "reply.h"

#define CONN_RBUF_MAX	(REPLY_MAX_LINE + 4096)
#define CONN_WBUF_MAX	(16 * 1024)
#define CONN_ADDR_MAX	64

struct conn;

struct conn_ops {
	/* > 0 bytes read, 0 at EOF, -1 with e filled. */
	ssize_t	(*recv)(struct conn *, void *, size_t, deadline_t,
		    struct err *);
	/* > 0 bytes written, -1 with e filled. */
	ssize_t	(*send)(struct conn *, const void *, size_t, deadline_t,
		    struct err *);
	void	(*close)(struct conn *);
};

struct conn {
	int			 fd;
	const struct conn_ops	*ops;
	void			*tls;		/* owned by tls.c */
	bool			 is_tls;
	bool			 timed_out;	/* last I/O hit its deadline */
	bool			 eof;
	deadline_t		 io_deadline;	/* for the TLS push/pull */
	int			 port;
	char			 addr[CONN_ADDR_MAX];	/* peer */
	char			 local[CONN_ADDR_MAX];	/* our address */
	int			 local_family;
	size_t			 rpos, rlen;
	size_t			 wlen;
	char			 rbuf[CONN_RBUF_MAX];
	char			 wbuf[CONN_WBUF_MAX];
};

/*
 * How an account's connections leave this machine (conn_via.c): from
 * source_ip (only addresses of its family are tried), and through a
 * SOCKS5 proxy (socks5.h).  A NULL via, or NULL fields: direct, from
 * whatever address the kernel picks.
 */
struct socks5;
struct conn_via {
	const char		*source_ip;	/* numeric, checked by cfg */
	const struct socks5	*proxy;
};

/*
 * Resolve host and connect to port, trying each address in turn within
 * the deadline.  Refused or timed out: 75; unknown host: 68.
 */
struct conn	*conn_open(const char *host, int port, const struct conn_via *,
		    deadline_t, struct err *);
/*
 * conn_open_race(): staggered connects (RFC 8305 style) over every
 * (port, address) candidate: for each port in the given order, every
 * address of host with IPv6 and IPv4 interleaved.  A new attempt starts
 * every CONN_STAGGER_MS, or at once when one fails (a refused port costs
 * nothing).  An attempt is done when its connect completed and, for a
 * candidate with greet set (plain and STARTTLS ports), the first line of
 * the greeting arrived (it stays in the read buffer for the session);
 * implicit TLS ports are done at connect, their greeting comes after the
 * handshake.  Of the attempts done in one poll round the earliest in
 * preference order wins; every other one is closed.  *won is the index of
 * the winning candidate.  All failed: 75 (68 for an unknown host).
 */
#define CONN_RACE_MAX		32	/* attempts in one race */
#define CONN_STAGGER_MS		250

struct conn_cand {
	int	port;
	bool	greet;		/* done at the first greeting line */
};

struct conn	*conn_open_race(const char *host, const struct conn_cand *,
		    size_t ncand, const struct conn_via *, deadline_t,
		    size_t *won, struct err *);
/*
 * conn_via.c: through via->proxy, the candidates (ports) one after the
 * other, each with an equal share of what is left of d (the proxy
 * answers a CONNECT only once it connected, so there is nothing to
 * stagger); the greeting is left to the session.
 */
struct conn	*conn_race_proxied(const char *host, const struct conn_cand *,
		    size_t ncand, const struct conn_via *, deadline_t,
		    size_t *won, struct err *);
/* conn_open() through via->proxy. */
struct conn	*conn_open_proxied(const char *host, int port,
		    const struct conn_via *, deadline_t, struct err *);
/*
 * Source address (conn_via.c): whether an address of family may be tried
 * (always without source_ip), and binding a new socket to it.  -1 with
 * errno set.
 */
bool	conn_source_fits(const struct conn_via *, int family);
int	conn_source_bind(int fd, const struct conn_via *);
/*
 * RFC 8305 4: the order in which to try n addresses of the given
 * families: alternate families, starting with the first address's.
 */
void	conn_race_order(const int *family, size_t n, size_t *order);

/* For conn.c and conn_race.c: a connected socket into a struct conn. */
struct addrinfo;
struct sockaddr;
struct conn	*conn_adopt(int fd, int port, const char *where,
		    struct err *);
int	conn_resolve(const char *host, int port, struct addrinfo **,
	    struct err *);
void	conn_addr_format(const struct sockaddr *, char *, size_t);

/*
 * Read one line; *line points into the connection's buffer (valid until
 * the next read), without its CRLF or LF.  A line longer than
 * REPLY_MAX_LINE is a protocol error (76); EOF is a temporary one (75).
 */
int	conn_read_line(struct conn *, const char **line, size_t *len,
	    deadline_t, struct err *);
int	conn_write(struct conn *, const void *, size_t, deadline_t,
	    struct err *);
int	conn_flush(struct conn *, deadline_t, struct err *);
size_t	conn_pending(const struct conn *);
void	conn_close(struct conn *);

/* The plain operations, for tls.c's push/pull functions. */
ssize_t	conn_plain_recv(struct conn *, void *, size_t, deadline_t,
	    struct err *);
ssize_t	conn_plain_send(struct conn *, const void *, size_t, deadline_t,
	    struct err *);
/* Wait for the fd to become readable: 1 ready, 0 deadline, -1 error. */
int	conn_wait(struct conn *, short events, deadline_t);

#endif
