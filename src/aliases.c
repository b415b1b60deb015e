/*
 * aliases.c - the aliases file: parse (pure), load, expand.
 *
 * The parser works on its own copy of the text: a continuation line (and
 * a blank or comment line inside an entry) is joined to the entry by
 * turning its line end into a space, the ':' and the entry's line end
 * become NULs, so every entry is two strings inside a->text.
 * Invariants: names are unique, lower case, 1..ALIASES_MAX_NAME bytes of
 * printable ASCII without '@', ':' or WSP; an expansion never goes deeper
 * than ALIASES_MAX_DEPTH nor yields more than ALIASES_MAX_EXPAND
 * addresses, so a hostile file costs bounded time.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "aliases.h"

#define ALIASES_TARGET_MAX	512	/* one target, for messages */

struct expand {
	const struct aliases	*al;
	aliases_cb		 cb;
	void			*arg;
	const struct alias	*stack[ALIASES_MAX_DEPTH];
	size_t			 depth;
	size_t			 count;
};

static bool
aliases_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Offset of the end of the line starting at s ('\n' or len). */
static size_t
aliases_eol(const char *t, size_t s, size_t len)
{
	const char *q = memchr(t + s, '\n', len - s);

	return q != NULL ? (size_t)(q - t) : len;
}

static bool
aliases_blank(const char *t, size_t s, size_t e)
{
	for (; s < e; s++)
		if (!aliases_wsp(t[s]))
			return false;
	return true;
}

static int
aliases_name(struct aliases *al, char *name, size_t line, struct err *e)
{
	size_t n = strlen(name), i;

	while (n > 0 && aliases_wsp(name[n - 1]))
		name[--n] = '\0';
	if (n == 0 || n > ALIASES_MAX_NAME)
		return err_set(e, EX_CONFIG, "%s:%zu: the name before ':' must "
		    "have 1 to %d characters", al->path, line,
		    ALIASES_MAX_NAME);
	for (i = 0; i < n; i++) {
		if ((unsigned char)name[i] <= ' ' ||
		    (unsigned char)name[i] >= 0x7f || name[i] == '@')
			return err_set(e, EX_CONFIG, "%s:%zu: invalid "
			    "character in the name", al->path, line);
		name[i] = (char)tolower((unsigned char)name[i]);
	}
	for (i = 0; i < al->n; i++)
		if (strcmp(al->v[i].name, name) == 0)
			return err_set(e, EX_CONFIG, "%s:%zu: %s: already "
			    "defined on line %zu", al->path, line, name,
			    al->v[i].line);
	return 0;
}

/*
 * One entry starting at line s (lineno *line): returns the offset after
 * it, or 0 with e.  Following continuation, blank and comment lines are
 * joined to it (comments blanked out).
 */
static size_t
aliases_entry(struct aliases *al, size_t s, size_t len, size_t *line,
    struct err *e)
{
	char *t = al->text, *colon;
	size_t end = aliases_eol(t, s, len), start = *line, n;

	colon = memchr(t + s, ':', end - s);
	if (colon == NULL) {
		err_set(e, EX_CONFIG, "%s:%zu: expected \"name: address, "
		    "...\"", al->path, start);
		return 0;
	}
	while (end < len && end + 1 < len && (aliases_wsp(t[end + 1]) ||
	    t[end + 1] == '#' || t[end + 1] == '\n')) {
		t[end] = ' ';
		(*line)++;
		n = aliases_eol(t, end + 1, len);
		if (t[end + 1] == '#')
			memset(t + end + 1, ' ', n - end - 1);
		end = n;
	}
	if (al->n == ALIASES_MAX_ENTRIES) {
		err_set(e, EX_CONFIG, "%s:%zu: more than %d entries",
		    al->path, start, ALIASES_MAX_ENTRIES);
		return 0;
	}
	*colon = '\0';
	t[end] = '\0';
	if (aliases_name(al, t + s, start, e) == -1)
		return 0;
	al->v[al->n].name = t + s;
	al->v[al->n].value = colon + 1;
	al->v[al->n].line = start;
	al->n++;
	(*line)++;
	return end + 1;
}

int
aliases_parse(const char *text, size_t len, const char *path,
    struct aliases *al, struct err *e)
{
	size_t s = 0, end, line = 1;

	memset(al, 0, sizeof(*al));
	if (len > ALIASES_MAX_BYTES)
		return err_set(e, EX_CONFIG, "%s: larger than %d bytes", path,
		    ALIASES_MAX_BYTES);
	if (memchr(text, '\0', len) != NULL)
		return err_set(e, EX_CONFIG, "%s: contains a NUL byte", path);
	al->path = strdup(path);
	al->text = malloc(len + 1);
	al->v = calloc(ALIASES_MAX_ENTRIES, sizeof(*al->v));
	if (al->path == NULL || al->text == NULL || al->v == NULL) {
		aliases_free(al);
		return err_set(e, EX_OSERR, "out of memory");
	}
	memcpy(al->text, text, len);
	al->text[len] = '\0';
	while (s < len) {
		end = aliases_eol(al->text, s, len);
		if (al->text[s] == '#' || aliases_blank(al->text, s, end)) {
			s = end + 1;
			line++;
			continue;
		}
		if (aliases_wsp(al->text[s])) {
			err_set(e, EX_CONFIG, "%s:%zu: continuation line "
			    "without an entry above", path, line);
			aliases_free(al);
			return -1;
		}
		if ((s = aliases_entry(al, s, len, &line, e)) == 0) {
			aliases_free(al);
			return -1;
		}
	}
	return 0;
}

int
aliases_load(const char *path, struct aliases *al, struct err *e)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, r;

	memset(al, 0, sizeof(*al));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return err_sys(e, EX_CONFIG, "aliases %s", path);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > ALIASES_MAX_BYTES) {
		close(fd);
		return err_set(e, EX_CONFIG, "aliases %s: not a regular file "
		    "of at most %d bytes", path, ALIASES_MAX_BYTES);
	}
	/* whoever may write it may redirect root's mail */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return err_set(e, EX_CONFIG, "aliases %s: must be owned by "
		    "you or root and not writable by group or others", path);
	}
	if ((buf = malloc(ALIASES_MAX_BYTES + 1)) == NULL) {
		close(fd);
		return err_set(e, EX_OSERR, "out of memory");
	}
	for (;;) {
		n = read(fd, buf + got, ALIASES_MAX_BYTES + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (got += (size_t)n) > ALIASES_MAX_BYTES)
			break;
	}
	close(fd);
	if (n == -1)
		r = err_sys(e, EX_CONFIG, "aliases %s", path);
	else
		r = aliases_parse(buf, got, path, al, e);
	free(buf);
	return r;
}

static const struct alias *
aliases_find(const struct aliases *al, const char *name)
{
	size_t i;

	for (i = 0; i < al->n; i++)
		if (strcasecmp(al->v[i].name, name) == 0)
			return &al->v[i];
	return NULL;
}

static int expand_name(struct expand *, const char *, struct err *);

/* One target of entry a: an address, a local name, or refused. */
static int
expand_target(struct expand *x, const struct alias *a, const char *tg,
    struct err *e)
{
	const char *p = tg[0] == '"' ? tg + 1 : tg;

	if (p[0] == '|' || p[0] == '/' || strncasecmp(p, ":include:", 9) == 0)
		return err_set(e, EX_CONFIG, "%s:%zu: %s: target %s is not "
		    "supported: outpost only forwards to mail addresses "
		    "(no commands, files or :include:)", x->al->path, a->line,
		    a->name, tg);
	if (strchr(tg, '@') == NULL)
		return expand_name(x, tg, e);
	if (++x->count > ALIASES_MAX_EXPAND)
		return err_set(e, EX_CONFIG, "%s: %s expands to more than %d "
		    "addresses", x->al->path, x->stack[0]->name,
		    ALIASES_MAX_EXPAND);
	return x->cb(x->arg, tg, e);
}

/* The comma-separated targets of a, trimmed, empty ones skipped. */
static int
expand_entry(struct expand *x, const struct alias *a, struct err *e)
{
	char tg[ALIASES_TARGET_MAX];
	const char *p = a->value, *q;
	size_t n;

	for (;;) {
		while (aliases_wsp(*p) || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		for (q = p; *q != '\0' && *q != ','; q++)
			continue;
		for (n = (size_t)(q - p); n > 0 && aliases_wsp(p[n - 1]); n--)
			continue;
		if (n >= sizeof(tg))
			return err_set(e, EX_CONFIG, "%s:%zu: target longer "
			    "than %d bytes", x->al->path, a->line,
			    ALIASES_TARGET_MAX - 1);
		memcpy(tg, p, n);
		tg[n] = '\0';
		if (expand_target(x, a, tg, e) == -1)
			return -1;
		p = q;
	}
}

static int
expand_name(struct expand *x, const char *name, struct err *e)
{
	const struct alias *a;
	size_t i;

	if ((a = aliases_find(x->al, name)) == NULL &&
	    (a = aliases_find(x->al, "default")) == NULL)
		return err_set(e, EX_NOUSER, "no alias for local recipient "
		    "%s: add a line \"%s: you@example.com\" to %s", name,
		    name, x->al->path);
	for (i = 0; i < x->depth; i++)
		if (x->stack[i] == a)
			return err_set(e, EX_CONFIG, "%s:%zu: alias loop: %s "
			    "leads back to %s", x->al->path, a->line,
			    x->stack[0]->name, a->name);
	if (x->depth == ALIASES_MAX_DEPTH)
		return err_set(e, EX_CONFIG, "%s: %s: aliases nested deeper "
		    "than %d", x->al->path, x->stack[0]->name,
		    ALIASES_MAX_DEPTH);
	x->stack[x->depth++] = a;
	if (expand_entry(x, a, e) == -1)
		return -1;
	x->depth--;
	return 0;
}

int
aliases_expand(const struct aliases *al, const char *name, aliases_cb cb,
    void *arg, struct err *e)
{
	struct expand x;

	memset(&x, 0, sizeof(x));
	x.al = al;
	x.cb = cb;
	x.arg = arg;
	return expand_name(&x, name, e);
}

bool
aliases_has(const struct aliases *al, const char *name)
{
	return aliases_find(al, name) != NULL;
}

void
aliases_free(struct aliases *al)
{
	free(al->path);
	free(al->text);
	free(al->v);
	memset(al, 0, sizeof(*al));
}
