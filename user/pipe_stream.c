// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The byte FIFO of one pipe (see pipe_stream.h). */
#include <stdlib.h>
#include <string.h>
#include "pipe_stream.h"

void pipe_stream_init(struct pipe_stream *ps, const struct pipe_sink *sink, __u64 hold_ns)
{
	memset(ps, 0, sizeof(*ps));
	ps->sink = sink;
	ps->hold_ns = hold_ns;
}

bool pipe_stream_empty(const struct pipe_stream *ps)
{
	return !ps->head && !ps->rhead;
}

static void seg_free(struct pipe_stream *ps, struct pipe_seg *s)
{
	free(s->data);
	free(s);
	ps->nsegs--;
	if (ps->sink->segs_total)
		(*ps->sink->segs_total)--;
}

/* Unlink s (prev is its predecessor or NULL) and free it */
static void seg_remove(struct pipe_stream *ps, struct pipe_seg *prev, struct pipe_seg *s)
{
	if (prev)
		prev->next = s->next;
	else
		ps->head = s->next;
	if (ps->tail == s)
		ps->tail = prev;
	seg_free(ps, s);
}

static void read_free(struct pipe_read *r)
{
	free(r->cred);
	free(r);
}

void pipe_stream_free(struct pipe_stream *ps)
{
	while (ps->head)
		seg_remove(ps, NULL, ps->head);
	while (ps->rhead) {
		struct pipe_read *r = ps->rhead;

		ps->rhead = r->next;
		read_free(r);
	}
	ps->rtail = NULL;
	ps->nheld = 0;
}

static bool same_why(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_writer(const struct pipe_proc *a, const struct pipe_proc *b)
{
	return a->known == b->known && (!a->known || a->tgid == b->tgid);
}

/* The credit of r for writer w (unknown writers are told apart by why) */
static struct pipe_credit *credit_of(struct pipe_read *r, const struct pipe_proc *w,
				     const char *why, __u32 data_cap)
{
	static const struct pipe_proc nobody;
	struct pipe_credit *c;

	for (__u32 i = 0; i < r->ncred; i++) {
		c = &r->cred[i];
		if (same_writer(&c->w, w) && (w->known || same_why(c->why, why)))
			return c;
	}
	if (r->ncred >= PIPE_READ_WRITERS_MAX) {
		/* the last slot becomes "others": their bytes, writer unknown */
		c = &r->cred[r->ncred - 1];
		if (c->w.known || !same_why(c->why, PIPE_WHY_TOO_MANY)) {
			c->w = nobody;
			c->why = PIPE_WHY_TOO_MANY;
			c->data_len = 0;
			c->data_done = true;
		}
		return c;
	}
	if (r->ncred == r->capcred) {
		__u32 cap = r->capcred ? 2 * r->capcred : 2;
		struct pipe_credit *n = realloc(r->cred, cap * sizeof(*n));

		if (!n)
			return NULL;
		r->cred = n;
		r->capcred = cap;
	}
	c = &r->cred[r->ncred++];
	memset(c, 0, sizeof(*c));
	c->w = *w;
	c->why = why;
	c->data_cap = data_cap > IPCSNOOP_DATA_MAX ? IPCSNOOP_DATA_MAX : data_cap;
	c->data_done = c->data_cap == 0;
	return c;
}

/* r takes n bytes of segment s starting at s's offset start */
static void credit_add(struct pipe_stream *ps, struct pipe_read *r, const struct pipe_seg *s,
		       __u64 start, __u64 n)
{
	struct pipe_credit *c = credit_of(r, &s->w, s->w.known ? NULL : s->why, s->data_cap);

	if (!c) {
		(*ps->sink->gave_up)++;
		return;
	}
	if (!c->bytes)
		c->wop = s->op;
	c->bytes += n;
	c->writes += s->writes;
	if (s->uncertain) {
		c->uncertain = true;
		if (!c->why)
			c->why = s->why;
	}
	if (s->suspect) {
		c->uncertain = true;
		if (!c->why)
			c->why = PIPE_WHY_UNSEEN_READ;
	}
	/* payload: the longest captured prefix of these bytes, at most data_cap */
	if (!c->data_done) {
		__u64 have = start < s->data_len ? s->data_len - start : 0;
		__u64 k = have < n ? have : n;

		if (k > c->data_cap - c->data_len)
			k = c->data_cap - c->data_len;
		if (k)
			memcpy(c->data + c->data_len, s->data + start, k);
		c->data_len += k;
		if (k < n)
			c->data_done = true;
	}
}

/* Everything left of r is from an unknown writer */
static void read_settle(struct pipe_stream *ps, struct pipe_read *r, const char *why)
{
	struct pipe_seg none = { .why = why, .writes = 0 };
	__u64 left = r->want - r->got;

	if (!left)
		return;
	credit_add(ps, r, &none, 0, left);
	r->got = r->want;
}

/* Drop exhausted finished segments from the head (in-flight ones wait for their END) */
static void compact(struct pipe_stream *ps)
{
	struct pipe_seg *prev = NULL, *s = ps->head;

	while (s && s->off >= s->size) {
		struct pipe_seg *next = s->next;

		if (s->inflight)
			prev = s;
		else
			seg_remove(ps, prev, s);
		s = next;
	}
}

/* Take r's bytes from the head of the FIFO; true when r is complete. */
static bool read_fill(struct pipe_stream *ps, struct pipe_read *r)
{
	for (struct pipe_seg *s = ps->head; s && r->got < r->want; s = s->next) {
		__u64 avail = s->size - s->off, take, start = s->off;

		if (s->begin_ts > r->ts)
			break;                  /* began after this read returned */
		if (!avail)
			continue;
		take = r->want - r->got < avail ? r->want - r->got : avail;
		credit_add(ps, r, s, start, take);
		s->off += take;
		r->got += take;
		if (s->packet && r->got == r->want) {
			/* a packet read takes one PIPE_BUF packet; the rest of it is gone */
			__u64 end = (start / IPCSNOOP_PIPE_BUF + 1) * IPCSNOOP_PIPE_BUF;

			s->off = end < s->size ? end : s->size;
		}
	}
	compact(ps);
	return r->got == r->want;
}

static void read_done(struct pipe_stream *ps, struct pipe_read *r)
{
	ps->sink->read_done(ps->sink->ctx, ps, r);
	read_free(r);
}

/* Complete the reads waiting at the head, in order, as far as the bytes allow. */
static void drain(struct pipe_stream *ps)
{
	while (ps->rhead && read_fill(ps, ps->rhead)) {
		struct pipe_read *r = ps->rhead;

		ps->rhead = r->next;
		if (!ps->rhead)
			ps->rtail = NULL;
		ps->nheld--;
		read_done(ps, r);
	}
}

/* Settle the head read as it is: the rest of its bytes have no known writer,
 * counted in *counter (gave_up, or evicted). */
static void settle_head(struct pipe_stream *ps, const char *why, __u64 *counter)
{
	struct pipe_read *r = ps->rhead;

	read_settle(ps, r, why);
	(*counter)++;
	ps->rhead = r->next;
	if (!ps->rhead)
		ps->rtail = NULL;
	ps->nheld--;
	read_done(ps, r);
}

/* Before bytes that began at ts join: reads that returned before ts cannot
 * contain them, so those still waiting are settled. */
static void settle_before(struct pipe_stream *ps, __u64 ts)
{
	while (ps->rhead && ps->rhead->ts < ts) {
		settle_head(ps, PIPE_WHY_NOT_SEEN, ps->sink->gave_up);
		drain(ps);
	}
}

static struct pipe_seg *seg_new(struct pipe_stream *ps, const struct pipe_proc *w, __u64 ts,
				__u64 n, __u16 op, bool packet)
{
	struct pipe_seg *s;

	if (ps->nsegs >= PIPE_SEGS_MAX) {
		/* full: the oldest bytes are reported and forgotten; the FIFO is
		 * no longer exact until it is consistent again */
		struct pipe_seg *old = ps->head;

		(*ps->sink->evicted)++;
		ps->lossy = true;
		if (old->w.known && old->size > old->off && !old->inflight) {
			struct pipe_credit c = { .w = old->w, .bytes = old->size - old->off,
						 .writes = old->writes, .wop = old->op, .data_done = true };

			ps->sink->unread(ps->sink->ctx, ps, &c, old->begin_ts, PIPE_WHY_EVICTED);
		}
		seg_remove(ps, NULL, old);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->w = *w;
	s->size = n;
	s->begin_ts = ts;
	s->writes = 1;
	s->op = op;
	s->packet = packet;
	if (ps->tail)
		ps->tail->next = s;
	else
		ps->head = s;
	ps->tail = s;
	ps->nsegs++;
	if (ps->sink->segs_total)
		(*ps->sink->segs_total)++;
	return s;
}

/*
 * Many segments (a slow reader): fold the finished s into its predecessor p
 * when nothing is lost by it: same writer, same kind, p's payload still a
 * prefix of the joint bytes. Only the count of writes is then shared.
 */
static void merge(struct pipe_stream *ps, struct pipe_seg *p, struct pipe_seg *s)
{
	__u32 room;

	if (p->inflight || s->inflight || p->packet || s->packet || p->suspect || s->suspect ||
	    !p->w.known || !s->w.known || p->w.tgid != s->w.tgid || p->uncertain != s->uncertain ||
	    s->off || p->data_cap != s->data_cap)
		return;
	if (p->data_len < p->size && s->data_len)
		return;                         /* s's payload would not follow p's */
	room = p->data_cap - p->data_len;
	if (s->data_len && room) {
		__u32 k = s->data_len < room ? s->data_len : room;
		unsigned char *d = realloc(p->data, p->data_len + k);

		if (!d)
			return;
		memcpy(d + p->data_len, s->data, k);
		p->data = d;
		p->data_len += k;
	}
	p->size += s->size;
	p->writes += s->writes;
	seg_remove(ps, p, s);
}

void pipe_stream_prefix(struct pipe_stream *ps, __u64 bytes, __u64 ts)
{
	static const struct pipe_proc nobody;
	struct pipe_seg *s;

	if (!bytes)
		return;
	s = seg_new(ps, &nobody, ts, bytes, PIPE_OP_NONE, false);
	if (s) {
		s->why = PIPE_WHY_BEFORE_TRACE;
		s->writes = 0;
	}
}

void pipe_stream_begin(struct pipe_stream *ps, const struct pipe_proc *w, __u64 ts, __u64 n,
		       __u16 op, bool packet, const void *data, __u32 data_len, __u32 data_cap)
{
	bool concurrent = false;
	struct pipe_seg *s;

	settle_before(ps, ts);
	/* another writer in flight: which of the two reaches the pipe first is unknown */
	for (struct pipe_seg *o = ps->head; o; o = o->next) {
		if (o->inflight && o->w.tid != w->tid) {
			o->uncertain = true;
			if (!o->why)
				o->why = PIPE_WHY_CONCURRENT;
			concurrent = true;
		}
	}
	s = seg_new(ps, w, ts, n, op, packet);
	if (!s) {
		(*ps->sink->gave_up)++;
		return;
	}
	s->inflight = true;
	if (!w->known)
		s->why = PIPE_WHY_SELF;         /* the only writer without a name */
	if (concurrent) {
		s->uncertain = true;
		if (!s->why)
			s->why = PIPE_WHY_CONCURRENT;
	}
	s->data_cap = data_cap;
	if (data && data_len) {
		s->data = malloc(data_len);
		if (s->data) {
			memcpy(s->data, data, data_len);
			s->data_len = data_len;
		}
	}
	drain(ps);
}

void pipe_stream_end(struct pipe_stream *ps, const struct pipe_proc *w, __u64 ts, __u64 enter_ts,
		     __s64 ret, __u16 op, bool packet)
{
	struct pipe_seg *prev = NULL, *s;
	__u64 n = ret > 0 ? (__u64)ret : 0;

	for (s = ps->head; s; prev = s, s = s->next)
		if (s->inflight && s->w.tid == w->tid)
			break;
	if (!s) {
		/* its BEGIN was lost: the bytes join now, at an uncertain place */
		if (!n)
			return;
		settle_before(ps, enter_ts);
		s = seg_new(ps, w, enter_ts, n, op, packet);
		if (!s) {
			(*ps->sink->gave_up)++;
			return;
		}
		s->uncertain = true;
		s->why = w->known ? PIPE_WHY_BEGIN_LOST : PIPE_WHY_SELF;
		drain(ps);
		return;
	}
	s->inflight = false;
	if (n < s->off) {
		/* reads took more of it than it wrote: the model was wrong somewhere */
		(*ps->sink->anomalies)++;
		n = s->off;
	}
	s->size = n;
	if (s->off >= s->size)
		seg_remove(ps, prev, s);
	else if (prev && ps->nsegs > PIPE_SEGS_MAX / 2)
		merge(ps, prev, s);
	compact(ps);
	drain(ps);
}

/* Bytes the kernel no longer holds: report them (taken by a read not seen) and drop them */
static void drop_suspects(struct pipe_stream *ps)
{
	struct pipe_seg *prev = NULL, *s = ps->head, *next;
	bool any = false;

	for (; s; s = next) {
		next = s->next;
		if (!s->suspect) {
			prev = s;
			continue;
		}
		if (s->w.known && s->size > s->off) {
			struct pipe_credit c = { .w = s->w, .bytes = s->size - s->off,
						 .writes = s->writes, .wop = s->op, .data_done = true };

			ps->sink->unread(ps->sink->ctx, ps, &c, s->suspect_ts, PIPE_WHY_UNSEEN_READ);
		}
		seg_remove(ps, prev, s);
		any = true;
	}
	if (any)
		(*ps->sink->gave_up)++;
}

/* Suspect bytes marked by reader tid, or marked at or before ts */
static bool has_suspects(const struct pipe_stream *ps, __u32 tid, __u64 ts)
{
	for (const struct pipe_seg *s = ps->head; s; s = s->next)
		if (s->suspect && (s->suspect_tid == tid || s->suspect_ts <= ts))
			return true;
	return false;
}

bool pipe_stream_read(struct pipe_stream *ps, const struct pipe_proc *rd, __u64 ts, __u64 n,
		      __s32 fd, __u16 op, bool empty)
{
	struct pipe_read *r;
	bool inflight = false, left = false;

	/* the reader that saw the pipe empty reads again: its bytes are new */
	if (!ps->rhead && has_suspects(ps, rd->tid, 0) && rd->tid)
		drop_suspects(ps);
	r = calloc(1, sizeof(*r));
	if (!r) {
		(*ps->sink->gave_up)++;
		return false;
	}
	r->r = *rd;
	r->ts = ts;
	r->want = n;
	r->fd = fd;
	r->op = op;
	if (ps->nheld >= PIPE_HELD_MAX) {
		settle_head(ps, PIPE_WHY_HELD_FULL, ps->sink->evicted);
		drain(ps);
	}
	if (ps->rtail)
		ps->rtail->next = r;
	else
		ps->rhead = r;
	ps->rtail = r;
	ps->nheld++;
	drain(ps);
	if (!empty || ps->rhead)
		return false;
	for (struct pipe_seg *s = ps->head; s; s = s->next) {
		inflight |= s->inflight;
		left |= s->size > s->off;
	}
	if (!left) {
		ps->lossy = false;
		return true;
	}
	if (!inflight) {
		/* a write in flight may have put anything anywhere: only without one */
		for (struct pipe_seg *s = ps->head; s; s = s->next) {
			if (!s->suspect && s->size > s->off) {
				s->suspect = true;
				s->suspect_tid = rd->tid;
				s->suspect_ts = ts;
			}
		}
	}
	return false;
}

void pipe_stream_expire(struct pipe_stream *ps, __u64 now)
{
	while (ps->rhead && ps->rhead->ts + ps->hold_ns <= now) {
		settle_head(ps, PIPE_WHY_NOT_SEEN, ps->sink->gave_up);
		drain(ps);
	}
	if (!ps->rhead && now >= ps->hold_ns && has_suspects(ps, 0, now - ps->hold_ns))
		drop_suspects(ps);
}

void pipe_stream_finish(struct pipe_stream *ps, const char *why)
{
	while (ps->rhead) {
		settle_head(ps, PIPE_WHY_NOT_SEEN, ps->sink->gave_up);
		drain(ps);
	}
	/* bytes never read, one report per writer, in FIFO order of first bytes */
	while (ps->head) {
		struct pipe_seg *first = ps->head, *prev, *s, *next;
		struct pipe_credit c;
		__u64 last_ts = first->begin_ts;

		if (!first->w.known || first->inflight || first->off >= first->size) {
			/* the prefix was never ours to report; a write still in flight
			 * has no known size: it is counted, not guessed */
			if (first->inflight && first->w.known)
				(*ps->sink->gave_up)++;
			seg_remove(ps, NULL, first);
			continue;
		}
		memset(&c, 0, sizeof(c));
		c.w = first->w;                 /* first is freed in the loop below */
		c.wop = first->op;
		c.data_cap = first->data_cap > IPCSNOOP_DATA_MAX ? IPCSNOOP_DATA_MAX : first->data_cap;
		c.data_done = c.data_cap == 0;
		for (prev = NULL, s = ps->head; s; s = next) {
			next = s->next;
			if (!s->w.known || s->inflight || !same_writer(&s->w, &c.w)) {
				prev = s;
				continue;
			}
			if (s->size > s->off) {
				__u64 n = s->size - s->off, have, k;

				if (!c.data_done) {
					have = s->off < s->data_len ? s->data_len - s->off : 0;
					k = have < n ? have : n;
					if (k > c.data_cap - c.data_len)
						k = c.data_cap - c.data_len;
					if (k)
						memcpy(c.data + c.data_len, s->data + s->off, k);
					c.data_len += k;
					if (k < n)
						c.data_done = true;
				}
				c.bytes += n;
				c.writes += s->writes;
				if (s->uncertain)
					c.uncertain = true;
				last_ts = s->begin_ts;
			}
			seg_remove(ps, prev, s);
		}
		ps->sink->unread(ps->sink->ctx, ps, &c, last_ts, why);
	}
}

void pipe_stream_handover(struct pipe_stream *ps, const struct pipe_proc *w, __u64 run_ts,
			  __u64 done, bool inflight, __u64 enter_ts, __u64 n, __u64 taken, __u16 op)
{
	struct pipe_seg *s;

	if (done && !seg_new(ps, w, run_ts, done, op, false))
		(*ps->sink->gave_up)++;
	if (inflight) {
		s = seg_new(ps, w, enter_ts, n, op, false);
		if (!s) {
			(*ps->sink->gave_up)++;
		} else {
			s->inflight = true;
			s->off = taken < n ? taken : n;
		}
	}
	drain(ps);
}
