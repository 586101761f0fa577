/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SysV message queues, shared memory, semaphores and POSIX message queues:
 * one model_ops (sysv_model.c) dispatching to a model per kind (msg_model.c,
 * shm_model.c, sem_model.c, mq_model.c). Shared helpers in sysv_common.c.
 */
#ifndef IPCSNOOP_SYSV_MODEL_H
#define IPCSNOOP_SYSV_MODEL_H

#include <stddef.h>
#include "correlator.h"

/* Where /proc is read from (tests point it at a directory of fixtures). */
extern const char *sysv_proc_root;
/* Read queued messages with msgrcv(MSG_COPY) at start-up (off in unit tests). */
extern bool sysv_snapshot_msgs;

/* ---- sysv_common.c ---- */
/* "0x000004d2", "IPC_PRIVATE" or "?" */
void sysv_key_str(char *buf, size_t cap, bool known, __s64 key);
/* Inode number of ipcsnoop's own ipc namespace (0 if unknown). */
__u32 sysv_own_ipc_ns(void);
/* Key (and, for shm, size) of a SysV object, from <proc>/sysvipc/<kind>. */
bool sysv_proc_lookup(const char *kind, __s32 id, __s64 *key, __u64 *size);
/* The process that made the call a record describes. */
void sysv_endpoint(struct endpoint *ep, const struct rec_header *h);
/* "EAGAIN"... for a negative return value, "ok" otherwise */
const char *sysv_result(long long ret, char *buf, size_t cap);
/* An event: a process acting on an object alone (src = dst). */
void sysv_event_init(struct edge *e, enum ipc_kind kind, const struct rec_header *h,
		     const char *op);

/* ---- the models ---- */
struct msg_model *msg_model_new(struct correlator *c);
void msg_model_free(struct msg_model *m);
int msg_model_record(struct msg_model *m, const struct rec_header *h, size_t len);
void msg_model_tick(struct msg_model *m, __u64 now_ns);
void msg_model_flush(struct msg_model *m);
/* msg_agg.c, -s: receives counted in the kernel (bpf/msg_agg.bpf.h) */
void msg_model_aggregated(struct correlator *c, const struct msg_agg_key *k,
			  const struct msg_agg_val *v, size_t n);

struct mq_model *mq_model_new(struct correlator *c);
void mq_model_free(struct mq_model *m);
int mq_model_record(struct mq_model *m, const struct rec_header *h, size_t len);
void mq_model_tick(struct mq_model *m, __u64 now_ns);
void mq_model_flush(struct mq_model *m);

struct shm_model *shm_model_new(struct correlator *c);
void shm_model_free(struct shm_model *m);
int shm_model_record(struct shm_model *m, const struct rec_header *h, size_t len);
/* A process forked / exec'd / exited (from REC_PROC_* or REC_SHM_TASK). */
void shm_model_fork(struct shm_model *m, __u32 parent, __u32 child, const char *child_comm,
		    bool child_selected, __u64 ts);
void shm_model_drop(struct shm_model *m, __u32 tgid, const char *reason, __u64 ts);
/* Segments attached before tracing started, from /proc (done once, lazily). */
void shm_model_scan(struct shm_model *m);

struct sem_model *sem_model_new(struct correlator *c);
void sem_model_free(struct sem_model *m);
int sem_model_record(struct sem_model *m, const struct rec_header *h, size_t len);

#endif
