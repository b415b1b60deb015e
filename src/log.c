/*
 * log.c - stderr diagnostics and the redacting protocol transcript.
 *
 * State: the verbosity and whether the last server line was a 334 (then
 * the next client line is a SASL response and is redacted).  This is the
 * only file-level state in outpost; it is logging configuration.
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
static bool	log_in_sasl;	/* last server line was a 334 */

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
log_proto_send(const char *line, size_t len)
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
	if (log_in_sasl) {
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
log_proto_recv(const char *line, size_t len)
{
	char out[LOG_LINE_MAX];

	log_in_sasl = len >= 3 && memcmp(line, "334", 3) == 0;
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
