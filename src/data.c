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
 *
 * Speed: the DFA runs only at CR, LF and line starts; the bytes between
 * are found with memchr() and copied with memcpy() (a byte-at-a-time
 * loop was most of the CPU time of a large message).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <string.h>

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
	size_t i = 0, o = 0, cr = 0, lf = 0, stop;
	const char *q;

	while (i < len) {
		if (st == DATA_CR) {
			/* CR LF, or a lone CR that ends a line all the same */
			out[o++] = '\r';
			out[o++] = '\n';
			st = DATA_BOL;
			if (in[i] == '\n') {
				i++;
				continue;
			}
		}
		if (in[i] == '\r') {
			st = DATA_CR;
			i++;
			continue;
		}
		if (in[i] == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
			st = DATA_BOL;
			i++;
			continue;
		}
		if (st == DATA_BOL && in[i] == '.')
			out[o++] = '.';
		/*
		 * A run of plain bytes up to the next CR or LF, copied whole.
		 * The positions found are kept: one memchr() per byte value
		 * scans each stretch of input once, however the lines end.
		 */
		if (cr <= i) {
			q = memchr(in + i, '\r', len - i);
			cr = q != NULL ? (size_t)(q - in) : len;
		}
		if (lf <= i) {
			q = memchr(in + i, '\n', len - i);
			lf = q != NULL ? (size_t)(q - in) : len;
		}
		stop = cr < lf ? cr : lf;
		memcpy(out + o, in + i, stop - i);
		o += stop - i;
		i = stop;
		st = DATA_MID;
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
