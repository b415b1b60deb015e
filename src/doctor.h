/*
 * doctor.h - outpost doctor: probe a smarthost's submission ports and say
 * what works from here, as the real caller.
 *
 * doctor_probe.c connects to every (address, port) in parallel, one
 * thread each, all under one absolute deadline, and runs greeting, EHLO,
 * STARTTLS or implicit TLS (the certificate verified as for sending) and
 * the post-TLS EHLO, then QUIT; never MAIL.  AUTH is one extra session on
 * one path (doctor_auth), never over plaintext, never twice.
 * doctor_report.c turns a struct doctor_run into the verdict (one
 * recommendation, its config lines, the exit code) and prints it as text
 * or JSON.  cmd_doctor.c owns the command line and the caller's checks.
 */
#ifndef OUTPOST_DOCTOR_H
#define OUTPOST_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg.h"
#include "hostname.h"
#include "reply.h"
#include "sasl.h"
#include "tls.h"

#define DOCTOR_PROBE_MS		5000	/* every probe, all together */
#define DOCTOR_MAX_ADDRS	8	/* addresses of the host probed */
#define DOCTOR_MAX_PORTS	(4 + CFG_MAX_PORTS)
#define DOCTOR_MAX_PROBES	(DOCTOR_MAX_ADDRS * DOCTOR_MAX_PORTS)
#define DOCTOR_ADDR_MAX		64	/* a numeric address */
#define DOCTOR_TEXT_MAX		160	/* server text kept */
#define DOCTOR_MAX_CHECKS	12
#define DOCTOR_MAX_LINES	4	/* config lines of the advice */
#define DOCTOR_LINE_MAX		160
/* --json's schema: raised when a field changes meaning or goes away */
#define DOCTOR_JSON_VERSION	1

enum doctor_conn {
	DOCTOR_NOT_RUN = 0,
	DOCTOR_REACHABLE,
	DOCTOR_REFUSED,
	DOCTOR_NO_ANSWER,
	DOCTOR_UNREACHABLE
};

enum doctor_auth {
	DOCTOR_AUTH_NOT_TRIED = 0,
	DOCTOR_AUTH_OK,
	DOCTOR_AUTH_REJECTED,		/* the server said no */
	DOCTOR_AUTH_FAILED		/* it never got to an answer */
};

/* What every probe shares. */
struct doctor_target {
	const char	*host;		/* as configured: the TLS identity */
	const char	*ehlo_name;	/* NULL: the local address literal */
	struct tls_opts	 tls_opts;
	const struct conn_via *via;	/* source_ip, proxy; NULL: direct */
	/* for doctor_auth() only */
	enum sasl_want	 auth;
	const char	*user;
	char		*password;	/* wiped by the AUTH step */
	int		 timeout;	/* seconds */
};

struct doctor_probe {
	char		 addr[DOCTOR_ADDR_MAX];
	int		 port;
	enum tls_mode	 tls;
	bool		 configured;	/* one of the account's ports */
	enum doctor_conn conn;
	int		 ms;		/* time to connect */
	int		 greeting_code;	/* 0: none */
	char		 greeting[DOCTOR_TEXT_MAX];
	char		 ehlo_sent[DOCTOR_ADDR_MAX + 8];	/* EHLO arg */
	int		 ehlo_code;	/* the last EHLO's; 0: none */
	char		 ehlo_text[DOCTOR_TEXT_MAX];
	bool		 tls_tried;
	bool		 tls_up;
	struct tls_info	 ti;
	bool		 have_capa;
	struct capa	 capa;		/* after TLS when TLS is used */
	bool		 ok;		/* the whole path works */
	int		 ex;		/* the failure's class */
	char		 error[ERR_MSG_MAX];	/* "" when ok */
	enum doctor_auth auth;
	char		 auth_text[ERR_MSG_MAX];
};

struct doctor_check {
	const char	*name;
	int		 state;		/* 1 ok, 0 failed, -1 not checked */
	int		 ex;		/* when failed */
	char		 detail[ERR_MSG_MAX];
};

struct doctor_run {
	const char		*host;
	const struct account	*a;	/* NULL: a bare HOST */
	const char		*config;	/* its path, or NULL */
	bool			 want_auth;	/* --auth */
	int			 dns_failed;	/* 0, else the class */
	struct doctor_check	 checks[DOCTOR_MAX_CHECKS];
	size_t			 nchecks;
	struct doctor_probe	 probes[DOCTOR_MAX_PROBES];
	size_t			 nprobes;
	struct doctor_probe	 auth;	/* the --auth session */
	/* the verdict (doctor_verdict) */
	int			 ex;
	char			 advice[ERR_MSG_MAX];
	char			 lines[DOCTOR_MAX_LINES][DOCTOR_LINE_MAX];
	size_t			 nlines;
};

/* Run every probe in parallel, all done within DOCTOR_PROBE_MS. */
void	doctor_probe_all(const struct doctor_target *, struct doctor_probe *,
	    size_t n);
/* One session through AUTH on p's path, then QUIT; the result in p. */
void	doctor_auth(const struct doctor_target *, struct doctor_probe *p);

/*
 * An account with an API transport (doctor_api.c): credentials, the
 * permission to send, the endpoint; checks only, no SMTP probes.
 */
int	doctor_api(struct doctor_run *);
void	doctor_verdict(struct doctor_run *);
void	doctor_print_text(FILE *, const struct doctor_run *);
void	doctor_print_json(FILE *, const struct doctor_run *);
const char *doctor_tls_word(enum tls_mode);

#endif
