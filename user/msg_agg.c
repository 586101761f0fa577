// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SysV message queues under -s: the kernel counted the receives of queues
 * whose every message type had one sender (bpf/msg_agg.bpf.h, map msg_agg),
 * one entry per (sender process, receiver process, queue). Each entry becomes
 * one edge standing for its count, named as msg_model.c names the edge of one
 * receive, so the summary rows are the same.
 */
#include "sysv_model.h"

void msg_model_aggregated(struct correlator *c, const struct msg_agg_key *k,
			  const struct msg_agg_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		correlator_learn_proc(c, k[i].src_tgid, v[i].src_tid, v[i].src_comm,
				      k[i].src_start_ns, v[i].src_ns_tgid, v[i].src_cgroup_id,
				      v[i].first_ns);
		correlator_learn_proc(c, k[i].dst_tgid, v[i].dst_tid, v[i].dst_comm,
				      k[i].dst_start_ns, v[i].dst_ns_tgid, v[i].dst_cgroup_id,
				      v[i].last_ns);
	}
	for (size_t i = 0; i < n; i++) {
		char key[24];
		struct edge e;

		if (!v[i].count)
			continue;
		edge_init(&e, IPC_MSG, v[i].first_ns);
		endpoint_set_started(&e.src, k[i].src_tgid, v[i].src_tid, v[i].src_comm,
				     k[i].src_start_ns);
		endpoint_set_started(&e.dst, k[i].dst_tgid, v[i].dst_tid, v[i].dst_comm,
				     k[i].dst_start_ns);
		sysv_key_str(key, sizeof(key), true, k[i].qkey);
		edge_set_object(&e, "msq key=%s id=%d", key, k[i].id);
		e.has_bytes = true;
		e.bytes = v[i].bytes;
		e.count = v[i].count;
		e.last_ns = v[i].last_ns;
		e.inferred = false;
		edge_attr_str(&e, "op", "message");
		edge_attr_int(&e, "msqid", k[i].id);
		edge_attr_str(&e, "key", key);
		edge_attr_int(&e, "messages", (long long)v[i].count);
		edge_set_detail(&e, "messages=%llu bytes=%llu (counted in the kernel)",
				(unsigned long long)v[i].count, (unsigned long long)v[i].bytes);
		correlator_emit(c, &e);
	}
}
