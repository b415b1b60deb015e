/*
 * import_msmtp_keys.c - what each msmtp key becomes in outpost: its slot,
 * how its value converts, or why it has no equivalent.
 *
 * Pure: a value in, the outpost value (or a reason) out.  The reading of
 * the file and the writing of the config are import_msmtp.c; it prints
 * the notes this returns ("line N: KEY: note" or "... not imported: why").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "import_msmtp_int.h"
#include "pin.h"

/* The outpost key of each slot; NULL: written through another (tls). */
const char *const imp_out_key[IS_N] = {
	"host", "port", "tls", NULL, "tls_trust_file", "tls_cert_file",
	"tls_key_file", "auth", "user", "password", "passwordeval", "from",
	"domain", "timeout", "maildomain", "set_from_header", "aliases",
	"logfile", "syslog", "tls_fingerprint", "source_ip", NULL, NULL,
	"dsn_notify", "dsn_return"
};

static const struct imp_key imp_keys[] = {
	{ "host", IS_HOST, IC_COPY, NULL },
	{ "port", IS_PORT, IC_COPY, NULL },
	{ "tls", IS_TLS, IC_ONOFF, NULL },
	{ "tls_starttls", IS_STARTTLS, IC_ONOFF, NULL },
	{ "tls_trust_file", IS_TRUST, IC_TRUST, NULL },
	{ "tls_cert_file", IS_CERT, IC_COPY, NULL },
	{ "tls_key_file", IS_KEY, IC_COPY, NULL },
	{ "tls_certcheck", IS_NONE, IC_CERTCHECK, NULL },
	{ "auth", IS_AUTH, IC_AUTH, NULL },
	{ "user", IS_USER, IC_COPY, NULL },
	{ "password", IS_PASSWORD, IC_PASSWORD, NULL },
	{ "passwordeval", IS_PWEVAL, IC_COPY, NULL },
	{ "from", IS_FROM, IC_COPY, NULL },
	{ "domain", IS_DOMAIN, IC_COPY, NULL },
	{ "timeout", IS_TIMEOUT, IC_TIMEOUT, NULL },
	{ "maildomain", IS_MAILDOMAIN, IC_COPY, NULL },
	{ "set_from_header", IS_SETFROM, IC_COPY, NULL },
	{ "add_missing_from_header", IS_SETFROM, IC_MISSINGFROM, NULL },
	{ "aliases", IS_ALIASES, IC_COPY, NULL },
	{ "logfile", IS_LOGFILE, IC_LOGFILE, NULL },
	{ "syslog", IS_SYSLOG, IC_SYSLOG, NULL },
	{ "protocol", IS_NONE, IC_PROTOCOL, NULL },
	{ "tls_fingerprint", IS_PIN, IC_PIN, NULL },
	{ "tls_crl_file", IS_NONE, IC_NONE, "no CRL file in outpost" },
	{ "tls_priorities", IS_NONE, IC_NONE, "outpost's TLS settings are "
	    "fixed (TLS 1.2 or later)" },
	{ "tls_min_dh_prime_bits", IS_NONE, IC_NONE, "outpost's TLS "
	    "settings are fixed" },
	{ "tls_host_override", IS_NONE, IC_NONE, "outpost checks the "
	    "certificate against host" },
	{ "auto_from", IS_NONE, IC_NONE, "write from = %U@%H, or set "
	    "maildomain" },
	{ "dsn_notify", IS_DSN_NOTIFY, IC_DSN, NULL },
	{ "dsn_return", IS_DSN_RETURN, IC_DSN, NULL },
	{ "proxy_host", IS_PROXY_HOST, IC_OPTIONAL, NULL },
	{ "proxy_port", IS_PROXY_PORT, IC_OPTIONAL, NULL },
	{ "socket", IS_NONE, IC_NONE, "outpost connects over TCP only" },
	{ "source_ip", IS_SOURCE, IC_OPTIONAL, NULL },
	{ "ntlmdomain", IS_NONE, IC_NONE, "outpost has no NTLM" },
	{ "eval", IS_NONE, IC_NONE, "outpost runs no command to make its "
	    "configuration (passwordeval is for the password)" },
	{ "logfile_time_format", IS_NONE, IC_NONE, "outpost's log line "
	    "format is fixed" },
	{ "add_missing_date_header", IS_NONE, IC_NONE, "outpost always adds "
	    "a missing Date:" },
	{ "set_date_header", IS_NONE, IC_NONE, "outpost always adds a "
	    "missing Date:" },
	{ "remove_bcc_headers", IS_NONE, IC_NONE, "outpost always removes "
	    "Bcc: (with -t)" },
	{ "undisclosed_recipients", IS_NONE, IC_NONE, "no equivalent in "
	    "outpost" },
	{ "allow_from_override", IS_NONE, IC_NONE, "outpost's "
	    "allow_from_override takes a list of addresses: write it by "
	    "hand" },
	{ "from_full_name", IS_NONE, IC_NONE, "outpost takes the name from "
	    "-F or the user's full name" },
	{ NULL, IS_NONE, IC_NONE, NULL }
};

/* The row of msmtp key name, NULL if outpost does not know it. */
const struct imp_key *
imp_key_find(const char *name)
{
	const struct imp_key *k;

	for (k = imp_keys; k->k != NULL; k++)
		if (strcmp(k->k, name) == 0)
			return k;
	return NULL;
}

static bool
imp_word(const char *v, const char *w)
{
	return strcasecmp(v, w) == 0;
}

/* msmtp's fingerprint: SHA-256 becomes "sha256:..."; 1, or -1 with why */
static int
imp_pin(const char *v, char *buf, size_t n, const char **fail)
{
	struct pin p;

	if (pin_parse(v, &p, fail) == -1) {
		*fail = "not a fingerprint (colon-separated hex)";
		return -1;
	}
	if (p.alg == PIN_SHA256) {
		pin_format(p.alg, p.d, p.len, buf, n);
		return 1;
	}
	*fail = "outpost takes SHA-256 pins only (SHA-1 and MD5 are broken): "
	    "outpost doctor shows the server's";
	return -1;
}

/* auth: the methods outpost has keep their name, others become "on". */
static int
imp_conv_auth(const char *v, char *buf, size_t n, const char **note)
{
	static const char *const same[] = {
		"off", "plain", "login", "external", "xoauth2", "oauthbearer",
		"scram-sha-256"
	};
	size_t i;

	if (*v == '\0' || imp_word(v, "on"))
		return snprintf(buf, n, "on"), 1;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (imp_word(v, same[i]))
			break;
	if (i == sizeof(same) / sizeof(same[0])) {
		*note = "a method outpost does not have, imported as auth = "
		    "on (outpost picks SCRAM-SHA-256, PLAIN or LOGIN)";
		return snprintf(buf, n, "on"), 1;
	}
	if (imp_word(v, "xoauth2") || imp_word(v, "oauthbearer"))
		*note = "the access token comes from passwordeval as with "
		    "msmtp; outpost can also refresh it itself "
		    "(oauth2_token_url, outpost oauth2 login)";
	snprintf(buf, n, "%s", same[i]);
	return 1;
}

int
imp_convert(const struct imp_key *k, const char *v, char *buf, size_t n,
    const char **note)
{
	const char *fail = NULL;
	enum dsn_ret ret;
	unsigned bits;

	snprintf(buf, n, "%s", v);
	switch (k->conv) {
	case IC_COPY:
		return 1;
	case IC_ONOFF:
		if (*v == '\0' || imp_word(v, "on"))
			return snprintf(buf, n, "on"), 1;
		if (imp_word(v, "off"))
			return snprintf(buf, n, "off"), 1;
		fail = "on or off expected";
		break;
	case IC_AUTH:
		return imp_conv_auth(v, buf, n, note);
	case IC_TRUST:
		/* "system": outpost's default trust store */
		return *v == '\0' || imp_word(v, "system") ? 0 : 1;
	case IC_TIMEOUT:
		if (!imp_word(v, "off"))
			return 1;
		fail = "outpost always has a timeout (its default applies)";
		break;
	case IC_CERTCHECK:
		if (*v == '\0' || imp_word(v, "on"))
			return 0;
		fail = "outpost always verifies the server's certificate";
		break;
	case IC_MISSINGFROM:
		if (*v == '\0' || imp_word(v, "on"))
			return snprintf(buf, n, "auto"), 1;
		return snprintf(buf, n, "off"), 1;
	case IC_SYSLOG:
		if (*v == '\0')
			return snprintf(buf, n, "on"), 1;
		if (strncasecmp(v, "LOG_", 4) == 0)
			snprintf(buf, n, "%s", v + 4);
		for (; *buf != '\0'; buf++)
			*buf = (char)tolower((unsigned char)*buf);
		return 1;
	case IC_LOGFILE:
		if (strcmp(v, "-") != 0)
			return *v == '\0' ? 0 : 1;
		fail = "outpost logs to a file or syslog, not to stdout";
		break;
	case IC_PROTOCOL:
		if (imp_word(v, "smtp"))
			return 0;
		fail = "outpost speaks SMTP only";
		break;
	case IC_PASSWORD:
		*note = "imported as written: prefer the keyring (outpost "
		    "password set) and delete the line";
		return 1;
	case IC_OPTIONAL:	/* an empty argument turns it off */
		return *v == '\0' ? 0 : 1;
	case IC_DSN:	/* the same words as msmtp; "off" is its default */
		if (k->slot == IS_DSN_NOTIFY ? dsn_parse_notify(v, &bits) ==
		    0 : dsn_parse_ret(v, &ret) == 0)
			return *v == '\0' || imp_word(v, "off") ? 0 : 1;
		fail = "not a value msmtp takes";
		break;
	case IC_PIN:
		if (imp_pin(v, buf, n, &fail) == 1)
			return 1;
		break;
	case IC_NONE:
		fail = k->why;
		break;
	}
	*note = fail;
	return -1;
}
