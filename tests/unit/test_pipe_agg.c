/* Pipes under -s: the kernel's entries and handovers (user/pipe_agg.c) give the
 * rows and edges the streamed records of the same reads give. */
#include <stdlib.h>
#include "unit.h"
#include "collect.h"
#include "pipe_model.h"
#include "summary.h"

static struct correlator corr;
static struct collected got;
static struct summary sum;

static void on_edge(void *ctx, const struct edge *e)
{
	collect_edge(ctx, e);
	summary_add(&sum, e);
}

static void setup(void)
{
	correlator_free(&corr);
	summary_free(&sum);
	memset(&got, 0, sizeof(got));
	correlator_init(&corr, on_edge, &got);
	summary_init(&sum);
}

static struct pipe_model *model(void)
{
	return correlator_model(&corr, &pipe_model_ops);
}

static const struct pipe_id P1 = { .ino = 4242, .dev = 13 };

static void hdr(struct rec_header *h, __u16 type, __u16 size, __u64 ts, __u32 pid, const char *comm,
		__u64 start)
{
	make_header(h, type, size, ts, pid, pid + 1, comm);
	h->start_ns = start;
}

static void begin(__u64 ts, __u32 pid, __u64 n)
{
	struct rec_pipe_write_begin r;

	hdr(&r.hdr, REC_PIPE_WRITE_BEGIN, sizeof(r), ts, pid, "writer", 7);
	r.id = P1;
	r.count = n;
	r.op = PIPE_OP_WRITE;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void end(__u64 ts, __u32 pid, __s64 ret, __u64 enter_ts)
{
	struct rec_pipe_write_end r;

	hdr(&r.hdr, REC_PIPE_WRITE_END, sizeof(r), ts, pid, "writer", 7);
	r.id = P1;
	r.ret = ret;
	r.enter_ts = enter_ts;
	r.count = ret;
	r.op = PIPE_OP_WRITE;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void rd(__u64 ts, __u32 pid, __s64 ret)
{
	struct rec_pipe_read r;

	hdr(&r.hdr, REC_PIPE_READ, sizeof(r), ts, pid, "reader", 9);
	r.id = P1;
	r.ret = ret;
	r.op = PIPE_OP_READ;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

/* the kernel's state of P1: owner pid 10 (tid 11, "writer", start 7) */
static struct pipe_agg_state state(__s64 pending, __u32 busy_tid, bool info, __u64 count)
{
	struct pipe_agg_state st = { .run_ts = 100, .owner_tgid = 10, .owner_tid = 11,
				     .owner_start_ns = 7, .enter_ts = 150, .count = count,
				     .op = PIPE_OP_WRITE };

	strcpy(st.owner_comm, "writer");
	st.ctl = (PIPE_AGG_BIAS + pending) | ((__u64)busy_tid << PIPE_AGG_TID_SHIFT) |
		 (info ? PIPE_AGG_INFO : 0);
	return st;
}

static void handover(const struct pipe_agg_state *st)
{
	struct rec_pipe_handover h;

	pipe_agg_state_to_handover(&h, &P1, st);
	h.hdr.ts_ns = 200;
	CHECK_EQ_INT(correlator_record(&corr, &h, sizeof(h)), 0);
}

static const struct summary_row *only_row(void)
{
	CHECK_EQ_INT(sum.nrows, 1);
	return sum.nrows ? &sum.rows[0] : NULL;
}

/* 3 reads of one writer: the kernel's entry is the streamed row */
static void entry_is_the_streamed_row(void)
{
	struct pipe_agg_key k = { .id = P1, .src_tgid = 10, .dst_tgid = 20, .src_start_ns = 7,
				  .dst_start_ns = 9 };
	struct pipe_agg_val v = { .count = 3, .bytes = 30, .first_ns = 110, .last_ns = 130,
				  .src_tid = 11, .dst_tid = 21, .wop = PIPE_OP_WRITE, .rop = PIPE_OP_READ };
	struct summary_row streamed;

	setup();
	for (int i = 0; i < 3; i++) {
		begin(100 + 10 * i, 10, 10);
		end(101 + 10 * i, 10, 10, 100 + 10 * i);
		rd(110 + 10 * i, 20, 10);
	}
	CHECK_EQ_INT(got.n, 3);
	streamed = *only_row();
	setup();
	strcpy(v.src_comm, "writer");
	strcpy(v.dst_comm, "reader");
	pipe_model_aggregated(model(), &k, &v, 1);
	CHECK_EQ_INT(got.n, 1);
	const struct summary_row *r = only_row();
	if (!r)
		return;
	CHECK(r->count == 3 && r->bytes == 30, "count %llu bytes %llu", (unsigned long long)r->count,
	      (unsigned long long)r->bytes);
	CHECK(r->count == streamed.count && r->bytes == streamed.bytes, "streamed %llu/%llu",
	      (unsigned long long)streamed.count, (unsigned long long)streamed.bytes);
	CHECK(r->src.pid == streamed.src.pid && r->src.tid == streamed.src.tid &&
	      r->src.start_ns == streamed.src.start_ns && !strcmp(r->src.comm, streamed.src.comm),
	      "src %u/%u/%llu/%s vs %u/%u/%llu/%s", r->src.pid, r->src.tid,
	      (unsigned long long)r->src.start_ns, r->src.comm, streamed.src.pid, streamed.src.tid,
	      (unsigned long long)streamed.src.start_ns, streamed.src.comm);
	CHECK(r->dst.pid == streamed.dst.pid && r->dst.tid == streamed.dst.tid &&
	      r->dst.start_ns == streamed.dst.start_ns && !strcmp(r->dst.comm, streamed.dst.comm),
	      "dst %u/%u/%llu/%s", r->dst.pid, r->dst.tid, (unsigned long long)r->dst.start_ns,
	      r->dst.comm);
	CHECK(r->object_len == streamed.object_len && !memcmp(r->object, streamed.object, r->object_len),
	      "object %.*s", (int)r->object_len, r->object);
	CHECK(r->first_ns == streamed.first_ns && r->last_ns == streamed.last_ns,
	      "first/last %llu/%llu", (unsigned long long)r->first_ns, (unsigned long long)r->last_ns);
	CHECK(got.n == 1 && !got.edges[0].inferred, "exact");
}

/* an entry made and then streamed instead (count 0) is no edge */
static void empty_entry_is_no_edge(void)
{
	struct pipe_agg_key k = { .id = P1, .src_tgid = 10, .dst_tgid = 20 };
	struct pipe_agg_val v = { .count = 0 };

	setup();
	pipe_model_aggregated(model(), &k, &v, 1);
	CHECK_EQ_INT(got.n, 0);
}

/* handed over: 10 bytes of the owner, then read in two streamed reads */
static void handover_of_finished_bytes(void)
{
	struct pipe_agg_state st = state(10, 0, false, 0);

	setup();
	handover(&st);
	rd(210, 20, 4);
	rd(220, 20, 6);
	CHECK_EQ_INT(got.n, 2);
	for (int i = 0; i < got.n && i < 2; i++) {
		CHECK(got.edges[i].src.pid == 10 && got.edges[i].src.tid == 11 && !got.edges[i].inferred,
		      "edge %d src %u/%u inferred %d", i, got.edges[i].src.pid, got.edges[i].src.tid,
		      got.edges[i].inferred);
		CHECK(got.edges[i].bytes == (i ? 6u : 4u), "edge %d bytes %llu", i,
		      (unsigned long long)got.edges[i].bytes);
	}
	CHECK(got.n < 1 || got.edges[0].src.start_ns == 7, "owner's start from the handover");
}

/* the owner is inside a write of 8 bytes, a counted read took 3 of them:
 * its END follows; the rest (5) is the owner's, then another writer's 6 */
static void handover_of_write_in_flight(void)
{
	struct pipe_agg_state st = state(-3, 11, true, 8);
	struct rec_pipe_handover h;

	pipe_agg_state_to_handover(&h, &P1, &st);
	CHECK(h.inflight == 1 && h.taken == 3 && h.count == 8 && h.done == 0 && h.enter_ts == 150,
	      "inflight %u taken %llu count %llu done %llu", h.inflight, (unsigned long long)h.taken,
	      (unsigned long long)h.count, (unsigned long long)h.done);
	setup();
	handover(&st);
	begin(205, 30, 6);                  /* the other writer, streamed */
	end(206, 30, 6, 205);
	rd(210, 20, 2);                     /* before the owner's END: its bytes */
	{
		struct rec_pipe_write_end r;

		hdr(&r.hdr, REC_PIPE_WRITE_END, sizeof(r), 215, 10, "writer", 7);
		r.hdr.tid = 11;
		r.id = P1;
		r.ret = 8;
		r.enter_ts = 150;
		r.count = 8;
		r.op = PIPE_OP_WRITE;
		CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
	}
	rd(220, 20, 9);                     /* the owner's last 3 and the other's 6 */
	CHECK_EQ_INT(got.n, 3);
	if (got.n == 3) {
		CHECK(got.edges[0].src.pid == 10 && got.edges[0].bytes == 2, "first read: owner 2");
		CHECK(got.edges[1].src.pid == 10 && got.edges[1].bytes == 3, "second: owner 3, got %u %llu",
		      got.edges[1].src.pid, (unsigned long long)got.edges[1].bytes);
		CHECK(got.edges[2].src.pid == 30 && got.edges[2].bytes == 6, "second: other 6");
	}
}

/* claimed a moment ago, not filled in: a write of unknown size in flight */
static void handover_of_unfilled_claim(void)
{
	struct pipe_agg_state st = state(4, 11, false, 99);
	struct rec_pipe_handover h;

	pipe_agg_state_to_handover(&h, &P1, &st);
	CHECK(h.inflight == 1 && h.done == 4 && h.taken == 0 && h.count == (1ull << 62) &&
	      h.enter_ts == 100, "done %llu count %llu enter %llu", (unsigned long long)h.done,
	      (unsigned long long)h.count, (unsigned long long)h.enter_ts);
}

/* bytes the kernel still held at the end: the same unread edge as streamed */
static void held_at_the_end_is_unread(void)
{
	struct pipe_agg_state st = state(20, 0, false, 0);

	setup();
	handover(&st);
	CHECK_EQ_INT(got.n, 0);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 1);
	if (got.n == 1) {
		CHECK(got.edges[0].src.pid == 10 && !got.edges[0].dst.known && got.edges[0].bytes == 20,
		      "unread edge %u -> %d, %llu bytes", got.edges[0].src.pid, got.edges[0].dst.known,
		      (unsigned long long)got.edges[0].bytes);
		CHECK(!strcmp(attr_str(&got.edges[0], "reason"), PIPE_WHY_UNREAD), "reason %s",
		      attr_str(&got.edges[0], "reason"));
	}
}

static void malformed_handover_is_counted(void)
{
	struct pipe_agg_state st = state(5, 0, false, 0);
	struct rec_pipe_handover h;

	setup();
	pipe_agg_state_to_handover(&h, &P1, &st);
	h.owner_tgid = 0;
	CHECK_EQ_INT(correlator_record(&corr, &h, sizeof(h)), -1);
	pipe_agg_state_to_handover(&h, &P1, &st);
	h.inflight = 1;
	h.count = 2;
	h.taken = 3;
	CHECK_EQ_INT(correlator_record(&corr, &h, sizeof(h)), -1);
	CHECK_EQ_INT(correlator_record(&corr, &h, sizeof(h) - 1), -1);
	CHECK(corr.stats.malformed == 3, "malformed %llu", (unsigned long long)corr.stats.malformed);
}

RUN_TESTS(T(entry_is_the_streamed_row), T(empty_entry_is_no_edge), T(handover_of_finished_bytes),
	  T(handover_of_write_in_flight), T(handover_of_unfilled_claim),
	  T(held_at_the_end_is_unread), T(malformed_handover_is_counted))
