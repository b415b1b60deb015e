/*
 * addr.c - pure address handling: RFC 5322 address lists and RFC 5321
 * envelope mailboxes.
 *
 * Owns: addr_parse_list() (header side, -t) and addr_check() (envelope
 * side: argv, config and header-derived addresses).  No I/O, no heap.
 * Invariants: an addr-spec handed to the callback is at most ADDR_MAX
 * bytes, NUL-terminated, holds no control byte, CR, LF or NUL, and has
 * its whitespace, comments and folding removed (quoted strings keep their
 * quotes and quoted-pairs).  Every message that echoes an address runs it
 * through err_sanitize() and cuts it at ADDR_ECHO_MAX bytes.
 *
 * The list parser is a lexer (CFWS, word, quoted-string, domain-literal,
 * one special) under a small state machine:
 *	word/quoted/literal/'@'	append to the pending text
 *	'<'	pending text was a display name: drop it, enter angle-addr
 *	'>'	hand the angle-addr to the callback; only ',' ';' or the end
 *		may follow
 *	':'	pending text was a group name: drop it, enter the group
 *	';'	end of group;  ','  end of one mailbox
 * Two words in a row (CFWS between them, or a quoted-string next to an
 * atom) make the pending text a phrase: fine before '<' or ':', an error
 * as a bare address.  Obsolete routes ("<@a,@b:x@y>") are rejected.  A
 * group without its final ';' at the end of the list is accepted
 * ("undisclosed-recipients:").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "err.h"

#define ADDR_ECHO_MAX	80	/* bytes of an address quoted in a message */

enum addr_tok {
	ADDR_T_END,
	ADDR_T_WORD,		/* atom or dot-atom, incl. UTF-8 */
	ADDR_T_QUOTED,		/* "..." with its quotes */
	ADDR_T_LITERAL,		/* [...] */
	ADDR_T_SPECIAL,		/* one of < > @ , ; : */
	ADDR_T_ERR
};

struct addr_lex {
	const char	*p;
	const char	*end;
	const char	*tok;
	size_t		 toklen;
	const char	*why;		/* reason for ADDR_T_ERR */
};

struct addr_ps {
	char		 buf[ADDR_MAX + 1];	/* pending addr-spec */
	size_t		 len;
	char		 lastc;		/* last byte appended, even if over */
	bool		 over;		/* pending text exceeded ADDR_MAX */
	bool		 any;		/* some token is pending */
	bool		 word;		/* the last pending token was a word */
	bool		 phrase;	/* two words in a row */
	bool		 angle;		/* inside <> */
	bool		 done;		/* after '>' or ';' */
	bool		 group;		/* inside "name: ... ;" */
	addr_cb		 cb;
	void		*arg;
};

static bool
addr_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

static bool
addr_wordc(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("()<>[]:;@\\,\"", c) == NULL;
}

/* Skip whitespace, folding and (nested) comments; NULL or a reason. */
static const char *
addr_lex_cfws(struct addr_lex *lx)
{
	int depth = 0;
	unsigned char c;

	for (; lx->p < lx->end; lx->p++) {
		c = (unsigned char)*lx->p;
		if (addr_ctl(c))
			return "control character";
		if (depth > 0 && c == '\\') {
			if (++lx->p == lx->end)
				break;
			if (addr_ctl((unsigned char)*lx->p))
				return "control character";
		} else if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n')
			return NULL;
	}
	return depth > 0 ? "unterminated comment" : NULL;
}

/* A quoted-string ("...") or domain-literal ([...]) ending in close. */
static enum addr_tok
addr_lex_delim(struct addr_lex *lx, char close, enum addr_tok t)
{
	const char *q;
	bool pair;

	for (q = lx->p + 1; q < lx->end && *q != close; q++) {
		if (addr_ctl((unsigned char)*q)) {
			lx->why = "control character";
			return ADDR_T_ERR;
		}
		if ((pair = *q == '\\'))
			q++;
		/* a '\\' as the last byte: unterminated, never read past */
		if (q >= lx->end)
			break;
		if (pair &&
		    (addr_ctl((unsigned char)*q) || *q == '\r' || *q == '\n')) {
			lx->why = "invalid quoted-pair";
			return ADDR_T_ERR;
		}
		if (close == ']' && *q == '[')
			break;
	}
	if (q >= lx->end || *q != close) {
		lx->why = close == '"' ? "unterminated quoted string" :
		    "unterminated domain literal";
		return ADDR_T_ERR;
	}
	lx->tok = lx->p;
	lx->toklen = (size_t)(q + 1 - lx->p);
	lx->p = q + 1;
	return t;
}

/* Next token; *ws tells whether CFWS came before it. */
static enum addr_tok
addr_lex_next(struct addr_lex *lx, bool *ws)
{
	const char *start = lx->p;
	unsigned char c;

	if ((lx->why = addr_lex_cfws(lx)) != NULL)
		return ADDR_T_ERR;
	*ws = lx->p != start;
	if (lx->p >= lx->end)
		return ADDR_T_END;
	c = (unsigned char)*lx->p;
	if (c == '"')
		return addr_lex_delim(lx, '"', ADDR_T_QUOTED);
	if (c == '[')
		return addr_lex_delim(lx, ']', ADDR_T_LITERAL);
	lx->tok = lx->p;
	if (strchr("<>@,;:", c) != NULL) {
		lx->toklen = 1;
		lx->p++;
		return ADDR_T_SPECIAL;
	}
	if (!addr_wordc(c)) {
		lx->why = c == ')' ? "unbalanced ')'" : c == ']' ?
		    "unbalanced ']'" : "misplaced backslash";
		return ADDR_T_ERR;
	}
	while (lx->p < lx->end && addr_wordc((unsigned char)*lx->p))
		lx->p++;
	lx->toklen = (size_t)(lx->p - lx->tok);
	return ADDR_T_WORD;
}

static void
addr_ps_reset(struct addr_ps *ps)
{
	ps->len = 0;
	ps->lastc = '\0';
	ps->over = ps->any = ps->word = ps->phrase = false;
}

/* Append a token to the pending text; folding CR/LF are dropped. */
static void
addr_ps_add(struct addr_ps *ps, const char *t, size_t n, bool word, bool ws)
{
	size_t i;

	if (word && ps->word && (ws || (ps->lastc != '.' && *t != '.')))
		ps->phrase = true;
	for (i = 0; i < n; i++) {
		if (t[i] == '\r' || t[i] == '\n')
			continue;
		if (ps->len < ADDR_MAX)
			ps->buf[ps->len++] = t[i];
		else
			ps->over = true;
		ps->lastc = t[i];
	}
	ps->any = true;
	ps->word = word;
}

/* Hand the pending addr-spec to the callback; NULL or a reason. */
static const char *
addr_ps_emit(struct addr_ps *ps, int *cbfail)
{
	const char *why = NULL;

	if (ps->any && !ps->done) {
		if (ps->phrase)
			why = "words without <address>";
		else if (ps->over)
			why = "address too long";
		else {
			ps->buf[ps->len] = '\0';
			if (ps->cb(ps->arg, ps->buf, ps->len) == -1) {
				*cbfail = 1;
				why = "address rejected";
			}
		}
	}
	addr_ps_reset(ps);
	return why;
}

/* One special character; NULL or a reason. */
static const char *
addr_ps_special(struct addr_ps *ps, char c, int *cbfail)
{
	const char *why;

	if (ps->angle && c != '>' && c != '@')
		return c == '<' ? "unbalanced '<'" : "route or list inside <>";
	switch (c) {
	case '<':
		if (ps->done)
			return "text after address";
		addr_ps_reset(ps);
		ps->angle = true;
		return NULL;
	case '>':
		if (!ps->angle)
			return "unbalanced '>'";
		if (!ps->any)
			return "empty <>";
		why = addr_ps_emit(ps, cbfail);
		ps->angle = false;
		ps->done = true;
		return why;
	case ':':
		if (ps->group || ps->done)
			return "misplaced ':'";
		addr_ps_reset(ps);
		ps->group = true;
		return NULL;
	case ';':
		if (!ps->group)
			return "';' outside a group";
		why = addr_ps_emit(ps, cbfail);
		ps->group = false;
		ps->done = true;
		return why;
	case ',':
		why = addr_ps_emit(ps, cbfail);
		ps->done = false;
		return why;
	default:	/* '@' */
		if (ps->done)
			return "text after address";
		if (ps->angle && !ps->any)
			return "source route not supported";
		addr_ps_add(ps, &c, 1, false, false);
		return NULL;
	}
}

static const char *
addr_ps_run(struct addr_ps *ps, struct addr_lex *lx, int *cbfail)
{
	enum addr_tok t;
	const char *why;
	bool ws;

	for (;;) {
		t = addr_lex_next(lx, &ws);
		switch (t) {
		case ADDR_T_ERR:
			return lx->why;
		case ADDR_T_END:
			if (ps->angle)
				return "unbalanced '<'";
			return addr_ps_emit(ps, cbfail);
		case ADDR_T_SPECIAL:
			why = addr_ps_special(ps, *lx->tok, cbfail);
			break;
		default:
			why = ps->done ? "text after address" : NULL;
			if (why == NULL)
				addr_ps_add(ps, lx->tok, lx->toklen, true, ws);
			break;
		}
		if (why != NULL)
			return why;
	}
}

int
addr_parse_list(const char *s, size_t len, addr_cb cb, void *arg,
    struct err *e)
{
	struct addr_ps ps;
	struct addr_lex lx;
	char echo[ADDR_ECHO_MAX + 1];
	const char *why;
	int cbfail = 0;

	memset(&ps, 0, sizeof(ps));
	ps.cb = cb;
	ps.arg = arg;
	lx.p = s;
	lx.end = s + len;
	lx.tok = NULL;
	lx.toklen = 0;
	lx.why = NULL;
	why = addr_ps_run(&ps, &lx, &cbfail);
	if (why == NULL)
		return 0;
	if (cbfail && err_is_set(e))
		return -1;
	err_sanitize(echo, sizeof(echo), s, len);
	return err_set(e, EX_DATAERR, "malformed address list: %s in \"%s\"",
	    why, echo);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t
addr_utf8(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* A byte that may not appear in an unquoted envelope address. */
static const char *
addr_scan_plain(unsigned char c, bool after_at)
{
	if (c == ' ')
		return "space outside quotes";
	if (c == '<' || c == '>')
		return "unbalanced '<' or '>'";
	if (c == '"')
		return "misplaced '\"'";
	if (strchr("(),;\\", c) != NULL ||
	    (!after_at && strchr(":[]", c) != NULL))
		return "invalid character";
	return NULL;
}

/*
 * Scan an envelope address without its <>.  The local part may be one
 * quoted string.  Sets *at to the unquoted '@' (or NULL) and *utf8.
 * Returns NULL or the reason it is invalid.
 */
static const char *
addr_scan(const char *s, size_t len, const char **at, bool *utf8)
{
	const char *why;
	size_t i, n;
	unsigned char c;
	bool inq = false;

	*at = NULL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return "control character";
		if (c >= 0x80) {
			n = addr_utf8((const unsigned char *)s + i, len - i);
			if (n == 0)
				return "invalid UTF-8";
			*utf8 = true;
			i += n - 1;
		} else if (inq && c == '\\') {
			if (++i == len || (unsigned char)s[i] < 0x20 ||
			    (unsigned char)s[i] > 0x7e)
				return "invalid quoted-pair";
		} else if (inq && c == '"') {
			inq = false;
			if (i + 1 < len && s[i + 1] != '@')
				return "text after quoted local part";
		} else if (!inq && c == '"' && i == 0)
			inq = true;
		else if (!inq &&
		    (why = addr_scan_plain(c, *at != NULL)) != NULL)
			return why;
		else if (!inq && c == '@') {
			if (*at != NULL)
				return "more than one '@'";
			*at = s + i;
		}
	}
	return inq ? "unterminated quoted string" : NULL;
}

/* Structure and lengths; NULL or the reason. */
static const char *
addr_shape(const char *s, size_t len, const char *at)
{
	size_t local = at != NULL ? (size_t)(at - s) : len;

	if (at != NULL && local == 0)
		return "empty local part";
	if (at != NULL && at + 1 == s + len)
		return "empty domain";
	if (local > ADDR_LOCAL_MAX)
		return "local part longer than 64 octets";
	if (len > ADDR_MAX)
		return "address longer than 254 octets";
	return NULL;
}

int
addr_check(const char *in, bool allow_empty, char *out, bool *utf8, int ex,
    struct err *e)
{
	const char *p = in, *end, *at, *why;
	char echo[ADDR_ECHO_MAX + 1];
	size_t len;

	*utf8 = false;
	out[0] = '\0';
	end = in + strlen(in);
	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	why = NULL;
	if (p < end && *p == '<') {
		if (end - p < 2 || end[-1] != '>')
			why = "unbalanced '<'";
		else {
			p++;
			end--;
		}
	}
	len = (size_t)(end - p);
	if (why == NULL && len == 0)
		why = allow_empty ? NULL : "empty address";
	else if (why == NULL && (why = addr_scan(p, len, &at, utf8)) == NULL)
		why = addr_shape(p, len, at);
	if (why != NULL) {
		*utf8 = false;
		err_sanitize(echo, sizeof(echo), in, strlen(in));
		return err_set(e, ex, "invalid address \"%s\": %s", echo, why);
	}
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

int
addr_split(const char *arg, addr_each_fn cb, void *cbarg, int ex,
    struct err *e)
{
	char buf[ADDR_SPLIT_MAX + 1];
	const char *p = arg, *start;
	bool quoted = false;
	int angle = 0;
	size_t n;

	for (;;) {
		start = p;
		for (; *p != '\0'; p++) {
			if (quoted && *p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == '<')
				angle++;
			else if (!quoted && *p == '>' && angle > 0)
				angle--;
			else if (!quoted && angle == 0 && *p == ',')
				break;
		}
		while (start < p && (*start == ' ' || *start == '\t'))
			start++;
		n = (size_t)(p - start);
		while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
			n--;
		if (n > ADDR_SPLIT_MAX)
			return err_set(e, ex, "invalid address: longer than "
			    "%d octets", ADDR_MAX);
		if (n > 0) {
			memcpy(buf, start, n);
			buf[n] = '\0';
			if (cb(cbarg, buf, e) == -1)
				return -1;
		}
		if (*p == '\0')
			return 0;
		p++;
	}
}
