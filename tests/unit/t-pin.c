/*
 * t-pin.c - tls_fingerprint values: every accepted spelling (ours and
 * msmtp's bare colon hex, whose length names the digest), what is
 * refused, the one output form, and the comparison.
 */
#include <string.h>

#include "cfg.h"
#include "cfgrun.h"
#include "pin.h"
#include "tap.h"

#define HEX64	"0123456789abcdef0123456789ABCDEF" \
		"0123456789abcdef0123456789abcdef"
#define COLON32	"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:" \
		"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"
#define COLON20	"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:" \
		"01:23:45:67"
#define COLON16	"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

static const unsigned char want[32] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

static const struct {
	const char	*in;
	enum pin_alg	 alg;	/* 0: refused */
} cases[] = {
	{ "sha256:" HEX64, PIN_SHA256 },
	{ "SHA256:" COLON32, PIN_SHA256 },
	{ COLON32, PIN_SHA256 },	/* msmtp's way */
	{ HEX64, PIN_SHA256 },
	{ COLON20, PIN_SHA1 },
	{ "sha1:" COLON20, PIN_SHA1 },
	{ COLON16, PIN_MD5 },
	{ "md5:" COLON16, PIN_MD5 },
	{ "sha256:" COLON20, 0 },	/* wrong length for the name */
	{ "sha256:", 0 },
	{ "", 0 },
	{ "sha512:" HEX64, 0 },
	{ "sha256:0g" HEX64, 0 },
	{ "01:23:4567", 0 },		/* colons: all or none */
	{ "01:23:45:", 0 },
	{ "0123456", 0 },		/* odd */
	{ "01:23:45:67", 0 },		/* no digest is 4 bytes */
	{ HEX64 "00", 0 },
};

static void
t_parse(void)
{
	const char *why;
	struct pin p;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		r = pin_parse(cases[i].in, &p, &why);
		if (cases[i].alg == 0) {
			ok(r == -1 && why != NULL, "refused: '%s'",
			    cases[i].in);
			continue;
		}
		ok(r == 0 && p.alg == cases[i].alg &&
		    p.len == pin_alg_len(cases[i].alg) &&
		    memcmp(p.d, want, p.len) == 0, "parsed: '%s'",
		    cases[i].in);
	}
}

static void
t_format_equal(void)
{
	char out[PIN_TEXT_MAX], small[20];
	unsigned char other[32];
	const char *why;
	struct pin p;

	pin_format(PIN_SHA256, want, 32, out, sizeof(out));
	is_str(out, "sha256:" COLON32, "the output form");
	is_int((long long)strlen(out), PIN_TEXT_MAX - 2, "PIN_TEXT_MAX fits");
	ok(pin_parse(out, &p, &why) == 0 && pin_equal(&p, want, 32),
	    "the output parses back to the same digest");
	memcpy(other, want, 32);
	other[31] ^= 1;
	ok(!pin_equal(&p, other, 32), "one bit off does not match");
	ok(!pin_equal(&p, want, 20), "a shorter digest does not match");
	pin_format(PIN_SHA256, want, 32, small, sizeof(small));
	is_str(small, "", "too small a buffer: empty, not cut");
	is_str(pin_alg_name(PIN_SHA1), "sha1", "names");
}

/* The config key: checked when loaded, so a typo is 78 at once. */
static void
t_cfg(void)
{
	static const char good[] = "[a]\nhost = h\ntls_fingerprint = "
	    COLON32 "\n";
	static const char bad[] = "[a]\nhost = h\ntls_fingerprint = "
	    "sha256:00\n";
	struct config cfg;
	struct err e;

	ok(parse(good, sizeof(good) - 1, &cfg, &e) == 0 &&
	    strcmp(cfg.accounts[0].tls_fingerprint, COLON32) == 0,
	    "tls_fingerprint kept as written");
	cfg_free(&cfg);
	ok(parse(bad, sizeof(bad) - 1, &cfg, &e) == -1 && e.ex == EX_CONFIG &&
	    strstr(e.msg, "t.conf:3: key 'tls_fingerprint'") != NULL,
	    "a bad pin is 78 with file and line: %s", e.msg);
}

int
main(void)
{
	t_parse();
	t_format_equal();
	t_cfg();
	return done_testing();
}
