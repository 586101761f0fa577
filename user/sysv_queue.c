// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "sysv_queue.h"

#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000

void sq_free(struct sq_queue *q)
{
	free(q->ring);
	memset(q, 0, sizeof(*q));
}

const char *sq_take_unknown(struct sq_queue *q)
{
	if (q->unknown)
		q->unknown--;
	if (q->before) {
		q->before--;
		return "before-tracing";
	}
	return "unknown";
}

static bool grow(struct sq_queue *q)
{
	unsigned cap = q->cap ? q->cap * 2 : 16;
	struct sq_msg *p = malloc(cap * sizeof(*p));

	if (!p)
		return false;
	for (unsigned i = 0; i < q->n; i++)
		p[i] = *sq_at(q, i);
	free(q->ring);
	q->ring = p;
	q->cap = cap;
	q->head = 0;
	return true;
}

bool sq_push(struct sq_queue *q, const struct sq_msg *m)
{
	bool room = true;

	if (q->n == SQ_MAX_MSGS) {
		sq_remove(q, 0);
		q->unknown++;
		room = false;
	}
	if (q->n == q->cap && !grow(q)) {
		q->unknown++;
		return false;
	}
	q->n++;
	*sq_at(q, q->n - 1) = *m;
	return room;
}

void sq_remove(struct sq_queue *q, unsigned i)
{
	if (i >= q->n)
		return;
	if (i < q->n / 2) {
		/* move the older ones one step up, then drop the head */
		for (unsigned j = i; j > 0; j--)
			*sq_at(q, j) = *sq_at(q, j - 1);
		q->head = (q->head + 1) & (q->cap - 1);
	} else {
		for (unsigned j = i; j + 1 < q->n; j++)
			*sq_at(q, j) = *sq_at(q, j + 1);
	}
	q->n--;
}

int sq_find_send(const struct sq_queue *q, __u32 tid, __u64 enter_ts)
{
	/* sends in flight are the newest: search from the end */
	for (unsigned i = q->n; i-- > 0;) {
		const struct sq_msg *m = sq_at(q, i);

		if (m->known && m->tid == tid && m->enter_ts == enter_ts)
			return i;
	}
	return -1;
}

static bool fp_matches(const struct sysv_fp *a, const struct sysv_fp *b)
{
	if (!a->ok || !b->ok || a->len != b->len)
		return true;    /* not comparable (unreadable, or truncated below SYSV_FP_LEN) */
	return a->hash == b->hash;
}

bool sq_matches(const struct sq_msg *m, const struct sq_rcv *r)
{
	if (r->type_ok && m->type_ok && m->type != r->type)
		return false;
	if (m->unsized)
		return true;
	if (m->size != r->bytes && !(r->may_truncate && m->size > r->bytes))
		return false;
	return fp_matches(&m->fp, &r->fp);
}

/* ipc/msg.c testmsg(): does msgtyp/msgflg select a message of this type? */
static bool selector_ok(__s64 msgtyp, int msgflg, const struct sq_msg *m)
{
	if (!m->type_ok || msgtyp == 0)
		return true;
	if (msgtyp < 0)
		return m->type <= -msgtyp;
	if (msgflg & MSG_EXCEPT)
		return m->type != msgtyp;
	return m->type == msgtyp;
}

int sq_select_msg(const struct sq_queue *q, __s64 msgtyp, int msgflg, const struct sq_rcv *r)
{
	int best = -1;

	/*
	 * The kernel takes the first message in queue order that msgtyp selects
	 * (for msgtyp < 0: the first of the lowest type <= -msgtyp). When the
	 * receiver's buffer told us the type, that is the first message of that
	 * type; the fingerprint then skips messages the kernel no longer holds.
	 */
	for (unsigned i = 0; i < q->n; i++) {
		const struct sq_msg *m = sq_at(q, i);

		if (!selector_ok(msgtyp, msgflg, m) || !sq_matches(m, r))
			continue;
		if (msgtyp < 0 && !r->type_ok) {
			if (best < 0 || (m->type_ok && m->type < sq_at(q, best)->type))
				best = i;
			continue;
		}
		return i;
	}
	return best;
}

int sq_select_prio(const struct sq_queue *q, const struct sq_rcv *r)
{
	int best = -1;

	for (unsigned i = 0; i < q->n; i++) {
		const struct sq_msg *m = sq_at(q, i);

		if (!sq_matches(m, r))
			continue;
		if (best < 0 || (m->type_ok && m->type > sq_at(q, best)->type))
			best = i;
	}
	return best;
}

static __u64 end_of(const struct sq_msg *m)
{
	return m->inflight ? ~0ull : m->exit_ts;
}

bool sq_ambiguous(const struct sq_queue *q, unsigned i)
{
	const struct sq_msg *c = sq_at(q, i);

	for (unsigned j = 0; j < q->n; j++) {
		const struct sq_msg *d = sq_at(q, j);

		if (j == i || d->type != c->type ||
		    (!d->unsized && !c->unsized && (d->size != c->size || !fp_matches(&d->fp, &c->fp))))
			continue;
		if (d->known == c->known && (!c->known || d->tgid == c->tgid))
			continue;       /* same sender: the edge is the same */
		/* enqueue order is known only when one send returned before the other entered */
		if (d->enter_ts < end_of(c) && c->enter_ts < end_of(d))
			return true;
	}
	return false;
}

unsigned sq_drop_stale(struct sq_queue *q, unsigned *i)
{
	const struct sq_msg c = *sq_at(q, *i);
	unsigned known = 0, kept = 0, dropped = 0;

	/* one pass: keep the others, in order, at the front of [0, *i) ... */
	for (unsigned j = 0; j < *i; j++) {
		const struct sq_msg *d = sq_at(q, j);

		if (d->type_ok && c.type_ok && d->type == c.type && !d->inflight &&
		    end_of(d) <= c.enter_ts) {
			known += d->known;
			dropped++;
			continue;
		}
		if (kept != j)
			*sq_at(q, kept) = *d;
		kept++;
	}
	if (!dropped)
		return 0;
	/* ... then move them up against message *i, and drop the freed head */
	for (unsigned j = kept; j-- > 0;)
		*sq_at(q, j + dropped) = *sq_at(q, j);
	q->head = (q->head + dropped) & (q->cap - 1);
	q->n -= dropped;
	*i -= dropped;
	return known;
}

void sysv_fingerprint_bytes(struct sysv_fp *fp, const void *buf, __u64 size)
{
	const unsigned char *p = buf;
	__u32 n = size < SYSV_FP_LEN ? size : SYSV_FP_LEN;
	__u64 h = SYSV_FP_SEED;

	for (__u32 i = 0; i < n; i++) {
		h ^= p[i];
		h *= SYSV_FP_PRIME;
	}
	fp->hash = h;
	fp->len = n;
	fp->ok = 1;
}
