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

#include <stdlib.h>
#include <sys/mman.h>

#include "b64.h"
#include "err.h"
#include "esc.h"
#include "log.h"

#define LOG_LINE_MAX	1024

static int	log_level;
/* the credentials of the session, for log_secret_in() */
static struct {
	char	 s[LOG_SECRETS_MAX][LOG_SECRET_MAX];
	size_t	 len[LOG_SECRETS_MAX];
	size_t	 n;
	bool	 locked;
} log_sec;

static void
log_secret_wipe(void)
{
	explicit_bzero(&log_sec, sizeof(log_sec));
}

void
log_secret_reset(void)
{
	bool locked = log_sec.locked;

	log_secret_wipe();
	log_sec.locked = locked;
}

static void
log_secret_put(const char *s, size_t len)
{
	if (len == 0 || log_sec.n == LOG_SECRETS_MAX)
		return;
	if (len > LOG_SECRET_MAX)
		len = LOG_SECRET_MAX;
	memcpy(log_sec.s[log_sec.n], s, len);
	log_sec.len[log_sec.n++] = len;
}

void
log_secret_add(const char *s, size_t len, bool b64)
{
	char enc[B64_ENCODED_SIZE(LOG_SECRET_MAX)];

	if (!log_sec.locked) {
		/* like struct secret: never swapped, wiped at exit */
		mlock(&log_sec, sizeof(log_sec));
		atexit(log_secret_wipe);
		log_sec.locked = true;
	}
	log_secret_put(s, len);
	if (b64 && len <= LOG_SECRET_MAX) {
		b64_encode(s, len, enc);
		/* the padding differs with what follows: match without */
		log_secret_put(enc, strcspn(enc, "="));
		explicit_bzero(enc, sizeof(enc));
	}
}

bool
log_secret_in(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < log_sec.n; i++)
		if (memmem(text, len, log_sec.s[i], log_sec.len[i]) != NULL)
			return true;
	return false;
}

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
	char esc[ESC_MAX(LOG_LINE_MAX)];

	*in_sasl = len >= 3 && memcmp(line, "334", 3) == 0;
	if (log_level > 0 && log_secret_in(line, len))
		fprintf(stderr, "<-- %.3s %s\n", line, LOG_WITHHELD);
	else if (log_level > 0) {
		err_sanitize(out, sizeof(out), line, len);
		fprintf(stderr, "<-- %s\n", esc_str(out, esc, sizeof(esc)));
	}
}

void
log_debug(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], out[LOG_LINE_MAX], esc[ESC_MAX(LOG_LINE_MAX)];
	va_list ap;

	if (log_level == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_sanitize(out, sizeof(out), buf, strlen(buf));
	fprintf(stderr, "outpost: %s\n", esc_str(out, esc, sizeof(esc)));
}

void
log_warn(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX], out[LOG_LINE_MAX], esc[ESC_MAX(LOG_LINE_MAX)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_sanitize(out, sizeof(out), buf, strlen(buf));
	fprintf(stderr, "outpost: %s\n", esc_str(out, esc, sizeof(esc)));
}
