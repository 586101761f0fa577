// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SysV message queues. Each queue is modelled (sysv_queue.c): a msgsnd's
 * message enters the model when the send enters the kernel (it is queued
 * somewhere before the send returns, and a receiver may return first), leaves
 * it if the send fails, and each msgrcv takes the message the kernel gave it:
 * the first in queue order that msgtyp selects, of the type the receiver's
 * buffer holds, with the received size and fingerprint. Messages already
 * queued when tracing started are read at start-up without removing them
 * (msgrcv MSG_COPY) and are received "from before tracing": never from an
 * invented sender.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include "sysv_model.h"
#include "sysv_queue.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#define MSG_QUEUES_MAX 1024
#define MSG_TOTAL_MAX 65536             /* messages in all queues */
#define MSG_PENDING_MAX 256             /* receives waiting for their send's record */

struct msq {
	bool used;
	bool key_known;
	bool history;                   /* every change since a known state was seen */
	__u32 ns;
	__s32 id;
	__s64 key;
	__u64 last_ts;
	struct sq_queue q;
};

struct msg_model {
	struct correlator *c;
	struct msq *queues;
	struct msq *last;               /* the queue found last: traffic comes in runs */
	unsigned total;
	struct rec_msg_rcv *pending;    /* FIFO ring */
	unsigned phead, pcount;
	__u32 own_ns;
};

static void key_of(struct msg_model *m, struct msq *q)
{
	if (q->key_known || q->ns != m->own_ns)
		return;
	q->key_known = sysv_proc_lookup("msg", q->id, &q->key, NULL);
}

static void queue_drop(struct msg_model *m, struct msq *q)
{
	m->total -= q->q.n;
	sq_free(&q->q);
	q->used = false;
}

static struct msq *queue_find(struct msg_model *m, __u32 ns, __s32 id, bool create)
{
	struct msq *victim = NULL;

	if (m->last && m->last->used && m->last->ns == ns && m->last->id == id)
		return m->last;
	for (unsigned i = 0; i < MSG_QUEUES_MAX; i++) {
		struct msq *q = &m->queues[i];

		if (q->used && q->ns == ns && q->id == id)
			return m->last = q;
		if (!victim || (victim->used && (!q->used || q->last_ts < victim->last_ts)))
			victim = q;     /* a free slot, else the least recently used */
	}
	if (!create)
		return NULL;
	if (victim->used) {
		m->c->stats.evicted[IPC_MSG] += 1 + victim->q.n;
		queue_drop(m, victim);
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->ns = ns;
	victim->id = id;
	key_of(m, victim);
	return m->last = victim;
}

/* Room for one more message: forget the oldest of the fullest queue. */
static void make_room(struct msg_model *m)
{
	struct msq *big = NULL;

	if (m->total < MSG_TOTAL_MAX)
		return;
	for (unsigned i = 0; i < MSG_QUEUES_MAX; i++)
		if (m->queues[i].used && (!big || m->queues[i].q.n > big->q.n))
			big = &m->queues[i];
	if (!big || !big->q.n)
		return;
	sq_remove(&big->q, 0);
	big->q.unknown++;
	m->total--;
	m->c->stats.evicted[IPC_MSG]++;
}

static void push(struct msg_model *m, struct msq *q, const struct sq_msg *msg)
{
	unsigned before;

	make_room(m);
	before = q->q.n;
	if (!sq_push(&q->q, msg))
		m->c->stats.evicted[IPC_MSG]++;
	m->total += q->q.n - before;
}

static void remove_at(struct msg_model *m, struct msq *q, unsigned i)
{
	sq_remove(&q->q, i);
	m->total--;
}

/* s: the message received, NULL if unknown; why_unknown: "before-tracing" or "unknown" */
static void emit(struct msg_model *m, struct msq *q, const struct sq_msg *s,
		 const struct rec_msg_rcv *r, bool exact, bool copy, const char *why_unknown)
{
	__s64 mtype = r->mtype_ok ? r->mtype : s && s->type_ok ? s->type : -1;
	char key[24], detail[64] = "";
	struct edge e;

	if (!r->tag.selected && !(s && s->known && s->selected))
		return;
	edge_init(&e, IPC_MSG, r->hdr.ts_ns);
	if (s && s->known)
		endpoint_set(&e.src, s->tgid, s->tid, s->comm);
	sysv_endpoint(&e.dst, &r->hdr);
	sysv_key_str(key, sizeof(key), q->key_known, q->key);
	edge_set_object(&e, "msq key=%s id=%d", key, q->id);
	e.has_bytes = true;
	e.bytes = r->ret;
	e.inferred = !exact || !s || !s->known;
	edge_attr_str(&e, "op", copy ? "copy" : "message");
	edge_attr_int(&e, "msqid", q->id);
	edge_attr_str(&e, "key", key);
	edge_attr_int(&e, "mtype", mtype);
	edge_attr_int(&e, "msgtyp", r->msgtyp);
	if (s && !s->unsized)
		edge_attr_int(&e, "size", s->size);
	edge_attr_bool(&e, "truncated", s && s->size > (__u64)r->ret);
	edge_attr_bool(&e, "waited", r->blocked);
	if (s && !s->known)
		why_unknown = "before-tracing";
	if (!s || !s->known)
		edge_attr_str(&e, "sender", why_unknown);
	else if (!exact)
		edge_attr_str(&e, "sender", "ambiguous");
	if (s && s->size > (__u64)r->ret)
		snprintf(detail, sizeof(detail), " truncated from %llu", (unsigned long long)s->size);
	edge_set_detail(&e, "mtype=%lld msgtyp=%lld%s%s%s%s", (long long)mtype,
			(long long)r->msgtyp, detail, r->blocked ? " waited" : "",
			copy ? " copy" : "",
			!s || !s->known ? (strcmp(why_unknown, "unknown") ? " queued before tracing" :
					    " sender unknown") :
			!exact ? " ambiguous sender" : "");
	if (r->data_len) {
		e.data = r->data;
		e.data_len = r->data_len < IPCSNOOP_DATA_MAX ? r->data_len : IPCSNOOP_DATA_MAX;
	}
	correlator_emit(m->c, &e);
}

/* ---- start-up: queues and messages that exist before tracing ---- */

static long msgmax(void)
{
	char path[256];
	long v = 8192;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/kernel/msgmax", sysv_proc_root);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 8192;
		fclose(f);
	}
	return v < 1 ? 8192 : v > (1 << 20) ? (1 << 20) : v;
}

/* Copy the queued messages without removing them (needs CONFIG_CHECKPOINT_RESTORE). */
static __u64 snapshot_queue(struct msg_model *m, struct msq *q, __u64 qnum, char *buf, long max)
{
	__u64 got = 0;

	if (!sysv_snapshot_msgs)
		return 0;
	for (; got < qnum && got < SQ_MAX_MSGS; got++) {
		struct sq_msg msg = {};
		ssize_t n = msgrcv(q->id, buf, max, got, MSG_COPY | IPC_NOWAIT | MSG_NOERROR);

		if (n < 0)
			break;
		msg.type_ok = true;
		msg.type = *(long *)buf;
		msg.size = n;
		sysv_fingerprint_bytes(&msg.fp, buf + sizeof(long), n);
		push(m, q, &msg);
	}
	return got;
}

static void scan(struct msg_model *m)
{
	char path[256], line[512];
	long max = msgmax();
	char *buf = malloc(sizeof(long) + max);
	FILE *f;

	snprintf(path, sizeof(path), "%s/sysvipc/msg", sysv_proc_root);
	f = fopen(path, "re");
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		long long key, cbytes, qnum;
		int id, perms;
		struct msq *q;

		if (sscanf(line, "%lld %d %o %lld %lld", &key, &id, &perms, &cbytes, &qnum) != 5)
			continue;
		q = queue_find(m, m->own_ns, id, true);
		q->key = (__s32)key;
		q->key_known = true;
		q->history = true;
		if (qnum > 0) {
			__u64 unread = qnum - snapshot_queue(m, q, qnum, buf, max);

			q->q.unknown += unread;
			q->q.before += unread;
		}
	}
	fclose(f);
	free(buf);
}

/* ---- records ---- */

static void on_get(struct msg_model *m, const struct rec_sysv_get *r)
{
	struct msq *q;
	bool seen;

	if (r->ret < 0)
		return;
	seen = queue_find(m, r->tag.ipc_ns, r->ret, false) != NULL;
	q = queue_find(m, r->tag.ipc_ns, r->ret, true);
	q->key = r->key;
	q->key_known = true;
	if (!seen && (r->flags & IPC_CREAT))
		q->history = true;      /* created now: empty */
	q->last_ts = r->hdr.ts_ns;
}

static bool rcv_info(const struct rec_msg_rcv *r, struct sq_rcv *out)
{
	memset(out, 0, sizeof(*out));
	out->type_ok = r->mtype_ok;
	out->type = r->mtype;
	out->bytes = r->ret;
	out->may_truncate = (r->msgflg & MSG_NOERROR) && (__u64)r->ret == r->msgsz;
	out->fp = r->fp;
	return true;
}

/* A receive held for want of its send: does this send's message fit it? */
static bool pending_fits(const struct rec_msg_rcv *p, const struct rec_msg_snd *s)
{
	struct sq_msg msg = { .type_ok = s->mtype_ok, .type = s->mtype, .size = s->msgsz, .fp = s->fp };
	struct sq_rcv rcv;

	if (p->msqid != s->msqid || p->tag.ipc_ns != s->tag.ipc_ns || p->hdr.ts_ns <= s->hdr.ts_ns)
		return false;
	rcv_info(p, &rcv);
	return sq_matches(&msg, &rcv);
}

static struct rec_msg_rcv *pending_at(struct msg_model *m, unsigned i)
{
	return &m->pending[(m->phead + i) % MSG_PENDING_MAX];
}

static void pending_remove(struct msg_model *m, unsigned i)
{
	for (; i + 1 < m->pcount; i++)
		*pending_at(m, i) = *pending_at(m, i + 1);
	m->pcount--;
}

static void on_snd(struct msg_model *m, const struct rec_msg_snd *r)
{
	struct msq *q = queue_find(m, r->tag.ipc_ns, r->msqid, true);
	struct sq_msg msg = {
		.enter_ts = r->hdr.ts_ns, .tgid = r->hdr.tgid, .tid = r->hdr.tid, .known = true,
		.selected = r->tag.selected, .inflight = true, .type_ok = r->mtype_ok,
		.type = r->mtype, .size = r->msgsz, .fp = r->fp,
	};

	memcpy(msg.comm, r->hdr.comm, sizeof(msg.comm));
	q->last_ts = r->hdr.ts_ns;
	for (unsigned i = 0; i < m->pcount; i++) {
		struct rec_msg_rcv *p = pending_at(m, i);

		if (pending_fits(p, r)) {
			/* its receive was reported first: pair them now */
			emit(m, q, &msg, p, true, p->msgflg & MSG_COPY, NULL);
			pending_remove(m, i);
			return;
		}
	}
	push(m, q, &msg);
}

static void on_snd_done(struct msg_model *m, const struct rec_sysv_done *r)
{
	struct msq *q = queue_find(m, r->tag.ipc_ns, r->id, false);
	int i;

	if (!q || (i = sq_find_send(&q->q, r->hdr.tid, r->enter_ts)) < 0)
		return;         /* already received, or forgotten */
	if (r->ret < 0) {
		/* EAGAIN (IPC_NOWAIT on a full queue), EINTR, EIDRM...: nothing was sent */
		remove_at(m, q, i);
		return;
	}
	sq_at(&q->q, i)->inflight = false;
	sq_at(&q->q, i)->exit_ts = r->hdr.ts_ns;
}

/*
 * -s: a queue the kernel counted goes back to streaming (bpf/msg_agg.bpf.h):
 * the messages it still counted, per type, join the model. Their sizes are
 * not known, but their type is, and so is their order within a type (the
 * only order a receive of that type depends on). They were all queued before
 * any message sent from now on, except one per type that may be in flight:
 * its DONE names it by entry time 0, as here.
 */
static int on_handover(struct msg_model *m, const struct rec_msg_handover *r)
{
	struct msq *q = queue_find(m, r->ns, r->id, true);

	q->last_ts = r->hdr.ts_ns;
	for (unsigned i = 0; i < MSG_AGG_TYPES; i++) {
		const struct msg_agg_slot *s = &r->slot[i];
		__u64 pend = s->ctl & MSG_AGG_PEND_MASK;
		bool sending = s->ctl & MSG_AGG_SENDING;

		if (!(s->ctl & MSG_AGG_INFO) || !pend)
			continue;       /* no message, or one whose send streams its own record */
		if (s->mtype < 1 || !s->owner_tgid || pend > SQ_MAX_MSGS)
			return -1;
		correlator_learn_proc(m->c, s->owner_tgid, s->owner_tid, s->owner_comm,
				      s->owner_start_ns, s->owner_ns_tgid, s->owner_cgroup_id,
				      r->hdr.ts_ns);
		for (__u64 k = 0; k < pend; k++) {
			struct sq_msg msg = {
				.tgid = s->owner_tgid, .tid = s->owner_tid, .known = true,
				.selected = s->owner_selected, .type_ok = true, .unsized = true,
				.type = s->mtype,
			};

			memcpy(msg.comm, s->owner_comm, sizeof(msg.comm));
			if (sending && k + 1 == pend)
				msg.inflight = true;    /* the newest: its send has not returned */
			else
				msg.exit_ts = 1;        /* returned before any streamed send entered */
			push(m, q, &msg);
		}
	}
	return 0;
}

static void hold(struct msg_model *m, const struct rec_msg_rcv *r)
{
	if (m->pcount == MSG_PENDING_MAX) {
		struct msq *q = queue_find(m, pending_at(m, 0)->tag.ipc_ns, pending_at(m, 0)->msqid, true);

		m->c->stats.gave_up[IPC_MSG]++;
		emit(m, q, NULL, pending_at(m, 0), false, false, "unknown");
		pending_remove(m, 0);
	}
	*pending_at(m, m->pcount++) = *r;
}

static void on_rcv(struct msg_model *m, const struct rec_msg_rcv *r)
{
	bool copy = r->msgflg & MSG_COPY;
	struct sq_rcv rcv;
	struct msq *q;
	unsigned i;
	int sel;

	if (r->ret < 0)
		return;         /* ENOMSG, E2BIG, EINTR, EIDRM...: nothing was received */
	q = queue_find(m, r->tag.ipc_ns, r->msqid, true);
	q->last_ts = r->hdr.ts_ns;
	rcv_info(r, &rcv);
	if (copy) {
		/* MSG_COPY: a copy of the message at index msgtyp, left in the queue */
		__u64 idx = r->msgtyp;

		if (idx >= q->q.unknown && idx - q->q.unknown < q->q.n)
			emit(m, q, sq_at(&q->q, idx - q->q.unknown), r, true, true, NULL);
		else
			emit(m, q, NULL, r, false, true, idx < q->q.before ? "before-tracing" : "unknown");
		return;
	}
	sel = sq_select_msg(&q->q, r->msgtyp, r->msgflg, &rcv);
	if (sel >= 0) {
		unsigned before = q->q.n;
		struct sq_msg msg;

		i = sel;
		m->c->stats.gave_up[IPC_MSG] += sq_drop_stale(&q->q, &i);
		m->total -= before - q->q.n;
		msg = *sq_at(&q->q, i);
		emit(m, q, &msg, r, !sq_ambiguous(&q->q, i), false, NULL);
		remove_at(m, q, i);
		return;
	}
	if (q->q.unknown) {
		/* one of the messages queued before tracing, or forgotten */
		emit(m, q, NULL, r, false, false, sq_take_unknown(&q->q));
		return;
	}
	if (!q->history) {
		/* a queue first seen now: what it held is unknown */
		emit(m, q, NULL, r, false, false, "unknown");
		return;
	}
	hold(m, r);
}

static void on_ctl(struct msg_model *m, const struct rec_sysv_ctl *r)
{
	struct msq *q = queue_find(m, r->tag.ipc_ns, r->id, false);
	char key[24];
	struct edge e;
	bool known = q && q->key_known;
	__s64 k = q ? q->key : 0;

	if (r->cmd != IPC_RMID)
		return;
	if (!q)
		known = r->tag.ipc_ns == m->own_ns && sysv_proc_lookup("msg", r->id, &k, NULL);
	if (r->tag.selected) {
		sysv_event_init(&e, IPC_MSG, &r->hdr, "rmid");
		sysv_key_str(key, sizeof(key), known, k);
		edge_set_object(&e, "msq key=%s id=%d", key, r->id);
		edge_attr_int(&e, "msqid", r->id);
		edge_attr_str(&e, "key", key);
		if (q)
			edge_attr_int(&e, "discarded", q->q.n + q->q.unknown);
		edge_set_detail(&e, "IPC_RMID");
		correlator_emit(m->c, &e);
	}
	if (q)
		queue_drop(m, q);
}

int msg_model_record(struct msg_model *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_MSG_GET:
		if (len != sizeof(struct rec_sysv_get))
			return -1;
		on_get(m, (const void *)h);
		return 0;
	case REC_MSG_SND:
		if (len != sizeof(struct rec_msg_snd))
			return -1;
		on_snd(m, (const void *)h);
		return 0;
	case REC_MSG_SND_DONE:
		if (len != sizeof(struct rec_sysv_done))
			return -1;
		on_snd_done(m, (const void *)h);
		return 0;
	case REC_MSG_RCV:
	{
		struct rec_msg_rcv r;

		/* without -x the record ends before its payload */
		if (len != sizeof(r) && len != offsetof(struct rec_msg_rcv, data))
			return -1;
		memcpy(&r, h, len);
		memset((char *)&r + len, 0, sizeof(r) - len);
		if (len < sizeof(r))
			r.data_len = 0;
		on_rcv(m, &r);
		return 0;
	}
	case REC_MSG_CTL:
		if (len != sizeof(struct rec_sysv_ctl))
			return -1;
		on_ctl(m, (const void *)h);
		return 0;
	case REC_MSG_HANDOVER:
		if (len != sizeof(struct rec_msg_handover))
			return -1;
		return on_handover(m, (const void *)h);
	}
	return -1;
}

/* Receives held longer than hold_ns: their sender is unknown. */
void msg_model_tick(struct msg_model *m, __u64 now_ns)
{
	while (m->pcount && pending_at(m, 0)->hdr.ts_ns + m->c->hold_ns <= now_ns) {
		const struct rec_msg_rcv *p = pending_at(m, 0);
		struct msq *q = queue_find(m, p->tag.ipc_ns, p->msqid, true);

		m->c->stats.gave_up[IPC_MSG]++;
		emit(m, q, NULL, p, false, false, "unknown");
		m->phead = (m->phead + 1) % MSG_PENDING_MAX;
		m->pcount--;
	}
}

void msg_model_flush(struct msg_model *m)
{
	msg_model_tick(m, ~0ull);
}

struct msg_model *msg_model_new(struct correlator *c)
{
	struct msg_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->queues = calloc(MSG_QUEUES_MAX, sizeof(*m->queues));
	m->pending = calloc(MSG_PENDING_MAX, sizeof(*m->pending));
	if (!m->queues || !m->pending) {
		msg_model_free(m);
		return NULL;
	}
	m->own_ns = sysv_own_ipc_ns();
	scan(m);
	return m;
}

void msg_model_free(struct msg_model *m)
{
	if (!m)
		return;
	if (m->queues)
		for (unsigned i = 0; i < MSG_QUEUES_MAX; i++)
			sq_free(&m->queues[i].q);
	free(m->queues);
	free(m->pending);
	free(m);
}
