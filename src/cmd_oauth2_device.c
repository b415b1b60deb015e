/*
 * cmd_oauth2_device.c - "outpost oauth2 login --device": the device
 * authorization grant (RFC 8628) for a server without a browser.
 *
 * POST client_id and scope to oauth2_device_url; print the verification
 * URI (and verification_uri_complete when given) and the user code on
 * stderr; then poll oauth2_token_url with the device code every
 * `interval` seconds (default 5, RFC 8628 3.5): authorization_pending
 * goes on, slow_down adds 5 seconds to the interval for good,
 * expired_token and access_denied end the login (77).  Every wait and
 * every request is bounded by one absolute deadline, expires_in after the
 * device answer (default OAUTH2_DEVICE_TTL, at most OAUTH2_DEVICE_TTL_MAX):
 * a login never outlives its code.  The refresh token is stored where
 * "outpost oauth2 login" stores it.  The device code is a struct secret,
 * never printed; the user code is printed (the user types it), sanitised.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd_oauth2.h"
#include "deadline.h"
#include "log.h"
#include "oauth2.h"

#define OAUTH2_DEVICE_TTL	900	/* s: expires_in when absent */
#define OAUTH2_DEVICE_TTL_MAX	3600	/* s: the longest login waited for */
#define OAUTH2_DEVICE_INTERVAL	5	/* s: RFC 8628 3.5 default */
#define OAUTH2_DEVICE_INTERVAL_MAX 60	/* s: a slower server is broken */
#define OAUTH2_DEVICE_SLOW_DOWN	5	/* s added by slow_down */
#define OAUTH2_DEVICE_GRANT	"urn:ietf:params:oauth:grant-type:device_code"

/* One POST of form to url under the deadline d. */
static int
device_post(const struct account *a, const char *url, const char *form,
    deadline_t d, struct oauth2_resp *r, long *status, struct err *e)
{
	struct account bounded = *a;
	int64_t left = deadline_left_ms(d);

	if (left <= 0)
		return err_set(e, EX_NOPERM, "the device code expired before "
		    "the sign-in was completed (run the login again)");
	/* the account's timeout, but never past the code's expiry */
	if ((int64_t)bounded.timeout * 1000 > left)
		bounded.timeout = (int)((left + 999) / 1000);
	memset(r, 0, sizeof(*r));
	return oauth2_http_post(&bounded, url, form, r, status, e);
}

/* The request bodies: client_id, [client_secret], then more. */
static int
device_form(const struct account *a, const struct secret *cs, char *form,
    const char *k1, const char *v1, const char *k2, const char *v2,
    struct err *e)
{
	size_t len = 0;

	form[0] = '\0';
	if ((k1 != NULL && oauth2_form_add(form, OAUTH2_FORM_MAX, &len, k1,
	    v1) == -1) ||
	    (k2 != NULL && oauth2_form_add(form, OAUTH2_FORM_MAX, &len, k2,
	    v2) == -1) ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "client_id",
	    a->oauth2_client_id) == -1 ||
	    (cs->len > 0 && oauth2_form_add(form, OAUTH2_FORM_MAX, &len,
	    "client_secret", cs->buf) == -1))
		return err_set(e, EX_CONFIG, "device request too long");
	return 0;
}

/* The device answer, checked and shown. */
static int
device_start(const struct account *a, const struct oauth2_resp *r,
    long status, struct err *e)
{
	if (status != 200 || r->device_code.len == 0 ||
	    r->user_code[0] == '\0' || r->verify_uri[0] == '\0') {
		if (r->error[0] != '\0')
			return err_set(e, EX_NOPERM, "device endpoint refused "
			    "(HTTP %ld): %s%s%s", status, r->error,
			    r->error_desc[0] != '\0' ? ": " : "",
			    r->error_desc);
		return err_set(e, EX_PROTOCOL, "device endpoint: HTTP %ld "
		    "without device_code, user_code and verification_uri",
		    status);
	}
	fprintf(stderr, "To sign in to account %s, open\n\n    %s\n\nand "
	    "enter the code\n\n    %s\n\n", a->name, r->verify_uri,
	    r->user_code);
	if (r->verify_uri_full[0] != '\0')
		fprintf(stderr, "(or open %s)\n\n", r->verify_uri_full);
	fflush(stderr);
	return 0;
}

/* Sleep interval seconds, never past d. */
static void
device_sleep(long interval, deadline_t d)
{
	deadline_t until = deadline_in((int64_t)interval * 1000);
	int64_t left;

	for (;;) {
		left = deadline_left_ms(until);
		if (deadline_left_ms(d) < left)
			left = deadline_left_ms(d);
		if (left <= 0 || (poll(NULL, 0, (int)left) == -1 &&
		    errno != EINTR))
			return;
	}
}

/* Poll the token endpoint until the user is done; 0 with tokens in r. */
static int
device_poll(const struct account *a, const char *form, long interval,
    deadline_t d, struct oauth2_resp *r, struct err *e)
{
	long status;

	for (;;) {
		device_sleep(interval, d);
		if (device_post(a, a->oauth2_token_url, form, d, r, &status,
		    e) == -1)
			return -1;
		if (status == 200 && r->access.len > 0)
			return 0;
		if (strcmp(r->error, "authorization_pending") == 0)
			continue;
		if (strcmp(r->error, "slow_down") == 0) {
			interval += OAUTH2_DEVICE_SLOW_DOWN;
			log_debug("slow_down: polling every %ld s", interval);
			continue;
		}
		if (strcmp(r->error, "expired_token") == 0)
			return err_set(e, EX_NOPERM, "the device code expired "
			    "before the sign-in was completed (run the login "
			    "again)");
		/* Microsoft says authorization_declined */
		if (strcmp(r->error, "access_denied") == 0 ||
		    strcmp(r->error, "authorization_declined") == 0)
			return err_set(e, EX_NOPERM, "the sign-in was declined "
			    "(%s)", r->error);
		return oauth2_verdict(a, status, r, e);
	}
}

static int
device_check(const struct account *a, struct err *e)
{
	if (a->oauth2_device_url == NULL || a->oauth2_token_url == NULL ||
	    a->oauth2_client_id == NULL)
		return err_set(e, EX_CONFIG, "account %s: oauth2 login "
		    "--device needs oauth2_device_url, oauth2_token_url and "
		    "oauth2_client_id", a->name);
	if (strncmp(a->oauth2_device_url, "https://", 8) != 0)
		return err_set(e, EX_CONFIG, "oauth2_device_url must be an "
		    "https:// URL");
	return oauth2_login_where(a, e);
}

int
oauth2_cmd_device(const struct account *a, struct err *e)
{
	struct oauth2_resp *r = NULL;
	struct secret *cs = NULL;
	char *form = NULL;
	deadline_t d;
	long status, ttl, interval;
	int rc = -1;

	if (device_check(a, e) == -1)
		return -1;
	if ((cs = secret_new(e)) == NULL || (r = oauth2_resp_new(e)) == NULL ||
	    oauth2_client_secret(a, cs, e) == -1)
		goto out;
	if ((form = calloc(1, OAUTH2_FORM_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	/* the first request has the account's timeout as its deadline */
	d = deadline_in((int64_t)a->timeout * 1000);
	if (device_form(a, cs, form, "scope", a->oauth2_scope != NULL ?
	    a->oauth2_scope : "", NULL, NULL, e) == -1 ||
	    device_post(a, a->oauth2_device_url, form, d, r, &status,
	    e) == -1 || device_start(a, r, status, e) == -1)
		goto out;
	ttl = r->expires_in > 0 ? r->expires_in : OAUTH2_DEVICE_TTL;
	if (ttl > OAUTH2_DEVICE_TTL_MAX)
		ttl = OAUTH2_DEVICE_TTL_MAX;
	interval = r->interval > 0 ? r->interval : OAUTH2_DEVICE_INTERVAL;
	if (interval > OAUTH2_DEVICE_INTERVAL_MAX)
		interval = OAUTH2_DEVICE_INTERVAL_MAX;
	d = deadline_in((int64_t)ttl * 1000);
	explicit_bzero(form, OAUTH2_FORM_MAX);
	if (device_form(a, cs, form, "grant_type", OAUTH2_DEVICE_GRANT,
	    "device_code", r->device_code.buf, e) == -1 ||
	    device_poll(a, form, interval, d, r, e) == -1)
		goto out;
	rc = oauth2_login_store(a, r, e);
out:
	if (form != NULL)
		explicit_bzero(form, OAUTH2_FORM_MAX);
	free(form);
	oauth2_resp_free(r);
	secret_free(cs);
	return rc;
}
