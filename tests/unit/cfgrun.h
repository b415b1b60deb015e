/*
 * cfgrun.h - shared helpers for the configuration unit tests (header only).
 *
 * mem_open() opens len bytes of text (NULs included) as a read-only
 * stream.  parse() runs cfg_parse_stream() on such a stream under the
 * name "t.conf", so every error message starts "t.conf:".  all_zero()
 * says whether n bytes are all NUL: the buffers that held a file's bytes
 * must be wiped.  Used by t-cfg.c and t-cfg-file.c; each function is
 * static and marked unused, so a program may take only what it needs.
 */
#ifndef OUTPOST_CFGRUN_H
#define OUTPOST_CFGRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "cfg.h"
#include "err.h"

static FILE * __attribute__((unused))
mem_open(const char *text, size_t len)
{
	return fmemopen((void *)(uintptr_t)text, len, "r");
}

static int __attribute__((unused))
parse(const char *text, size_t len, struct config *cfg, struct err *e)
{
	FILE *fp;
	int r;

	err_init(e);
	if ((fp = mem_open(text, len)) == NULL)
		return err_sys(e, EX_SOFTWARE, "fmemopen");
	r = cfg_parse_stream(fp, "t.conf", cfg, e);
	fclose(fp);
	return r;
}

static int __attribute__((unused))
all_zero(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != '\0')
			return 0;
	return 1;
}

#endif
