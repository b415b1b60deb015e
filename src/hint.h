/*
 * hint.h - one line of advice for the refusals that well-known providers
 * send and that people cannot decode alone (hint.c, a table; pure).
 */
#ifndef OUTPOST_HINT_H
#define OUTPOST_HINT_H

#include <stdbool.h>

/*
 * The hint for a final reply: code, enhanced code ("" when none) and the
 * reply's text; NULL when none applies.
 */
const char	*hint_for(int code, const char *enh, const char *text);
/*
 * An EHLO name that Google's SMTP relay refuses (421 on EHLO): none (the
 * address literal outpost falls back to), a literal, localhost, or a
 * name without a dot.
 */
bool	hint_ehlo_unusable(const char *name);

#endif
