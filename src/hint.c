/*
 * hint.c - the hint table: refusals of well-known providers -> what to do.
 *
 * A row matches on the reply code (0: any), a prefix of the enhanced code
 * ("" any) and a piece of the text (case-insensitive, "" any); the first
 * matching row wins, so specific rows come before general ones.  Sources:
 * Microsoft's SMTP AUTH troubleshooting
 * (https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/
 * fix-issues-with-printers-scanners-and-lob-applications-that-send-email-
 * using-off), Gmail's SMTP errors
 * (https://support.google.com/a/answer/3726730) and the Workspace SMTP
 * relay (https://support.google.com/a/answer/2956491).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "hint.h"

static const struct hint_row {
	int		 code;
	const char	*enh;
	const char	*text;
	const char	*hint;
} hint_table[] = {
	{ 535, "5.7.139", "SmtpClientAuthentication is disabled",
	    "Microsoft 365 has SMTP AUTH turned off for the tenant or this "
	    "mailbox: an admin turns it on for the mailbox (Set-CASMailbox "
	    "-SmtpClientAuthenticationDisabled $false)" },
	{ 535, "5.7.139", "basic authentication is disabled",
	    "Microsoft 365 refuses passwords here: use auth = xoauth2 with "
	    "provider = microsoft365 (outpost.conf(5), OAUTH2)" },
	{ 535, "5.7.139", "",
	    "Microsoft 365 refused the sign-in by policy (security defaults, "
	    "conditional access, or SMTP AUTH off): check the sign-in logs in "
	    "Entra, or use auth = xoauth2" },
	{ 535, "5.7.3", "Authentication unsuccessful",
	    "Microsoft 365: wrong user or password, or SMTP AUTH off for "
	    "the mailbox" },
	{ 0, "5.7.30", "",
	    "Microsoft 365 no longer takes a password for client submission: "
	    "use auth = xoauth2 with provider = microsoft365 (outpost.conf(5), "
	    "OAUTH2)" },
	{ 534, "5.7.9", "",
	    "Gmail wants an app password (2-Step Verification) instead of the "
	    "account password, or auth = xoauth2 (outpost.conf(5), OAUTH2)" },
	{ 421, "", "(EHLO)",
	    "Google's SMTP relay refuses the EHLO name: set domain = a host "
	    "name of yours (not an address, not localhost)" },
	{ 550, "5.7.0", "Mail relay denied",
	    "Google's SMTP relay does not know this sender's IP address or "
	    "AUTH: add the address in the Admin console, or set user" },
};

/* needle in hay, ignoring ASCII case; "" is everywhere. */
static bool
hint_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *hay != '\0' || n == 0; hay++) {
		for (i = 0; i < n && hay[i] != '\0' &&
		    tolower((unsigned char)hay[i]) ==
		    tolower((unsigned char)needle[i]); i++)
			continue;
		if (i == n)
			return true;
		if (*hay == '\0')
			break;
	}
	return false;
}

const char *
hint_for(int code, const char *enh, const char *text)
{
	const struct hint_row *h;
	size_t i;

	if (enh == NULL)
		enh = "";
	if (text == NULL)
		text = "";
	for (i = 0; i < sizeof(hint_table) / sizeof(hint_table[0]); i++) {
		h = &hint_table[i];
		if ((h->code == 0 || h->code == code) &&
		    strncmp(enh, h->enh, strlen(h->enh)) == 0 &&
		    (h->enh[0] == '\0' || enh[strlen(h->enh)] == '\0' ||
		    enh[strlen(h->enh)] == '.') &&
		    hint_contains(text, h->text))
			return h->hint;
	}
	return NULL;
}

bool
hint_ehlo_unusable(const char *name)
{
	return name == NULL || name[0] == '\0' || name[0] == '[' ||
	    strncmp(name, "localhost", 9) == 0 || strchr(name, '.') == NULL ||
	    strspn(name, "0123456789.") == strlen(name);
}
