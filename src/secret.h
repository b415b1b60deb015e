/*
 * secret.h - the one container of secrets: passwords, OAuth2 tokens,
 * client secrets.  Allocated locked in memory where the system allows it
 * (never swapped out), NUL-terminated, and wiped with explicit_bzero()
 * when freed.  A secret is never copied into a message, a log line or -v
 * output; code that builds a protocol message from one wipes the copy.
 */
#ifndef OUTPOST_SECRET_H
#define OUTPOST_SECRET_H

#include <stddef.h>

#include "err.h"

#define SECRET_MAX		4096		/* longest secret accepted */

struct secret {
	size_t	 len;
	char	 buf[SECRET_MAX + 1];	/* NUL-terminated */
};

/* A zeroed secret, mlocked (best effort); NULL with e (71). */
struct secret	*secret_new(struct err *);
/* Wipe and free; NULL is fine. */
void		 secret_free(struct secret *);
/* Copy len bytes of p into s: -1 with e (78) when too long or NUL in it. */
int		 secret_set(struct secret *s, const char *p, size_t len,
		    struct err *);

#endif
