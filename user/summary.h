/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Edges aggregated by (source process, destination process, kind, object):
 * count, bytes, first and last seen. A bounded table: when it is full, the
 * row updated least recently is folded into one "(other)" row (its counts
 * kept there, never dropped) and its place goes to the new key.
 */
#ifndef IPCSNOOP_SUMMARY_H
#define IPCSNOOP_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>
#include "edge.h"

#define SUMMARY_MAX_ROWS 16384

struct summary_row {
	enum ipc_kind kind;
	struct endpoint src, dst;
	char object[EDGE_OBJECT_LEN];
	unsigned object_len;
	__u64 count, bytes;
	bool has_bytes;
	__u64 first_ns, last_ns;
	__u64 hash;
	unsigned newer, older;        /* recency list: row index + 1, 0 = none */
};

struct summary {
	struct summary_row *rows;
	unsigned nrows;
	unsigned *slots;              /* open addressing: row index + 1, 0 = empty */
	unsigned newest, oldest;      /* ends of the recency list */
	struct summary_row other;     /* rows evicted from the full table */
	__u64 folded;                 /* edges folded into "other" */
	__u64 evicted;                /* rows folded into "other" */
};

/* What was lost, per kind, for the footer */
struct loss_counts {
	__u64 dropped[IPC_KIND_COUNT];   /* ring buffer full in the kernel */
	__u64 gave_up[IPC_KIND_COUNT];   /* pairings the correlator gave up on */
	__u64 evicted[IPC_KIND_COUNT];   /* table entries evicted when full */
	__u64 malformed;
};

int summary_init(struct summary *s);
void summary_free(struct summary *s);
void summary_reset(struct summary *s);
void summary_add(struct summary *s, const struct edge *e);
/* Rows sorted by bytes, then count (descending); *n set; caller frees. */
struct summary_row **summary_sorted(const struct summary *s, unsigned *n);

struct output;
/* Print the table (text or JSON per the output) with a loss footer. */
void summary_print(const struct summary *s, struct output *o, const char *scope,
		   double seconds, const struct loss_counts *loss);

#endif
