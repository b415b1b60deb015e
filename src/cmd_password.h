/*
 * cmd_password.h - "outpost password set|check|clear": the account's
 * password in the keyring (cmd_password.c).
 */
#ifndef OUTPOST_CMD_PASSWORD_H
#define OUTPOST_CMD_PASSWORD_H

#include "cmd.h"

cmd_fn	cmd_password;

#endif
