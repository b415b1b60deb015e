/*
 * t-route.c - the remembered-endpoint state file (route.c): its path from
 * XDG_STATE_HOME / HOME, finding and editing an account's line, and the
 * file round trip; plus the RFC 8305 address order of conn_race.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "route.h"
#include "tap.h"

#define T_BUF	512

static const struct {
	const char	*xdg, *home, *want;	/* want NULL: -1 */
} paths[] = {
	{ "/s", "/h", "/s/outpost/routes" },
	{ NULL, "/h", "/h/.local/state/outpost/routes" },
	{ "rel", "/h", "/h/.local/state/outpost/routes" },
	{ "", "/h", "/h/.local/state/outpost/routes" },
	{ NULL, NULL, NULL },
	{ NULL, "rel", NULL },
};

static const struct {
	const char	*text, *account, *host;	/* host NULL: not found */
	int		 port;
} finds[] = {
	{ "work\tmx.example\t465\n", "work", "mx.example", 465 },
	{ "a\th1\t587\nwork\th2\t2525\n", "work", "h2", 2525 },
	{ "workx\th\t587\n", "work", NULL, 0 },
	{ "wor\th\t587\n", "work", NULL, 0 },
	{ "work\th\t587", "work", NULL, 0 },		/* torn line */
	{ "work\th\t0\n", "work", NULL, 0 },
	{ "work\th\t65536\n", "work", NULL, 0 },
	{ "work\th\t58x\n", "work", NULL, 0 },
	{ "work\t\t587\n", "work", NULL, 0 },
	{ "work\th\t\n", "work", NULL, 0 },
	{ "work\th\tx\t587\n", "work", NULL, 0 },
	{ "", "work", NULL, 0 },
	{ "my acct\t::1\t10025\n", "my acct", "::1", 10025 },
};

static const struct {
	const char	*text, *account, *host;	/* host NULL: forget */
	int		 port;
	const char	*want;
} edits[] = {
	{ "", "w", "h", 465, "w\th\t465\n" },
	{ "w\th\t587\n", "w", "h", 465, "w\th\t465\n" },
	{ "a\tx\t25\nw\th\t587\nb\ty\t26\n", "w", NULL, 0,
	    "a\tx\t25\nb\ty\t26\n" },
	{ "a\tx\t25\n", "w", "h", 2525, "a\tx\t25\nw\th\t2525\n" },
	{ "a\tx\t25\ntorn", "a", NULL, 0, "" },
	{ "wx\th\t1\n", "w", NULL, 0, "wx\th\t1\n" },
};

static const struct {
	int	fam[6];
	size_t	n;
	size_t	want[6];
} orders[] = {
	{ { 6, 6, 4, 4 }, 4, { 0, 2, 1, 3 } },
	{ { 4, 6, 6 }, 3, { 0, 1, 2 } },
	{ { 4, 4, 4, 6 }, 4, { 0, 3, 1, 2 } },
	{ { 6 }, 1, { 0 } },
	{ { 4, 4 }, 2, { 0, 1 } },
};

static void
test_paths(void)
{
	char buf[T_BUF];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		rc = route_path(paths[i].xdg, paths[i].home, buf, sizeof(buf));
		if (paths[i].want == NULL)
			is_int(rc, -1, "path %zu: no absolute directory", i);
		else
			is_str(rc == 0 ? buf : NULL, paths[i].want, "path %zu",
			    i);
	}
	is_int(route_path("/a/long/dir", NULL, buf, 8), -1,
	    "path: too long for the buffer");
}

static void
test_finds(void)
{
	struct route r;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		memset(&r, 0, sizeof(r));
		rc = route_find(finds[i].text, strlen(finds[i].text),
		    finds[i].account, &r);
		if (finds[i].host == NULL) {
			is_int(rc, 0, "find %zu: nothing", i);
			continue;
		}
		ok(rc == 1 && strcmp(r.host, finds[i].host) == 0 &&
		    r.port == finds[i].port, "find %zu: %s port %d", i,
		    finds[i].host, finds[i].port);
	}
}

static void
test_edits(void)
{
	char out[T_BUF];
	struct route r;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		if (edits[i].host != NULL) {
			snprintf(r.host, sizeof(r.host), "%s", edits[i].host);
			r.port = edits[i].port;
		}
		rc = route_edit(edits[i].text, strlen(edits[i].text),
		    edits[i].account, edits[i].host != NULL ? &r : NULL, out,
		    sizeof(out));
		is_str(rc == 0 ? out : NULL, edits[i].want, "edit %zu", i);
	}
	is_int(route_edit("a\tb\t1\n", 6, "c", NULL, out, 6), -1,
	    "edit: does not fit");
}

static void
test_orders(void)
{
	size_t got[6], i;

	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		conn_race_order(orders[i].fam, orders[i].n, got);
		is_mem(got, orders[i].n * sizeof(size_t), orders[i].want,
		    orders[i].n * sizeof(size_t), "address order %zu", i);
	}
}

/* Remember, read back, forget: a private file in a new directory. */
static void
test_file(void)
{
	char dir[] = "/tmp/t-route.XXXXXX", path[T_BUF];
	struct route r = { "mx.example", 2525 }, got;
	struct stat st;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	setenv("XDG_STATE_HOME", dir, 1);
	is_int(route_load("w", &got), 0, "file: nothing remembered yet");
	route_store("w", &r);
	ok(route_load("w", &got) == 1 && got.port == 2525 &&
	    strcmp(got.host, "mx.example") == 0, "file: remembered");
	snprintf(path, sizeof(path), "%s/outpost/routes", dir);
	ok(stat(path, &st) == 0 && (st.st_mode & 077) == 0,
	    "file: private (0600)");
	route_store("w", NULL);
	is_int(route_load("w", &got), 0, "file: forgotten");
	unlink(path);
	snprintf(path, sizeof(path), "%s/outpost", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	test_paths();
	test_finds();
	test_edits();
	test_orders();
	test_file();
	return done_testing();
}
