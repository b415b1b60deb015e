/*
 * tls_trust.c - the system trust store, looked up on demand (tls_trust.h).
 *
 * Why this and not the alternatives (measured on Debian 12, GnuTLS
 * 3.7.9, a 144-certificate bundle; bench/RESULTS.md has the figures):
 *  - GnuTLS's PKCS#11 trust ("pkcs11:" through p11-kit's trust module)
 *    looks issuers up by name, but loading the module makes it parse the
 *    same bundle with its own ASN.1 code: 55-85 ms, slower than the
 *    in-line load it would replace (28-40 ms).
 *  - Loading the bundle in a thread while TCP, greeting, EHLO and
 *    STARTTLS happen spends the same CPU and memory (+4 MiB) and hides
 *    only the network time, a few milliseconds to a nearby smarthost.
 *  - A cache of the parsed bundle keyed by its mtime would be a second
 *    file that decides what is trusted, kept where the caller (or the
 *    relay group) can write, and stale whenever the mtime lies.
 *  - Scanning the bundle for the few certificates a chain can use costs
 *    about 1 ms: base64 and a walk to the subject of each certificate;
 *    only the matches are imported by GnuTLS.  Nothing is stored.
 * The names are compared as raw DER, as GnuTLS's trust list compares
 * them, and GnuTLS then verifies the chain against the certificates
 * added exactly as it would against the whole bundle: it looks trust
 * anchors up only by these names.  A block this file cannot take apart
 * is imported by GnuTLS to learn its subject, so no certificate GnuTLS
 * would trust is ever missed; one GnuTLS cannot read fails the lookup,
 * as it fails GnuTLS's load of the whole bundle.  (A damaged block
 * whose subject can still be found is skipped unless it is wanted, and
 * then GnuTLS refuses it: a bundle GnuTLS would reject as a whole can
 * still verify a chain through its intact certificates.)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "tls_trust.h"

#define PEM_BEGIN	"-----BEGIN "
#define PEM_END		"-----END "

/* the labels GnuTLS takes as certificates in a PEM list */
static const char *const pem_labels[] = {
	"CERTIFICATE-----", "X509 CERTIFICATE-----"
};

const char *
tls_trust_bundle(void)
{
	const char *path = NULL;

#ifdef SYSTEM_TRUST_FILE
	path = SYSTEM_TRUST_FILE;
#endif
#ifdef OUTPOST_TEST_HOOKS
	if (getenv("OUTPOST_TEST_TRUST_BUNDLE") != NULL)
		path = getenv("OUTPOST_TEST_TRUST_BUNDLE");
#endif
	if (path == NULL || path[0] == '\0' || access(path, R_OK) != 0)
		return NULL;
	return path;
}

/* One DER header at p: 0 with the tag, the header and content length. */
static int
der_tlv(const unsigned char *p, size_t n, unsigned *tag, size_t *hlen,
    size_t *clen)
{
	size_t len, i, k;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;		/* no multi-byte tags here */
	*tag = p[0];
	len = p[1];
	*hlen = 2;
	if (len & 0x80) {
		k = len & 0x7f;
		if (k == 0 || k > 4 || k > n - 2)
			return -1;
		for (len = 0, i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		*hlen = 2 + k;
	}
	if (len > n - *hlen)
		return -1;
	*clen = len;
	return 0;
}

int
tls_trust_subject(const unsigned char *der, size_t len,
    const unsigned char **subj, size_t *slen)
{
	size_t h, c, i;
	unsigned tag;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... } } */
	if (der_tlv(der, len, &tag, &h, &c) == -1 || tag != 0x30)
		return -1;
	der += h;
	len = c;
	if (der_tlv(der, len, &tag, &h, &c) == -1 || tag != 0x30)
		return -1;
	der += h;
	len = c;
	/* [0] version (optional), serial, signature, issuer, validity */
	for (i = 0; i < 5; i++) {
		if (der_tlv(der, len, &tag, &h, &c) == -1)
			return -1;
		if (i == 0 && tag != 0xa0)
			i++;			/* v1: no version field */
		der += h + c;
		len -= h + c;
	}
	if (der_tlv(der, len, &tag, &h, &c) == -1 || tag != 0x30)
		return -1;
	*subj = der;
	*slen = h + c;
	return 0;
}

static const signed char b64_val[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26,
	['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31,
	['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
	['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46,
	['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51,
	['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61,
	['9'] = 62, ['+'] = 63, ['/'] = 64,	/* value + 1; 0: not base64 */
};

/*
 * Base64 body of a PEM block (line breaks and blanks skipped, '='
 * padding ends it) into out: the byte count, or -1.
 */
static long
pem_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t')
			continue;
		if (ch == '=')
			break;
		if ((v = b64_val[ch]) == 0)
			return -1;
		acc = (acc << 6) | (uint32_t)(v - 1);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	for (; i < n; i++)
		if (s[i] != '=' && s[i] != '\n' && s[i] != '\r' &&
		    s[i] != ' ' && s[i] != '\t')
			return -1;
	return (long)o;
}

/* The end of the line at p (past its LF), or end. */
static const char *
line_end(const char *p, const char *end)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));

	return q != NULL ? q + 1 : end;
}

int
tls_trust_scan(const char *pem, size_t len, unsigned char *buf,
    tls_trust_cb cb, void *arg)
{
	const char *p = pem, *end = pem + len, *b, *body, *e;
	struct trust_cert tc;
	size_t i, lab;
	long n;
	int count = 0;

	while ((b = memmem(p, (size_t)(end - p), PEM_BEGIN,
	    sizeof(PEM_BEGIN) - 1)) != NULL) {
		p = b + sizeof(PEM_BEGIN) - 1;
		for (i = 0; i < sizeof(pem_labels) / sizeof(pem_labels[0]);
		    i++) {
			lab = strlen(pem_labels[i]);
			if ((size_t)(end - p) >= lab &&
			    memcmp(p, pem_labels[i], lab) == 0)
				break;
		}
		if (i == sizeof(pem_labels) / sizeof(pem_labels[0]))
			continue;		/* a key, a CRL: not ours */
		body = line_end(p, end);
		e = memmem(body, (size_t)(end - body), PEM_END,
		    sizeof(PEM_END) - 1);
		if (e == NULL)
			e = end;
		memset(&tc, 0, sizeof(tc));
		tc.pem = b;
		tc.pemlen = (size_t)(line_end(e, end) - b);
		n = pem_decode(body, (size_t)(e - body), buf, TRUST_CERT_MAX);
		if (n > 0) {
			tc.der = buf;
			tc.len = (size_t)n;
			if (tls_trust_subject(buf, tc.len, &tc.subj,
			    &tc.slen) == -1)
				tc.subj = NULL;
		}
		count++;
		if (cb(&tc, arg) == -1)
			return -1;
		p = e;
	}
	return count;
}

struct trust_add {
	gnutls_x509_trust_list_t	 tl;
	const gnutls_datum_t		*names;
	size_t				 n;
	int				 added;
	struct err			*e;
};

static bool
trust_wanted(const struct trust_add *ta, const unsigned char *subj,
    size_t slen)
{
	size_t i;

	for (i = 0; i < ta->n; i++)
		if (ta->names[i].size == slen &&
		    memcmp(ta->names[i].data, subj, slen) == 0)
			return true;
	return false;
}

/* A block only GnuTLS can read: import it to learn its subject. */
static int
trust_add_gnutls(struct trust_add *ta, const struct trust_cert *tc)
{
	gnutls_datum_t in = { (unsigned char *)tc->pem, (unsigned)tc->pemlen };
	gnutls_datum_t dn;
	gnutls_x509_crt_t crt;
	bool wanted;

	if (gnutls_x509_crt_init(&crt) < 0)
		return err_set(ta->e, EX_OSERR, "TLS: out of memory");
	if (gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_crt_get_raw_dn(crt, &dn) < 0) {
		/* GnuTLS refuses the whole bundle for one such block */
		gnutls_x509_crt_deinit(crt);
		return err_set(ta->e, EX_CONFIG, "TLS: no trusted "
		    "certificates in the system store: a certificate in it "
		    "cannot be read");
	}
	wanted = trust_wanted(ta, dn.data, dn.size);
	gnutls_free(dn.data);	/* a copy GnuTLS allocated */
	if (!wanted) {
		gnutls_x509_crt_deinit(crt);
		return 0;
	}
	if (gnutls_x509_trust_list_add_cas(ta->tl, &crt, 1,
	    GNUTLS_TL_USE_IN_TLS) == 1)
		ta->added++;
	else
		gnutls_x509_crt_deinit(crt);
	return 0;
}

static int
trust_add_cb(const struct trust_cert *tc, void *arg)
{
	struct trust_add *ta = arg;
	gnutls_datum_t d;
	int rc;

	if (tc->subj == NULL)
		return trust_add_gnutls(ta, tc);
	if (!trust_wanted(ta, tc->subj, tc->slen))
		return 0;
	d.data = (unsigned char *)tc->der;
	d.size = (unsigned)tc->len;
	/* the flags gnutls_certificate_set_x509_system_trust() uses */
	rc = gnutls_x509_trust_list_add_trust_mem(ta->tl, &d, NULL,
	    GNUTLS_X509_FMT_DER, GNUTLS_TL_USE_IN_TLS, 0);
	if (rc > 0)
		ta->added += rc;
	return 0;
}

int
tls_trust_add(gnutls_x509_trust_list_t tl, const char *bundle,
    const gnutls_datum_t *names, size_t n, struct err *e)
{
	struct trust_add ta = { tl, names, n, 0, e };
	unsigned char *buf;
	struct stat st;
	void *map;
	int fd, rc;

	fd = open(bundle, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return err_sys(e, EX_CONFIG, "TLS: the system trust store %s",
		    bundle);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    st.st_size > TRUST_BUNDLE_MAX) {
		close(fd);
		return err_set(e, EX_CONFIG, "TLS: the system trust store %s "
		    "is not a regular file of 1 byte to %d MiB", bundle,
		    TRUST_BUNDLE_MAX >> 20);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_sys(e, EX_OSERR, "TLS: reading %s", bundle);
	if ((buf = malloc(TRUST_CERT_MAX)) == NULL) {
		munmap(map, (size_t)st.st_size);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	rc = tls_trust_scan(map, (size_t)st.st_size, buf, trust_add_cb, &ta);
	free(buf);
	munmap(map, (size_t)st.st_size);
	if (rc == 0)
		return err_set(e, EX_CONFIG, "TLS: no trusted certificates in "
		    "the system store");
	return rc == -1 ? -1 : ta.added;
}
