/*
 * cmd_setup.c - "outpost setup ADDRESS [-a NAME] [-C FILE] [--system]
 * [--force] [--password-file FILE] [--yes] [--json] [--find-only]
 * [--test-message]": from a mail address to an account that is proven
 * to work, in one command.
 *
 * The steps, each in its module: find the settings (setup_find.c), ask
 * before using a server outside the mail domain that nothing vouches
 * for, probe like doctor and pick by the port rules (setup_probe.c), ask
 * for the secret with the provider's word for it and store it
 * (setup_secret.c), write the account (setup_account.c, setup_write.c:
 * never over an existing account without --force), then prove it with
 * doctor --auth and, when asked, a test message to the address itself.
 * Human progress goes to stderr; stdout carries doctor's report, or with
 * --json only the summary.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli_cmd.h"
#include "cmd.h"
#include "doctor.h"
#include "log.h"
#include "paths.h"
#include "priv.h"
#include "setup.h"
#include "setup_account.h"
#include "setup_cmd.h"
#include "setup_secret.h"
#include "setup_write.h"

#define SETUP_USAGE "usage: outpost setup ADDRESS [-a account] " \
	"[-C config] [--system] [--force] [--password-file FILE] [--yes] " \
	"[--json] [--find-only] [--test-message]"
#define SETUP_NAME_MAX	64

struct setup_opts {
	const char	*addr;
	const char	*name;
	const char	*config;
	const char	*pwfile;
	bool		 system, force, yes, json, find_only, test_msg;
	int		 verbose;
	char		 namebuf[SETUP_NAME_MAX];
	char		 path[PATH_MAX];
	char		 secret_path[PATH_MAX];
};

static int
setup_args(int argc, char **argv, struct setup_opts *o, struct err *e)
{
	static const struct option lo[] = {
		{ "system", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ "find-only", no_argument, NULL, 'n' },
		{ "test-message", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:C:vy", lo, NULL)) != -1)
		switch (c) {
		case 'a': o->name = optarg; break;
		case 'C': o->config = optarg; break;
		case 'v': o->verbose++; break;
		case 'S': o->system = true; break;
		case 'f': o->force = true; break;
		case 'p': o->pwfile = optarg; break;
		case 'y': o->yes = true; break;
		case 'j': o->json = true; break;
		case 'n': o->find_only = true; break;
		case 't': o->test_msg = true; break;
		default:
			return err_set(e, EX_USAGE, "setup: unknown option or "
			    "missing value %.64s; %s", argv[optind - 1],
			    SETUP_USAGE);
		}
	if (optind != argc - 1)
		return err_set(e, EX_USAGE, "setup: one ADDRESS; %s",
		    SETUP_USAGE);
	o->addr = argv[optind];
	return 0;
}

/* The account name: -a, else the domain's first label. */
static int
setup_name(struct setup_opts *o, struct err *e)
{
	const char *at = strrchr(o->addr, '@');
	size_t n;

	if (o->name != NULL) {
		if (strpbrk(o->name, "[]\n\r \t") != NULL ||
		    o->name[0] == '\0' || strcmp(o->name, "defaults") == 0)
			return err_set(e, EX_USAGE, "setup: '%.64s' cannot "
			    "name an account", o->name);
		return 0;
	}
	if (at == NULL)
		return 0;	/* setup_find says what is wrong */
	n = strcspn(at + 1, ".");
	if (n == 0 || n >= sizeof(o->namebuf))
		n = sizeof("mail") - 1, at = "@mail";
	memcpy(o->namebuf, at + 1, n);
	o->namebuf[n] = '\0';
	o->name = o->namebuf;
	return 0;
}

/* The config's path and the secret file's beside it. */
static int
setup_paths(struct setup_opts *o, struct err *e)
{
	char dir[PATH_MAX];

	if (o->system && geteuid() != 0)
		return err_set(e, EX_NOPERM, "setup --system: run it as root");
	if (o->config != NULL)
		snprintf(o->path, sizeof(o->path), "%s", o->config);
	else if (o->system)
		snprintf(o->path, sizeof(o->path), "%s",
		    priv_path(PRIV_PATH_CONFIG));
	else if (paths_user_config(o->path, sizeof(o->path)) == -1)
		return err_set(e, EX_CONFIG, "setup: no home directory for "
		    "the configuration (use -C FILE)");
	snprintf(dir, sizeof(dir), "%s", o->path);
	if (o->system)
		snprintf(o->secret_path, sizeof(o->secret_path),
		    "%s/outpost.secret", dirname(dir));
	else
		snprintf(o->secret_path, sizeof(o->secret_path),
		    "%s/%s.secret", dirname(dir), o->name);
	return 0;
}

static void
setup_log_line(const char *line)
{
	fprintf(stderr, "  %s\n", line);
}

/* -v: every source tried and what it said. */
static void
setup_show_tries(const struct setup_found *f, const struct setup_opts *o)
{
	size_t i;

	if (o->verbose == 0 && log_verbose() == 0)
		return;
	fprintf(stderr, "sources tried:\n");
	for (i = 0; i < f->ntries; i++)
		setup_log_line(f->tries[i]);
}

static void
setup_show_found(FILE *out, const struct setup_found *f)
{
	size_t i;

	fprintf(out, "found by %s%s%s:\n", f->source, f->preset != NULL ?
	    ", preset " : "", f->preset != NULL ? f->preset : "");
	for (i = 0; i < f->nsrv; i++)
		fprintf(out, "  %s port %d/%s, user %s%s%s\n", f->srv[i].host,
		    f->srv[i].port, doctor_tls_word(f->srv[i].tls),
		    f->srv[i].auth ? f->srv[i].user : "(no AUTH)",
		    f->srv[i].oauth2 ? ", OAuth2" : "",
		    f->srv[i].foreign ? ", OUTSIDE the mail domain" : "");
}

/*
 * Servers outside the mail domain that only the domain's document or
 * the MX named: shown, and used only when the user says so on a
 * terminal (--yes does not answer this: someone who can change the
 * domain's web server or DNS answer must not pick where the password
 * goes).  Refused ones are dropped from f.
 */
static int
setup_confirm_foreign(struct setup_found *f, struct err *e)
{
	size_t i, n = 0;

	for (i = 0; i < f->nsrv; i++)
		if (f->srv[i].foreign)
			n++;
	if (n == 0)
		return 0;
	if (isatty(0) && setup_ask("Servers OUTSIDE the mail domain are "
	    "named above; the password would go to them. Use them?", false))
		return 0;
	for (i = n = 0; i < f->nsrv; i++)
		if (!f->srv[i].foreign)
			f->srv[n++] = f->srv[i];
	f->nsrv = n;
	if (n == 0)
		return err_set(e, EX_NOPERM, "setup: %s named only servers "
		    "outside the mail domain, not confirmed%s", f->source,
		    isatty(0) ? "" : " (run setup on a terminal to confirm "
		    "them; --yes does not)");
	return 0;
}

/* The account's secret: asked for, stored; *pwfile set when a file. */
static int
setup_secret(const struct setup_opts *o, const struct setup_found *f,
    const struct setup_pick *p, const char **pwfile, char *where,
    size_t cap, struct err *e)
{
	struct setup_secret_to to = { p->srv.host, p->srv.user,
	    o->secret_path, o->system };
	char prompt[SETUP_LABEL_MAX];
	struct secret *s;
	int rc;

	*pwfile = NULL;
	snprintf(where, cap, "none");
	if (!p->srv.auth)
		return 0;
	if ((s = secret_new(e)) == NULL)
		return -1;
	snprintf(prompt, sizeof(prompt), "%s for %s at %s",
	    setup_prompt_what(f->preset), p->srv.user, p->srv.host);
	rc = setup_secret_read(o->pwfile, prompt, s, e);
	if (rc == 0)
		rc = setup_secret_store(&to, s, where, cap, e);
	secret_free(s);
	if (rc == 1) {
		*pwfile = o->secret_path;
		rc = 0;
	}
	return rc;
}

/* Refuse early, before any question, when the account exists. */
static int
setup_check_config(const struct setup_opts *o, char **old, struct err *e)
{
	char *t = NULL;
	int rc;

	if (setup_read_file(o->path, old, e) == -1)
		return -1;
	rc = setup_write_text(*old, o->name, "", o->force, &t, e);
	free(t);
	return rc;
}

static int
setup_write_config(const struct setup_account *a, const char *old,
    bool force, struct err *e)
{
	char *section = NULL, *text = NULL;
	int rc;

	rc = setup_account_text(a, &section, e);
	if (rc == 0)
		rc = setup_write_text(old, a->name, section, force, &text, e);
	if (rc == 0)
		rc = setup_write_file(a->config, text, strlen(text), a->system,
		    e);
	free(section);
	free(text);
	return rc;
}

/* Find, confirm, probe: 0 with *p; with --find-only 1 and nothing more */
static int
setup_choose(struct setup_opts *o, struct setup_found *f,
    struct setup_pick *p, struct err *e)
{
	struct setup_sources src = { true, true, true, SETUP_HTTP_MS };
	int rc;

	rc = setup_find(o->addr, &src, f, e);
	setup_show_tries(f, o);
	if (rc == -1)
		return -1;
	setup_show_found(o->find_only && !o->json ? stdout : stderr, f);
	if (o->find_only)
		return 1;
	if (setup_confirm_foreign(f, e) == -1)
		return -1;
	fprintf(stderr, "probing...\n");
	if (setup_probe(f, NULL, o->verbose > 0 || log_verbose() > 0 ?
	    setup_log_line : NULL, p, e) == -1)
		return -1;
	fprintf(stderr, "using %s port %d/%s (%d ms)\n", p->srv.host,
	    p->srv.port, doctor_tls_word(p->srv.tls), p->ms);
	return 0;
}

static int
setup_run(struct setup_opts *o, struct setup_found *f,
    struct setup_pick *p, struct err *e)
{
	struct setup_account a;
	char where[ERR_MSG_MAX], dflt[SETUP_NAME_MAX], *old = NULL;
	const char *pwfile = NULL;
	int rc, proven;

	rc = o->find_only ? 0 : setup_check_config(o, &old, e);
	if (rc == 0)
		rc = setup_choose(o, f, p, e);
	if (rc == 1 && o->json)
		setup_found_json(stdout, f);
	if (rc != 0) {
		free(old);
		return rc == 1 ? 0 : -1;
	}
	memset(&a, 0, sizeof(a));
	a.name = o->name;
	a.addr = o->addr;
	a.config = o->path;
	a.found = f;
	a.pick = p;
	a.system = o->system;
	a.oauth2 = p->srv.oauth2 && setup_oauth2_only(f->preset);
	rc = a.oauth2 ? (snprintf(where, sizeof(where), "oauth2"), 0) :
	    setup_secret(o, f, p, &pwfile, where, sizeof(where), e);
	a.password_file = a.oauth2 ? NULL : pwfile;
	if (rc == 0)
		rc = setup_write_config(&a, old, o->force, e);
	setup_default_account(old, dflt, sizeof(dflt));
	free(old);
	if (rc == -1)
		return -1;
	fprintf(stderr, "wrote account %s to %s (secret: %s)\n", a.name,
	    a.config, where);
	if (dflt[0] != '\0' && strcmp(dflt, a.name) != 0)
		fprintf(stderr, "note: [defaults] names account %s: send with "
		    "this one by -a %s, or set account = %s there\n", dflt,
		    a.name, a.name);
	proven = setup_prove(&a, o->json, o->test_msg || (!o->yes &&
	    isatty(0) && setup_ask("Send a test message to the address?",
	    false)), e);
	if (o->json)
		setup_account_json(stdout, &a, where, proven == 0);
	return proven == -1 ? -1 : 0;
}

int
cmd_setup(int argc, char **argv, struct err *e)
{
	struct setup_opts o;
	struct setup_found *f;
	struct setup_pick p;
	int rc;

	memset(&o, 0, sizeof(o));
	if (setup_args(argc, argv, &o, e) == -1 || setup_name(&o, e) == -1 ||
	    setup_paths(&o, e) == -1)
		return -1;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	rc = setup_run(&o, f, &p, e);
	free(f);
	return rc;
}
