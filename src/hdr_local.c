/*
 * hdr_local.c - local addresses in From:/To:/Cc: -> real ones (pure).
 *
 * The lexer steps over "units": a quoted string, a (nested) comment, or
 * one byte; an unbalanced unit stops everything (the field is kept).
 * Invariants: the output is unfolded (CR and LF of the input's folding
 * are dropped; the caller folds again), at most cap - 1 bytes, and every
 * mailbox fn did not replace is copied byte for byte (but the folding).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "hdr_local.h"

struct hl_out {
	char		*p;
	size_t		 cap;
	size_t		 len;
	bool		 over;
};

/* One mailbox, split up. */
struct hl_box {
	const char	*s;		/* trimmed, n bytes */
	size_t		 n;
	size_t		 lt, gt;	/* '<' '>' offsets, lt == n: none */
	size_t		 ncomm;		/* comments outside <> */
	size_t		 c0, c1;	/* the first one, with its parens */
	bool		 quoted;	/* a quoted string outside <> */
	char		 addr[ADDR_MAX + 1];
};

static void
hl_put(struct hl_out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && !o->over; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (o->len + 1 >= o->cap) {
			o->over = true;
			break;
		}
		o->p[o->len++] = s[i];
	}
	if (!o->over)
		o->p[o->len] = '\0';
}

static bool
hl_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The index after the unit at s[i], 0 when it is unbalanced. */
static size_t
hl_unit(const char *s, size_t n, size_t i)
{
	size_t depth = 0;
	char open = s[i];

	if (open != '"' && open != '(')
		return i + 1;
	for (i++; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (open == '"' && s[i] == '"')
			return i + 1;
		if (open == '(' && s[i] == '(')
			depth++;
		if (open == '(' && s[i] == ')' && depth-- == 0)
			return i + 1;
	}
	return 0;
}

/* End of the mailbox starting at pos; -1: group or unbalanced. */
static int
hl_next(const char *s, size_t n, size_t pos, size_t *end)
{
	bool angle = false;
	size_t i = pos, next;

	while (i < n) {
		if (!angle && s[i] == ',')
			break;
		if (!angle && (s[i] == ':' || s[i] == ';'))
			return -1;
		if (s[i] == '<' || s[i] == '>')
			angle = s[i] == '<';
		if ((next = hl_unit(s, n, i)) == 0)
			return -1;
		i = next;
	}
	*end = i;
	return angle ? -1 : 0;
}

static void
hl_trim(const char **s, size_t *n)
{
	while (*n > 0 && hl_wsp(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && hl_wsp((*s)[*n - 1]))
		(*n)--;
}

/* Split b->s into its parts and its addr-spec; false: leave it be. */
static bool
hl_split(struct hl_box *b)
{
	size_t i, next, a = 0;
	const char *p;
	size_t len;

	b->lt = b->gt = b->n;
	for (i = 0; i < b->n; i = next) {
		next = hl_unit(b->s, b->n, i);
		if (b->s[i] == '<' && b->lt == b->n)
			b->lt = i;
		else if (b->s[i] == '>' && b->gt == b->n)
			b->gt = i;
		else if (b->lt == b->n && b->s[i] == '(') {
			if (b->ncomm++ == 0) {
				b->c0 = i;
				b->c1 = next;
			}
		} else if (b->lt == b->n && b->s[i] == '"')
			b->quoted = true;
		else if (b->lt == b->n && !hl_wsp(b->s[i]) && a < ADDR_MAX)
			b->addr[a++] = b->s[i];
	}
	if (b->lt != b->n) {
		if (b->gt == b->n || b->gt < b->lt)
			return false;
		p = b->s + b->lt + 1;
		len = b->gt - b->lt - 1;
		hl_trim(&p, &len);
		if (len > ADDR_MAX || memchr(p, '"', len) != NULL ||
		    memchr(p, '(', len) != NULL)
			return false;
		memcpy(b->addr, p, len);
		a = len;
	} else if (b->quoted || a == ADDR_MAX)
		return false;
	b->addr[a] = '\0';
	return a > 0;
}

/* A comment that reads as a display name: plain printable text. */
static bool
hl_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    strchr("\\\"()", s[i]) != NULL)
			return false;
	return n > 0;
}

/* The comments of a mailbox without <>, each after a space. */
static void
hl_comments(struct hl_out *o, const struct hl_box *b)
{
	size_t i, next;

	for (i = 0; i < b->n; i = next) {
		next = hl_unit(b->s, b->n, i);
		if (b->s[i] != '(')
			continue;
		hl_put(o, " ", 1);
		hl_put(o, b->s + i, next - i);
	}
}

/* One replacement address t (tn bytes) in the form of box b. */
static void
hl_emit(struct hl_out *o, const struct hl_box *b, const char *t, size_t tn)
{
	const char *d = b->s;
	size_t dn = b->lt, rn;

	if (b->lt != b->n) {
		hl_trim(&d, &dn);
		hl_put(o, d, dn);
		hl_put(o, dn > 0 ? " <" : "<", dn > 0 ? 2 : 1);
		hl_put(o, t, tn);
		hl_put(o, ">", 1);
		rn = b->n - b->gt - 1;
		if (rn > 0)
			hl_put(o, b->s + b->gt + 1, rn);
	} else if (b->ncomm == 1 && hl_plain(b->s + b->c0 + 1,
	    b->c1 - b->c0 - 2)) {
		hl_put(o, "\"", 1);
		hl_put(o, b->s + b->c0 + 1, b->c1 - b->c0 - 2);
		hl_put(o, "\" <", 3);
		hl_put(o, t, tn);
		hl_put(o, ">", 1);
	} else {
		hl_put(o, t, tn);
		hl_comments(o, b);
	}
}

/* Mailbox b, replaced or as written; true when it was replaced. */
static bool
hl_box(struct hl_out *o, struct hl_box *b, bool from, hdr_local_fn fn,
    void *arg)
{
	static char repl[HDR_LOCAL_REPL_MAX];
	const char *t, *c;

	if (!hl_split(b) || fn(arg, from, b->addr, repl, sizeof(repl)) != 1) {
		hl_put(o, b->s, b->n);
		return false;
	}
	for (t = repl; *t != '\0'; t = *c == ',' ? c + 1 : c) {
		c = t + strcspn(t, ",");
		if (c == t)
			continue;
		if (t != repl)
			hl_put(o, ", ", 2);
		hl_emit(o, b, t, (size_t)(c - t));
	}
	return true;
}

int
hdr_local_rewrite(const char *v, size_t len, bool from, hdr_local_fn fn,
    void *arg, char *out, size_t cap, size_t *outlen)
{
	struct hl_out o = { out, cap, 0, false };
	struct hl_box b;
	size_t pos = 0, end;
	bool changed = false, first = true;

	hl_put(&o, " ", 1);
	while (pos < len) {
		if (hl_next(v, len, pos, &end) == -1)
			return 0;
		memset(&b, 0, sizeof(b));
		b.s = v + pos;
		b.n = end - pos;
		hl_trim(&b.s, &b.n);
		if (b.n > 0) {
			if (!first)
				hl_put(&o, ", ", 2);
			changed |= hl_box(&o, &b, from, fn, arg);
			first = false;
		}
		pos = end + 1;
	}
	if (!changed || o.over)
		return 0;
	*outlen = o.len;
	return 1;
}
