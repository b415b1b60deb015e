/*
 * setup_secret.c - what setup asks for, and where the answer goes.
 *
 * The prompt names what the provider calls the secret (an app password
 * for Gmail with the page that makes one, an SMTP key for Brevo, ...):
 * a user who types the account password where an app password is
 * needed gets a 535 and no idea why.  The secret is read without echo
 * from the terminal (the mode restored on every path) or from the first
 * line of --password-file; it lives in a struct secret only, and goes to
 * the keyring when one answers, else to a private file next to the
 * config (0600; the system relay's root:outpost 0640).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "cred_keyring.h"
#include "log.h"
#include "prompt.h"
#include "setup_secret.h"
#include "setup_write.h"

static const struct {
	const char	*preset;
	const char	*what;
} setup_prompts[] = {
	{ "gmail", "An app password (needs 2-Step Verification; make one at "
	    "https://myaccount.google.com/apppasswords)" },
	{ "google-workspace", "An app password (if your admin allows them; "
	    "https://myaccount.google.com/apppasswords)" },
	{ "yahoo", "An app password (https://login.yahoo.com/account/"
	    "security, \"Generate app password\")" },
	{ "aol", "An app password (https://login.aol.com/account/security)" },
	{ "icloud", "An app-specific password (https://account.apple.com, "
	    "Sign-In and Security)" },
	{ "fastmail", "An app password (Settings, Privacy & Security, "
	    "Manage app passwords)" },
	{ "brevo", "Your SMTP key (Brevo: SMTP & API, SMTP keys; not the "
	    "account password)" },
	{ "sendgrid", "The API key (the user is the word apikey)" },
	{ "postmark", "The server API token" },
	{ "mailgun", "The domain's SMTP password (Sending, Domain settings, "
	    "SMTP credentials)" },
	{ "proton", "The SMTP token (Settings, IMAP/SMTP, SMTP tokens)" },
};

const char *
setup_prompt_what(const char *preset)
{
	size_t i;

	for (i = 0; preset != NULL &&
	    i < sizeof(setup_prompts) / sizeof(setup_prompts[0]); i++)
		if (strcasecmp(preset, setup_prompts[i].preset) == 0)
			return setup_prompts[i].what;
	return "Password";
}

int
setup_secret_read(const char *file, const char *prompt, struct secret *s,
    struct err *e)
{
	int fd, rc;

	if (file != NULL) {
		if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
			return err_sys(e, EX_NOINPUT, "%s", file);
		rc = prompt_secret_line(fd, s, e);
		close(fd);
		return rc;
	}
	if (!isatty(0))
		return err_set(e, EX_USAGE, "setup: no terminal to ask for "
		    "the password on: use --password-file FILE");
	return prompt_secret(prompt, s, e);
}

int
setup_secret_store(const struct setup_secret_to *to, const struct secret *s,
    char *where, size_t cap, struct err *e)
{
	struct keyring_key k = { to->host, "smtp", to->user };
	char label[SETUP_LABEL_MAX];
	struct err ke;

	if (!to->system) {
		err_init(&ke);
		snprintf(label, sizeof(label), "outpost: %s at %s", to->user,
		    to->host);
		if (cred_keyring_store(&k, label, s, &ke) == 0) {
			snprintf(where, cap, "keyring");
			return 0;
		}
		/* the keyring's own one-line reason goes to -v */
		log_debug("setup: keyring: %s", ke.msg);
		snprintf(where, cap, "password_file %s (no keyring)",
		    to->file);
	} else
		snprintf(where, cap, "password_file %s", to->file);
	if (setup_write_file(to->file, s->buf, s->len, to->system, e) == -1)
		return -1;
	return 1;
}
