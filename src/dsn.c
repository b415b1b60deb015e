/*
 * dsn.c - DSN requests (dsn.h): parsing the values, the ESMTP parameter
 * texts, xtext both ways.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"

static const struct {
	const char	*word;
	unsigned	 bit;
} dsn_words[] = {
	{ "never", DSN_NEVER },
	{ "success", DSN_SUCCESS },
	{ "failure", DSN_FAILURE },
	{ "delay", DSN_DELAY },
};

#define NWORDS	(sizeof(dsn_words) / sizeof(dsn_words[0]))

int
dsn_parse_notify(const char *s, unsigned *out)
{
	size_t len, i;

	*out = 0;
	if (*s == '\0' || strcasecmp(s, "off") == 0)
		return 0;
	for (;;) {
		len = strcspn(s, ",");
		for (i = 0; i < NWORDS; i++)
			if (strlen(dsn_words[i].word) == len &&
			    strncasecmp(s, dsn_words[i].word, len) == 0)
				break;
		if (i == NWORDS || (*out & dsn_words[i].bit) != 0)
			return -1;
		*out |= dsn_words[i].bit;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	/* RFC 3461 4.1: NEVER stands alone */
	return (*out & DSN_NEVER) != 0 && *out != DSN_NEVER ? -1 : 0;
}

int
dsn_parse_ret(const char *s, enum dsn_ret *out)
{
	*out = DSN_RET_UNSET;
	if (*s == '\0' || strcasecmp(s, "off") == 0)
		return 0;
	if (strcasecmp(s, "full") == 0)
		*out = DSN_RET_FULL;
	else if (strcasecmp(s, "hdrs") == 0 || strcasecmp(s, "headers") == 0)
		*out = DSN_RET_HDRS;
	else
		return -1;
	return 0;
}

int
dsn_set_envid(struct dsn_params *d, const char *s)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > DSN_ENVID_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return -1;
	memcpy(d->envid, s, len + 1);
	return 0;
}

void
dsn_notify_text(unsigned n, char *out, size_t cap)
{
	size_t i, o = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < NWORDS; i++) {
		if ((n & dsn_words[i].bit) == 0)
			continue;
		w = snprintf(out + o, cap - o, "%s%s", o > 0 ? "," : "",
		    i == 0 ? "NEVER" : i == 1 ? "SUCCESS" : i == 2 ?
		    "FAILURE" : "DELAY");
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
	}
}

const char *
dsn_ret_text(enum dsn_ret r)
{
	return r == DSN_RET_FULL ? "FULL" : r == DSN_RET_HDRS ? "HDRS" : "";
}

void
dsn_xtext(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	for (; *p != '\0' && o + 4 <= cap; p++) {
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=') {
			out[o++] = '+';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		} else {
			out[o++] = (char)*p;
		}
	}
	if (cap > 0)
		out[o < cap ? o : cap - 1] = '\0';
}

static int
dsn_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
dsn_unxtext(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	int hi, lo;

	for (; *in != '\0'; in++) {
		if (o + 1 >= cap)
			return -1;
		if (*in != '+') {
			out[o++] = *in;
			continue;
		}
		if ((hi = dsn_hexval(in[1])) == -1 ||
		    (lo = dsn_hexval(in[2])) == -1)
			return -1;
		out[o++] = (char)(hi << 4 | lo);
		in += 2;
	}
	out[o] = '\0';
	return 0;
}

bool
dsn_any(const struct dsn_params *d)
{
	return d != NULL && (d->notify != 0 || d->ret != DSN_RET_UNSET ||
	    d->envid[0] != '\0');
}

void
dsn_merge(struct dsn_params *out, const struct dsn_params *cli,
    unsigned acct_notify, enum dsn_ret acct_ret)
{
	*out = *cli;
	if (out->notify == 0)
		out->notify = acct_notify;
	if (out->ret == DSN_RET_UNSET)
		out->ret = acct_ret;
}
