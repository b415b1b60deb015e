/*
 * bs_param.c - MAIL and RCPT parameters of the -bs dialogue (bs_param.h).
 *
 * Each parameter is copied whole into a bounded buffer before it is
 * looked at, so that a value is never read past its own end.  Keywords
 * are case-insensitive (RFC 5321 4.1.2); so are RET's and NOTIFY's
 * values (RFC 3461 4.1, 4.3).  ENVID and ORCPT are xtext (RFC 3461 4).
 * A RCPT whose NOTIFY differs from the transaction's gets 452, which
 * tells an SMTP client to send it again in a transaction of its own
 * (RFC 5321 3.3, as for too many recipients).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bs_param.h"

enum { BP_SIZE, BP_BODY, BP_RET, BP_ENVID };

static const char *const bp_mail_keys[] = { "SIZE", "BODY", "RET", "ENVID" };

#define BP_UNSUPPORTED	"555 5.5.4 unsupported parameter"

/* The next parameter into buf as "KEY" and its value: 1, 0 at the end. */
static int
bp_next(const char **p, char *buf, char **val, const char **reply)
{
	size_t len;
	char *eq;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return 0;
	len = strcspn(*p, " ");
	if (len >= BS_PARAM_MAX) {
		*reply = "501 5.5.4 parameter too long";
		return -1;
	}
	memcpy(buf, *p, len);
	buf[len] = '\0';
	*p += len;
	*val = NULL;
	if ((eq = strchr(buf, '=')) != NULL) {
		*eq = '\0';
		*val = eq + 1;
	}
	return 1;
}

/* An xtext value, decoded into out (cap bytes): 0, or -1. */
static int
bp_xtext(const char *v, char *out, size_t cap)
{
	const char *c;

	for (c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 33 || (unsigned char)*c > 126 ||
		    *c == '=')
			return -1;
	return dsn_unxtext(v, out, cap);
}

static int
bp_mail_one(const char *key, const char *v, struct bs_params *bp,
    const char **reply)
{
	char dec[BS_PARAM_MAX];
	unsigned long n;
	char *end;
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(key, bp_mail_keys[i]) == 0)
			break;
	if (i == 4)
		return *reply = BP_UNSUPPORTED, -1;
	if (bp->mail_seen[i])
		return *reply = "501 5.5.4 parameter given twice", -1;
	bp->mail_seen[i] = true;
	if (v == NULL || *v == '\0')
		return *reply = "501 5.5.4 parameter needs a value", -1;
	switch (i) {
	case BP_SIZE:
		errno = 0;
		n = strtoul(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0)
			return *reply = "501 5.5.4 bad SIZE value", -1;
		bp->size = n;
		return 0;
	case BP_BODY:
		if (strcasecmp(v, "7BIT") == 0 ||
		    strcasecmp(v, "8BITMIME") == 0)
			return 0;
		return *reply = "501 5.5.4 BODY is 7BIT or 8BITMIME", -1;
	case BP_RET:
		if (strcasecmp(v, "FULL") == 0)
			bp->dsn.ret = DSN_RET_FULL;
		else if (strcasecmp(v, "HDRS") == 0)
			bp->dsn.ret = DSN_RET_HDRS;
		else
			return *reply = "501 5.5.4 RET is FULL or HDRS", -1;
		return 0;
	}
	if (bp_xtext(v, dec, sizeof(dec)) == -1 ||
	    dsn_set_envid(&bp->dsn, dec) == -1)
		return *reply = "501 5.5.4 bad ENVID (1-100 printable "
		    "characters, xtext)", -1;
	return 0;
}

int
bs_param_mail(const char *params, struct bs_params *bp, const char **reply)
{
	char buf[BS_PARAM_MAX], *v;
	int r;

	while ((r = bp_next(&params, buf, &v, reply)) == 1)
		if (bp_mail_one(buf, v, bp, reply) == -1)
			return -1;
	return r;
}

/* ORCPT=addr-type;xtext: checked, not passed on (bs_param.h). */
static int
bp_orcpt(const char *v, const char **reply)
{
	char dec[BS_PARAM_MAX];
	const char *semi, *c;

	if (v == NULL || (semi = strchr(v, ';')) == NULL || semi == v ||
	    semi[1] == '\0')
		return *reply = "501 5.5.4 ORCPT is addr-type;xtext", -1;
	for (c = v; c < semi; c++)
		if (!isalnum((unsigned char)*c) && *c != '-')
			break;
	if (c < semi)
		return *reply = "501 5.5.4 ORCPT is addr-type;xtext", -1;
	if (bp_xtext(semi + 1, dec, sizeof(dec)) == -1)
		return *reply = "501 5.5.4 ORCPT is addr-type;xtext", -1;
	return 0;
}

int
bs_param_rcpt(const char *params, struct bs_params *bp, const char **reply)
{
	char buf[BS_PARAM_MAX], *v;
	bool notify = false, orcpt = false;
	unsigned bits = 0;
	int r;

	while ((r = bp_next(&params, buf, &v, reply)) == 1) {
		if (strcasecmp(buf, "ORCPT") == 0 && !orcpt) {
			if (bp_orcpt(v, reply) == -1)
				return -1;
			orcpt = true;
		} else if (strcasecmp(buf, "NOTIFY") == 0 && !notify) {
			if (v == NULL || *v == '\0' ||
			    strcasecmp(v, "off") == 0 ||
			    dsn_parse_notify(v, &bits) == -1)
				return *reply = "501 5.5.4 NOTIFY is NEVER or "
				    "SUCCESS, FAILURE and DELAY", -1;
			notify = true;
		} else if (strcasecmp(buf, "ORCPT") == 0 ||
		    strcasecmp(buf, "NOTIFY") == 0)
			return *reply = "501 5.5.4 parameter given twice", -1;
		else
			return *reply = BP_UNSUPPORTED, -1;
	}
	if (r == -1)
		return -1;
	if (bp->rcpt_seen && bits != bp->dsn.notify)
		return *reply = "452 4.5.3 a different NOTIFY: send this "
		    "recipient in another transaction", -1;
	bp->rcpt_seen = true;
	bp->dsn.notify = bits;
	return 0;
}
