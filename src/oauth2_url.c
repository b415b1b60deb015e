/*
 * oauth2_url.c - what the loopback authorization flow (RFC 8252) sends
 * to the browser: PKCE S256 (RFC 7636 4.1, 4.2) and the authorization
 * URL.  Pure but for the SHA-256 from GnuTLS.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "b64.h"
#include "oauth2.h"

#define OAUTH2_SHA256_LEN	32

int
oauth2_b64url(const void *in, size_t n, char *out, size_t cap)
{
	size_t i, len;

	if (cap < B64_ENCODED_SIZE(n))
		return -1;
	len = b64_encode(in, n, out);
	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return 0;
}

int
oauth2_pkce_challenge(const char *verifier, char *out, size_t cap)
{
	unsigned char h[OAUTH2_SHA256_LEN];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, verifier, strlen(verifier),
	    h) != 0)
		return -1;
	return oauth2_b64url(h, sizeof(h), out, cap);
}

/* Google's authorization endpoint: it needs the offline/consent pair. */
static bool
auth_is_google(const char *base)
{
	static const char host[] = "https://accounts.google.com/";

	return strncasecmp(base, host, sizeof(host) - 1) == 0;
}

int
oauth2_auth_url(const char *base, const char *client_id,
    const char *redirect, const char *scope, const char *state,
    const char *challenge, char *out, size_t cap)
{
	size_t len;
	int n;

	n = snprintf(out, cap, "%s%c", base, strchr(base, '?') != NULL ?
	    '&' : '?');
	if (n < 0 || (size_t)n >= cap)
		return -1;
	len = 0;
	/* the query goes on after base: encode into the rest of out */
	if (oauth2_form_add(out + n, cap - (size_t)n, &len, "response_type",
	    "code") == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "client_id",
	    client_id) == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "redirect_uri",
	    redirect) == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "scope",
	    scope) == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "state",
	    state) == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "code_challenge",
	    challenge) == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len,
	    "code_challenge_method", "S256") == -1)
		return -1;
	if (auth_is_google(base) && (oauth2_form_add(out + n,
	    cap - (size_t)n, &len, "access_type", "offline") == -1 ||
	    oauth2_form_add(out + n, cap - (size_t)n, &len, "prompt",
	    "consent") == -1))
		return -1;
	return 0;
}
