/*
 * setup.h - "outpost setup ADDRESS": from an address to the settings of
 * its outgoing server, shared by the setup_*.c modules.
 *
 * setup_find.c asks the sources in order (a preset by domain or by MX,
 * the domain's autoconfig document, the ISPDB table, guesses from the
 * MX) and keeps what the first one that answers said, plus a line per
 * source tried for -v.  setup_xml.c parses an autoconfig document,
 * setup_http.c fetches one, setup_mx.c looks up the MX records,
 * setup_ispdb.c holds the generated table, setup_probe.c probes the
 * candidates like doctor, setup_write.c writes the account and its
 * secret and cmd_setup.c is the command.  No source is ever sent the
 * password: the lookups carry the domain (and, for autoconfig, the
 * address, as Thunderbird sends it) only.
 */
#ifndef OUTPOST_SETUP_H
#define OUTPOST_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define SETUP_MAX_SERVERS	8	/* candidates kept from one source */
#define SETUP_HOST_MAX		256
#define SETUP_USER_MAX		320	/* a user name, template filled */
#define SETUP_ADDR_MAX		320	/* the address given */
#define SETUP_MAX_TRIES		12	/* sources reported by -v */
#define SETUP_TRY_MAX		200	/* one -v line */
#define SETUP_MAX_MX		4	/* MX hosts looked at */
#define SETUP_XML_MAX		(64 * 1024)	/* an autoconfig document */
#define SETUP_XML_DEPTH		16	/* its element nesting */
#define SETUP_HTTP_MS		8000	/* one autoconfig fetch */
#define SETUP_MX_MS		3000	/* the MX query */

/* One outgoing server a source named. */
struct setup_server {
	char		 host[SETUP_HOST_MAX];
	int		 port;
	enum tls_mode	 tls;
	char		 user[SETUP_USER_MAX];	/* template filled in */
	bool		 auth;		/* needs AUTH */
	bool		 oauth2;	/* offers or needs OAuth2 */
	/* outside the domain and not vouched for: shown, confirmed */
	bool		 foreign;
};

struct setup_found {
	const char		*source;	/* "preset", "autoconfig"... */
	const char		*preset;	/* a provider.c name, or NULL */
	struct setup_server	 srv[SETUP_MAX_SERVERS];
	size_t			 nsrv;
	char			 tries[SETUP_MAX_TRIES][SETUP_TRY_MAX];
	size_t			 ntries;
};

/* The sources setup_find() asks; the tests point them elsewhere. */
struct setup_sources {
	bool		 autoconfig;	/* the domain's document */
	bool		 ispdb;
	bool		 mx;
	int		 timeout_ms;	/* each fetch */
};

/* What the probes chose (setup_probe.c). */
struct setup_pick {
	struct setup_server	 srv;
	unsigned		 auth_mechs;	/* CAPA_AUTH_* offered */
	int			 ms;		/* time to connect */
};

/*
 * Probe f's servers like doctor (every port of a host at once, TLS
 * verified, no AUTH) and pick per the port rules: 587, then 2525, then
 * 465, then a port only the source named; 25 is never probed.  log gets
 * a line per probe when not NULL.  0 with *pick, -1 with e.
 */
int	setup_probe(const struct setup_found *f, const char *trust_file,
	    void (*log)(const char *line), struct setup_pick *pick,
	    struct err *);

/* Parsing the address: local part and domain, lower-cased domain. */
int	setup_split(const char *addr, char *local, size_t lcap, char *domain,
	    size_t dcap, struct err *);
/* %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% in tmpl into out. */
int	setup_user_fill(const char *tmpl, const char *addr, char *out,
	    size_t cap);
/* host is domain or below it (case-insensitive, no trailing dot). */
bool	setup_host_within(const char *host, const char *domain);

/*
 * An autoconfig document (len bytes) to its outgoing servers: SSL and
 * STARTTLS ones only (plain is never used); -1 with e when it is not
 * well-formed, too deep, too large or names no usable server.
 */
int	setup_xml_parse(const char *doc, size_t len, const char *addr,
	    struct setup_found *, struct err *);

/* GET url over verified HTTPS into a malloc'ed buffer (*len bytes). */
char	*setup_http_get(const char *url, int timeout_ms, size_t *len,
	    struct err *);

/* The MX hosts of domain, most preferred first: their count, or -1. */
int	setup_mx(const char *domain, char mx[][SETUP_HOST_MAX], size_t max,
	    struct err *);

/* The ISPDB rows of domain into f: 1 found, 0 none. */
int	setup_ispdb_find(const char *domain, const char *addr,
	    struct setup_found *);
/* The commit of Thunderbird's autoconfig repository the table is from */
extern const char setup_ispdb_commit[];

/* The preset a domain or an MX host names, or NULL. */
const char *setup_preset_domain(const char *domain);
const char *setup_preset_mx(const char *mx);

/* Ask the sources in order; 0 with f filled, -1 when none answered. */
int	setup_find(const char *addr, const struct setup_sources *,
	    struct setup_found *, struct err *);
/* Add one -v line to f. */
void	setup_try(struct setup_found *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
