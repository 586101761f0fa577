/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The byte FIFO of one pipe: writes append (writer, n) segments, reads
 * consume them from the head, so each read is credited with exactly the
 * bytes each writer put there. Plain data structure; the pipe model feeds it
 * records and turns what it reports (pipe_sink) into edges.
 *
 * Ordering: a write's segment is appended at its BEGIN (syscall entry), which
 * the kernel emits before any of its bytes can reach a reader, so a read whose
 * exit is seen before the write's exit still finds the writer. A read that
 * finds too few bytes is held (its bytes may come from a write whose BEGIN
 * was lost) until a write that began after it, hold_ns, or the end.
 */
#ifndef IPCSNOOP_PIPE_STREAM_H
#define IPCSNOOP_PIPE_STREAM_H

#include <stdbool.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define PIPE_SEGS_MAX 4096          /* segments per pipe */
#define PIPE_HELD_MAX 64            /* reads held per pipe */
#define PIPE_READ_WRITERS_MAX 32    /* distinct writers credited in one read */

/* Why an end is unknown or a position uncertain (static strings) */
#define PIPE_WHY_BEFORE_TRACE "before-trace"         /* written before the pipe was traced */
#define PIPE_WHY_NOT_SEEN "not-seen"                 /* no traced write supplied these bytes */
#define PIPE_WHY_CONCURRENT "concurrent-writers"     /* writes in flight together: order unknown */
#define PIPE_WHY_BEGIN_LOST "begin-lost"             /* write seen only at its exit */
#define PIPE_WHY_TOO_MANY "too-many-writers"         /* more writers in one read than credited */
#define PIPE_WHY_HELD_FULL "held-table-full"         /* too many reads waiting on this pipe */
#define PIPE_WHY_UNREAD "unread"                     /* still in the pipe at the end */
#define PIPE_WHY_EVICTED "evicted"                   /* dropped from a full table */
#define PIPE_WHY_SELF "ipcsnoop"                    /* ipcsnoop's own output: never an edge */
#define PIPE_WHY_UNSEEN_READ "unseen-read"           /* the kernel said the pipe was empty
							(taken by a read not seen, or one
							whose record comes later) */

struct pipe_proc {
	__u32 tgid, tid;
	char comm[IPCSNOOP_COMM_LEN];
	bool known;
};

struct pipe_seg {
	struct pipe_seg *next;
	struct pipe_proc w;          /* the writer (known=false: before-trace prefix) */
	__u64 size;                  /* bytes written (bytes asked for while in flight) */
	__u64 off;                   /* bytes already read */
	__u64 begin_ts;
	__u32 writes;                /* write syscalls merged into this segment */
	__u16 op;                    /* enum pipe_op */
	bool inflight;
	bool packet;                 /* O_DIRECT writer: PIPE_BUF packets */
	bool uncertain;
	bool suspect;                /* still here when the kernel said the pipe was empty */
	__u32 suspect_tid;           /* the reader that emptied it */
	__u64 suspect_ts;
	const char *why;
	__u32 data_len, data_cap;    /* captured prefix of the write, -x N */
	unsigned char *data;
};

/* The bytes one read took from one writer */
struct pipe_credit {
	struct pipe_proc w;
	__u64 bytes;
	__u32 writes;                /* segments (write syscalls) they came from */
	__u16 wop;
	bool uncertain;
	const char *why;
	bool data_done;              /* the captured prefix of these bytes ended */
	__u32 data_len, data_cap;
	unsigned char data[IPCSNOOP_DATA_MAX];
};

struct pipe_read {
	struct pipe_read *next;
	struct pipe_proc r;          /* the reader */
	__u64 ts;                    /* when the read returned */
	__u64 want, got;
	__s32 fd;
	__u16 op;
	__u32 ncred, capcred;
	struct pipe_credit *cred;
};

struct pipe_stream;

/* Where results go; counters are the correlator's per-kind stats */
struct pipe_sink {
	void (*read_done)(void *ctx, struct pipe_stream *ps, const struct pipe_read *r);
	/* bytes of one writer that no read took (at the end or on eviction) */
	void (*unread)(void *ctx, struct pipe_stream *ps, const struct pipe_credit *c, __u64 ts,
		       const char *why);
	void *ctx;
	__u64 *gave_up;
	__u64 *evicted;
	__u64 *anomalies;            /* records that contradict the model (counted, not fatal) */
	__u64 *segs_total;           /* segments alive in all streams */
};

struct pipe_stream {
	struct pipe_seg *head, *tail;
	__u32 nsegs;
	struct pipe_read *rhead, *rtail;
	__u32 nheld;
	bool lossy;                  /* bytes were dropped (full table): not exact until consistent */
	__u64 hold_ns;
	const struct pipe_sink *sink;
};

void pipe_stream_init(struct pipe_stream *ps, const struct pipe_sink *sink, __u64 hold_ns);
/* Frees everything without reporting. */
void pipe_stream_free(struct pipe_stream *ps);
bool pipe_stream_empty(const struct pipe_stream *ps);

/* Bytes that were in the pipe when it was first seen */
void pipe_stream_prefix(struct pipe_stream *ps, __u64 bytes, __u64 ts);
/* A write begins: n bytes asked for (data: its first data_len bytes, may be NULL).
 * A writer with known=false is ipcsnoop itself: its bytes are booked, never credited. */
void pipe_stream_begin(struct pipe_stream *ps, const struct pipe_proc *w, __u64 ts, __u64 n,
		       __u16 op, bool packet, const void *data, __u32 data_len, __u32 data_cap);
/* A write ends: ret bytes went in (<= 0: none). enter_ts: its entry, for a lost BEGIN */
void pipe_stream_end(struct pipe_stream *ps, const struct pipe_proc *w, __u64 ts, __u64 enter_ts,
		     __s64 ret, __u16 op, bool packet);
/*
 * A read returned n > 0 bytes; empty: the kernel saw the pipe empty right
 * after. Bytes still in the FIFO then were taken by a read not seen (or by a
 * reader whose record comes later): they become suspect, and go when the same
 * reader reads again (it cannot be that later record) or after hold_ns.
 * Returns true when the FIFO is empty too: model and kernel agree.
 */
bool pipe_stream_read(struct pipe_stream *ps, const struct pipe_proc *r, __u64 ts, __u64 n,
		      __s32 fd, __u16 op, bool empty);
/*
 * -s: a pipe counted in the kernel streams from now on; what it holds is w's:
 * done bytes of finished writes (the first began at run_ts), then, if
 * inflight, w's write in flight (began at enter_ts, n bytes asked, taken of
 * them already read), whose END record follows.
 */
void pipe_stream_handover(struct pipe_stream *ps, const struct pipe_proc *w, __u64 run_ts,
			  __u64 done, bool inflight, __u64 enter_ts, __u64 n, __u64 taken, __u16 op);
/* Give up on reads held, and suspect bytes kept, since before now - hold_ns */
void pipe_stream_expire(struct pipe_stream *ps, __u64 now);
/* The end (why: PIPE_WHY_UNREAD) or an eviction (PIPE_WHY_EVICTED): settle held
 * reads, report bytes never read, free everything. */
void pipe_stream_finish(struct pipe_stream *ps, const char *why);

#endif
