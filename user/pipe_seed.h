/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Filter set-up for pipes: the pipes a selected process already holds. */
#ifndef IPCSNOOP_PIPE_SEED_H
#define IPCSNOOP_PIPE_SEED_H

#include <linux/types.h>

/*
 * Put every pipe and FIFO process pid has open into the kernel's map of pipes
 * of interest (map_fd: the pipe_interest map), so that with -p PID the writes
 * of other processes into PID's pipes are kept from the start, not only after
 * PID's next read. Returns how many were added, or -1 if /proc/PID/fd cannot
 * be read (the filter still works, from PID's next pipe operation on).
 */
int pipe_seed_interest(int map_fd, __u32 pid);

#endif
