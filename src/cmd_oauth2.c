/*
 * cmd_oauth2.c - "outpost oauth2 login|status|logout [-a ACCOUNT]
 * [-C FILE]": the dispatcher, and the browser login: the first refresh
 * token with the redirect of RFC 8252 and PKCE S256 (RFC 7636).
 *
 * By default it listens on 127.0.0.1 (an ephemeral port, or --port N for
 * "ssh -L N:127.0.0.1:N"), prints the authorization URL, and waits at
 * most OAUTH2_LOGIN_WAIT_MS for the browser's redirect; requests that
 * carry neither code nor error (a favicon) get 404 and the wait goes on.
 * --paste opens no listener: the redirect goes to a port where nothing
 * listens (--port N, else a random high one), and the user pastes the
 * address the browser ended on - or the bare code - on stdin
 * (cmd_oauth2_paste.c).  The state must match (a bare code has none to
 * check), the code is exchanged with the verifier at the token endpoint
 * (oauth2_http.c), and the refresh token is stored where the account
 * keeps it.  --device, and the default for an account with
 * oauth2_device_url and no oauth2_auth_url, is the device login
 * (cmd_oauth2_device.c).  Verifier, code and tokens are wiped; none is
 * ever printed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "cfg.h"
#include "cmd.h"
#include "cmd_oauth2.h"
#include "deadline.h"
#include "log.h"
#include "oauth2.h"
#include "priv.h"
#include "prompt.h"

#define OAUTH2_REQ_WAIT_MS	10000	/* one request's bytes */
#define OAUTH2_RANDOM_LEN	32	/* bytes behind verifier and state */
#define OAUTH2_PASTE_PORT_MIN	49152	/* --paste: a random dynamic port */

/* One login: the secrets and the listener. */
struct login {
	const struct account	*a;
	const struct oauth2_cmd	*o;
	char			 verifier[OAUTH2_VERIFIER_LEN + 8];
	char			 state[OAUTH2_VERIFIER_LEN + 8];
	char			 redirect[64];
	int			 port;		/* the redirect's */
	int			 fd;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of key in query q (up to a space, '#' or the end), decoded. */
int
oauth2_query_get(const char *q, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), o = 0;
	const char *p = q;
	int h, l;

	out[0] = '\0';
	for (;;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			break;
		p += strcspn(p, "& #");
		if (*p != '&')
			return 0;
		p++;
	}
	for (p += klen + 1; *p != '\0' && *p != '&' && *p != ' ' &&
	    *p != '#'; p++) {
		if (o + 1 >= cap)
			return -1;
		if (*p == '%' && (h = hexval(p[1])) >= 0 &&
		    (l = hexval(p[2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			p += 2;
		} else {
			out[o++] = *p == '+' ? ' ' : *p;
		}
	}
	out[o] = '\0';
	return memchr(out, '\0', o) != NULL ? -1 : 1;
}

/* Read one request's head under the deadline; 0 and buf filled. */
static int
login_read(int fd, char *buf, size_t cap)
{
	deadline_t d = deadline_in(OAUTH2_REQ_WAIT_MS);
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;
	ssize_t n;

	while (len + 1 < cap) {
		if (poll(&pfd, 1, deadline_left_ms(d)) <= 0)
			return -1;
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL ||
		    strstr(buf, "\n\n") != NULL)
			return 0;
	}
	return -1;
}

static void
login_answer(int fd, const char *status, const char *text)
{
	char out[512];
	int n;

	if (fd < 0)
		return;	/* --paste: nobody to answer */
	n = snprintf(out, sizeof(out), "HTTP/1.1 %s\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\nCache-Control: no-store\r\n\r\n%s", status,
	    strlen(text), text);
	if (n > 0 && (size_t)n < sizeof(out))
		(void)send(fd, out, (size_t)n, MSG_NOSIGNAL);
}

/*
 * One connection: 1 with r filled (a redirect with code or error), 0 for
 * anything else (answered 404 or dropped).
 */
static int
login_one(int c, struct login_req *r)
{
	char buf[OAUTH2_REQ_MAX], *q = NULL;
	int got;

	if (login_read(c, buf, sizeof(buf)) == -1)
		return 0;
	/* the query of the request target, "GET /?code=...&state=... " */
	if (strncmp(buf, "GET /", 5) == 0)
		q = memchr(buf + 4, '?', strcspn(buf + 4, " \r\n"));
	if (q == NULL) {
		login_answer(c, "404 Not Found", "not here\n");
		explicit_bzero(buf, sizeof(buf));
		return 0;
	}
	q++;
	got = oauth2_query_get(q, "code", r->code, sizeof(r->code)) == 1;
	(void)oauth2_query_get(q, "state", r->state, sizeof(r->state));
	got |= oauth2_query_get(q, "error", r->error, sizeof(r->error)) == 1;
	explicit_bzero(buf, sizeof(buf));
	if (!got)
		login_answer(c, "404 Not Found", "not here\n");
	return got;
}

/* The redirect's state and error: -1 with e (and the page told). */
static int
login_verdict(int c, const struct login *l, const struct login_req *r,
    struct err *e)
{
	if (strcmp(r->state, l->state) != 0) {
		login_answer(c, "400 Bad Request", "outpost: state does not "
		    "match; not the redirect of this login.\n");
		return err_set(e, EX_NOPERM, "the redirect's state does not "
		    "match this login (a stale or forged page?)");
	}
	if (r->error[0] != '\0' || r->code[0] == '\0') {
		login_answer(c, "200 OK", "outpost: access was not granted.\n");
		return err_set(e, EX_NOPERM, "authorization refused: %.100s",
		    r->error);
	}
	return 0;
}

/* Wait for the redirect: 0 with r filled, -1 with e. */
static int
login_wait(struct login *l, struct login_req *r, struct err *e)
{
	deadline_t d = deadline_in(OAUTH2_LOGIN_WAIT_MS);
	struct pollfd pfd = { l->fd, POLLIN, 0 };
	int c, w, got;

	for (;;) {
		w = poll(&pfd, 1, deadline_left_ms(d));
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return err_sys(e, EX_OSERR, "poll");
		if (w == 0)
			return err_set(e, EX_TEMPFAIL, "no answer from the "
			    "browser within %d minutes", OAUTH2_LOGIN_WAIT_MS /
			    60000);
		if ((c = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		got = login_one(c, r);
		if (!got) {
			close(c);
			continue;
		}
		if (login_verdict(c, l, r, e) == -1) {
			close(c);
			return -1;
		}
		login_answer(c, "200 OK", "outpost: access granted; you can "
		    "close this page.\n");
		close(c);
		return 0;
	}
}

/* Listen on 127.0.0.1 (--port N, else ephemeral); l->redirect names it. */
static int
login_listen(struct login *l, struct err *e)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int on = 1;

	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd == -1)
		return err_sys(e, EX_OSERR, "socket");
	/* a second login right after a first on the same --port */
	(void)setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)l->o->port);
	if (bind(l->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return err_sys(e, l->o->port != 0 ? EX_UNAVAILABLE : EX_OSERR,
		    "listening on 127.0.0.1:%d", l->o->port);
	if (listen(l->fd, 4) == -1 ||
	    getsockname(l->fd, (struct sockaddr *)&sin, &len) == -1)
		return err_sys(e, EX_OSERR, "listening on 127.0.0.1");
	l->port = ntohs(sin.sin_port);
	snprintf(l->redirect, sizeof(l->redirect), "http://127.0.0.1:%d/",
	    l->port);
	return 0;
}

/* --paste: the redirect names a port nobody listens on. */
static int
login_paste_redirect(struct login *l, struct err *e)
{
	uint16_t r;
	int port = l->o->port;

	if (port == 0) {
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return err_sys(e, EX_OSERR, "getrandom");
		port = OAUTH2_PASTE_PORT_MIN + r % (65536 -
		    OAUTH2_PASTE_PORT_MIN);
	}
	l->port = port;
	snprintf(l->redirect, sizeof(l->redirect), "http://127.0.0.1:%d/",
	    port);
	return 0;
}

/* Random verifier and state; the authorization URL, printed. */
static int
login_start(struct login *l, struct err *e)
{
	unsigned char rnd[OAUTH2_RANDOM_LEN];
	char challenge[64], url[OAUTH2_URL_MAX];
	const struct account *a = l->a;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    oauth2_b64url(rnd, sizeof(rnd), l->verifier,
	    sizeof(l->verifier)) == -1 ||
	    getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    oauth2_b64url(rnd, sizeof(rnd), l->state, sizeof(l->state)) == -1)
		return err_sys(e, EX_OSERR, "getrandom");
	explicit_bzero(rnd, sizeof(rnd));
	if (oauth2_pkce_challenge(l->verifier, challenge,
	    sizeof(challenge)) == -1)
		return err_set(e, EX_SOFTWARE, "SHA-256 failed");
	if (oauth2_auth_url(a->oauth2_auth_url, a->oauth2_client_id,
	    l->redirect, a->oauth2_scope != NULL ? a->oauth2_scope : "",
	    l->state, challenge, url, sizeof(url)) == -1)
		return err_set(e, EX_CONFIG, "authorization URL too long");
	if (l->o->paste)
		printf("Open this URL in a browser on any machine and allow "
		    "access:\n\n%s\n\nThe browser then fails to load %s...: "
		    "copy the whole address from its address bar and paste "
		    "it here (at most %d minutes; input is not shown):\n", url,
		    l->redirect, OAUTH2_LOGIN_WAIT_MS / 60000);
	else
		printf("Open this URL in a browser on this machine (or on "
		    "yours, through ssh -L %d:127.0.0.1:%d) and allow "
		    "access:\n\n%s\n\nWaiting for the browser on %s (at most "
		    "%d minutes)...\n", l->port, l->port, url, l->redirect,
		    OAUTH2_LOGIN_WAIT_MS / 60000);
	if (fflush(stdout) == EOF)
		return err_sys(e, EX_IOERR, "stdout");
	return 0;
}

/* The code for tokens (RFC 6749 4.1.3 + RFC 7636 4.5); store refresh. */
static int
login_exchange(struct login *l, const struct login_req *r, struct err *e)
{
	const struct account *a = l->a;
	struct secret *cs = NULL;
	struct oauth2_resp *resp = NULL;
	char *form = NULL;
	size_t len = 0;
	long status;
	int rc = -1;

	if ((cs = secret_new(e)) == NULL || (resp = oauth2_resp_new(e)) ==
	    NULL || oauth2_client_secret(a, cs, e) == -1)
		goto out;
	if ((form = calloc(1, OAUTH2_FORM_MAX)) == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		goto out;
	}
	if (oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "grant_type",
	    "authorization_code") == -1 ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "code", r->code) ==
	    -1 || oauth2_form_add(form, OAUTH2_FORM_MAX, &len,
	    "redirect_uri", l->redirect) == -1 ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "client_id",
	    a->oauth2_client_id) == -1 ||
	    oauth2_form_add(form, OAUTH2_FORM_MAX, &len, "code_verifier",
	    l->verifier) == -1 ||
	    (cs->len > 0 && oauth2_form_add(form, OAUTH2_FORM_MAX, &len,
	    "client_secret", cs->buf) == -1)) {
		err_set(e, EX_CONFIG, "token request too long");
		goto out;
	}
	if (oauth2_http_post(a, a->oauth2_token_url, form, resp, &status,
	    e) == -1 || oauth2_verdict(a, status, resp, e) == -1)
		goto out;
	rc = oauth2_login_store(a, resp, e);
out:
	if (form != NULL)
		explicit_bzero(form, OAUTH2_FORM_MAX);
	free(form);
	oauth2_resp_free(resp);
	secret_free(cs);
	return rc;
}

#define OAUTH2_USAGE	"usage: outpost oauth2 login [--device | --paste] " \
	"[--port N] [-a account] [-C file | --system] | outpost oauth2 " \
	"status|logout [-a account] [-C file | --system]"

/* The words after "oauth2": the verb and its options. */
static int
oauth2_args(int argc, char **argv, struct oauth2_cmd *o, struct err *e)
{
	bool login;
	char *end;
	long n;
	int i;

	memset(o, 0, sizeof(*o));
	if (argc < 2 || (strcmp(argv[1], "login") != 0 &&
	    strcmp(argv[1], "status") != 0 && strcmp(argv[1], "logout") != 0))
		return err_set(e, EX_USAGE, "%s", OAUTH2_USAGE);
	o->verb = argv[1];
	login = strcmp(o->verb, "login") == 0;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0 && i + 1 < argc) {
			o->acct = argv[++i];
		} else if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			o->conf = argv[++i];
		} else if (strcmp(argv[i], "--system") == 0) {
			o->sys = true;
		} else if (login && strcmp(argv[i], "--device") == 0) {
			o->device = true;
		} else if (login && strcmp(argv[i], "--paste") == 0) {
			o->paste = true;
		} else if (login && strcmp(argv[i], "--port") == 0 &&
		    i + 1 < argc) {
			n = strtol(argv[++i], &end, 10);
			if (*end != '\0' || n < 1 || n > 65535)
				return err_set(e, EX_USAGE, "oauth2 login: "
				    "--port takes a port, 1-65535");
			o->port = (int)n;
		} else {
			return err_set(e, EX_USAGE, "oauth2 %s: unexpected "
			    "argument '%.40s' (%s)", o->verb, argv[i],
			    OAUTH2_USAGE);
		}
	}
	if (o->sys && o->conf != NULL)
		return err_set(e, EX_USAGE, "oauth2 %s: --system is the system "
		    "file; -C names another", o->verb);
	if (o->sys && getuid() != 0)
		return err_set(e, EX_NOPERM, "oauth2 %s --system: only root "
		    "may write or read the system token store (sudo outpost "
		    "oauth2 %s --system ...)", o->verb, o->verb);
	if (o->sys)
		o->conf = priv_path(PRIV_PATH_CONFIG);
	if (o->device && (o->paste || o->port != 0))
		return err_set(e, EX_USAGE, "oauth2 login: --device opens no "
		    "browser redirect; --paste and --port are for the "
		    "browser login");
	return 0;
}

/* The account must say where to log in and where the token goes. */
static int
login_check(const struct account *a, struct err *e)
{
	if (a->oauth2_grant == OAUTH2_GRANT_CLIENT)
		return err_set(e, EX_USAGE, "account %s: oauth2_grant = "
		    "client_credentials needs no login (outpost gets its "
		    "tokens with the client secret)", a->name);
	if (a->oauth2_auth_url == NULL || a->oauth2_token_url == NULL ||
	    a->oauth2_client_id == NULL)
		return err_set(e, EX_CONFIG, "account %s: oauth2 login needs "
		    "oauth2_auth_url (or oauth2_device_url for --device), "
		    "oauth2_token_url and oauth2_client_id", a->name);
	if (strncmp(a->oauth2_auth_url, "https://", 8) != 0)
		return err_set(e, EX_CONFIG, "oauth2_auth_url must be an "
		    "https:// URL");
	return oauth2_login_where(a, e);
}

int
oauth2_login_where(const struct account *a, struct err *e)
{
	if (oauth2_store_on())
		return oauth2_store_check(e);
	if (a->oauth2_refresh_token_file == NULL && !a->keyring)
		return err_set(e, EX_CONFIG, "account %s: nowhere to keep the "
		    "refresh token (set oauth2_refresh_token_file or keyring = "
		    "on)", a->name);
	return 0;
}

/* --paste: echo off before the address and the prompt are printed. */
static int
login_paste(struct login *l, struct login_req *r, struct err *e)
{
	struct prompt_tty q;
	int rc;

	prompt_quiet(&q);
	rc = login_start(l, e);
	if (rc == 0)
		rc = oauth2_paste_read(r, e);
	prompt_restore(&q, stdout);
	return rc;
}

/* The browser login: loopback listener or --paste. */
static int
login_browser(struct login *l, struct err *e)
{
	struct login_req *r;
	int rc = -1;

	if (login_check(l->a, e) == -1)
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	if (l->o->paste) {
		if (login_paste_redirect(l, e) == -1 ||
		    login_paste(l, r, e) == -1 ||
		    (!r->bare && login_verdict(-1, l, r, e) == -1))
			goto out;
	} else {
		if (login_listen(l, e) == -1 || login_start(l, e) == -1 ||
		    login_wait(l, r, e) == -1)
			goto out;
		close(l->fd);
		l->fd = -1;
	}
	rc = login_exchange(l, r, e);
out:
	explicit_bzero(r, sizeof(*r));
	free(r);
	return rc;
}

int
cmd_oauth2(int argc, char **argv, struct err *e)
{
	struct oauth2_cmd o;
	struct config cfg;
	struct login l;
	int rc = -1;

	memset(&cfg, 0, sizeof(cfg));
	memset(&l, 0, sizeof(l));
	l.fd = -1;
	l.o = &o;
	if (oauth2_args(argc, argv, &o, e) == -1 ||
	    cfg_load(o.conf, &cfg, e) == -1)
		goto out;
	/* the system file (also as root's default): the token store */
	priv_loaded(&cfg);
	if (strcmp(o.verb, "status") == 0) {
		rc = oauth2_cmd_status(&cfg, o.acct, e);
		goto out;
	}
	if ((l.a = cfg_pick(&cfg, o.acct, NULL, e)) == NULL)
		goto out;
	if (strcmp(o.verb, "logout") == 0) {
		rc = oauth2_cmd_logout(l.a, e);
		goto out;
	}
	if (o.device || (!o.paste && o.port == 0 &&
	    l.a->oauth2_device_url != NULL && l.a->oauth2_auth_url == NULL))
		rc = oauth2_cmd_device(l.a, e);
	else
		rc = login_browser(&l, e);
	if (rc == 0)
		printf("Refresh token for account %s stored in %s\n",
		    l.a->name, l.a->oauth2_refresh_token_file != NULL ?
		    l.a->oauth2_refresh_token_file : oauth2_store_on() ?
		    priv_oauth2_store() : "the keyring");
out:
	if (l.fd != -1)
		close(l.fd);
	explicit_bzero(&l, sizeof(l));
	cfg_free(&cfg);
	return rc;
}
