/*
 * cfg_int.h - private to cfg.c, cfg_keys.c and cfg_file.c: the parse
 * state.
 *
 * cfg.c owns the sections and their values (struct cfg_ctx), reports
 * errors (cfg_fail) and registers "[name]" lines (cfg_section_line);
 * cfg_keys.c owns the key table and turns values into fields.  cfg_file.c
 * owns getting the bytes safely from the file to inih: it feeds inih
 * through cfg_read_line(), which counts lines in c->lineno, stops at the
 * first error and wipes inih's line buffer, sets inih's runtime knobs
 * (cfg_ini_knobs) and parses through a stdio buffer of ours that it wipes
 * (cfg_parse_private).  Nothing here is part of the API of cfg.h.
 */
#ifndef OUTPOST_CFG_INT_H
#define OUTPOST_CFG_INT_H

#include <stdio.h>

#include "cfg.h"
#include "err.h"

#define CFG_IOBUF	4096	/* the stdio buffer of cfg_parse_private */
#define CFG_SHOW	64	/* value bytes quoted in a message */

enum cfg_key {
	K_ACCOUNT, K_HOST, K_PORT, K_TLS, K_TRUST, K_CERT, K_KEY, K_AUTH,
	K_USER, K_PASSWORD, K_PASSWORDEVAL, K_KEYRING, K_FROM, K_DOMAIN,
	K_TIMEOUT, K_QUEUE, K_PASSWORD_FILE, K_OA_TOKEN_URL, K_OA_CLIENT_ID,
	K_OA_SECRET_FILE, K_OA_REFRESH_FILE, K_OA_AUTH_URL, K_OA_SCOPE,
	K_QUEUE_DIR, K_FALLBACK, K_PROVIDER, K_ALIASES, K_REWRITE_LOCAL,
	K_MAILDOMAIN, K_SET_FROM, K_LOGFILE, K_SYSLOG, K_ALLOW_FROM,
	K_OA_DEVICE_URL, K_OA_GRANT, K_OA_TENANT,
	K_OA_KEEPALIVE, K_LOCAL_DOMAINS, K_QUEUE_MAX_ENTRIES,
	K_QUEUE_MAX_BYTES, K_HOLD, K_PIN, K_SOURCE_IP, K_PROXY,
	K_PROXY_PASSWORD, K_PROXY_PASSWORDEVAL, K_PROXY_PASSWORD_FILE,
	K_DSN_NOTIFY, K_DSN_RETURN, K_RECIPIENT_DOMAINS,
	K_TRANSPORT, K_API_URL, K_API_REGION, K_API_DOMAIN, K_NKEYS
};

struct cfg_val {
	char		*s;		/* unquoted; NULL: not given */
	int		 line;
};

struct cfg_section {
	char		*name;
	int		 line;		/* 0: [defaults] not written */
	struct cfg_val	 v[K_NKEYS];
};

/* Parse state; sec[0] is always [defaults], then accounts in file order. */
struct cfg_ctx {
	FILE			*fp;
	const char		*file;
	int			 lineno;
	int			 errline;	/* our first error, 0: none */
	struct err		 err;
	struct cfg_section	 sec[CFG_MAX_ACCOUNTS + 1];
	size_t			 nsec;
};

/* cfg_keys.c: the key called name (-1: none), and key k's name. */
int	cfg_key_find(const char *name);
const char *cfg_key_name(int k);
/* cfg_keys.c: convert value v of key k into its field of an account. */
int	cfg_key_set(const struct cfg_ctx *, struct account *, int k,
	    const struct cfg_val *v, struct err *);
/* cfg_keys.c: free (wiping) the strings the key table put in an account. */
void	cfg_key_free(struct account *);

/* cfg.c: note the first error at c->lineno; returns 0 (inih: failed). */
int	cfg_fail(struct cfg_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* cfg.c: a "[name]" line: check it and register the section; 0 to stop. */
int	cfg_section_line(struct cfg_ctx *, const char *line);

/*
 * cfg_list.c: host = a, b and port = auto | N[/mode], ... into a; -1 with
 * *why saying what was expected.  cfg_ports_resolve() settles each port's
 * TLS mode once the tls key is known (no port key: auto, or the one port
 * that tls implies).
 */
int	cfg_hosts_parse(const char *, struct account *, const char **why);
int	cfg_ports_parse(const char *, struct account *, const char **why);
int	cfg_ports_resolve(struct account *, const char **why);

/* cfg_file.c: the inih reader (stream is the struct cfg_ctx), like fgets. */
char	*cfg_read_line(char *str, int num, void *stream);
/* cfg_file.c: set inih's runtime knobs where this inih has them. */
void	cfg_ini_knobs(void);
/*
 * cfg_file.c: cfg_parse_stream() on fp, fresh, through buf (size bytes,
 * CFG_IOBUF) as its stdio buffer; closes fp, then wipes buf.
 */
int	cfg_parse_private(FILE *fp, char *buf, size_t size, const char *name,
	    struct config *, struct err *);

#endif
