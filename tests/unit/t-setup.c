/*
 * t-setup.c - the pure parts of outpost setup: the autoconfig parser and
 * its limits (setup_xml.c), the user-name template, the domain check,
 * the address split and the preset tables (setup_util.c), the config
 * text edit (setup_write.c), the ISPDB lookup and the provider prompts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "setup_account.h"
#include "setup_secret.h"
#include "setup_write.h"
#include "tap.h"

#define T_DOC_MAX	(SETUP_XML_MAX + 1024)

static const char doc_head[] = "<?xml version=\"1.0\"?>\n<clientConfig>"
    "<emailProvider id=\"x\">";
static const char doc_tail[] = "</emailProvider></clientConfig>\n";

static char *
doc_with(const char *servers, const char *pad)
{
	static char buf[T_DOC_MAX];

	snprintf(buf, sizeof(buf), "%s%s%s%s", doc_head, pad, servers,
	    doc_tail);
	return buf;
}

static const char srv_ssl[] = "<outgoingServer type=\"smtp\"><hostname> "
    "smtp.example.org </hostname><port>465</port><socketType>SSL"
    "</socketType><username>%EMAILLOCALPART%</username><authentication>"
    "password-cleartext</authentication></outgoingServer>";
static const char srv_plain[] = "<outgoingServer type=\"smtp\"><hostname>"
    "smtp.example.org</hostname><port>25</port><socketType>plain"
    "</socketType></outgoingServer>";
static const char srv_imap[] = "<incomingServer type=\"imap\"><hostname>"
    "imap.example.org</hostname><port>993</port><socketType>SSL"
    "</socketType></incomingServer>";
static const char srv_oauth[] = "<outgoingServer type=\"smtp\"><hostname>"
    "smtp.example.org</hostname><port>587</port><socketType>STARTTLS"
    "</socketType><authentication>OAuth2</authentication>"
    "</outgoingServer>";

static void
t_xml(void)
{
	struct setup_found f;
	struct err e;
	char deep[1024], *big;
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	err_init(&e);
	err_init(&e);
	rc = setup_xml_parse(doc_with(srv_ssl, srv_imap), strlen(doc_with(
	    srv_ssl, srv_imap)), "me@example.org", &f, &e);
	ok(rc == 0 && f.nsrv == 1, "one outgoing server, incoming ignored");
	is_str(f.srv[0].host, "smtp.example.org", "host trimmed");
	ok(f.srv[0].port == 465 && f.srv[0].tls == TLS_MODE_IMPLICIT &&
	    f.srv[0].auth, "SSL is implicit TLS, password means AUTH");
	is_str(f.srv[0].user, "me", "%%EMAILLOCALPART%% filled");

	err_init(&e);
	rc = setup_xml_parse(doc_with(srv_plain, ""), strlen(doc_with(
	    srv_plain, "")), "me@example.org", &f, &e);
	ok(rc == -1 && strstr(e.msg, "only unencrypted") != NULL,
	    "a plain server is never used: %s", e.msg);

	err_init(&e);
	rc = setup_xml_parse(doc_with(srv_oauth, ""), strlen(doc_with(
	    srv_oauth, "")), "me@example.org", &f, &e);
	ok(rc == 0 && f.srv[0].oauth2 && f.srv[0].auth &&
	    f.srv[0].tls == TLS_MODE_STARTTLS && strcmp(f.srv[0].user,
	    "me@example.org") == 0, "OAuth2, STARTTLS, default user name");

	deep[0] = '\0';
	for (i = 0; i < SETUP_XML_DEPTH; i++)
		strcat(deep, "<a>");	/* style: allow strcat */
	for (i = 0; i < SETUP_XML_DEPTH; i++)
		strcat(deep, "</a>");	/* style: allow strcat */
	err_init(&e);
	rc = setup_xml_parse(doc_with(srv_ssl, deep), strlen(doc_with(
	    srv_ssl, deep)), "me@example.org", &f, &e);
	ok(rc == -1 && strstr(e.msg, "too deep") != NULL, "depth %d "
	    "refused: %s", SETUP_XML_DEPTH + 2, e.msg);

	big = calloc(1, SETUP_XML_MAX + 2);
	memset(big, ' ', SETUP_XML_MAX + 1);
	err_init(&e);
	rc = setup_xml_parse(big, SETUP_XML_MAX + 1, "me@example.org", &f,
	    &e);
	ok(rc == -1 && strstr(e.msg, "larger than") != NULL,
	    "a document over SETUP_XML_MAX refused: %s", e.msg);
	free(big);

	err_init(&e);
	rc = setup_xml_parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
	    40, "me@example.org", &f, &e);
	ok(rc == -1 && strstr(e.msg, "document type") != NULL,
	    "a DTD refused: %s", e.msg);
	err_init(&e);
	rc = setup_xml_parse("<a><b></a>", 10, "me@example.org", &f, &e);
	ok(rc == -1 && strstr(e.msg, "not well-formed") != NULL,
	    "malformed XML: %s", e.msg);
}

static void
t_util(void)
{
	char l[64], d[64], out[64];
	struct err e;

	err_init(&e);
	ok(setup_user_fill("%EMAILLOCALPART%+x@%EMAILDOMAIN%", "a.b@c.d", out,
	    sizeof(out)) == 0 && strcmp(out, "a.b+x@c.d") == 0,
	    "template: %s", out);
	ok(setup_user_fill("%EMAILADDRESS%", "a@b", out, 3) == -1,
	    "template longer than the buffer refused");
	ok(setup_host_within("smtp.Example.org.", "example.org") &&
	    setup_host_within("example.org", "example.org") &&
	    !setup_host_within("badexample.org", "example.org") &&
	    !setup_host_within("example.org.evil", "example.org"),
	    "host within domain, by labels");
	ok(setup_split("Me@Example.ORG", l, sizeof(l), d, sizeof(d), &e) ==
	    0 && strcmp(l, "Me") == 0 && strcmp(d, "example.org") == 0,
	    "split: local part kept, domain lower-cased");
	ok(setup_split("me@exa mple.org", l, sizeof(l), d, sizeof(d), &e) ==
	    -1 && setup_split("@x.org", l, sizeof(l), d, sizeof(d), &e) ==
	    -1 && setup_split("me@x..org", l, sizeof(l), d, sizeof(d), &e) ==
	    -1, "split: bad addresses refused");
	is_str(setup_preset_domain("GMAIL.com"), "gmail", "preset by domain");
	is_str(setup_preset_mx("abc.mail.protection.outlook.com"),
	    "microsoft365", "preset by MX");
	ok(setup_preset_mx("mail.protection.outlook.com.evil.test") == NULL,
	    "an MX that only contains a suffix is no preset");
	ok(strstr(setup_prompt_what("gmail"), "app password") != NULL &&
	    strstr(setup_prompt_what("brevo"), "SMTP key") != NULL &&
	    strcmp(setup_prompt_what(NULL), "Password") == 0,
	    "the provider's word for the secret");
}

static void
t_write(void)
{
	const char *old = "[defaults]\naccount = a\n\n[a]\nhost = x\n\n"
	    "[b]\nhost = y\n";
	char *t = NULL;
	struct err e;

	err_init(&e);
	ok(setup_write_text(NULL, "n", "[n]\nhost = z\n", false, &t, &e) ==
	    0 && strcmp(t, "[defaults]\naccount = n\n\n[n]\nhost = z\n") == 0,
	    "a new file names the account in [defaults]");
	free(t);
	ok(setup_write_text(old, "a", "[a]\nhost = z\n", false, &t, &e) ==
	    -1 && strstr(e.msg, "exists") != NULL, "no overwrite: %s",
	    e.msg);
	ok(setup_write_text(old, "a", "[a]\nhost = z\n", true, &t, &e) == 0 &&
	    strcmp(t, "[defaults]\naccount = a\n\n[b]\nhost = y\n\n[a]\n"
	    "host = z\n") == 0, "force replaces the section, others kept");
	free(t);
	ok(setup_write_text("[c]\nhost = q", "n", "[n]\n", false, &t, &e) ==
	    0 && strcmp(t, "[c]\nhost = q\n\n[n]\n") == 0,
	    "append after a last line without newline");
	free(t);
	ok(setup_write_text("[ab]\n", "a", "[a]\n", false, &t, &e) == 0,
	    "[ab] is not [a]");
	free(t);
}

static void
t_ispdb(void)
{
	struct setup_found f;

	memset(&f, 0, sizeof(f));
	ok(setup_ispdb_find("126.com", "me@126.com", &f) == 1 &&
	    f.nsrv >= 1 && strcmp(f.srv[0].host, "smtp.126.com") == 0,
	    "ISPDB: 126.com");
	ok(setup_ispdb_find("no-such-domain.invalid", "a@b", &f) == 0,
	    "ISPDB: unknown domain");
	ok(strlen(setup_ispdb_commit) == 40, "ISPDB: its input commit");
}

static void
t_account(void)
{
	struct setup_found f;
	struct setup_pick p;
	struct setup_account a;
	struct err e;
	char *t = NULL, hint[SETUP_HINT_MAX];
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	memset(&a, 0, sizeof(a));
	err_init(&e);
	f.source = "preset (MX)";
	f.preset = "microsoft365";
	snprintf(p.srv.host, sizeof(p.srv.host), "smtp.office365.com");
	snprintf(p.srv.user, sizeof(p.srv.user), "me@example.org");
	p.srv.port = 587;
	p.srv.tls = TLS_MODE_STARTTLS;
	p.srv.auth = p.srv.oauth2 = true;
	a.name = "work";
	a.addr = "me@example.org";
	a.found = &f;
	a.pick = &p;
	a.oauth2 = true;
	/* t is printed by ok(): set it before the call's arguments are read */
	rc = setup_account_text(&a, &t, &e);
	ok(rc == 0 && strstr(t, "[work]\n") ==
	    t && strstr(t, "provider = microsoft365\n") != NULL &&
	    strstr(t, "port = 587/starttls\n") != NULL &&
	    strstr(t, "auth = xoauth2\n") != NULL &&
	    strstr(t, "password_file") == NULL, "an OAuth2 account: %s", t);
	free(t);
	a.config = "/home/me/.config/outpost/config";
	setup_oauth2_hint(&a, hint, sizeof(hint));
	ok(strstr(hint, "outpost oauth2 login -a work -C /home/me/.config/"
	    "outpost/config") != NULL, "the OAuth2 hint: %s", hint);
	a.system = true;
	a.config = "/etc/outpost.conf";
	setup_oauth2_hint(&a, hint, sizeof(hint));
	ok(strstr(hint, "outpost oauth2 login --system -a work") != NULL &&
	    strstr(hint, " -C ") == NULL, "the system relay's OAuth2 hint: "
	    "%s", hint);
	a.oauth2 = false;
	a.password_file = "/etc/my secret #1";
	rc = setup_account_text(&a, &t, &e);
	ok(rc == 0 &&
	    strstr(t, "auth = on\n") != NULL &&
	    strstr(t, "password_file = \"/etc/my secret #1\"\n") != NULL &&
	    strstr(t, "keyring = off\n") != NULL, "a password_file account, "
	    "quoted where it must be: %s", t);
	free(t);
}

static void
t_default_account(void)
{
	char buf[64];

	setup_default_account("[defaults]\naccount = work ; mine\n[work]\n"
	    "account = not-this\n", buf, sizeof(buf));
	ok(strcmp(buf, "work") == 0, "[defaults] account: %s", buf);
	setup_default_account("[a]\nhost = x\n", buf, sizeof(buf));
	ok(buf[0] == '\0', "no [defaults]: none");
	setup_default_account(NULL, buf, sizeof(buf));
	ok(buf[0] == '\0', "no file: none");
	setup_default_account("[defaults]\n  account=b\n", buf, sizeof(buf));
	ok(strcmp(buf, "b") == 0, "spaces and no spaces: %s", buf);
}

int
main(void)
{
	t_xml();
	t_util();
	t_write();
	t_ispdb();
	t_account();
	t_default_account();
	return done_testing();
}
