/*
 * import_msmtp_int.h - private to import_msmtp.c and import_msmtp_keys.c:
 * the value slots of an imported account and the msmtp key table.
 */
#ifndef OUTPOST_IMPORT_MSMTP_INT_H
#define OUTPOST_IMPORT_MSMTP_INT_H

#include <stddef.h>

#include "import_msmtp.h"

/* Value slots of an account, in the order they are written. */
enum imp_slot {
	IS_HOST, IS_PORT, IS_TLS, IS_STARTTLS, IS_TRUST, IS_CERT, IS_KEY,
	IS_AUTH, IS_USER, IS_PASSWORD, IS_PWEVAL, IS_FROM, IS_DOMAIN,
	IS_TIMEOUT, IS_MAILDOMAIN, IS_SETFROM, IS_ALIASES, IS_LOGFILE,
	IS_SYSLOG, IS_PIN, IS_SOURCE, IS_PROXY_HOST, IS_PROXY_PORT,
	IS_DSN_NOTIFY, IS_DSN_RETURN, IS_N, IS_NONE = -1
};

/* The outpost key of each slot; NULL: written through another (tls). */
extern const char *const imp_out_key[IS_N];

/* How an msmtp value becomes an outpost one (imp_convert). */
enum imp_conv {
	IC_COPY, IC_ONOFF, IC_AUTH, IC_TRUST, IC_TIMEOUT, IC_CERTCHECK,
	IC_MISSINGFROM, IC_SYSLOG, IC_LOGFILE, IC_PROTOCOL, IC_PASSWORD,
	IC_PIN, IC_OPTIONAL, IC_DSN, IC_NONE
};

struct imp_key {
	const char	*k;
	int		 slot;
	enum imp_conv	 conv;
	const char	*why;	/* IC_NONE: why there is no equivalent */
};

/* The row of an msmtp key, NULL if outpost does not know it. */
const struct imp_key *imp_key_find(const char *name);
/*
 * The outpost value for msmtp value v of key k, into buf (n bytes): 1
 * store it, 0 clear the slot (msmtp's default, which outpost also has),
 * -1 not imported (*note says why).  With 0 or 1, *note may hold a note
 * for the user; it is left alone otherwise.
 */
int	imp_convert(const struct imp_key *k, const char *v, char *buf,
	    size_t n, const char **note);

#endif
