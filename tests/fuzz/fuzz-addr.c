/*
 * fuzz-addr.c - the address parsers (src/addr.c): the RFC 5322
 * address-list parser on the whole input, and the envelope check on it
 * as one string.  Whatever addr_check() accepts, from either, holds no
 * CR, LF or control byte (it may reach the wire as MAIL FROM / RCPT TO).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "fuzz.h"

const char fuzz_name[] = "addr";

static void
fuzz_addr_clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fuzz_fail("accepted address holds a control byte");
}

static int
fuzz_addr_cb(void *arg, const char *addr, size_t len)
{
	char in[ADDR_MAX + 3], out[ADDR_MAX + 1];
	struct err e;
	bool utf8;

	if (len >= sizeof(in))
		return 0;
	memcpy(in, addr, len);
	in[len] = '\0';
	err_init(&e);
	if (addr_check(in, false, out, &utf8, 65, &e) == 0)
		fuzz_addr_clean(out);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[ADDR_MAX + 1];
	struct err e;
	bool utf8;

	err_init(&e);
	(void)addr_parse_list((const char *)data, size, fuzz_addr_cb, NULL,
	    &e);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err_init(&e);
	if (addr_check(s, true, out, &utf8, 64, &e) == 0)
		fuzz_addr_clean(out);
	free(s);
	return 0;
}
