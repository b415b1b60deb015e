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
	SASL_EXTERNAL
};

/* What the account asks for (config key auth). */
enum sasl_want {
	SASL_WANT_OFF = 0,
	SASL_WANT_ON,		/* best offered */
	SASL_WANT_PLAIN,
	SASL_WANT_LOGIN,
	SASL_WANT_EXTERNAL
};

const char *sasl_name(enum sasl_mech);
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

#endif
