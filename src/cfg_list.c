/*
 * cfg_list.c - the two list values of an account: host = a, b and
 * port = auto | N[/mode], ... (pure: strings in, struct account out).
 *
 * Items are separated by commas with optional blanks around them; an
 * empty item, a repeated one or more than CFG_MAX_HOSTS / CFG_MAX_PORTS
 * items is an error.  "auto" stands for 587/starttls, 2525/starttls,
 * 465/implicit and cannot be mixed with other ports (port 25 is used only
 * when listed).  The TLS mode of a port written without one is settled
 * later, by cfg_ports_resolve(), once the tls key is known.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_int.h"

#define CFG_ITEM_MAX	256	/* one list item */

static const struct cfg_port cfg_auto_ports[] = {
	{ 587, TLS_MODE_STARTTLS, true, true },
	{ 2525, TLS_MODE_STARTTLS, true, true },
	{ 465, TLS_MODE_IMPLICIT, true, true },
};

/*
 * The next item of the list at *sp into item (blanks trimmed); *sp moves
 * past its comma.  1: an item, 0: end of list, -1: empty or too long.
 */
static int
cfg_list_next(const char **sp, char *item, size_t cap)
{
	const char *s = *sp, *end;
	size_t len;

	if (*s == '\0')
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	end = strchr(s, ',');
	len = end != NULL ? (size_t)(end - s) : strlen(s);
	*sp = end != NULL ? end + 1 : s + len;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= cap)
		return -1;
	if (end != NULL && (*sp)[strspn(*sp, " \t")] == '\0')
		return -1;	/* a trailing comma */
	memcpy(item, s, len);
	item[len] = '\0';
	return 1;
}

static int
cfg_host_ok(const char *s)
{
	unsigned char ch;

	if (s[0] == '\0' || s[0] == '-')
		return 0;
	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if (!isalnum(ch) && strchr(".-_:%", ch) == NULL)
			return 0;
	}
	return 1;
}

int
cfg_hosts_parse(const char *s, struct account *a, const char **why)
{
	char item[CFG_ITEM_MAX];
	size_t i;
	int r;

	while ((r = cfg_list_next(&s, item, sizeof(item))) == 1) {
		if (!cfg_host_ok(item))
			return *why = "a host name or IP address", -1;
		for (i = 0; i < a->nhosts; i++)
			if (strcasecmp(a->hosts[i], item) == 0)
				return *why = "a host is listed twice", -1;
		if (a->nhosts == CFG_MAX_HOSTS)
			return *why = "too many hosts", -1;
		if ((a->hosts[a->nhosts] = strdup(item)) == NULL)
			return *why = "out of memory", -1;
		a->nhosts++;
	}
	if (r == -1 || a->nhosts == 0)
		return *why = "an empty item", -1;
	a->host = a->hosts[0];
	return 0;
}

static int
cfg_port_item(char *item, struct cfg_port *p)
{
	static const char *const modes[] = {
		[TLS_MODE_STARTTLS] = "starttls",
		[TLS_MODE_IMPLICIT] = "implicit", [TLS_MODE_OFF] = "off"
	};
	char *slash, *end;
	long n;
	int m;

	memset(p, 0, sizeof(*p));
	if ((slash = strchr(item, '/')) != NULL) {
		*slash++ = '\0';
		for (m = TLS_MODE_STARTTLS; m <= TLS_MODE_OFF; m++)
			if (strcmp(slash, modes[m]) == 0)
				break;
		if (m > TLS_MODE_OFF)
			return -1;
		p->tls = (enum tls_mode)m;
		p->tls_given = true;
	}
	if (!isdigit((unsigned char)item[0]))
		return -1;
	errno = 0;
	n = strtol(item, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 65535)
		return -1;
	p->port = (int)n;
	return 0;
}

int
cfg_ports_parse(const char *s, struct account *a, const char **why)
{
	char item[CFG_ITEM_MAX];
	struct cfg_port p;
	size_t i;
	int r;

	a->nports = 0;
	if (strcmp(s, "auto") == 0) {
		memcpy(a->ports, cfg_auto_ports, sizeof(cfg_auto_ports));
		a->nports = sizeof(cfg_auto_ports) / sizeof(cfg_auto_ports[0]);
		return 0;
	}
	while ((r = cfg_list_next(&s, item, sizeof(item))) == 1) {
		if (strcmp(item, "auto") == 0)
			return *why = "auto stands alone", -1;
		if (cfg_port_item(item, &p) == -1)
			return *why = "a port 1-65535, optionally followed by "
			    "/starttls, /implicit or /off", -1;
		for (i = 0; i < a->nports; i++)
			if (a->ports[i].port == p.port)
				return *why = "a port is listed twice", -1;
		if (a->nports == CFG_MAX_PORTS)
			return *why = "too many ports", -1;
		a->ports[a->nports++] = p;
	}
	if (r == -1 || a->nports == 0)
		return *why = "an empty item", -1;
	return 0;
}

int
cfg_ports_resolve(struct account *a, const char **why)
{
	struct cfg_port *p;
	size_t i;

	if (a->nports == 0) {
		/* no port key: auto, unless tls names the one port */
		if (!a->tls_set) {
			cfg_ports_parse("auto", a, why);
			a->tls = a->ports[0].tls;
			return 0;
		}
		a->ports[0].port = a->tls == TLS_MODE_IMPLICIT ? 465 :
		    a->tls == TLS_MODE_OFF ? 25 : 587;
		a->nports = 1;
	}
	for (i = 0; i < a->nports; i++) {
		p = &a->ports[i];
		if (p->from_auto && a->tls_set && a->tls == TLS_MODE_OFF)
			return *why = "port = auto only tries TLS ports; with "
			    "tls = off list the ports", -1;
		if (p->tls_given)
			continue;
		p->tls = a->tls_set ? a->tls : p->port == 465 ?
		    TLS_MODE_IMPLICIT : TLS_MODE_STARTTLS;
	}
	a->tls = a->ports[0].tls;
	return 0;
}
