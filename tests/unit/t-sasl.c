/*
 * t-sasl.c - SASL: every row of the selection policy (sasl_pick),
 * the PLAIN vectors (RFC 4616), NUL rejection, the
 * EXTERNAL initial response and the size checks of both builders, the
 * XOAUTH2 and OAUTHBEARER byte layouts (sasl.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "err.h"
#include "reply.h"
#include "sasl.h"
#include "tap.h"

#define T_OUT_MAX	256

#define P	CAPA_AUTH_PLAIN
#define L	CAPA_AUTH_LOGIN
#define X	CAPA_AUTH_EXTERNAL
#define XO	CAPA_AUTH_XOAUTH2
#define OB	CAPA_AUTH_OAUTHBEARER
#define CM	CAPA_AUTH_CRAM_MD5

static const struct {
	enum sasl_want	 want;
	unsigned	 offered;
	bool		 tls;
	bool		 cert;
	int		 rc;
	enum sasl_mech	 mech;
	int		 ex;
	const char	*msg;
} picks[] = {
	{ SASL_WANT_OFF, 0, false, false, 0, SASL_NONE, 0, "" },
	{ SASL_WANT_OFF, P | L, true, true, 0, SASL_NONE, 0, "" },
	{ SASL_WANT_OFF, P, false, false, 0, SASL_NONE, 0, "" },
	{ SASL_WANT_ON, P | L | X, true, true, 0, SASL_EXTERNAL, 0, "" },
	{ SASL_WANT_ON, P | L | X, true, false, 0, SASL_PLAIN, 0, "" },
	{ SASL_WANT_ON, P | L, true, true, 0, SASL_PLAIN, 0, "" },
	{ SASL_WANT_ON, L | X, true, false, 0, SASL_LOGIN, 0, "" },
	{ SASL_WANT_ON, L, true, false, 0, SASL_LOGIN, 0, "" },
	{ SASL_WANT_ON, P | CM | XO | OB, true, false, 0, SASL_PLAIN, 0, "" },
	{ SASL_WANT_ON, L | CM, true, false, 0, SASL_LOGIN, 0, "" },
	{ SASL_WANT_ON, X, true, false, -1, SASL_NONE, EX_NOPERM,
	    "no usable AUTH mechanism (server offers: EXTERNAL)" },
	{ SASL_WANT_ON, XO | CM, true, false, -1, SASL_NONE, EX_NOPERM,
	    "no usable AUTH mechanism (server offers: XOAUTH2 CRAM-MD5)" },
	{ SASL_WANT_ON, OB, true, true, -1, SASL_NONE, EX_NOPERM,
	    "no usable AUTH mechanism (server offers: OAUTHBEARER)" },
	{ SASL_WANT_ON, 0, true, true, -1, SASL_NONE, EX_NOPERM,
	    "no usable AUTH mechanism (server offers no AUTH)" },
	{ SASL_WANT_ON, P | L, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH PLAIN without TLS" },
	{ SASL_WANT_ON, L, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH LOGIN without TLS" },
	{ SASL_WANT_ON, X | P, false, true, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH PLAIN without TLS" },
	{ SASL_WANT_PLAIN, P | L | X, true, true, 0, SASL_PLAIN, 0, "" },
	{ SASL_WANT_PLAIN, L | XO, true, false, -1, SASL_NONE, EX_NOPERM,
	    "AUTH PLAIN not offered (server offers: LOGIN XOAUTH2)" },
	{ SASL_WANT_PLAIN, 0, true, false, -1, SASL_NONE, EX_NOPERM,
	    "AUTH PLAIN not offered (server offers no AUTH)" },
	{ SASL_WANT_PLAIN, P, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH PLAIN without TLS" },
	{ SASL_WANT_LOGIN, P | L, true, false, 0, SASL_LOGIN, 0, "" },
	{ SASL_WANT_LOGIN, P | CM, true, false, -1, SASL_NONE, EX_NOPERM,
	    "AUTH LOGIN not offered (server offers: PLAIN CRAM-MD5)" },
	{ SASL_WANT_LOGIN, L, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH LOGIN without TLS" },
	{ SASL_WANT_EXTERNAL, P | X, true, true, 0, SASL_EXTERNAL, 0, "" },
	{ SASL_WANT_EXTERNAL, P | L, true, true, -1, SASL_NONE, EX_NOPERM,
	    "AUTH EXTERNAL not offered (server offers: PLAIN LOGIN)" },
	{ SASL_WANT_EXTERNAL, X, false, true, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH EXTERNAL without TLS" },
	{ SASL_WANT_XOAUTH2, P | XO | OB, true, false, 0, SASL_XOAUTH2, 0,
	    "" },
	{ SASL_WANT_XOAUTH2, P | OB, true, false, -1, SASL_NONE, EX_NOPERM,
	    "AUTH XOAUTH2 not offered (server offers: PLAIN OAUTHBEARER)" },
	{ SASL_WANT_XOAUTH2, XO, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH XOAUTH2 without TLS" },
	{ SASL_WANT_OAUTHBEARER, P | XO | OB, true, false, 0,
	    SASL_OAUTHBEARER, 0, "" },
	{ SASL_WANT_OAUTHBEARER, L | XO, true, false, -1, SASL_NONE,
	    EX_NOPERM, "AUTH OAUTHBEARER not offered (server offers: LOGIN "
	    "XOAUTH2)" },
	{ SASL_WANT_OAUTHBEARER, OB, false, false, -1, SASL_NONE, EX_CONFIG,
	    "refusing AUTH OAUTHBEARER without TLS" },
	{ SASL_WANT_ON, XO | OB | L, true, false, 0, SASL_LOGIN, 0, "" },
};

/* Token messages: mech, user, host, port, token -> decoded bytes. */
static const struct {
	enum sasl_mech	 mech;
	const char	*user;
	const char	*host;
	int		 port;
	const char	*token;
	int		 rc;
	const char	*raw;
	const char	*why;
} tokens[] = {
	{ SASL_XOAUTH2, "u@example.com", NULL, 0, "tok", 0,
	    "user=u@example.com\001auth=Bearer tok\001\001",
	    "XOAUTH2 layout of sasl.h" },
	{ SASL_XOAUTH2, "someuser@example.com", NULL, 0,
	    "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", 0,
	    "user=someuser@example.com\001auth=Bearer "
	    "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\001\001",
	    "XOAUTH2 with Google's example token" },
	{ SASL_XOAUTH2, "u@example.com", NULL, 0, "t\001k", -1, NULL,
	    "XOAUTH2: a 0x01 in the token would end the field" },
	{ SASL_XOAUTH2, "u\r\n@example.com", NULL, 0, "tok", -1, NULL,
	    "XOAUTH2: CR LF in the user" },
	{ SASL_XOAUTH2, "u@example.com", NULL, 0, "tok\x7f", -1, NULL,
	    "XOAUTH2: DEL in the token" },
	{ SASL_OAUTHBEARER, "user@example.com", "server.example.com", 587,
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", 0,
	    "n,a=user@example.com,\001host=server.example.com\001port=587"
	    "\001auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
	    "\001\001", "OAUTHBEARER layout of RFC 7628 4.1" },
	{ SASL_OAUTHBEARER, "a,b=c@example.com", "mx", 465, "t", 0,
	    "n,a=a=2Cb=3Dc@example.com,\001host=mx\001port=465"
	    "\001auth=Bearer t\001\001",
	    "OAUTHBEARER: , and = in the user escaped (RFC 5801)" },
	{ SASL_OAUTHBEARER, "u", "mx\001x", 25, "t", -1, NULL,
	    "OAUTHBEARER: 0x01 in the host" },
	{ SASL_OAUTHBEARER, "u", "mx", 25, "t\001", -1, NULL,
	    "OAUTHBEARER: 0x01 in the token" },
};

static const struct {
	const char	*user;
	size_t		 ulen;
	const char	*pass;
	size_t		 plen;
	int		 rc;
	const char	*b64;
	const char	*why;
} plains[] = {
	{ "alice@example.com", 17, "s3cr3t-P@ss word", 16, 0,
	    "AGFsaWNlQGV4YW1wbGUuY29tAHMzY3IzdC1QQHNzIHdvcmQ=",
	    "space and @ in the password" },
	{ "alice", 5, "secret", 6, 0, "AGFsaWNlAHNlY3JldA==",
	    "RFC 4616 style example" },
	{ "user", 4, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x82\xac", 14, 0,
	    "AHVzZXIAcMOkc3N3w7ZyZCDigqw=", "UTF-8 password unchanged" },
	{ "", 0, "", 0, 0, "AAA=", "empty user and password" },
	{ "ali\0ce", 6, "secret", 6, -1, NULL, "NUL in the user" },
	{ "alice", 5, "sec\0ret", 7, -1, NULL, "NUL in the password" },
	{ "alice", 5, "secret\0", 7, -1, NULL, "trailing NUL in the password" },
	{ "\0", 1, "x", 1, -1, NULL, "user is a lone NUL" },
};

/* The one table: every config word parses back to its setting. */
static void
test_table(void)
{
	static const char *const words[] = { "off", "on", "plain", "login",
	    "external", "xoauth2", "oauthbearer" };
	enum sasl_want w;
	char buf[160];
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		ok(sasl_want_parse(words[i], &w) == 0 &&
		    strcmp(sasl_want_word(w), words[i]) == 0,
		    "auth = %s round-trips", words[i]);
	}
	ok(sasl_want_parse("cram-md5", &w) == -1, "cram-md5 is no setting");
	ok(sasl_want_parse("PLAIN", &w) == -1, "settings are lower case");
	is_str(sasl_want_word(SASL_WANT_XOAUTH2), "xoauth2",
	    "the log's word for xoauth2");
	is_str(sasl_want_word(SASL_WANT_OAUTHBEARER), "oauthbearer",
	    "the log's word for oauthbearer");
	ok(sasl_want_mech(SASL_WANT_ON) == SASL_NONE &&
	    sasl_want_mech(SASL_WANT_OAUTHBEARER) == SASL_OAUTHBEARER,
	    "a setting's mechanism");
	ok(sasl_capa_bit("xoauth2", 7) == CAPA_AUTH_XOAUTH2 &&
	    sasl_capa_bit("CRAM-MD5", 8) == CAPA_AUTH_CRAM_MD5 &&
	    sasl_capa_bit("PLAINX", 6) == 0, "EHLO AUTH keywords");
	sasl_capa_names(CAPA_AUTH_PLAIN | CAPA_AUTH_OAUTHBEARER |
	    CAPA_AUTH_CRAM_MD5, ", ", "\"", buf, sizeof(buf));
	is_str(buf, "\"PLAIN\", \"OAUTHBEARER\", \"CRAM-MD5\"",
	    "names of bits, quoted");
	sasl_capa_names(CAPA_AUTH_PLAIN | CAPA_AUTH_LOGIN, " ", "", buf, 8);
	is_str(buf, "PLAIN", "a name that does not fit is left out");
	sasl_want_words(buf, sizeof(buf));
	is_str(buf, "off, on, plain, login, external, xoauth2, oauthbearer",
	    "the words for a config error");
}

static void
test_names(void)
{
	is_str(sasl_name(SASL_NONE), "", "name of NONE");
	is_str(sasl_name(SASL_PLAIN), "PLAIN", "name of PLAIN");
	is_str(sasl_name(SASL_LOGIN), "LOGIN", "name of LOGIN");
	is_str(sasl_name(SASL_EXTERNAL), "EXTERNAL", "name of EXTERNAL");
	is_str(sasl_name(SASL_XOAUTH2), "XOAUTH2", "name of XOAUTH2");
	is_str(sasl_name(SASL_OAUTHBEARER), "OAUTHBEARER",
	    "name of OAUTHBEARER");
	test_table();
	ok(sasl_is_token(SASL_XOAUTH2) && sasl_is_token(SASL_OAUTHBEARER) &&
	    !sasl_is_token(SASL_PLAIN) && !sasl_is_token(SASL_EXTERNAL),
	    "XOAUTH2 and OAUTHBEARER, only they, take a token");
}

static void
test_pick(void)
{
	enum sasl_mech m;
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		err_init(&e);
		m = SASL_LOGIN;
		rc = sasl_pick(picks[i].want, picks[i].offered, picks[i].tls,
		    picks[i].cert, &m, &e);
		ok(rc == picks[i].rc && m == picks[i].mech &&
		    e.ex == picks[i].ex && strcmp(e.msg, picks[i].msg) == 0,
		    "pick row %zu: want %d offered %#x tls %d cert %d -> "
		    "%d %s ex %d", i, (int)picks[i].want, picks[i].offered,
		    picks[i].tls, picks[i].cert, picks[i].rc,
		    sasl_name(picks[i].mech), picks[i].ex);
		if (rc != picks[i].rc || strcmp(e.msg, picks[i].msg) != 0)
			diag("  got rc %d mech %s ex %d \"%s\"", rc,
			    sasl_name(m), e.ex, e.msg);
	}
}

static void
test_plain(void)
{
	char out[T_OUT_MAX];
	unsigned char dec[T_OUT_MAX];
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(plains) / sizeof(plains[0]); i++) {
		memset(out, 'Z', sizeof(out));
		rc = sasl_plain(plains[i].user, plains[i].ulen, plains[i].pass,
		    plains[i].plen, out, sizeof(out));
		ok(rc == plains[i].rc && (plains[i].b64 == NULL ||
		    strcmp(out, plains[i].b64) == 0), "PLAIN: %s (rc %d)",
		    plains[i].why, rc);
	}
	rc = sasl_plain("alice@example.com", 17, "s3cr3t-P@ss word", 16, out,
	    sizeof(out));
	ok(rc == 0 && b64_decode(out, strlen(out), dec, sizeof(dec), &n) == 0 &&
	    n == 35 && memcmp(dec, "\0alice@example.com\0s3cr3t-P@ss word",
	    35) == 0, "PLAIN decodes to exactly \\0user\\0pass");
	is_int(sasl_plain("alice", 5, "secret", 6, out, 21), 0,
	    "PLAIN into a buffer of exactly B64_ENCODED_SIZE");
	is_int(sasl_plain("alice", 5, "secret", 6, out, 20), -1,
	    "PLAIN into a buffer one byte short");
	is_int(sasl_plain("alice", 5, "secret", 6, out, 0), -1,
	    "PLAIN into a buffer of 0 bytes");
}

static void
test_external(void)
{
	char out[T_OUT_MAX];

	ok(sasl_external("", out, sizeof(out)) == 0 && strcmp(out, "=") == 0,
	    "EXTERNAL with an empty authzid is \"=\"");
	ok(sasl_external("bob", out, sizeof(out)) == 0 &&
	    strcmp(out, "Ym9i") == 0, "EXTERNAL \"bob\" is base64 \"Ym9i\"");
	ok(sasl_external("alice@example.com", out, sizeof(out)) == 0 &&
	    strcmp(out, "YWxpY2VAZXhhbXBsZS5jb20=") == 0,
	    "EXTERNAL with a mailbox authzid");
	is_int(sasl_external("", out, 2), 0, "\"=\" fits in 2 bytes");
	is_int(sasl_external("", out, 1), -1, "\"=\" needs 2 bytes");
	is_int(sasl_external("bob", out, 5), 0, "\"Ym9i\" fits in 5 bytes");
	is_int(sasl_external("bob", out, 4), -1, "\"Ym9i\" needs 5 bytes");
}

static void
test_tokens(void)
{
	char out[T_OUT_MAX];
	unsigned char dec[T_OUT_MAX];
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		if (tokens[i].mech == SASL_XOAUTH2)
			rc = sasl_xoauth2(tokens[i].user, tokens[i].token, out,
			    sizeof(out));
		else
			rc = sasl_oauthbearer(tokens[i].user, tokens[i].host,
			    tokens[i].port, tokens[i].token, out, sizeof(out));
		n = 0;
		ok(rc == tokens[i].rc && (tokens[i].raw == NULL ||
		    (b64_decode(out, strlen(out), dec, sizeof(dec), &n) == 0 &&
		    n == strlen(tokens[i].raw) &&
		    memcmp(dec, tokens[i].raw, n) == 0)), "%s (rc %d)",
		    tokens[i].why, rc);
	}
	is_int(sasl_xoauth2("u", "t", out, B64_ENCODED_SIZE(23)), 0,
	    "XOAUTH2 into a buffer of exactly B64_ENCODED_SIZE");
	is_int(sasl_xoauth2("u", "t", out, B64_ENCODED_SIZE(23) - 1), -1,
	    "XOAUTH2 into a buffer one byte short");
	is_int(sasl_oauthbearer("u", "h", 1, "t", out, 8), -1,
	    "OAUTHBEARER into a buffer too small");
}

int
main(void)
{
	test_names();
	test_pick();
	test_plain();
	test_external();
	test_tokens();
	return done_testing();
}
