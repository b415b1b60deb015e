/*
 * fuzz_fail.c - the one way a fuzz target reports a broken invariant:
 * a line on stderr, then abort() (libFuzzer saves the input as a crash,
 * the replay driver dies and make check fails).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void
fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz-%s: %s\n", fuzz_name, why);
	abort();
}
