/*
 * hdr.c - pure RFC 5322 header field tokenizer.
 *
 * Owns: splitting a header block into fields.  No I/O, no allocation.
 * Invariants: the iterator only moves forward and never reads past end;
 * every returned pointer points into the caller's block.
 *
 * A field is  name [WSP] ":" value  where name is printable US-ASCII
 * 33..126 without ':' (RFC 5322 2.2; the WSP before ':' is the obsolete
 * syntax of 4.5, accepted).  The value runs to the line end that is not
 * followed by SP or HTAB, so folding stays in the value.  Line ends are
 * CRLF; a bare LF is tolerated.  An empty line ends the block.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "hdr.h"

void
hdr_iter_init(struct hdr_iter *it, const char *block, size_t len)
{
	it->p = block;
	it->end = block + len;
}

/*
 * Length of the line at p (without its end) and, in *eol, the length of
 * the line end: 2 for CRLF, 1 for LF, 0 at the end of the block.
 */
static size_t
hdr_line(const char *p, const char *end, size_t *eol)
{
	const char *q;

	for (q = p; q < end; q++) {
		if (*q == '\n') {
			*eol = 1;
			return (size_t)(q - p);
		}
		if (*q == '\r' && q + 1 < end && q[1] == '\n') {
			*eol = 2;
			return (size_t)(q - p);
		}
	}
	*eol = 0;
	return (size_t)(q - p);
}

/* Length of the field name at p, 0 when the line does not start one. */
static size_t
hdr_name(const char *p, const char *lend)
{
	const char *q;
	size_t n;

	for (q = p; q < lend; q++) {
		if ((unsigned char)*q < 33 || (unsigned char)*q > 126 ||
		    *q == ':')
			break;
	}
	n = (size_t)(q - p);
	if (n == 0)
		return 0;
	while (q < lend && (*q == ' ' || *q == '\t'))
		q++;
	if (q == lend || *q != ':')
		return 0;
	return n;
}

int
hdr_next(struct hdr_iter *it, struct hdr_field *f)
{
	const char *p = it->p, *lend, *next;
	size_t len, eol, n;

	memset(f, 0, sizeof(*f));
	if (p >= it->end)
		return 0;
	len = hdr_line(p, it->end, &eol);
	if (len == 0 && eol != 0)
		return 0;		/* the empty line ends the block */
	f->raw = p;
	n = hdr_name(p, p + len);
	if (n == 0) {
		/* No field: report the line in raw and step over it. */
		f->rawlen = len + eol;
		it->p = p + len + eol;
		return -1;
	}
	f->name = p;
	f->namelen = n;
	f->value = (const char *)memchr(p + n, ':', len - n) + 1;
	/* Take continuation lines while the next line starts with WSP. */
	lend = p + len;
	for (;;) {
		next = lend + eol;
		if (eol == 0 || next >= it->end ||
		    (*next != ' ' && *next != '\t'))
			break;
		lend = next + hdr_line(next, it->end, &eol);
	}
	f->valuelen = (size_t)(lend - f->value);
	f->rawlen = (size_t)(lend + eol - f->raw);
	it->p = lend + eol;
	return 1;
}

bool
hdr_is(const struct hdr_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name != NULL && f->namelen == n &&
	    strncasecmp(f->name, name, n) == 0;
}
