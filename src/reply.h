/*
 * reply.h - pure SMTP reply parser (RFC 5321 4.2) and EHLO keywords.
 *
 * The caller feeds one line at a time (without its CRLF or LF).  A reply
 * is complete when a line "ddd SP text" or "ddd" arrives.  Every line of a
 * reply must carry the same code; anything malformed, or a reply over the
 * caps below, is a protocol error (EX_PROTOCOL, 76).  Only this module
 * reads untrusted server bytes; it never sees a secret.
 */
#ifndef OUTPOST_REPLY_H
#define OUTPOST_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define REPLY_MAX_LINE		16384	/* one line, RFC 4954 allows 12288 */
#define REPLY_MAX_LINES		100	/* lines in one reply */
#define REPLY_MAX_BYTES		65536	/* all text of one reply */

struct reply {
	int	 code;			/* 3 digits, e.g. 250 */
	char	 enh[ERR_ENH_MAX];	/* "5.1.1" from the first line or "" */
	size_t	 nlines;
	size_t	 len;			/* bytes used in text */
	/*
	 * Texts of all lines (after "ddd-" / "ddd "), each terminated by
	 * '\0', one after the other.
	 */
	char	 text[REPLY_MAX_BYTES];
};

struct reply_parser {
	int	 in_reply;		/* a continuation line was seen */
};

void	reply_parser_init(struct reply_parser *);
/*
 * Feed one line.  Returns 1 when r holds a complete reply, 0 when more
 * lines are needed, -1 on a protocol error (e filled, ex 76).
 * r is reset by the first line of each reply.
 */
int	reply_feed(struct reply_parser *, const char *line, size_t len,
	    struct reply *r, struct err *e);
/* The text of line i (0-based), or "" past the end. */
const char *reply_line(const struct reply *, size_t i);
/* First line's text, the enhanced code stripped, for messages. */
const char *reply_first_text(const struct reply *);

/* SASL mechanisms known to outpost, as bits. */
#define CAPA_AUTH_PLAIN		0x01
#define CAPA_AUTH_LOGIN		0x02
#define CAPA_AUTH_EXTERNAL	0x04
#define CAPA_AUTH_XOAUTH2	0x08
#define CAPA_AUTH_OAUTHBEARER	0x10
#define CAPA_AUTH_CRAM_MD5	0x20
#define CAPA_AUTH_SCRAM		0x40	/* SCRAM-SHA-256 */
#define CAPA_AUTH_SCRAM_PLUS	0x80	/* SCRAM-SHA-256-PLUS */

struct capa {
	bool		 starttls;
	bool		 pipelining;
	bool		 eightbitmime;
	bool		 smtputf8;
	bool		 dsn;
	bool		 chunking;
	bool		 enhanced;
	bool		 size;		/* SIZE advertised */
	unsigned long	 size_max;	/* 0: no fixed maximum */
	bool		 auth;		/* AUTH advertised at all */
	unsigned	 auth_mechs;	/* CAPA_AUTH_* */
};

/* Parse an EHLO reply's keywords (lines after the first) into c. */
void	capa_parse(const struct reply *, struct capa *c);

#endif
