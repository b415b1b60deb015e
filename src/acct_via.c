/*
 * acct_via.c - struct conn_via for an account (acct_via.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "acct_via.h"

int
acct_via_check(const struct account *a, const char **why)
{
	unsigned char buf[sizeof(struct in6_addr)];
	struct socks5 p;

	if (a->source_ip != NULL && inet_pton(AF_INET, a->source_ip,
	    buf) != 1 && inet_pton(AF_INET6, a->source_ip, buf) != 1) {
		*why = "source_ip: a numeric IPv4 or IPv6 address of this "
		    "machine";
		return -1;
	}
	if (a->proxy == NULL) {
		if (a->proxy_password != NULL || a->proxy_passwordeval !=
		    NULL || a->proxy_password_file != NULL) {
			*why = "a proxy password without proxy";
			return -1;
		}
		return 0;
	}
	if (socks5_parse(a->proxy, &p, why) == -1)
		return -1;
	if (p.user[0] == '\0' && (a->proxy_password != NULL ||
	    a->proxy_passwordeval != NULL || a->proxy_password_file != NULL)) {
		*why = "a proxy password, but no user in proxy (write "
		    "socks5://user@host:port)";
		return -1;
	}
	return 0;
}

/* The proxy's password, through cred_get() as if it were an account. */
static int
acct_via_secret(const struct account *a, struct acct_via *v, struct err *e)
{
	struct account shadow;
	char name[CFG_MAX_VALUE];
	int rc;

	memset(&shadow, 0, sizeof(shadow));
	snprintf(name, sizeof(name), "%s (proxy)", a->name);
	shadow.name = name;
	shadow.host = v->proxy.host;
	shadow.user = v->proxy.user;
	shadow.password = a->proxy_password;
	shadow.passwordeval = a->proxy_passwordeval;
	shadow.password_file = a->proxy_password_file;
	shadow.keyring = a->keyring;
	shadow.auth = SASL_WANT_PLAIN;	/* a password is needed */
	shadow.timeout = a->timeout;
	rc = cred_get(&shadow, &v->pw, e);
	if (rc == 0 && v->pw != NULL)
		v->proxy.password = v->pw->buf;
	return rc;
}

int
acct_via_open(const struct account *a, struct acct_via *v, struct err *e)
{
	const char *why = NULL;

	memset(v, 0, sizeof(*v));
	v->via.source_ip = a->source_ip;
	if (a->proxy == NULL)
		return 0;
	if (socks5_parse(a->proxy, &v->proxy, &why) == -1)
		return err_set(e, EX_CONFIG, "account %s: proxy: %s", a->name,
		    why);
	v->via.proxy = &v->proxy;
	if (v->proxy.user[0] == '\0')
		return 0;
	return acct_via_secret(a, v, e);
}

void
acct_via_close(struct acct_via *v)
{
	secret_free(v->pw);
	explicit_bzero(v, sizeof(*v));
}
