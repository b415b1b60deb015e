/*
 * log.c - stderr diagnostics and the redacting protocol transcript.
 *
 * State: the verbosity, set once by main() before any thread starts.
 * This is the only file-level state in outpost; it is logging
 * configuration.  Whether a client line is a SASL response (redacted)
 * is the session's own state, passed in.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "log.h"

#define LOG_LINE_MAX	1024

static int	log_level;

void
log_set_verbose(int level)
{
	log_level = level;
}

int
log_verbose(void)
{
	return log_level;
}

void
log_proto_send(bool in_sasl, const char *line, size_t len)
{
	char out[LOG_LINE_MAX];
	const char *sp;
	size_t n;

	if (len >= 5 && strncasecmp(line, "AUTH ", 5) == 0) {
		/* keep "AUTH MECH", hide any initial response */
		sp = memchr(line + 5, ' ', len - 5);
		n = sp != NULL ? (size_t)(sp - line) : len;
		err_sanitize(out, sizeof(out), line, n);
		if (log_level > 0)
			fprintf(stderr, "--> %s%s\n", out,
			    sp != NULL ? " <redacted>" : "");
		return;
	}
	if (in_sasl) {
		if (log_level > 0)
			fprintf(stderr, "--> <redacted>\n");
		return;
	}
	if (log_level > 0) {
		err_sanitize(out, sizeof(out), line, len);
		fprintf(stderr, "--> %s\n", out);
	}
}

void
log_proto_recv(bool *in_sasl, const char *line, size_t len)
{
	char out[LOG_LINE_MAX];

	*in_sasl = len >= 3 && memcmp(line, "334", 3) == 0;
	if (log_level > 0) {
		err_sanitize(out, sizeof(out), line, len);
		fprintf(stderr, "<-- %s\n", out);
	}
}

void
log_debug(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], out[LOG_LINE_MAX];
	va_list ap;

	if (log_level == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_sanitize(out, sizeof(out), buf, strlen(buf));
	fprintf(stderr, "outpost: %s\n", out);
}

void
log_warn(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], out[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_sanitize(out, sizeof(out), buf, strlen(buf));
	fprintf(stderr, "outpost: %s\n", out);
}
