/*
 * msg_int.h - private to msg.c and msg_hdr.c: the state they share.
 *
 * msg.c owns struct msg_ctx: it reads the input into line[], collects the
 * header block into hbuf (CRLF line ends, no other CR or LF, lines not
 * yet folded: they may exceed MSG_LINE_MAX) and writes the spool through
 * msg_put().
 * msg_hdr.c rewrites the collected header block into the spool
 * (msg_header_write) and checks the options it uses for the fields it
 * adds (msg_check_opts).  Nothing here is part of the API of msg.h.
 */
#ifndef OUTPOST_MSG_INT_H
#define OUTPOST_MSG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"
#include "msg.h"

#define MSG_WRITE_BUF		(16 * 1024)

struct msg_ctx {
	const struct msg_opts *opts;
	struct msg_info	*info;
	struct err	*e;
	int		 in_fd;
	size_t		 in_pos;
	size_t		 in_len;
	size_t		 in_total;	/* bytes read */
	bool		 in_eof;
	bool		 in_hdr;	/* in the header block: lone CR = SP */
	size_t		 crs;		/* lone CRs still due as spaces */
	int		 out_fd;
	size_t		 out_len;
	size_t		 out_total;	/* bytes written */
	bool		 eightbit;
	char		*hbuf;		/* MSG_MAX_HEADER_BYTES */
	char		 own[ADDR_MAX + 1];	/* opts->sender_hdr, checked */
	size_t		 hlen;
	size_t		 rcap;		/* slots in info->rcpts */
	size_t		 llen;		/* bytes in line */
	bool		 ended;		/* line[] ends its line */
	bool		 pending;	/* line[] is the first body line */
	bool		 stop;		/* input over: EOF or "." */
	char		 line[MSG_LINE_MAX];
	char		 in_buf[MSG_READ_CHUNK];
	char		 out_buf[MSG_WRITE_BUF];
};

/* msg.c: append n bytes to the spool (buffered); notes 8-bit bytes. */
int	msg_put(struct msg_ctx *, const char *, size_t);

/* msg_hdr.c: -F is safe in a header line (the domain: when used). */
int	msg_check_opts(const struct msg_opts *, struct err *);
/*
 * msg_hdr.c: write hbuf to the spool without the stripped fields, lines
 * over MSG_LINE_MAX folded, with -t collect the recipients (from the
 * lines as read), add the missing Date/Message-ID/From and the empty
 * line that ends the header block.
 */
int	msg_header_write(struct msg_ctx *);

#endif
