/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes under -s (without -x): counted in the kernel while the pairing is
 * unambiguous, streamed otherwise.
 *
 * A pipe first written by a plain write/writev while it is empty gets a state
 * (map pipe_agg_state): its owner (the writer thread), and in one atomic word
 * (ctl) whether it streams now, which thread is inside a write into it, and
 * the owner's bytes still in it. While only the owner writes into it, one
 * write at a time, every byte in the pipe is the owner's: a plain read/readv
 * is then one edge owner -> reader with the bytes it returned, counted in
 * pipe_agg per (writer, reader, pipe); no record is sent. The owner may
 * change once the pipe is empty and no read of the old owner's bytes is
 * still on its way out.
 *
 * Anything else (another writer while bytes are there or a write is in
 * flight, splice/tee/vmsplice/sendfile/pwritev2/preadv2, packet mode, a
 * named FIFO, ipcsnoop's own output, pipe_agg full) switches the pipe to
 * streaming for good: a HANDOVER record first gives user space the owner's
 * bytes still in the pipe (and the owner's write in flight, whose END record
 * then follows), so its byte FIFO starts from what the pipe holds.
 *
 * Ordering: the HANDOVER is reserved in the ring buffer before ctl says
 * STREAM, and every streamed record of the pipe is reserved after its op saw
 * STREAM, so user space gets the handover first.
 */

#define PIPE_W_AGG 0x8000             /* pipe_inflight.wflags: counted here, no BEGIN sent */

/* Set by the loader: -s without -x and without a filter */
const volatile bool pipe_agg_on = false;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PIPE_AGG_PIPES);
	__type(key, struct pipe_id);
	__type(value, struct pipe_agg_state);
} pipe_agg_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PIPE_AGG_MAX);
	__type(key, struct pipe_agg_key);
	__type(value, struct pipe_agg_val);
} pipe_agg SEC(".maps");

/* Reads streamed because pipe_agg was full (user space then empties it) */
__u64 pipe_agg_full = 0;

static __always_inline __s64 pipe_agg_pending(__u64 ctl)
{
	return (__s64)(ctl & PIPE_AGG_PEND_MASK) - (__s64)PIPE_AGG_BIAS;
}

/*
 * Switch the pipe to streaming (once): hand over the owner's bytes first.
 * self_tid: the caller, if it holds the write claim itself (it is not the
 * owner's write in flight, and will stream its own BEGIN).
 */
static __always_inline void pipe_agg_switch(const struct pipe_id *id, struct pipe_agg_state *st,
					    __u32 self_tid)
{
	struct rec_pipe_handover *r;
	__u64 old;
	__s64 pend;
	__u32 busy;
	__u8 one = 1;

	if (*(volatile __u64 *)&st->ctl & PIPE_AGG_STREAM)
		return;
	r = RECORD_RESERVE(struct rec_pipe_handover, REC_PIPE_HANDOVER, IPC_PIPE);
	old = __sync_fetch_and_or(&st->ctl, PIPE_AGG_STREAM);
	if (old & PIPE_AGG_STREAM) {
		if (r)
			bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		return;
	}
	/* its first streamed op must not announce the owner's bytes as older ones */
	bpf_map_update_elem(&pipe_seen, id, &one, BPF_ANY);
	if (!r) {
		pipe_lose();                  /* the model knows records are missing */
		return;
	}
	pend = pipe_agg_pending(old);
	busy = (old >> PIPE_AGG_TID_SHIFT) & PIPE_AGG_TID_MASK;
	if (busy == self_tid)
		busy = 0;
	r->id = *id;
	r->done = pend > 0 ? pend : 0;
	r->run_ts = st->run_ts;
	r->owner_tgid = st->owner_tgid;
	r->owner_tid = st->owner_tid;
	__builtin_memcpy(r->owner_comm, st->owner_comm, IPCSNOOP_COMM_LEN);
	r->owner_start_ns = st->owner_start_ns;
	r->owner_ns_tgid = st->owner_ns_tgid;
	r->owner_cgroup_id = st->owner_cgroup_id;
	r->inflight = busy != 0;
	r->enter_ts = 0;
	r->count = 0;
	r->taken = 0;
	r->op = 0;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
	if (busy) {
		/* reads may have taken part of the write in flight already */
		r->taken = pend < 0 ? -pend : 0;
		if (old & PIPE_AGG_INFO) {
			r->enter_ts = st->enter_ts;
			r->count = st->count;
			r->op = st->op;
		} else {
			/* claimed a moment ago, not filled in yet */
			r->enter_ts = st->run_ts;
			r->count = PIPE_COUNT_UNKNOWN;
			r->op = PIPE_OP_WRITE;
		}
	}
	record_submit(r);
}

/* A write this file does not count: the pipe streams from now on, and a pipe
 * not known yet is never counted (the write may still be in flight when the
 * next writer comes, its bytes not in the pipe yet). */
static __always_inline void pipe_agg_stream_write(const struct pipe_id *id)
{
	struct pipe_agg_state *st, init = { .ctl = PIPE_AGG_STREAM };

	st = bpf_map_lookup_elem(&pipe_agg_state, id);
	if (st)
		pipe_agg_switch(id, st, (__u32)bpf_get_current_pid_tgid());
	else
		bpf_map_update_elem(&pipe_agg_state, id, &init, BPF_NOEXIST);
}

/* Is the pipe counted here now? */
static __always_inline bool pipe_agg_counts(const struct pipe_id *id)
{
	struct pipe_agg_state *st;

	if (!pipe_agg_on)
		return false;
	st = bpf_map_lookup_elem(&pipe_agg_state, id);
	return st && !(*(volatile __u64 *)&st->ctl & PIPE_AGG_STREAM);
}

/* An op this file does not count (splice, preadv2, a packet write...): the
 * pipe streams from now on, if it was counted here. */
static __always_inline void pipe_agg_stream(const struct pipe_id *id)
{
	struct pipe_agg_state *st;

	if (!pipe_agg_on)
		return;
	st = bpf_map_lookup_elem(&pipe_agg_state, id);
	if (st)
		pipe_agg_switch(id, st, (__u32)bpf_get_current_pid_tgid());
}

static __always_inline bool pipe_agg_same_owner(const struct pipe_agg_state *st, __u32 tgid,
						__u32 tid, __u64 start, const __u64 *comm)
{
	const __u64 *own = (const __u64 *)st->owner_comm;

	return st->owner_tid == tid && st->owner_tgid == tgid && st->owner_start_ns == start &&
	       own[0] == comm[0] && own[1] == comm[1];
}

/*
 * Write entry into pf by a plain write/writev (count: bytes asked for, or
 * PIPE_COUNT_UNKNOWN): true if counted here (no BEGIN record; the exit calls
 * pipe_agg_write_exit). False: stream it (the pipe was switched if needed).
 */
static __always_inline bool pipe_agg_write_enter(const struct pipe_file *pf, __u16 op, __u64 count,
						 __u64 now)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct pipe_agg_state *st, init = {};
	/* zeroed: compared whole (pipe_agg_same_owner), and on some kernels (6.1:
	 * strscpy) bpf_get_current_comm leaves the bytes after the NUL as they were */
	__u64 comm[IPCSNOOP_COMM_LEN / 8] = {};
	__u64 v, start;
	int i;

	if (pf->named)
		return false;                   /* never counted here */
	if (tid > PIPE_AGG_TID_MASK || pf->packet) {
		pipe_agg_stream_write(&pf->id);
		return false;
	}
	st = bpf_map_lookup_elem(&pipe_agg_state, &pf->id);
	if (!st) {
		/* first seen: counted only if empty (else it holds bytes of before) */
		if (!pipe_is_empty(pf->inode))
			init.ctl = PIPE_AGG_STREAM;
		else
			init.ctl = PIPE_AGG_BIAS;
		bpf_map_update_elem(&pipe_agg_state, &pf->id, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&pipe_agg_state, &pf->id);
		if (!st)
			return false;
	}
	/* claim: the only write in flight */
	for (i = 0; i < 4; i++) {
		v = *(volatile __u64 *)&st->ctl;
		if (v & PIPE_AGG_STREAM)
			return false;
		if ((v >> PIPE_AGG_TID_SHIFT) & PIPE_AGG_TID_MASK)
			break;                  /* another write in flight */
		if (__sync_val_compare_and_swap(&st->ctl, v, v | ((__u64)tid << PIPE_AGG_TID_SHIFT)) == v)
			goto claimed;
	}
	pipe_agg_switch(&pf->id, st, tid);
	return false;
claimed:
	start = task->group_leader->start_time;
	bpf_get_current_comm(comm, sizeof(comm));
	if (!pipe_agg_same_owner(st, tgid, tid, start, comm)) {
		/* a new owner: only of an empty pipe whose reads are all counted */
		v = *(volatile __u64 *)&st->ctl;
		if ((v & PIPE_AGG_PEND_MASK) != PIPE_AGG_BIAS || !pipe_is_empty(pf->inode)) {
			pipe_agg_switch(&pf->id, st, tid);
			return false;
		}
		st->owner_tgid = tgid;
		st->owner_tid = tid;
		st->owner_start_ns = start;
		__builtin_memcpy(st->owner_comm, comm, IPCSNOOP_COMM_LEN);
		st->owner_ns_tgid = task->thread_pid->level == 0 ? tgid : task_ns_tgid(task);
		st->owner_cgroup_id = bpf_get_current_cgroup_id();
		st->run_ts = now;
	} else if ((*(volatile __u64 *)&st->ctl & PIPE_AGG_PEND_MASK) == PIPE_AGG_BIAS) {
		st->run_ts = now;             /* a new run of bytes */
	}
	st->enter_ts = now;
	st->count = count;
	st->op = op;
	__sync_fetch_and_or(&st->ctl, PIPE_AGG_INFO);
	return true;
}

/* Exit of a write counted here: true if done; false: stream its END (the
 * pipe switched while it was in flight; the handover said so). */
static __always_inline bool pipe_agg_write_exit(const struct pipe_id *pid, long ret)
{
	struct pipe_agg_state *st = bpf_map_lookup_elem(&pipe_agg_state, pid);
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 n = ret > 0 ? ret : 0, old;

	if (!st) {
		pipe_lose();                  /* evicted while in flight: its bytes are not known */
		return true;
	}
	/* release the claim and add the bytes in one step */
	old = __sync_fetch_and_add(&st->ctl, n - ((__u64)tid << PIPE_AGG_TID_SHIFT) - PIPE_AGG_INFO);
	return !(old & PIPE_AGG_STREAM);
}

/*
 * A plain read/readv returned ret > 0 bytes from pf: true if counted here.
 * False: stream its record (the pipe was switched if needed).
 */
static __always_inline bool pipe_agg_read(const struct pipe_file *pf, __u16 op, long ret)
{
	struct pipe_agg_state *st;
	struct pipe_agg_key key = {};
	struct pipe_agg_val *v, init;
	struct task_struct *task;
	__u64 id, now, old;

	if (!pipe_agg_on)
		return false;
	st = bpf_map_lookup_elem(&pipe_agg_state, &pf->id);
	if (!st || (*(volatile __u64 *)&st->ctl & PIPE_AGG_STREAM))
		return false;
	if (op != PIPE_OP_READ && op != PIPE_OP_READV) {
		pipe_agg_switch(&pf->id, st, 0);
		return false;
	}
	/* more than the owner can have put there (a write not seen: io_uring...) */
	old = *(volatile __u64 *)&st->ctl;
	if (!st->owner_tgid ||
	    pipe_agg_pending(old) + (((old >> PIPE_AGG_TID_SHIFT) & PIPE_AGG_TID_MASK) ?
				     (__s64)st->count : 0) < ret) {
		pipe_agg_switch(&pf->id, st, 0);
		return false;
	}
	task = bpf_get_current_task_btf();
	id = bpf_get_current_pid_tgid();
	now = bpf_ktime_get_ns();
	/* the owner cannot change before this read's bytes are subtracted below */
	key.id = pf->id;
	key.src_tgid = st->owner_tgid;
	key.src_start_ns = st->owner_start_ns;
	key.dst_tgid = id >> 32;
	key.dst_start_ns = task->group_leader->start_time;
	v = bpf_map_lookup_elem(&pipe_agg, &key);
	if (!v) {
		__builtin_memset(&init, 0, sizeof(init));
		init.first_ns = now;
		init.last_ns = now;
		/* fails when full, or when another CPU added it meanwhile */
		bpf_map_update_elem(&pipe_agg, &key, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&pipe_agg, &key);
		if (!v) {
			__sync_fetch_and_add(&pipe_agg_full, 1);
			pipe_agg_switch(&pf->id, st, 0);
			return false;
		}
	}
	old = __sync_fetch_and_add(&st->ctl, -(__u64)ret);
	if (old & PIPE_AGG_STREAM)
		return false;               /* switched meanwhile: its handover counted these bytes */
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes, ret);
	if (now < v->first_ns)
		v->first_ns = now;
	if (now > v->last_ns)
		v->last_ns = now;
	/* the latest names win, as in the summary */
	v->src_tid = st->owner_tid;
	__builtin_memcpy(v->src_comm, st->owner_comm, IPCSNOOP_COMM_LEN);
	v->src_ns_tgid = st->owner_ns_tgid;
	v->src_cgroup_id = st->owner_cgroup_id;
	v->dst_tid = (__u32)id;
	bpf_get_current_comm(v->dst_comm, sizeof(v->dst_comm));
	v->dst_ns_tgid = task->thread_pid->level == 0 ? key.dst_tgid : task_ns_tgid(task);
	v->dst_cgroup_id = bpf_get_current_cgroup_id();
	v->wop = st->op;
	v->rop = op;
	return true;
}

/* pipe_enter: a write into pf begins. True if counted here (no BEGIN). */
static __always_inline bool pipe_agg_enter(struct pipe_inflight *in, const struct pipe_file *pf,
					   __s32 fd, __u16 op, bool self, bool iov, __u64 count)
{
	if (!pipe_agg_on)
		return false;
	if (self || (op != PIPE_OP_WRITE && op != PIPE_OP_WRITEV)) {
		if (!pf->named)
			pipe_agg_stream_write(&pf->id);
		return false;
	}
	if (!pipe_agg_write_enter(pf, op, iov ? PIPE_COUNT_UNKNOWN : count, in->enter_ts))
		return false;
	in->wr = pf->id;
	in->wfd = fd;
	in->count = count;
	in->wflags = PIPE_W_AGG;
	return true;
}

/* pipe_exit: true if the write was counted here (no END record). */
static __always_inline bool pipe_agg_write_done(struct pipe_inflight *in, long ret)
{
	if (!(in->wflags & PIPE_W_AGG))
		return false;
	in->wflags &= ~PIPE_W_AGG;
	return pipe_agg_write_exit(&in->wr, ret);
}
