// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pipes under -s: the kernel counted the reads of one-writer pipes
 * (bpf/pipe_agg.bpf.h, map pipe_agg), one entry per (writer process, reader
 * process, pipe). Each entry becomes one edge standing for its count, named
 * as the streamed path names the edge of one read (pipe_edge_base), so the
 * summary rows are the same. A pipe that goes back to streaming first hands
 * over the bytes the kernel still holds for its writer (HANDOVER record, or
 * at the end the kernel's table itself): they join the pipe's byte FIFO.
 */
#include <string.h>
#include "pipe_model.h"

void pipe_model_aggregated(struct pipe_model *m, const struct pipe_agg_key *k,
			   const struct pipe_agg_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		correlator_learn_proc(m->c, k[i].src_tgid, v[i].src_tid, v[i].src_comm, k[i].src_start_ns,
			    v[i].src_ns_tgid, v[i].src_cgroup_id, v[i].first_ns);
		correlator_learn_proc(m->c, k[i].dst_tgid, v[i].dst_tid, v[i].dst_comm, k[i].dst_start_ns,
			    v[i].dst_ns_tgid, v[i].dst_cgroup_id, v[i].last_ns);
	}
	for (size_t i = 0; i < n; i++) {
		struct pipe_state p = { .id = k[i].id };   /* anonymous pipes only */
		struct edge e;

		if (!v[i].count)
			continue;               /* made, then its read streamed */
		pipe_edge_base(&e, &p, v[i].first_ns, v[i].bytes);
		endpoint_set_started(&e.src, k[i].src_tgid, v[i].src_tid, v[i].src_comm, k[i].src_start_ns);
		endpoint_set_started(&e.dst, k[i].dst_tgid, v[i].dst_tid, v[i].dst_comm, k[i].dst_start_ns);
		e.count = v[i].count;
		e.last_ns = v[i].last_ns;
		e.inferred = false;
		edge_attr_str(&e, "read_op", pipe_op_name(v[i].rop));
		edge_attr_str(&e, "write_op", pipe_op_name(v[i].wop));
		edge_attr_int(&e, "reads", (long long)v[i].count);
		edge_set_detail(&e, "bytes=%llu %s->%s reads=%llu (counted in the kernel)",
				(unsigned long long)v[i].bytes, pipe_op_name(v[i].wop),
				pipe_op_name(v[i].rop), (unsigned long long)v[i].count);
		correlator_emit(m->c, &e);
	}
}

int pipe_model_handover(struct pipe_model *m, const struct rec_pipe_handover *r)
{
	struct pipe_state *p;
	struct pipe_proc w = { .tgid = r->owner_tgid, .tid = r->owner_tid, .known = true };

	if (!r->id.ino || r->op >= PIPE_OP_COUNT || r->inflight > 1 || !r->owner_tgid ||
	    (r->inflight && r->taken > r->count))
		return -1;
	memcpy(w.comm, r->owner_comm, sizeof(w.comm));
	correlator_learn_proc(m->c, r->owner_tgid, r->owner_tid, r->owner_comm, r->owner_start_ns,
		    r->owner_ns_tgid, r->owner_cgroup_id, r->run_ts);
	p = pipe_model_get(m, &r->id, r->hdr.ts_ns, false);
	if (!p)
		return 0;
	pipe_stream_handover(&p->st, &w, r->run_ts, r->done, r->inflight, r->enter_ts, r->count,
			     r->taken, r->op ? r->op : PIPE_OP_WRITE);
	return 0;
}

void pipe_agg_state_to_handover(struct rec_pipe_handover *r, const struct pipe_id *id,
				const struct pipe_agg_state *st)
{
	__s64 pend = (__s64)(st->ctl & PIPE_AGG_PEND_MASK) - (__s64)PIPE_AGG_BIAS;
	__u32 busy = (st->ctl >> PIPE_AGG_TID_SHIFT) & PIPE_AGG_TID_MASK;

	memset(r, 0, sizeof(*r));
	r->hdr.type = REC_PIPE_HANDOVER;
	r->hdr.size = sizeof(*r);
	r->hdr.ts_ns = st->run_ts;
	r->hdr.tgid = st->owner_tgid;
	r->hdr.tid = st->owner_tid;
	memcpy(r->hdr.comm, st->owner_comm, sizeof(r->hdr.comm));
	r->hdr.ns_tgid = st->owner_ns_tgid;
	r->hdr.cgroup_id = st->owner_cgroup_id;
	r->hdr.start_ns = st->owner_start_ns;
	r->id = *id;
	r->done = pend > 0 ? (__u64)pend : 0;
	r->run_ts = st->run_ts;
	r->owner_tgid = st->owner_tgid;
	r->owner_tid = st->owner_tid;
	memcpy(r->owner_comm, st->owner_comm, sizeof(r->owner_comm));
	r->owner_start_ns = st->owner_start_ns;
	r->owner_ns_tgid = st->owner_ns_tgid;
	r->owner_cgroup_id = st->owner_cgroup_id;
	if (busy) {
		r->inflight = 1;
		r->taken = pend < 0 ? (__u64)-pend : 0;
		r->enter_ts = (st->ctl & PIPE_AGG_INFO) ? st->enter_ts : st->run_ts;
		r->count = (st->ctl & PIPE_AGG_INFO) ? st->count : 1ull << 62;
		r->op = (st->ctl & PIPE_AGG_INFO) ? st->op : PIPE_OP_WRITE;
		if (r->taken > r->count)
			r->taken = r->count;
	}
}
