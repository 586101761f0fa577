/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Once the programs are loaded and attached, the maps open and COMMAND
 * started, ipcsnoop needs no capability: the ring buffer is polled and the
 * maps read through fds it already holds. Drop them all, for good.
 */
#ifndef IPCSNOOP_PRIVILEGES_H
#define IPCSNOOP_PRIVILEGES_H

#include <stdbool.h>

/* Empty the capability sets (keeping CAP_KILL if keep_kill: signals to a -u COMMAND)
 * and set no_new_privs. Returns 0, or -1 after printing an error. */
int privileges_drop(bool keep_kill);

#endif
