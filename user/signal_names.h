/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Signal names, default actions and si_code origins, as users know them. */
#ifndef IPCSNOOP_SIGNAL_NAMES_H
#define IPCSNOOP_SIGNAL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* "SIGUSR1", "SIGRTMIN+3", "SIG32" */
void signal_name(int signo, char *buf, size_t cap);
/* Default action of a signal: "term", "core", "stop", "cont" or "ignore". */
const char *signal_default_action(int signo);
/* Where a generated signal came from, from its si_code and the sender's syscall. */
const char *signal_origin(int signo, int si_code, long long syscall_nr, bool sender_is_kthread);
/* Whether the origin names the kernel (no user process) as the sender. */
bool signal_origin_is_kernel(const char *origin);
/* TRACE_SIGNAL_* result as a word */
const char *signal_result_name(int result);

#endif
