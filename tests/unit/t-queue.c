/*
 * t-queue.c - the queue's pure parts: envelope text both ways, ids and
 * the retry schedule; and when a lazy queue (the runner's) syncs q/.
 * The commit protocol and the runner are covered by the integration
 * cases 02xx (crash points, concurrent runners).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "deadline.h"

#include "queue.h"
#include "queue_quota.h"
#include "tap.h"

#define ID	"0123456789abcdef0123456789abcdef"
#define HEAD	QUEUE_ENV_VERSION "\nid: " ID "\naccount: work\n" \
		"sender: a@example.com\ncreated: 1700000000\n"

static const struct {
	const char	*text;
	int		 ok;
	const char	*what;
} rows[] = {
	{ HEAD "rcpt: b@example.org\n", 1, "minimal" },
	{ HEAD "rcpt: b@example.org\nfuture-key: whatever\n", 1,
	    "an unknown key is ignored" },
	{ HEAD, 0, "no recipient" },
	{ "outpost-queue 2\nid: " ID "\n", 0, "unknown version" },
	{ QUEUE_ENV_VERSION "\naccount: w\nsender: a@b\ncreated: 1\n"
	    "rcpt: b@c\n", 0, "no id" },
	{ HEAD "rcpt: b@example.org\nattempts: x\n", 0, "bad number" },
	{ HEAD "rcpt: b@example.org\nattempts: -1\n", 0, "negative" },
	{ HEAD "rcpt: b@example.org\npossible-duplicate: maybe\n", 0,
	    "bad yes/no" },
	{ HEAD "rcpt: b@example.org", 0, "no final newline" },
	{ HEAD "rcpt: b@example.org\ngarbage\n", 0, "a line without ': '" },
	{ HEAD "rcpt: \n", 0, "empty recipient" },
	{ QUEUE_ENV_VERSION "\nid: 0123\naccount: w\nsender: a@b\n"
	    "created: 1\nrcpt: b@c\n", 0, "short id" },
	{ QUEUE_ENV_VERSION "\nid: " ID "\naccount: w\nsender: \n"
	    "created: 1\nrcpt: b@c\n", 1, "null sender" },
};

static void
test_rows(void)
{
	struct qenv q;
	struct err e;
	size_t i;
	int r;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err_init(&e);
		r = queue_env_parse(rows[i].text, strlen(rows[i].text), &q,
		    &e);
		ok((r == 0) == rows[i].ok, "parse: %s", rows[i].what);
		if (r == 0)
			queue_env_free(&q);
	}
}

static void
test_round_trip(void)
{
	static char r1[] = "b@example.org", r2[] = "c@ex\xc3\xa4mple.org";
	char *rcpts[] = { r1, r2 };
	char buf[4096];
	struct qenv q, p;
	struct err e;
	size_t len;

	memset(&q, 0, sizeof(q));
	memcpy(q.id, ID, sizeof(q.id));
	q.account = "work";
	q.env.sender = "a@example.com";
	q.env.rcpts = rcpts;
	q.env.nrcpts = 2;
	q.created = 1700000000;
	q.next_try = 1700000060;
	q.attempts = 3;
	snprintf(q.last_error, sizeof(q.last_error), "451 4.3.0 a\r\nb: x");
	q.dup_risk = true;
	q.env.size = 12345;
	q.env.eightbit = true;
	q.uid = 1000;
	ok(queue_env_format(&q, buf, sizeof(buf), &len) == 0, "format");
	ok(strstr(buf, "\r") == NULL && strstr(buf, "a??b: x") != NULL,
	    "last-error: CR LF cannot forge a line");
	err_init(&e);
	ok(queue_env_parse(buf, len, &p, &e) == 0, "parse what was made");
	is_str(p.id, ID, "id");
	is_str(p.account, "work", "account");
	is_str(p.env.sender, "a@example.com", "sender");
	is_int((int)p.env.nrcpts, 2, "recipients");
	is_str(p.env.rcpts[1], "c@ex\xc3\xa4mple.org", "UTF-8 recipient");
	is_int((int)p.attempts, 3, "attempts");
	ok(p.created == 1700000000 && p.next_try == 1700000060, "times");
	ok(p.dup_risk && p.env.eightbit && !p.env.smtputf8, "flags");
	is_int((int)p.env.size, 12345, "size");
	is_int((int)p.uid, 1000, "uid");
	queue_env_free(&p);
	ok(queue_env_format(&q, buf, 64, &len) == -1, "too small: -1");
}

static void
test_ids_backoff(void)
{
	char a[QUEUE_ID_LEN + 1], b[QUEUE_ID_LEN + 1];
	struct err e, ra;

	err_init(&e);
	ok(queue_id_new(a, &e) == 0 && queue_id_new(b, &e) == 0, "new ids");
	ok(queue_id_valid(a) && strcmp(a, b) != 0, "valid and distinct");
	ok(!queue_id_valid("../../etc/passwd"), "path is not an id");
	ok(!queue_id_valid(ID "0"), "too long");
	ok(!queue_id_valid("0123456789ABCDEF0123456789ABCDEF"), "upper case");
	is_int((int)queue_backoff(1), 60, "backoff 1: 60 s");
	is_int((int)queue_backoff(2), 120, "backoff 2: 120 s");
	is_int((int)queue_backoff(6), 1920, "backoff 6: 1920 s");
	is_int((int)queue_backoff(7), 3600, "backoff 7: capped at 1 h");
	is_int((int)queue_backoff(1000), 3600, "backoff 1000: 1 h");
	err_init(&ra);
	is_int((int)queue_wait(2, &ra), 120, "no Retry-After: the backoff");
	ra.retry_after = 30;
	is_int((int)queue_wait(2, &ra), 120, "a shorter Retry-After: backoff");
	ra.retry_after = 7200;
	is_int((int)queue_wait(2, &ra), 7200, "a longer Retry-After wins");
	ra.retry_after = 999999;
	is_int((int)queue_wait(2, &ra), QUEUE_RETRY_AFTER_MAX,
	    "Retry-After capped at a day");
}

/* queue_max_entries / queue_max_bytes values */
static void
test_quota_parse(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		uint64_t	 want;
	} qrows[] = {
		{ "1000", 0, 1000 }, { "0", 0, 0 }, { "512K", 0, 524288 },
		{ "50M", 0, 52428800 }, { "1g", 0, 1073741824 },
		{ "", -1, 0 }, { "-1", -1, 0 }, { "10 M", -1, 0 },
		{ "5T", -1, 0 }, { "M", -1, 0 },
		{ "99999999999999999999", -1, 0 },
		{ "17179869184G", -1, 0 },
	};
	struct queue_limits l;
	struct config cfg;
	struct account a;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(qrows) / sizeof(qrows[0]); i++) {
		v = 7;
		ok(quota_parse(qrows[i].in, &v) == qrows[i].rc &&
		    (qrows[i].rc == -1 || v == qrows[i].want),
		    "quota_parse '%s' -> %d", qrows[i].in, qrows[i].rc);
	}
	memset(&cfg, 0, sizeof(cfg));
	memset(&a, 0, sizeof(a));
	quota_limits(NULL, &l);
	ok(l.entries == QUOTA_ENTRIES_DEFAULT && l.bytes ==
	    QUOTA_BYTES_DEFAULT, "no configuration: the defaults");
	a.queue_max_entries = "5";
	a.queue_max_bytes = "nonsense";
	cfg.accounts = &a;
	cfg.naccounts = 1;
	quota_limits(&cfg, &l);
	ok(l.entries == 5 && l.bytes == QUOTA_BYTES_DEFAULT,
	    "set value used, a bad one falls back to the default");
}

/*
 * A lazy queue leaves its marks and removals unsynced until
 * QUEUE_SYNC_BATCH of them or QUEUE_SYNC_MS have passed; an ordinary one
 * syncs each at once.
 */
/* An entry's .env to mark: the mark is a second name of it. */
static int
mark_entry(struct queue *q, const char *id, struct err *e)
{
	char name[QUEUE_NAME_MAX];
	int fd;

	snprintf(name, sizeof(name), "%s.env", id);
	if ((fd = openat(q->qfd, name, O_WRONLY | O_CREAT, 0600)) != -1)
		close(fd);
	return queue_mark(q, id, e);
}

/* The entry's names, after its marks are gone. */
static void
unmark_entry(struct queue *q, const char *id)
{
	char name[QUEUE_NAME_MAX];

	queue_unmark(q, id);
	snprintf(name, sizeof(name), "%s.env", id);
	(void)unlinkat(q->qfd, name, 0);
}

static void
test_lazy_sync(void)
{
	static const char *const subs[] = { "tmp", "q", "dead" };
	char dir[] = "/tmp/t-queue.XXXXXX", id[QUEUE_ID_LEN + 1];
	char path[sizeof(dir) + 8];
	struct queue q;
	struct err e;
	unsigned i, most = 0;

	err_init(&e);
	if (mkdtemp(dir) == NULL || queue_open(dir, true, &q, &e) == -1) {
		ok(0, "a queue to test in: %s", e.msg);
		return;
	}
	snprintf(id, sizeof(id), "%s", ID);
	ok(mark_entry(&q, id, &e) == 0 && q.unsynced == 0,
	    "not lazy: a mark is synced at once");
	q.lazy = true;
	for (i = 0; i < 3 * QUEUE_SYNC_BATCH; i++) {
		id[0] = "0123456789abcdef"[i % 16];
		id[1] = "0123456789abcdef"[i / 16 % 16];
		if (mark_entry(&q, id, &e) == -1)
			break;
		if (q.unsynced > most)
			most = q.unsynced;
	}
	ok(i == 3 * QUEUE_SYNC_BATCH && most == QUEUE_SYNC_BATCH - 1,
	    "lazy: one sync per %d marks (at most %u waited)",
	    QUEUE_SYNC_BATCH, most);
	ok(mark_entry(&q, ID, &e) == 0 && q.unsynced == 1,
	    "lazy: a mark waits for its batch");
	q.unsynced_ms = deadline_now_ms() - QUEUE_SYNC_MS;
	ok(mark_entry(&q, ID, &e) == 0 && q.unsynced == 0,
	    "lazy: a batch %d ms old is synced", QUEUE_SYNC_MS);
	ok(mark_entry(&q, ID, &e) == 0 && q.unsynced == 1 &&
	    queue_sync(&q, &e) == 0 && q.unsynced == 0,
	    "queue_sync() syncs what waits");
	for (i = 0; i < 3 * QUEUE_SYNC_BATCH; i++) {
		id[0] = "0123456789abcdef"[i % 16];
		id[1] = "0123456789abcdef"[i / 16 % 16];
		unmark_entry(&q, id);
	}
	unmark_entry(&q, ID);
	queue_close(&q);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		(void)rmdir(path);
	}
	(void)rmdir(dir);
}

int
main(void)
{
	test_lazy_sync();
	test_quota_parse();
	test_rows();
	test_round_trip();
	test_ids_backoff();
	return done_testing();
}
