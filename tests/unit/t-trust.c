/*
 * t-trust.c - the on-demand system trust lookup (tls_trust.c): over the
 * test PKI's stand-in bundle and the real system bundle, the scanner sees
 * every certificate GnuTLS sees and finds the same subject GnuTLS reads;
 * tls_trust_add() adds exactly the certificates of a name (two for the
 * test CA's name: the CA and its impostor); damaged input is refused
 * without reading out of bounds.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls_trust.h"
#include "tap.h"

#define T_FILE_MAX	(8 * 1024 * 1024)
#define T_MUTATIONS	20000

struct t_scan {
	int	 certs;
	int	 same;		/* subject equal to GnuTLS's raw DN */
	int	 unparsed;	/* subj NULL */
};

static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || st.st_size > T_FILE_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

static int
scan_cb(const struct trust_cert *tc, void *arg)
{
	struct t_scan *s = arg;
	gnutls_datum_t d = { (unsigned char *)tc->der, (unsigned)tc->len };
	gnutls_datum_t dn;
	gnutls_x509_crt_t crt;

	s->certs++;
	if (tc->subj == NULL) {
		s->unparsed++;
		return 0;
	}
	gnutls_x509_crt_init(&crt);
	dn.data = NULL;
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_raw_dn(crt, &dn) == 0 && dn.size == tc->slen &&
	    memcmp(dn.data, tc->subj, dn.size) == 0)
		s->same++;
	gnutls_free(dn.data);	/* a copy GnuTLS allocated */
	gnutls_x509_crt_deinit(crt);
	return 0;
}

/* GnuTLS's count of the certificates in a PEM file. */
static int
gnutls_count(const char *pem, size_t len)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned)len };
	gnutls_x509_crt_t *list;
	unsigned n = 0, i;

	if (gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM,
	    0) < 0)
		return -1;
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	return (int)n;
}

static void
check_bundle(const char *path, unsigned char *buf)
{
	struct t_scan s = { 0, 0, 0 };
	size_t len;
	char *pem;
	int n;

	if ((pem = slurp(path, &len)) == NULL) {
		ok(1, "# SKIP no %s", path);
		return;
	}
	n = tls_trust_scan(pem, len, buf, scan_cb, &s);
	is_int(n, gnutls_count(pem, len), "%s: as many certificates as "
	    "GnuTLS reads", path);
	is_int(s.unparsed, 0, "%s: every subject found", path);
	is_int(s.same, n, "%s: every subject equals GnuTLS's raw DN", path);
	free(pem);
}

/* The raw subject of the first certificate of a PEM file. */
static int
first_dn(const char *path, gnutls_datum_t *dn, gnutls_x509_crt_t *crt)
{
	gnutls_datum_t d;
	size_t len;
	char *pem;
	int rc;

	if ((pem = slurp(path, &len)) == NULL)
		return -1;
	d.data = (unsigned char *)pem;
	d.size = (unsigned)len;
	gnutls_x509_crt_init(crt);
	rc = gnutls_x509_crt_import(*crt, &d, GNUTLS_X509_FMT_PEM);
	if (rc == 0)
		rc = gnutls_x509_crt_get_raw_dn(*crt, dn);
	free(pem);
	return rc < 0 ? -1 : 0;
}

static void
check_add(const char *pki)
{
	char path[4096], bundle[4096];
	gnutls_x509_trust_list_t tl;
	gnutls_x509_crt_t crt;
	gnutls_datum_t dn, none = { (unsigned char *)"\x30\x00", 2 };
	struct err e;

	snprintf(path, sizeof(path), "%.2048s/ca.pem", pki);
	snprintf(bundle, sizeof(bundle), "%.2048s/system-ca.pem", pki);
	if (first_dn(path, &dn, &crt) == -1) {
		ok(1, "# SKIP no test PKI in %s", pki);
		return;
	}
	err_init(&e);
	gnutls_x509_trust_list_init(&tl, 0);
	is_int(tls_trust_add(tl, bundle, &dn, 1, &e), 2, "the test CA's "
	    "name: the CA and its impostor");
	is_int(tls_trust_add(tl, bundle, &none, 1, &e), 0, "an empty name: "
	    "nothing");
	gnutls_x509_trust_list_deinit(tl, 1);
	gnutls_free(dn.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_trust_list_init(&tl, 0);
	is_int(tls_trust_add(tl, "/nonexistent/bundle.pem", &none, 1, &e), -1,
	    "a missing bundle: an error");
	ok(strstr(e.msg, "/nonexistent/bundle.pem") != NULL, "it names the "
	    "file: %s", e.msg);
	gnutls_x509_trust_list_deinit(tl, 1);
}

static int
count_cb(const struct trust_cert *tc, void *arg)
{
	int *n = arg;

	(*n)++;
	return 0;
}

struct t_der {
	unsigned char	 der[TRUST_CERT_MAX];
	size_t		 len;
};

static int
copy_cb(const struct trust_cert *tc, void *arg)
{
	struct t_der *d = arg;

	if (tc->der != NULL && d->len == 0) {
		memcpy(d->der, tc->der, tc->len);
		d->len = tc->len;
	}
	return 0;
}

static int
scan_str(const char *pem, unsigned char *buf)
{
	int n = 0;

	return tls_trust_scan(pem, strlen(pem), buf, count_cb, &n);
}

/* Damaged DER and PEM: refused or passed on, never read past the end. */
static void
check_damage(const char *pki, unsigned char *buf)
{
	static const char bad_b64[] = "-----BEGIN CERTIFICATE-----\n"
	    "MII*notbase64\n-----END CERTIFICATE-----\n";
	static const char short_der[] = "-----BEGIN CERTIFICATE-----\n"
	    "MAMCAQA=\n-----END CERTIFICATE-----\n";
	static const char no_end[] = "-----BEGIN CERTIFICATE-----\nMAA=\n";
	static const char key[] = "-----BEGIN PRIVATE KEY-----\nMAA=\n"
	    "-----END PRIVATE KEY-----\n";
	const unsigned char *subj;
	unsigned char m[512];
	static struct t_der d;
	char path[4096];
	size_t len, slen, i;
	char *pem;
	int bad = 0;

	is_int(scan_str(bad_b64, buf), 1, "bad base64: one block, passed on");
	is_int(scan_str(short_der, buf), 1, "a certificate too short for a "
	    "subject: one block");
	is_int(scan_str(no_end, buf), 1, "no END line: one block");
	is_int(scan_str(key, buf), 0, "a private key is no certificate");
	snprintf(path, sizeof(path), "%.2048s/ca.pem", pki);
	if ((pem = slurp(path, &len)) == NULL) {
		ok(1, "# SKIP no test PKI");
		return;
	}
	tls_trust_scan(pem, len, buf, copy_cb, &d);
	free(pem);
	ok(d.len > 0 && tls_trust_subject(d.der, d.len, &subj, &slen) == 0,
	    "the test CA's subject is found");
	/* every truncation and many bit flips of a real certificate */
	for (len = 1; len < d.len; len++)
		if (tls_trust_subject(d.der, len, &subj, &slen) == 0 &&
		    subj + slen > d.der + len)
			bad++;
	srand(7);
	for (i = 0; i < T_MUTATIONS; i++) {
		memcpy(m, d.der, sizeof(m));
		m[rand() % 64] ^= (unsigned char)(1u << (rand() % 8));
		len = 1 + (size_t)rand() % sizeof(m);
		if (tls_trust_subject(m, len, &subj, &slen) == 0 &&
		    (subj < m || subj + slen > m + len))
			bad++;
	}
	is_int(bad, 0, "truncated and flipped DER: a subject found is "
	    "always inside the input");
}

int
main(void)
{
	const char *top = getenv("top_builddir");
	unsigned char *buf = malloc(TRUST_CERT_MAX);
	char pki[2048], path[4096];

	if (buf == NULL)
		return 1;
	snprintf(pki, sizeof(pki), "%.2000s/tests/pki",
	    top != NULL ? top : ".");
	snprintf(path, sizeof(path), "%.2048s/system-ca.pem", pki);
	check_bundle(path, buf);
	check_bundle("/etc/ssl/certs/ca-certificates.crt", buf);
	check_add(pki);
	check_damage(pki, buf);
	free(buf);
	return done_testing();
}
