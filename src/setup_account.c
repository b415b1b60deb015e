/*
 * setup_account.c - the account section setup writes and the --json
 * summary, from what was found and chosen.
 *
 * The section names the host, port and TLS mode the probes chose (not
 * only a preset name), so the file says what will be used; a preset is
 * kept as provider = NAME for what it adds (OAuth2 endpoints, notices'
 * sender).  A password_file or the system relay turns the keyring off:
 * one password source per account.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "doctor.h"
#include "setup_account.h"

int
setup_account_text(const struct setup_account *a, char **text,
    struct err *e)
{
	const struct setup_server *s = &a->pick->srv;
	size_t len;
	FILE *out;

	if ((out = open_memstream(text, &len)) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	fprintf(out, "[%s]\n# written by outpost setup for %s from %s\n",
	    a->name, a->addr, a->found->source);
	if (a->found->preset != NULL)
		cfg_put(out, "provider", a->found->preset);
	cfg_put(out, "host", s->host);
	fprintf(out, "port = %d/%s\n", s->port, doctor_tls_word(s->tls));
	fprintf(out, "auth = %s\n", !s->auth ? "off" : a->oauth2 ?
	    "xoauth2" : "on");
	if (s->auth)
		cfg_put(out, "user", s->user);
	if (a->password_file != NULL)
		cfg_put(out, "password_file", a->password_file);
	if (a->password_file != NULL || a->system)
		fputs("keyring = off\n", out);
	cfg_put(out, "from", a->addr);
	if (fclose(out) != 0) {
		free(*text);
		*text = NULL;
		return err_sys(e, EX_OSERR, "out of memory");
	}
	return 0;
}

void
setup_oauth2_hint(const struct setup_account *a, char *buf, size_t cap)
{
	if (a->system)
		snprintf(buf, cap, "%s takes OAuth2 only: set oauth2_client_id "
		    "in [%s] of %s (your app's registration), then run as "
		    "root: outpost oauth2 login --system -a %s",
		    a->found->preset, a->name, a->config, a->name);
	else
		snprintf(buf, cap, "%s takes OAuth2 only: set oauth2_client_id "
		    "in [%s] (your app's registration), then run: outpost "
		    "oauth2 login -a %s -C %s", a->found->preset, a->name,
		    a->name, a->config);
}

/* A JSON string: the values are host names, paths and addresses. */
static void
sa_json_str(FILE *out, const char *key, const char *v, bool last)
{
	fprintf(out, "  \"%s\": ", key);
	if (v == NULL)
		fputs("null", out);
	else {
		fputc('"', out);
		for (; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\')
				fputc('\\', out);
			if ((unsigned char)*v < 0x20)
				fprintf(out, "\\u%04x", (unsigned char)*v);
			else
				fputc(*v, out);
		}
		fputc('"', out);
	}
	fputs(last ? "\n" : ",\n", out);
}

void
setup_account_json(FILE *out, const struct setup_account *a,
    const char *secret, bool verified)
{
	const struct setup_server *s = &a->pick->srv;

	fputs("{\n  \"version\": 1,\n", out);
	sa_json_str(out, "address", a->addr, false);
	sa_json_str(out, "account", a->name, false);
	sa_json_str(out, "config", a->config, false);
	sa_json_str(out, "source", a->found->source, false);
	sa_json_str(out, "provider", a->found->preset, false);
	sa_json_str(out, "host", s->host, false);
	fprintf(out, "  \"port\": %d,\n", s->port);
	sa_json_str(out, "tls", doctor_tls_word(s->tls), false);
	sa_json_str(out, "user", s->auth ? s->user : NULL, false);
	sa_json_str(out, "secret", secret, false);
	fprintf(out, "  \"verified\": %s\n}\n", verified ? "true" : "false");
}
