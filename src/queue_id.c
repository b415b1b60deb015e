/*
 * queue_id.c - a queue id as people type it: the full 32 hex digits or
 * any prefix of them that names one entry, in the queue of any account.
 *
 * Malformed (not hex, too long): 64.  Names no entry, or several: 67
 * (EX_NOUSER, "addressee unknown": the thing named is not there), so a
 * script tells a typo from an entry already delivered or dropped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "queue_run.h"

#define QID_SHOW	40	/* bytes of a bad id in a message */

/* Count the ids of the queue at path that start with want. */
static int
qid_scan(const char *path, const char *want, char out[QUEUE_ID_LEN + 1],
    size_t *n, struct err *e)
{
	char (*ids)[QUEUE_ID_LEN + 1] = NULL;
	struct queue q;
	size_t nids, i, len = strlen(want);

	if (access(path, F_OK) == -1)
		return 0;
	if (queue_open(path, false, &q, e) == -1)
		return -1;
	if (queue_ids(&q, &ids, &nids, e) == -1) {
		queue_close(&q);
		return -1;
	}
	for (i = 0; i < nids; i++) {
		if (strncmp(ids[i], want, len) != 0)
			continue;
		if (*n == 0 || strcmp(out, ids[i]) != 0)
			(*n)++;
		memcpy(out, ids[i], QUEUE_ID_LEN + 1);
	}
	free(ids);
	queue_close(&q);
	return 0;
}

int
queue_id_resolve(const struct config *cfg, const char *in,
    char out[QUEUE_ID_LEN + 1], struct err *e)
{
	char want[QUEUE_ID_LEN + 1], path[QUEUE_PATH_MAX];
	size_t i, len = strlen(in), n = 0;

	if (len == 0 || len > QUEUE_ID_LEN)
		return err_set(e, EX_USAGE, "not a queue id: %.*s (an id or "
		    "its first digits, as mailq shows it)", QID_SHOW, in);
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)in[i]))
			return err_set(e, EX_USAGE, "not a queue id: %.*s (an "
			    "id or its first digits, as mailq shows it)",
			    QID_SHOW, in);
		want[i] = (char)tolower((unsigned char)in[i]);
	}
	want[len] = '\0';
	for (i = 0; i < cfg->naccounts; i++) {
		if (queue_path(cfg->accounts[i].queue_dir, path, sizeof(path),
		    e) == -1)
			return -1;
		if (!queue_path_seen(cfg, i, path) &&
		    qid_scan(path, want, out, &n, e) == -1)
			return -1;
	}
	if (n == 1)
		return 0;
	if (n == 0)
		return err_set(e, EX_NOUSER, "no queued message %s (mailq "
		    "lists them)", want);
	return err_set(e, EX_NOUSER, "queue id %s is ambiguous: %zu messages "
	    "start with it (give more digits)", want, n);
}
