/*
 * t-scram.c - the SCRAM-SHA-256 client against RFC 7677 section 3's
 * example exchange (user "user", password "pencil"), byte for byte, then
 * each way a server message must be refused, the saslname escapes and
 * the channel-binding header of -PLUS.
 */
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "scram.h"
#include "tap.h"

#define CNONCE	"rOprNGfwEbeRWgbNEkqO"
#define SNONCE	CNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define SFIRST	"r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define CFINAL	"c=biws,r=" SNONCE \
		",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define SFINAL	"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static void
t_rfc7677(void)
{
	char out[SCRAM_MSG_MAX];
	struct scram s;
	struct err e;

	ok(scram_first(&s, "user", CNONCE, SCRAM_GS2_NONE, NULL, 0, out,
	    sizeof(out)) == 0, "client-first made");
	is_str(out, "n,,n=user,r=" CNONCE, "client-first as in RFC 7677");
	err_init(&e);
	ok(scram_final(&s, "pencil", SFIRST, strlen(SFIRST), out,
	    sizeof(out), &e) == 0, "client-final made: %s", e.msg);
	is_str(out, CFINAL, "client-final (the proof) as in RFC 7677");
	ok(scram_check(&s, SFINAL, strlen(SFINAL), &e) == 0,
	    "the server's signature as in RFC 7677 is accepted");
	err_init(&e);
	ok(scram_check(&s, "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
	    46, &e) == -1 && e.ex == EX_UNAVAILABLE,
	    "a wrong server signature is refused: %s", e.msg);
	err_init(&e);
	ok(scram_check(&s, "e=invalid-proof", 15, &e) == -1 &&
	    e.ex == EX_NOPERM, "an e= answer is the server's refusal");
	scram_wipe(&s);
	ok(s.first_bare[0] == '\0' && s.server_sig[0] == 0, "wiped");
}

/* The password is the RFC's but the salt differs: another proof. */
static void
t_other_salt(void)
{
	static const char sf[] = "r=" SNONCE ",s=X22ZaJ0SNY7soEsUEjb6gQ==,"
	    "i=4096";
	char out[SCRAM_MSG_MAX];
	struct scram s;
	struct err e;

	err_init(&e);
	scram_first(&s, "user", CNONCE, SCRAM_GS2_NONE, NULL, 0, out,
	    sizeof(out));
	ok(scram_final(&s, "pencil", sf, strlen(sf), out, sizeof(out),
	    &e) == 0 && strcmp(out, CFINAL) != 0, "the salt changes the proof");
}

static const struct {
	const char	*sfirst;
	int		 ex;
	const char	*why;
} bad[] = {
	{ "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", EX_PROTOCOL,
	  "a nonce that does not extend ours" },
	{ "r=" CNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", EX_PROTOCOL,
	  "the nonce not extended at all" },
	{ "r=" SNONCE ",i=4096", EX_PROTOCOL, "no salt" },
	{ "r=" SNONCE ",s=!!,i=4096", EX_PROTOCOL, "a salt not base64" },
	{ "r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==", EX_PROTOCOL,
	  "no iteration count" },
	{ "r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095", EX_PROTOCOL,
	  "fewer than 4096 iterations" },
	{ "r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001", EX_PROTOCOL,
	  "more than a million iterations" },
	{ "r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-4096", EX_PROTOCOL,
	  "a negative count" },
	{ "r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x", EX_PROTOCOL,
	  "a count with junk" },
	{ "m=ext,r=" SNONCE ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  EX_PROTOCOL, "a mandatory extension" },
	{ "e=unknown-user", EX_NOPERM, "an error from the server" },
};

static void
t_bad(void)
{
	char out[SCRAM_MSG_MAX];
	struct scram s;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_init(&e);
		scram_first(&s, "user", CNONCE, SCRAM_GS2_NONE, NULL, 0, out,
		    sizeof(out));
		ok(scram_final(&s, "pencil", bad[i].sfirst,
		    strlen(bad[i].sfirst), out, sizeof(out), &e) == -1 &&
		    e.ex == bad[i].ex, "refused: %s (%s)", bad[i].why, e.msg);
		ok(scram_check(&s, SFINAL, strlen(SFINAL), &e) == -1,
		    "no final check after a refused first message");
	}
}

static void
t_names_binding(void)
{
	unsigned char cb[32], dec[64];
	char out[SCRAM_MSG_MAX], nonce[SCRAM_NONCE_LEN + 1], n2[40];
	const char *c;
	struct scram s;
	struct err e;
	size_t len = 0;

	ok(scram_first(&s, "a=b,c", CNONCE, SCRAM_GS2_NONE, NULL, 0, out,
	    sizeof(out)) == 0, "saslname with = and ,");
	is_str(out, "n,,n=a=3Db=2Cc,r=" CNONCE, "= and , escaped");
	ok(scram_first(&s, "a\nb", CNONCE, SCRAM_GS2_NONE, NULL, 0, out,
	    sizeof(out)) == -1, "a control byte in the user is refused");
	memset(cb, 0xa5, sizeof(cb));
	scram_first(&s, "user", CNONCE, SCRAM_GS2_EXPORTER, cb, sizeof(cb),
	    out, sizeof(out));
	is_str(out, "p=tls-exporter,,n=user,r=" CNONCE, "-PLUS header");
	err_init(&e);
	scram_final(&s, "pencil", SFIRST, strlen(SFIRST), out, sizeof(out),
	    &e);
	c = strstr(out, "c=");
	ok(c != NULL && b64_decode(c + 2, strcspn(c + 2, ","), dec,
	    sizeof(dec), &len) == 0 && len == 16 + 32 &&
	    memcmp(dec, "p=tls-exporter,,", 16) == 0 &&
	    memcmp(dec + 16, cb, 32) == 0,
	    "c= carries the header and the binding data");
	ok(strcmp(out, CFINAL) != 0, "the binding changes the proof");
	ok(scram_nonce(nonce, sizeof(nonce)) == 0 && strlen(nonce) ==
	    SCRAM_NONCE_LEN && strchr(nonce, ',') == NULL, "a nonce: %s",
	    nonce);
	ok(scram_nonce(n2, sizeof(n2)) == 0 && strcmp(nonce, n2) != 0,
	    "nonces differ");
}

int
main(void)
{
	t_rfc7677();
	t_other_salt();
	t_bad();
	t_names_binding();
	return done_testing();
}
