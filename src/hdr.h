/*
 * hdr.h - pure RFC 5322 header field tokenizer.
 *
 * Walks a header block (the bytes before the empty line; CRLF line ends)
 * field by field.  A field is a name, ':' and a value that may be folded
 * over several lines (continuation lines start with SP or HTAB).
 */
#ifndef OUTPOST_HDR_H
#define OUTPOST_HDR_H

#include <stdbool.h>
#include <stddef.h>

struct hdr_field {
	const char	*name;		/* points into the block */
	size_t		 namelen;
	const char	*value;		/* after ':' , folding kept */
	size_t		 valuelen;	/* without the final CRLF */
	const char	*raw;		/* whole field incl. final CRLF */
	size_t		 rawlen;
};

struct hdr_iter {
	const char	*p;
	const char	*end;
};

void	hdr_iter_init(struct hdr_iter *, const char *block, size_t len);
/* 1: a field in f; 0: end of block; -1: a line that is no field. */
int	hdr_next(struct hdr_iter *, struct hdr_field *f);
/* Case-insensitive name comparison. */
bool	hdr_is(const struct hdr_field *, const char *name);

#endif
