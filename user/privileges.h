/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Once the programs are loaded and attached, the maps open and COMMAND
 * started, ipcsnoop needs no capability: the ring buffer is polled and the
 * maps read through fds it already holds. Drop them all, for good.
 */
#ifndef IPCSNOOP_PRIVILEGES_H
#define IPCSNOOP_PRIVILEGES_H

#include <stdbool.h>

/* Empty the capability sets and set no_new_privs. Kept only when needed:
 * CAP_KILL (keep_kill) to pass stop signals on to a -u COMMAND, CAP_SYS_PTRACE
 * (keep_ptrace) to read other processes' /proc/PID/maps (shm attachments of
 * processes whose exit is not traced). Returns 0, or -1 after printing an error. */
int privileges_drop(bool keep_kill, bool keep_ptrace);

#endif
