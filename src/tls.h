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

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "deadline.h"
#include "err.h"
#include "pin.h"

struct tls_opts {
	const char	*host;		/* reference identity, as configured */
	const char	*trust_file;	/* NULL: the system trust store */
	const char	*cert_file;	/* client certificate or NULL */
	const char	*key_file;
	/*
	 * tls_fingerprint (pin.h) or NULL.  When set, the pin alone decides:
	 * the certificate is accepted when its SHA-256 or its public key's
	 * matches, whatever its chain, name or dates; else 69.
	 */
	const char	*pin;
};

/*
 * The connection's read buffer must be empty (conn_pending() == 0).
 * Certificate or handshake failure: 69; timeout or lost connection: 75.
 */
int	tls_start(struct conn *, const struct tls_opts *, deadline_t,
	    struct err *);
/* What the server's certificate failed (outpost doctor); 0: verified. */
#define TLS_CERT_EXPIRED	0x01
#define TLS_CERT_NOT_YET	0x02
#define TLS_CERT_WRONG_NAME	0x04
#define TLS_CERT_UNTRUSTED	0x08	/* no trusted chain, or other */

struct tls_info {
	char		 version[16];	/* "TLS1.3"; "" before a handshake */
	char		 cipher[48];	/* "AES-256-GCM" */
	bool		 have_cert;	/* the server sent a certificate */
	unsigned	 cert;		/* TLS_CERT_* */
	int64_t		 expires;	/* its notAfter, seconds since 1970 */
	char		 pin[PIN_TEXT_MAX];	/* "sha256:AB:...": its DER's */
	char		 spki_pin[PIN_TEXT_MAX];	/* its key's */
	int		 pinned;	/* 1 the pin matched, -1 not, 0 none */
};

/*
 * What the last tls_start() on c showed, also when it failed on the
 * certificate (the certificate is then known, the session is not used).
 */
void	tls_info(const struct conn *, struct tls_info *);
/*
 * RFC 9266 tls-exporter channel binding data of the session into out
 * (*len bytes); -1 when there is none to trust (not TLS 1.3).
 */
int	tls_channel_binding(const struct conn *, unsigned char *out,
	    size_t cap, size_t *len);
/* "TLSv1.3/AES-256-GCM" style description of the session, for -v. */
const char *tls_describe(const struct conn *, char *buf, size_t cap);

#endif
