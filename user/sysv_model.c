// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One model_ops for the SysV and POSIX IPC kinds (msg, shm, sem, mq): routes
 * each record to the model of its kind by record type, and process forks,
 * execs and exits to the shared memory model.
 */
#include <stdlib.h>
#include "model.h"
#include "sysv_model.h"

struct sysv_model {
	struct correlator *c;
	struct msg_model *msg;
	struct shm_model *shm;
	struct sem_model *sem;
	struct mq_model *mq;
};

static void destroy(void *p)
{
	struct sysv_model *m = p;

	if (!m)
		return;
	msg_model_free(m->msg);
	shm_model_free(m->shm);
	sem_model_free(m->sem);
	mq_model_free(m->mq);
	free(m);
}

static void *create(struct correlator *c)
{
	struct sysv_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->msg = msg_model_new(c);
	m->shm = shm_model_new(c);
	m->sem = sem_model_new(c);
	m->mq = mq_model_new(c);
	if (!m->msg || !m->shm || !m->sem || !m->mq) {
		destroy(m);
		return NULL;
	}
	return m;
}

static int record(void *p, const struct rec_header *h, size_t len)
{
	struct sysv_model *m = p;

	if (h->type >= REC_MSG_GET && h->type < REC_SHM_GET)
		return msg_model_record(m->msg, h, len);
	if (h->type >= REC_SHM_GET && h->type < REC_SEM_GET)
		return shm_model_record(m->shm, h, len);
	if (h->type >= REC_SEM_GET && h->type < REC_MQ_OPEN)
		return sem_model_record(m->sem, h, len);
	return mq_model_record(m->mq, h, len);
}

static void tick(void *p, __u64 now_ns)
{
	struct sysv_model *m = p;

	msg_model_tick(m->msg, now_ns);
	mq_model_tick(m->mq, now_ns);
}

static void flush(void *p)
{
	struct sysv_model *m = p;

	msg_model_flush(m->msg);
	mq_model_flush(m->mq);
}

static void proc_fork(void *p, const struct rec_proc_fork *r)
{
	struct sysv_model *m = p;
	/* the parent is selected (REC_PROC_* are filtered); is the child? */
	bool sel = m->c->filter.follow_children ||
		   correlator_pid_selected(m->c, r->child_tgid, r->child_comm);

	shm_model_fork(m->shm, r->hdr.tgid, r->child_tgid, r->child_comm, sel, r->hdr.ts_ns);
}

static void proc_exec(void *p, const struct rec_proc_exec *r)
{
	struct sysv_model *m = p;

	shm_model_drop(m->shm, r->hdr.tgid, "exec", r->hdr.ts_ns);
}

static void proc_exit(void *p, const struct rec_proc_exit *r)
{
	struct sysv_model *m = p;

	if (r->group_dead)
		shm_model_drop(m->shm, r->hdr.tgid, "exit", r->hdr.ts_ns);
}

const struct model_ops sysv_model_ops = {
	.name = "sysv",
	.kinds = 1u << IPC_MSG | 1u << IPC_SHM | 1u << IPC_SEM | 1u << IPC_MQ,
	.rec_first = REC_SYSV_FIRST,
	.rec_last = REC_SYSV_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
	.tick = tick,
	.flush = flush,
	.proc_fork = proc_fork,
	.proc_exec = proc_exec,
	.proc_exit = proc_exit,
};
