/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --dot FILE: a Graphviz graph of who talked to whom, from the summary. */
#ifndef IPCSNOOP_DOT_H
#define IPCSNOOP_DOT_H

#include "summary.h"

/* Open (create, truncate) at start, while ipcsnoop still has its privileges; NULL after an error. */
FILE *dot_open(const char *path);
/* Write the graph and close f. Returns 0, or -1 after printing an error. */
int dot_write(FILE *f, const char *path, const struct summary *s);

#endif
