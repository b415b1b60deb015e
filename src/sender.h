/*
 * sender.h - the envelope sender of a message and the account that
 * carries it, from -f and allow_from_override (outpost(8) SECURITY,
 * "The envelope sender"; outpost.conf(5) allow_from_override).
 */
#ifndef OUTPOST_SENDER_H
#define OUTPOST_SENDER_H

#include <stdbool.h>

#include "addr.h"
#include "cfg.h"
#include "err.h"

/*
 * The account (-a acct, else the default) and the sender -f gives (f,
 * NULL when none; "<>" or "" the null sender).  sender (ADDR_MAX + 1
 * bytes) gets the checked -f, "" when the account's from is to be used,
 * and *from_arg says whether it came from -f.  A local -f (cron's
 * "-f root") is ignored.  A restricted caller (priv_restricted) keeps
 * the default account and, unless -f is its own from, gets the
 * account's from instead, like exim with an untrusted user: the message
 * goes out, and the header says who sent it (Sender:, msg.h).  Anyone
 * else may give any sender, and an account whose own from it is picks
 * that account.  NULL with e (78, or 64 for a malformed -f).
 */
const struct account *sender_pick(const struct config *cfg,
	    const char *acct, const char *f, char *sender, bool *from_arg,
	    bool *utf8, struct err *e);

#endif
