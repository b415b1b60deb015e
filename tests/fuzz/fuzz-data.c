/*
 * fuzz-data.c - the DATA encoder (src/data.c), as a round trip: the
 * first input byte picks the chunk size, the rest is the message.  The
 * wire bytes must hold only CRLF line ends, no line "." before the
 * terminator, and un-stuffing them (drop the terminator, one leading dot
 * per line) must give the input back with its line ends made CRLF (a
 * bare LF or a lone CR becomes CRLF, a last line gets its CRLF).
 */
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "fuzz.h"

const char fuzz_name[] = "data";

/* The CRLF-normalised input, computed apart from the encoder's DFA. */
static size_t
fuzz_data_canon(const char *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;	/* the LF writes the CRLF */
		if (in[i] == '\r' || in[i] == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
		} else
			out[o++] = in[i];
	}
	if (o > 0 && out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	return o;
}

/* Un-stuff the wire bytes in place; returns the length, checks them. */
static size_t
fuzz_data_unstuff(char *w, size_t len)
{
	size_t i, o = 0, bol = 1;

	if (len < 3 || memcmp(w + len - 3, ".\r\n", 3) != 0 ||
	    (len > 3 && w[len - 4] != '\n'))
		fuzz_fail("no CRLF . CRLF terminator");
	len -= 3;
	for (i = 0; i < len; i++) {
		if (w[i] == '\r' && (i + 1 >= len || w[i + 1] != '\n'))
			fuzz_fail("CR without LF on the wire");
		if (w[i] == '\n' && (i == 0 || w[i - 1] != '\r'))
			fuzz_fail("LF without CR on the wire");
		if (bol && w[i] == '.') {
			if (i + 1 < len && w[i + 1] == '\r')
				fuzz_fail("a lone dot line before the end");
			bol = 0;
			continue;
		}
		bol = w[i] == '\n';
		w[o++] = w[i];
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1;
	size_t len, chunk, off, n, o = 0, clen;
	struct data_enc d;
	char *w, *c;

	if (size == 0)
		return 0;
	chunk = data[0] % 64 + 1;
	len = size - 1;
	w = malloc(DATA_OUT_MAX(len) + DATA_FINISH_MAX);
	c = malloc(2 * len + 2);
	if (w == NULL || c == NULL)
		goto out;
	data_enc_init(&d);
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		o += data_encode(&d, in + off, n, w + o);
	}
	o += data_finish(&d, w + o);
	if (o > DATA_OUT_MAX(len) + DATA_FINISH_MAX)
		fuzz_fail("output over DATA_OUT_MAX");
	o = fuzz_data_unstuff(w, o);
	clen = fuzz_data_canon(in, len, c);
	if (o != clen || memcmp(w, c, o) != 0)
		fuzz_fail("un-stuffed output differs from the input");
out:
	free(w);
	free(c);
	return 0;
}
