/*
 * cmd_import.h - "outpost import-msmtprc [FILE]": an msmtp configuration
 * printed as outpost's (cmd_import.c; the conversion: import_msmtp.c).
 */
#ifndef OUTPOST_CMD_IMPORT_H
#define OUTPOST_CMD_IMPORT_H

#include "cmd.h"

cmd_fn	cmd_import_msmtprc;

#endif
