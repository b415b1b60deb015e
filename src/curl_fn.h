/*
 * curl_fn.h - libcurl, loaded with dlopen() on first use, and the TLS
 * and protocol settings every HTTPS request of outpost shares.
 *
 * A plain SMTP send never maps libcurl and the thirty libraries behind
 * it: only the OAuth2 token endpoint (oauth2_http.c), the API transports
 * (http_post.c) and setup's autoconfig lookup (setup_http.c) load it,
 * each through curl_fn_load(), and call it only through curl_fn.
 */
#ifndef OUTPOST_CURL_FN_H
#define OUTPOST_CURL_FN_H

#include <curl/curl.h>

#include "acct_via.h"
#include "err.h"

struct curl_fns {
	CURLcode	 (*global_init)(long);
	CURL		*(*init)(void);
	CURLcode	 (*setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*perform)(CURL *);
	CURLcode	 (*getinfo)(CURL *, CURLINFO, ...);
	void		 (*cleanup)(CURL *);
	const char	*(*strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

/* The loaded functions; set by the first curl_fn_load() that succeeds. */
extern struct curl_fns curl_fn;

/*
 * Load libcurl once (CURL_SONAME from configure) and initialise it; -1
 * with e (69: "WHO needs libcurl: ...") when it is not installed.
 */
int	curl_fn_load(const char *who, struct err *e);
/*
 * What every request of outpost is: https only, no redirect followed
 * (the network must not choose the server), peer and host name verified
 * against the system CAs, or trust_file alone when it is not NULL, TLS
 * 1.2 or later, no .netrc, no signals, outpost's User-Agent.
 */
CURLcode curl_fn_secure(CURL *, const char *trust_file);
/*
 * The account's way out (acct_via.h) for its HTTPS requests too: its
 * source_ip and SOCKS5 proxy, so no connection of the account goes
 * around them.  buf (cap bytes) and v must live until the transfer ends.
 */
CURLcode curl_fn_via(CURL *, const struct acct_via *v, char *buf,
	    size_t cap);

#endif
