/*
 * t-hdr.c - the header field tokenizer: names, folding, line ends,
 * obsolete WSP before ':', lines that are no field, the end of the block.
 *
 * Each row walks a block with hdr_next() and prints what it saw:
 *	name=[value]rawlen|	for a field
 *	!rawlen|		for a line that is no field
 * The trace stops at the end of the block (return 0).
 */
#include <stdio.h>
#include <string.h>

#include "hdr.h"
#include "tap.h"

#define TRACE_MAX	1024

struct row {
	const char	*what;
	const char	*block;
	const char	*want;
};

static const struct row rows[] = {
	{ "one field", "Subject: hi\r\n", "Subject=[ hi]13|" },
	{ "two fields", "A: 1\r\nB: 2\r\n", "A=[ 1]6|B=[ 2]6|" },
	{ "folded with SP", "To: a,\r\n b\r\nCc: c\r\n",
	    "To=[ a,\r\n b]12|Cc=[ c]7|" },
	{ "folded with HTAB, three lines", "To: a,\r\n\tb,\r\n\tc\r\nX: y\r\n",
	    "To=[ a,\r\n\tb,\r\n\tc]17|X=[ y]6|" },
	{ "bare LF line ends", "A: 1\nB: 2\n", "A=[ 1]5|B=[ 2]5|" },
	{ "bare LF folding", "A: 1\n 2\nB: 3\n", "A=[ 1\n 2]8|B=[ 3]5|" },
	{ "no final line end", "A: 1", "A=[ 1]4|" },
	{ "folded, no final line end", "A: 1\r\n 2", "A=[ 1\r\n 2]8|" },
	{ "WSP before colon (obsolete)", "Subject : x\r\n",
	    "Subject=[ x]13|" },
	{ "tab before colon", "Subject\t: x\r\n", "Subject=[ x]13|" },
	{ "empty value", "X:\r\nY:\r\n", "X=[]4|Y=[]4|" },
	{ "colon inside the value", "A: b:c\r\n", "A=[ b:c]8|" },
	{ "no space after colon", "A:b\r\n", "A=[b]5|" },
	{ "printable name chars", "X-a!#$%&'*+-/=?^_`{|}~9: v\r\n",
	    "X-a!#$%&'*+-/=?^_`{|}~9=[ v]28|" },
	{ "no colon: no field", "garbage\r\nA: 1\r\n", "!9|A=[ 1]6|" },
	{ "WSP at the very start: no field", " cont\r\nA: 1\r\n",
	    "!7|A=[ 1]6|" },
	{ "space inside the name", "Bad Name: x\r\n", "!13|" },
	{ "empty name", ": x\r\n", "!5|" },
	{ "8-bit name", "S\xc3\xbc" "bject: x\r\n", "!13|" },
	{ "control byte in the name", "A\x01: x\r\n", "!7|" },
	{ "empty line ends the block", "A: 1\r\n\r\nB: 2\r\n", "A=[ 1]6|" },
	{ "bare LF empty line ends it", "A: 1\n\nB: 2\n", "A=[ 1]5|" },
	{ "empty block", "", "" },
	{ "lone CR stays in the value", "A: x\ry\r\n", "A=[ x\ry]8|" },
	{ "CR LF inside value, not folded", "A: x\r\nB: y",
	    "A=[ x]6|B=[ y]4|" },
	{ "continuation after a bad line", "junk\r\n more\r\n",
	    "!6|!7|" },
};

static void
trace(const char *block, char *out, size_t cap)
{
	struct hdr_iter it;
	struct hdr_field f;
	size_t o = 0;
	int r;

	out[0] = '\0';
	hdr_iter_init(&it, block, strlen(block));
	while ((r = hdr_next(&it, &f)) != 0 && o < cap) {
		if (r == 1)
			o += (size_t)snprintf(out + o, cap - o,
			    "%.*s=[%.*s]%zu|", (int)f.namelen, f.name,
			    (int)f.valuelen, f.value, f.rawlen);
		else
			o += (size_t)snprintf(out + o, cap - o, "!%zu|",
			    f.rawlen);
	}
}

struct is_row {
	const char	*block;
	const char	*name;
	int		 want;
};

static const struct is_row is_rows[] = {
	{ "To: a\r\n", "To", 1 },
	{ "to: a\r\n", "To", 1 },
	{ "TO: a\r\n", "to", 1 },
	{ "Bcc : a\r\n", "bcc", 1 },
	{ "Tox: a\r\n", "To", 0 },
	{ "T: a\r\n", "To", 0 },
	{ "Resent-Bcc: a\r\n", "Bcc", 0 },
};

int
main(void)
{
	struct hdr_iter it;
	struct hdr_field f;
	char got[TRACE_MAX];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		trace(rows[i].block, got, sizeof(got));
		is_str(got, rows[i].want, "%s", rows[i].what);
	}
	for (i = 0; i < sizeof(is_rows) / sizeof(is_rows[0]); i++) {
		hdr_iter_init(&it, is_rows[i].block,
		    strlen(is_rows[i].block));
		is_int(hdr_next(&it, &f) == 1 && hdr_is(&f, is_rows[i].name),
		    is_rows[i].want, "hdr_is(\"%.*s\", \"%s\")",
		    (int)f.namelen, f.name, is_rows[i].name);
	}
	/* A field's raw covers exactly name, value and the final CRLF. */
	hdr_iter_init(&it, "A: 1\r\n 2\r\nB: 3\r\n", 16);
	hdr_next(&it, &f);
	is_mem(f.raw, f.rawlen, "A: 1\r\n 2\r\n", 10, "raw of a folded field");
	hdr_next(&it, &f);
	is_mem(f.raw, f.rawlen, "B: 3\r\n", 6, "raw of the next field");
	is_int(hdr_next(&it, &f), 0, "end after the last field");
	is_int(hdr_next(&it, &f), 0, "end stays end");
	return done_testing();
}
