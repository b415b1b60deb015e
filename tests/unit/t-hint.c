/*
 * t-hint.c - the hint table: each well-known refusal gets its hint (the
 * Microsoft 365 5.7.139 variants, 5.7.3, 5.7.30, Gmail's 534 5.7.9, the
 * Google relay's 421 on EHLO), near misses get none, and the EHLO names
 * the Google relay refuses.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "hint.h"
#include "tap.h"

static const struct {
	int		 code;
	const char	*enh;
	const char	*text;
	const char	*want;		/* part of the hint; NULL: none */
} rows[] = {
	{ 535, "5.7.139", "Authentication unsuccessful, "
	    "SmtpClientAuthentication is disabled for the Tenant. Visit "
	    "https://aka.ms/smtp_auth_disabled for more information.",
	    "Set-CASMailbox" },
	{ 535, "5.7.139", "Authentication unsuccessful, basic authentication "
	    "is disabled.", "use auth = xoauth2" },
	{ 535, "5.7.139", "Authentication unsuccessful, the user credentials "
	    "were incorrect.", "by policy" },
	{ 535, "5.7.139", "Authentication unsuccessful, the request did not "
	    "meet the criteria to be authenticated successfully.",
	    "conditional access" },
	{ 535, "5.7.3", "Authentication unsuccessful", "wrong user or" },
	{ 535, "5.7.3", "Something else", NULL },
	{ 535, "5.7.30", "Basic authentication is not supported for Client "
	    "Submission.", "no longer takes a password" },
	{ 534, "5.7.9", "Application-specific password required. For more "
	    "information, go to", "app password" },
	{ 534, "5.7.91", "x", NULL },
	{ 421, "4.7.0", "Try again later, closing connection. (EHLO) "
	    "d9443c01a7336-2a", "set domain" },
	{ 421, "4.7.0", "Try again later, closing connection.", NULL },
	{ 550, "5.7.0", "Mail relay denied [203.0.113.7]. Invalid credentials "
	    "for relay for one of the domains", "Admin console" },
	{ 535, "5.7.8", "Username and Password not accepted.", NULL },
	{ 250, "", "ok", NULL },
	{ 535, "", "", NULL },
};

int
main(void)
{
	const char *h;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		h = hint_for(rows[i].code, rows[i].enh, rows[i].text);
		if (rows[i].want == NULL)
			ok(h == NULL, "%d %s %.30s: no hint", rows[i].code,
			    rows[i].enh, rows[i].text);
		else
			ok(h != NULL && strstr(h, rows[i].want) != NULL,
			    "%d %s %.30s: %s", rows[i].code, rows[i].enh,
			    rows[i].text, rows[i].want);
	}
	ok(hint_for(535, NULL, NULL) == NULL, "NULL enh and text");
	ok(hint_ehlo_unusable(NULL), "no EHLO name (the address literal)");
	ok(hint_ehlo_unusable("[192.0.2.1]"), "an address literal");
	ok(hint_ehlo_unusable("[IPv6:2001:db8::1]"), "an IPv6 literal");
	ok(hint_ehlo_unusable("localhost"), "localhost");
	ok(hint_ehlo_unusable("localhost.localdomain"),
	    "localhost.localdomain");
	ok(hint_ehlo_unusable("myhost"), "a name without a dot");
	ok(hint_ehlo_unusable("192.0.2.1"), "a bare address");
	ok(!hint_ehlo_unusable("mail.example.org"), "a real host name");
	return done_testing();
}
