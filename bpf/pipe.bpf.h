/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes and FIFOs: the bytes each write puts into a pipe and each read takes
 * out, so the correlator can keep a byte FIFO per pipe.
 *
 * Writes: at syscall entry, before a byte can reach a reader, a BEGIN record
 * (pipe, count, first -x bytes); at exit an END record (bytes written). A
 * reader on another CPU may return before the writer's syscall does; the
 * BEGIN is always in the ring buffer before that reader's record.
 * Reads: one record at exit; the fd comes from the saved user registers, so
 * a read that was already blocked when tracing started is seen too.
 * The first time a pipe is of interest, a SEEN record gives the bytes it
 * already held (written before we saw them) and, for a named FIFO, its path.
 */

#include "pipe_file.bpf.h"

#define PIPE_IOV_MAX     32       /* iovecs counted/captured per writev */
#define PIPE_COUNT_UNKNOWN (1ull << 62)

/* A write (or splice/tee/vmsplice/sendfile) between its entry and its exit. */
struct pipe_inflight {
	__u64 enter_ts;
	struct pipe_id rd;            /* pipe read from (ino 0: none) */
	struct pipe_id wr;            /* pipe written to (ino 0: none / not kept) */
	__u64 count;
	__s32 rfd, wfd;
	__s32 nr;                     /* syscall number at entry, checked at exit */
	__u16 op;
	__u16 wflags;
};

/* Per task: an exit that finds no storage (every task that never wrote into a
 * pipe) is out after one cheap helper call, without hashing anything. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pipe_inflight);
} pipe_inflight SEC(".maps");

#define PIPE_NR_NONE (-1)             /* pipe_inflight.nr: nothing in flight */

/* Pipes already announced with a SEEN record. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct pipe_id);
	__type(value, __u8);
} pipe_seen SEC(".maps");

/* With a filter: pipes a selected process touched; their other ends are kept. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pipe_id);
	__type(value, __u8);
} pipe_interest SEC(".maps");

/* Pipe records that could not be sent (ring buffer full, in-flight table
 * full), as the model sees it: every record carries the count, so edges made
 * after a loss are not called exact until their pipe is consistent again. */
__u32 pipe_lost = 0;

/* Set once pipe_interest holds a pipe (here, or seeded by the loader for -p):
 * until then, with a filter, a process it does not select has no pipe op to
 * keep and bails out before the pipe is looked at. */
__u32 pipe_interest_any = 0;

/* With a filter: can this op matter? Asked before anything about the pipe. */
static __always_inline bool pipe_filter_passes(bool selected)
{
	return !filter_active || selected || pipe_interest_any;
}

static __always_inline void pipe_lose(void)
{
	__sync_fetch_and_add(&pipe_lost, 1);
}

#include "pipe_agg.bpf.h"

/* Does the filter keep this op? A selected process marks the pipe of interest. */
static __always_inline bool pipe_keep(bool selected, const struct pipe_id *id)
{
	__u8 one = 1;

	if (!filter_active)
		return true;
	if (selected) {
		if (!bpf_map_lookup_elem(&pipe_interest, id) &&
		    !bpf_map_update_elem(&pipe_interest, id, &one, BPF_ANY) && !pipe_interest_any)
			pipe_interest_any = 1;
		return true;
	}
	return bpf_map_lookup_elem(&pipe_interest, id) != NULL;
}

/* First op of interest on a pipe: say what it already holds, and its path.
 * taken: bytes this op already took out (announcing at a read's exit). */
static __always_inline void pipe_announce(const struct pipe_file *pf, __u64 taken)
{
	struct pipe_scratch *s = NULL;
	struct rec_pipe_seen *r;
	__u32 flags = 0, len = 0, zero = 0;
	__u64 occ;
	__u8 one = 1;

	/* claim the announcement: of two first ops at once, one announces */
	if (bpf_map_lookup_elem(&pipe_seen, &pf->id) ||
	    bpf_map_update_elem(&pipe_seen, &pf->id, &one, BPF_NOEXIST))
		return;
	/* after the claim: bytes of any write that begins later are not counted */
	occ = pipe_occupancy(pf->inode, &flags) + taken;
	if (pf->named) {
		flags |= PIPE_SEEN_NAMED;
		s = bpf_map_lookup_elem(&pipe_scratch, &zero);
		if (s)
			len = pipe_fifo_path(pf->file, s, &flags);
	}
	r = RECORD_RESERVE(struct rec_pipe_seen, REC_PIPE_SEEN, IPC_PIPE);
	if (!r) {
		pipe_lose();
		bpf_map_delete_elem(&pipe_seen, &pf->id);   /* the next op retries */
		return;
	}
	r->id = pf->id;
	r->flags = flags;
	r->occupancy = occ;
	r->path_len = len;
	r->path[0] = '\0';
	if (s)
		bpf_probe_read_kernel(r->path, sizeof(r->path), s->buf);
	record_submit(r);
}

struct pipe_iov_ctx {
	const struct iovec *vec;
	struct pipe_scratch *s;
	__u64 count;
	__u32 vlen;
};

static long pipe_iov_step(__u32 i, void *arg)
{
	struct pipe_iov_ctx *c = arg;
	struct pipe_scratch *s = c->s;
	struct iovec iov;
	__u64 len;
	__u32 off;

	if (i >= c->vlen || bpf_probe_read_user(&iov, sizeof(iov), &c->vec[i]))
		return 1;
	c->count += iov.iov_len;
	if (!s)
		return 0;
	off = s->iov_off;
	if (off >= s->iov_want || off >= IPCSNOOP_DATA_MAX)
		return 0;
	len = iov.iov_len;
	if (len > s->iov_want - off)
		len = s->iov_want - off;
	if (len > IPCSNOOP_DATA_MAX)
		len = IPCSNOOP_DATA_MAX;
	if (bpf_probe_read_user(&s->buf[pipe_mask(off, IPCSNOOP_DATA_MAX - 1)], len, iov.iov_base))
		s->iov_want = off;                  /* stop at the first unreadable byte */
	else
		s->iov_off = off + len;
	return 0;
}

/* Sum the iovecs, capture the first want bytes they point to into s->buf. */
static __always_inline __u64 pipe_iov_scan(const struct iovec *vec, __u32 vlen, __u32 want,
					   struct pipe_scratch *s, __u32 *got, __u16 *flags)
{
	struct pipe_iov_ctx c = { .vec = vec, .s = s, .vlen = vlen };

	if (vlen > PIPE_IOV_MAX)
		*flags |= PIPE_W_COUNT_PART;
	if (s) {
		s->iov_off = 0;
		s->iov_want = want;
	}
	bpf_loop(PIPE_IOV_MAX, pipe_iov_step, &c, 0);
	*got = s ? s->iov_off : 0;
	if (*flags & PIPE_W_COUNT_PART)
		return PIPE_COUNT_UNKNOWN;
	return c.count;
}

/*
 * Write entry into pf: BEGIN record (with the first data_max bytes when -x),
 * in-flight entry for the exit. buf is the buffer, or the iovec array when
 * vlen > 0 (iov: true); count is the byte count when !iov.
 */
static __always_inline void pipe_write_begin(struct pipe_inflight *in, const struct pipe_file *pf,
					     __u32 fd, const void *buf, bool iov, __u32 vlen,
					     __u64 count, bool capture, bool self)
{
	struct rec_pipe_write_begin *b;
	__u16 flags = (pf->packet ? PIPE_W_PACKET : 0) | (pf->named ? PIPE_W_NAMED : 0) |
		      (self ? PIPE_W_SELF : 0);
	struct pipe_scratch *s = NULL;
	__u32 zero = 0, got = 0;

	if (capture && data_max && iov)
		s = bpf_map_lookup_elem(&pipe_scratch, &zero);
	if (iov)
		count = pipe_iov_scan(buf, vlen, s ? data_max : 0, s, &got, &flags);
	if (capture && data_max) {
		struct rec_pipe_write_begin_data *bd;

		bd = bpf_ringbuf_reserve(&events, sizeof(*bd), 0);
		b = bd ? &bd->b : NULL;
		if (!bd)
			count_drop(IPC_PIPE);
		if (bd) {
			fill_header(&bd->b.hdr, REC_PIPE_WRITE_BEGIN, sizeof(*bd));
			if (iov) {
				if (s && got)
					bpf_probe_read_kernel(bd->data, IPCSNOOP_DATA_MAX, s->buf);
			} else {
				__u64 n = count < data_max ? count : data_max;

				if (n > IPCSNOOP_DATA_MAX)
					n = IPCSNOOP_DATA_MAX;
				got = bpf_probe_read_user(bd->data, n, buf) ? 0 : n;
			}
		}
	} else {
		b = RECORD_RESERVE(struct rec_pipe_write_begin, REC_PIPE_WRITE_BEGIN, IPC_PIPE);
		got = 0;
	}
	in->wr = pf->id;
	in->wfd = fd;
	in->count = count;
	in->wflags = flags;
	if (!b) {
		pipe_lose();
		in->wflags |= PIPE_W_BEGIN_LOST;
		return;
	}
	b->id = pf->id;
	b->count = count;
	b->fd = fd;
	b->op = in->op;
	b->flags = flags;
	b->data_len = got;
	b->data_cap = capture ? data_max : 0;
	b->lost = pipe_lost;
	b->pad = 0;
	record_submit(b);
}

/* Keeps in as the current task's op in flight, for its exit; when no storage
 * can be had and lose is set, the op's records are counted lost. */
static __always_inline void pipe_inflight_put(const struct pipe_inflight *in, bool lose)
{
	struct pipe_inflight *e;

	e = bpf_task_storage_get(&pipe_inflight, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (e) {
		*e = *in;
	} else if (lose) {
		count_drop(IPC_PIPE);
		pipe_lose();
	}
}

/* Entry of a syscall that writes into wfd and/or reads from rfd (-1: none). */
static __always_inline int pipe_enter(long nr, __u16 op, long rfd, long wfd, const void *buf,
				      bool iov, __u32 vlen, __u64 count, bool capture)
{
	struct pipe_file rp = {}, wp = {};
	struct pipe_inflight in = {};
	struct file *wf, *rf;
	__u32 tgid = 0;
	bool sel = false, self = false;

	/*
	 * ipcsnoop itself is never an end of an edge, but its own output may go
	 * into a pipe (ipcsnoop | less): its writes are booked (PIPE_W_SELF), or
	 * the reader's reads of them would be bytes from nowhere, printed, read...
	 * With a filter, the filter is asked first: while no pipe is of interest,
	 * an unselected process's write stops before its fd is looked at.
	 */
	if (filter_active) {
		tgid = bpf_get_current_pid_tgid() >> 32;
		self = tgid == self_tgid;
		sel = !self && current_selected(tgid);
		if (!self && !pipe_filter_passes(sel))
			return 0;
	}
	wf = wfd >= 0 ? pipe_fifo_of_fd(wfd) : NULL;
	rf = rfd >= 0 ? pipe_fifo_of_fd(rfd) : NULL;
	if (!wf && !rf)
		return 0;
	if (!filter_active) {
		tgid = bpf_get_current_pid_tgid() >> 32;
		self = tgid == self_tgid;
		sel = !self;
	}
	if (self && !wf)
		return 0;
	if (wf)
		pipe_fill(wf, &wp);
	if (rf)
		pipe_fill(rf, &rp);
	in.enter_ts = bpf_ktime_get_ns();
	in.nr = nr;
	in.op = op;
	in.rfd = rfd;
	if (rp.inode && !self) {
		pipe_keep(sel, &rp.id);         /* mark it; the exit decides */
		in.rd = rp.id;
		pipe_agg_stream(&rp.id);
	}
	if (wp.inode && pipe_keep(sel, &wp.id)) {
		if (!iov && count == 0)
			return 0;
		if (!pipe_agg_enter(&in, &wp, wfd, op, self, iov, count)) {
			pipe_announce(&wp, 0);
			pipe_write_begin(&in, &wp, wfd, buf, iov, vlen, count, capture && !self, self);
		}
	} else if (wp.inode) {
		pipe_agg_stream(&wp.id);
	}
	if (!in.wr.ino && !in.rd.ino)
		return 0;
	pipe_inflight_put(&in, in.wr.ino != 0);
	return 0;
}

static __always_inline void pipe_emit_read(const struct pipe_file *pf, __s32 fd, __u16 op, long ret)
{
	struct rec_pipe_read *r;

	pipe_announce(pf, ret);
	r = RECORD_RESERVE(struct rec_pipe_read, REC_PIPE_READ, IPC_PIPE);
	if (!r) {
		pipe_lose();
		return;
	}
	r->id = pf->id;
	r->ret = ret;
	r->fd = fd;
	r->op = op;
	r->flags = pf->named ? PIPE_R_NAMED : 0;
	/* Empty now, after the reservation: every write whose END is before this
	 * record in the ring buffer has been read by now, seen or not. */
	if (pipe_is_empty(pf->inode))
		r->flags |= PIPE_R_EMPTY;
	r->lost = pipe_lost;
	r->pad = 0;
	record_submit(r);
}

static __always_inline int pipe_exit(long nr, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pipe_inflight in, *e;

	/* a task without any BPF task storage (most): out on one load */
	if (bpf_core_field_exists(task->bpf_storage) && !task->bpf_storage)
		return 0;
	e = bpf_task_storage_get(&pipe_inflight, task, NULL, 0);
	if (!e || e->nr == PIPE_NR_NONE)
		return 0;
	in = *e;
	e->nr = PIPE_NR_NONE;
	if (in.nr != nr)
		return 0;                       /* stale: its exit was never seen */
	if (in.wr.ino && !pipe_agg_write_done(&in, ret)) {
		struct rec_pipe_write_end *w;

		w = RECORD_RESERVE(struct rec_pipe_write_end, REC_PIPE_WRITE_END, IPC_PIPE);
		if (!w)
			pipe_lose();
		if (w) {
			w->id = in.wr;
			w->ret = ret;
			w->enter_ts = in.enter_ts;
			w->count = in.count;
			w->fd = in.wfd;
			w->op = in.op;
			w->flags = in.wflags;
			w->lost = pipe_lost;
			w->pad = 0;
			record_submit(w);
		}
	}
	if (in.rd.ino && ret > 0) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;
		struct pipe_file pf = {};

		/* the fd is looked up again: announce needs the file */
		if (!pipe_of_fd(in.rfd, &pf) || pf.id.ino != in.rd.ino || pf.id.dev != in.rd.dev)
			return 0;
		if (pipe_keep(current_selected(tgid), &pf.id))
			pipe_emit_read(&pf, in.rfd, in.op, ret);
	}
	return 0;
}

/* Reads: everything happens at exit; the fd is the first syscall argument,
 * still in the saved user registers. */
static __always_inline int pipe_read_exit(long ret, __u16 op)
{
	struct pipe_file pf = {};
	struct pt_regs *regs;
	struct file *f;
	__u32 tgid;
	bool sel;
	long fd;

	if (ret <= 0)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid == self_tgid)
		return 0;
	/* the filter first: while no pipe is of interest, an unselected read stops here */
	sel = current_selected(tgid);
	if (!pipe_filter_passes(sel))
		return 0;
	/* a BTF pointer: a direct load where the architecture allows it */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	fd = (int)PT_REGS_PARM1_SYSCALL(regs);
	f = pipe_fifo_of_fd(fd);
	if (!f)
		return 0;
	pipe_fill(f, &pf);
	if (!pipe_keep(sel, &pf.id)) {
		pipe_agg_stream(&pf.id);
		return 0;
	}
	if (pipe_agg_read(&pf, op, ret))
		return 0;
	pipe_emit_read(&pf, fd, op, ret);
	return 0;
}

/*
 * With a filter: a selected process about to read marks the pipe, so writes
 * into it by anyone are kept even when they come before the read returns.
 */
static __always_inline int pipe_mark_read(long fd)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pipe_file pf = {};

	if (!filter_active || tgid == self_tgid || !current_selected(tgid))
		return 0;
	if (!pipe_of_fd(fd, &pf))
		return 0;
	pipe_keep(true, &pf.id);
	if (pipe_agg_counts(&pf.id))
		return 0;                       /* its bytes are its writer's, not older ones */
	pipe_announce(&pf, 0);
	return 0;
}

/*
 * ---- the hooks ----
 * One tracepoint per syscall: the other syscalls do not run any of this.
 * (A raw sys_enter/sys_exit pair would detach faster, but runs a program on
 * every syscall of the machine: about +190 ns each, measured here.)
 */

SEC("tracepoint/syscalls/sys_enter_write")
int pipe_write_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_WRITE, -1, ctx->args[0], (const void *)ctx->args[1],
			  false, 0, ctx->args[2], true);
}

SEC("tracepoint/syscalls/sys_exit_write")
int pipe_write_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int pipe_writev_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_WRITEV, -1, ctx->args[0], (const void *)ctx->args[1],
			  true, ctx->args[2], 0, true);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int pipe_writev_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

/* pwritev2 with offset -1 writes at the current position: works on pipes */
SEC("tracepoint/syscalls/sys_enter_pwritev2")
int pipe_pwritev2_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_PWRITEV2, -1, ctx->args[0], (const void *)ctx->args[1],
			  true, ctx->args[2], 0, true);
}

SEC("tracepoint/syscalls/sys_exit_pwritev2")
int pipe_pwritev2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

/* Read entries matter only to a filter: loaded only then ("_filtered") */
SEC("tracepoint/syscalls/sys_enter_read")
int pipe_read_enter_filtered(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_mark_read(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_readv")
int pipe_readv_enter_filtered(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_mark_read(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_preadv2")
int pipe_preadv2_enter_filtered(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_mark_read(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_read")
int pipe_read_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_read_exit(ctx->ret, PIPE_OP_READ);
}

SEC("tracepoint/syscalls/sys_exit_readv")
int pipe_readv_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_read_exit(ctx->ret, PIPE_OP_READV);
}

SEC("tracepoint/syscalls/sys_exit_preadv2")
int pipe_preadv2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_read_exit(ctx->ret, PIPE_OP_PREADV2);
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags) */
SEC("tracepoint/syscalls/sys_enter_splice")
int pipe_splice_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_SPLICE, ctx->args[0], ctx->args[2], NULL,
			  false, 0, ctx->args[4], false);
}

SEC("tracepoint/syscalls/sys_exit_splice")
int pipe_splice_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

/* tee(fd_in, fd_out, len, flags): copies without consuming; only the output is a write */
SEC("tracepoint/syscalls/sys_enter_tee")
int pipe_tee_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_TEE, -1, ctx->args[1], NULL, false, 0, ctx->args[2], false);
}

SEC("tracepoint/syscalls/sys_exit_tee")
int pipe_tee_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

/* vmsplice(fd, iov, nr_segs, flags): into the pipe if fd is its write end, else out of it */
SEC("tracepoint/syscalls/sys_enter_vmsplice")
int pipe_vmsplice_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pipe_file pf = {};

	if (!pipe_of_fd(ctx->args[0], &pf))
		return 0;
	if (pf.writer)
		return pipe_enter(ctx->id, PIPE_OP_VMSPLICE, -1, ctx->args[0],
				  (const void *)ctx->args[1], true, ctx->args[2], 0, true);
	return pipe_enter(ctx->id, PIPE_OP_VMSPLICE, ctx->args[0], -1, NULL, false, 0, 0, false);
}

SEC("tracepoint/syscalls/sys_exit_vmsplice")
int pipe_vmsplice_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}

/* sendfile(out_fd, in_fd, offset, count) */
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int pipe_sendfile_enter(struct trace_event_raw_sys_enter *ctx)
{
	return pipe_enter(ctx->id, PIPE_OP_SENDFILE, ctx->args[1], ctx->args[0], NULL,
			  false, 0, ctx->args[3], false);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int pipe_sendfile_exit(struct trace_event_raw_sys_exit *ctx)
{
	return pipe_exit(ctx->id, ctx->ret);
}
