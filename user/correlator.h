/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Correlation: records in, edges out. Plain C with no BPF in it, so it can be
 * unit-tested and fuzzed with synthetic record streams. Each IPC kind has its
 * own model (signal_model.c, ...); this module checks records and routes them.
 */
#ifndef IPCSNOOP_CORRELATOR_H
#define IPCSNOOP_CORRELATOR_H

#include <stddef.h>
#include <linux/types.h>
#include "edge.h"
#include "model.h"
#include "proc_cache.h"

typedef void (*edge_fn)(void *ctx, const struct edge *e);

struct corr_stats {
	__u64 records;
	__u64 malformed;                 /* wrong size or unknown type: dropped */
	__u64 gave_up[IPC_KIND_COUNT];   /* pairings the correlator could not make */
	__u64 evicted[IPC_KIND_COUNT];   /* entries dropped because a table was full */
	__u64 edges[IPC_KIND_COUNT];
	__u64 by_type[REC_TYPE_MAX];     /* records received per type (-v prints them) */
};

/*
 * The filter as given on the command line, for models that meet processes no
 * record describes (found in /proc at start-up, or forked by those). Records
 * carry the kernel's verdict; this is only for the others. Zero: no filter.
 */
struct corr_filter {
	bool active;                     /* any of -p, -c, COMMAND */
	bool follow_children;            /* COMMAND: children of selected processes join */
	int npids;
	const __u32 *pids;
	const char *comm;                /* -c, or NULL */
};

struct correlator {
	edge_fn emit;
	void *emit_ctx;
	struct proc_cache procs;
	struct corr_stats stats;
	__u64 hold_ns;                   /* how long an unmatched record may wait */
	__u64 last_ts_ns;                /* newest record time seen */
	void *models[MODEL_COUNT];      /* state of all_models[i] */
	struct corr_filter filter;
};

int correlator_init(struct correlator *c, edge_fn emit, void *emit_ctx);
void correlator_free(struct correlator *c);
/* One record from the ring buffer; returns 0, or -1 if it was malformed. */
int correlator_record(struct correlator *c, const void *data, size_t len);
/* Give up on records held longer than hold_ns before now_ns. */
void correlator_tick(struct correlator *c, __u64 now_ns);
/* How many records the models hold, waiting for their pair. */
size_t correlator_held(struct correlator *c);
/* End of the run: everything still held is emitted or counted. */
void correlator_flush(struct correlator *c);

/* Kinds some model implements (for -t). */
__u32 correlator_kinds_implemented(void);

/* For the models and tests */
void *correlator_model(struct correlator *c, const struct model_ops *ops);
void correlator_emit(struct correlator *c, const struct edge *e);
/* Fill an endpoint from a pid, using the process cache for comm/tid. */
void correlator_endpoint(struct correlator *c, struct endpoint *ep, __u32 tgid, __u32 tid);
/*
 * A process named by a count the kernel kept (-s), not by a record: what its
 * records would have told the process cache (name, start, namespace), for a
 * process the cache does not know yet (a record streamed since may know better:
 * an exec renames). Nothing if the cache's pid is another process's now.
 */
void correlator_learn_proc(struct correlator *c, __u32 tgid, __u32 tid, const char *comm,
			   __u64 start_ns, __u32 ns_tgid, __u64 cgroup_id, __u64 ts);
/* Does the command-line filter select this process? (see struct corr_filter) */
bool correlator_pid_selected(const struct correlator *c, __u32 pid, const char *comm);

#endif
