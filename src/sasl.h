/*
 * sasl.h - pure SASL pieces: mechanism choice and client messages for
 * PLAIN (RFC 4616), LOGIN and EXTERNAL (RFC 4422 app. A).
 *
 * Nothing here touches the network; smtp.c drives the exchange.  Outputs
 * hold secrets: callers wipe them with explicit_bzero().
 */
#ifndef OUTPOST_SASL_H
#define OUTPOST_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum sasl_mech {
	SASL_NONE = 0,
	SASL_PLAIN,
	SASL_LOGIN,
	SASL_EXTERNAL,
	SASL_XOAUTH2,
	SASL_OAUTHBEARER
};

/* What the account asks for (config key auth). */
enum sasl_want {
	SASL_WANT_OFF = 0,
	SASL_WANT_ON,		/* best offered */
	SASL_WANT_PLAIN,
	SASL_WANT_LOGIN,
	SASL_WANT_EXTERNAL,
	SASL_WANT_XOAUTH2,	/* the "password" is an OAuth2 token */
	SASL_WANT_OAUTHBEARER
};

/*
 * sasl_mech.c: the one table of mechanism names.  The config word of a
 * setting ("-" when unknown); parse one (as written), -1 when it is
 * none; every word, comma-separated, for messages.
 */
const char	*sasl_want_word(enum sasl_want);
int		 sasl_want_parse(const char *word, enum sasl_want *out);
size_t		 sasl_want_words(char *out, size_t cap);
/* The mechanism a setting names (SASL_NONE for off and on). */
enum sasl_mech	 sasl_want_mech(enum sasl_want);
/* The name on the wire ("" for SASL_NONE) and its CAPA_AUTH_* bit. */
const char	*sasl_name(enum sasl_mech);
unsigned	 sasl_mech_bit(enum sasl_mech);
/* The CAPA_AUTH_* bit of an EHLO AUTH keyword of n bytes; 0: unknown. */
unsigned	 sasl_capa_bit(const char *s, size_t n);
/*
 * The wire names of bits, each in quote, joined by sep, into out (cap
 * bytes, NUL-terminated, cut at a name that does not fit); its length.
 */
size_t		 sasl_capa_names(unsigned bits, const char *sep,
		    const char *quote, char *out, size_t cap);
/*
 * Choose a mechanism from the CAPA_AUTH_* bits the server offered after
 * TLS.  Never a password mechanism without TLS.  auto order: EXTERNAL
 * (only with a client certificate), PLAIN, LOGIN.  -1 with e (77) when
 * nothing fits; the message lists what the server offered.
 */
int	sasl_pick(enum sasl_want, unsigned offered, bool tls, bool have_cert,
	    enum sasl_mech *out, struct err *e);
/*
 * base64("\0" user "\0" pass) into out (cap bytes, NUL-terminated).
 * -1 when user or pass holds a NUL (len-counted) or out is too small.
 */
int	sasl_plain(const char *user, size_t ulen, const char *pass,
	    size_t plen, char *out, size_t cap);
/* EXTERNAL initial response: "=" for an empty authzid, else base64. */
int	sasl_external(const char *authzid, char *out, size_t cap);
/*
 * XOAUTH2: base64("user=" user "\1auth=Bearer " token "\1\1").
 * -1 when user or token holds a control byte or out is too small.
 */
int	sasl_xoauth2(const char *user, const char *token, char *out,
	    size_t cap);
/*
 * OAUTHBEARER (RFC 7628 3.1): base64("n,a=" user ",\1host=" host
 * "\1port=" port "\1auth=Bearer " token "\1\1"); "," and "=" in user
 * are written =2C and =3D (RFC 5801 saslname).  -1 as for XOAUTH2.
 */
int	sasl_oauthbearer(const char *user, const char *host, int port,
	    const char *token, char *out, size_t cap);
/* True for the mechanisms whose credential is a bearer token. */
bool	sasl_is_token(enum sasl_mech);

#endif
