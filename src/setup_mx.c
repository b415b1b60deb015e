/*
 * setup_mx.c - the MX hosts of a domain, most preferred first, through
 * the system resolver (res_query, two seconds, one try, in a worker
 * thread waited for SETUP_MX_MS at most: setup asks once, a user
 * waits).  The answer is parsed here, bounded by its length; dn_expand()
 * does the name compression.
 *
 * Test builds: OUTPOST_TEST_MX, when set, is the answer for every
 * domain: the MX host names separated by spaces (empty: no MX).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "setup.h"
#include "worker.h"

#define MX_ANSWER_MAX	4096	/* a DNS answer over UDP or TCP */
#define MX_HOST_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789.-"

/* The query's job: worker.c may hand it to the thread for good. */
struct mx_job {
	char		 domain[SETUP_HOST_MAX];
	unsigned char	 ans[MX_ANSWER_MAX];
	int		 len;
};

struct mx_row {
	int	pref;
	char	host[SETUP_HOST_MAX];
};

#ifdef OUTPOST_TEST_HOOKS
static int
mx_test(const char *list, char mx[][SETUP_HOST_MAX], size_t max)
{
	size_t n = 0, len;

	while (*list != '\0' && n < max) {
		len = strcspn(list, " ");
		if (len > 0 && len < SETUP_HOST_MAX) {
			memcpy(mx[n], list, len);
			mx[n++][len] = '\0';
		}
		list += len;
		list += strspn(list, " ");
	}
	return (int)n;
}
#endif

/* One answer record at *p: an MX into r (1), another type (0), -1. */
static int
mx_record(const unsigned char *msg, const unsigned char *end,
    const unsigned char **p, struct mx_row *r)
{
	char name[NS_MAXDNAME];
	unsigned type, rdlen;
	int n;

	if ((n = dn_expand(msg, end, *p, name, sizeof(name))) < 0 ||
	    end - (*p + n) < 10)
		return -1;
	*p += n;
	type = (unsigned)((*p)[0] << 8 | (*p)[1]);
	rdlen = (unsigned)((*p)[8] << 8 | (*p)[9]);
	*p += 10;
	if ((size_t)(end - *p) < rdlen)
		return -1;
	n = 0;
	if (type == ns_t_mx && rdlen > 2) {
		r->pref = (*p)[0] << 8 | (*p)[1];
		n = dn_expand(msg, end, *p + 2, r->host, sizeof(r->host)) < 0 ?
		    -1 : 1;
	}
	*p += rdlen;
	return n;
}

static int
mx_cmp(const void *a, const void *b)
{
	return ((const struct mx_row *)a)->pref -
	    ((const struct mx_row *)b)->pref;
}

static int
mx_parse(const unsigned char *msg, int len, char mx[][SETUP_HOST_MAX],
    size_t max)
{
	const unsigned char *p = msg + 12, *end = msg + len;
	struct mx_row rows[SETUP_MAX_MX * 2];
	size_t nr = 0, i;
	unsigned qd, an;
	int n;

	if (len < 12)
		return -1;
	qd = (unsigned)(msg[4] << 8 | msg[5]);
	an = (unsigned)(msg[6] << 8 | msg[7]);
	for (; qd > 0; qd--) {
		if ((n = dn_skipname(p, end)) < 0 || end - (p + n) < 4)
			return -1;
		p += n + 4;
	}
	for (; an > 0 && nr < sizeof(rows) / sizeof(rows[0]); an--) {
		if ((n = mx_record(msg, end, &p, &rows[nr])) == -1)
			return -1;
		nr += (size_t)n;
	}
	qsort(rows, nr, sizeof(rows[0]), mx_cmp);
	/* dn_expand() writes odd bytes as \DDD: such a name is no host */
	for (i = n = 0; i < nr && (size_t)n < max; i++)
		if (strspn(rows[i].host, MX_HOST_CHARS) ==
		    strlen(rows[i].host))
			memcpy(mx[n++], rows[i].host, SETUP_HOST_MAX);
	return n;
}

/* In the worker thread: the query, into the job it owns. */
static void
mx_thread(void *arg)
{
	struct mx_job *j = arg;

	if (res_init() == 0) {
		_res.retrans = 2;	/* _res is the thread's own in glibc */
		_res.retry = 1;
	}
	j->len = res_query(j->domain, ns_c_in, ns_t_mx, j->ans,
	    MX_ANSWER_MAX);
}

int
setup_mx(const char *domain, char mx[][SETUP_HOST_MAX], size_t max,
    struct err *e)
{
	struct mx_job *j;
	int n, r;

#ifdef OUTPOST_TEST_HOOKS
	if (getenv("OUTPOST_TEST_MX") != NULL)
		return mx_test(getenv("OUTPOST_TEST_MX"), mx, max);
#endif
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return err_sys(e, EX_OSERR, "out of memory");
	snprintf(j->domain, sizeof(j->domain), "%s", domain);
	if ((r = worker_run(mx_thread, free, j, SETUP_MX_MS)) == 0)
		return err_set(e, EX_TEMPFAIL, "MX of %s: no answer within "
		    "%d ms", domain, SETUP_MX_MS);	/* the thread frees j */
	if (r == -1)
		mx_thread(j);
	if (j->len < 0) {
		free(j);
		return 0;	/* no MX, or no answer: a quiet source */
	}
	n = mx_parse(j->ans, j->len < MX_ANSWER_MAX ? j->len : MX_ANSWER_MAX,
	    mx, max);
	free(j);
	if (n < 0)
		return err_set(e, EX_TEMPFAIL, "MX of %s: malformed DNS "
		    "answer", domain);
	return n;
}
