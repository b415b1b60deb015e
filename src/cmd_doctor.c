/*
 * cmd_doctor.c - "outpost doctor [-a ACCOUNT | HOST] [-C FILE] [--auth]
 * [--json] [--ports LIST]": the command line, the checks made as the
 * real caller (config readable, password source reachable, DNS, EHLO
 * name accepted), the list of probes, and the exit code.
 *
 * The probes are the account's own ports (in its order, marked
 * configured) and then 587, 2525, 465 and 25 - or the --ports LIST
 * instead of those four - on every address of the host.  The password is
 * read only for --auth, or to check that the keyring answers; it is used
 * once, in one AUTH, never over plaintext.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "acct_via.h"
#include "cfg.h"
#include "cli_cmd.h"
#include "cmd.h"
#include "cred.h"
#include "deadline.h"
#include "doctor.h"
#include "doctor_sys.h"
#include "hint.h"

#define DOCTOR_USAGE "usage: outpost doctor [-a account | host] " \
	"[-C config] [--auth] [--json] [--ports port[/mode],...]"

struct doctor_opts {
	const char	*account;
	const char	*config;
	const char	*host;
	bool		 auth;
	bool		 json;
	struct cfg_port	 ports[DOCTOR_MAX_PORTS];	/* instead of 587... */
	size_t		 nports;
};

static const struct cfg_port doctor_std_ports[] = {
	{ 587, TLS_MODE_STARTTLS, true, false },
	{ 2525, TLS_MODE_STARTTLS, true, false },
	{ 465, TLS_MODE_IMPLICIT, true, false },
	{ 25, TLS_MODE_STARTTLS, true, false },
};

/* One "N[/starttls|/implicit|/off]" (465 alone means implicit). */
static int
doctor_port_item(const char *s, size_t len, struct cfg_port *p)
{
	static const enum tls_mode modes[] = {
		TLS_MODE_STARTTLS, TLS_MODE_IMPLICIT, TLS_MODE_OFF
	};
	const char *w;
	char *end;
	size_t i;
	long n;

	n = strtol(s, &end, 10);
	if (end == s || n < 1 || n > 65535 || (size_t)(end - s) > len)
		return -1;
	memset(p, 0, sizeof(*p));
	p->port = (int)n;
	p->tls = n == 465 ? TLS_MODE_IMPLICIT : TLS_MODE_STARTTLS;
	len -= (size_t)(end - s);
	if (len == 0)
		return 0;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		w = doctor_tls_word(modes[i]);
		if (*end == '/' && len == strlen(w) + 1 &&
		    strncmp(end + 1, w, len - 1) == 0) {
			p->tls = modes[i];
			return 0;
		}
	}
	return -1;
}

static int
doctor_ports_parse(const char *s, struct doctor_opts *o, struct err *e)
{
	size_t len;

	for (;;) {
		len = strcspn(s, ",");
		if (o->nports == 4)
			return err_set(e, EX_USAGE, "--ports: at most 4 ports");
		if (doctor_port_item(s, len, &o->ports[o->nports]) == -1)
			return err_set(e, EX_USAGE, "--ports: a port 1-65535, "
			    "optionally /starttls, /implicit or /off, "
			    "comma-separated");
		o->nports++;
		if (s[len] == '\0')
			return 0;
		s += len + 1;
	}
}

static int
doctor_args(int argc, char **argv, struct doctor_opts *o, struct err *e)
{
	static const struct option longs[] = {
		{ "auth", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'J' },
		{ "ports", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const known[] = {
		"--auth", "--json", "--ports", "-a", "-C", NULL
	};
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":a:C:", longs, NULL)) != -1) {
		if (ch == 'a')
			o->account = optarg;
		else if (ch == 'C')
			o->config = optarg;
		else if (ch == 'A')
			o->auth = true;
		else if (ch == 'J')
			o->json = true;
		else if (ch == 'P') {
			if (doctor_ports_parse(optarg, o, e) == -1)
				return -1;
		} else if (ch == ':')
			return err_set(e, EX_USAGE, "doctor: %s needs a "
			    "value; %s", argv[optind - 1], DOCTOR_USAGE);
		else
			return cli_cmd_badopt("doctor", "option",
			    argv[optind - 1], known, DOCTOR_USAGE, e);
	}
	if (optind < argc)
		o->host = argv[optind++];
	if (optind < argc || (o->host != NULL && o->account != NULL))
		return err_set(e, EX_USAGE, "%s", DOCTOR_USAGE);
	if (o->auth && o->host != NULL)
		return err_set(e, EX_USAGE, "doctor: --auth needs an account "
		    "(-a), not a bare host");
	return 0;
}

#define DOCTOR_PATH_MAX	4096

static struct doctor_check *
check_add(struct doctor_run *r, const char *name, int state, int ex,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct doctor_check *
check_add(struct doctor_run *r, const char *name, int state, int ex,
    const char *fmt, ...)
{
	struct doctor_check *c = &r->checks[r->nchecks];
	va_list ap;

	if (r->nchecks == DOCTOR_MAX_CHECKS)
		return c - 1;
	r->nchecks++;
	c->name = name;
	c->state = state;
	c->ex = ex;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

/* Every address of the host, numeric, once each, into addrs. */
static size_t
doctor_dns(struct doctor_run *r, char addrs[][DOCTOR_ADDR_MAX])
{
	struct addrinfo hints, *res, *ai;
	char list[ERR_MSG_MAX];
	int64_t t0 = deadline_now_ms();
	size_t n = 0, i, len = 0;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(r->host, NULL, &hints, &res)) != 0) {
		r->dns_failed = rc == EAI_NONAME ? EX_NOHOST : EX_TEMPFAIL;
		check_add(r, "DNS", 0, r->dns_failed, "%s: %s (check host, "
		    "and this machine's resolver)", r->host,
		    rc == EAI_NONAME ? "not found" : gai_strerror(rc));
		return 0;
	}
	list[0] = '\0';
	for (ai = res; ai != NULL && n < DOCTOR_MAX_ADDRS; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addrs[n],
		    DOCTOR_ADDR_MAX, NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(addrs[i], addrs[n]) == 0)
				break;
		if (i < n)
			continue;
		len += (size_t)snprintf(list + len, len < sizeof(list) ?
		    sizeof(list) - len : 0, "%s%s", n > 0 ? ", " : "",
		    addrs[n]);
		n++;
	}
	freeaddrinfo(res);
	check_add(r, "DNS", 1, 0, "%s: %s (%d ms)", r->host, list,
	    (int)(deadline_now_ms() - t0));
	return n;
}

/*
 * Where the password comes from, and whether it can be had: read for
 * --auth, or to see that the keyring answers (a bus, unlocked, an entry).
 */
static int
doctor_password(struct doctor_run *r, struct secret **pw, struct err *e)
{
	const struct account *a = r->a;
	const char *src;
	struct err ce;

	*pw = NULL;
	if (a->auth == SASL_WANT_OFF || a->auth == SASL_WANT_EXTERNAL) {
		check_add(r, "password", -1, 0, "none needed (auth = %s)",
		    a->auth == SASL_WANT_OFF ? "off" : "external");
		return 0;
	}
	src = a->password != NULL ? "the config file" : a->passwordeval !=
	    NULL ? "passwordeval" : a->password_file != NULL ?
	    "password_file" : a->keyring && a->user != NULL ?
	    "the keyring" : NULL;
	if (!r->want_auth && (src == NULL || strcmp(src, "the keyring") != 0)) {
		check_add(r, "password", -1, 0, "from %s (read with --auth)",
		    src != NULL ? src : "nowhere");
		return 0;
	}
	err_init(&ce);
	if (cred_get(a, pw, &ce) == -1) {
		check_add(r, "password", 0, ce.ex, "%s", ce.msg);
		return 0;
	}
	check_add(r, "password", 1, 0, "from %s: %s", src != NULL ? src :
	    "nowhere", *pw != NULL ? "found" : "none needed");
	(void)e;
	return 0;
}

/* The account's ports first (configured), then the others, once each. */
static void
doctor_plan(struct doctor_run *r, const struct doctor_opts *o,
    char addrs[][DOCTOR_ADDR_MAX], size_t naddrs)
{
	struct cfg_port ports[DOCTOR_MAX_PORTS];
	const struct cfg_port *more = o->nports > 0 ? o->ports :
	    doctor_std_ports;
	size_t nmore = o->nports > 0 ? o->nports : 4, n = 0, ncfg = 0, i, k;
	struct doctor_probe *p;

	for (i = 0; r->a != NULL && i < r->a->nports; i++)
		ports[n++] = r->a->ports[i];
	ncfg = n;
	for (i = 0; i < nmore; i++) {
		for (k = 0; k < n; k++)
			if (ports[k].port == more[i].port)
				break;
		if (k == n)
			ports[n++] = more[i];
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < naddrs; k++) {
			p = &r->probes[r->nprobes++];
			memcpy(p->addr, addrs[k], sizeof(p->addr));
			p->port = ports[i].port;
			p->tls = ports[i].tls;
			p->configured = i < ncfg;
		}
}

/* The address literal a probe sent as its EHLO name, or a description. */
static const char *
doctor_literal(const struct doctor_run *r)
{
	size_t i;

	for (i = 0; i < r->nprobes; i++)
		if (r->probes[i].ehlo_sent[0] != '\0')
			return r->probes[i].ehlo_sent;
	return "our address literal";
}

/*
 * The EHLO name is accepted when some server took it.  Without a name
 * each probe sent its own address literal: the one shown is the one
 * that server saw ("[192.0.2.7]").
 */
static void
doctor_ehlo_check(struct doctor_run *r, const char *name)
{
	const struct doctor_probe *p, *refused = NULL;
	size_t i;

	for (i = 0; i < r->nprobes; i++) {
		p = &r->probes[i];
		if (p->have_capa) {
			check_add(r, "EHLO name", 1, 0, "%s: accepted",
			    name != NULL ? name : p->ehlo_sent);
			return;
		}
		if (p->ehlo_code >= 400 && refused == NULL)
			refused = p;
	}
	if (refused != NULL)
		check_add(r, "EHLO name", 0, 0, "%s: refused (%d %s)",
		    name != NULL ? name : refused->ehlo_sent,
		    refused->ehlo_code, refused->ehlo_text);
	else if (r->nprobes > 0)
		check_add(r, "EHLO name", -1, 0, "%s: not checked (no server "
		    "got that far)", name != NULL ? name : doctor_literal(r));
}

/* The first configured path that works carries the one AUTH attempt. */
static void
doctor_try_auth(struct doctor_run *r, struct doctor_target *t,
    struct secret *pw)
{
	const struct doctor_probe *p = NULL;
	size_t i;

	for (i = 0; i < r->nprobes && p == NULL; i++)
		if (r->probes[i].configured && r->probes[i].ok)
			p = &r->probes[i];
	if (r->a->auth == SASL_WANT_OFF) {
		snprintf(r->auth.auth_text, sizeof(r->auth.auth_text),
		    "auth = off");
		return;
	}
	if (p == NULL) {
		snprintf(r->auth.auth_text, sizeof(r->auth.auth_text),
		    "no configured path works");
		return;
	}
	if (pw == NULL && r->a->auth != SASL_WANT_EXTERNAL &&
	    r->a->tls_cert_file == NULL) {
		snprintf(r->auth.auth_text, sizeof(r->auth.auth_text),
		    "no password");
		return;
	}
	snprintf(r->auth.addr, sizeof(r->auth.addr), "%s", p->addr);
	r->auth.port = p->port;
	r->auth.tls = p->tls;
	t->password = pw != NULL ? pw->buf : NULL;
	doctor_auth(t, &r->auth);
	t->password = NULL;
	if (r->auth.auth == DOCTOR_AUTH_NOT_TRIED &&
	    r->auth.auth_text[0] == '\0')
		snprintf(r->auth.auth_text, sizeof(r->auth.auth_text), "%s",
		    r->auth.error);
}

/*
 * Can this user append to the account's logfile (or create it)?  A log
 * that cannot be written never fails a delivery, so this only warns.
 */
static void
doctor_logfile(struct doctor_run *r)
{
	char dir[DOCTOR_PATH_MAX];
	const char *path = r->a->logfile, *slash;
	int fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1) {
		close(fd);
		check_add(r, "logfile", 1, 0, "%s: writable", path);
		return;
	}
	if (errno == ENOENT && (slash = strrchr(path, '/')) != NULL) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (access(dir[0] != '\0' ? dir : "/", W_OK | X_OK) == 0) {
			check_add(r, "logfile", 1, 0, "%s: will be created",
			    path);
			return;
		}
	}
	check_add(r, "logfile", 0, 0, "%s: not writable as this user (%s): "
	    "deliveries work, but leave no log line", path, strerror(errno));
}

static int
doctor_account(struct doctor_run *r, const struct doctor_opts *o,
    struct config *cfg, struct err *e)
{
	struct doctor_sys_line sl[5];
	size_t i, n;

	if (cfg_load(o->config, cfg, e) == -1)
		return -1;
	if ((r->a = cfg_pick(cfg, o->account, NULL, e)) == NULL)
		return -1;
	r->host = r->a->host;
	check_add(r, "config", 1, 0, "%s: readable", cfg->path);
	n = doctor_sys_root(cfg->path, r->a->oauth2_token_url != NULL, sl,
	    5);
	for (i = 0; i < n; i++)
		check_add(r, sl[i].name, sl[i].state, 0, "%s", sl[i].detail);
	doctor_logfile(r);
	return 0;
}

/* domain = if usable, else this machine's name, else NULL (a literal). */
static const char *
doctor_ehlo_name(const struct doctor_run *r, char *buf, size_t cap)
{
	if (r->a != NULL && r->a->domain != NULL)
		return r->a->domain;
	return hostname_fqdn(buf, cap) ? buf : NULL;
}

/*
 * source_ip and proxy: whether this machine has the address (a socket
 * can bind it), and which proxy every probe goes through.  -1: the proxy
 * cannot be used (its password source failed), so nothing is probed -
 * never directly instead.
 */
static int
doctor_via(struct doctor_run *r, struct acct_via *v)
{
	char desc[SOCKS5_NAME_MAX + 32];
	struct err e;
	int fd;

	err_init(&e);
	if (acct_via_open(r->a, v, &e) == -1) {
		check_add(r, "proxy", 0, e.ex, "%s", e.msg);
		return -1;
	}
	if (v->via.source_ip != NULL) {
		fd = socket(strchr(v->via.source_ip, ':') != NULL ? AF_INET6 :
		    AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd != -1 && conn_source_bind(fd, &v->via) == 0)
			check_add(r, "source_ip", 1, 0, "%s: connections leave "
			    "from it", v->via.source_ip);
		else
			check_add(r, "source_ip", 0, EX_UNAVAILABLE, "%s: %s",
			    v->via.source_ip, strerror(errno));
		if (fd != -1)
			close(fd);
	}
	if (v->via.proxy != NULL)
		check_add(r, "proxy", 1, 0, "%s%s%s: every probe goes through "
		    "it", socks5_describe(v->via.proxy, desc, sizeof(desc)),
		    v->proxy.user[0] != '\0' ? ", user " : "", v->proxy.user);
	return 0;
}

/* socks5h: the proxy resolves, the one "address" is the host's name. */
static size_t
doctor_addrs(struct doctor_run *r, const struct acct_via *v,
    char addrs[][DOCTOR_ADDR_MAX])
{
	if (v->via.proxy == NULL || !v->proxy.remote_dns)
		return doctor_dns(r, addrs);
	snprintf(addrs[0], DOCTOR_ADDR_MAX, "%s", r->host);
	check_add(r, "DNS", -1, 0, "%s: resolved by the proxy", r->host);
	return 1;
}

static void
doctor_run_probes(struct doctor_run *r, const struct doctor_opts *o,
    struct secret *pw)
{
	char addrs[DOCTOR_MAX_ADDRS][DOCTOR_ADDR_MAX];
	char name[HOSTNAME_MAX + 1];
	struct doctor_target t;
	struct acct_via v;
	size_t naddrs;

	memset(&t, 0, sizeof(t));
	memset(&v, 0, sizeof(v));
	t.host = r->host;
	t.ehlo_name = doctor_ehlo_name(r, name, sizeof(name));
	t.tls_opts.host = r->host;
	if (r->a != NULL) {
		t.tls_opts.trust_file = r->a->tls_trust_file;
		t.tls_opts.cert_file = r->a->tls_cert_file;
		t.tls_opts.key_file = r->a->tls_key_file;
		t.tls_opts.pin = r->a->tls_fingerprint;
		t.auth = r->a->auth;
		t.user = r->a->user;
		t.timeout = r->a->timeout;
		if (doctor_via(r, &v) == -1) {
			acct_via_close(&v);
			return;
		}
		t.via = &v.via;
	}
	if ((naddrs = doctor_addrs(r, &v, addrs)) > 0) {
		doctor_plan(r, o, addrs, naddrs);
		doctor_probe_all(&t, r->probes, r->nprobes);
		doctor_ehlo_check(r, t.ehlo_name);
		/* the relay takes such a name now, refuses it with 421 */
		if (r->a != NULL && r->a->provider != NULL &&
		    strcasecmp(r->a->provider, "google-relay") == 0 &&
		    hint_ehlo_unusable(t.ehlo_name))
			check_add(r, "EHLO name", 0, 0, "%s: Google's SMTP "
			    "relay refuses an address or localhost (421 on "
			    "EHLO): set domain = a host name of yours",
			    t.ehlo_name != NULL ? t.ehlo_name :
			    doctor_literal(r));
		if (r->want_auth)
			doctor_try_auth(r, &t, pw);
	}
	acct_via_close(&v);
}

int
cmd_doctor(int argc, char **argv, struct err *e)
{
	struct doctor_opts o;
	struct doctor_run *r;
	struct config cfg;
	struct secret *pw = NULL;
	int rc = 0;

	memset(&o, 0, sizeof(o));
	memset(&cfg, 0, sizeof(cfg));
	if (doctor_args(argc, argv, &o, e) == -1)
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	r->host = o.host;
	r->want_auth = o.auth;
	if (o.host == NULL && doctor_sys_caller(stdout, o.config)) {
		free(r);
		return 0;
	}
	if (o.host == NULL && (doctor_account(r, &o, &cfg, e) == -1 ||
	    (r->a->transport != TRANSPORT_SMTP ? doctor_api(r) :
	    doctor_password(r, &pw, e)) == -1))
		rc = -1;
	cfg_forget_secrets(&cfg);
	if (rc == 0) {
		if (r->a == NULL || r->a->transport == TRANSPORT_SMTP)
			doctor_run_probes(r, &o, pw);
		doctor_verdict(r);
		if (o.json)
			doctor_print_json(stdout, r);
		else
			doctor_print_text(stdout, r);
		if (r->ex != 0)
			rc = err_set(e, r->ex, "doctor: %s", r->advice);
	}
	secret_free(pw);
	cfg_free(&cfg);
	explicit_bzero(r, sizeof(*r));
	free(r);
	return rc;
}
