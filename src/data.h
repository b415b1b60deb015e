/*
 * data.h - pure streaming DATA encoder (RFC 5321 4.5.2).
 *
 * Input: message bytes in any chunking.  Output: CRLF line ends (a bare LF
 * or a lone CR becomes CRLF, an existing CRLF is kept), a '.' at the start
 * of a line doubled, and data_finish() ends the body with CRLF "." CRLF
 * (adding the missing final CRLF first).
 *
 * DFA (state x input -> output, next state):
 *   BOL  '.'  -> "..", MID      BOL/MID '\r' -> "",   CR
 *   BOL  '\n' -> CRLF, BOL      MID  '\n'    -> CRLF, BOL
 *   BOL  c    -> c,   MID       MID  c       -> c,    MID
 *   CR   '\n' -> CRLF, BOL      CR   '\r'    -> CRLF, CR
 *   CR   '.'  -> CRLF "..", MID CR   c       -> CRLF c, MID
 * Each input byte yields at most two output bytes, so an output buffer of
 * DATA_OUT_MAX(len) bytes is always enough.
 */
#ifndef OUTPOST_DATA_H
#define OUTPOST_DATA_H

#include <stddef.h>

#define DATA_OUT_MAX(len)	(2 * (len) + 2)
#define DATA_FINISH_MAX		5

enum data_state { DATA_BOL, DATA_MID, DATA_CR };

struct data_enc {
	enum data_state	 state;
};

void	data_enc_init(struct data_enc *);
/* Encode len bytes; out must hold DATA_OUT_MAX(len).  Returns bytes out. */
size_t	data_encode(struct data_enc *, const char *in, size_t len, char *out);
/* Write the terminator (DATA_FINISH_MAX bytes at most); returns bytes. */
size_t	data_finish(struct data_enc *, char *out);

#endif
