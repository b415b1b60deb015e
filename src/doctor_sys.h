/*
 * doctor_sys.h - what outpost doctor says about the system-wide relay
 * (doctor_sys.c).
 */
#ifndef OUTPOST_DOCTOR_SYS_H
#define OUTPOST_DOCTOR_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct doctor_sys_line {
	const char	*name;
	int		 state;		/* 1 ok, 0 FAIL */
	char		 detail[160];
};

/*
 * Not root, no -C, and the system file is there but not readable by
 * this user: print what the user can see and where to go on (root),
 * and return true; false when doctor should go on as usual.
 */
bool	doctor_sys_caller(FILE *, const char *config);
/*
 * Root with the system file loaded from config: the modes of the file,
 * the queue and the helper - with oauth2 (the account refreshes its
 * tokens) also the token store and its helper - as check lines (cap at
 * least 5); how many.
 */
size_t	doctor_sys_root(const char *config, bool oauth2,
	    struct doctor_sys_line *, size_t cap);

#endif
