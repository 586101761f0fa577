/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Messages for the user: errors and warnings on stderr, prefixed "ipcsnoop: ". */
#ifndef IPCSNOOP_LOG_H
#define IPCSNOOP_LOG_H

#include <stdbool.h>

extern bool log_verbose;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
