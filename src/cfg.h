/*
 * cfg.h - the configuration file (INI, read with inih).
 *
 * cfg_load() opens the file, checks the opened descriptor (fstat: regular
 * file or pipe, owned by the euid or root, not writable by group/others;
 * when it holds password or passwordeval: no group/other bits at all),
 * parses it from that descriptor and resolves every account against
 * [defaults].  Errors exit 78 and name file, line and key.
 * Values may be double-quoted with \" and \\ escapes; there are no inline
 * comments.  The result is immutable after loading.
 */
#ifndef OUTPOST_CFG_H
#define OUTPOST_CFG_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "sasl.h"

#define CFG_MAX_VALUE		4096
#define CFG_MAX_ACCOUNTS	64
#define CFG_DEFAULT_TIMEOUT	30
#define CFG_MAX_HOSTS		8
#define CFG_MAX_PORTS		8
#define CFG_MAX_KEYS		96	/* rows of the key table (cfg_keys.c) */

enum tls_mode {
	TLS_MODE_STARTTLS = 1,
	TLS_MODE_IMPLICIT,
	TLS_MODE_OFF
};

/* How the access token is got (oauth2_grant). */
enum oauth2_grant {
	OAUTH2_GRANT_REFRESH = 0,	/* a refresh token from a login */
	OAUTH2_GRANT_CLIENT		/* client_credentials: app-only */
};

/* What carries the message (transport.h): SMTP, or an HTTPS API. */
enum account_transport {
	TRANSPORT_SMTP = 0,
	TRANSPORT_GRAPH,	/* Microsoft Graph sendMail */
	TRANSPORT_SES,		/* Amazon SES v2 SendEmail */
	TRANSPORT_MAILGUN	/* Mailgun messages.mime */
};

/* One port of the account's plan, with the TLS mode used on it. */
struct cfg_port {
	int		 port;
	enum tls_mode	 tls;		/* resolved */
	bool		 tls_given;	/* written "port/mode" */
	bool		 from_auto;	/* one of the port = auto set */
};

struct account {
	char		*name;
	char		*host;		/* hosts[0]: the name TLS verifies */
	char		*hosts[CFG_MAX_HOSTS];	/* host = a, b: in order */
	size_t		 nhosts;
	struct cfg_port	 ports[CFG_MAX_PORTS];	/* in preference order */
	size_t		 nports;
	enum tls_mode	 tls;		/* tls key, resolved for ports[0] */
	bool		 tls_set;	/* tls given explicitly */
	char		*tls_trust_file;	/* NULL: system trust */
	char		*tls_cert_file;
	char		*tls_key_file;
	enum sasl_want	 auth;		/* resolved: ON when user set */
	char		*user;		/* NULL when unset; "" allowed */
	char		*password;	/* secret, wiped by cfg_free */
	char		*passwordeval;
	char		*password_file;
	char		*oauth2_token_url;
	char		*oauth2_client_id;
	char		*oauth2_client_secret_file;
	char		*oauth2_refresh_token_file;
	char		*oauth2_auth_url;
	char		*oauth2_scope;
	char		*oauth2_device_url;	/* RFC 8628 device login */
	enum oauth2_grant oauth2_grant;
	char		*oauth2_tenant;	/* presets' {tenant} */
	int		 oauth2_keepalive;	/* days; 0: off */
	bool		 keyring;	/* default on */
	char		*from;
	bool		 from_own;	/* from written in the section itself */
	/* where each key was written, for errors found when it is used */
	const char	*cfg_file;	/* the config's path (struct config) */
	int		 key_line[CFG_MAX_KEYS];	/* 0: not written */
	char		*domain;
	int		 timeout;	/* seconds */
	bool		 queue;
	char		*queue_dir;	/* NULL: XDG_STATE_HOME/outpost/queue */
	char		*fallback;	/* account used when this one fails */
	char		*provider;	/* preset name, as written */
	char		*aliases;	/* /etc/aliases format file */
	bool		 rewrite_local;	/* local names in From/To/Cc */
	char		*maildomain;
	char		*set_from_header;	/* auto, on, off */
	char		*logfile;
	char		*syslog;	/* on, off, or a facility */
	char		*allow_from_override;	/* on, off or a list */
	char		*local_domains;	/* more names of this host */
	char		*queue_max_entries;	/* per uid, system queue */
	char		*queue_max_bytes;
	bool		 hold;		/* queue everything, try nothing */
	char		*tls_fingerprint;	/* pin.h; NULL: none */
	char		*source_ip;	/* acct_via.h; NULL: any */
	char		*proxy;		/* socks5.h: a proxy URL */
	char		*proxy_password;	/* secret */
	char		*proxy_passwordeval;
	char		*proxy_password_file;
	char		*dsn_notify;	/* dsn.h words; NULL: none */
	char		*dsn_return;
	char		*recipient_domains;	/* rcpt_domains.h; NULL: none */
	enum account_transport transport;
	char		*api_url;	/* NULL: the provider's own */
	char		*api_region;	/* SES region; Mailgun us or eu */
	char		*api_domain;	/* Mailgun sending domain */
};

struct config {
	char		*path;		/* for messages */
	char		*default_account; /* [defaults] account */
	struct account	*accounts;
	size_t		 naccounts;
};

/*
 * path NULL: $XDG_CONFIG_HOME/outpost/config (~/.config/outpost/config),
 * else /etc/outpost.conf.  -1 with e (78; 66 is never used).
 */
int	cfg_load(const char *path, struct config *, struct err *);
/* Parse an open stream (tests use fmemopen); name is for messages. */
int	cfg_parse_stream(FILE *, const char *name, struct config *,
	    struct err *);
/*
 * The account: name (-a) if given, else the one whose own from (written
 * in its section, not inherited) equals sender - the [defaults] account
 * first when several do - else [defaults] account, else the only
 * account.  NULL with e (78).
 */
const struct account *cfg_pick(const struct config *, const char *name,
	    const char *sender, struct err *);
/* The account of that name, or NULL (the only lookup by name). */
const struct account *cfg_account(const struct config *, const char *name);
/*
 * A config error (EX_CONFIG) found when a file of account a was used,
 * naming that file: prefixed with the config file and line of its key.
 */
void	cfg_err_locate(const struct account *a, struct err *e);
/*
 * Wipe every password held in the config (the strings stay, empty): once
 * the one in use is in a struct secret, no copy should linger.
 */
void	cfg_forget_secrets(struct config *);
void	cfg_free(struct config *);
/*
 * A value as written -> its meaning: "..." with \" and \\ unquoted,
 * anything else as is.  -1 on a bad quote.  out has strlen(in) + 1 bytes.
 */
int	cfg_unquote(const char *in, char *out);
/*
 * "key = value\n" on out, the value quoted (cfg_unquote reads it back)
 * where it must be: empty, a quote or blank at either end; and where a
 * reader could take part of it for a comment (" #", " ;").  The one
 * writer of values: setup and import-msmtprc use it.
 */
void	cfg_put(FILE *out, const char *key, const char *v);

#endif
