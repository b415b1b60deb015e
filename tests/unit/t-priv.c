/*
 * t-priv.c - the envelope-sender policy (priv_sender_ok): the account's
 * own from, the null sender and root always; otherwise on, off or a list
 * of user names and uids; unset means on outside the system file.  And
 * priv_path without a test sysroot: the compiled-in paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"
#include "tap.h"

static const struct {
	const char	*allow;		/* allow_from_override, NULL unset */
	unsigned	 uid;
	const char	*sender;	/* NULL: no -f */
	int		 want;		/* 0 allowed, -1 refused */
} rows[] = {
	{ NULL, 1000, "boss@example.com", 0 },	/* user file: on */
	{ "on", 1000, "boss@example.com", 0 },
	{ "off", 1000, "boss@example.com", -1 },
	{ "off", 1000, NULL, 0 },
	{ "off", 1000, "", 0 },			/* the null sender */
	{ "off", 1000, "relay@example.com", 0 },	/* its own from */
	{ "off", 1000, "RELAY@Example.COM", 0 },
	{ "off", 0, "boss@example.com", 0 },	/* root */
	{ "1000", 1000, "boss@example.com", 0 },
	{ "1000", 1001, "boss@example.com", -1 },
	{ "10000", 1000, "boss@example.com", -1 },	/* no prefix match */
	{ "100", 1000, "boss@example.com", -1 },
	{ "999, 1000", 1000, "boss@example.com", 0 },
	{ "999,1000", 1000, "boss@example.com", 0 },
	{ "999 1000", 1000, "boss@example.com", 0 },
	{ "daemon", 1, "boss@example.com", 0 },	/* a name: uid 1 */
	{ "daemon", 1000, "boss@example.com", -1 },
	{ "nosuchuser-x, 1000", 1000, "boss@example.com", 0 },
	{ "On", 1000, "boss@example.com", -1 },	/* exact words only */
	{ "", 1000, "boss@example.com", -1 },
};

int
main(void)
{
	struct account a;
	struct err e;
	size_t i;
	int rc;

	plan((int)(sizeof(rows) / sizeof(rows[0])) + 2);
	memset(&a, 0, sizeof(a));
	a.name = "relay";
	a.from = "relay@example.com";
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		a.allow_from_override = (char *)rows[i].allow;
		err_init(&e);
		rc = priv_sender_ok(&a, (uid_t)rows[i].uid, rows[i].sender,
		    &e);
		ok(rc == rows[i].want && (rc == 0 || e.ex == 77),
		    "allow %s, uid %u, sender %s: %s",
		    rows[i].allow != NULL ? rows[i].allow : "(unset)",
		    rows[i].uid, rows[i].sender != NULL ? rows[i].sender :
		    "(none)", rows[i].want == 0 ? "allowed" : "refused");
	}
	unsetenv("OUTPOST_TEST_SYSROOT");
	ok(strcmp(priv_path(PRIV_PATH_CONFIG) + strlen(priv_path(
	    PRIV_PATH_CONFIG)) - 13, "/outpost.conf") == 0,
	    "system file: %s", priv_path(PRIV_PATH_CONFIG));
	ok(!priv_queue_shared("/home/u/.local/state/outpost/queue"),
	    "a per-user queue is not the system queue");
	return tap_failed != 0;
}
