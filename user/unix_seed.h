/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Filter set-up for unix sockets: does a selected process already hold a socket? */
#ifndef IPCSNOOP_UNIX_SEED_H
#define IPCSNOOP_UNIX_SEED_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * Does process pid have a socket open (any family: /proc/PID/fd tells the
 * type, not the family), or can its fds not be read? Then the BPF side must
 * tag every sender from the start (unix_interest_any): a process the filter
 * does not select may be writing into that socket already.
 */
bool unix_seed_holds_socket(__u32 pid);

#endif
