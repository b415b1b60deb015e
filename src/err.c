/*
 * err.c - the one error type.
 * The mapping of SMTP replies to exit codes lives in err_reply.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"

void
err_init(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int
err_is_set(const struct err *e)
{
	return e->ex != 0;
}

void
err_sanitize(char *dst, size_t n, const char *src, size_t len)
{
	size_t i, o = 0;
	unsigned char c;

	if (n == 0)
		return;
	for (i = 0; i < len && o + 1 < n; i++) {
		c = (unsigned char)src[i];
		dst[o++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	dst[o] = '\0';
}

static int __attribute__((format(printf, 4, 0)))
err_vset(struct err *e, int ex, const char *suffix, const char *fmt,
    va_list ap)
{
	char tmp[ERR_MSG_MAX];
	int n;

	if (e->ex != 0)
		return -1;	/* first error wins */
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (n < 0)
		tmp[0] = '\0';
	if (suffix != NULL) {
		n = (int)strlen(tmp);
		snprintf(tmp + n, sizeof(tmp) - (size_t)n, ": %s", suffix);
	}
	err_sanitize(e->msg, sizeof(e->msg), tmp, strlen(tmp));
	e->ex = ex;
	return -1;
}

int
err_set(struct err *e, int ex, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, ex, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_sys(struct err *e, int ex, const char *fmt, ...)
{
	va_list ap;
	char buf[128];
	int saved = errno;

	snprintf(buf, sizeof(buf), "%s", strerror(saved));
	va_start(ap, fmt);
	err_vset(e, ex, buf, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}
