/*
 * cmd_password.c - "outpost password set|check|clear [-a ACCOUNT]
 * [-C FILE]": the account's password in the keyring, under the key that
 * cred_get looks up (host = the account's host, service = smtp, user =
 * the account's user).
 *
 * set reads the password from a terminal without echo (the terminal's
 * mode is restored on every path, an interrupt included) or else takes
 * the first line of stdin; check says whether the item can be read back
 * and never prints it; clear removes it.  The password only ever lives
 * in a struct secret.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cfg.h"
#include "cli_cmd.h"
#include "cmd.h"
#include "cmd_password.h"
#include "priv.h"
#include "prompt.h"
#include "cred.h"

#define PW_LABEL_MAX	512	/* "outpost: user at host" */

static int
pw_set(const struct account *a, const struct keyring_key *k,
    struct err *e)
{
	struct secret *s;
	char label[PW_LABEL_MAX];
	int rc;

	if ((s = secret_new(e)) == NULL)
		return -1;
	snprintf(label, sizeof(label), "Password for %s at %s", a->user,
	    a->host);
	if (isatty(0))
		rc = prompt_secret(label, s, e);
	else
		rc = prompt_secret_line(0, s, e);
	snprintf(label, sizeof(label), "outpost: %s at %s", a->user, a->host);
	if (rc == 0)
		rc = cred_keyring_store(k, label, s, e);
	secret_free(s);
	if (rc == 0)
		printf("stored: host %s service %s user %s\n", k->host,
		    k->service, k->user);
	return rc;
}

static int
pw_check(const struct keyring_key *k, struct err *e)
{
	struct secret *s;
	int rc;

	if ((s = secret_new(e)) == NULL)
		return -1;
	rc = cred_keyring_find(k, s, e);
	secret_free(s);
	if (rc == 0)
		return err_set(e, EX_CONFIG, "not found: no password for "
		    "host %s service %s user %s (outpost password set)",
		    k->host, k->service, k->user);
	if (rc == 1)
		printf("found: host %s service %s user %s\n", k->host,
		    k->service, k->user);
	return rc == 1 ? 0 : -1;
}

/* Where deliveries take a's password from, when not the keyring. */
static const char *
pw_source(const struct account *a)
{
	if (a->password != NULL)
		return "password in the configuration";
	if (a->passwordeval != NULL)
		return "passwordeval";
	if (a->password_file != NULL)
		return a->password_file;
	return NULL;
}

/*
 * check for an account that does not use the keyring: get the password
 * the way a delivery does (root reads the system relay's 0640 secret
 * file), never print it.
 */
static int
pw_check_source(const struct account *a, struct err *e)
{
	struct secret *s = NULL;
	int rc;

	rc = cred_get(a, &s, e);
	if (rc == 0 && (s == NULL || s->len == 0))
		rc = err_set(e, EX_CONFIG, "account %s: %s gives no password",
		    a->name, pw_source(a));
	if (rc == 0)
		printf("found: account %s, password from %s\n", a->name,
		    pw_source(a));
	secret_free(s);
	return rc;
}

/*
 * check for an account with a source of its own: that source decides
 * (the system relay's root has no keyring at all); the keyring item is
 * looked up too, and what is wrong with it is only a note.
 */
static int
pw_check_both(const struct account *a, const struct keyring_key *k,
    struct err *e)
{
	struct err ke;

	if (pw_check_source(a, e) == -1)
		return -1;
	err_init(&ke);
	if (pw_check(k, &ke) == -1)
		fprintf(stderr, "outpost: note: keyring: %s\n", ke.msg);
	return 0;
}

static int
pw_clear(const struct keyring_key *k, struct err *e)
{
	int rc;

	rc = cred_keyring_clear(k, e);
	if (rc == 1)
		printf("removed: host %s service %s user %s\n", k->host,
		    k->service, k->user);
	else if (rc == 0)
		printf("nothing to remove: no password for host %s service "
		    "%s user %s\n", k->host, k->service, k->user);
	return rc == -1 ? -1 : 0;
}

/* An item the account's deliveries will not read is worth a word. */
static void
pw_note(const struct account *a)
{
	if (a->password != NULL || a->passwordeval != NULL ||
	    a->password_file != NULL)
		fprintf(stderr, "outpost: note: account %s sets password, "
		    "passwordeval or password_file, which deliveries use "
		    "instead of the keyring\n", a->name);
	else if (!a->keyring)
		fprintf(stderr, "outpost: note: account %s has keyring = off: "
		    "deliveries do not use this item\n", a->name);
}

static int
pw_usage(struct err *e)
{
	return err_set(e, EX_USAGE, "usage: outpost password set|check|clear "
	    "[-a account] [-C file]");
}

/* "password sett": the usage, and the verb it was probably meant to be. */
static int
pw_bad_verb(const char *verb, struct err *e)
{
	static const char *const verbs[] = { "set", "check", "clear", NULL };

	return cli_cmd_badopt("password", "verb", verb, verbs, "usage: outpost "
	    "password set|check|clear [-a account] [-C file]", e);
}

/* The account the verb works on; its user is the item's user. */
static int
pw_account(const char *cfgpath, const char *name, const char *verb,
    struct config *cfg, const struct account **a, struct err *e)
{
	const char *sys = priv_path(PRIV_PATH_CONFIG);

	if (cfg_load(cfgpath, cfg, e) == -1) {
		if (cfgpath != NULL || getuid() == 0 || !priv_system_build() ||
		    access(sys, F_OK) == -1 || access(sys, R_OK) == 0)
			return -1;
		err_init(e);
		return err_set(e, EX_NOPERM, "%s is the system relay's "
		    "configuration and only root can read it: run sudo "
		    "outpost password %s", sys, verb);
	}
	if ((*a = cfg_pick(cfg, name, NULL, e)) == NULL)
		return -1;
	if ((*a)->user == NULL || (*a)->user[0] == '\0')
		return err_set(e, EX_CONFIG, "account %s has no user: the "
		    "keyring item is found by host and user", (*a)->name);
	return 0;
}

int
cmd_password(int argc, char **argv, struct err *e)
{
	const char *name = NULL, *cfgpath = NULL, *verb;
	const struct account *a = NULL;
	struct keyring_key k;
	struct config cfg;
	int c, rc;

	if (argc < 2)
		return pw_usage(e);
	verb = argv[1];
	opterr = 0;
	optind = 1;
	while ((c = getopt(argc - 1, argv + 1, "+a:C:")) != -1) {
		if (c == 'a')
			name = optarg;
		else if (c == 'C')
			cfgpath = optarg;
		else
			return pw_usage(e);
	}
	if (optind != argc - 1)
		return pw_usage(e);
	if (strcmp(verb, "set") != 0 && strcmp(verb, "check") != 0 &&
	    strcmp(verb, "clear") != 0)
		return pw_bad_verb(verb, e);
	memset(&cfg, 0, sizeof(cfg));
	rc = pw_account(cfgpath, name, verb, &cfg, &a, e);
	if (rc == 0) {
		k.host = a->host;
		k.service = "smtp";
		k.user = a->user;
		if (strcmp(verb, "set") == 0)
			rc = pw_set(a, &k, e);
		else if (strcmp(verb, "check") == 0 && pw_source(a) != NULL)
			rc = pw_check_both(a, &k, e);
		else if (strcmp(verb, "check") == 0)
			rc = pw_check(&k, e);
		else
			rc = pw_clear(&k, e);
		if (rc == 0 && strcmp(verb, "clear") != 0)
			pw_note(a);
	}
	cfg_forget_secrets(&cfg);
	cfg_free(&cfg);
	return rc;
}
