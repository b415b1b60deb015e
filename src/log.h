/*
 * log.h - diagnostics on stderr and the -v protocol transcript.
 *
 * The transcript writer redacts by itself, so no caller can forget: the
 * argument of "AUTH <mech> ..." and every line sent while the server's
 * last reply was a 334 challenge print as "<redacted>".  Whether that is
 * so is the session's own state (in_sasl), never a global one: doctor
 * runs several sessions at once, in threads.  Server text is sanitised
 * (control bytes become '?') before it reaches the terminal.
 */
#ifndef OUTPOST_LOG_H
#define OUTPOST_LOG_H

#include <stdbool.h>
#include <stddef.h>

void	log_set_verbose(int level);
int	log_verbose(void);
/* A client line about to be sent (without CRLF). */
void	log_proto_send(bool in_sasl, const char *line, size_t len);
/* A server line received (without CRLF); sets *in_sasl after a 334. */
void	log_proto_recv(bool *in_sasl, const char *line, size_t len);
/* Free-form -v note, e.g. "connected to ...". */
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A line the user sees with or without -v ("outpost: " + text, control
 * bytes made harmless): what library code has to say beside its return
 * value - the queue runner's verdict on an entry, a log file that
 * cannot be written.  Failures themselves travel in struct err.
 */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
