/*
 * doctor_probe.c - outpost doctor's probes: one SMTP session per
 * (address, port), up to EHLO after TLS (or AUTH, for doctor_auth), then
 * QUIT.  Never MAIL.
 *
 * The probes run in parallel, one thread each, under one absolute
 * deadline, so a black-holed port costs DOCTOR_PROBE_MS once, not once
 * per port.  A thread touches only its own struct doctor_probe and its
 * own connection; the target is read-only while they run.  The session
 * is the submission state machine's (smtp_int.h): the same reply reader,
 * TLS start and AUTH step as a real delivery, so what the doctor says
 * works is what sending does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "conn.h"
#include "doctor.h"
#include "socks5.h"
#include "smtp_int.h"

struct probe_job {
	const struct doctor_target	*t;
	struct doctor_probe		*p;
	deadline_t			 d;
	bool				 do_auth;
	pthread_t			 tid;
	bool				 started;
};

/* The first failure of a probe is the one it reports. */
static void
probe_fail(struct doctor_probe *p, const struct err *e)
{
	if (p->error[0] != '\0')
		return;
	p->ex = e->ex != 0 ? e->ex : EX_SOFTWARE;
	snprintf(p->error, sizeof(p->error), "%s", e->msg);
}

static void
probe_text(char *dst, const struct reply *r)
{
	const char *t = reply_line(r, 0);

	err_sanitize(dst, DOCTOR_TEXT_MAX, t, strlen(t));
}

static struct conn *
probe_connect(const struct doctor_target *t, struct doctor_probe *p,
    deadline_t d)
{
	struct conn *c;
	struct err e;
	int64_t t0 = deadline_now_ms();
	int saved;

	err_init(&e);
	/* through a socks5h proxy the proxy resolves: the host's name */
	c = conn_open(t->via != NULL && t->via->proxy != NULL &&
	    t->via->proxy->remote_dns ? t->host : p->addr, p->port, t->via, d,
	    &e);
	saved = errno;	/* conn_open leaves the connect's errno */
	p->ms = (int)(deadline_now_ms() - t0);
	if (c != NULL) {
		p->conn = DOCTOR_REACHABLE;
		return c;
	}
	p->conn = saved == ECONNREFUSED ? DOCTOR_REFUSED :
	    saved == ETIMEDOUT ? DOCTOR_NO_ANSWER : DOCTOR_UNREACHABLE;
	probe_fail(p, &e);
	return NULL;
}

static int
probe_tls(struct smtp_session *s, struct doctor_probe *p, deadline_t d)
{
	struct err e;
	int rc;

	err_init(&e);
	p->tls_tried = true;
	rc = tls_start(s->c, &s->p->tls_opts, d, &e);
	tls_info(s->c, &p->ti);
	if (rc == -1) {
		probe_fail(p, &e);
		return -1;
	}
	p->tls_up = true;
	return 0;
}

/* One command, its reply under d; a 4xx/5xx fills e for cmd. */
static int
probe_cmd(struct smtp_session *s, const char *line, enum err_cmd cmd,
    int want, deadline_t d, struct err *e)
{
	s->r.code = 0;
	if (smtp_put(s, line, e) == -1 || conn_flush(s->c, d, e) == -1 ||
	    smtp_reply(s, d, e) == -1)
		return -1;
	if (s->r.code == want)
		return 0;
	return err_reply(e, cmd, line, &s->r);
}

static int
probe_ehlo(struct smtp_session *s, struct doctor_probe *p, deadline_t d)
{
	char line[SMTP_CMD_MAX_LEN + 1];
	struct err e;
	int rc;

	err_init(&e);
	snprintf(line, sizeof(line), "EHLO %s", s->p->ehlo_name);
	rc = probe_cmd(s, line, ERR_CMD_EHLO, 250, d, &e);
	p->ehlo_code = s->r.code;
	if (rc == -1) {
		if (s->r.code != 0)
			probe_text(p->ehlo_text, &s->r);
		probe_fail(p, &e);
		return -1;
	}
	memset(&p->capa, 0, sizeof(p->capa));
	capa_parse(&s->r, &p->capa);
	p->have_capa = true;
	return 0;
}

/*
 * After "220" to STARTTLS nothing may be buffered (response injection):
 * the same rule as sending.  -1: the session cannot go on.
 */
static int
probe_starttls(struct smtp_session *s, struct doctor_probe *p, deadline_t d)
{
	struct err e;

	err_init(&e);
	if (!p->capa.starttls) {
		err_set(&e, EX_UNAVAILABLE, "%s does not offer STARTTLS",
		    s->c->addr);
		probe_fail(p, &e);
		return -1;
	}
	if (probe_cmd(s, "STARTTLS", ERR_CMD_STARTTLS, 220, d, &e) == -1) {
		probe_fail(p, &e);
		return -1;
	}
	if (s->r.nlines != 1 || conn_pending(s->c) != 0) {
		err_set(&e, EX_PROTOCOL, "%s sent data after its STARTTLS "
		    "reply", s->c->addr);
		probe_fail(p, &e);
		return -1;
	}
	return probe_tls(s, p, d);
}

static void
probe_auth(struct smtp_session *s, struct doctor_probe *p)
{
	struct err e;

	err_init(&e);
	if (!s->c->is_tls) {
		/* the doctor never sends a password in clear */
		p->auth = DOCTOR_AUTH_NOT_TRIED;
		snprintf(p->auth_text, sizeof(p->auth_text), "the "
		    "connection is not encrypted (a password is never sent "
		    "in clear)");
		return;
	}
	s->capa = p->capa;
	s->r.code = 0;
	smtp_st_auth(s, &e);
	if (!err_is_set(&e)) {
		p->auth = DOCTOR_AUTH_OK;
		snprintf(p->auth_text, sizeof(p->auth_text), "%s port %d",
		    p->addr, p->port);
		return;
	}
	p->auth = e.reply != 0 ? DOCTOR_AUTH_REJECTED : DOCTOR_AUTH_FAILED;
	p->ex = e.ex;
	/* err_reply's "AUTH: 535 ..." - the word AUTH is said already */
	snprintf(p->auth_text, sizeof(p->auth_text), "%s",
	    strncmp(e.msg, "AUTH: ", 6) == 0 ? e.msg + 6 : e.msg);
}

/* QUIT, briefly: its answer changes nothing. */
static void
probe_quit(struct smtp_session *s, deadline_t d)
{
	deadline_t q = deadline_in(SMTP_QUIT_WAIT_MS);
	const char *line;
	size_t len;
	struct err e;

	err_init(&e);
	if (q > d && !deadline_expired(d))
		q = d;
	if (conn_write(s->c, "QUIT\r\n", 6, q, &e) == 0 &&
	    conn_flush(s->c, q, &e) == 0)
		(void)conn_read_line(s->c, &line, &len, q, &e);
}

/* The RFC 5321 4.1.3 literal of our end, when no EHLO name is known. */
static void
probe_literal(const struct conn *c, char *out, size_t cap)
{
	if (c->local_family == AF_INET6)
		snprintf(out, cap, "[IPv6:%s]", c->local);
	else
		snprintf(out, cap, "[%s]", c->local);
}

/* Greeting, EHLO, TLS (either way), EHLO: p->ok when all went well. */
static int
probe_dialogue(struct smtp_session *s, struct doctor_probe *p, deadline_t d)
{
	struct err e;

	err_init(&e);
	if (p->tls == TLS_MODE_IMPLICIT && probe_tls(s, p, d) == -1)
		return -1;
	if (smtp_reply(s, d, &e) == -1) {
		probe_fail(p, &e);
		return -1;
	}
	p->greeting_code = s->r.code;
	probe_text(p->greeting, &s->r);
	if (s->r.code != 220) {
		err_reply(&e, ERR_CMD_GREETING, "greeting", &s->r);
		probe_fail(p, &e);
		return 0;
	}
	if (probe_ehlo(s, p, d) == -1)
		return 0;
	if (p->tls == TLS_MODE_STARTTLS) {
		if (probe_starttls(s, p, d) == -1)
			return p->capa.starttls ? -1 : 0;
		if (probe_ehlo(s, p, d) == -1)
			return 0;
	}
	p->ok = true;
	return 0;
}

/*
 * One probe from connect to close.  The session's reply buffer is big
 * (struct reply), so it lives on the heap, not on a thread's stack.
 */
static void
probe_run(const struct doctor_target *t, struct doctor_probe *p,
    deadline_t d, bool do_auth)
{
	struct smtp_params sp;
	struct smtp_session *s;
	char literal[CONN_ADDR_MAX + 8];
	struct conn *c;
	struct err e;

	err_init(&e);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		err_sys(&e, EX_OSERR, "out of memory");
		probe_fail(p, &e);
		return;
	}
	if ((c = probe_connect(t, p, d)) != NULL) {
		memset(&sp, 0, sizeof(sp));
		probe_literal(c, literal, sizeof(literal));
		sp.ehlo_name = t->ehlo_name != NULL ? t->ehlo_name : literal;
		snprintf(p->ehlo_sent, sizeof(p->ehlo_sent), "%s",
		    sp.ehlo_name);
		sp.tls = p->tls;
		sp.tls_opts = t->tls_opts;
		sp.auth = t->auth;
		sp.user = t->user;
		sp.password = do_auth ? t->password : NULL;
		sp.timeout = (int)((deadline_left_ms(d) + 999) / 1000);
		s->c = c;
		s->p = &sp;
		reply_parser_init(&s->rp);
		if (probe_dialogue(s, p, d) == 0) {
			if (p->ok && do_auth)
				probe_auth(s, p);
			probe_quit(s, d);
		}
		conn_close(c);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void *
probe_thread(void *arg)
{
	struct probe_job *j = arg;

	probe_run(j->t, j->p, j->d, j->do_auth);
	return NULL;
}

void
doctor_probe_all(const struct doctor_target *t, struct doctor_probe *ps,
    size_t n)
{
	struct probe_job *jobs;
	deadline_t d = deadline_in(DOCTOR_PROBE_MS);
	size_t i;

	if ((jobs = calloc(n, sizeof(*jobs))) == NULL) {
		/* no memory for the jobs: probe one after the other */
		for (i = 0; i < n; i++)
			probe_run(t, &ps[i], deadline_in(DOCTOR_PROBE_MS /
			    (int)n), false);
		return;
	}
	for (i = 0; i < n; i++) {
		jobs[i].t = t;
		jobs[i].p = &ps[i];
		jobs[i].d = d;
		jobs[i].started = pthread_create(&jobs[i].tid, NULL,
		    probe_thread, &jobs[i]) == 0;
		if (!jobs[i].started)
			probe_run(t, &ps[i], d, false);
	}
	for (i = 0; i < n; i++)
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
	free(jobs);
}

void
doctor_auth(const struct doctor_target *t, struct doctor_probe *p)
{
	probe_run(t, p, deadline_in((int64_t)t->timeout * 1000), true);
}
