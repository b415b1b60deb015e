/*
 * t-cfg-file.c - getting the configuration from its file: cfg_load().
 *
 * cfg_load() is tested on real files in a private temporary directory,
 * on pipes and on /dev/fd paths: the owner and mode checks of fstat()
 * (a file with a password or passwordeval must be private, any file must
 * not be writable by others, nor owned by another uid), what is not a
 * regular file or pipe, and the search order when no -C is given.  The
 * buffers that held the file's bytes (inih's line buffer, our stdio
 * buffer) are checked to be wiped.  The parsing of the text itself is in
 * t-cfg.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_int.h"
#include "cfgrun.h"
#include "tap.h"

/* ---- wiping ------------------------------------------------------- */

/* inih's line buffer is wiped when the reader stops: at EOF, on error. */
static void
test_wipe_reader(const char *text, size_t len, const char *name)
{
	char line[64];
	struct cfg_ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->fp = mem_open(text, len)) == NULL) {
		ok(0, "reader %s: %s", name, strerror(errno));
		free(c);
		return;
	}
	c->file = "t.conf";
	memset(line, 'x', sizeof(line));
	while (cfg_read_line(line, (int)sizeof(line), c) != NULL)
		continue;
	ok(all_zero(line, sizeof(line)), "reader: line buffer wiped %s",
	    name);
	fclose(c->fp);
	free(c);
}

static void
test_wipe(void)
{
	static const char text[] = "[a]\nhost = h\npassword = s3cret\n";
	char iobuf[CFG_IOBUF];
	struct config cfg;
	struct err e;
	FILE *fp;

	test_wipe_reader(text + 4, sizeof(text) - 5, "at EOF");
	test_wipe_reader("password = s3cret\0\n", 19, "on an error");
	memset(iobuf, 'x', sizeof(iobuf));
	err_init(&e);
	if ((fp = mem_open(text, sizeof(text) - 1)) == NULL) {
		ok(0, "fmemopen: %s", strerror(errno));
		return;
	}
	if (cfg_parse_private(fp, iobuf, sizeof(iobuf), "t.conf", &cfg,
	    &e) == 0) {
		is_str(cfg.accounts[0].password, "s3cret", "parse through "
		    "our stdio buffer");
		cfg_free(&cfg);
	} else
		ok(0, "parse through our stdio buffer: %s", e.msg);
	ok(all_zero(iobuf, sizeof(iobuf)), "our stdio buffer is wiped");
}

/* ---- cfg_load() on real files ------------------------------------- */

#define PATH_LEN	512
#define PW_CONF		"[a]\nhost = h\npassword = secret\n"
#define NOPW_CONF	"[a]\nhost = h\n"
#define EVAL_CONF	"[a]\nhost = h\npasswordeval = pass show smtp\n"
#define WHY		"who could make outpost run commands as you or send " \
			"your mail elsewhere"

static char	tmpdir[PATH_LEN / 2];

static int
write_file(const char *name, const char *text, mode_t mode, char *path)
{
	int fd;

	snprintf(path, PATH_LEN, "%s/%s", tmpdir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* cfg_load(path): "ok" or "78: <message>" compared with want. */
static void
load_is(const char *path, const char *want, const char *name)
{
	char got[ERR_MSG_MAX + 8];
	struct config cfg;
	struct err e;

	err_init(&e);
	if (cfg_load(path, &cfg, &e) == 0) {
		snprintf(got, sizeof(got), "ok");
		cfg_free(&cfg);
	} else
		snprintf(got, sizeof(got), "%d: %s", e.ex, e.msg);
	if (strcmp(want, "ok") != 0 && strncmp(got, want, 4) == 0 &&
	    strstr(got, want + 4) != NULL)
		snprintf(got, sizeof(got), "%s", want);
	is_str(got, want, "%s", name);
}

static void
test_fds(void)
{
	char path[PATH_LEN], fdpath[PATH_LEN];
	int fd, p[2];

	if (pipe(p) == 0) {
		if (write(p[1], PW_CONF, strlen(PW_CONF)) < 0)
			diag("write: %s", strerror(errno));
		close(p[1]);
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", p[0]);
		load_is(fdpath, "ok", "-C /dev/fd/N of a pipe with a "
		    "password");
		close(p[0]);
	}
	write_file("gone", PW_CONF, 0600, path);
	fd = open(path, O_RDONLY);
	unlink(path);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
	load_is(fdpath, "ok", "-C /dev/fd/N of a deleted private file");
	close(fd);
	write_file("gone", PW_CONF, 0644, path);
	fd = open(path, O_RDONLY);
	unlink(path);
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
	load_is(fdpath, "78: must not be readable", "-C /dev/fd/N of a deleted "
	    "0644 file with a password");
	close(fd);
}

static void
test_owner(void)
{
	char path[PATH_LEN], link[PATH_LEN];

	if (geteuid() != 0) {
		ok(1, "# SKIP owner checks need root (chown)");
		return;
	}
	write_file("other", PW_CONF, 0600, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root, not uid 4242",
	    "password file owned by another uid");
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	if (symlink(path, link) == -1)
		diag("symlink: %s", strerror(errno));
	load_is(link, "78: must be owned by you or root", "symlink to "
	    "another uid's password file");
	unlink(link);
	write_file("other", NOPW_CONF, 0644, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root, not uid 4242, " WHY,
	    "another uid's file without a password");
	write_file("other", EVAL_CONF, 0600, path);
	if (chown(path, 4242, 4242) == -1)
		diag("chown: %s", strerror(errno));
	load_is(path, "78: must be owned by you or root", "another uid's "
	    "file with passwordeval");
	unlink(path);
}

static void
test_search(void)
{
	char path[PATH_LEN], dir[PATH_LEN];
	struct config cfg;
	struct err e;

	snprintf(dir, sizeof(dir), "%s/xdg/outpost", tmpdir);
	snprintf(path, sizeof(path), "%s/xdg", tmpdir);
	if (mkdir(path, 0700) == -1 || mkdir(dir, 0700) == -1)
		diag("mkdir: %s", strerror(errno));
	write_file("xdg/outpost/config", NOPW_CONF, 0600, path);
	dir[strlen(dir) - strlen("/outpost")] = '\0';
	setenv("XDG_CONFIG_HOME", dir, 1);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		is_str(cfg.path, path, "search: "
		    "$XDG_CONFIG_HOME/outpost/config");
		cfg_free(&cfg);
	} else
		ok(0, "search: $XDG_CONFIG_HOME/outpost/config: %s", e.msg);
	unlink(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", tmpdir, 1);
	snprintf(path, sizeof(path), "%s/.config", tmpdir);
	snprintf(dir, sizeof(dir), "%s/.config/outpost", tmpdir);
	if (mkdir(path, 0700) == -1 || mkdir(dir, 0700) == -1)
		diag("mkdir: %s", strerror(errno));
	write_file(".config/outpost/config", NOPW_CONF, 0600, path);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		is_str(cfg.path, path, "search: ~/.config/outpost/config");
		cfg_free(&cfg);
	} else
		ok(0, "search: ~/.config/outpost/config: %s", e.msg);
	unlink(path);
	err_init(&e);
	if (cfg_load(NULL, &cfg, &e) == 0) {
		ok(strstr(cfg.path, "outpost.conf") != NULL, "search: falls "
		    "back to the system file (%s)", cfg.path);
		cfg_free(&cfg);
	} else
		ok(e.ex == EX_CONFIG && strstr(e.msg, path) != NULL &&
		    strstr(e.msg, "outpost.conf") != NULL, "search: none found "
		    "names both files (%s)", e.msg);
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"c644", "c640", "c604", "c600", "c400", "c644n", "c664n",
		"c646n", "c644e", "c640e", "c600e", "bad",
		"xdg/outpost", "xdg", ".config/outpost", ".config", ""
	};
	char path[PATH_LEN];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		if (unlink(path) == -1 && rmdir(path) == -1 && errno != ENOENT)
			diag("cleanup %s: %s", path, strerror(errno));
	}
}

static void
test_files(void)
{
	char path[PATH_LEN], want[2 * PATH_LEN + ERR_MSG_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "%s/t-cfg-file.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	write_file("c644", PW_CONF, 0644, path);
	load_is(path, "78: must not be readable or writable by group or "
	    "others (chmod 600", "0644 with a password");
	write_file("c640", PW_CONF, 0640, path);
	load_is(path, "78: must not be readable", "0640 with a password");
	write_file("c604", PW_CONF, 0604, path);
	load_is(path, "78: must not be readable", "0604 with a password");
	write_file("c600", PW_CONF, 0600, path);
	load_is(path, "ok", "0600 with a password");
	write_file("c400", PW_CONF, 0400, path);
	load_is(path, "ok", "0400 with a password");
	write_file("c644n", NOPW_CONF, 0644, path);
	load_is(path, "ok", "0644 without a password");
	write_file("c664n", NOPW_CONF, 0664, path);
	snprintf(want, sizeof(want), "78: %s must not be writable by group "
	    "or others, " WHY " (chmod 600 %s)", path, path);
	load_is(path, want, "0664 without a password");
	write_file("c646n", NOPW_CONF, 0646, path);
	load_is(path, "78: must not be writable by group or others",
	    "0646 without a password");
	write_file("c644e", EVAL_CONF, 0644, path);
	snprintf(want, sizeof(want), "78: %s holds passwordeval, so it must "
	    "not be readable or writable by group or others (chmod 600 %s)",
	    path, path);
	load_is(path, want, "0644 with passwordeval");
	write_file("c640e", EVAL_CONF, 0640, path);
	load_is(path, "78: holds passwordeval", "0640 with passwordeval");
	write_file("c600e", EVAL_CONF, 0600, path);
	load_is(path, "ok", "0600 with passwordeval");
	write_file("bad", "[a]\nport = 25\n", 0600, path);
	load_is(path, "78: bad:1: account 'a': no host", "errors name the "
	    "file");
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	load_is(path, "78: cannot open", "-C missing file");
	load_is(tmpdir, "78: not a regular file or pipe", "-C a directory");
	load_is("/dev/null", "78: not a regular file or pipe", "-C /dev/null");
	test_fds();
	test_owner();
	test_search();
	cleanup();
}

int
main(void)
{
	test_wipe();
	test_files();
	return done_testing();
}
