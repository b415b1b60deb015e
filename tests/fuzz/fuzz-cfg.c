/*
 * fuzz-cfg.c - the configuration parser (src/cfg.c over inih and
 * cfg_file.c's line reader) with its quoting rules, fed through
 * fmemopen as the unit tests do; then account selection and the secret
 * wipe on what it accepted.  Every accepted value that reaches the wire
 * or a header must be free of CR, LF and NUL; cfg_unquote() on the raw
 * input must stay within strlen + 1 bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "err.h"
#include "fuzz.h"

const char fuzz_name[] = "cfg";

static void
fuzz_cfg_clean(const char *s)
{
	if (s != NULL && strpbrk(s, "\r\n") != NULL)
		fuzz_fail("accepted value holds CR or LF");
}

static void
fuzz_cfg_check(struct config *cfg)
{
	const struct account *a;
	struct err e;
	size_t i;

	for (i = 0; i < cfg->naccounts; i++) {
		a = &cfg->accounts[i];
		fuzz_cfg_clean(a->host);
		fuzz_cfg_clean(a->user);
		fuzz_cfg_clean(a->from);
		fuzz_cfg_clean(a->domain);
		fuzz_cfg_clean(a->maildomain);
	}
	err_init(&e);
	(void)cfg_pick(cfg, NULL, "alice@example.com", &e);
	cfg_forget_secrets(cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct err e;
	char *s, *out;
	FILE *fp;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((out = malloc(strlen(s) + 1)) != NULL)
		(void)cfg_unquote(s, out);
	free(out);
	if (size > 0 && (fp = fmemopen(s, size, "r")) != NULL) {
		err_init(&e);
		if (cfg_parse_stream(fp, "fuzz.conf", &cfg, &e) == 0) {
			fuzz_cfg_check(&cfg);
			cfg_free(&cfg);
		} else if (e.ex == 0)
			fuzz_fail("refused without an exit code");
		fclose(fp);
	}
	free(s);
	return 0;
}
