/*
 * sasl.c - pure SASL pieces: the mechanism choice (sasl_pick, below) and
 * the client messages of PLAIN (RFC 4616), EXTERNAL (RFC 4422 app. A),
 * XOAUTH2 (Google's layout, in sasl.h) and OAUTHBEARER (RFC 7628).
 * LOGIN needs no builder: its two responses are base64(user) and
 * base64(password), made with b64_encode().
 *
 * Invariants: a password mechanism (PLAIN, LOGIN) is never chosen
 * without TLS, EXTERNAL only with TLS, CRAM-MD5 never, and the token
 * mechanisms only when the account names one (auth = xoauth2 or
 * oauthbearer: the password is a token, which auth = on cannot know).
 * The only copies of a secret made here (the PLAIN and token messages
 * before encoding) live on the stack and are wiped before returning.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "err.h"
#include "reply.h"
#include "sasl.h"

/* PLAIN message before encoding: NUL user NUL pass, each <= 4096. */
#define SASL_RAW_MAX		(2 + 2 * 4096)
/* Every CAPA_AUTH_* bit; capa_parse() sets no others. */
#define SASL_KNOWN	(CAPA_AUTH_PLAIN | CAPA_AUTH_LOGIN | \
	CAPA_AUTH_EXTERNAL | CAPA_AUTH_XOAUTH2 | CAPA_AUTH_OAUTHBEARER | \
	CAPA_AUTH_CRAM_MD5)
/* A token message before encoding: user, host and token with framing. */
#define SASL_TOKEN_RAW_MAX	(4 * 4096 + 64)
/* "server offers: " and every mechanism name of sasl_mech.c. */
#define SASL_OFFERS_MAX		128

/* "server offers: A B" or "server offers no AUTH", for messages. */
static void
sasl_offers(unsigned offered, char *buf, size_t size)
{
	int n;

	n = snprintf(buf, size, "server offers%s", offered != 0 ? ": " :
	    " no AUTH");
	if (n > 0 && (size_t)n < size)
		sasl_capa_names(offered, " ", "", buf + n, size - (size_t)n);
}

int
sasl_pick(enum sasl_want want, unsigned offered, bool tls, bool have_cert,
    enum sasl_mech *out, struct err *e)
{
	enum sasl_mech m;
	char offers[SASL_OFFERS_MAX];

	*out = SASL_NONE;
	offered &= SASL_KNOWN;
	switch (want) {
	case SASL_WANT_OFF:
		return 0;
	case SASL_WANT_ON:
		if (tls && have_cert && (offered & CAPA_AUTH_EXTERNAL) != 0)
			m = SASL_EXTERNAL;
		else if ((offered & CAPA_AUTH_PLAIN) != 0)
			m = SASL_PLAIN;
		else if ((offered & CAPA_AUTH_LOGIN) != 0)
			m = SASL_LOGIN;
		else {
			sasl_offers(offered, offers, sizeof(offers));
			return err_set(e, EX_NOPERM,
			    "no usable AUTH mechanism (%s)", offers);
		}
		break;
	default:
		if ((m = sasl_want_mech(want)) == SASL_NONE)
			return err_set(e, EX_SOFTWARE, "unknown auth setting "
			    "%d", (int)want);
		break;
	}
	if (!tls)
		return err_set(e, EX_CONFIG, "refusing AUTH %s without TLS",
		    sasl_name(m));
	if ((offered & sasl_mech_bit(m)) == 0) {
		sasl_offers(offered, offers, sizeof(offers));
		return err_set(e, EX_NOPERM, "AUTH %s not offered (%s)",
		    sasl_name(m), offers);
	}
	*out = m;
	return 0;
}

int
sasl_plain(const char *user, size_t ulen, const char *pass, size_t plen,
    char *out, size_t cap)
{
	char raw[SASL_RAW_MAX];
	size_t n;

	if (memchr(user, '\0', ulen) != NULL ||
	    memchr(pass, '\0', plen) != NULL)
		return -1;
	if (ulen > SASL_RAW_MAX - 2 || plen > SASL_RAW_MAX - 2 - ulen)
		return -1;
	n = 2 + ulen + plen;
	if (cap < B64_ENCODED_SIZE(n))
		return -1;
	raw[0] = '\0';
	memcpy(raw + 1, user, ulen);
	raw[1 + ulen] = '\0';
	memcpy(raw + 2 + ulen, pass, plen);
	b64_encode(raw, n, out);
	explicit_bzero(raw, n);
	return 0;
}

int
sasl_external(const char *authzid, char *out, size_t cap)
{
	size_t n = strlen(authzid);

	if (n == 0) {
		if (cap < 2)
			return -1;
		out[0] = '=';
		out[1] = '\0';
		return 0;
	}
	if (cap < B64_ENCODED_SIZE(n))
		return -1;
	b64_encode(authzid, n, out);
	return 0;
}

bool
sasl_is_token(enum sasl_mech m)
{
	return m == SASL_XOAUTH2 || m == SASL_OAUTHBEARER;
}

/* Append src (n bytes) to raw at *o; -1 on a control byte or overflow. */
static int
sasl_put(char *raw, size_t *o, const char *src, size_t n, bool check)
{
	size_t i;

	for (i = 0; check && i < n; i++)
		if ((unsigned char)src[i] < 0x20 || src[i] == 0x7f)
			return -1;
	if (n > SASL_TOKEN_RAW_MAX - *o)
		return -1;
	memcpy(raw + *o, src, n);
	*o += n;
	return 0;
}

/* base64 of raw[0..n) into out, then wipe raw. */
static int
sasl_finish(char *raw, size_t n, int rc, char *out, size_t cap)
{
	if (rc == 0 && cap < B64_ENCODED_SIZE(n))
		rc = -1;
	if (rc == 0)
		b64_encode(raw, n, out);
	explicit_bzero(raw, SASL_TOKEN_RAW_MAX);
	return rc;
}

/* One piece of a token mechanism's message; check: refuse control bytes. */
struct sasl_part {
	const char	*s;
	bool		 check;
};

/* The pieces (up to a NULL s) in a row, base64 into out. */
static int
sasl_build(const struct sasl_part *p, char *out, size_t cap)
{
	char raw[SASL_TOKEN_RAW_MAX];
	size_t o = 0;
	int rc = 0;

	for (; p->s != NULL && rc == 0; p++)
		rc = sasl_put(raw, &o, p->s, strlen(p->s), p->check);
	return sasl_finish(raw, o, rc, out, cap);
}

int
sasl_xoauth2(const char *user, const char *token, char *out, size_t cap)
{
	const struct sasl_part parts[] = {
		{ "user=", false }, { user, true },
		{ "\001auth=Bearer ", false }, { token, true },
		{ "\001\001", false }, { NULL, false }
	};

	return sasl_build(parts, out, cap);
}

/* RFC 5801 saslname: "," and "=" escaped as =2C and =3D. */
static int
sasl_saslname(char *raw, size_t *o, const char *user)
{
	const char *p;
	int rc = 0;

	for (p = user; *p != '\0' && rc == 0; p++) {
		if (*p == ',')
			rc = sasl_put(raw, o, "=2C", 3, false);
		else if (*p == '=')
			rc = sasl_put(raw, o, "=3D", 3, false);
		else
			rc = sasl_put(raw, o, p, 1, true);
	}
	return rc;
}

int
sasl_oauthbearer(const char *user, const char *host, int port,
    const char *token, char *out, size_t cap)
{
	char name[SASL_TOKEN_RAW_MAX], num[16];
	size_t n = 0;
	const struct sasl_part parts[] = {
		{ "n,a=", false }, { name, false }, { ",\001host=", false },
		{ host, true }, { "\001port=", false }, { num, false },
		{ "\001auth=Bearer ", false }, { token, true },
		{ "\001\001", false }, { NULL, false }
	};

	if (sasl_saslname(name, &n, user) == -1 || n == sizeof(name))
		return -1;
	name[n] = '\0';
	snprintf(num, sizeof(num), "%d", port);
	return sasl_build(parts, out, cap);
}
