/*
 * tls.c - GnuTLS under struct conn.
 *
 * GnuTLS reads and writes through push/pull functions that call the plain
 * transport with the connection's current deadline (conn->io_deadline),
 * so a handshake or a record read can never outlive it.  The session's
 * lifetime is the connection's: tls_close() runs from conn_close().
 *
 * Without tls_trust_file the system trust store is not loaded before
 * the handshake: tls_verify_lazy() adds the bundle's certificates the
 * server's chain can use, then verifies as gnutls_session_set_verify_cert()
 * does (tls_trust.c says why).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "tls.h"
#include "tls_trust.h"

#define TLS_KEY_MAX	(64 * 1024)	/* a client key or certificate */

/*
 * Appended to the system policy: TLS 1.2 or newer (RFC 8996 deprecates
 * 1.0 and 1.1), no weak DH.
 */
#define TLS_PRIORITY_APPEND \
	"-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS1.0:%PROFILE_MEDIUM"

struct tls_state {
	gnutls_session_t			 session;
	gnutls_certificate_credentials_t	 cred;
	struct err				 ioerr;	/* from push/pull */
	int					 pinned;
	const char				*bundle; /* lazy system trust */
	const char				*host;	/* during tls_start */
	unsigned				 vstatus; /* lazy: verified */
	struct err				 verr;	/* lookup failed */
};

static ssize_t	tls_recv(struct conn *, void *, size_t, deadline_t,
		    struct err *);
static ssize_t	tls_send(struct conn *, const void *, size_t, deadline_t,
		    struct err *);
static void	tls_close(struct conn *);

static const struct conn_ops tls_ops = { tls_recv, tls_send, tls_close };

static ssize_t
tls_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct conn *c = p;
	struct tls_state *t = c->tls;
	ssize_t n;

	n = conn_plain_recv(c, buf, len, c->io_deadline, &t->ioerr);
	if (n < 0)
		gnutls_transport_set_errno(t->session,
		    c->timed_out ? ETIMEDOUT : EIO);
	return n;
}

static ssize_t
tls_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct conn *c = p;
	struct tls_state *t = c->tls;
	ssize_t n;

	n = conn_plain_send(c, buf, len, c->io_deadline, &t->ioerr);
	if (n < 0)
		gnutls_transport_set_errno(t->session,
		    c->timed_out ? ETIMEDOUT : EIO);
	return n;
}

static int
tls_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct conn *c = p;
	deadline_t d = c->io_deadline;
	int w;

	if (ms != GNUTLS_INDEFINITE_TIMEOUT) {
		deadline_t mine = deadline_in(ms);
		if (d == 0 || mine < d)
			d = mine;
	}
	w = conn_wait(c, POLLIN, d);
	return w < 0 ? -1 : w;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/*
 * Read a client certificate or key (what names it) into buf: a regular
 * file (O_NONBLOCK, so a FIFO cannot hang the open), and for the key the
 * config file's rules too (a key is a secret): ours or root's, private.
 */
static int
tls_file_read(const char *path, const char *what, bool private,
    unsigned char *buf, size_t *len, struct err *e)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1)
		return err_sys(e, EX_CONFIG, "TLS client %s %s", what, path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, EX_CONFIG, "TLS client %s %s is not a "
		    "regular file", what, path);
	}
	if (private && ((st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & 077) != 0)) {
		close(fd);
		return err_set(e, EX_CONFIG, "TLS client %s %s must be "
		    "yours and private (chmod 600 %s)", what, path, path);
	}
	*len = 0;
	while (*len < TLS_KEY_MAX &&
	    (n = read(fd, buf + *len, TLS_KEY_MAX - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (*len == TLS_KEY_MAX)
		return err_set(e, EX_CONFIG, "TLS client %s %s is larger "
		    "than %d bytes", what, path, TLS_KEY_MAX);
	return 0;
}

static int
tls_client_cert(struct tls_state *t, const struct tls_opts *o,
    struct err *e)
{
	gnutls_datum_t cert, key;
	unsigned char *buf;
	size_t klen = 0, clen = 0;
	int rc;

	/* one allocation: the key, then the certificate */
	if ((buf = malloc(2 * TLS_KEY_MAX)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	rc = tls_file_read(o->key_file, "key", true, buf, &klen, e);
	if (rc == 0)
		rc = tls_file_read(o->cert_file, "certificate", false,
		    buf + TLS_KEY_MAX, &clen, e);
	if (rc == 0) {
		key.data = buf;
		key.size = (unsigned)klen;
		cert.data = buf + TLS_KEY_MAX;
		cert.size = (unsigned)clen;
		rc = gnutls_certificate_set_x509_key_mem2(t->cred, &cert,
		    &key, GNUTLS_X509_FMT_PEM, NULL, 0);
		if (rc < 0)
			rc = err_set(e, EX_CONFIG, "TLS client certificate "
			    "%s: %s", o->cert_file, gnutls_strerror(rc));
	}
	explicit_bzero(buf, 2 * TLS_KEY_MAX);
	free(buf);
	return rc < 0 ? -1 : 0;
}

static int
tls_cred(struct tls_state *t, const struct tls_opts *o, struct err *e)
{
	int rc;

	if (gnutls_certificate_allocate_credentials(&t->cred) < 0)
		return err_set(e, EX_OSERR, "TLS: out of memory");
	if (o->pin != NULL)	/* the pin is the trust: no store needed */
		rc = 1;
	else if (o->trust_file != NULL)
		rc = gnutls_certificate_set_x509_trust_file(t->cred,
		    o->trust_file, GNUTLS_X509_FMT_PEM);
	else if ((t->bundle = tls_trust_bundle()) != NULL)
		rc = 1;			/* tls_verify_lazy() loads */
	else
		rc = gnutls_certificate_set_x509_system_trust(t->cred);
	if (rc <= 0)
		return err_set(e, EX_CONFIG, "TLS: no trusted certificates "
		    "in %s%s%s", o->trust_file != NULL ? o->trust_file :
		    "the system store", rc < 0 ? ": " : "",
		    rc < 0 ? gnutls_strerror(rc) : "");
	if (o->cert_file != NULL)
		return tls_client_cert(t, o, e);
	return 0;
}

/*
 * The system store's certificates named in the server's chain (as issuer
 * or subject): the only ones GnuTLS's verification can look up.
 */
static int
tls_add_issuers(gnutls_session_t session, struct tls_state *t)
{
	gnutls_datum_t names[TRUST_NAMES_MAX];
	gnutls_x509_crt_t crts[TRUST_NAMES_MAX / 2];
	const gnutls_datum_t *peers;
	gnutls_x509_trust_list_t tl;
	unsigned n = 0, i, k = 0;
	int rc;

	peers = gnutls_certificate_get_peers(session, &n);
	if (peers == NULL || n == 0)
		return 0;		/* verification says "no certificate" */
	if (n > TRUST_NAMES_MAX / 2)
		n = TRUST_NAMES_MAX / 2; /* GnuTLS verifies at most 16 */
	for (i = 0; i < n; i++) {
		if (gnutls_x509_crt_init(&crts[i]) < 0)
			break;
		if (gnutls_x509_crt_import(crts[i], &peers[i],
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crts[i]);
			break;
		}
		if (gnutls_x509_crt_get_raw_issuer_dn(crts[i], &names[k]) == 0)
			k++;
		if (gnutls_x509_crt_get_raw_dn(crts[i], &names[k]) == 0)
			k++;
	}
	gnutls_certificate_get_trust_list(t->cred, &tl);
	rc = tls_trust_add(tl, t->bundle, names, k, &t->verr);
	/* the raw DNs are copies GnuTLS allocated for us */
	while (k-- > 0)
		gnutls_free(names[k].data);
	while (i-- > 0)
		gnutls_x509_crt_deinit(crts[i]);
	return rc == -1 ? -1 : 0;
}

/* gnutls_session_set_verify_cert()'s callback, after the lookup. */
static int
tls_verify_lazy(gnutls_session_t session)
{
	struct conn *c = gnutls_session_get_ptr(session);
	struct tls_state *t = c->tls;
	unsigned status;

	if (tls_add_issuers(session, t) == -1)
		return GNUTLS_E_CERTIFICATE_ERROR;
	if (gnutls_certificate_verify_peers3(session, t->host, &status) < 0)
		return GNUTLS_E_CERTIFICATE_ERROR;
	t->vstatus = status;
	return status != 0 ? GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR : 0;
}

/* The verification status, either way it was verified. */
static unsigned
tls_verify_status(const struct tls_state *t)
{
	if (t->bundle != NULL)
		return t->vstatus;
	return gnutls_session_get_verify_cert_status(t->session);
}

static int
tls_session(struct conn *c, struct tls_state *t, const struct tls_opts *o,
    struct err *e)
{
	const char *errpos = NULL;
	int rc;

	if (gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NO_TICKETS) < 0)
		return err_set(e, EX_OSERR, "TLS: cannot create a session");
	rc = gnutls_set_default_priority_append(t->session,
	    TLS_PRIORITY_APPEND, &errpos, 0);
	if (rc < 0)
		return err_set(e, EX_SOFTWARE, "TLS priorities: %s",
		    gnutls_strerror(rc));
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (!is_ip_literal(o->host))
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, o->host,
		    strlen(o->host));
	/* with a pin, tls_pin_check() is the verdict: no chain check */
	if (o->pin == NULL && t->bundle != NULL) {
		t->host = o->host;
		gnutls_session_set_ptr(t->session, c);
		gnutls_session_set_verify_function(t->session,
		    tls_verify_lazy);
	} else if (o->pin == NULL) {
		gnutls_session_set_verify_cert(t->session, o->host, 0);
	}
	gnutls_transport_set_ptr(t->session, c);
	gnutls_transport_set_push_function(t->session, tls_push);
	gnutls_transport_set_pull_function(t->session, tls_pull);
	gnutls_transport_set_pull_timeout_function(t->session,
	    tls_pull_timeout);
	return 0;
}

static int
tls_handshake_error(struct conn *c, struct tls_state *t, int rc,
    struct err *e)
{
	gnutls_datum_t out;
	unsigned status;

	if (c->timed_out)
		return err_set(e, EX_TEMPFAIL, "TLS handshake with %s timed "
		    "out", c->addr);
	if (err_is_set(&t->ioerr)) {
		*e = t->ioerr;
		return -1;
	}
	if (err_is_set(&t->verr)) {
		*e = t->verr;
		return -1;
	}
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		status = tls_verify_status(t);
		if (gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &out, 0) == 0) {
			while (out.size > 0 && out.data[out.size - 1] == ' ')
				out.data[--out.size] = '\0';
			err_set(e, EX_UNAVAILABLE, "TLS certificate of %s "
			    "not accepted: %s", c->addr, out.data);
			gnutls_free(out.data);
			return -1;
		}
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_PULL_ERROR)
		return err_set(e, EX_TEMPFAIL, "TLS handshake with %s: %s",
		    c->addr, gnutls_strerror(rc));
	return err_set(e, EX_UNAVAILABLE, "TLS handshake with %s failed: %s",
	    c->addr, gnutls_strerror(rc));
}

/*
 * The digests of the server's certificate: alg over its DER, and SHA-256
 * over its public key (SubjectPublicKeyInfo DER, the key ID GnuTLS makes
 * with GNUTLS_KEYID_USE_SHA256).  -1 when it sent none.
 */
static int
tls_peer_digest(struct tls_state *t, enum pin_alg alg, unsigned char *cert,
    unsigned char *spki)
{
	static const gnutls_digest_algorithm_t digs[] = {
		[PIN_SHA256] = GNUTLS_DIG_SHA256, [PIN_SHA1] = GNUTLS_DIG_SHA1,
		[PIN_MD5] = GNUTLS_DIG_MD5
	};
	const gnutls_datum_t *peers;
	gnutls_x509_crt_t crt;
	size_t len = PIN_MAX;
	unsigned n = 0;
	int rc;

	peers = gnutls_certificate_get_peers(t->session, &n);
	if (peers == NULL || n == 0)
		return -1;
	if (gnutls_hash_fast(digs[alg], peers[0].data, peers[0].size,
	    cert) < 0 || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	rc = gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256,
		    spki, &len);
	gnutls_x509_crt_deinit(crt);
	return rc < 0 || len != pin_alg_len(PIN_SHA256) ? -1 : 0;
}

/*
 * tls_fingerprint: the pin decides.  A SHA-1 or MD5 pin is never trust:
 * when it matches, the message gives the SHA-256 pin to write instead
 * (the certificate is then the one the user pinned before); 78.
 */
static int
tls_pin_check(struct conn *c, struct tls_state *t, const char *text,
    struct err *e)
{
	unsigned char cert[PIN_MAX], spki[PIN_MAX], seen[PIN_MAX];
	char show[PIN_TEXT_MAX], key[PIN_TEXT_MAX];
	const char *why;
	struct pin p;

	t->pinned = -1;
	if (pin_parse(text, &p, &why) == -1)
		return err_set(e, EX_CONFIG, "tls_fingerprint: %s", why);
	if (tls_peer_digest(t, PIN_SHA256, cert, spki) == -1)
		return err_set(e, EX_UNAVAILABLE, "TLS: %s sent no usable "
		    "certificate", c->addr);
	pin_format(PIN_SHA256, cert, pin_alg_len(PIN_SHA256), show,
	    sizeof(show));
	pin_format(PIN_SHA256, spki, pin_alg_len(PIN_SHA256), key,
	    sizeof(key));
	if (p.alg == PIN_SHA256 && (pin_equal(&p, cert, p.len) ||
	    pin_equal(&p, spki, p.len))) {
		t->pinned = 1;
		return 0;
	}
	if (p.alg != PIN_SHA256 && tls_peer_digest(t, p.alg, seen, spki) ==
	    0 && pin_equal(&p, seen, p.len))
		return err_set(e, EX_CONFIG, "tls_fingerprint: %s pins are "
		    "not accepted (%s is broken); the certificate of %s "
		    "matches it: write tls_fingerprint = %s",
		    pin_alg_name(p.alg), pin_alg_name(p.alg), c->addr, show);
	return err_set(e, EX_UNAVAILABLE, "TLS certificate of %s does not "
	    "match tls_fingerprint: it is %s (public key %s)", c->addr, show,
	    key);
}

int
tls_start(struct conn *c, const struct tls_opts *o, deadline_t d,
    struct err *e)
{
	struct tls_state *t;
	int rc;

	if (conn_pending(c) != 0)
		return err_set(e, EX_PROTOCOL, "unexpected data from %s "
		    "before the TLS handshake", c->addr);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return err_sys(e, EX_OSERR, "TLS");
	c->tls = t;
	c->ops = &tls_ops;	/* from now on conn_close() frees t */
	t->vstatus = (unsigned)-1;	/* GnuTLS's "not verified yet" */
	if (tls_cred(t, o, e) == -1 || tls_session(c, t, o, e) == -1)
		return -1;
	c->io_deadline = d;
	c->timed_out = false;
	do {
		rc = gnutls_handshake(t->session);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0)
		return tls_handshake_error(c, t, rc, e);
	if (o->pin != NULL && tls_pin_check(c, t, o->pin, e) == -1)
		return -1;
	c->is_tls = true;
	return 0;
}

static int
tls_io_error(struct conn *c, struct tls_state *t, ssize_t rc, struct err *e)
{
	if (err_is_set(&t->ioerr)) {
		*e = t->ioerr;
		err_init(&t->ioerr);
		return -1;
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		return err_set(e, EX_TEMPFAIL, "connection to %s closed "
		    "without TLS close_notify", c->addr);
	if (rc == GNUTLS_E_UNEXPECTED_PACKET_LENGTH ||
	    rc == GNUTLS_E_UNEXPECTED_PACKET ||
	    rc == GNUTLS_E_DECRYPTION_FAILED)
		return err_set(e, EX_PROTOCOL, "TLS from %s: %s", c->addr,
		    gnutls_strerror((int)rc));
	return err_set(e, EX_TEMPFAIL, "TLS with %s: %s", c->addr,
	    gnutls_strerror((int)rc));
}

static ssize_t
tls_recv(struct conn *c, void *buf, size_t len, deadline_t d, struct err *e)
{
	struct tls_state *t = c->tls;
	ssize_t n;

	c->io_deadline = d;
	do {
		n = gnutls_record_recv(t->session, buf, len);
	} while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n >= 0)
		return n;
	return tls_io_error(c, t, n, e);
}

static ssize_t
tls_send(struct conn *c, const void *buf, size_t len, deadline_t d,
    struct err *e)
{
	struct tls_state *t = c->tls;
	ssize_t n;

	c->io_deadline = d;
	do {
		n = gnutls_record_send(t->session, buf, len);
	} while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n >= 0)
		return n;
	return tls_io_error(c, t, n, e);
}

/* RFC 8314 3.4: send close_notify, do not wait for the peer's. */
static void
tls_close(struct conn *c)
{
	struct tls_state *t = c->tls;

	if (t == NULL)
		return;
	if (t->session != NULL) {
		if (c->is_tls && !c->eof) {
			c->io_deadline = deadline_in(200);
			gnutls_bye(t->session, GNUTLS_SHUT_WR);
		}
		gnutls_deinit(t->session);
	}
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	free(t);
	c->tls = NULL;
}

int
tls_channel_binding(const struct conn *c, unsigned char *out, size_t cap,
    size_t *len)
{
	struct tls_state *t = c->tls;
	gnutls_datum_t cb = { NULL, 0 };

	/* RFC 9266 3: tls-exporter is defined for TLS 1.3 */
	if (t == NULL || !c->is_tls ||
	    gnutls_protocol_get_version(t->session) != GNUTLS_TLS1_3 ||
	    gnutls_session_channel_binding(t->session, GNUTLS_CB_TLS_EXPORTER,
	    &cb) < 0)
		return -1;
	if (cb.size > cap || cb.size == 0) {
		gnutls_free(cb.data);
		return -1;
	}
	memcpy(out, cb.data, cb.size);
	*len = cb.size;
	gnutls_free(cb.data);
	return 0;
}

const char *
tls_describe(const struct conn *c, char *buf, size_t cap)
{
	struct tls_state *t = c->tls;
	char *d;

	if (t == NULL || !c->is_tls) {
		snprintf(buf, cap, "none");
		return buf;
	}
	d = gnutls_session_get_desc(t->session);
	snprintf(buf, cap, "%s", d != NULL ? d : "?");
	gnutls_free(d);
	return buf;
}

static unsigned
tls_cert_bits(unsigned status)
{
	unsigned bits = 0;

	if (status == 0)
		return 0;
	if (status & GNUTLS_CERT_EXPIRED)
		bits |= TLS_CERT_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		bits |= TLS_CERT_NOT_YET;
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		bits |= TLS_CERT_WRONG_NAME;
	status &= ~(unsigned)(GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED |
	    GNUTLS_CERT_NOT_ACTIVATED | GNUTLS_CERT_UNEXPECTED_OWNER);
	if (status != 0 || bits == 0)
		bits |= TLS_CERT_UNTRUSTED;
	return bits;
}

void
tls_info(const struct conn *c, struct tls_info *out)
{
	struct tls_state *t = c->tls;
	unsigned char cert[PIN_MAX], spki[PIN_MAX];
	const gnutls_datum_t *peers;
	gnutls_x509_crt_t crt;
	const char *name;
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	if (t == NULL || t->session == NULL)
		return;
	name = gnutls_protocol_get_name(gnutls_protocol_get_version(
	    t->session));
	snprintf(out->version, sizeof(out->version), "%s",
	    name != NULL ? name : "");
	name = gnutls_cipher_get_name(gnutls_cipher_get(t->session));
	snprintf(out->cipher, sizeof(out->cipher), "%s",
	    name != NULL ? name : "");
	peers = gnutls_certificate_get_peers(t->session, &n);
	if (peers == NULL || n == 0)
		return;
	out->have_cert = true;
	out->cert = tls_cert_bits(tls_verify_status(t));
	/* with a pin there was no chain check: the pin is the verdict */
	if ((out->pinned = t->pinned) != 0)
		out->cert = t->pinned == 1 ? 0 : TLS_CERT_UNTRUSTED;
	if (tls_peer_digest(t, PIN_SHA256, cert, spki) == 0) {
		pin_format(PIN_SHA256, cert, pin_alg_len(PIN_SHA256),
		    out->pin, sizeof(out->pin));
		pin_format(PIN_SHA256, spki, pin_alg_len(PIN_SHA256),
		    out->spki_pin, sizeof(out->spki_pin));
	}
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) >= 0 &&
	    (out->expires = gnutls_x509_crt_get_expiration_time(crt)) < 0)
		out->expires = 0;	/* (time_t)-1: unknown */
	gnutls_x509_crt_deinit(crt);
}
