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
/* found or made (NULL: out of memory) */
struct pipe_state *pipe_model_get(struct pipe_model *m, const struct pipe_id *id, __u64 ts, bool named);

/* pipe_edges.c: results to edges */
void pipe_edges_read(void *ctx, struct pipe_stream *ps, const struct pipe_read *r);
void pipe_edges_unread(void *ctx, struct pipe_stream *ps, const struct pipe_credit *c, __u64 ts,
		       const char *why);
const char *pipe_op_name(unsigned op);
/* the object and attributes every pipe edge has */
void pipe_edge_base(struct edge *e, const struct pipe_state *p, __u64 ts, __u64 bytes);

/* pipe_agg.c, -s: pipes counted in the kernel (bpf/pipe_agg.bpf.h) */
void pipe_model_aggregated(struct pipe_model *m, const struct pipe_agg_key *k,
			   const struct pipe_agg_val *v, size_t n);
/* a HANDOVER record (or the same built at the end from the kernel's table) */
int pipe_model_handover(struct pipe_model *m, const struct rec_pipe_handover *r);
/* the end: what the kernel still holds for a pipe it counts, as a handover */
void pipe_agg_state_to_handover(struct rec_pipe_handover *r, const struct pipe_id *id,
				const struct pipe_agg_state *st);
#define PIPE_WHY_LOST "records-lost"     /* records of this pipe may be missing */

#endif
