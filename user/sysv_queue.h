/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A message queue as the correlator believes it is: the messages it holds, in
 * the order their sends entered the kernel, each with its sender, type (SysV
 * mtype or POSIX priority), size and fingerprint. A receive is paired with the
 * message the kernel would have given it and whose type, size and fingerprint
 * it saw. Used by the SysV (msg_model.c) and POSIX (mq_model.c) models.
 */
#ifndef IPCSNOOP_SYSV_QUEUE_H
#define IPCSNOOP_SYSV_QUEUE_H

#include <stdbool.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define SQ_MAX_MSGS 4096                /* per queue; the oldest is forgotten beyond */

struct sq_msg {
	__u64 enter_ts;                 /* the send entered; 0: before tracing, or not known
	                                 * (a message the kernel counted, then handed over) */
	__u64 exit_ts;                  /* the send returned (0 while in flight) */
	__u32 tgid, tid;
	char comm[IPCSNOOP_COMM_LEN];
	bool known;                     /* the sender is known */
	bool selected;                  /* the filter selects the sender */
	bool inflight;                  /* the send has not returned yet */
	bool type_ok;
	bool unsized;                   /* size and fingerprint not known (a message the
	                                 * kernel counted, msg_model.c's handover) */
	__s64 type;                     /* SysV mtype, or POSIX priority */
	__u64 size;
	struct sysv_fp fp;
};

struct sq_queue {
	struct sq_msg *ring;            /* a deque: message i is sq_at(q, i), 0 the oldest */
	unsigned head, n, cap;          /* cap: 0 or a power of two */
	__u64 unknown;                  /* messages of unknown content that may be queued too */
	__u64 before;                   /* of which queued before tracing (the oldest) */
};

static inline struct sq_msg *sq_at(const struct sq_queue *q, unsigned i)
{
	return &q->ring[(q->head + i) & (q->cap - 1)];
}

/* What a receive saw. */
struct sq_rcv {
	bool type_ok;
	__s64 type;
	__u64 bytes;                    /* received */
	bool may_truncate;              /* SysV MSG_NOERROR with a full buffer */
	struct sysv_fp fp;
};

void sq_free(struct sq_queue *q);
/* A receive got one of the unknown messages: "before-tracing" or "unknown" */
const char *sq_take_unknown(struct sq_queue *q);
/* Append; returns false when the oldest had to be forgotten to make room
 * (it becomes a message of unknown content) or memory ran out. */
bool sq_push(struct sq_queue *q, const struct sq_msg *m);
void sq_remove(struct sq_queue *q, unsigned i);
/* The message sent by the call of thread tid that entered at enter_ts, or -1 */
int sq_find_send(const struct sq_queue *q, __u32 tid, __u64 enter_ts);
/* Could m be what r received? (type, size, truncation, fingerprint; for an
 * unsized message the type alone) */
bool sq_matches(const struct sq_msg *m, const struct sq_rcv *r);
/* SysV msgrcv(msgtyp, msgflg): index of the message received, or -1. */
int sq_select_msg(const struct sq_queue *q, __s64 msgtyp, int msgflg, const struct sq_rcv *r);
/* POSIX: highest priority first, FIFO within a priority; index or -1. */
int sq_select_prio(const struct sq_queue *q, const struct sq_rcv *r);
/* Is another process's identical message, sent concurrently, as likely? */
bool sq_ambiguous(const struct sq_queue *q, unsigned i);
/* Drop the messages of the same type that were queued wholly before message *i
 * but were not what the receive got: the kernel no longer holds them (their
 * receive was not seen). Adjusts *i; returns how many had a known sender. */
unsigned sq_drop_stale(struct sq_queue *q, unsigned *i);

/* The fingerprint the kernel side computes (FNV-1a of the first SYSV_FP_LEN bytes). */
void sysv_fingerprint_bytes(struct sysv_fp *fp, const void *buf, __u64 size);

#endif
