/*
 * msgrun.h - shared helpers for the msg_read() unit tests (header only).
 *
 * struct run holds one run's result: the spool as read back (out, outlen,
 * NUL-terminated), the msg_info, the err and msg_read()'s return value.
 * opts is the msg_opts every run uses; opts_reset() restores the defaults.
 * run_mem() reads its input from a memfd, run_split() from an AF_UNIX
 * SOCK_SEQPACKET pair, one packet per piece (so each read() returns one
 * piece), run_fd() from any descriptor.  run_free() releases a run.
 */
#ifndef OUTPOST_MSGRUN_H
#define OUTPOST_MSGRUN_H

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "msg.h"

struct run {
	char		*out;
	size_t		 outlen;
	struct msg_info	 info;
	struct err	 e;
	int		 rc;
};

static struct msg_opts opts;

static void __attribute__((unused))
opts_reset(void)
{
	memset(&opts, 0, sizeof(opts));
	opts.dot_ends = false;
	opts.domain = "example.org";
	opts.now = 1795491742;
}

static void __attribute__((unused))
run_fd(int in_fd, struct run *r)
{
	struct stat st;
	int sp;

	sp = memfd_create("spool", MFD_CLOEXEC);
	err_init(&r->e);
	r->rc = msg_read(in_fd, &opts, sp, &r->info, &r->e);
	fstat(sp, &st);
	r->outlen = (size_t)st.st_size;
	r->out = calloc(1, r->outlen + 1);
	if (pread(sp, r->out, r->outlen, 0) != (ssize_t)r->outlen)
		r->outlen = 0;
	close(sp);
}

static void __attribute__((unused))
run_mem(const char *in, size_t len, struct run *r)
{
	int fd = memfd_create("in", MFD_CLOEXEC);

	if (write(fd, in, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	run_fd(fd, r);
	close(fd);
}

/* Input split into packets at the offsets in cut[] (ascending). */
static void __attribute__((unused))
run_split(const char *in, size_t len, const size_t *cut, size_t ncut,
    struct run *r)
{
	int sv[2];
	size_t i, from = 0, to;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		abort();
	for (i = 0; i <= ncut; i++) {
		to = i < ncut ? cut[i] : len;
		if (to > from && write(sv[0], in + from, to - from) !=
		    (ssize_t)(to - from))
			abort();
		from = to;
	}
	shutdown(sv[0], SHUT_WR);
	run_fd(sv[1], r);
	close(sv[0]);
	close(sv[1]);
}

static void __attribute__((unused))
run_free(struct run *r)
{
	free(r->out);
	msg_info_free(&r->info);
}

#endif /* OUTPOST_MSGRUN_H */
