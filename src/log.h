/*
 * log.h - diagnostics on stderr and the -v protocol transcript.
 *
 * The transcript writer redacts by itself, so no caller can forget: the
 * argument of "AUTH <mech> ..." and every line sent while the server's
 * last reply was a 334 challenge print as "<redacted>".  Server text is
 * sanitised (control bytes become '?') before it reaches the terminal.
 */
#ifndef OUTPOST_LOG_H
#define OUTPOST_LOG_H

#include <stddef.h>

void	log_set_verbose(int level);
int	log_verbose(void);
/* A client line about to be sent (without CRLF). */
void	log_proto_send(const char *line, size_t len);
/* A server line received (without CRLF). */
void	log_proto_recv(const char *line, size_t len);
/* Free-form -v note, e.g. "connected to ...". */
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
