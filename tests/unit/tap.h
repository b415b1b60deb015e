/*
 * tap.h - a tiny TAP producer for the unit tests (header only).
 *
 * plan(n) or done_testing(); ok(), is_int(), is_str(), is_mem(); diag().
 * The exit status is non-zero when any test failed.
 */
#ifndef OUTPOST_TAP_H
#define OUTPOST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static void __attribute__((unused))
plan(int n)
{
	printf("1..%d\n", n);
}

static int __attribute__((unused, format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static void __attribute__((unused, format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("  got %lld, want %lld", g_, w_);			\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL && w_ == NULL) ||			\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!ok(same_, __VA_ARGS__))					\
		diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
} while (0)

#define is_mem(got, glen, want, wlen, ...) do {				\
	size_t gl_ = (glen), wl_ = (wlen);				\
	if (!ok(gl_ == wl_ && memcmp((got), (want), gl_) == 0,		\
	    __VA_ARGS__))						\
		diag("  got %zu bytes \"%.*s\", want %zu \"%.*s\"",	\
		    gl_, (int)gl_, (const char *)(got), wl_, (int)wl_,	\
		    (const char *)(want));				\
} while (0)

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
