/*
 * scram.h - the client side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS
 * (RFC 5802, RFC 7677) with tls-exporter channel binding (RFC 9266),
 * over GnuTLS's crypto.
 *
 * No network here: smtp_auth.c carries the messages (base64) and feeds
 * the server's back.  The password is used once, in scram_final(), and
 * every derived key is wiped before it returns; scram_wipe() clears the
 * rest.  The server must prove that it knows the password too
 * (scram_check): a server that cannot is not the one configured.
 */
#ifndef OUTPOST_SCRAM_H
#define OUTPOST_SCRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define SCRAM_MSG_MAX	2048	/* one message of the exchange, raw */
#define SCRAM_CB_MAX	64	/* channel binding data */
#define SCRAM_HASH_LEN	32	/* SHA-256 */
#define SCRAM_NONCE_LEN	32	/* our nonce: base64 of 24 random bytes */
/*
 * The iteration count a server may ask for: below RFC 7677's 4096 a
 * stolen exchange is cheap to brute-force; far above, a hostile server
 * could make us spin (PBKDF2 cannot be interrupted by a deadline).
 */
#define SCRAM_ITER_MIN	4096
#define SCRAM_ITER_MAX	1000000

/* The GS2 headers (RFC 5802 7): no binding, could bind, bound. */
#define SCRAM_GS2_NONE		"n,,"
#define SCRAM_GS2_COULD		"y,,"
#define SCRAM_GS2_EXPORTER	"p=tls-exporter,,"

struct scram {
	char		 gs2[24];
	unsigned char	 cb[SCRAM_CB_MAX];
	size_t		 cblen;
	char		 nonce[SCRAM_NONCE_LEN + 1];
	char		 first_bare[SCRAM_MSG_MAX];
	unsigned char	 server_sig[SCRAM_HASH_LEN];
	bool		 final_sent;
};

/* A fresh client nonce (SCRAM_NONCE_LEN printable bytes, no ','). */
int	scram_nonce(char *out, size_t cap);
/*
 * The client-first-message (raw, not base64) into out.  gs2 is one of
 * SCRAM_GS2_*; cb (cblen bytes) the channel binding data for
 * SCRAM_GS2_EXPORTER.  -1 when user is unusable or out too small.
 */
int	scram_first(struct scram *, const char *user, const char *nonce,
	    const char *gs2, const unsigned char *cb, size_t cblen,
	    char *out, size_t cap);
/*
 * The server-first-message (raw) in, the client-final-message (raw, with
 * the proof) out.  Malformed or hostile input: -1 with e (76; 77 for an
 * "e=" error from the server).
 */
int	scram_final(struct scram *, const char *password, const char *sfirst,
	    size_t len, char *out, size_t cap, struct err *);
/* The server-final-message: 0 when its signature proves the password. */
int	scram_check(struct scram *, const char *sfinal, size_t len,
	    struct err *);
void	scram_wipe(struct scram *);

#endif
