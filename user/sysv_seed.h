/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Filter set-up for SysV message queues: the queue a selected process waits on. */
#ifndef IPCSNOOP_SYSV_SEED_H
#define IPCSNOOP_SYSV_SEED_H

#include <linux/types.h>

/*
 * With -p PID: if PID is blocked in msgsnd or msgrcv (/proc/PID/syscall), put
 * that queue into the kernel's map of queues of interest (map_fd), so that the
 * other processes' sends to it are recorded from the start. Returns 1 if a
 * queue was added, 0 if none, -1 if /proc could not be read.
 */
int sysv_seed_interest(int map_fd, __u32 pid);

#endif
