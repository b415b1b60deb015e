/*
 * data.c - pure streaming DATA encoder (RFC 5321 4.5.2, 2.3.8).
 *
 * Owns: CRLF normalisation and dot-stuffing of the message body, in any
 * chunking, and the "." CRLF terminator.  The DFA is the table in data.h;
 * the state carried between chunks is only whether we are at the start
 * of a line, inside one, or just after a CR whose meaning is not known
 * yet (a pending CR emits nothing until the next byte or the finish).
 *
 * Invariants: the output never holds a bare CR or LF, every line that
 * starts with '.' gets one more, and data_encode() writes at most
 * DATA_OUT_MAX(len) bytes (only a pending CR followed by '.' writes four
 * bytes for one input byte, and that CR wrote nothing).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "data.h"

void
data_enc_init(struct data_enc *d)
{
	d->state = DATA_BOL;
}

size_t
data_encode(struct data_enc *d, const char *in, size_t len, char *out)
{
	enum data_state st = d->state;
	size_t i, o = 0;
	char c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (st == DATA_CR && c != '\n') {
			/* The pending CR was a lone one: it ends a line. */
			out[o++] = '\r';
			out[o++] = '\n';
			st = DATA_BOL;
		}
		switch (c) {
		case '\r':
			st = DATA_CR;
			break;
		case '\n':
			out[o++] = '\r';
			out[o++] = '\n';
			st = DATA_BOL;
			break;
		case '.':
			if (st == DATA_BOL)
				out[o++] = '.';
			out[o++] = '.';
			st = DATA_MID;
			break;
		default:
			out[o++] = c;
			st = DATA_MID;
			break;
		}
	}
	d->state = st;
	return o;
}

size_t
data_finish(struct data_enc *d, char *out)
{
	size_t o = 0;

	if (d->state != DATA_BOL) {
		/* MID: the missing final CRLF; CR: the pending lone CR. */
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o++] = '.';
	out[o++] = '\r';
	out[o++] = '\n';
	d->state = DATA_BOL;
	return o;
}
