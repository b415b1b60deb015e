/*
 * oauth2.c - the pure parts of OAuth2 requests and answers: form
 * encoding (RFC 6749 app. B) and the token response parser (RFC 6749
 * 5.1, 5.2, RFC 8628 3.2), and the claims of a JWT access token (RFC
 * 7519) that "outpost oauth2 status" shows.
 *
 * The JSON parser is bounded: it reads one object from a buffer of known
 * length, keeps only access_token, refresh_token, expires_in, error and
 * error_description, and of a device authorization answer device_code,
 * user_code, verification_uri (Google: verification_url),
 * verification_uri_complete and interval; it skips every other value
 * (nesting at most OAUTH2_JSON_DEPTH), and rejects control bytes inside
 * strings, a string longer than its destination, and anything after the
 * object.  A token never reaches an error message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "oauth2.h"

/* the parser's position in the body */
struct jp {
	const char	*p;
	const char	*end;
};

static bool
form_safe(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Percent-encode val onto buf at *len; -1 when it does not fit. */
static int
form_put(char *buf, size_t cap, size_t *len, const char *val)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *v;

	for (v = (const unsigned char *)val; *v != '\0'; v++) {
		/* the byte (1 or 3 characters) and the NUL */
		if (*len + (form_safe(*v) ? 2 : 4) > cap)
			return -1;
		if (form_safe(*v)) {
			buf[(*len)++] = (char)*v;
			continue;
		}
		buf[(*len)++] = '%';
		buf[(*len)++] = hex[*v >> 4];
		buf[(*len)++] = hex[*v & 0xf];
	}
	buf[*len] = '\0';
	return 0;
}

int
oauth2_form_add(char *buf, size_t cap, size_t *len, const char *key,
    const char *val)
{
	size_t start = *len;

	if (cap == 0)
		return -1;
	if (*len > 0) {
		if (*len + 2 > cap)
			return -1;
		buf[(*len)++] = '&';
	}
	if (form_put(buf, cap, len, key) == -1 || *len + 2 > cap)
		goto fail;
	buf[(*len)++] = '=';
	buf[*len] = '\0';
	if (form_put(buf, cap, len, val) == 0)
		return 0;
fail:
	explicit_bzero(buf + start, cap - start);
	*len = start;
	return -1;
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
jp_hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;
	int i;
	char c;

	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = *j->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* \uXXXX (after the "\u"), a surrogate pair included, as UTF-8. */
static int
jp_unicode(struct jp *j, char *u8, size_t *n)
{
	unsigned cp, lo;

	if (jp_hex4(j, &cp) == -1)
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
			return -1;
		j->p += 2;
		if (jp_hex4(j, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		return -1;
	}
	if (cp == 0)
		return -1;	/* no NUL inside a C string */
	if (cp < 0x80) {
		u8[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		u8[0] = (char)(0xc0 | (cp >> 6));
		u8[1] = (char)(0x80 | (cp & 0x3f));
		*n = 2;
	} else if (cp < 0x10000) {
		u8[0] = (char)(0xe0 | (cp >> 12));
		u8[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u8[2] = (char)(0x80 | (cp & 0x3f));
		*n = 3;
	} else {
		u8[0] = (char)(0xf0 | (cp >> 18));
		u8[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u8[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u8[3] = (char)(0x80 | (cp & 0x3f));
		*n = 4;
	}
	return 0;
}

/* One escape (after the backslash) into u8. */
static int
jp_escape(struct jp *j, char *u8, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	if (j->p >= j->end)
		return -1;
	if (*j->p == 'u') {
		j->p++;
		return jp_unicode(j, u8, n);
	}
	if ((k = memchr(from, *j->p, sizeof(from) - 1)) == NULL)
		return -1;
	j->p++;
	u8[0] = to[k - from];
	*n = 1;
	return 0;
}

/*
 * A string (at its opening quote) into out (cap bytes, NUL-terminated;
 * out NULL: skip it).  -1 when malformed or longer than cap - 1.
 */
static int
jp_string(struct jp *j, char *out, size_t cap, size_t *olen)
{
	char u8[4];
	size_t o = 0, n;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	for (j->p++; j->p < j->end && *j->p != '"';) {
		if ((unsigned char)*j->p < 0x20)
			return -1;
		if (*j->p == '\\') {
			j->p++;
			if (jp_escape(j, u8, &n) == -1)
				return -1;
		} else {
			u8[0] = *j->p++;
			n = 1;
		}
		if (out != NULL && o + n >= cap)
			return -1;
		if (out != NULL)
			memcpy(out + o, u8, n);
		o += n;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (out != NULL)
		out[o] = '\0';
	if (olen != NULL)
		*olen = o;
	return 0;
}

/* A number or literal: the run of its characters (checked loosely). */
static int
jp_scalar(struct jp *j, long *num)
{
	const char *s = j->p;
	char buf[32], *endp;
	size_t n;

	while (j->p < j->end && *j->p != '\0' &&
	    strchr("+-.0123456789eEtruefalsn", *j->p) != NULL)
		j->p++;
	n = (size_t)(j->p - s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0 ||
	    strcmp(buf, "null") == 0) {
		*num = -1;
		return 0;
	}
	*num = strtol(buf, &endp, 10);
	if (*endp == '.' || *endp == 'e' || *endp == 'E')
		(void)strtod(buf, &endp);	/* a fraction: valid, unused */
	return *endp == '\0' && endp != buf ? 0 : -1;
}

static int	jp_value(struct jp *, int depth);

/* An object or array (at its bracket) with every value in it. */
static int
jp_compound(struct jp *j, int depth)
{
	char close = *j->p == '{' ? '}' : ']';
	bool obj = close == '}';

	if (depth >= OAUTH2_JSON_DEPTH)
		return -1;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (obj && (jp_string(j, NULL, 0, NULL) == -1 ||
		    (jp_ws(j), j->p >= j->end || *j->p++ != ':')))
			return -1;
		if (jp_value(j, depth + 1) == -1)
			return -1;
		jp_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		if (*j->p++ != ',')
			return -1;
		jp_ws(j);
	}
}

/* Skip any value. */
static int
jp_value(struct jp *j, int depth)
{
	long n;

	jp_ws(j);
	if (j->p >= j->end)
		return -1;
	if (*j->p == '"')
		return jp_string(j, NULL, 0, NULL);
	if (*j->p == '{' || *j->p == '[')
		return jp_compound(j, depth);
	return jp_scalar(j, &n);
}

/* expires_in: a number, or a string of digits (older Azure AD). */
static int
jp_expires(struct jp *j, long *out)
{
	char buf[24], *endp;

	if (*j->p != '"')
		return jp_scalar(j, out);
	if (jp_string(j, buf, sizeof(buf), NULL) == -1)
		return -1;
	*out = strtol(buf, &endp, 10);
	return *endp == '\0' && endp != buf ? 0 : -1;
}

/* A string shown to the user: control bytes become '?'. */
static int
jp_shown(struct jp *j, char *out, size_t cap)
{
	char raw[OAUTH2_URI_MAX];
	size_t n;

	if (jp_string(j, raw, cap < sizeof(raw) ? cap : sizeof(raw),
	    &n) == -1)
		return -1;
	err_sanitize(out, cap, raw, n);
	return 0;
}

/* The value of key (at the value): kept when known, else skipped. */
static int
jp_member(struct jp *j, const char *key, struct oauth2_resp *r)
{
	char desc[OAUTH2_DESC_MAX * 2];
	size_t n;

	if (strcmp(key, "access_token") == 0 && *j->p == '"')
		return jp_string(j, r->access.buf, sizeof(r->access.buf),
		    &r->access.len);
	if (strcmp(key, "refresh_token") == 0 && *j->p == '"')
		return jp_string(j, r->refresh.buf, sizeof(r->refresh.buf),
		    &r->refresh.len);
	if (strcmp(key, "expires_in") == 0)
		return jp_expires(j, &r->expires_in);
	if (strcmp(key, "error") == 0 && *j->p == '"')
		return jp_string(j, r->error, sizeof(r->error), NULL);
	if (strcmp(key, "device_code") == 0 && *j->p == '"')
		return jp_string(j, r->device_code.buf,
		    sizeof(r->device_code.buf), &r->device_code.len);
	if (strcmp(key, "user_code") == 0 && *j->p == '"')
		return jp_shown(j, r->user_code, sizeof(r->user_code));
	if ((strcmp(key, "verification_uri") == 0 ||
	    strcmp(key, "verification_url") == 0) && *j->p == '"')
		return jp_shown(j, r->verify_uri, sizeof(r->verify_uri));
	if (strcmp(key, "verification_uri_complete") == 0 && *j->p == '"')
		return jp_shown(j, r->verify_uri_full,
		    sizeof(r->verify_uri_full));
	if (strcmp(key, "interval") == 0)
		return jp_expires(j, &r->interval);
	if (strcmp(key, "error_description") == 0 && *j->p == '"') {
		if (jp_string(j, desc, sizeof(desc), &n) == -1)
			return jp_value(j, 1);
		err_sanitize(r->error_desc, sizeof(r->error_desc), desc, n);
		return 0;
	}
	return jp_value(j, 1);
}

int
oauth2_json_parse(const char *body, size_t len, struct oauth2_resp *r,
    struct err *e)
{
	struct jp j = { body, body + len };
	const char *at;
	char key[32];

	r->expires_in = -1;
	r->interval = -1;
	jp_ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		goto bad;
	for (jp_ws(&j); j.p < j.end && *j.p != '}';) {
		at = j.p;
		if (jp_string(&j, key, sizeof(key), NULL) == -1) {
			key[0] = '\0';	/* a long key: not one we keep */
			j.p = at;
			if (jp_string(&j, NULL, 0, NULL) == -1)
				goto bad;
		}
		jp_ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			goto bad;
		jp_ws(&j);
		if (j.p >= j.end || jp_member(&j, key, r) == -1)
			goto bad;
		jp_ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			jp_ws(&j);
			if (j.p < j.end && *j.p == '}')
				goto bad;
		} else if (j.p < j.end && *j.p != '}') {
			goto bad;
		}
	}
	if (j.p >= j.end)
		goto bad;
	j.p++;
	jp_ws(&j);
	if (j.p == j.end)
		return 0;
bad:
	explicit_bzero(&r->access, sizeof(r->access));
	explicit_bzero(&r->refresh, sizeof(r->refresh));
	explicit_bzero(&r->device_code, sizeof(r->device_code));
	return err_set(e, EX_PROTOCOL, "token endpoint: the answer is not "
	    "a JSON object (at byte %zu)", (size_t)(j.p - body));
}

/*
 * A claim shown by status: a string, or an array of strings joined by
 * spaces (aud and roles may be either); anything else is skipped.
 */
static int
jp_claim(struct jp *j, char *out, size_t cap)
{
	char one[OAUTH2_CLAIM_MAX];
	size_t n, len = 0;

	if (*j->p == '"')
		return jp_shown(j, out, cap);
	if (*j->p != '[')
		return jp_value(j, 1);
	for (j->p++, jp_ws(j); j->p < j->end && *j->p != ']';) {
		if (*j->p != '"') {
			if (jp_value(j, 2) == -1)
				return -1;
		} else {
			if (jp_string(j, one, sizeof(one), &n) == -1)
				return -1;
			if (len + n + 2 < cap) {
				if (len > 0)
					out[len++] = ' ';
				err_sanitize(out + len, cap - len, one, n);
				len += strlen(out + len);
			}
		}
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			jp_ws(j);
		}
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	return 0;
}

/* The payload object's members that status shows. */
static int
jwt_members(struct jp *j, struct oauth2_claims *c)
{
	char key[32], alt[OAUTH2_CLAIM_MAX];
	const char *at;
	long n;

	jp_ws(j);
	if (j->p >= j->end || *j->p++ != '{')
		return -1;
	for (jp_ws(j); j->p < j->end && *j->p != '}';) {
		at = j->p;
		if (jp_string(j, key, sizeof(key), NULL) == -1) {
			key[0] = '\0';
			j->p = at;
			if (jp_string(j, NULL, 0, NULL) == -1)
				return -1;
		}
		jp_ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return -1;
		jp_ws(j);
		if (j->p >= j->end)
			return -1;
		alt[0] = '\0';
		if (strcmp(key, "aud") == 0) {
			if (jp_claim(j, c->aud, sizeof(c->aud)) == -1)
				return -1;
		} else if (strcmp(key, "scp") == 0 ||
		    strcmp(key, "roles") == 0) {
			if (jp_claim(j, alt, sizeof(alt)) == -1)
				return -1;
			if (c->scp[0] == '\0' || key[0] == 's')
				memcpy(c->scp, alt, sizeof(c->scp));
		} else if (strcmp(key, "upn") == 0 ||
		    strcmp(key, "email") == 0) {
			if (jp_claim(j, alt, sizeof(alt)) == -1)
				return -1;
			if (c->upn[0] == '\0' || key[0] == 'u')
				memcpy(c->upn, alt, sizeof(c->upn));
		} else if (strcmp(key, "exp") == 0 && *j->p != '"' &&
		    *j->p != '{' && *j->p != '[') {
			if (jp_scalar(j, &n) == -1)
				return -1;
			c->exp = n;
		} else if (jp_value(j, 1) == -1) {
			return -1;
		}
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			jp_ws(j);
		}
	}
	return j->p < j->end ? 0 : -1;
}

int
oauth2_jwt_claims(const char *token, size_t len, struct oauth2_claims *c)
{
	const char *dot1, *dot2;
	char b64[OAUTH2_BODY_MAX / 8];
	unsigned char json[OAUTH2_BODY_MAX / 8];
	struct jp j;
	size_t n, i, out;
	int rc;

	memset(c, 0, sizeof(*c));
	c->exp = -1;
	if ((dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)))
	    == NULL)
		return -1;
	n = (size_t)(dot2 - dot1 - 1);
	if (n == 0 || n + 4 > sizeof(b64))
		return -1;
	/* base64url without padding -> base64 with padding */
	for (i = 0; i < n; i++)
		b64[i] = dot1[1 + i] == '-' ? '+' : dot1[1 + i] == '_' ? '/' :
		    dot1[1 + i];
	while (i % 4 != 0)
		b64[i++] = '=';
	if (b64_decode(b64, i, json, sizeof(json), &out) == -1)
		return -1;
	j.p = (const char *)json;
	j.end = j.p + out;
	rc = jwt_members(&j, c);
	explicit_bzero(json, sizeof(json));
	explicit_bzero(b64, sizeof(b64));
	return rc;
}
