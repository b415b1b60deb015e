/*
 * t-dsn.c - DSN requests: the values of -N/-R and of dsn_notify and
 * dsn_return, envelope ids, the parameter texts, xtext both ways, the
 * command line over the account, and the queue entry: a request survives
 * the envelope text, an entry written before DSN existed reads as none,
 * and an entry without DSN is written exactly as before.
 */
#include <string.h>
#include <sysexits.h>

#include "dsn.h"
#include "queue.h"
#include "tap.h"

static const struct {
	const char	*in;
	int		 rc;
	unsigned	 bits;
} notifies[] = {
	{ "never", 0, DSN_NEVER },
	{ "NEVER", 0, DSN_NEVER },
	{ "success,failure,delay", 0, DSN_SUCCESS | DSN_FAILURE | DSN_DELAY },
	{ "Delay", 0, DSN_DELAY },
	{ "off", 0, 0 },
	{ "", 0, 0 },
	{ "never,failure", -1, 0 },
	{ "failure,failure", -1, 0 },
	{ "failure,", -1, 0 },
	{ "sometimes", -1, 0 },
	{ "failure delay", -1, 0 },
};

static void
t_values(void)
{
	struct dsn_params d;
	enum dsn_ret r;
	unsigned bits;
	char buf[DSN_XTEXT_MAX], back[DSN_ENVID_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(notifies) / sizeof(notifies[0]); i++) {
		bits = 99;
		ok(dsn_parse_notify(notifies[i].in, &bits) == notifies[i].rc &&
		    (notifies[i].rc == -1 || bits == notifies[i].bits),
		    "notify '%s'", notifies[i].in);
	}
	ok(dsn_parse_ret("full", &r) == 0 && r == DSN_RET_FULL, "ret full");
	ok(dsn_parse_ret("hdrs", &r) == 0 && r == DSN_RET_HDRS, "ret hdrs");
	ok(dsn_parse_ret("headers", &r) == 0 && r == DSN_RET_HDRS,
	    "ret headers (msmtp's word)");
	ok(dsn_parse_ret("off", &r) == 0 && r == DSN_RET_UNSET, "ret off");
	ok(dsn_parse_ret("body", &r) == -1, "ret body refused");
	dsn_notify_text(DSN_SUCCESS | DSN_DELAY, buf, sizeof(buf));
	is_str(buf, "SUCCESS,DELAY", "NOTIFY text");
	dsn_notify_text(0, buf, sizeof(buf));
	is_str(buf, "", "no NOTIFY");
	memset(&d, 0, sizeof(d));
	ok(dsn_set_envid(&d, "a b+c=d") == 0, "envid with space, + and =");
	dsn_xtext(d.envid, buf, sizeof(buf));
	is_str(buf, "a+20b+2Bc+3Dd", "xtext (RFC 3461 4)");
	ok(dsn_unxtext(buf, back, sizeof(back)) == 0 &&
	    strcmp(back, d.envid) == 0, "and back");
	ok(dsn_unxtext("a+2", back, sizeof(back)) == -1, "a cut +HH");
	ok(dsn_unxtext("a+zz", back, sizeof(back)) == -1, "+ and no hex");
	ok(dsn_set_envid(&d, "") == -1, "an empty envid");
	ok(dsn_set_envid(&d, "a\tb") == -1, "a control byte in the envid");
	memset(buf, 'x', 101);
	buf[101] = '\0';
	ok(dsn_set_envid(&d, buf) == -1, "101 characters");
	buf[100] = '\0';
	ok(dsn_set_envid(&d, buf) == 0, "100 characters");
}

static void
t_merge(void)
{
	struct dsn_params cli, out;

	memset(&cli, 0, sizeof(cli));
	dsn_merge(&out, &cli, DSN_FAILURE, DSN_RET_HDRS);
	ok(out.notify == DSN_FAILURE && out.ret == DSN_RET_HDRS &&
	    dsn_any(&out), "the account's when the command line is silent");
	cli.notify = DSN_NEVER;
	dsn_set_envid(&cli, "x");
	dsn_merge(&out, &cli, DSN_FAILURE, DSN_RET_UNSET);
	ok(out.notify == DSN_NEVER && out.ret == DSN_RET_UNSET &&
	    strcmp(out.envid, "x") == 0, "-N over dsn_notify");
	memset(&cli, 0, sizeof(cli));
	dsn_merge(&out, &cli, 0, DSN_RET_UNSET);
	ok(!dsn_any(&out) && !dsn_any(NULL), "nothing asked for");
}

#define HEAD	QUEUE_ENV_VERSION "\nid: 0123456789abcdef0123456789abcdef\n" \
		"account: work\nsender: a@example.com\ncreated: 1700000000\n" \
		"rcpt: b@example.org\n"

static void
t_queue(void)
{
	static char *rcpts[] = { (char *)"b@example.org" };
	char buf[4096];
	struct qenv q, p;
	struct err e;
	size_t len = 0;

	memset(&q, 0, sizeof(q));
	memcpy(q.id, "0123456789abcdef0123456789abcdef", QUEUE_ID_LEN + 1);
	q.account = "work";
	q.env.sender = "a@example.com";
	q.env.rcpts = rcpts;
	q.env.nrcpts = 1;
	ok(queue_env_format(&q, buf, sizeof(buf), &len) == 0 &&
	    strstr(buf, "dsn-") == NULL, "no request: no dsn- line at all");
	q.env.dsn.notify = DSN_FAILURE | DSN_DELAY;
	q.env.dsn.ret = DSN_RET_FULL;
	dsn_set_envid(&q.env.dsn, "id +1");
	ok(queue_env_format(&q, buf, sizeof(buf), &len) == 0 &&
	    strstr(buf, "dsn-notify: FAILURE,DELAY\ndsn-ret: FULL\n"
	    "dsn-envid: id+20+2B1\n") != NULL, "the request written");
	err_init(&e);
	ok(queue_env_parse(buf, len, &p, &e) == 0 && p.env.dsn.notify ==
	    q.env.dsn.notify && p.env.dsn.ret == DSN_RET_FULL &&
	    strcmp(p.env.dsn.envid, "id +1") == 0, "and read back: %s", e.msg);
	queue_env_free(&p);
	ok(queue_env_parse(HEAD, strlen(HEAD), &p, &e) == 0 &&
	    !dsn_any(&p.env.dsn), "an entry from before DSN: none");
	queue_env_free(&p);
	ok(queue_env_parse(HEAD "dsn-notify: sometimes\n", strlen(HEAD) + 22,
	    &p, &e) == -1, "a damaged dsn-notify is a damaged entry");
	ok(queue_env_parse(HEAD "dsn-envid: a+4\n", strlen(HEAD) + 15, &p,
	    &e) == -1, "a damaged dsn-envid too");
}

int
main(void)
{
	t_values();
	t_merge();
	t_queue();
	return done_testing();
}
