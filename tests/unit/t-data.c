/*
 * t-data.c - the DATA encoder: a table of inputs and their exact wire
 * bytes, each fed whole, split in two at every offset and one byte at a
 * time (all must agree), then a round-trip property on pseudo-random
 * inputs: un-stuffing the output gives the CRLF-normalised input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "data.h"
#include "tap.h"

#define T_IN_MAX	512			/* longest test input */
#define T_OUT_MAX	(DATA_OUT_MAX(T_IN_MAX) + DATA_FINISH_MAX)
#define T_RANDOM_RUNS	500
#define T_ALPHABET_LEN	7			/* of the random inputs */

static const struct {
	const char	*in;
	const char	*out;
	const char	*why;
} rows[] = {
	{ "", ".\r\n", "empty input" },
	{ "a", "a\r\n.\r\n", "no final newline" },
	{ "a\n", "a\r\n.\r\n", "LF becomes CRLF" },
	{ "a\r\n", "a\r\n.\r\n", "CRLF not doubled" },
	{ "a\nb\n", "a\r\nb\r\n.\r\n", "LF-only lines" },
	{ "a\r\nb\r\n", "a\r\nb\r\n.\r\n", "CRLF lines" },
	{ "a\r\nb\nc", "a\r\nb\r\nc\r\n.\r\n", "mixed line ends" },
	{ ".", "..\r\n.\r\n", "lone dot, no newline" },
	{ ".\n", "..\r\n.\r\n", "first line \".\"" },
	{ ".\r\n", "..\r\n.\r\n", "first line \".\" CRLF" },
	{ "..\n", "...\r\n.\r\n", "line \"..\"" },
	{ ".x\n", "..x\r\n.\r\n", "line \".x\"" },
	{ "a\n.\nb\n", "a\r\n..\r\nb\r\n.\r\n", "\".\" line inside" },
	{ "a\r\n.\r\n", "a\r\n..\r\n.\r\n", "\".\" last CRLF line" },
	{ "a\n..\n.x\n", "a\r\n...\r\n..x\r\n.\r\n", "\"..\" and \".x\"" },
	{ "a.b.\n", "a.b.\r\n.\r\n", "dots inside a line" },
	{ "a\rb", "a\r\nb\r\n.\r\n", "lone CR ends a line" },
	{ "a\r", "a\r\n.\r\n", "lone CR at the end" },
	{ "a\r\r\n", "a\r\n\r\n.\r\n", "CR CR LF" },
	{ "\r.x", "\r\n..x\r\n.\r\n", "lone CR then dot" },
	{ "\r\r", "\r\n\r\n.\r\n", "two lone CRs" },
	{ "\n\n", "\r\n\r\n.\r\n", "empty lines" },
	{ "\r\n\r\n", "\r\n\r\n.\r\n", "empty CRLF lines" },
	{ "\n.", "\r\n..\r\n.\r\n", "dot after LF, at end" },
	{ "x\n\n.\n", "x\r\n\r\n..\r\n.\r\n", "dot after empty line" },
	{ "\n\r.\r\n.", "\r\n\r\n..\r\n..\r\n.\r\n", "dots after CR and CRLF" },
};

/* Feed in[0..len) cut at the offsets in cuts (ascending); finish. */
static size_t
t_encode(const char *in, size_t len, const size_t *cuts, size_t ncuts,
    char *out, int *bounded)
{
	struct data_enc d;
	size_t i, from = 0, to, o = 0, n;

	*bounded = 1;
	data_enc_init(&d);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		n = data_encode(&d, in + from, to - from, out + o);
		if (n > DATA_OUT_MAX(to - from))
			*bounded = 0;
		o += n;
		from = to;
	}
	n = data_finish(&d, out + o);
	if (n > DATA_FINISH_MAX)
		*bounded = 0;
	return o + n;
}

static void
test_table(void)
{
	char out[T_OUT_MAX];
	size_t i, n;
	int bounded;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = t_encode(rows[i].in, strlen(rows[i].in), NULL, 0, out,
		    &bounded);
		is_mem(out, n, rows[i].out, strlen(rows[i].out), "whole: %s",
		    rows[i].why);
	}
}

static void
test_splits(void)
{
	char want[T_OUT_MAX], got[T_OUT_MAX];
	size_t cuts[T_IN_MAX];
	size_t i, k, len, wn, gn;
	int same, bounded, b;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = strlen(rows[i].in);
		wn = t_encode(rows[i].in, len, NULL, 0, want, &bounded);
		same = 1;
		for (k = 0; k <= len; k++) {
			cuts[0] = k;
			gn = t_encode(rows[i].in, len, cuts, 1, got, &b);
			if (gn != wn || memcmp(got, want, wn) != 0 || !b)
				same = 0;
		}
		ok(same, "split in two at every offset: %s", rows[i].why);
		for (k = 0; k < len; k++)
			cuts[k] = k;
		gn = t_encode(rows[i].in, len, cuts, len, got, &b);
		ok(gn == wn && memcmp(got, want, wn) == 0 && b,
		    "1-byte chunks (with empty first chunk): %s", rows[i].why);
	}
}

static void
test_boundary(void)
{
	struct data_enc d;
	char out[T_OUT_MAX];
	size_t o;

	data_enc_init(&d);
	o = data_encode(&d, "a\r", 2, out);
	is_mem(out, o, "a", 1, "CR at a chunk end is held back");
	o += data_encode(&d, "\n.b", 3, out + o);
	o += data_finish(&d, out + o);
	is_mem(out, o, "a\r\n..b\r\n.\r\n", 11,
	    "CR | LF across chunks is one CRLF, next dot stuffed");
	data_enc_init(&d);
	o = data_encode(&d, "\r", 1, out);
	o += data_encode(&d, ".", 1, out + o);
	is_int(o, DATA_OUT_MAX(1), "CR | '.' writes DATA_OUT_MAX(1) bytes");
}

static uint32_t
t_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* Reference: LF, lone CR -> CRLF; final CRLF added unless empty. */
static size_t
t_normalise(const char *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
				i++;
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

/* Undo the stuffing; -1 if the wire bytes break a DATA rule. */
static long
t_unstuff(const char *in, size_t len, char *out)
{
	size_t i, o = 0;
	int bol = 1;

	if (len < 3 || memcmp(in + len - 3, ".\r\n", 3) != 0)
		return -1;
	len -= 3;
	if (len > 0 && (len < 2 || memcmp(in + len - 2, "\r\n", 2) != 0))
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == '\r' && (i + 1 >= len || in[i + 1] != '\n'))
			return -1;	/* bare CR on the wire */
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			return -1;	/* bare LF on the wire */
		if (bol && in[i] == '.') {
			if (i + 1 >= len || in[i + 1] != '.')
				return -1;	/* unstuffed dot */
			i++;
		}
		out[o++] = in[i];
		bol = in[i] == '\n';
	}
	return (long)o;
}

static void
test_roundtrip(void)
{
	static const char alphabet[T_ALPHABET_LEN + 1] = "..\r\n\nab";
	char in[T_IN_MAX], out[T_OUT_MAX], norm[T_OUT_MAX], back[T_OUT_MAX];
	size_t cuts[4], len, i, on, nn;
	uint32_t seed = 20240601;
	long bn;
	int run, bad = -1, b;

	for (run = 0; run < T_RANDOM_RUNS && bad < 0; run++) {
		len = t_rand(&seed) % T_IN_MAX;
		for (i = 0; i < len; i++)
			in[i] = alphabet[t_rand(&seed) % T_ALPHABET_LEN];
		cuts[0] = len == 0 ? 0 : t_rand(&seed) % len;
		cuts[1] = cuts[0] + (len - cuts[0]) / 3;
		cuts[2] = cuts[1] + 1 <= len ? cuts[1] + 1 : len;
		cuts[3] = len;
		on = t_encode(in, len, cuts, 4, out, &b);
		nn = t_normalise(in, len, norm);
		bn = t_unstuff(out, on, back);
		if (!b || bn < 0 || (size_t)bn != nn ||
		    memcmp(back, norm, nn) != 0)
			bad = run;
	}
	ok(bad < 0, "%d random inputs: un-stuffed output == normalised input",
	    T_RANDOM_RUNS);
	if (bad >= 0)
		diag("  first failure in run %d", bad);
}

int
main(void)
{
	test_table();
	test_splits();
	test_boundary();
	test_roundtrip();
	return done_testing();
}
