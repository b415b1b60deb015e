/*
 * setup_probe.c - the candidates setup found, probed with doctor's
 * probes (doctor_probe.c): per host, its candidate ports plus 587, 2525
 * and 465 on its first addresses, all at once under doctor's deadline,
 * TLS verified as for sending, never AUTH (the password is not asked
 * for until a server is chosen).  Port 25 is never probed: setup makes
 * submission accounts, and a relay on 25 is written by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "doctor.h"
#include "setup.h"

#define PROBE_ADDRS	2	/* addresses of a host probed */
#define PROBE_LINE_MAX	(SETUP_HOST_MAX + ERR_MSG_MAX + 64)

static const struct { int port; enum tls_mode tls; } probe_std[] = {
	{ 587, TLS_MODE_STARTTLS }, { 2525, TLS_MODE_STARTTLS },
	{ 465, TLS_MODE_IMPLICIT },
};

/* The port rules as a rank: lower is better. */
static int
probe_rank(int port)
{
	size_t i;

	for (i = 0; i < sizeof(probe_std) / sizeof(probe_std[0]); i++)
		if (probe_std[i].port == port)
			return (int)i;
	return 3;
}

static size_t
probe_addrs(const char *host, char addrs[][DOCTOR_ADDR_MAX])
{
	struct addrinfo hints, *res, *ai;
	size_t n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && n < PROBE_ADDRS; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addrs[n],
		    DOCTOR_ADDR_MAX, NULL, 0, NI_NUMERICHOST) == 0)
			n++;
	freeaddrinfo(res);
	return n;
}

static void
probe_add(struct doctor_probe *ps, size_t *n, char addrs[][DOCTOR_ADDR_MAX],
    size_t naddrs, int port, enum tls_mode tls)
{
	size_t i, k;

	for (i = 0; i < *n; i++)
		if (ps[i].port == port)
			return;
	for (k = 0; k < naddrs && *n < DOCTOR_MAX_PROBES; k++) {
		memset(&ps[*n], 0, sizeof(ps[*n]));
		memcpy(ps[*n].addr, addrs[k], DOCTOR_ADDR_MAX);
		ps[*n].port = port;
		ps[*n].tls = tls;
		(*n)++;
	}
}

/* The server of f on host h at this port, or a copy of the first. */
static void
probe_server(const struct setup_found *f, size_t h,
    const struct doctor_probe *p, struct setup_server *out)
{
	size_t i;

	*out = f->srv[h];
	for (i = h; i < f->nsrv; i++)
		if (strcasecmp(f->srv[i].host, f->srv[h].host) == 0 &&
		    f->srv[i].port == p->port) {
			*out = f->srv[i];
			return;
		}
	out->port = p->port;
	out->tls = p->tls;
}

static void
probe_log(void (*log)(const char *), const char *host,
    const struct doctor_probe *p)
{
	char line[PROBE_LINE_MAX];

	if (log == NULL)
		return;
	snprintf(line, sizeof(line), "probe %s [%s]:%d/%s: %s", host,
	    p->addr, p->port, doctor_tls_word(p->tls), p->ok ? "works" :
	    p->error[0] != '\0' ? p->error : "no answer");
	log(line);
}

static void
probe_dns_log(void (*log)(const char *), const char *host)
{
	char line[PROBE_LINE_MAX];

	if (log == NULL)
		return;
	snprintf(line, sizeof(line), "probe %s: not found in DNS", host);
	log(line);
}

/* Probe every port of f's server h; better ones into *pick. */
static void
probe_host(const struct setup_found *f, size_t h, const char *trust,
    void (*log)(const char *), struct setup_pick *pick, int *best)
{
	char addrs[PROBE_ADDRS][DOCTOR_ADDR_MAX];
	struct doctor_probe *ps;
	struct doctor_target t;
	size_t naddrs, n = 0, i;

	if ((naddrs = probe_addrs(f->srv[h].host, addrs)) == 0) {
		probe_dns_log(log, f->srv[h].host);
		return;
	}
	if ((ps = calloc(DOCTOR_MAX_PROBES, sizeof(*ps))) == NULL)
		return;
	for (i = h; i < f->nsrv; i++)
		if (strcasecmp(f->srv[i].host, f->srv[h].host) == 0)
			probe_add(ps, &n, addrs, naddrs, f->srv[i].port,
			    f->srv[i].tls);
	for (i = 0; i < sizeof(probe_std) / sizeof(probe_std[0]); i++)
		probe_add(ps, &n, addrs, naddrs, probe_std[i].port,
		    probe_std[i].tls);
	memset(&t, 0, sizeof(t));
	t.host = t.tls_opts.host = f->srv[h].host;
	t.tls_opts.trust_file = trust;
	doctor_probe_all(&t, ps, n);
	for (i = 0; i < n; i++) {
		probe_log(log, f->srv[h].host, &ps[i]);
		if (!ps[i].ok || probe_rank(ps[i].port) >= *best)
			continue;
		*best = probe_rank(ps[i].port);
		probe_server(f, h, &ps[i], &pick->srv);
		pick->auth_mechs = ps[i].capa.auth_mechs;
		pick->ms = ps[i].ms;
	}
	free(ps);
}

int
setup_probe(const struct setup_found *f, const char *trust_file,
    void (*log)(const char *), struct setup_pick *pick, struct err *e)
{
	int best = 99;
	size_t h, k;

	memset(pick, 0, sizeof(*pick));
	for (h = 0; h < f->nsrv; h++) {
		for (k = 0; k < h; k++)
			if (strcasecmp(f->srv[k].host, f->srv[h].host) == 0)
				break;
		if (k == h)
			probe_host(f, h, trust_file, log, pick, &best);
		if (best < 99)
			break;	/* the first host that works, as listed */
	}
	if (best == 99)
		return err_set(e, EX_UNAVAILABLE, "setup: no server %s named "
		    "answered with verified TLS from here (outpost -v setup "
		    "shows each probe; outpost doctor HOST explains)",
		    f->source);
	return 0;
}
