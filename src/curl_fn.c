/*
 * curl_fn.c - libcurl by dlopen() and the settings every request shares
 * (curl_fn.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <sysexits.h>

#include "curl_fn.h"
#include "socks5.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif
#ifndef CURL_SONAME
#define CURL_SONAME "libcurl-gnutls.so.4"
#endif

struct curl_fns curl_fn;

int
curl_fn_load(const char *who, struct err *e)
{
	/* in the order of struct curl_fns */
	static const char *const names[] = { "curl_global_init",
	    "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
	    "curl_easy_getinfo", "curl_easy_cleanup", "curl_easy_strerror",
	    "curl_slist_append", "curl_slist_free_all" };
	void *fns[sizeof(names) / sizeof(names[0])];
	struct curl_fns f;
	void *h;
	size_t i;

	if (curl_fn.init != NULL)
		return 0;
	if ((h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(e, EX_UNAVAILABLE, "%s needs libcurl: %s", who,
		    dlerror());
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((fns[i] = dlsym(h, names[i])) == NULL)
			return err_set(e, EX_UNAVAILABLE, "%s: no %s",
			    CURL_SONAME, names[i]);
	/* POSIX: a dlsym() result converts to a function pointer */
	memcpy(&f.global_init, &fns[0], sizeof(void *));
	memcpy(&f.init, &fns[1], sizeof(void *));
	memcpy(&f.setopt, &fns[2], sizeof(void *));
	memcpy(&f.perform, &fns[3], sizeof(void *));
	memcpy(&f.getinfo, &fns[4], sizeof(void *));
	memcpy(&f.cleanup, &fns[5], sizeof(void *));
	memcpy(&f.strerror, &fns[6], sizeof(void *));
	memcpy(&f.slist_append, &fns[7], sizeof(void *));
	memcpy(&f.slist_free_all, &fns[8], sizeof(void *));
	if (f.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, EX_OSERR, "cannot initialise libcurl");
	curl_fn = f;		/* init set: loaded */
	return 0;
}

CURLcode
curl_fn_secure(CURL *c, const char *trust_file)
{
	CURLcode rc;

	rc = curl_fn.setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_SSLVERSION,
		    (long)CURL_SSLVERSION_TLSv1_2);
	if (rc == CURLE_OK && trust_file != NULL) {
		rc = curl_fn.setopt(c, CURLOPT_CAINFO, trust_file);
		if (rc == CURLE_OK)
			rc = curl_fn.setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_fn.setopt(c, CURLOPT_USERAGENT,
		    "outpost/" PACKAGE_VERSION);
	return rc;
}

CURLcode
curl_fn_via(CURL *c, const struct acct_via *v, char *buf, size_t cap)
{
	CURLcode rc = CURLE_OK;

	if (v->via.source_ip != NULL) {
		snprintf(buf, cap, "host!%s", v->via.source_ip);
		rc = curl_fn.setopt(c, CURLOPT_INTERFACE, buf);
	}
	if (rc != CURLE_OK || v->via.proxy == NULL)
		return rc;
	rc = curl_fn.setopt(c, CURLOPT_PROXY, socks5_describe(v->via.proxy,
	    buf, cap));
	if (rc == CURLE_OK && v->proxy.user[0] != '\0')
		rc = curl_fn.setopt(c, CURLOPT_PROXYUSERNAME, v->proxy.user);
	if (rc == CURLE_OK && v->proxy.password != NULL)
		rc = curl_fn.setopt(c, CURLOPT_PROXYPASSWORD,
		    v->proxy.password);
	return rc;
}
