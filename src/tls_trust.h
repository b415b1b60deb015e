/*
 * tls_trust.h - the system trust store, looked up on demand.
 *
 * GnuTLS's own gnutls_certificate_set_x509_system_trust() imports every
 * certificate of the system bundle (~140 on Debian) before a handshake:
 * 20-40 ms and 4 MiB on each send.  Verification only ever asks the
 * trust list for certificates by name (the issuer or subject of a
 * certificate of the peer's chain), so tls.c lets the handshake run with
 * an empty trust list, and when the server's chain has arrived adds only
 * the bundle's certificates whose subject is one of those names, then
 * verifies with GnuTLS exactly as before.
 */
#ifndef OUTPOST_TLS_TRUST_H
#define OUTPOST_TLS_TRUST_H

#include <stddef.h>

#include <gnutls/x509.h>

#include "err.h"

#define TRUST_NAMES_MAX		32		/* two names per chain cert */
#define TRUST_BUNDLE_MAX	(64 * 1024 * 1024)
#define TRUST_CERT_MAX		(64 * 1024)	/* one DER certificate */

/*
 * The bundle GnuTLS's system trust reads (SYSTEM_TRUST_FILE from
 * configure), or NULL when this build has none or it cannot be opened:
 * then the caller loads the system trust the GnuTLS way.
 */
const char *tls_trust_bundle(void);

/*
 * The subject Name (its whole DER TLV) of a DER certificate: 0, or -1
 * when the encoding is not the expected one.
 */
int	tls_trust_subject(const unsigned char *der, size_t len,
	    const unsigned char **subj, size_t *slen);

/* One "BEGIN CERTIFICATE" block of a bundle. */
struct trust_cert {
	const char		*pem;	/* the block, BEGIN to END line */
	size_t			 pemlen;
	const unsigned char	*der;	/* decoded; NULL when it did not */
	size_t			 len;
	const unsigned char	*subj;	/* its subject; NULL: not found */
	size_t			 slen;
};

typedef int (*tls_trust_cb)(const struct trust_cert *, void *arg);

/*
 * Call cb for each certificate block of PEM text, in order (the markers
 * GnuTLS reads: "-----BEGIN CERTIFICATE" and "-----BEGIN X509
 * CERTIFICATE").  buf (TRUST_CERT_MAX bytes) receives the DER.  A block
 * this parser cannot take apart comes with subj NULL: the caller leaves
 * it to GnuTLS.  Returns the number of blocks, or -1 as soon as cb
 * returns -1.
 */
int	tls_trust_scan(const char *pem, size_t len, unsigned char *buf,
	    tls_trust_cb cb, void *arg);

/*
 * Add to tl (with GnuTLS's system-trust flags) every certificate of the
 * bundle whose subject is one of names[0..n).  Returns how many, or -1
 * with e.
 */
int	tls_trust_add(gnutls_x509_trust_list_t tl, const char *bundle,
	    const gnutls_datum_t *names, size_t n, struct err *e);

#endif
