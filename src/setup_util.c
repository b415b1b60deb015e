/*
 * setup_util.c - the pure parts of setup: the address split, the
 * user-name template, the domain check, and the tables that map a mail
 * domain or an MX host to a preset (provider.c).
 *
 * The presets here win over the autoconfig and ISPDB sources for these
 * domains: provider.c knows the ports and the OAuth2 endpoints better
 * (Outlook.com is OAuth2-only, which ISPDB still lists with a password).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "setup.h"

/* Mail domains whose provider a preset covers. */
static const struct {
	const char	*domain;
	const char	*preset;
} setup_domains[] = {
	{ "gmail.com", "gmail" }, { "googlemail.com", "gmail" },
	{ "outlook.com", "outlook" }, { "hotmail.com", "outlook" },
	{ "live.com", "outlook" }, { "msn.com", "outlook" },
	{ "yahoo.com", "yahoo" }, { "aol.com", "aol" },
	{ "gmx.net", "gmx" }, { "gmx.de", "gmx" }, { "web.de", "webde" },
	{ "fastmail.com", "fastmail" }, { "icloud.com", "icloud" },
	{ "me.com", "icloud" }, { "mac.com", "icloud" },
	{ "proton.me", "proton" }, { "protonmail.com", "proton" },
};

/*
 * MX host suffixes: a domain hosted there uses that provider's
 * submission server (Google Workspace, Microsoft 365, ...).
 */
static const struct {
	const char	*suffix;
	const char	*preset;
} setup_mxs[] = {
	{ "google.com", "google-workspace" },
	{ "googlemail.com", "google-workspace" },
	{ "mail.protection.outlook.com", "microsoft365" },
	{ "messagingengine.com", "fastmail" },
	{ "icloud.com", "icloud" },
	{ "protonmail.ch", "proton" },
	{ "zoho.com", "zoho:com" }, { "zoho.eu", "zoho:eu" },
	{ "ovh.net", "ovh" },
};

int
setup_split(const char *addr, char *local, size_t lcap, char *domain,
    size_t dcap, struct err *e)
{
	const char *at = strrchr(addr, '@');
	size_t i, llen;

	if (strlen(addr) >= SETUP_ADDR_MAX || at == NULL || at == addr ||
	    at[1] == '\0')
		return err_set(e, EX_USAGE, "setup: '%.64s' is not a mail "
		    "address (local@domain)", addr);
	llen = (size_t)(at - addr);
	if (llen >= lcap || strlen(at + 1) >= dcap ||
	    strpbrk(addr, " \t\r\n\"<>,;") != NULL)
		return err_set(e, EX_USAGE, "setup: '%.64s' is not a plain "
		    "mail address", addr);
	memcpy(local, addr, llen);
	local[llen] = '\0';
	for (i = 0; at[1 + i] != '\0'; i++)
		domain[i] = (char)tolower((unsigned char)at[1 + i]);
	domain[i] = '\0';
	if (strspn(domain, "abcdefghijklmnopqrstuvwxyz0123456789.-") != i ||
	    domain[0] == '.' || domain[0] == '-' || strstr(domain, "..") !=
	    NULL || domain[i - 1] == '.')
		return err_set(e, EX_USAGE, "setup: '%.64s' is not a domain "
		    "setup can look up", domain);
	return 0;
}

int
setup_user_fill(const char *tmpl, const char *addr, char *out, size_t cap)
{
	static const char *const vars[] = { "%EMAILADDRESS%",
	    "%EMAILLOCALPART%", "%EMAILDOMAIN%" };
	const char *at = strrchr(addr, '@');
	size_t n = 0, i, vlen, len;
	const char *val;

	if (at == NULL)
		return -1;
	while (*tmpl != '\0') {
		for (i = 0; i < 3; i++)
			if (strncmp(tmpl, vars[i], strlen(vars[i])) == 0)
				break;
		if (i == 3) {
			val = tmpl;
			vlen = len = 1;
		} else {
			val = i == 0 ? addr : i == 1 ? addr : at + 1;
			vlen = i == 1 ? (size_t)(at - addr) : strlen(val);
			len = strlen(vars[i]);
		}
		if (n + vlen >= cap)
			return -1;
		memcpy(out + n, val, vlen);
		n += vlen;
		tmpl += len;
	}
	out[n] = '\0';
	return 0;
}

bool
setup_host_within(const char *host, const char *domain)
{
	size_t hl = strlen(host), dl = strlen(domain);

	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (hl == dl)
		return strncasecmp(host, domain, dl) == 0;
	return hl > dl && host[hl - dl - 1] == '.' &&
	    strncasecmp(host + hl - dl, domain, dl) == 0;
}

const char *
setup_preset_domain(const char *domain)
{
	size_t i;

	for (i = 0; i < sizeof(setup_domains) / sizeof(setup_domains[0]);
	    i++)
		if (strcasecmp(domain, setup_domains[i].domain) == 0)
			return setup_domains[i].preset;
	return NULL;
}

const char *
setup_preset_mx(const char *mx)
{
	size_t i;

	for (i = 0; i < sizeof(setup_mxs) / sizeof(setup_mxs[0]); i++)
		if (setup_host_within(mx, setup_mxs[i].suffix))
			return setup_mxs[i].preset;
	return NULL;
}

void
setup_try(struct setup_found *f, const char *fmt, ...)
{
	va_list ap;

	if (f->ntries >= SETUP_MAX_TRIES)
		return;
	va_start(ap, fmt);
	vsnprintf(f->tries[f->ntries++], SETUP_TRY_MAX, fmt, ap);
	va_end(ap);
}
