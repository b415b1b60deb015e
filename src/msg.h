/*
 * msg.h - the message: stdin -> header fixes -> canonical spool.
 *
 * msg_read() reads the message from in_fd, ends it at EOF (or at a lone
 * "." line unless -i), and writes to spool_fd exactly the bytes that go on
 * the wire before dot-stuffing: CRLF line ends, Bcc/Resent-Bcc removed,
 * Date:, Message-ID: and From: added when missing, a final CRLF, lines
 * over MSG_LINE_MAX octets split.  Memory is bounded by the header cap;
 * the body streams through a fixed buffer.
 */
#ifndef OUTPOST_MSG_H
#define OUTPOST_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "hdr_local.h"

#define MSG_MAX_HEADER_BYTES	(256 * 1024)	/* whole header block */
#define MSG_MAX_RCPTS		1000		/* recipients from -t */
#define MSG_LINE_MAX		998		/* RFC 5322 2.1.1, w/o CRLF */
#define MSG_READ_CHUNK		(64 * 1024)

/* set_from_header: add a missing From: / always replace it / never. */
enum msg_from { MSG_FROM_AUTO = 0, MSG_FROM_ON, MSG_FROM_OFF };

struct msg_opts {
	bool		 dot_ends;	/* no -i: a lone "." line ends input */
	bool		 read_rcpts;	/* -t: To/Cc/Bcc become recipients */
	const char	*sender;	/* envelope sender, for From: */
	const char	*fullname;	/* -F, may be NULL */
	const char	*domain;	/* right side of an added Message-ID */
	time_t		 now;		/* for Date: */
	enum msg_from	 set_from;
	hdr_local_fn	 local;		/* local names in From/To/Cc, or NULL */
	void		*local_arg;
	/*
	 * A restricted caller (priv.h): the address it sends as.  A
	 * Sender: it wrote is dropped, and Sender: <this> is added when
	 * From: names anyone else (RFC 5322 3.6.2: the agent responsible
	 * for the transmission).  NULL: headers as the caller wrote them.
	 */
	const char	*sender_hdr;
};

struct msg_info {
	size_t		 size;		/* bytes written to the spool */
	bool		 eightbit;	/* some byte >= 0x80 */
	char		**rcpts;	/* -t recipients, heap, in order */
	size_t		 nrcpts;
	bool		 added_date;
	bool		 added_msgid;
	bool		 added_from;
	size_t		 split_lines;	/* over-long lines that were split */
};

int	msg_read(int in_fd, const struct msg_opts *, int spool_fd,
	    struct msg_info *, struct err *);
void	msg_info_free(struct msg_info *);
/*
 * RFC 5322 3.3 date, English names whatever the locale, numeric zone:
 * "Tue, 24 Nov 2026 03:42:22 +0000".  out holds at least 40 bytes.
 */
void	msg_date(time_t, char *out, size_t cap);

#endif
