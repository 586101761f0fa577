// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * SysV semaphores. Each semop/semtimedop of a selected process is an event
 * naming the set and its operations (semaphore number and value). The edge
 * that matters, releaser -> waiter, needs no guessing: the kernel side sees
 * the wakeup of a task sleeping in semop done from the releaser's own semop
 * or semctl on the same set (or its exit, undoing SEM_UNDO adjustments), and
 * the waiter's record says so when its operation returns successfully.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysv_model.h"

#define SEM_SETS_MAX 1024
#define SEM_UNDO 0x1000
#define SEM_IPC_NOWAIT 04000
#define SEM_SETVAL 16
#define SEM_SETALL 17

struct sem_set {
	bool used;
	bool key_known;
	__u32 ns;
	__s32 id;
	__s64 key;
	__u64 last_ts;
};

struct sem_model {
	struct correlator *c;
	struct sem_set *sets;
	__u32 own_ns;
};

static struct sem_set *set_find(struct sem_model *m, __u32 ns, __s32 id)
{
	struct sem_set *victim = NULL;

	for (unsigned i = 0; i < SEM_SETS_MAX; i++) {
		struct sem_set *s = &m->sets[i];

		if (s->used && s->ns == ns && s->id == id)
			return s;
		if (!victim || (victim->used && (!s->used || s->last_ts < victim->last_ts)))
			victim = s;
	}
	if (victim->used)
		m->c->stats.evicted[IPC_SEM]++;
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->ns = ns;
	victim->id = id;
	if (ns == m->own_ns)
		victim->key_known = sysv_proc_lookup("sem", id, &victim->key, NULL);
	return victim;
}

/* "0:-1,1:+1": semaphore number and operation; "u" marks SEM_UNDO. */
static void ops_str(char *buf, size_t cap, const struct sysv_sembuf *ops, __u32 nsops)
{
	size_t at = 0;
	__u32 n = nsops < SYSV_SEM_OPS ? nsops : SYSV_SEM_OPS;

	buf[0] = '\0';
	for (__u32 i = 0; i < n && at < cap; i++)
		at += snprintf(buf + at, cap - at, "%s%u:%+d%s", i ? "," : "", ops[i].num, ops[i].op,
			       ops[i].flg & SEM_UNDO ? "u" : "");
	if (nsops > n && at < cap)
		snprintf(buf + at, cap - at, ",+%u more", nsops - n);
}

/* The semaphore the waiter could not take at once: its first P or wait-for-zero. */
static int waited_num(const struct rec_sem_op *r)
{
	__u32 n = r->nsops < SYSV_SEM_OPS ? r->nsops : SYSV_SEM_OPS;

	for (__u32 i = 0; i < n; i++)
		if (r->ops[i].op <= 0)
			return r->ops[i].num;
	return n ? r->ops[0].num : -1;
}

static void set_object(struct sem_set *s, struct edge *e, char *key, size_t cap)
{
	sysv_key_str(key, cap, s->key_known, s->key);
	edge_set_object(e, "sem key=%s id=%d", key, s->id);
	edge_attr_int(e, "semid", s->id);
	edge_attr_str(e, "key", key);
}

static void releaser_str(char *buf, size_t cap, const struct rec_sem_op *r)
{
	switch (r->via) {
	case SYSV_WAKE_SEMOP:
		ops_str(buf, cap, r->waker_ops, r->waker_nsops);
		break;
	case SYSV_WAKE_SEMCTL:
		if (r->waker_cmd == SEM_SETVAL)
			snprintf(buf, cap, "setval %u=%d", r->waker_ops[0].num, r->waker_ops[0].op);
		else
			snprintf(buf, cap, "setall");
		break;
	default:
		snprintf(buf, cap, "exit (SEM_UNDO)");
		break;
	}
}

static const char *via_name(__u32 via)
{
	return via == SYSV_WAKE_SEMOP ? "semop" : via == SYSV_WAKE_SEMCTL ? "semctl" : "exit";
}

static void on_op(struct sem_model *m, const struct rec_sem_op *r)
{
	struct sem_set *s = set_find(m, r->tag.ipc_ns, r->semid);
	char key[24], ops[EDGE_ATTR_STR_LEN], rel[EDGE_ATTR_STR_LEN], res[24];
	__u64 waited = r->hdr.ts_ns > r->enter_ts ? r->hdr.ts_ns - r->enter_ts : 0;
	struct edge e;

	s->last_ts = r->hdr.ts_ns;
	ops_str(ops, sizeof(ops), r->ops, r->nsops);
	if (r->tag.selected) {
		sysv_event_init(&e, IPC_SEM, &r->hdr, "semop");
		set_object(s, &e, key, sizeof(key));
		edge_attr_str(&e, "ops", ops);
		edge_attr_str(&e, "result", sysv_result(r->ret, res, sizeof(res)));
		edge_attr_bool(&e, "blocked", r->blocked);
		if (r->blocked)
			edge_attr_int(&e, "waited_ns", waited);
		edge_set_detail(&e, "semop %s -> %s%s", ops, sysv_result(r->ret, res, sizeof(res)),
				r->blocked ? " (blocked)" : "");
		correlator_emit(m->c, &e);
	}
	if (r->ret < 0)
		return;         /* EAGAIN, EINTR, EIDRM (set removed while waiting)...: not released */
	if (r->via == SYSV_WAKE_NONE) {
		if (r->blocked)
			m->c->stats.gave_up[IPC_SEM]++;  /* slept, yet no release was seen */
		return;
	}
	if (!r->tag.selected && !r->waker_selected)
		return;
	edge_init(&e, IPC_SEM, r->wake_ts);
	endpoint_set(&e.src, r->waker_tgid, r->waker_tid, r->waker_comm);
	sysv_endpoint(&e.dst, &r->hdr);
	edge_attr_str(&e, "op", "release");
	set_object(s, &e, key, sizeof(key));
	edge_attr_int(&e, "sem_num", waited_num(r));
	edge_attr_str(&e, "ops", ops);
	releaser_str(rel, sizeof(rel), r);
	edge_attr_str(&e, "releaser_ops", rel);
	edge_attr_str(&e, "via", via_name(r->via));
	edge_attr_int(&e, "waited_ns", waited);
	edge_set_detail(&e, "%s let %s proceed (waited %.3f ms)", rel, ops, waited / 1e6);
	correlator_emit(m->c, &e);
}

static void on_get(struct sem_model *m, const struct rec_sysv_get *r)
{
	struct sem_set *s;

	if (r->ret < 0)
		return;
	s = set_find(m, r->tag.ipc_ns, r->ret);
	s->key = r->key;
	s->key_known = true;
	s->last_ts = r->hdr.ts_ns;
}

static void on_ctl(struct sem_model *m, const struct rec_sysv_ctl *r)
{
	struct sem_set *s = set_find(m, r->tag.ipc_ns, r->id);
	char key[24];
	struct edge e;

	s->last_ts = r->hdr.ts_ns;
	if (r->cmd == 0 /* IPC_RMID */) {
		sysv_event_init(&e, IPC_SEM, &r->hdr, "rmid");
		set_object(s, &e, key, sizeof(key));
		edge_set_detail(&e, "IPC_RMID");
		correlator_emit(m->c, &e);
		s->used = false;
		return;
	}
	sysv_event_init(&e, IPC_SEM, &r->hdr, r->cmd == SEM_SETVAL ? "setval" : "setall");
	set_object(s, &e, key, sizeof(key));
	if (r->cmd == SEM_SETVAL) {
		edge_attr_int(&e, "sem_num", r->semnum);
		edge_attr_int(&e, "value", r->val);
		edge_set_detail(&e, "setval %d=%lld", r->semnum, (long long)r->val);
	} else {
		edge_set_detail(&e, "setall");
	}
	correlator_emit(m->c, &e);
}

int sem_model_record(struct sem_model *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_SEM_GET:
		if (len != sizeof(struct rec_sysv_get))
			return -1;
		on_get(m, (const void *)h);
		return 0;
	case REC_SEM_OP:
		if (len != sizeof(struct rec_sem_op))
			return -1;
		on_op(m, (const void *)h);
		return 0;
	case REC_SEM_CTL:
		if (len != sizeof(struct rec_sysv_ctl))
			return -1;
		on_ctl(m, (const void *)h);
		return 0;
	}
	return -1;
}

struct sem_model *sem_model_new(struct correlator *c)
{
	struct sem_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->sets = calloc(SEM_SETS_MAX, sizeof(*m->sets));
	if (!m->sets) {
		free(m);
		return NULL;
	}
	m->own_ns = sysv_own_ipc_ns();
	return m;
}

void sem_model_free(struct sem_model *m)
{
	if (!m)
		return;
	free(m->sets);
	free(m);
}
