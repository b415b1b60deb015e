/*
 * doctor_sys.c - outpost doctor and the system-wide relay (outpost(8)
 * SECURITY): as root, the modes the model needs, each a check line; as
 * any other user, what that user can see - the system file is root's
 * and group outpost's on purpose, so doctor says so and points to root
 * rather than failing on it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "doctor_sys.h"
#include "priv.h"

/* "root:outpost 0640" of st into buf. */
static const char *
sys_mode(const struct stat *st, char *buf, size_t cap)
{
	const struct passwd *pw = getpwuid(st->st_uid);
	const struct group *gr = getgrgid(st->st_gid);

	snprintf(buf, cap, "%s:%s %04o", pw != NULL ? pw->pw_name : "?",
	    gr != NULL ? gr->gr_name : "?", (unsigned)(st->st_mode & 07777));
	return buf;
}

bool
doctor_sys_caller(FILE *f, const char *config)
{
	const char *path = priv_path(PRIV_PATH_CONFIG);
	const struct passwd *pw = getpwuid(getuid());
	char m[64];
	struct stat st, self;

	if (config != NULL || getuid() == 0 || !priv_system_build() ||
	    stat(path, &st) == -1 || access(path, R_OK) == 0 ||
	    errno != EACCES)
		return false;
	fprintf(f, "outpost doctor: the system relay, as %s (uid %lu)\n\n",
	    pw != NULL ? pw->pw_name : "?", (unsigned long)getuid());
	fprintf(f, "  %-12s %-4s  %s: %s, not readable by this user (as "
	    "intended)\n", "config", "-", path, sys_mode(&st, m, sizeof(m)));
	if (stat("/proc/self/exe", &self) == 0)
		fprintf(f, "  %-12s %-4s  this outpost is %s%s\n", "program",
		    (self.st_mode & S_ISGID) != 0 ? "ok" : "FAIL",
		    sys_mode(&self, m, sizeof(m)),
		    (self.st_mode & S_ISGID) != 0 ? ": it reads the system "
		    "file for this user" : ": not setgid, so this user "
		    "cannot send through the system file");
	if (stat(priv_path(PRIV_PATH_QUEUE), &st) == 0)
		fprintf(f, "  %-12s %-4s  %s: %s\n", "queue", "ok",
		    priv_path(PRIV_PATH_QUEUE), sys_mode(&st, m, sizeof(m)));
	fprintf(f, "\nRecommendation: run `sudo outpost doctor` (with --auth "
	    "to try the password) for the account, its secret and the "
	    "smarthost.\n");
	return true;
}

/* One check: path's mode against what the model wants. */
static void
sys_want(struct doctor_sys_line *l, const char *name, const char *path,
    mode_t mode, bool owner_queue)
{
	struct stat st, q;
	char m[64];

	l->name = name;
	if (stat(path, &st) == -1) {
		l->state = 0;
		snprintf(l->detail, sizeof(l->detail), "%s: %s", path,
		    strerror(errno));
		return;
	}
	l->state = (st.st_mode & 07777) == mode;
	if (owner_queue && stat(priv_path(PRIV_PATH_QUEUE), &q) == 0)
		l->state = l->state && st.st_uid == q.st_uid;
	sys_mode(&st, m, sizeof(m));
	if (l->state)
		snprintf(l->detail, sizeof(l->detail), "%s: %s", path, m);
	else
		snprintf(l->detail, sizeof(l->detail), "%s: %s (want %04o%s)",
		    path, m, (unsigned)mode, owner_queue ? ", owned by the "
		    "queue's user" : "");
}

size_t
doctor_sys_root(const char *config, bool oauth2, struct doctor_sys_line *l,
    size_t cap)
{
	size_t n = 0;

	if (getuid() != 0 || !priv_system_build() || config == NULL ||
	    strcmp(config, priv_path(PRIV_PATH_CONFIG)) != 0 || cap < 5)
		return 0;
	sys_want(&l[n++], "system file", config, 0640, false);
	sys_want(&l[n++], "queue", priv_path(PRIV_PATH_QUEUE), 02750, true);
	sys_want(&l[n++], "queue helper", priv_path(PRIV_PATH_HELPER),
	    06755, true);
	if (!oauth2)
		return n;
	sys_want(&l[n++], "token store", priv_path(PRIV_PATH_OAUTH2), 0700,
	    true);
	sys_want(&l[n++], "token helper", priv_path(PRIV_PATH_TOKEN_HELPER),
	    06750, true);
	return n;
}
