/*
 * cmd_oauth2.h - private to the "outpost oauth2" subcommand: its options,
 * what a browser redirect (or a pasted one) carried, and the parts in
 * their own files: the device login (cmd_oauth2_device.c), reading a
 * pasted redirect (cmd_oauth2_paste.c), status and logout
 * (cmd_oauth2_status.c).  Each returns 0 or -1 with e, like a cmd_fn.
 */
#ifndef OUTPOST_CMD_OAUTH2_H
#define OUTPOST_CMD_OAUTH2_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define OAUTH2_LOGIN_WAIT_MS	(5 * 60 * 1000)	/* the user's whole login */
#define OAUTH2_REQ_MAX		8192	/* request head, or a pasted line */
#define OAUTH2_PARAM_MAX	2048	/* one decoded query value */

/* "outpost oauth2 VERB [options]" */
struct oauth2_cmd {
	const char	*verb;		/* login, status, logout */
	const char	*acct;		/* -a */
	const char	*conf;		/* -C */
	bool		 sys;		/* --system: the system file, as root */
	bool		 device;	/* --device */
	bool		 paste;		/* --paste */
	int		 port;		/* --port N; 0: none */
};

/* What the redirect carried. */
struct login_req {
	char	code[OAUTH2_PARAM_MAX];
	char	state[OAUTH2_PARAM_MAX];
	char	error[OAUTH2_PARAM_MAX];
	bool	bare;		/* a pasted bare code: no state to check */
};

/* The value of key in query q, decoded: 1 found, 0 not, -1 too long. */
int	oauth2_query_get(const char *q, const char *key, char *out,
	    size_t cap);
/* The account has somewhere to keep a refresh token. */
int	oauth2_login_where(const struct account *, struct err *);
/* The pasted redirect address (or bare code) from stdin into r. */
int	oauth2_paste_read(struct login_req *r, struct err *);
/* The pure part of that: one pasted line into r. */
int	oauth2_paste_parse(const char *line, struct login_req *r,
	    struct err *);
int	oauth2_cmd_device(const struct account *, struct err *);
int	oauth2_cmd_status(const struct config *, const char *acct,
	    struct err *);
int	oauth2_cmd_logout(const struct account *, struct err *);

#endif
