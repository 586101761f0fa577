// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unix sockets under -s: the kernel counted the receives it paired by tag
 * (bpf/unix.bpf.h, map unix_agg), one entry per (sender process, receiver
 * process, sending socket, receiving socket and what names them). Each entry
 * becomes one edge standing for its count, built as the streamed path builds
 * the edge of one receive, so the summary rows are the same.
 */
#include <string.h>
#include "correlator.h"
#include "unix_model.h"

static void agg_sock(struct unix_sock_info *s, const struct unix_agg_sock *k, const char *addr)
{
	memset(s, 0, sizeof(*s));
	s->sk = k->sk;
	s->peer = k->peer;
	s->inode = k->inode;
	s->type = k->type;
	s->flags = k->flags;
	s->addr_len = k->addr_len < IPCSNOOP_PATH_LEN ? k->addr_len : IPCSNOOP_PATH_LEN;
	memcpy(s->addr, addr, s->addr_len);
}

void unix_model_aggregated(struct unix_model *m, const struct unix_agg_key *k,
			   const struct unix_agg_val *v, size_t n)
{
	struct correlator *c = unix_model_correlator(m);
	struct unix_sock_info s;

	/* first what the records would have taught: processes and open sockets */
	for (size_t i = 0; i < n; i++) {
		correlator_learn_proc(c, k[i].dst_tgid, v[i].dst_tid, v[i].dst_comm, k[i].dst_start_ns,
				      v[i].dst_ns_tgid, v[i].dst_cgroup_id, v[i].last_ns);
		agg_sock(&s, &k[i].src, v[i].src_addr);
		unix_model_learn(m, &s);
		agg_sock(&s, &k[i].dst, v[i].dst_addr);
		unix_model_learn(m, &s);
	}
	for (size_t i = 0; i < n; i++) {
		struct unix_rx rx = { .tgid = k[i].dst_tgid, .tid = v[i].dst_tid,
				      .start_ns = k[i].dst_start_ns };
		struct unix_group g;
		struct unix_sock_info rsock;

		if (!v[i].count)
			continue;
		memcpy(rx.comm, v[i].dst_comm, IPCSNOOP_COMM_LEN);
		memset(&g, 0, sizeof(g));
		g.how = UNIX_SENDER_TAG;
		g.tgid = k[i].src_tgid;
		g.tid = v[i].src_tid ? v[i].src_tid : k[i].src_tgid;
		memcpy(g.comm, v[i].src_comm, IPCSNOOP_COMM_LEN);
		agg_sock(&g.sender, &k[i].src, v[i].src_addr);
		g.ts = v[i].first_ns;
		g.last_ns = v[i].last_ns;
		g.bytes = v[i].bytes;
		g.messages = v[i].messages > 0xffffffffu ? 0xffffffffu : v[i].messages;
		g.count = v[i].count;
		g.start_ns = k[i].src_start_ns;
		agg_sock(&rsock, &k[i].dst, v[i].dst_addr);
		unix_model_emit(m, &rx, &g, &rsock);
	}
}
