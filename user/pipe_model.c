// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pipes and FIFOs: records -> the byte FIFO of their pipe. The table of pipes
 * is capped (PIPE_MODEL_PIPES, least recently used evicted and counted);
 * empty pipes idle for PIPE_MODEL_IDLE_NS are forgotten (nothing is lost).
 */
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "pipe_model.h"

static unsigned bucket_of(const struct pipe_id *id)
{
	__u64 h = (id->ino * 0x9E3779B97F4A7C15ull) ^ ((__u64)id->dev << 7);

	return (h >> 32) & (PIPE_MODEL_BUCKETS - 1);
}

static bool same_id(const struct pipe_id *a, const struct pipe_id *b)
{
	return a->ino == b->ino && a->dev == b->dev;
}

struct pipe_state *pipe_model_find(struct pipe_model *m, const struct pipe_id *id)
{
	for (struct pipe_state *p = m->buckets[bucket_of(id)]; p; p = p->hnext)
		if (same_id(&p->id, id))
			return p;
	return NULL;
}

static void lru_unlink(struct pipe_model *m, struct pipe_state *p)
{
	if (p->older)
		p->older->newer = p->newer;
	else
		m->oldest = p->newer;
	if (p->newer)
		p->newer->older = p->older;
	else
		m->newest = p->older;
	p->older = p->newer = NULL;
}

static void lru_push(struct pipe_model *m, struct pipe_state *p)
{
	p->older = m->newest;
	p->newer = NULL;
	if (m->newest)
		m->newest->newer = p;
	else
		m->oldest = p;
	m->newest = p;
}

/* Forget p; why: NULL (nothing to report: it is empty) or how its bytes end */
static void drop(struct pipe_model *m, struct pipe_state *p, const char *why)
{
	struct pipe_state **pp = &m->buckets[bucket_of(&p->id)];

	if (why)
		pipe_stream_finish(&p->st, why);
	pipe_stream_free(&p->st);
	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	lru_unlink(m, p);
	m->npipes--;
	free(p);
}

/* Make room: an empty pipe goes silently; else the least recently used one is
 * evicted (held reads settled, bytes reported unread) and counted. */
static void make_room(struct pipe_model *m, const struct pipe_state *keep)
{
	struct pipe_state *p = m->oldest;

	for (int i = 0; p && i < 64; i++, p = p->newer) {
		if (p != keep && pipe_stream_empty(&p->st) && !p->named) {
			drop(m, p, NULL);
			return;
		}
	}
	p = m->oldest;
	if (p == keep)
		p = p->newer;
	if (!p)
		return;
	m->c->stats.evicted[IPC_PIPE]++;
	drop(m, p, PIPE_WHY_EVICTED);
}

struct pipe_state *pipe_model_get(struct pipe_model *m, const struct pipe_id *id, __u64 ts, bool named)
{
	struct pipe_state *p = pipe_model_find(m, id);
	unsigned b;

	if (p) {
		lru_unlink(m, p);
		lru_push(m, p);
		if (ts > p->last_ts)
			p->last_ts = ts;
		p->named |= named;
		return p;
	}
	if (m->npipes >= PIPE_MODEL_PIPES)
		make_room(m, NULL);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = *id;
	p->last_ts = ts;
	p->epoch = m->loss_epoch;
	p->named = named;
	pipe_stream_init(&p->st, &m->sink, m->c->hold_ns);
	b = bucket_of(id);
	p->hnext = m->buckets[b];
	m->buckets[b] = p;
	lru_push(m, p);
	m->npipes++;
	return p;
}

/* All pipes together hold at most PIPE_MODEL_SEGS_TOTAL segments */
static void cap_segments(struct pipe_model *m, const struct pipe_state *keep)
{
	while (m->segs_total > PIPE_MODEL_SEGS_TOTAL && m->npipes > 1) {
		struct pipe_state *p = m->oldest == keep ? keep->newer : m->oldest;

		if (!p)
			break;
		m->c->stats.evicted[IPC_PIPE]++;
		drop(m, p, PIPE_WHY_EVICTED);
	}
}

static void proc_of(struct pipe_proc *p, const struct rec_header *h)
{
	p->tgid = h->tgid;
	p->tid = h->tid;
	memcpy(p->comm, h->comm, sizeof(p->comm));
	p->known = true;
}

/* ipcsnoop's own writes: an anonymous writer whose bytes make no edge */
static void writer_of(struct pipe_proc *p, const struct rec_header *h, __u16 flags)
{
	proc_of(p, h);
	p->known = !(flags & PIPE_W_SELF);
}

/* Records were lost since the last one: no pipe is known consistent any more */
static void note_losses(struct pipe_model *m, __u32 lost)
{
	if (lost != m->lost_seen) {
		m->lost_seen = lost;
		m->loss_epoch++;
	}
}

static bool is_write_op(unsigned op)
{
	return op == PIPE_OP_WRITE || op == PIPE_OP_WRITEV || op == PIPE_OP_PWRITEV2 ||
	       op == PIPE_OP_SPLICE || op == PIPE_OP_TEE || op == PIPE_OP_VMSPLICE ||
	       op == PIPE_OP_SENDFILE;
}

static bool is_read_op(unsigned op)
{
	return op == PIPE_OP_READ || op == PIPE_OP_READV || op == PIPE_OP_PREADV2 ||
	       op == PIPE_OP_SPLICE || op == PIPE_OP_VMSPLICE || op == PIPE_OP_SENDFILE;
}

static int on_seen(struct pipe_model *m, const struct rec_pipe_seen *r)
{
	bool named = r->flags & PIPE_SEEN_NAMED;
	struct pipe_state *p;
	bool fresh;

	if (r->path_len >= sizeof(r->path) || !r->id.ino)
		return -1;
	fresh = !pipe_model_find(m, &r->id);
	p = pipe_model_get(m, &r->id, r->hdr.ts_ns, named);
	if (!p)
		return 0;
	if (named && r->path[0]) {
		memcpy(p->path, r->path, r->path_len);
		p->path[r->path_len] = '\0';
	}
	/* the bytes already there were written before we looked; a pipe we
	 * already follow (announced again: the kernel's table forgot it) keeps
	 * its FIFO: its records since are already in it */
	if (fresh)
		pipe_stream_prefix(&p->st, r->occupancy, r->hdr.ts_ns);
	return 0;
}

static int on_begin(struct pipe_model *m, const struct rec_pipe_write_begin *r, size_t len)
{
	const struct rec_pipe_write_begin_data *d = (const void *)r;
	struct pipe_state *p;
	struct pipe_proc w;

	if (len == sizeof(*r)) {
		if (r->data_len)
			return -1;
	} else if (len != sizeof(*d) || r->data_len > IPCSNOOP_DATA_MAX ||
		   r->data_len > r->data_cap || r->data_len > r->count) {
		return -1;
	}
	if (r->data_cap > IPCSNOOP_DATA_MAX || !is_write_op(r->op) || !r->id.ino)
		return -1;
	note_losses(m, r->lost);
	p = pipe_model_get(m, &r->id, r->hdr.ts_ns, r->flags & PIPE_W_NAMED);
	if (!p)
		return 0;
	writer_of(&w, &r->hdr, r->flags);
	pipe_stream_begin(&p->st, &w, r->hdr.ts_ns, r->count, r->op, r->flags & PIPE_W_PACKET,
			  len == sizeof(*d) ? d->data : NULL, r->data_len, r->data_cap);
	cap_segments(m, p);
	return 0;
}

static int on_end(struct pipe_model *m, const struct rec_pipe_write_end *r)
{
	struct pipe_state *p;
	struct pipe_proc w;

	if (!is_write_op(r->op) || !r->id.ino || r->enter_ts > r->hdr.ts_ns)
		return -1;
	note_losses(m, r->lost);
	p = pipe_model_get(m, &r->id, r->hdr.ts_ns, r->flags & PIPE_W_NAMED);
	if (!p)
		return 0;
	writer_of(&w, &r->hdr, r->flags);
	pipe_stream_end(&p->st, &w, r->hdr.ts_ns, r->enter_ts, r->ret, r->op,
			r->flags & PIPE_W_PACKET);
	cap_segments(m, p);
	return 0;
}

static int on_read(struct pipe_model *m, const struct rec_pipe_read *r)
{
	struct pipe_state *p;
	struct pipe_proc rd;

	if (r->ret <= 0 || !is_read_op(r->op) || !r->id.ino)
		return -1;
	note_losses(m, r->lost);
	p = pipe_model_get(m, &r->id, r->hdr.ts_ns, r->flags & PIPE_R_NAMED);
	if (!p)
		return 0;
	proc_of(&rd, &r->hdr);
	if (pipe_stream_read(&p->st, &rd, r->hdr.ts_ns, r->ret, r->fd, r->op,
			     r->flags & PIPE_R_EMPTY))
		p->epoch = m->loss_epoch;       /* both empty: consistent again */
	return 0;
}

int pipe_model_record(struct pipe_model *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_PIPE_SEEN:
		if (len != sizeof(struct rec_pipe_seen))
			return -1;
		return on_seen(m, (const void *)h);
	case REC_PIPE_WRITE_BEGIN:
		return on_begin(m, (const void *)h, len);
	case REC_PIPE_WRITE_END:
		if (len != sizeof(struct rec_pipe_write_end))
			return -1;
		return on_end(m, (const void *)h);
	case REC_PIPE_READ:
		if (len != sizeof(struct rec_pipe_read))
			return -1;
		return on_read(m, (const void *)h);
	case REC_PIPE_HANDOVER:
		if (len != sizeof(struct rec_pipe_handover))
			return -1;
		return pipe_model_handover(m, (const void *)h);
	}
	return -1;
}

void pipe_model_tick(struct pipe_model *m, __u64 now_ns)
{
	struct pipe_state *p = m->oldest, *next;

	for (; p; p = next) {
		next = p->newer;
		pipe_stream_expire(&p->st, now_ns);
		if (pipe_stream_empty(&p->st) && !p->named && p->last_ts + PIPE_MODEL_IDLE_NS <= now_ns)
			drop(m, p, NULL);
	}
}

void pipe_model_flush(struct pipe_model *m)
{
	while (m->oldest)
		drop(m, m->oldest, PIPE_WHY_UNREAD);
}

struct pipe_model *pipe_model_new(struct correlator *c)
{
	struct pipe_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->sink.read_done = pipe_edges_read;
	m->sink.unread = pipe_edges_unread;
	m->sink.ctx = m;
	m->sink.gave_up = &c->stats.gave_up[IPC_PIPE];
	m->sink.evicted = &c->stats.evicted[IPC_PIPE];
	m->sink.anomalies = &m->anomalies;
	m->sink.segs_total = &m->segs_total;
	return m;
}

void pipe_model_free(struct pipe_model *m)
{
	if (!m)
		return;
	while (m->oldest)
		drop(m, m->oldest, NULL);
	free(m);
}

/* ---- model_ops glue ---- */

static void *create(struct correlator *c)
{
	return pipe_model_new(c);
}

static void destroy(void *m)
{
	pipe_model_free(m);
}

static int record(void *m, const struct rec_header *h, size_t len)
{
	return pipe_model_record(m, h, len);
}

static void tick(void *m, __u64 now_ns)
{
	pipe_model_tick(m, now_ns);
}

static void flush(void *m)
{
	pipe_model_flush(m);
}

const struct model_ops pipe_model_ops = {
	.name = "pipe",
	.kinds = 1u << IPC_PIPE,
	.rec_first = REC_PIPE_FIRST,
	.rec_last = REC_PIPE_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
	.tick = tick,
	.flush = flush,
};
