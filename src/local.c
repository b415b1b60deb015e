/*
 * local.c - local names: which addresses are this host's, their aliases,
 * the envelope sender's placeholders and the passwd full name.
 *
 * Invariants: nothing here is read before it is needed (the aliases file
 * only for a local recipient); every expansion is bounded by the caller's
 * buffer and fails (78) rather than truncates.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "hostname.h"
#include "local.h"
#include "priv.h"

#define LOCAL_MAILNAME	"/etc/mailname"
#define LOCAL_USER_MAX	256

static void
local_hostname(char *out, size_t cap)
{
	if (gethostname(out, cap) == -1)
		out[0] = '\0';
	out[cap - 1] = '\0';
}

bool
local_name_in(const char *d, size_t len, const char *list)
{
	const char *p = list;
	size_t n;

	if (p == NULL || len == 0)
		return false;
	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return false;
		n = strcspn(p, ", \t");
		if (n == len && strncasecmp(p, d, len) == 0)
			return true;
		p += n;
	}
}

/* The first line of /etc/mailname into buf, "" when none is usable. */
static void
local_mailname_raw(char *buf, size_t cap)
{
	FILE *f;

	buf[0] = '\0';
	if ((f = fopen(LOCAL_MAILNAME, "re")) != NULL) {
		if (fgets(buf, (int)cap, f) == NULL)
			buf[0] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		fclose(f);
	}
	if (!hostname_usable(buf))
		buf[0] = '\0';
}

enum local_kind
local_host_is(const struct account *a, const char *d, size_t len)
{
	char host[HOSTNAME_MAX + 1], names[3 * (HOSTNAME_MAX + 2)];
	size_t n;

	if (len == 9 && strncasecmp(d, "localhost", 9) == 0)
		return LOCAL_HOST;
	if (a != NULL && local_name_in(d, len, a->local_domains))
		return LOCAL_HOST;
	local_hostname(host, sizeof(host));
	n = strcspn(host, ".");
	snprintf(names, sizeof(names), "%s %.*s", host, (int)n, host);
	if (host[0] != '\0' && local_name_in(d, len, names))
		return LOCAL_HOST;
	/* the resolver only without the group (outpost(8) SECURITY) */
	if (!priv_held() && hostname_fqdn(host, sizeof(host)) &&
	    local_name_in(d, len, host))
		return LOCAL_HOST;
	local_mailname_raw(host, sizeof(host));
	return local_name_in(d, len, host) ? LOCAL_WEAK : LOCAL_NOT;
}

enum local_kind
local_addr(const struct account *a, const char *addr, char *name,
    size_t cap)
{
	const char *at = strrchr(addr, '@');
	enum local_kind k = LOCAL_HOST;
	size_t n;

	n = at != NULL ? (size_t)(at - addr) : strlen(addr);
	if (n == 0 || n >= cap)
		return LOCAL_NOT;
	if (at != NULL && (k = local_host_is(a, at + 1, strlen(at + 1))) ==
	    LOCAL_NOT)
		return LOCAL_NOT;
	memcpy(name, addr, n);
	name[n] = '\0';
	return k;
}

int
local_rcpt(const struct account *a, struct aliases *al, const char *addr,
    aliases_cb cb, void *arg, struct err *e)
{
	char name[ADDR_MAX + 1];
	bool bare = strchr(addr, '@') == NULL;
	enum local_kind k;

	if ((k = local_addr(a, addr, name, sizeof(name))) == LOCAL_NOT)
		return 0;
	if (a->aliases == NULL) {
		if (!bare)
			return 0;
		return err_set(e, EX_NOUSER, "recipient %s has no domain and "
		    "outpost has no local mailboxes: set aliases = "
		    "/etc/aliases in the configuration and add a line "
		    "\"%s: you@example.com\" (or \"default: "
		    "you@example.com\") there", addr, addr);
	}
	if (al->path == NULL && aliases_load(a->aliases, al, e) == -1)
		return -1;
	/* the mailname domain is real: only an entry of its own */
	if (k == LOCAL_WEAK && !aliases_has(al, name))
		return 0;
	if (aliases_expand(al, name, cb, arg, e) == 0)
		return 1;
	if (bare || e->ex != EX_NOUSER)
		return -1;
	err_init(e);
	return 0;
}

static const char *
local_user(uid_t uid, char *buf, size_t cap)
{
	struct passwd *pw;

	if ((pw = getpwuid(uid)) != NULL && pw->pw_name != NULL) {
		snprintf(buf, cap, "%s", pw->pw_name);
		return buf;
	}
	snprintf(buf, cap, "%lu", (unsigned long)uid);
	return buf;
}

static const char *
local_mailname(char *buf, size_t cap)
{
	local_mailname_raw(buf, cap);
	if (buf[0] == '\0')
		local_hostname(buf, cap);
	return buf;
}

/* The value of %c, or NULL for an unknown placeholder. */
static const char *
local_ph(char c, uid_t uid, char *buf, size_t cap)
{
	switch (c) {
	case 'U':
		return local_user(uid, buf, cap);
	case 'H':
		local_hostname(buf, cap);
		return buf;
	case 'M':
		return local_mailname(buf, cap);
	case '%':
		return "%";
	default:
		return NULL;
	}
}

int
local_from(const struct account *a, char *out, size_t cap, struct err *e)
{
	return local_from_uid(a, getuid(), out, cap, e);
}

int
local_from_uid(const struct account *a, uid_t uid, char *out, size_t cap,
    struct err *e)
{
	char buf[HOSTNAME_MAX + LOCAL_USER_MAX + 1];
	const char *f = a->from != NULL ? a->from : "%U", *v;
	size_t o = 0, n;

	out[0] = '\0';
	if (a->from == NULL && a->maildomain == NULL)
		return 0;
	for (; *f != '\0'; f++) {
		v = *f == '%' ? local_ph(f[1], uid, buf, sizeof(buf)) : NULL;
		if (*f == '%' && v == NULL)
			return err_set(e, EX_CONFIG, "account %s: from = %s: "
			    "unknown placeholder (%%U, %%H, %%M or %%%%)",
			    a->name, a->from);
		if (v == NULL)
			v = f;
		else
			f++;
		n = v == f ? 1 : strlen(v);
		if (o + n >= cap)
			return err_set(e, EX_CONFIG, "account %s: from is too "
			    "long once expanded", a->name);
		memcpy(out + o, v, n);
		out[o += n] = '\0';
	}
	if (strchr(out, '@') != NULL || a->maildomain == NULL)
		return 0;
	if (snprintf(out + o, cap - o, "@%s", a->maildomain) >= (int)(cap - o))
		return err_set(e, EX_CONFIG, "account %s: from is too long "
		    "with the maildomain", a->name);
	return 0;
}

void
local_fullname(char *out, size_t cap)
{
	struct passwd *pw;
	size_t n;

	out[0] = '\0';
	if ((pw = getpwuid(getuid())) == NULL || pw->pw_gecos == NULL)
		return;
	n = strcspn(pw->pw_gecos, ",");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, pw->pw_gecos, n);
	out[n] = '\0';
}

struct hdr_list {
	char		*out;
	size_t		 cap;
	size_t		 len;
};

static int
local_hdr_add(void *arg, const char *addr, struct err *e)
{
	struct hdr_list *l = arg;
	size_t n = strlen(addr);

	if (l->len + n + 2 > l->cap)
		return err_set(e, EX_DATAERR, "too many addresses");
	if (l->len > 0)
		l->out[l->len++] = ',';
	memcpy(l->out + l->len, addr, n + 1);
	l->len += n;
	return 0;
}

/* hdr_local_fn: From: -> the account's from, To:/Cc: -> the aliases. */
static int
local_hdr(void *arg, bool from, const char *addr, char *out, size_t cap)
{
	struct local_hdr *h = arg;
	struct hdr_list l = { out, cap, 0 };
	char name[ADDR_MAX + 1];
	struct err e;

	if (local_addr(h->a, addr, name, sizeof(name)) == LOCAL_NOT)
		return 0;
	if (from) {
		if (h->from == NULL || h->from[0] == '\0' ||
		    strlen(h->from) >= cap)
			return 0;
		snprintf(out, cap, "%s", h->from);
		return 1;
	}
	/* no alias, or a broken file: the header stays as written */
	err_init(&e);
	out[0] = '\0';
	return local_rcpt(h->a, h->al, addr, local_hdr_add, &l, &e) == 1 &&
	    l.len > 0 ? 1 : 0;
}

int
local_msg_opts(const struct account *a, struct aliases *al,
    const char *from, struct local_hdr *h, struct msg_opts *mo,
    struct err *e)
{
	const char *v = a->set_from_header;

	if (v == NULL || strcmp(v, "auto") == 0)
		mo->set_from = MSG_FROM_AUTO;
	else if (strcmp(v, "on") == 0)
		mo->set_from = MSG_FROM_ON;
	else if (strcmp(v, "off") == 0)
		mo->set_from = MSG_FROM_OFF;
	else
		return err_set(e, EX_CONFIG, "account %s: set_from_header = "
		    "%s: expected auto, on or off", a->name, v);
	memset(h, 0, sizeof(*h));
	h->a = a;
	h->al = al;
	h->from = from;
	if (priv_restricted(a))
		mo->sender_hdr = from;
	if (a->rewrite_local) {
		mo->local = local_hdr;
		mo->local_arg = h;
	}
	if (mo->fullname == NULL) {
		local_fullname(h->fullname, sizeof(h->fullname));
		if (h->fullname[0] != '\0')
			mo->fullname = h->fullname;
	}
	return 0;
}
