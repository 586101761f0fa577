// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * POSIX message queues. A queue is its inode in an mqueue mount (the kernel
 * side reads it, its name and its length from the descriptor). Each queue is
 * modelled like a SysV one (sysv_queue.c) but ordered as the kernel orders it:
 * a receive gets the oldest message of the highest priority; the priority the
 * receiver was given, the size and the fingerprint name the send it received.
 * Messages queued before the model first saw the queue (its length then) are
 * received from an unknown sender.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysv_model.h"
#include "sysv_queue.h"

#define MQ_QUEUES_MAX 1024
#define MQ_TOTAL_MAX 65536
#define MQ_PENDING_MAX 256

struct mqq {
	bool used;
	__u32 dev;
	__u64 ino;
	__u64 last_ts;
	char name[SYSV_NAME_LEN];
	struct sq_queue q;
};

struct mq_model {
	struct correlator *c;
	struct mqq *queues;
	struct mqq *last;               /* the queue found last: traffic comes in runs */
	unsigned total;
	struct rec_mq_rcv *pending;     /* FIFO ring of receives waiting for their send */
	unsigned phead, pcount;
};

static void set_name(struct mqq *q, const struct sysv_mq_obj *o)
{
	if (o->name[0])
		memcpy(q->name, o->name, sizeof(q->name));
	q->name[sizeof(q->name) - 1] = '\0';
}

static struct mqq *queue_find(struct mq_model *m, __u32 dev, __u64 ino, bool create, bool *fresh)
{
	struct mqq *victim = NULL;

	if (fresh)
		*fresh = false;
	if (m->last && m->last->used && m->last->dev == dev && m->last->ino == ino)
		return m->last;
	for (unsigned i = 0; i < MQ_QUEUES_MAX; i++) {
		struct mqq *q = &m->queues[i];

		if (q->used && q->dev == dev && q->ino == ino)
			return m->last = q;
		if (!victim || (victim->used && (!q->used || q->last_ts < victim->last_ts)))
			victim = q;
	}
	if (!create)
		return NULL;
	if (victim->used) {
		m->c->stats.evicted[IPC_MQ] += 1 + victim->q.n;
		m->total -= victim->q.n;
		sq_free(&victim->q);
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->dev = dev;
	victim->ino = ino;
	if (fresh)
		*fresh = true;
	return m->last = victim;
}

static void push(struct mq_model *m, struct mqq *q, const struct sq_msg *msg)
{
	unsigned before;

	if (m->total >= MQ_TOTAL_MAX) {
		struct mqq *big = NULL;

		for (unsigned i = 0; i < MQ_QUEUES_MAX; i++)
			if (m->queues[i].used && (!big || m->queues[i].q.n > big->q.n))
				big = &m->queues[i];
		if (big && big->q.n) {
			sq_remove(&big->q, 0);
			big->q.unknown++;
			m->total--;
			m->c->stats.evicted[IPC_MQ]++;
		}
	}
	before = q->q.n;
	if (!sq_push(&q->q, msg))
		m->c->stats.evicted[IPC_MQ]++;
	m->total += q->q.n - before;
}

/* s: the message received, NULL if unknown; why_unknown: "before-tracing" or "unknown" */
static void emit(struct mq_model *m, struct mqq *q, const struct sq_msg *s,
		 const struct rec_mq_rcv *r, bool exact, const char *why_unknown)
{
	long long prio = r->prio_ok ? r->prio : s && s->type_ok ? s->type : -1;
	struct edge e;

	if (!r->tag.selected && !(s && s->known && s->selected))
		return;
	edge_init(&e, IPC_MQ, r->hdr.ts_ns);
	if (s && s->known)
		endpoint_set(&e.src, s->tgid, s->tid, s->comm);
	sysv_endpoint(&e.dst, &r->hdr);
	edge_set_object(&e, "%s%s", q->name[0] == '/' ? "" : "/", q->name);
	e.has_bytes = true;
	e.bytes = r->ret;
	e.inferred = !exact || !s || !s->known;
	edge_attr_str(&e, "op", "message");
	edge_attr_str(&e, "name", e.object);
	edge_attr_int(&e, "prio", prio);
	edge_attr_bool(&e, "waited", r->blocked);
	if (!s || !s->known)
		edge_attr_str(&e, "sender", why_unknown);
	else if (!exact)
		edge_attr_str(&e, "sender", "ambiguous");
	edge_set_detail(&e, "prio=%lld%s%s", prio, r->blocked ? " waited" : "",
			!s || !s->known ? (strcmp(why_unknown, "unknown") ? " queued before tracing" :
					    " sender unknown") :
			!exact ? " ambiguous sender" : "");
	if (r->data_len) {
		e.data = r->data;
		e.data_len = r->data_len < IPCSNOOP_DATA_MAX ? r->data_len : IPCSNOOP_DATA_MAX;
	}
	correlator_emit(m->c, &e);
}

static struct rec_mq_rcv *pending_at(struct mq_model *m, unsigned i)
{
	return &m->pending[(m->phead + i) % MQ_PENDING_MAX];
}

static void pending_remove(struct mq_model *m, unsigned i)
{
	for (; i + 1 < m->pcount; i++)
		*pending_at(m, i) = *pending_at(m, i + 1);
	m->pcount--;
}

static void rcv_info(const struct rec_mq_rcv *r, struct sq_rcv *out)
{
	memset(out, 0, sizeof(*out));
	out->type_ok = r->prio_ok;
	out->type = r->prio;
	out->bytes = r->ret;
	out->fp = r->fp;
}

static void on_snd(struct mq_model *m, const struct rec_mq_snd *r)
{
	struct sq_msg msg = {
		.enter_ts = r->hdr.ts_ns, .tgid = r->hdr.tgid, .tid = r->hdr.tid, .known = true,
		.selected = r->tag.selected, .inflight = true, .type_ok = true, .type = r->prio,
		.size = r->len, .fp = r->fp,
	};
	struct mqq *q;
	bool fresh;

	if (!r->q.ok)
		return;         /* not a message queue: the call fails */
	q = queue_find(m, r->q.dev, r->q.ino, true, &fresh);
	if (fresh && r->q.curmsgs > 0)
		q->q.unknown = q->q.before = r->q.curmsgs;
	set_name(q, &r->q);
	q->last_ts = r->hdr.ts_ns;
	memcpy(msg.comm, r->hdr.comm, sizeof(msg.comm));
	for (unsigned i = 0; i < m->pcount; i++) {
		struct rec_mq_rcv *p = pending_at(m, i);
		struct sq_rcv rcv;

		rcv_info(p, &rcv);
		if (p->q.dev == r->q.dev && p->q.ino == r->q.ino && p->hdr.ts_ns > r->hdr.ts_ns &&
		    sq_matches(&msg, &rcv)) {
			emit(m, q, &msg, p, true, NULL);
			pending_remove(m, i);
			return;
		}
	}
	push(m, q, &msg);
}

static void on_snd_done(struct mq_model *m, const struct rec_sysv_done *r)
{
	struct mqq *q = queue_find(m, r->dev, r->id, false, NULL);
	int i;

	if (!q || (i = sq_find_send(&q->q, r->hdr.tid, r->enter_ts)) < 0)
		return;
	if (r->ret < 0) {
		/* EAGAIN (O_NONBLOCK, full), ETIMEDOUT, EINTR, EMSGSIZE...: nothing was sent */
		sq_remove(&q->q, i);
		m->total--;
		return;
	}
	sq_at(&q->q, i)->inflight = false;
	sq_at(&q->q, i)->exit_ts = r->hdr.ts_ns;
}

static void hold(struct mq_model *m, const struct rec_mq_rcv *r)
{
	if (m->pcount == MQ_PENDING_MAX) {
		struct rec_mq_rcv *p = pending_at(m, 0);
		struct mqq *q = queue_find(m, p->q.dev, p->q.ino, true, NULL);

		m->c->stats.gave_up[IPC_MQ]++;
		set_name(q, &p->q);
		emit(m, q, NULL, p, false, "unknown");
		pending_remove(m, 0);
	}
	*pending_at(m, m->pcount++) = *r;
}

static void on_rcv(struct mq_model *m, const struct rec_mq_rcv *r)
{
	struct sq_rcv rcv;
	struct mqq *q;
	bool fresh;
	int sel;

	if (r->ret < 0 || !r->q.ok)
		return;         /* EAGAIN, ETIMEDOUT, EINTR, EMSGSIZE...: nothing received */
	q = queue_find(m, r->q.dev, r->q.ino, true, &fresh);
	if (fresh)
		q->q.unknown = q->q.before = (r->q.curmsgs > 0 ? r->q.curmsgs : 0) + 1;
	set_name(q, &r->q);
	q->last_ts = r->hdr.ts_ns;
	rcv_info(r, &rcv);
	sel = sq_select_prio(&q->q, &rcv);
	if (sel >= 0) {
		unsigned i = sel, before = q->q.n;
		struct sq_msg msg;

		m->c->stats.gave_up[IPC_MQ] += sq_drop_stale(&q->q, &i);
		m->total -= before - q->q.n;
		msg = *sq_at(&q->q, i);
		emit(m, q, &msg, r, !sq_ambiguous(&q->q, i), NULL);
		sq_remove(&q->q, i);
		m->total--;
		return;
	}
	if (q->q.unknown) {
		/* queued before the queue was first seen, or forgotten */
		emit(m, q, NULL, r, false, sq_take_unknown(&q->q));
		return;
	}
	hold(m, r);
}

static void flags_str(char *buf, size_t cap, int oflag)
{
	snprintf(buf, cap, "%s%s%s%s", (oflag & O_ACCMODE) == O_RDONLY ? "O_RDONLY" :
		 (oflag & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDWR",
		 oflag & O_CREAT ? "|O_CREAT" : "", oflag & O_EXCL ? "|O_EXCL" : "",
		 oflag & O_NONBLOCK ? "|O_NONBLOCK" : "");
}

static void on_open(struct mq_model *m, const struct rec_mq_open *r, bool unlink)
{
	char name[SYSV_NAME_LEN + 1], flags[64], res[24];
	struct edge e;

	memcpy(name, r->q.name, SYSV_NAME_LEN);
	name[SYSV_NAME_LEN] = '\0';
	sysv_event_init(&e, IPC_MQ, &r->hdr, unlink ? "unlink" : "open");
	edge_set_object(&e, "%s%s", name[0] == '/' ? "" : "/", name);
	edge_attr_str(&e, "name", e.object);
	edge_attr_str(&e, "result", sysv_result(r->ret, res, sizeof(res)));
	if (unlink) {
		edge_set_detail(&e, "mq_unlink %s", sysv_result(r->ret, res, sizeof(res)));
	} else {
		flags_str(flags, sizeof(flags), r->oflag);
		edge_attr_str(&e, "flags", flags);
		if (r->ret >= 0)
			edge_attr_int(&e, "fd", r->ret);
		edge_set_detail(&e, "mq_open %s %s", flags, sysv_result(r->ret, res, sizeof(res)));
	}
	correlator_emit(m->c, &e);
}

int mq_model_record(struct mq_model *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_MQ_OPEN:
	case REC_MQ_UNLINK:
		if (len != sizeof(struct rec_mq_open))
			return -1;
		on_open(m, (const void *)h, h->type == REC_MQ_UNLINK);
		return 0;
	case REC_MQ_SND:
		if (len != sizeof(struct rec_mq_snd))
			return -1;
		on_snd(m, (const void *)h);
		return 0;
	case REC_MQ_SND_DONE:
		if (len != sizeof(struct rec_sysv_done))
			return -1;
		on_snd_done(m, (const void *)h);
		return 0;
	case REC_MQ_RCV:
	{
		struct rec_mq_rcv r;

		/* without -x the record ends before its payload */
		if (len != sizeof(r) && len != offsetof(struct rec_mq_rcv, data))
			return -1;
		memcpy(&r, h, len);
		memset((char *)&r + len, 0, sizeof(r) - len);
		if (len < sizeof(r))
			r.data_len = 0;
		on_rcv(m, &r);
		return 0;
	}
	}
	return -1;
}

void mq_model_tick(struct mq_model *m, __u64 now_ns)
{
	while (m->pcount && pending_at(m, 0)->hdr.ts_ns + m->c->hold_ns <= now_ns) {
		const struct rec_mq_rcv *p = pending_at(m, 0);
		struct mqq *q = queue_find(m, p->q.dev, p->q.ino, true, NULL);

		m->c->stats.gave_up[IPC_MQ]++;
		set_name(q, &p->q);
		emit(m, q, NULL, p, false, "unknown");
		m->phead = (m->phead + 1) % MQ_PENDING_MAX;
		m->pcount--;
	}
}

void mq_model_flush(struct mq_model *m)
{
	mq_model_tick(m, ~0ull);
}

struct mq_model *mq_model_new(struct correlator *c)
{
	struct mq_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->queues = calloc(MQ_QUEUES_MAX, sizeof(*m->queues));
	m->pending = calloc(MQ_PENDING_MAX, sizeof(*m->pending));
	if (!m->queues || !m->pending) {
		mq_model_free(m);
		return NULL;
	}
	return m;
}

void mq_model_free(struct mq_model *m)
{
	if (!m)
		return;
	if (m->queues)
		for (unsigned i = 0; i < MQ_QUEUES_MAX; i++)
			sq_free(&m->queues[i].q);
	free(m->queues);
	free(m->pending);
	free(m);
}
