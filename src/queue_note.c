/*
 * queue_note.c - what a person needs to know about a message that was
 * queued: why, when the next try is, and what will make it: a queue
 * runner, if one is set up, else "outpost -q" by hand.
 *
 * A runner is "found" when its systemd timer is enabled (the wants/ link
 * systemctl enable makes) for this user or for all users, or, for the
 * system queue, the system timer or a file in /etc/cron.d.  A user's
 * crontab cannot be read from here, so without a timer the line says
 * "no timer found" rather than "none".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg_path.h"
#include "log.h"
#include "priv.h"
#include "queue_run.h"

#define QN_PATH_MAX	4096	/* a unit path */

static const char *const qn_user_units[] = {
	"/etc/systemd/user/timers.target.wants/outpost-user-queue.timer",
	NULL
};
static const char *const qn_system_units[] = {
	"/etc/systemd/system/timers.target.wants/outpost-queue.timer",
	"/etc/cron.d/outpost",
	"/etc/cron.d/outpost-queue",
	NULL
};

static bool
qn_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool
queue_runner_found(bool shared, char *what, size_t cap)
{
	const char *const *u = shared ? qn_system_units : qn_user_units;
	char path[QN_PATH_MAX];
	const char *xdg, *home;

	for (; *u != NULL; u++)
		if (qn_exists(*u)) {
			snprintf(what, cap, "%s", strrchr(*u, '/') + 1);
			return true;
		}
	if (shared)
		return false;
	xdg = getenv("XDG_CONFIG_HOME");
	home = cfg_path_home();
	if (xdg != NULL && xdg[0] == '/')
		snprintf(path, sizeof(path), "%s/systemd/user/timers.target."
		    "wants/outpost-user-queue.timer", xdg);
	else if (home != NULL)
		snprintf(path, sizeof(path), "%s/.config/systemd/user/"
		    "timers.target.wants/outpost-user-queue.timer", home);
	else
		return false;
	if (!qn_exists(path))
		return false;
	snprintf(what, cap, "outpost-user-queue.timer");
	return true;
}

void
queue_note_queued(const struct qenv *qe, const struct account *a,
    char *buf, size_t cap)
{
	char when[16], runner[64], path[QUEUE_PATH_MAX];
	struct tm tm;
	struct err e;
	time_t wait = qe->next_try - qe->created;
	bool shared;

	err_init(&e);
	shared = queue_path(a->queue_dir, path, sizeof(path), &e) == 0 &&
	    priv_queue_shared(path);
	if (localtime_r(&qe->next_try, &tm) == NULL ||
	    strftime(when, sizeof(when), "%H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "later");
	if (qe->next_try == 0 &&	/* held: no time, the first run after */
	    queue_runner_found(shared, runner, sizeof(runner)))
		snprintf(buf, cap, "queued as %s: %s; then the next queue run "
		    "(%s, or outpost -q) sends it", qe->id, qe->last_error,
		    runner);
	else if (qe->next_try == 0)
		snprintf(buf, cap, "queued as %s: %s; then outpost -q sends it "
		    "(no queue runner timer was found)", qe->id,
		    qe->last_error);
	else if (queue_runner_found(shared, runner, sizeof(runner)))
		snprintf(buf, cap, "queued as %s: %s; next try at %s (in "
		    "%jds) by %s, or now with: outpost -q%s", qe->id,
		    qe->last_error, when, (intmax_t)wait, runner,
		    qe->dup_risk ? " (possible duplicate: the server may "
		    "already have it)" : "");
	else
		snprintf(buf, cap, "queued as %s: %s; next try at %s (in "
		    "%jds), but no queue runner timer was found: run outpost "
		    "-q then (or set one up: outpost(8), QUEUE)%s", qe->id,
		    qe->last_error, when, (intmax_t)wait, qe->dup_risk ?
		    " (possible duplicate: the server may already have it)" :
		    "");
}

unsigned
queue_note_skipped(const struct qenv *qe, time_t now)
{
	log_debug("%s: skipped: next try in %jds (after %u tr%s; last: %s); "
	    "-q --flush or -q --id %.8s sends it now", qe->id,
	    (intmax_t)(qe->next_try - now), qe->attempts, qe->attempts == 1 ?
	    "y" : "ies", qe->last_error[0] != '\0' ? qe->last_error :
	    "none", qe->id);
	return 1;
}
