/*
 * fuzz-hdr.c - the header tokenizer (src/hdr.c): every field returned
 * lies inside the block, in order, and the address-bearing ones go
 * through the address-list parser and the envelope check as msg_hdr.c
 * does with -t.
 */
#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "fuzz.h"
#include "hdr.h"

const char fuzz_name[] = "hdr";

static int
fuzz_hdr_addr(void *arg, const char *addr, size_t len)
{
	char in[ADDR_MAX + 3], out[ADDR_MAX + 1];
	struct err e;
	bool utf8;

	if (len >= sizeof(in))
		return 0;
	memcpy(in, addr, len);
	in[len] = '\0';
	err_init(&e);
	(void)addr_check(in, false, out, &utf8, 65, &e);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data, *prev = b;
	struct hdr_field f;
	struct hdr_iter it;
	struct err e;
	int r;

	hdr_iter_init(&it, b, size);
	while ((r = hdr_next(&it, &f)) == 1) {
		if (f.raw < prev || f.raw + f.rawlen > b + size ||
		    f.name < f.raw || f.value + f.valuelen > b + size ||
		    f.rawlen == 0)
			fuzz_fail("field outside the block");
		prev = f.raw + f.rawlen;
		if (hdr_is(&f, "To") || hdr_is(&f, "Cc") ||
		    hdr_is(&f, "Bcc") || hdr_is(&f, "From")) {
			err_init(&e);
			(void)addr_parse_list(f.value, f.valuelen,
			    fuzz_hdr_addr, NULL, &e);
		}
	}
	return 0;
}
