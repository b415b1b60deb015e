/*
 * tls.h - TLS as a layer under struct conn (GnuTLS).
 *
 * tls_start() runs the handshake on an open connection and swaps the
 * connection's operations, so SMTP code never asks "is this TLS?".  The
 * certificate chain and the host name are verified during the handshake;
 * TLS 1.0/1.1 and weak DH are refused; no SNI for IP literals.
 */
#ifndef OUTPOST_TLS_H
#define OUTPOST_TLS_H

#include "conn.h"
#include "deadline.h"
#include "err.h"

struct tls_opts {
	const char	*host;		/* reference identity, as configured */
	const char	*trust_file;	/* NULL: the system trust store */
	const char	*cert_file;	/* client certificate or NULL */
	const char	*key_file;
};

/*
 * The connection's read buffer must be empty (conn_pending() == 0).
 * Certificate or handshake failure: 69; timeout or lost connection: 75.
 */
int	tls_start(struct conn *, const struct tls_opts *, deadline_t,
	    struct err *);
/* "TLSv1.3/AES-256-GCM" style description of the session, for -v. */
const char *tls_describe(const struct conn *, char *buf, size_t cap);

#endif
