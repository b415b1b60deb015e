/*
 * t-b64.c - base64: RFC 4648 section 10 vectors both ways, binary data,
 * and every way the strict decoder must refuse its input.
 */
#include <stddef.h>
#include <string.h>

#include "b64.h"
#include "tap.h"

#define T_B64_MAX	64

static const struct {
	const char	*plain;
	size_t		 len;
	const char	*enc;
} vectors[] = {
	{ "",		0,	"" },
	{ "f",		1,	"Zg==" },
	{ "fo",		2,	"Zm8=" },
	{ "foo",	3,	"Zm9v" },
	{ "foob",	4,	"Zm9vYg==" },
	{ "fooba",	5,	"Zm9vYmE=" },
	{ "foobar",	6,	"Zm9vYmFy" },
	{ "\0",		1,	"AA==" },
	{ "\0a\0b\0",	5,	"AGEAYgA=" },
	{ "\xff\xef",	2,	"/+8=" },
	{ "\xfb\xef\xbe", 3,	"++++" },
};

static const struct {
	const char	*enc;
	const char	*why;
} bad[] = {
	{ "Zg=",	"length not a multiple of 4" },
	{ "Zm9",	"missing padding" },
	{ "Z",		"single character" },
	{ "Zm 9",	"space inside" },
	{ "Zm9v\r\n",	"line end" },
	{ "Zm-v",	"url-safe alphabet" },
	{ "Zm_v",	"url-safe underscore" },
	{ "Zm9*",	"punctuation" },
	{ "Zg==Zm9v",	"padding in the middle" },
	{ "Z===",	"three padding characters" },
	{ "====",	"only padding" },
	{ "Zg=a",	"character after padding" },
	{ "=m9v",	"padding first" },
	{ "Zm\xc3\xa9",	"non-ASCII byte" },
};

static void
test_vectors(void)
{
	char enc[T_B64_MAX];
	unsigned char dec[T_B64_MAX];
	size_t i, n, outlen;
	int rc;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		memset(enc, 'X', sizeof(enc));
		n = b64_encode(vectors[i].plain, vectors[i].len, enc);
		ok(n == strlen(vectors[i].enc) &&
		    strcmp(enc, vectors[i].enc) == 0 &&
		    B64_ENCODED_SIZE(vectors[i].len) == n + 1,
		    "encode row %zu -> \"%s\" (got \"%s\")", i,
		    vectors[i].enc, enc);
		outlen = 999;
		rc = b64_decode(vectors[i].enc, strlen(vectors[i].enc), dec,
		    sizeof(dec), &outlen);
		ok(rc == 0 && outlen == vectors[i].len &&
		    memcmp(dec, vectors[i].plain, outlen) == 0,
		    "decode \"%s\" (rc %d, %zu bytes)", vectors[i].enc, rc,
		    outlen);
	}
}

static void
test_bad(void)
{
	unsigned char dec[T_B64_MAX];
	size_t i, outlen;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(b64_decode(bad[i].enc, strlen(bad[i].enc), dec,
		    sizeof(dec), &outlen), -1, "decode rejects %s",
		    bad[i].why);
}

static void
test_cap(void)
{
	unsigned char dec[8];
	size_t outlen;

	memset(dec, 0x55, sizeof(dec));
	is_int(b64_decode("Zm9vYmFy", 8, dec, 5, &outlen), -1,
	    "6 bytes into a cap of 5 is refused");
	ok(dec[5] == 0x55, "nothing written past the cap");
	is_int(b64_decode("Zm9vYg==", 8, dec, 4, &outlen), 0,
	    "4 bytes into a cap of exactly 4");
	is_int(b64_decode("", 0, dec, 0, &outlen), 0,
	    "empty input with cap 0");
	is_int(outlen, 0, "empty input decodes to 0 bytes");
	is_int(b64_decode("Zg==", 4, dec, 0, &outlen), -1,
	    "1 byte into a cap of 0 is refused");
	is_int(b64_decode("Zm9vYmFy", 4, dec, sizeof(dec), &outlen), 0,
	    "len counts, not the NUL: first quartet only");
	is_mem(dec, outlen, "foo", 3, "first quartet decodes to foo");
}

static void
test_all_bytes(void)
{
	unsigned char in[256], dec[256];
	char enc[B64_ENCODED_SIZE(256)];
	size_t i, n, outlen;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	n = b64_encode(in, sizeof(in), enc);
	is_int(n, B64_ENCODED_SIZE(256) - 1, "256 bytes: encoded length");
	ok(b64_decode(enc, n, dec, sizeof(dec), &outlen) == 0 &&
	    outlen == sizeof(in) && memcmp(in, dec, outlen) == 0,
	    "all 256 byte values round-trip");
}

int
main(void)
{
	test_vectors();
	test_bad();
	test_cap();
	test_all_bytes();
	return done_testing();
}
