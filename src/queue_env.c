/*
 * queue_env.c - an entry's envelope as text, and back; ids; backoff.
 *
 * Pure except queue_id_new (getrandom).  The text is a version line, then
 * one "key: value" per line.  Unknown keys are ignored (a newer outpost
 * may add some); a missing required key, a bad number or an unknown
 * version is an error.  The DSN request (dsn-notify, dsn-ret, dsn-envid
 * as xtext) is written only when there is one, so entries without it
 * look as they always did, and entries from before it read as "none".
 * Values never hold CR, LF or NUL: addresses were checked on the way in
 * and last-error is sanitised here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sysexits.h>

#include "queue.h"

#define QENV_MAX_RCPTS	1000	/* as MSG_MAX_RCPTS */

static const char *
qenv_yn(bool b)
{
	return b ? "yes" : "no";
}

/* The dsn-* lines that apply, appended at out; *n grows by their size. */
static int
qenv_dsn_format(const struct dsn_params *d, char *out, size_t cap,
    size_t *n)
{
	char notify[DSN_NOTIFY_MAX], x[DSN_XTEXT_MAX];
	int r;

	dsn_notify_text(d->notify, notify, sizeof(notify));
	dsn_xtext(d->envid, x, sizeof(x));
	r = snprintf(out, cap, "%s%s%s%s%s%s%s%s%s", notify[0] != '\0' ?
	    "dsn-notify: " : "", notify, notify[0] != '\0' ? "\n" : "",
	    d->ret != DSN_RET_UNSET ? "dsn-ret: " : "", dsn_ret_text(d->ret),
	    d->ret != DSN_RET_UNSET ? "\n" : "", x[0] != '\0' ?
	    "dsn-envid: " : "", x, x[0] != '\0' ? "\n" : "");
	if (r < 0 || (size_t)r >= cap)
		return -1;
	*n += (size_t)r;
	return 0;
}

/* dsn-notify, dsn-ret, dsn-envid: 1 taken, 0 not one of them, -1 bad. */
static int
qenv_dsn_line(struct dsn_params *d, const char *k, const char *v)
{
	char raw[DSN_ENVID_MAX + 1];

	if (strcmp(k, "dsn-notify") == 0)
		return dsn_parse_notify(v, &d->notify) == 0 && d->notify != 0 ?
		    1 : -1;
	if (strcmp(k, "dsn-ret") == 0)
		return dsn_parse_ret(v, &d->ret) == 0 && d->ret !=
		    DSN_RET_UNSET ? 1 : -1;
	if (strcmp(k, "dsn-envid") == 0)
		return dsn_unxtext(v, raw, sizeof(raw)) == 0 &&
		    dsn_set_envid(d, raw) == 0 ? 1 : -1;
	return 0;
}

int
queue_env_format(const struct qenv *q, char *out, size_t cap, size_t *len)
{
	char err[ERR_MSG_MAX];
	size_t n = 0, i;
	int r;

	err_sanitize(err, sizeof(err), q->last_error, strlen(q->last_error));
	r = snprintf(out, cap, "%s\nid: %s\naccount: %s\nsender: %s\n"
	    "created: %jd\nattempts: %u\nnext-try: %jd\nlast-error: %s\n"
	    "possible-duplicate: %s\nsize: %zu\nsmtputf8: %s\neightbit: %s\n"
	    "uid: %ju\n", QUEUE_ENV_VERSION, q->id, q->account, q->env.sender,
	    (intmax_t)q->created, q->attempts, (intmax_t)q->next_try, err,
	    qenv_yn(q->dup_risk), q->env.size, qenv_yn(q->env.smtputf8),
	    qenv_yn(q->env.eightbit), (uintmax_t)q->uid);
	if (r < 0 || (size_t)r >= cap)
		return -1;
	n = (size_t)r;
	if (qenv_dsn_format(&q->env.dsn, out + n, cap - n, &n) == -1)
		return -1;
	/* written only when set: older runners read every entry as before */
	if (q->notice) {
		r = snprintf(out + n, cap - n, "notice: yes\n");
		if (r < 0 || (size_t)r >= cap - n)
			return -1;
		n += (size_t)r;
	}
	for (i = 0; i < q->env.nrcpts; i++) {
		r = snprintf(out + n, cap - n, "rcpt: %s\n", q->env.rcpts[i]);
		if (r < 0 || (size_t)r >= cap - n)
			return -1;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

static int
qenv_num(const char *v, uintmax_t max, uintmax_t *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	*out = strtoumax(v, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

static int
qenv_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
		*out = v[0] == 'y';
		return 0;
	}
	return -1;
}

static bool
qenv_known(const char *k)
{
	static const char *const keys[] = {
		"id", "account", "created", "next-try", "attempts", "size",
		"uid", "possible-duplicate", "smtputf8", "eightbit", "notice"
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i], k) == 0)
			return true;
	return false;
}

/* One "key: value" line; 1 when key was known and good, 0 unknown. */
static int
qenv_line(struct qenv *q, const char *k, char *v, unsigned *seen)
{
	uintmax_t n;
	int dsn;

	if ((dsn = qenv_dsn_line(&q->env.dsn, k, v)) != 0)
		return dsn;
	if (strcmp(k, "rcpt") == 0) {
		if (q->env.nrcpts == QENV_MAX_RCPTS || v[0] == '\0')
			return -1;
		q->rcptv[q->env.nrcpts++] = v;
		return 1;
	}
	if (strcmp(k, "id") == 0 && queue_id_valid(v))
		memcpy(q->id, v, QUEUE_ID_LEN + 1);
	else if (strcmp(k, "account") == 0 && v[0] != '\0')
		q->account = v;
	else if (strcmp(k, "sender") == 0)
		q->env.sender = v;
	else if (strcmp(k, "created") == 0 && qenv_num(v, INT64_MAX, &n) == 0)
		q->created = (time_t)n;
	else if (strcmp(k, "next-try") == 0 && qenv_num(v, INT64_MAX, &n) == 0)
		q->next_try = (time_t)n;
	else if (strcmp(k, "attempts") == 0 && qenv_num(v, 100000, &n) == 0)
		q->attempts = (unsigned)n;
	else if (strcmp(k, "size") == 0 && qenv_num(v, SIZE_MAX, &n) == 0)
		q->env.size = (size_t)n;
	else if (strcmp(k, "uid") == 0 && qenv_num(v, UINT32_MAX, &n) == 0)
		q->uid = (uid_t)n;
	else if (strcmp(k, "last-error") == 0)
		snprintf(q->last_error, sizeof(q->last_error), "%s", v);
	else if (!(strcmp(k, "possible-duplicate") == 0 &&
	    qenv_bool(v, &q->dup_risk) == 0) &&
	    !(strcmp(k, "smtputf8") == 0 &&
	    qenv_bool(v, &q->env.smtputf8) == 0) &&
	    !(strcmp(k, "eightbit") == 0 &&
	    qenv_bool(v, &q->env.eightbit) == 0) &&
	    !(strcmp(k, "notice") == 0 && qenv_bool(v, &q->notice) == 0))
		return qenv_known(k) ? -1 : 0;	/* known key, bad value */
	if (strcmp(k, "id") == 0)
		*seen |= 1;
	else if (strcmp(k, "account") == 0)
		*seen |= 2;
	else if (strcmp(k, "sender") == 0)
		*seen |= 4;
	else if (strcmp(k, "created") == 0)
		*seen |= 8;
	return 1;
}

int
queue_env_parse(const char *text, size_t len, struct qenv *q, struct err *e)
{
	char *line, *nl, *colon;
	unsigned seen = 0;
	size_t vl = strlen(QUEUE_ENV_VERSION);

	memset(q, 0, sizeof(*q));
	if (len > QUEUE_ENV_MAX || memchr(text, '\0', len) != NULL)
		return err_set(e, EX_DATAERR, "envelope too long or binary");
	if (len < vl + 1 || memcmp(text, QUEUE_ENV_VERSION, vl) != 0 ||
	    text[vl] != '\n')
		return err_set(e, EX_DATAERR, "envelope of an unknown version");
	q->buf = malloc(len + 1);
	q->rcptv = calloc(QENV_MAX_RCPTS, sizeof(*q->rcptv));
	q->env.rcpts = q->rcptv;
	if (q->buf == NULL || q->rcptv == NULL) {
		queue_env_free(q);
		return err_sys(e, EX_OSERR, "out of memory");
	}
	memcpy(q->buf, text, len);
	q->buf[len] = '\0';
	for (line = q->buf + vl + 1; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL ||
		    (colon = strstr(line, ": ")) == NULL || colon > nl)
			break;
		*nl = '\0';
		*colon = '\0';
		if (qenv_line(q, line, colon + 2, &seen) == -1)
			break;
	}
	if (*line != '\0' || seen != 15 || q->env.nrcpts == 0) {
		queue_env_free(q);
		return err_set(e, EX_DATAERR, "damaged envelope");
	}
	return 0;
}

void
queue_env_free(struct qenv *q)
{
	free(q->buf);
	free(q->rcptv);
	q->buf = NULL;
	q->rcptv = NULL;
	q->env.rcpts = NULL;
	q->env.nrcpts = 0;
}

int
queue_id_new(char id[QUEUE_ID_LEN + 1], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[QUEUE_ID_LEN / 2];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return err_sys(e, EX_OSERR, "getrandom");
	for (i = 0; i < sizeof(r); i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 0xf];
	}
	id[QUEUE_ID_LEN] = '\0';
	return 0;
}

bool
queue_id_valid(const char *s)
{
	size_t i;

	for (i = 0; i < QUEUE_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[QUEUE_ID_LEN] == '\0';
}

time_t
queue_backoff(unsigned attempts)
{
	time_t d = QUEUE_RETRY_FIRST;

	while (attempts > 1 && d < QUEUE_RETRY_MAX) {
		d *= 2;
		attempts--;
	}
	return d < QUEUE_RETRY_MAX ? d : QUEUE_RETRY_MAX;
}

time_t
queue_wait(unsigned attempts, const struct err *e)
{
	time_t d = queue_backoff(attempts), r = (time_t)e->retry_after;

	if (r > QUEUE_RETRY_AFTER_MAX)
		r = QUEUE_RETRY_AFTER_MAX;
	return r > d ? r : d;
}
