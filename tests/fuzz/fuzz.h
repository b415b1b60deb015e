/*
 * fuzz.h - the interface between a fuzz target and its two drivers:
 * libFuzzer (clang -fsanitize=fuzzer, tests/fuzz/run.sh) and replay.c
 * (a plain main() that feeds the committed corpus, run by make check).
 *
 * A target returns 0 for every input; a broken invariant calls
 * fuzz_fail(), which aborts so that both drivers report it.
 */
#ifndef OUTPOST_FUZZ_H
#define OUTPOST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_INPUT	(1024 * 1024)	/* largest corpus file replayed */

/* The target's name: its corpus is tests/fuzz/corpus/<fuzz_name>. */
extern const char fuzz_name[];

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void	fuzz_fail(const char *why) __attribute__((noreturn));

#endif
