/*
 * doctor_api.c - outpost doctor for an account whose transport is an
 * HTTPS API (transport.h): the credentials can be had (for Graph: an
 * access token is obtained), the token carries the permission to send
 * (Graph: Mail.Send among its roles or scopes, when it is a JWT whose
 * claims can be read), and the endpoint answers a harmless request with
 * those credentials (transport_probe: nothing is sent).  The answer's
 * body is never shown, only its status.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cred.h"
#include "doctor.h"
#include "oauth2.h"
#include "transport.h"

static void
api_check(struct doctor_run *r, const char *name, int state, int ex,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
api_check(struct doctor_run *r, const char *name, int state, int ex,
    const char *fmt, ...)
{
	struct doctor_check *c;
	va_list ap;

	if (r->nchecks == DOCTOR_MAX_CHECKS)
		return;
	c = &r->checks[r->nchecks++];
	c->name = name;
	c->state = state;
	c->ex = ex;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Graph: Mail.Send among the token's roles (app) or scopes (user). */
static void
api_permission(struct doctor_run *r, const struct secret *tok)
{
	struct oauth2_claims c;

	if (oauth2_jwt_claims(tok->buf, tok->len, &c) == -1) {
		api_check(r, "permission", -1, 0, "the token is opaque: "
		    "Mail.Send cannot be checked here");
		return;
	}
	if (strstr(c.scp, "Mail.Send") != NULL)
		api_check(r, "permission", 1, 0, "the token carries Mail.Send "
		    "(%s)", c.scp);
	else
		api_check(r, "permission", 0, EX_NOPERM, "the token lacks "
		    "Mail.Send (it has: %s): grant Mail.Send to the app "
		    "(application permission, admin consent) or ask for it as "
		    "a scope", c.scp[0] != '\0' ? c.scp : "no roles or scopes");
}

/* The harmless request, its status judged. */
static void
api_endpoint(struct doctor_run *r, const struct secret *cred)
{
	const char *name = transport_name(r->a->transport);
	struct http_resp *resp;
	struct err e;

	if ((resp = malloc(sizeof(*resp))) == NULL) {
		api_check(r, "endpoint", 0, EX_OSERR, "out of memory");
		return;
	}
	err_init(&e);
	if (transport_probe(r->a, cred, resp, &e) == -1)
		api_check(r, "endpoint", 0, e.ex, "%s", e.msg);
	else if (resp->status >= 200 && resp->status <= 299)
		api_check(r, "endpoint", 1, 0, "%s: HTTP %ld, the credentials "
		    "accepted", r->host, resp->status);
	else if (r->a->transport == TRANSPORT_GRAPH && resp->status != 401)
		api_check(r, "endpoint", 1, 0, "%s: HTTP %ld, the token "
		    "accepted", r->host, resp->status);
	else if (transport_status(name, resp->status, 0, &e) !=
	    TRANSPORT_OK)
		api_check(r, "endpoint", 0, e.ex, "%s", e.msg);
	explicit_bzero(resp, sizeof(*resp));
	free(resp);
}

int
doctor_api(struct doctor_run *r)
{
	bool graph = r->a->transport == TRANSPORT_GRAPH;
	char src[CRED_SOURCE_MAX];
	struct secret *cred = NULL;
	struct err e;

	err_init(&e);
	if (cred_get(r->a, &cred, &e) == -1 || cred == NULL) {
		api_check(r, graph ? "token" : "credentials", 0, e.ex != 0 ?
		    e.ex : EX_CONFIG, "%s", e.ex != 0 ? e.msg : "none set");
		return 0;
	}
	if (graph) {
		api_check(r, "token", 1, 0, "an access token obtained (%s)",
		    r->a->oauth2_token_url);
		api_permission(r, cred);
	} else {
		api_check(r, "credentials", 1, 0, "%s",
		    cred_source(r->a, src, sizeof(src)));
	}
	api_endpoint(r, cred);
	secret_free(cred);
	return 0;
}
