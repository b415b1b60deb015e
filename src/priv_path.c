/*
 * priv_path.c - where the system configuration, the system queue, the
 * queue helper, the OAuth2 token store and its helper live.
 * Compiled-in paths only: a setgid or setuid outpost
 * never takes a path from its caller.  The one exception is the test
 * sysroot of --enable-test-hooks builds, which are never installed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR	"/usr/libexec/outpost"
#endif

/* The test sysroot, or NULL: root-owned, writable by root only. */
static const char *
priv_sysroot(void)
{
#ifdef OUTPOST_TEST_HOOKS
	const char *r = getenv("OUTPOST_TEST_SYSROOT");
	struct stat st;

	if (r == NULL || r[0] != '/' || stat(r, &st) == -1 ||
	    !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) != 0)
		return NULL;
	return r;
#else
	return NULL;
#endif
}

const char *
priv_path(enum priv_path which)
{
	static char buf[5][PATH_MAX];
	static const char *const sys[] = {
		SYSCONFDIR "/outpost.conf",
		LOCALSTATEDIR "/spool/outpost",
		PKGLIBEXECDIR "/outpost-queue",
		LOCALSTATEDIR "/lib/outpost/oauth2",
		PKGLIBEXECDIR "/outpost-oauth2"
	};
	static const char *const test[] = {
		"outpost.conf", "spool", "outpost-queue", "oauth2",
		"outpost-oauth2"
	};
	const char *root = priv_sysroot();

	if (root == NULL)
		return sys[which];
	snprintf(buf[which], sizeof(buf[which]), "%s/%s", root, test[which]);
	return buf[which];
}

bool
priv_system_build(void)
{
#ifdef OUTPOST_SETGID
	return true;
#else
	return priv_sysroot() != NULL;
#endif
}

bool
priv_queue_shared(const char *path)
{
	return priv_system_build() &&
	    strcmp(path, priv_path(PRIV_PATH_QUEUE)) == 0;
}

bool
priv_sys_secret(const struct stat *st)
{
	struct stat c;

	return priv_system_build() && st->st_uid == 0 && st->st_gid != 0 &&
	    stat(priv_path(PRIV_PATH_CONFIG), &c) == 0 && c.st_uid == 0 &&
	    c.st_gid == st->st_gid;
}
