/*
 * setup_xml.c - an autoconfig document (Thunderbird's config-v1.1.xml)
 * to its outgoing servers, parsed with expat.
 *
 * expat over libxml2: it is a small streaming parser that never loads an
 * external entity or a DTD by itself, so the limits below are all this
 * file has to add; libxml2 brings a tree, catalogs and network loaders
 * that must each be turned off.  A document type declaration is refused
 * outright (autoconfig has none, and without one no entity can expand),
 * nesting deeper than SETUP_XML_DEPTH stops the parse, and the caller's
 * document is at most SETUP_XML_MAX bytes.  Only <outgoingServer
 * type="smtp"> is read; a plain (unencrypted) server is skipped, since
 * outpost never sends credentials without TLS.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "setup.h"

#define XML_TEXT_MAX	SETUP_HOST_MAX	/* one element's text kept */

enum xml_field { F_NONE, F_HOST, F_PORT, F_SOCKET, F_USER, F_AUTH };

struct xml_state {
	XML_Parser		 p;
	const char		*addr;
	struct setup_found	*f;
	int			 depth;
	const char		*why;	/* why the parse stopped */
	bool			 in_out;	/* in an smtp outgoingServer */
	enum xml_field		 field;
	char			 text[XML_TEXT_MAX];
	size_t			 tlen;
	bool			 text_long;
	struct setup_server	 cur;
	char			 socket[16];
	char			 user[SETUP_USER_MAX];
	size_t			 skipped;	/* plain servers */
};

static const struct {
	const char	*name;
	enum xml_field	 field;
} xml_fields[] = {
	{ "hostname", F_HOST }, { "port", F_PORT },
	{ "socketType", F_SOCKET }, { "username", F_USER },
	{ "authentication", F_AUTH },
};

static void
xml_stop(struct xml_state *s, const char *why)
{
	if (s->why == NULL)
		s->why = why;
	XML_StopParser(s->p, XML_FALSE);
}

static bool
xml_is_smtp(const char **attr)
{
	size_t i;

	for (i = 0; attr[i] != NULL; i += 2)
		if (strcmp(attr[i], "type") == 0)
			return strcmp(attr[i + 1], "smtp") == 0;
	return false;
}

static void XMLCALL
xml_start(void *arg, const char *name, const char **attr)
{
	struct xml_state *s = arg;
	size_t i;

	if (++s->depth > SETUP_XML_DEPTH) {
		xml_stop(s, "nested too deep");
		return;
	}
	if (strcmp(name, "outgoingServer") == 0 && xml_is_smtp(attr)) {
		s->in_out = true;
		memset(&s->cur, 0, sizeof(s->cur));
		s->socket[0] = s->user[0] = '\0';
		return;
	}
	s->field = F_NONE;
	if (!s->in_out)
		return;
	for (i = 0; i < sizeof(xml_fields) / sizeof(xml_fields[0]); i++)
		if (strcmp(name, xml_fields[i].name) == 0)
			s->field = xml_fields[i].field;
	s->tlen = 0;
	s->text_long = false;
}

static void XMLCALL
xml_chars(void *arg, const char *t, int len)
{
	struct xml_state *s = arg;

	if (s->field == F_NONE || len <= 0)
		return;
	if (s->tlen + (size_t)len >= sizeof(s->text)) {
		s->text_long = true;
		return;
	}
	memcpy(s->text + s->tlen, t, (size_t)len);
	s->tlen += (size_t)len;
}

/* The text of the element that ends, trimmed, into the server. */
static void
xml_field_end(struct xml_state *s)
{
	char *t = s->text, *end;
	long n;

	s->text[s->tlen] = '\0';
	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	end = t + strlen(t);
	while (end > t && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	if (s->text_long) {
		xml_stop(s, "a value is too long");
		return;
	}
	switch (s->field) {
	case F_HOST:
		snprintf(s->cur.host, sizeof(s->cur.host), "%s", t);
		break;
	case F_PORT:
		n = strtol(t, &end, 10);
		s->cur.port = *t != '\0' && *end == '\0' && n > 0 &&
		    n < 65536 ? (int)n : -1;
		break;
	case F_SOCKET:
		snprintf(s->socket, sizeof(s->socket), "%s", t);
		break;
	case F_USER:
		snprintf(s->user, sizeof(s->user), "%s", t);
		break;
	case F_AUTH:
		if (strcasecmp(t, "OAuth2") == 0)
			s->cur.oauth2 = true;
		else if (strcasecmp(t, "none") != 0 &&
		    strcasecmp(t, "client-IP-address") != 0)
			s->cur.auth = true;
		break;
	case F_NONE:
		break;
	}
	s->field = F_NONE;
}

/* An outgoingServer ends: keep it when it is whole and encrypted. */
static void
xml_server_end(struct xml_state *s)
{
	struct setup_server *c = &s->cur;

	s->in_out = false;
	if (strcasecmp(s->socket, "SSL") == 0)
		c->tls = TLS_MODE_IMPLICIT;
	else if (strcasecmp(s->socket, "STARTTLS") == 0)
		c->tls = TLS_MODE_STARTTLS;
	else {
		s->skipped++;
		return;
	}
	if (c->host[0] == '\0' || c->port <= 0 ||
	    strspn(c->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789.-") != strlen(c->host) ||
	    s->f->nsrv >= SETUP_MAX_SERVERS)
		return;
	if (c->oauth2 && !c->auth)
		c->auth = true;
	if (setup_user_fill(s->user[0] != '\0' ? s->user : "%EMAILADDRESS%",
	    s->addr, c->user, sizeof(c->user)) == -1)
		return;
	s->f->srv[s->f->nsrv++] = *c;
}

static void XMLCALL
xml_end(void *arg, const char *name)
{
	struct xml_state *s = arg;

	s->depth--;
	if (s->in_out && strcmp(name, "outgoingServer") == 0)
		xml_server_end(s);
	else if (s->in_out && s->field != F_NONE)
		xml_field_end(s);
}

static void XMLCALL
xml_doctype(void *arg, const char *name, const char *sysid,
    const char *pubid, int has_internal)
{
	xml_stop(arg, "it has a document type declaration");
}

static int
xml_run(struct xml_state *s, const char *doc, size_t len, struct err *e)
{
	XML_SetUserData(s->p, s);
	XML_SetElementHandler(s->p, xml_start, xml_end);
	XML_SetCharacterDataHandler(s->p, xml_chars);
	XML_SetStartDoctypeDeclHandler(s->p, xml_doctype);
	if (XML_Parse(s->p, doc, (int)len, XML_TRUE) == XML_STATUS_OK)
		return 0;
	if (s->why != NULL)
		return err_set(e, EX_DATAERR, "autoconfig document refused: "
		    "%s", s->why);
	return err_set(e, EX_DATAERR, "autoconfig document is not "
	    "well-formed XML: %s at line %lu",
	    XML_ErrorString(XML_GetErrorCode(s->p)),
	    (unsigned long)XML_GetCurrentLineNumber(s->p));
}

int
setup_xml_parse(const char *doc, size_t len, const char *addr,
    struct setup_found *f, struct err *e)
{
	struct xml_state *s;
	int rc;

	if (len > SETUP_XML_MAX)
		return err_set(e, EX_DATAERR, "autoconfig document refused: "
		    "larger than %d bytes", SETUP_XML_MAX);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	s->addr = addr;
	s->f = f;
	f->nsrv = 0;
	if ((s->p = XML_ParserCreate("UTF-8")) == NULL) {
		free(s);
		return err_set(e, EX_OSERR, "out of memory (XML parser)");
	}
	rc = xml_run(s, doc, len, e);
	if (rc == 0 && f->nsrv == 0)
		rc = err_set(e, EX_DATAERR, "autoconfig document names no "
		    "usable outgoing server%s", s->skipped > 0 ?
		    " (only unencrypted ones, never used)" : "");
	XML_ParserFree(s->p);
	free(s);
	return rc;
}
