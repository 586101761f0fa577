/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes and FIFOs: one byte FIFO (pipe_stream) per pipe, in a capped table;
 * each read becomes one edge per writer whose bytes it took.
 */
#ifndef IPCSNOOP_PIPE_MODEL_H
#define IPCSNOOP_PIPE_MODEL_H

#include "correlator.h"
#include "pipe_stream.h"

#define PIPE_MODEL_PIPES 4096            /* pipes tracked at once */
#define PIPE_MODEL_BUCKETS 8192          /* power of two */
#define PIPE_MODEL_SEGS_TOTAL 65536      /* segments in all pipes together */
#define PIPE_MODEL_IDLE_NS (30ull * 1000 * 1000 * 1000)   /* empty pipes forgotten after */

struct pipe_state {
	struct pipe_id id;
	struct pipe_state *hnext;            /* hash chain */
	struct pipe_state *older, *newer;    /* LRU list */
	struct pipe_stream st;
	__u64 last_ts;
	__u64 epoch;                         /* loss epoch it is known consistent in */
	bool named;
	char path[IPCSNOOP_FIFO_PATH_LEN];   /* named FIFO: its path, "" if not known */
};

struct pipe_model {
	struct correlator *c;
	struct pipe_state *buckets[PIPE_MODEL_BUCKETS];
	struct pipe_state *oldest, *newest;
	__u32 npipes;
	__u64 segs_total;
	__u64 anomalies;
	__u32 lost_seen;                     /* the kernel's pipe_lost, as last seen */
	__u64 loss_epoch;                    /* bumped when it grows: records were lost */
	struct pipe_sink sink;
};

struct pipe_model *pipe_model_new(struct correlator *c);
void pipe_model_free(struct pipe_model *m);
int pipe_model_record(struct pipe_model *m, const struct rec_header *h, size_t len);
void pipe_model_tick(struct pipe_model *m, __u64 now_ns);
void pipe_model_flush(struct pipe_model *m);
struct pipe_state *pipe_model_find(struct pipe_model *m, const struct pipe_id *id);

/* pipe_edges.c: results to edges */
void pipe_edges_read(void *ctx, struct pipe_stream *ps, const struct pipe_read *r);
void pipe_edges_unread(void *ctx, struct pipe_stream *ps, const struct pipe_credit *c, __u64 ts,
		       const char *why);
const char *pipe_op_name(unsigned op);
#define PIPE_WHY_LOST "records-lost"     /* records of this pipe may be missing */

#endif
