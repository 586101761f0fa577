/*
 * -s for unix sockets: the entries the kernel counts (map unix_agg) become
 * the same summary rows as the streamed records of the same receives.
 * Each scenario is fed twice: as the records the kernel streams (copy per
 * skb, recv per receive) into one correlator, and as the kernel's entries
 * (keyed as bpf/unix.bpf.h keys them) into another through
 * unix_model_aggregated; the two summaries must hold the same rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"
#include "collect.h"
#include "summary.h"
#include "unix_model.h"
#include "unix_fixture.h"

#define AGG_MAX 64

struct proc {
	__u32 tgid, tid;
	const char *comm;
	__u64 start_ns;
};

static struct correlator streamed, counted;
static struct summary s_rows, c_rows;
static struct collected c_edges;
static struct unix_agg_key keys[AGG_MAX];
static struct unix_agg_val vals[AGG_MAX];
static int nkeys;

static void to_summary(void *ctx, const struct edge *e)
{
	summary_add(ctx, e);
}

static void to_both(void *ctx, const struct edge *e)
{
	summary_add(&c_rows, e);
	collect_edge(ctx, e);
}

static void setup(void)
{
	correlator_free(&streamed);
	correlator_free(&counted);
	summary_free(&s_rows);
	summary_free(&c_rows);
	memset(&c_edges, 0, sizeof(c_edges));
	summary_init(&s_rows);
	summary_init(&c_rows);
	correlator_init(&streamed, to_summary, &s_rows);
	correlator_init(&counted, to_both, &c_edges);
	nkeys = 0;
}

/* A fork record for p, to both: the process cache knows every process, as in COMMAND mode */
static void born(const struct proc *p)
{
	struct rec_proc_fork f;

	make_header(&f.hdr, REC_PROC_FORK, sizeof(f), 1, 1, 1, "init");
	f.child_tgid = p->tgid;
	f.child_tid = p->tgid;
	snprintf(f.child_comm, sizeof(f.child_comm), "%s", p->comm);
	f.child_start_ns = p->start_ns;
	CHECK_EQ_INT(correlator_record(&streamed, &f, sizeof(f)), 0);
	CHECK_EQ_INT(correlator_record(&counted, &f, sizeof(f)), 0);
}

static void agg_sock(struct unix_agg_sock *k, const struct unix_sock_info *s)
{
	memset(k, 0, sizeof(*k));
	k->sk = s->sk;
	k->peer = s->peer;
	k->inode = s->inode;
	k->type = s->type;
	k->flags = s->flags;
	k->addr_len = s->addr_len;
}

/*
 * One receive by rx on rsock of the given skb lengths, all queued by tx on
 * txsock: streamed as copy records and a recv record; counted as the kernel
 * counts it (unix_agg_add: one key per sender, receiver and their sockets).
 */
static void receive(__u64 ts, const struct proc *rx, const struct proc *tx,
		    const struct unix_sock_info *txsock, const struct unix_sock_info *rsock,
		    const __u32 *lens, int nlens, int ret)
{
	struct unix_agg_key key;
	struct rec_unix_recv done;
	__u64 bytes = 0;
	int i;

	for (i = 0; i < nlens; i++) {
		struct rec_unix_copy r;

		make_header(&r.hdr, REC_UNIX_COPY, sizeof(r), ts + i, rx->tgid, rx->tid, "");
		snprintf(r.hdr.comm, sizeof(r.hdr.comm), "%s", rx->comm);
		r.hdr.start_ns = rx->start_ns;
		r.skb = 0xa000 + ts + i;
		r.len = r.skb_len = lens[i];
		r.sender_how = UNIX_SENDER_TAG;
		r.sender_tgid = tx->tgid;
		r.sender_tid = tx->tid;
		snprintf(r.sender_comm, sizeof(r.sender_comm), "%s", tx->comm);
		r.sender = *txsock;
		CHECK_EQ_INT(correlator_record(&streamed, &r, sizeof(r)), 0);
		bytes += lens[i];
	}
	make_header(&done.hdr, REC_UNIX_RECV, sizeof(done), ts + nlens, rx->tgid, rx->tid, "");
	snprintf(done.hdr.comm, sizeof(done.hdr.comm), "%s", rx->comm);
	done.hdr.start_ns = rx->start_ns;
	done.ret = ret;
	done.flags = 0;
	done.sock = *rsock;
	CHECK_EQ_INT(correlator_record(&streamed, &done, sizeof(done)), 0);
	if (ret < 0)
		return;         /* the kernel counts nothing of a failed receive */

	memset(&key, 0, sizeof(key));
	key.src_tgid = tx->tgid;
	key.dst_tgid = rx->tgid;
	key.src_start_ns = tx->start_ns;
	key.dst_start_ns = rx->start_ns;
	agg_sock(&key.src, txsock);
	agg_sock(&key.dst, rsock);
	for (i = 0; i < nkeys; i++)
		if (!memcmp(&keys[i], &key, sizeof(key)))
			break;
	if (i == nkeys) {
		CHECK(nkeys < AGG_MAX, "test table full");
		keys[nkeys] = key;
		memset(&vals[nkeys], 0, sizeof(vals[nkeys]));
		vals[nkeys].first_ns = ts;
		memcpy(vals[nkeys].src_addr, txsock->addr, IPCSNOOP_PATH_LEN);
		memcpy(vals[nkeys].dst_addr, rsock->addr, IPCSNOOP_PATH_LEN);
		nkeys++;
	}
	vals[i].count++;
	vals[i].bytes += bytes;
	vals[i].messages += nlens;
	vals[i].last_ns = ts;
	vals[i].src_tid = tx->tid;
	vals[i].dst_tid = rx->tid;
	snprintf(vals[i].src_comm, IPCSNOOP_COMM_LEN, "%s", tx->comm);
	snprintf(vals[i].dst_comm, IPCSNOOP_COMM_LEN, "%s", rx->comm);
	vals[i].dst_ns_tgid = rx->tgid;
}

/* Both summaries: the same rows, field by field (times too: the same receives). */
static void check_same_rows(int want_rows)
{
	unsigned ns, nc;
	struct summary_row **a, **b;

	correlator_flush(&streamed);
	unix_model_aggregated(correlator_model(&counted, &unix_model_ops), keys, vals, nkeys);
	a = summary_sorted(&s_rows, &ns);
	b = summary_sorted(&c_rows, &nc);
	CHECK_EQ_INT(ns, want_rows);
	CHECK_EQ_INT(nc, want_rows);
	for (unsigned i = 0; i < ns && i < nc; i++) {
		const struct summary_row *x = a[i], *y = b[i];

		CHECK_EQ_INT(y->kind, x->kind);
		CHECK_EQ_INT(y->src.pid, x->src.pid);
		CHECK_EQ_INT(y->src.tid, x->src.tid);
		CHECK_EQ_STR(y->src.comm, x->src.comm);
		CHECK_EQ_INT(y->src.known, x->src.known);
		CHECK_EQ_INT(y->src.start_ns, x->src.start_ns);
		CHECK_EQ_INT(y->dst.pid, x->dst.pid);
		CHECK_EQ_INT(y->dst.tid, x->dst.tid);
		CHECK_EQ_STR(y->dst.comm, x->dst.comm);
		CHECK_EQ_INT(y->dst.start_ns, x->dst.start_ns);
		CHECK_EQ_INT(y->object_len, x->object_len);
		CHECK(!memcmp(y->object, x->object, x->object_len), "object %.*s != %.*s",
		      (int)y->object_len, y->object, (int)x->object_len, x->object);
		CHECK_EQ_INT(y->count, x->count);
		CHECK_EQ_INT(y->bytes, x->bytes);
		CHECK_EQ_INT(y->has_bytes, x->has_bytes);
		CHECK_EQ_INT(y->first_ns, x->first_ns);
		CHECK_EQ_INT(y->last_ns, x->last_ns);
	}
	free(a);
	free(b);
}

static const struct proc parent = { 10, 10, "parent", 1000 }, child = { 20, 21, "child", 2000 };

static void setup_family(void)
{
	setup();
	born(&parent);
	born(&child);
}

static void socketpair_receives_count_as_edges(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 701, STREAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 700, STREAM, 0, NULL, 0);
	const __u32 burst[3] = { 10, 10, 10 }, one[1] = { 3 };

	setup_family();
	receive(100, &child, &parent, &a, &b, burst, 3, 30);     /* 3 skbs, one receive */
	receive(200, &parent, &child, &b, &a, one, 1, 3);
	receive(300, &parent, &child, &b, &a, one, 1, 3);
	receive(400, &child, &parent, &a, &b, one, 1, -14);      /* EFAULT: not counted */
	check_same_rows(2);
	CHECK_EQ_INT(c_edges.n, 2);
	CHECK_EQ_STR(c_edges.edges[0].object, "socketpair:[700]");
	/* one edge per kernel entry, standing for its receives */
	for (int i = 0; i < c_edges.n; i++) {
		const struct edge *e = &c_edges.edges[i];

		if (e->src.pid == parent.tgid) {
			CHECK_EQ_INT(e->count, 1);
			CHECK_EQ_INT(e->bytes, 30);
			CHECK_EQ_INT(attr_int(e, "messages"), 3);
			CHECK_EQ_INT(e->src.start_ns, parent.start_ns);
		} else {
			CHECK_EQ_INT(e->count, 2);
			CHECK_EQ_INT(e->bytes, 6);
			CHECK_EQ_INT(e->ts_ns, 200);
			CHECK_EQ_INT(e->last_ns, 300);
			CHECK_EQ_INT(e->src.start_ns, child.start_ns);
			CHECK_EQ_INT(e->dst.start_ns, parent.start_ns);
		}
		CHECK(!e->inferred, "tagged: exact");
	}
	CHECK_EQ_INT(counted.stats.gave_up[IPC_UNIX], 0);
}

static void named_and_abstract_sockets(void)
{
	static const char path[] = "/run/d.sock", abstract[] = "\0ab\0c";
	/* a datagram client bound to an abstract name, connected to a server on a path */
	struct unix_sock_info cl = sock(0x1000, 0x2000, 801, DGRAM, 0, abstract, sizeof(abstract) - 1);
	struct unix_sock_info sv = sock(0x2000, 0, 802, DGRAM, 0, path, sizeof(path));
	/* a stream server's accepted socket and its client */
	struct unix_sock_info acc = sock(0x3000, 0x4000, 803, STREAM, UNIX_SOCK_ACCEPTED, path, sizeof(path));
	struct unix_sock_info con = sock(0x4000, 0x3000, 804, STREAM, 0, NULL, 0);
	const __u32 four[1] = { 4 }, five[1] = { 5 };

	setup_family();
	receive(100, &parent, &child, &cl, &sv, four, 1, 4);
	receive(110, &child, &parent, &sv, &cl, five, 1, 5);
	receive(120, &parent, &child, &con, &acc, four, 1, 4);
	receive(130, &child, &parent, &acc, &con, five, 1, 5);
	receive(140, &child, &parent, &acc, &con, five, 1, 5);
	check_same_rows(2);      /* both directions of both sockets name the server's path */
	for (int i = 0; i < c_edges.n; i++) {
		const struct edge *e = &c_edges.edges[i];

		CHECK_EQ_STR(e->object, path);
		CHECK_EQ_STR(attr_str(e, "server"), e->src.pid == parent.tgid ? "src" : "dst");
	}
	/* a server on an abstract name: the object holds its NUL */
	setup_family();
	sv = sock(0x2000, 0, 802, DGRAM, 0, abstract, sizeof(abstract) - 1);
	cl = sock(0x1000, 0x2000, 801, DGRAM, 0, NULL, 0);
	receive(100, &parent, &child, &cl, &sv, four, 1, 4);
	check_same_rows(1);
	CHECK_EQ_INT(edge_object_len(&c_edges.edges[0]), 5);
	CHECK(!memcmp(c_edges.edges[0].object, "@ab\0c", 5), "abstract name");
}

static void closed_sender_is_recalled(void)
{
	/* the child's end (the lower inode) was seen open when it received; then it
	 * sent and closed: its data arrives from a socket with no inode */
	struct unix_sock_info kept = sock(0x1000, 0x2000, 902, STREAM, 0, NULL, 0);
	struct unix_sock_info gone_open = sock(0x2000, 0x1000, 901, STREAM, 0, NULL, 0);
	struct unix_sock_info gone = sock(0x2000, 0, 0, STREAM, 0, NULL, 0);
	const __u32 one[1] = { 1 }, seven[1] = { 7 };

	setup_family();
	receive(100, &child, &parent, &kept, &gone_open, one, 1, 1);
	receive(200, &parent, &child, &gone, &kept, seven, 1, 7);
	check_same_rows(2);
	for (int i = 0; i < c_edges.n; i++)
		CHECK_EQ_STR(c_edges.edges[i].object, "socketpair:[901]");
}

static void pid_reuse_and_names(void)
{
	const struct proc first = { 30, 30, "first", 3000 }, second = { 30, 30, "second", 4000 };
	struct unix_sock_info a = sock(0x1000, 0x2000, 11, DGRAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 12, DGRAM, 0, NULL, 0);
	const __u32 one[1] = { 1 };
	unsigned n;
	struct summary_row **rows;

	setup_family();
	born(&first);
	receive(100, &parent, &first, &a, &b, one, 1, 1);
	born(&second);
	receive(200, &parent, &second, &a, &b, one, 1, 1);
	check_same_rows(2);       /* one pid, two processes: two rows */
	rows = summary_sorted(&c_rows, &n);
	CHECK_EQ_INT(n, 2);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ_STR(rows[i]->src.comm, rows[i]->src.start_ns == 3000 ? "first" : "second");
	free(rows);
}

static void receiver_namespace_is_learned(void)
{
	struct unix_sock_info a = sock(0x1000, 0x2000, 11, DGRAM, 0, NULL, 0);
	struct unix_sock_info b = sock(0x2000, 0x1000, 12, DGRAM, 0, NULL, 0);
	const struct proc inner = { 50, 50, "inner", 5000 };
	const __u32 one[1] = { 1 };

	setup();
	receive(100, &inner, &parent, &a, &b, one, 1, 1);
	vals[0].dst_ns_tgid = 2;        /* pid 2 inside its namespace */
	vals[0].dst_cgroup_id = 77;
	unix_model_aggregated(correlator_model(&counted, &unix_model_ops), keys, vals, nkeys);
	CHECK_EQ_INT(c_edges.n, 1);
	CHECK_EQ_INT(c_edges.edges[0].dst.ns_pid, 2);
	CHECK_EQ_INT(c_edges.edges[0].dst.cgroup_id, 77);
	CHECK_EQ_INT(c_edges.edges[0].src.ns_pid, 0);
	/* a process the cache knows from a record is not renamed by an older count */
	setup();
	receive(100, &inner, &parent, &a, &b, one, 1, 1);
	proc_cache_update(&counted.procs, inner.tgid, inner.tid, "renamed", 900);
	proc_cache_set_start(&counted.procs, inner.tgid, inner.start_ns);
	unix_model_aggregated(correlator_model(&counted, &unix_model_ops), keys, vals, nkeys);
	CHECK_EQ_INT(c_edges.n, 1);
	{
		char comm[IPCSNOOP_COMM_LEN];

		CHECK(proc_cache_comm(&counted.procs, inner.tgid, comm), "known");
		CHECK_EQ_STR(comm, "renamed");
	}
	/* an entry that counted nothing prints nothing */
	setup();
	receive(100, &inner, &parent, &a, &b, one, 1, 1);
	vals[0].count = 0;
	unix_model_aggregated(correlator_model(&counted, &unix_model_ops), keys, vals, nkeys);
	CHECK_EQ_INT(c_edges.n, 0);
}

RUN_TESTS(T(socketpair_receives_count_as_edges), T(named_and_abstract_sockets),
	  T(closed_sender_is_recalled), T(pid_reuse_and_names), T(receiver_namespace_is_learned))
