/*
 * api_body.c - the streamed body of an API request (api_body.h).
 *
 * The body is three segments: head, message, tail.  The message segment
 * goes through a stage buffer: API_BODY_CHUNK message bytes at a time,
 * base64-encoded when asked (a multiple of 3, so the chunks encode to
 * one continuous base64 text).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "api_body.h"
#include "b64.h"

static size_t
api_body_msg_len(const struct api_body *b)
{
	size_t n = (b->prefix != NULL ? strlen(b->prefix) : 0) + b->size;

	return b->b64 ? (n + 2) / 3 * 4 : n;
}

size_t
api_body_len(const struct api_body *b)
{
	return b->head_len + api_body_msg_len(b) + b->tail_len;
}

void
api_body_rewind(struct api_body *b)
{
	b->pos = 0;
	b->raw = 0;
	b->stage_len = 0;
	b->stage_off = 0;
}

/* n message bytes from offset off (prefix, then spool) into buf. */
static int
api_body_raw(struct api_body *b, size_t off, char *buf, size_t n,
    struct err *e)
{
	size_t plen = b->prefix != NULL ? strlen(b->prefix) : 0, k;
	ssize_t r;

	if (off < plen) {
		k = plen - off < n ? plen - off : n;
		memcpy(buf, b->prefix + off, k);
		buf += k;
		off += k;
		n -= k;
	}
	for (off -= plen; n > 0; off += (size_t)r, buf += r, n -= (size_t)r) {
		r = pread(b->fd, buf, n, (off_t)off);
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r == -1)
			return err_sys(e, EX_IOERR, "reading the spooled "
			    "message");
		if (r == 0)
			return err_set(e, EX_IOERR, "the spooled message "
			    "is shorter than its size");
	}
	return 0;
}

/* Refill the stage with the next chunk of the message. */
static int
api_body_fill(struct api_body *b, struct err *e)
{
	char in[API_BODY_CHUNK];
	size_t total = (b->prefix != NULL ? strlen(b->prefix) : 0) + b->size;
	size_t n = total - b->raw < sizeof(in) ? total - b->raw : sizeof(in);

	if (api_body_raw(b, b->raw, in, n, e) == -1)
		return -1;
	b->raw += n;
	b->stage_off = 0;
	if (b->b64) {
		b->stage_len = b64_encode(in, n, b->stage);
	} else {
		memcpy(b->stage, in, n);
		b->stage_len = n;
	}
	explicit_bzero(in, sizeof(in));
	return 0;
}

ssize_t
api_body_read(struct api_body *b, char *buf, size_t cap, struct err *e)
{
	size_t mlen = api_body_msg_len(b), done = 0, k;

	while (done < cap && b->pos < api_body_len(b)) {
		if (b->pos < b->head_len) {
			k = b->head_len - b->pos;
			k = k < cap - done ? k : cap - done;
			memcpy(buf + done, b->head + b->pos, k);
		} else if (b->pos < b->head_len + mlen) {
			if (b->stage_off == b->stage_len &&
			    api_body_fill(b, e) == -1)
				return -1;
			k = b->stage_len - b->stage_off;
			k = k < cap - done ? k : cap - done;
			memcpy(buf + done, b->stage + b->stage_off, k);
			b->stage_off += k;
		} else {
			k = api_body_len(b) - b->pos;
			k = k < cap - done ? k : cap - done;
			memcpy(buf + done, b->tail + (b->pos - b->head_len -
			    mlen), k);
		}
		done += k;
		b->pos += k;
	}
	return (ssize_t)done;
}
