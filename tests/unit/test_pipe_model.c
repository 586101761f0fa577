/* The pipe model (byte FIFO per pipe) on synthetic record streams. */
#include <stdlib.h>
#include "unit.h"
#include "collect.h"
#include "pipe_model.h"

/* Edges with a copy of their payload (the model's buffers do not outlive the call) */
static struct correlator corr;
static struct collected got;
static unsigned char got_data[COLLECT_MAX][IPCSNOOP_DATA_MAX];
static __u32 lost_now;          /* the kernel's count of lost pipe records, in each record */

static void collect_with_data(void *ctx, const struct edge *e)
{
	int i = got.n;

	collect_edge(ctx, e);
	if (i < COLLECT_MAX && e->data) {
		memcpy(got_data[i], e->data, e->data_len);
		got.edges[i].data = got_data[i];
	}
}

static void setup(void)
{
	lost_now = 0;
	correlator_free(&corr);
	memset(&got, 0, sizeof(got));
	correlator_init(&corr, collect_with_data, &got);
}

static struct pipe_model *model(void)
{
	return correlator_model(&corr, &pipe_model_ops);
}

static const struct pipe_id P1 = { .ino = 1001, .dev = 13 };
static const struct pipe_id P2 = { .ino = 1002, .dev = 13 };

static void seen(__u64 ts, struct pipe_id id, __u64 occ, const char *path)
{
	struct rec_pipe_seen r;

	make_header(&r.hdr, REC_PIPE_SEEN, sizeof(r), ts, 1, 1, "x");
	r.id = id;
	r.occupancy = occ;
	if (path) {
		r.flags = PIPE_SEEN_NAMED;
		r.path_len = strlen(path);
		strcpy(r.path, path);
	}
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

/* write begin by pid (tid = pid), with payload when data != NULL */
static void begin_op(__u64 ts, __u32 pid, struct pipe_id id, __u64 count, const char *data,
		     __u32 cap, __u16 op, __u16 flags)
{
	struct rec_pipe_write_begin_data r;
	size_t len = data ? sizeof(r) : sizeof(r.b);

	make_header(&r.b.hdr, REC_PIPE_WRITE_BEGIN, len, ts, pid, pid, "writer");
	r.b.id = id;
	r.b.count = count;
	r.b.fd = 1;
	r.b.op = op;
	r.b.flags = flags;
	r.b.lost = lost_now;
	if (data) {
		r.b.data_len = strlen(data) < cap ? strlen(data) : cap;
		if (r.b.data_len > count)
			r.b.data_len = count;
		r.b.data_cap = cap;
		memcpy(r.data, data, r.b.data_len);
	}
	CHECK_EQ_INT(correlator_record(&corr, &r, len), 0);
}

static void begin(__u64 ts, __u32 pid, struct pipe_id id, __u64 count)
{
	begin_op(ts, pid, id, count, NULL, 0, PIPE_OP_WRITE, 0);
}

static void end_op(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret, __u64 enter_ts, __u16 op,
		   __u16 flags)
{
	struct rec_pipe_write_end r;

	make_header(&r.hdr, REC_PIPE_WRITE_END, sizeof(r), ts, pid, pid, "writer");
	r.id = id;
	r.ret = ret;
	r.enter_ts = enter_ts;
	r.fd = 1;
	r.op = op;
	r.flags = flags;
	r.lost = lost_now;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void end(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret, __u64 enter_ts)
{
	end_op(ts, pid, id, ret, enter_ts, PIPE_OP_WRITE, 0);
}

static void rd_full(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret, __u16 op, __u16 flags)
{
	struct rec_pipe_read r;

	make_header(&r.hdr, REC_PIPE_READ, sizeof(r), ts, pid, pid, "reader");
	r.id = id;
	r.ret = ret;
	r.fd = 0;
	r.op = op;
	r.flags = flags;
	r.lost = lost_now;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void rd_op(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret, __u16 op)
{
	rd_full(ts, pid, id, ret, op, 0);
}

/* a read after which the kernel saw the pipe empty */
static void rd_empty(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret)
{
	rd_full(ts, pid, id, ret, PIPE_OP_READ, PIPE_R_EMPTY);
}

static void rd(__u64 ts, __u32 pid, struct pipe_id id, __s64 ret)
{
	rd_op(ts, pid, id, ret, PIPE_OP_READ);
}

/* a whole write: begin at ts, end at ts + 1 */
static void wr(__u64 ts, __u32 pid, struct pipe_id id, __u64 n)
{
	begin(ts, pid, id, n);
	end(ts + 1, pid, id, n, ts);
}

static struct edge *edge_at(int i)
{
	return &got.edges[i];
}

/* Check edge i: src pid (0: unknown), dst pid (0: unknown), bytes, exact */
static void check_edge(int i, __u32 src, __u32 dst, __u64 bytes, bool exact)
{
	struct edge *e = edge_at(i);

	CHECK(i < got.n, "edge %d missing (%d edges)", i, got.n);
	if (i >= got.n)
		return;
	CHECK(e->kind == IPC_PIPE, "edge %d kind %d", i, e->kind);
	if (src) {
		CHECK(e->src.known && e->src.pid == src, "edge %d src %u (known %d), want %u", i,
		      e->src.pid, e->src.known, src);
	} else {
		CHECK(!e->src.known, "edge %d src should be unknown, is %u", i, e->src.pid);
	}
	if (dst) {
		CHECK(e->dst.known && e->dst.pid == dst, "edge %d dst %u (known %d), want %u", i,
		      e->dst.pid, e->dst.known, dst);
	} else {
		CHECK(!e->dst.known, "edge %d dst should be unknown, is %u", i, e->dst.pid);
	}
	CHECK(e->has_bytes && e->bytes == bytes, "edge %d bytes %llu, want %llu", i,
	      (unsigned long long)e->bytes, (unsigned long long)bytes);
	CHECK(e->inferred == !exact, "edge %d exact=%d, want %d", i, !e->inferred, exact);
}

static void check_data(int i, const char *want)
{
	struct edge *e = edge_at(i);
	size_t n = want ? strlen(want) : 0;

	if (i >= got.n)
		return;
	if (!want) {
		CHECK(e->data == NULL, "edge %d should carry no data, has %u bytes", i, e->data_len);
		return;
	}
	CHECK(e->data && e->data_len == n && !memcmp(e->data, want, n),
	      "edge %d data (%u bytes) != \"%s\"", i, e->data ? e->data_len : 0, want);
}

/* ---- the tests ---- */

static void notes_example(void)
{
	setup();
	seen(90, P1, 0, NULL);
	begin_op(100, 10, P1, 21, "Hello Child Process!", 64, PIPE_OP_WRITE, 0);
	end(101, 10, P1, 21, 100);
	CHECK_EQ_INT(got.n, 0);
	rd(150, 11, P1, 21);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 10, 11, 21, true);
	CHECK_EQ_STR(edge_at(0)->object, "pipe:[1001]");
	CHECK_EQ_STR(edge_at(0)->src.comm, "writer");
	CHECK_EQ_STR(edge_at(0)->dst.comm, "reader");
	CHECK_EQ_INT(edge_at(0)->ts_ns, 150);
	CHECK_EQ_INT(attr_int(edge_at(0), "inode"), 1001);
	CHECK_EQ_INT(attr_int(edge_at(0), "writes"), 1);
	CHECK_EQ_STR(attr_str(edge_at(0), "read_op"), "read");
	CHECK_EQ_STR(attr_str(edge_at(0), "write_op"), "write");
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "");
	/* the NUL is part of the 21 bytes: strlen() stops before it */
	CHECK_EQ_INT(edge_at(0)->data_len, 20);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* The pipe_multi demo: partial reads, one write read by several reads,
 * several writes read by one read, bytes never read */
static void several_writers_and_readers(void)
{
	char a[301], b[201];

	for (int i = 0; i < 300; i++)
		a[i] = 'a' + i % 26;
	for (int i = 0; i < 200; i++)
		b[i] = 'A' + i % 26;
	a[300] = b[200] = '\0';
	setup();
	begin_op(100, 1, P1, 300, a, 256, PIPE_OP_WRITE, 0);
	end(101, 1, P1, 300, 100);
	begin_op(110, 2, P1, 100, b, 256, PIPE_OP_WRITE, 0);
	end(111, 2, P1, 100, 110);
	begin_op(112, 2, P1, 100, b + 100, 256, PIPE_OP_WRITE, 0);
	end(113, 2, P1, 100, 112);
	wr(120, 3, P1, 50);
	rd(200, 11, P1, 100);
	rd(210, 12, P1, 250);
	rd(220, 11, P1, 180);
	rd(230, 13, P1, 20);
	wr(240, 9, P1, 40);
	CHECK_EQ_INT(got.n, 6);
	check_edge(0, 1, 11, 100, true);
	check_edge(1, 1, 12, 200, true);
	check_edge(2, 2, 12, 50, true);
	check_edge(3, 2, 11, 150, true);
	check_edge(4, 3, 11, 30, true);
	check_edge(5, 3, 13, 20, true);
	CHECK_EQ_INT(attr_int(edge_at(3), "writes"), 2);
	/* payload slices: a[0,100), a[100,256) (capture ends at 256), b[0,50), b[50,200) */
	a[100] = '\0';
	check_data(0, a);
	a[100] = 'a' + 100 % 26;
	a[256] = '\0';
	check_data(1, a + 100);
	b[50] = '\0';
	check_data(2, b);
	b[50] = 'A' + 50 % 26;
	check_data(3, b + 50);
	check_data(4, NULL);            /* writer 3 had no capture */
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 7);
	check_edge(6, 9, 0, 40, false);
	CHECK(attr_int(edge_at(6), "unread") == 1, "unread attribute");
	CHECK_EQ_STR(attr_str(edge_at(6), "reason"), "unread");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 0);
}

/* A reader on another CPU returns before the writer's syscall does: the BEGIN
 * (sent at entry) is already there, the END comes last. */
static void read_exit_before_write_exit(void)
{
	setup();
	begin(100, 1, P1, 100);
	rd(150, 2, P1, 60);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 2, 60, true);
	rd(160, 3, P1, 40);
	end(170, 1, P1, 100, 100);
	CHECK_EQ_INT(got.n, 2);
	check_edge(1, 1, 3, 40, true);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* Same, with the BEGIN lost (ring buffer full): the read waits for the END */
static void read_held_until_write_end(void)
{
	setup();
	rd(150, 2, P1, 50);
	CHECK_EQ_INT(got.n, 0);
	end_op(170, 1, P1, 50, 100, PIPE_OP_WRITE, PIPE_W_BEGIN_LOST);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 2, 50, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "begin-lost");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* A read with no bytes to take is held for hold_ns, then its source is unknown */
static void held_read_times_out(void)
{
	setup();
	rd(1000, 2, P1, 10);
	correlator_tick(&corr, 1000 + corr.hold_ns - 1);
	CHECK_EQ_INT(got.n, 0);
	correlator_tick(&corr, 1000 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 0, 2, 10, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "not-seen");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 1);
}

/* A write that began after the read returned cannot have fed it */
static void held_read_settled_by_later_write(void)
{
	setup();
	rd(100, 2, P1, 10);
	CHECK_EQ_INT(got.n, 0);
	begin(200, 1, P1, 5);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 0, 2, 10, false);
	end(201, 1, P1, 5, 200);
	rd(300, 2, P1, 5);
	CHECK_EQ_INT(got.n, 2);
	check_edge(1, 1, 2, 5, true);
}

/* Bytes in the pipe before it was traced come first, from an unknown writer */
static void bytes_written_before_tracing(void)
{
	setup();
	seen(50, P1, 10, NULL);
	wr(100, 1, P1, 5);
	rd(200, 2, P1, 12);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 0, 2, 10, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "before-trace");
	CHECK_EQ_STR(attr_str(edge_at(0), "write_op"), "");
	check_edge(1, 1, 2, 2, true);
	rd(300, 3, P1, 3);
	check_edge(2, 1, 3, 3, true);
	CHECK_EQ_INT(got.n, 3);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* First seen at a read's exit: the kernel counts that read's bytes in */
static void first_seen_at_read(void)
{
	setup();
	seen(100, P1, 7, NULL);
	rd(100, 2, P1, 7);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 0, 2, 7, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "before-trace");
	/* a re-announce (kernel table evicted it) of a pipe we follow changes nothing */
	wr(200, 1, P1, 4);
	seen(210, P1, 4, NULL);
	rd(300, 2, P1, 4);
	check_edge(1, 1, 2, 4, true);
	CHECK_EQ_INT(got.n, 2);
}

/* Non-blocking writes: EAGAIN puts nothing in, a partial write less than asked */
static void failed_and_partial_writes(void)
{
	setup();
	begin(100, 1, P1, 100);
	end(101, 1, P1, -11 /* EAGAIN */, 100);
	wr(110, 2, P1, 5);
	rd(120, 3, P1, 5);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 2, 3, 5, true);

	begin(200, 1, P1, 100000);
	rd(210, 3, P1, 4096);           /* while the write is still in the kernel */
	end(220, 1, P1, 65536, 200);
	rd(230, 3, P1, 61440);
	CHECK_EQ_INT(got.n, 3);
	check_edge(1, 1, 3, 4096, true);
	check_edge(2, 1, 3, 61440, true);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 3);         /* nothing left unread */
	CHECK_EQ_INT(model()->anomalies, 0);
}

/* Two writers in the kernel at once: their order in the pipe is unknown */
static void concurrent_writers_are_inferred(void)
{
	setup();
	begin(100, 1, P1, 10);
	begin(101, 2, P1, 10);
	rd(110, 3, P1, 10);
	end(120, 1, P1, 10, 100);
	end(121, 2, P1, 10, 101);
	rd(130, 3, P1, 10);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 1, 3, 10, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "concurrent-writers");
	check_edge(1, 2, 3, 10, false);
	/* one after the other again: exact */
	wr(200, 1, P1, 3);
	wr(210, 2, P1, 4);
	rd(220, 3, P1, 7);
	CHECK_EQ_INT(got.n, 4);
	check_edge(2, 1, 3, 3, true);
	check_edge(3, 2, 3, 4, true);
}

/* One edge per (read, writer): A B A in one read is two edges */
static void one_edge_per_read_and_writer(void)
{
	setup();
	wr(100, 1, P1, 3);
	wr(110, 2, P1, 4);
	wr(120, 1, P1, 5);
	rd(200, 3, P1, 12);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 1, 3, 8, true);
	CHECK_EQ_INT(attr_int(edge_at(0), "writes"), 2);
	check_edge(1, 2, 3, 4, true);
}

/* -x: each edge carries the captured bytes it moved, contiguous, at most N */
static void payload_slices(void)
{
	setup();
	begin_op(100, 1, P1, 11, "hello world", 8, PIPE_OP_WRITE, 0);   /* captures "hello wo" */
	end(101, 1, P1, 11, 100);
	rd(110, 2, P1, 5);
	rd(120, 2, P1, 6);
	CHECK_EQ_INT(got.n, 2);
	check_data(0, "hello");
	check_data(1, " wo");           /* the rest was not captured */
	/* after a gap in the capture nothing more is appended */
	begin_op(200, 1, P1, 4, "abcd", 2, PIPE_OP_WRITE, 0);
	end(201, 1, P1, 4, 200);
	begin_op(202, 1, P1, 4, "efgh", 2, PIPE_OP_WRITE, 0);
	end(203, 1, P1, 4, 202);
	rd(210, 2, P1, 8);
	check_edge(2, 1, 2, 8, true);
	check_data(2, "ab");
}

/* O_DIRECT writers: a read takes one packet, what it does not take is gone */
static void packet_mode(void)
{
	setup();
	begin_op(100, 1, P1, 10, NULL, 0, PIPE_OP_WRITE, PIPE_W_PACKET);
	end_op(101, 1, P1, 10, 100, PIPE_OP_WRITE, PIPE_W_PACKET);
	begin_op(110, 2, P1, 5000, NULL, 0, PIPE_OP_WRITE, PIPE_W_PACKET);
	end_op(111, 2, P1, 5000, 110, PIPE_OP_WRITE, PIPE_W_PACKET);
	rd(200, 3, P1, 4);              /* 4 of the 10-byte packet; 6 are dropped */
	rd(210, 3, P1, 4096);           /* the first packet of the 5000-byte write */
	rd(220, 3, P1, 904);
	CHECK_EQ_INT(got.n, 3);
	check_edge(0, 1, 3, 4, true);
	check_edge(1, 2, 3, 4096, true);
	check_edge(2, 2, 3, 904, true);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 3);
}

static void named_fifo_has_its_path(void)
{
	setup();
	seen(90, P1, 0, "/run/my fifo");
	wr(100, 1, P1, 3);
	rd(110, 2, P1, 3);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(edge_at(0)->object, "/run/my fifo");
	CHECK_EQ_INT(attr_int(edge_at(0), "fifo"), 1);
}

/* cat-like splice: pipe P1 -> process 5 -> pipe P2 -> reader */
static void splice_between_pipes(void)
{
	setup();
	wr(100, 1, P1, 10);
	begin_op(200, 5, P2, 65536, NULL, 0, PIPE_OP_SPLICE, 0);
	rd_op(210, 5, P1, 10, PIPE_OP_SPLICE);
	end_op(211, 5, P2, 10, 200, PIPE_OP_SPLICE, 0);
	rd(300, 6, P2, 10);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 1, 5, 10, true);
	CHECK_EQ_STR(attr_str(edge_at(0), "read_op"), "splice");
	CHECK_EQ_STR(edge_at(0)->object, "pipe:[1001]");
	check_edge(1, 5, 6, 10, true);
	CHECK_EQ_STR(attr_str(edge_at(1), "write_op"), "splice");
	CHECK_EQ_STR(edge_at(1)->object, "pipe:[1002]");
}

/* A write still in the kernel at the end has no known size: counted, not reported */
static void flush_reports_unread_per_writer(void)
{
	setup();
	wr(100, 1, P1, 30);
	wr(110, 2, P1, 7);
	wr(120, 1, P1, 5);
	rd(200, 3, P1, 10);
	begin(300, 4, P1, 99);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 3);
	check_edge(0, 1, 3, 10, true);
	check_edge(1, 1, 0, 25, false);
	CHECK_EQ_INT(attr_int(edge_at(1), "writes"), 2);
	check_edge(2, 2, 0, 7, false);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 1);
}

static void full_pipe_table_evicts_oldest(void)
{
	struct pipe_id id = { .dev = 13 };

	setup();
	for (int i = 0; i < PIPE_MODEL_PIPES + 1; i++) {
		id.ino = 5000 + i;
		wr(100 + 2 * i, 1, id, 2);
	}
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 1);
	CHECK_EQ_INT(got.n, 1);         /* the evicted pipe's bytes: reported, not lost */
	check_edge(0, 1, 0, 2, false);
	CHECK_EQ_STR(edge_at(0)->object, "pipe:[5000]");
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "evicted");
	CHECK_EQ_INT(model()->npipes, PIPE_MODEL_PIPES);
}

static void empty_pipes_are_forgotten_silently(void)
{
	setup();
	wr(100, 1, P1, 2);
	rd(110, 2, P1, 2);
	correlator_tick(&corr, 110 + PIPE_MODEL_IDLE_NS);
	CHECK_EQ_INT(model()->npipes, 0);
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 0);
	CHECK_EQ_INT(got.n, 1);
}

static void full_segment_list_evicts_oldest(void)
{
	setup();
	for (int i = 0; i < PIPE_SEGS_MAX + 1; i++)
		wr(100 + 2 * i, 1 + i % 2, P1, 1);
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 1);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 0, 1, false);
	rd(1000000, 3, P1, 2);
	/* the FIFO lost bytes still in the pipe: not exact until consistent again */
	check_edge(1, 2, 3, 1, false);
	CHECK_EQ_STR(attr_str(edge_at(1), "reason"), "evicted");
	check_edge(2, 1, 3, 1, false);
}

/* A slow reader: one writer's many small writes are folded, nothing is lost
 * (with -x, only while the payload stays a prefix of the folded bytes) */
static void many_small_writes_are_folded(void)
{
	const int n = 2 * PIPE_SEGS_MAX;

	setup();
	for (int i = 0; i < n; i++) {
		begin_op(100 + 2 * i, 1, P1, 1, "x", 4, PIPE_OP_WRITE, 0);
		end(101 + 2 * i, 1, P1, 1, 100 + 2 * i);
	}
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 0);
	CHECK(model()->segs_total < PIPE_SEGS_MAX, "%llu segments",
	      (unsigned long long)model()->segs_total);
	rd(1000000, 3, P1, n);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 3, n, true);
	CHECK_EQ_INT(attr_int(edge_at(0), "writes"), n);
	check_data(0, "xxxx");

	setup();                        /* no payload: everything folds */
	for (int i = 0; i < 10 * PIPE_SEGS_MAX; i++)
		wr(100 + 2 * i, 1, P1, 3);
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 0);
	CHECK(model()->segs_total <= PIPE_SEGS_MAX / 2 + 1, "%llu segments",
	      (unsigned long long)model()->segs_total);
	rd(1000000000, 3, P1, 30 * PIPE_SEGS_MAX);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 3, 30 * PIPE_SEGS_MAX, true);
}

static void too_many_held_reads(void)
{
	setup();
	for (int i = 0; i < PIPE_HELD_MAX + 1; i++)
		rd(100 + i, 2, P1, 1);
	CHECK_EQ_INT(corr.stats.evicted[IPC_PIPE], 1);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 0, 2, 1, false);
	CHECK_EQ_STR(attr_str(edge_at(0), "reason"), "held-table-full");
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, PIPE_HELD_MAX + 1);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], PIPE_HELD_MAX);
}

/* Records lost (ring buffer full): edges are not exact until the pipe is
 * consistent again (both the FIFO and the kernel's pipe empty) */
static void lost_records_make_edges_inferred(void)
{
	setup();
	wr(100, 1, P1, 10);
	rd_empty(110, 2, P1, 10);
	check_edge(0, 1, 2, 10, true);
	lost_now = 3;                   /* say, a write and its read were lost here */
	wr(200, 1, P1, 5);
	rd(210, 2, P1, 5);
	check_edge(1, 1, 2, 5, false);
	CHECK_EQ_STR(attr_str(edge_at(1), "reason"), "records-lost");
	wr(300, 1, P1, 4);
	rd_empty(310, 2, P1, 4);        /* both empty: consistent again */
	check_edge(2, 1, 2, 4, false);
	wr(400, 1, P1, 6);
	rd(410, 2, P1, 6);
	check_edge(3, 1, 2, 6, true);
	/* another pipe, made after the loss, was never inconsistent */
	wr(500, 7, P2, 1);
	rd(510, 8, P2, 1);
	check_edge(4, 7, 8, 1, true);
	CHECK_EQ_INT(got.n, 5);
}

/* A read we did not see (lost, io_uring...): the kernel says empty while the
 * FIFO still holds its bytes; the same reader's next read drops them */
static void unseen_read_resyncs_on_same_reader(void)
{
	setup();
	wr(100, 1, P1, 10);
	wr(110, 3, P1, 7);              /* read by a read we never see */
	wr(120, 4, P1, 5);
	rd_empty(130, 2, P1, 10);       /* took writer 1's 10, but 12 are left in the FIFO */
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 2, 10, true);
	wr(200, 1, P1, 6);
	rd(210, 2, P1, 6);              /* same reader: the 12 left were not in the pipe */
	CHECK_EQ_INT(got.n, 4);
	check_edge(1, 3, 0, 7, false);
	CHECK_EQ_STR(attr_str(edge_at(1), "reason"), "unseen-read");
	CHECK(attr_int(edge_at(1), "unread") == -1, "unseen-read bytes are not unread");
	check_edge(2, 4, 0, 5, false);
	check_edge(3, 1, 2, 6, true);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 1);
}

/* Two readers: the one whose record comes second may have taken the bytes
 * first. Its bytes are then "suspect" but it is credited, not exact. */
static void late_record_of_other_reader(void)
{
	setup();
	wr(100, 1, P1, 10);
	wr(110, 1, P1, 10);
	rd_empty(130, 2, P1, 10);
	rd(131, 5, P1, 10);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 1, 2, 10, true);
	check_edge(1, 1, 5, 10, false);
	CHECK_EQ_STR(attr_str(edge_at(1), "reason"), "unseen-read");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
	/* suspect bytes nobody takes go after hold_ns */
	wr(200, 1, P1, 3);
	rd_empty(210, 2, P1, 1);
	correlator_tick(&corr, 210 + corr.hold_ns - 1);
	CHECK_EQ_INT(got.n, 3);
	correlator_tick(&corr, 210 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 4);
	check_edge(3, 1, 0, 2, false);
	CHECK_EQ_STR(attr_str(edge_at(3), "reason"), "unseen-read");
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 4);
}

/* While a write is in flight, an empty pipe says nothing about the FIFO */
static void empty_pipe_with_write_in_flight(void)
{
	setup();
	begin(100, 1, P1, 100);
	rd_empty(110, 2, P1, 40);
	rd_empty(120, 2, P1, 60);
	end(130, 1, P1, 100, 100);
	CHECK_EQ_INT(got.n, 2);
	check_edge(0, 1, 2, 40, true);
	check_edge(1, 1, 2, 60, true);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* ipcsnoop's own output in a pipe (ipcsnoop | less) is booked, never an edge */
static void own_output_makes_no_edge(void)
{
	setup();
	begin_op(100, 50, P1, 30, NULL, 0, PIPE_OP_WRITE, PIPE_W_SELF);
	end_op(101, 50, P1, 30, 100, PIPE_OP_WRITE, PIPE_W_SELF);
	wr(110, 1, P1, 5);
	rd(120, 2, P1, 20);
	CHECK_EQ_INT(got.n, 0);
	rd(130, 2, P1, 15);
	CHECK_EQ_INT(got.n, 1);
	check_edge(0, 1, 2, 5, true);
	/* and nothing of it is reported unread at the end */
	begin_op(200, 50, P1, 8, NULL, 0, PIPE_OP_WRITE, PIPE_W_SELF);
	end_op(201, 50, P1, 8, 200, PIPE_OP_WRITE, PIPE_W_SELF);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_PIPE], 0);
}

/* Random record streams: every read is credited exactly its size (to known or
 * unknown writers), nothing leaks, the tables stay within their caps. */
static __u64 sum_read_bytes, sum_edges;

static void sum_reader_edges(void *ctx, const struct edge *e)
{
	if (e->dst.known)
		sum_edges += e->bytes;
}

static unsigned rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

static void random_streams_hold_invariants(void)
{
	struct pipe_id ids[3] = { P1, P2, { .ino = 1003, .dev = 99 } };
	__u64 inflight[6] = {0}, ts = 1000;
	unsigned seed = 20241125;

	correlator_free(&corr);
	correlator_init(&corr, sum_reader_edges, NULL);
	sum_read_bytes = sum_edges = 0;
	for (int i = 0; i < 50000; i++) {
		struct pipe_id id = ids[rnd(&seed, 3)];
		__u32 pid = 1 + rnd(&seed, 6);
		unsigned what = rnd(&seed, 100);

		ts += 1 + rnd(&seed, 1000000);
		if (rnd(&seed, 500) == 0)
			lost_now++;
		if (what < 30) {                        /* a write begins (or ends, if one is in flight) */
			if (inflight[pid - 1]) {
				struct pipe_id wid = ids[(inflight[pid - 1] >> 32) - 1];
				__s64 ret = rnd(&seed, 10) ? (__s64)(inflight[pid - 1] & 0xffff) : -11;

				if (rnd(&seed, 4) == 0 && ret > 0)
					ret /= 2;       /* partial */
				end(ts, pid, wid, ret, ts - 1);
				inflight[pid - 1] = 0;
			} else {
				unsigned k = rnd(&seed, 3);
				__u64 n = 1 + rnd(&seed, 5000);

				begin_op(ts, pid, ids[k], n, rnd(&seed, 2) ? "payload" : NULL, 4,
					 PIPE_OP_WRITE, rnd(&seed, 20) ? 0 : PIPE_W_PACKET);
				inflight[pid - 1] = ((__u64)(k + 1) << 32) | n;
			}
		} else if (what < 33) {                 /* an END whose BEGIN was lost */
			end_op(ts, 100 + pid, id, 1 + rnd(&seed, 300), ts - 5, PIPE_OP_WRITE,
			       PIPE_W_BEGIN_LOST);
		} else if (what < 80) {
			__u64 n = 1 + rnd(&seed, 3000);

			rd_full(ts, 10 + pid, id, n, PIPE_OP_READ, rnd(&seed, 3) ? 0 : PIPE_R_EMPTY);
			sum_read_bytes += n;
		} else if (what < 82) {
			seen(ts, id, rnd(&seed, 100), rnd(&seed, 2) ? "/x/fifo" : NULL);
		} else {
			correlator_tick(&corr, ts);
		}
		CHECK(model()->segs_total <= PIPE_MODEL_SEGS_TOTAL + PIPE_SEGS_MAX,
		      "segments %llu", (unsigned long long)model()->segs_total);
	}
	correlator_flush(&corr);
	CHECK(sum_edges == sum_read_bytes, "reads took %llu bytes, edges credit %llu",
	      (unsigned long long)sum_read_bytes, (unsigned long long)sum_edges);
	CHECK_EQ_INT(model()->segs_total, 0);
	CHECK_EQ_INT(model()->npipes, 0);
	CHECK_EQ_INT(corr.stats.malformed, 0);
	setup();
}

static int nbad;

static void bad(const void *rec, size_t len)
{
	CHECK_EQ_INT(correlator_record(&corr, rec, len), -1);
	nbad++;
}

static void malformed_records_are_counted(void)
{
	struct rec_pipe_write_begin_data b;
	struct rec_pipe_read r;
	struct rec_pipe_seen s;
	struct rec_pipe_write_end e;

	setup();
	nbad = 0;
	make_header(&r.hdr, REC_PIPE_READ, sizeof(r), 1, 1, 1, "x");
	r.id = P1;
	r.op = PIPE_OP_READ;
	r.ret = 5;
	bad(&r, sizeof(r) - 1);
	r.ret = 0;
	bad(&r, sizeof(r));
	r.ret = 5;
	r.op = PIPE_OP_WRITE;
	bad(&r, sizeof(r));
	r.op = PIPE_OP_COUNT + 3;
	bad(&r, sizeof(r));
	r.op = PIPE_OP_READ;
	r.id.ino = 0;
	bad(&r, sizeof(r));

	make_header(&b.b.hdr, REC_PIPE_WRITE_BEGIN, sizeof(b), 1, 1, 1, "x");
	b.b.id = P1;
	b.b.op = PIPE_OP_WRITE;
	b.b.count = 10;
	b.b.data_cap = 8;
	b.b.data_len = 9;               /* more than captured */
	bad(&b, sizeof(b));
	b.b.data_cap = IPCSNOOP_DATA_MAX + 1;
	b.b.data_len = 4;
	bad(&b, sizeof(b));
	b.b.hdr.size = sizeof(b.b);     /* no payload, but data_len says 4 */
	b.b.data_cap = 8;
	bad(&b, sizeof(b.b));
	b.b.hdr.size = sizeof(b.b) + 3;
	bad(&b, sizeof(b.b) + 3);

	make_header(&s.hdr, REC_PIPE_SEEN, sizeof(s), 1, 1, 1, "x");
	s.id = P1;
	s.path_len = sizeof(s.path);
	bad(&s, sizeof(s));

	make_header(&e.hdr, REC_PIPE_WRITE_END, sizeof(e), 1, 1, 1, "x");
	e.id = P1;
	e.op = PIPE_OP_READ;
	bad(&e, sizeof(e));
	e.op = PIPE_OP_WRITE;
	e.enter_ts = 5;                 /* after its own exit */
	bad(&e, sizeof(e));

	e.hdr.type = REC_PIPE_LAST;     /* in the range, but no such record */
	bad(&e, sizeof(e));

	CHECK_EQ_INT(corr.stats.malformed, nbad);
	CHECK_EQ_INT(got.n, 0);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 0);
}

RUN_TESTS(T(notes_example), T(several_writers_and_readers), T(read_exit_before_write_exit),
	  T(read_held_until_write_end), T(held_read_times_out), T(held_read_settled_by_later_write),
	  T(bytes_written_before_tracing), T(first_seen_at_read), T(failed_and_partial_writes),
	  T(concurrent_writers_are_inferred), T(one_edge_per_read_and_writer), T(payload_slices),
	  T(packet_mode), T(named_fifo_has_its_path), T(splice_between_pipes),
	  T(flush_reports_unread_per_writer), T(full_pipe_table_evicts_oldest),
	  T(empty_pipes_are_forgotten_silently), T(full_segment_list_evicts_oldest),
	  T(many_small_writes_are_folded),
	  T(too_many_held_reads), T(lost_records_make_edges_inferred),
	  T(unseen_read_resyncs_on_same_reader), T(late_record_of_other_reader),
	  T(empty_pipe_with_write_in_flight), T(own_output_makes_no_edge),
	  T(random_streams_hold_invariants), T(malformed_records_are_counted))
