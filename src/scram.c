/*
 * scram.c - SCRAM-SHA-256(-PLUS) client (scram.h).
 *
 *   SaltedPassword  = PBKDF2-HMAC-SHA-256(Normalize(password), salt, i)
 *   ClientKey       = HMAC(SaltedPassword, "Client Key")
 *   StoredKey       = SHA-256(ClientKey)
 *   AuthMessage     = client-first-bare "," server-first ","
 *                     client-final-without-proof
 *   ClientProof     = ClientKey XOR HMAC(StoredKey, AuthMessage)
 *   ServerSignature = HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage)
 *
 * Normalize is GnuTLS's RFC 8265 OpaqueString preparation (SASLprep's
 * successor); a password that is not valid UTF-8 is used as its bytes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "scram.h"

#define SCRAM_SALT_MAX	256	/* bytes of salt accepted */

int
scram_nonce(char *out, size_t cap)
{
	unsigned char raw[SCRAM_NONCE_LEN * 3 / 4];

	if (cap < SCRAM_NONCE_LEN + 1 ||
	    gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof(raw)) < 0)
		return -1;
	b64_encode(raw, sizeof(raw), out);
	return 0;
}

/* RFC 5802 5.1 saslname: "=" and "," escaped; -1 on a control byte. */
static int
scram_saslname(const char *user, char *out, size_t cap)
{
	size_t o = 0;

	for (; *user != '\0'; user++) {
		if ((unsigned char)*user < 0x20 || *user == 0x7f ||
		    o + 4 > cap)
			return -1;
		if (*user == '=' || *user == ',') {
			memcpy(out + o, *user == '=' ? "=3D" : "=2C", 3);
			o += 3;
		} else {
			out[o++] = *user;
		}
	}
	out[o] = '\0';
	return 0;
}

int
scram_first(struct scram *s, const char *user, const char *nonce,
    const char *gs2, const unsigned char *cb, size_t cblen, char *out,
    size_t cap)
{
	char name[SCRAM_MSG_MAX / 2];
	int n;

	memset(s, 0, sizeof(*s));
	if (strlen(gs2) >= sizeof(s->gs2) || cblen > sizeof(s->cb) ||
	    strlen(nonce) > SCRAM_NONCE_LEN ||
	    scram_saslname(user, name, sizeof(name)) == -1)
		return -1;
	snprintf(s->gs2, sizeof(s->gs2), "%s", gs2);
	memcpy(s->cb, cb, cblen);
	s->cblen = cblen;
	snprintf(s->nonce, sizeof(s->nonce), "%s", nonce);
	n = snprintf(s->first_bare, sizeof(s->first_bare), "n=%s,r=%s",
	    name, nonce);
	if (n < 0 || (size_t)n >= sizeof(s->first_bare))
		return -1;
	n = snprintf(out, cap, "%s%s", s->gs2, s->first_bare);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The value of attribute a ("r", "s", "i") in msg: its start and length */
static const char *
scram_attr(const char *msg, size_t len, char a, size_t *vlen)
{
	const char *p = msg, *end = msg + len, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (comma - p >= 2 && p[0] == a && p[1] == '=') {
			*vlen = (size_t)(comma - p - 2);
			return p + 2;
		}
		p = comma + 1;
	}
	return NULL;
}

struct scram_first_msg {
	const char	*nonce;
	size_t		 nlen;
	unsigned char	 salt[SCRAM_SALT_MAX];
	size_t		 slen;
	unsigned long	 iter;
};

static int
scram_parse_first(const struct scram *s, const char *m, size_t len,
    struct scram_first_msg *f, struct err *e)
{
	const char *v;
	char num[16];
	size_t vlen, i;
	char *end;

	if (memchr(m, '\0', len) != NULL)
		return err_set(e, EX_PROTOCOL, "SCRAM: a NUL byte in the "
		    "server's message");
	if (len >= 2 && m[0] == 'e' && m[1] == '=')
		return err_set(e, EX_NOPERM, "SCRAM: the server refused: "
		    "%.*s", (int)(len > 64 ? 64 : len), m + 2);
	if (len >= 2 && m[0] == 'm' && m[1] == '=')
		return err_set(e, EX_PROTOCOL, "SCRAM: the server requires "
		    "an extension outpost does not know");
	f->nonce = scram_attr(m, len, 'r', &f->nlen);
	if (f->nonce == NULL || f->nlen <= strlen(s->nonce) ||
	    strncmp(f->nonce, s->nonce, strlen(s->nonce)) != 0)
		return err_set(e, EX_PROTOCOL, "SCRAM: the server's nonce "
		    "does not extend ours");
	for (i = 0; i < f->nlen; i++)
		if (f->nonce[i] < 0x21 || f->nonce[i] > 0x7e)
			return err_set(e, EX_PROTOCOL, "SCRAM: a bad byte in "
			    "the server's nonce");
	v = scram_attr(m, len, 's', &vlen);
	if (v == NULL || vlen == 0 || b64_decode(v, vlen, f->salt,
	    sizeof(f->salt), &f->slen) == -1 || f->slen == 0)
		return err_set(e, EX_PROTOCOL, "SCRAM: no usable salt from "
		    "the server");
	v = scram_attr(m, len, 'i', &vlen);
	if (v == NULL || vlen == 0 || vlen >= sizeof(num))
		return err_set(e, EX_PROTOCOL, "SCRAM: no iteration count "
		    "from the server");
	memcpy(num, v, vlen);
	num[vlen] = '\0';
	f->iter = strtoul(num, &end, 10);
	if (*end != '\0' || num[0] < '0' || num[0] > '9')
		return err_set(e, EX_PROTOCOL, "SCRAM: a bad iteration "
		    "count from the server");
	if (f->iter < SCRAM_ITER_MIN || f->iter > SCRAM_ITER_MAX)
		return err_set(e, EX_PROTOCOL, "SCRAM: the server asks for "
		    "%lu iterations (outpost takes %d to %d)", f->iter,
		    SCRAM_ITER_MIN, SCRAM_ITER_MAX);
	return 0;
}

static int
scram_hmac(const unsigned char *key, size_t klen, const void *text,
    size_t tlen, unsigned char *out)
{
	return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, klen, text, tlen,
	    out) < 0 ? -1 : 0;
}

/* SaltedPassword from the password, normalized when it is UTF-8. */
static int
scram_salted(const char *password, const struct scram_first_msg *f,
    unsigned char *out)
{
	gnutls_datum_t key, salt, norm = { NULL, 0 };
	int rc;

	if (gnutls_utf8_password_normalize((const unsigned char *)password,
	    (unsigned)strlen(password), &norm, GNUTLS_UTF8_IGNORE_ERRS) < 0)
		return -1;
	key = norm;
	salt.data = (unsigned char *)(unsigned long)f->salt;
	salt.size = (unsigned)f->slen;
	rc = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &salt,
	    (unsigned)f->iter, out, SCRAM_HASH_LEN);
	explicit_bzero(norm.data, norm.size);
	gnutls_free(norm.data);
	return rc < 0 ? -1 : 0;
}

/* client-final-without-proof: "c=" base64(gs2 cb) ",r=" nonce */
static int
scram_without_proof(const struct scram *s, const struct scram_first_msg *f,
    char *out, size_t cap)
{
	unsigned char bind[sizeof(s->gs2) + SCRAM_CB_MAX];
	char b64[B64_ENCODED_SIZE(sizeof(bind))];
	size_t glen = strlen(s->gs2);
	int n;

	memcpy(bind, s->gs2, glen);
	memcpy(bind + glen, s->cb, s->cblen);
	b64_encode(bind, glen + s->cblen, b64);
	n = snprintf(out, cap, "c=%s,r=%.*s", b64, (int)f->nlen, f->nonce);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

struct scram_keys {
	unsigned char	 salted[SCRAM_HASH_LEN];
	unsigned char	 client[SCRAM_HASH_LEN];
	unsigned char	 stored[SCRAM_HASH_LEN];
	unsigned char	 sig[SCRAM_HASH_LEN];
	unsigned char	 server[SCRAM_HASH_LEN];
	char		 auth[3 * SCRAM_MSG_MAX + 2];
};

static int
scram_keys(struct scram *s, struct scram_keys *k, size_t alen)
{
	size_t i;

	if (scram_hmac(k->salted, SCRAM_HASH_LEN, "Client Key", 10,
	    k->client) == -1 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, k->client, SCRAM_HASH_LEN,
	    k->stored) < 0 ||
	    scram_hmac(k->stored, SCRAM_HASH_LEN, k->auth, alen, k->sig) ==
	    -1 ||
	    scram_hmac(k->salted, SCRAM_HASH_LEN, "Server Key", 10,
	    k->server) == -1 ||
	    scram_hmac(k->server, SCRAM_HASH_LEN, k->auth, alen,
	    s->server_sig) == -1)
		return -1;
	for (i = 0; i < SCRAM_HASH_LEN; i++)
		k->client[i] ^= k->sig[i];	/* now the proof */
	return 0;
}

int
scram_final(struct scram *s, const char *password, const char *sfirst,
    size_t len, char *out, size_t cap, struct err *e)
{
	struct scram_first_msg f;
	struct scram_keys *k;
	char b64[B64_ENCODED_SIZE(SCRAM_HASH_LEN)];
	int n, wp, rc = -1;

	if (len >= SCRAM_MSG_MAX)
		return err_set(e, EX_PROTOCOL, "SCRAM: the server's message "
		    "is longer than %d bytes", SCRAM_MSG_MAX);
	if (scram_parse_first(s, sfirst, len, &f, e) == -1)
		return -1;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	wp = scram_without_proof(s, &f, out, cap);
	n = wp < 0 ? -1 : snprintf(k->auth, sizeof(k->auth), "%s,%.*s,%s",
	    s->first_bare, (int)len, sfirst, out);
	if (n < 0 || (size_t)n >= sizeof(k->auth))
		err_set(e, EX_SOFTWARE, "SCRAM: message too long");
	else if (scram_salted(password, &f, k->salted) == -1 ||
	    scram_keys(s, k, (size_t)n) == -1)
		err_set(e, EX_SOFTWARE, "SCRAM: GnuTLS crypto failed");
	else {
		b64_encode(k->client, SCRAM_HASH_LEN, b64);
		n = snprintf(out + wp, cap - (size_t)wp, ",p=%s", b64);
		if (n < 0 || (size_t)n >= cap - (size_t)wp)
			err_set(e, EX_SOFTWARE, "SCRAM: message too long");
		else
			rc = 0;
	}
	s->final_sent = rc == 0;
	explicit_bzero(k, sizeof(*k));
	explicit_bzero(b64, sizeof(b64));
	free(k);
	return rc;
}

int
scram_check(struct scram *s, const char *m, size_t len, struct err *e)
{
	unsigned char got[SCRAM_HASH_LEN + 4];
	unsigned char diff = 0;
	const char *v;
	size_t vlen, glen = 0, i;

	if (!s->final_sent)
		return err_set(e, EX_SOFTWARE, "SCRAM: out of order");
	if (len >= 2 && m[0] == 'e' && m[1] == '=')
		return err_set(e, EX_NOPERM, "SCRAM: the server refused: "
		    "%.*s", (int)(len > 64 ? 64 : len), m + 2);
	v = scram_attr(m, len, 'v', &vlen);
	if (v == NULL || b64_decode(v, vlen, got, sizeof(got), &glen) == -1 ||
	    glen != SCRAM_HASH_LEN)
		return err_set(e, EX_PROTOCOL, "SCRAM: no server signature "
		    "in the server's last message");
	for (i = 0; i < SCRAM_HASH_LEN; i++)
		diff |= (unsigned char)(got[i] ^ s->server_sig[i]);
	if (diff != 0)
		return err_set(e, EX_UNAVAILABLE, "SCRAM: the server's "
		    "signature is wrong: it does not know the password (not "
		    "the server configured?)");
	return 0;
}

void
scram_wipe(struct scram *s)
{
	explicit_bzero(s, sizeof(*s));
}
