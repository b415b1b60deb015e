/*
 * secret.c - struct secret: allocation in locked memory and wiping.
 * Nothing else: where secrets come from is cred.c's business.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sysexits.h>

#include "secret.h"

struct secret *
secret_new(struct err *e)
{
	struct secret *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		err_sys(e, EX_OSERR, "out of memory");
		return NULL;
	}
	(void)mlock(s, sizeof(*s));	/* best effort: keep it off swap */
	return s;
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, sizeof(*s));
	munlock(s, sizeof(*s));
	free(s);
}

int
secret_set(struct secret *s, const char *p, size_t len, struct err *e)
{
	if (len > SECRET_MAX)
		return err_set(e, EX_CONFIG, "password longer than %d bytes",
		    SECRET_MAX);
	if (memchr(p, '\0', len) != NULL)
		return err_set(e, EX_CONFIG, "password contains a NUL byte");
	memcpy(s->buf, p, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}
