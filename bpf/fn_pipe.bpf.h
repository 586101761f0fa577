/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes on the function-hook backends (--backend fentry|kprobe): hooks on the
 * kernel functions that move a pipe's bytes, pipe_write / pipe_read (since
 * 6.16 split into anon_pipe_* and fifo_pipe_*). They see what comes through
 * no write/read syscall (io_uring, kernel_write...), and a write to anything
 * but a pipe runs none of them.
 *
 * Same records as the tracepoint programs of pipe.bpf.h, built by its inline
 * functions: only the wrappers differ. The loader (user/backend.c) enables one
 * variant per hook and sets each program's target function: the sections here
 * name none. "_fentry" programs run on BPF trampolines (fentry/fexit),
 * "_kprobe" ones on kprobes/kretprobes; "_2" programs are the second target
 * where the kernel split a function in two (fentry binds one target each).
 */

#define FN_PIPE_NR (-4096)          /* in-flight entries made by a function hook */

/* The syscall a pipe op came through: the tracepoint backend's op and fd. */
#if defined(__TARGET_ARCH_x86)
#define FN_NR_READ     0
#define FN_NR_WRITE    1
#define FN_NR_READV    19
#define FN_NR_WRITEV   20
#define FN_NR_PREADV2  327
#define FN_NR_PWRITEV2 328
#define FN_SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define FN_NR_READ     63
#define FN_NR_WRITE    64
#define FN_NR_READV    65
#define FN_NR_WRITEV   66
#define FN_NR_PREADV2  286
#define FN_NR_PWRITEV2 287
#define FN_SYSCALL_NR(regs) BPF_CORE_READ(regs, syscallno)
#else
#define FN_NR_READ     (-1)
#define FN_NR_WRITE    (-1)
#define FN_NR_READV    (-1)
#define FN_NR_WRITEV   (-1)
#define FN_NR_PREADV2  (-1)
#define FN_NR_PWRITEV2 (-1)
#define FN_SYSCALL_NR(regs) (-2)
#endif

struct fn_pipe_call {
	const void *buf;              /* user buffer, or user iovec array (iov) */
	__s32 fd;                     /* -1: not through a read/write syscall */
	__u32 vlen;
	__u16 op;
	bool iov;
	bool capture;                 /* buf can be captured (-x) */
};

/* iov_iter's iovec array before 6.4 (then renamed __iov) */
struct iov_iter___iov {
	const struct iovec *iov;
} __attribute__((preserve_access_index));

/*
 * The one user buffer an iterator covers, or NULL: ITER_UBUF (io_uring and
 * write on newer kernels), or an ITER_IOVEC of one segment (io_uring on 6.1).
 */
static __always_inline const void *fn_iter_user_buf(struct iov_iter *it)
{
	struct iov_iter___iov *old = (void *)it;
	const struct iovec *vec;
	struct iovec iov;
	__u8 type = BPF_CORE_READ(it, iter_type);

	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
	    type == bpf_core_enum_value(enum iter_type, ITER_UBUF))
		return BPF_CORE_READ(it, ubuf);
	if (type != bpf_core_enum_value(enum iter_type, ITER_IOVEC) || BPF_CORE_READ(it, nr_segs) != 1)
		return NULL;
	if (bpf_core_field_exists(old->iov))
		vec = BPF_CORE_READ(old, iov);
	else
		vec = BPF_CORE_READ(it, __iov);
	if (bpf_probe_read_kernel(&iov, sizeof(iov), vec))
		return NULL;
	return iov.iov_base + BPF_CORE_READ(it, iov_offset);
}

/*
 * How this op on file was called. Through write/writev/pwritev2 (read...)
 * on an fd of that file: that syscall's op, fd and user buffers, as the
 * tracepoints see them. Otherwise (io_uring, a kernel write): op write/read,
 * no fd, and for a write the user buffer when the iterator has a single one.
 */
static __always_inline void fn_pipe_how(struct file *file, bool write, struct iov_iter *it,
					struct fn_pipe_call *c)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	long nr = FN_SYSCALL_NR(regs);
	__u16 op = PIPE_OP_NONE;
	long fd;

	c->fd = -1;
	c->op = write ? PIPE_OP_WRITE : PIPE_OP_READ;
	c->buf = NULL;
	c->vlen = 0;
	c->iov = false;
	c->capture = false;
	if (write) {
		if (nr == FN_NR_WRITE)
			op = PIPE_OP_WRITE;
		else if (nr == FN_NR_WRITEV)
			op = PIPE_OP_WRITEV;
		else if (nr == FN_NR_PWRITEV2)
			op = PIPE_OP_PWRITEV2;
	} else {
		if (nr == FN_NR_READ)
			op = PIPE_OP_READ;
		else if (nr == FN_NR_READV)
			op = PIPE_OP_READV;
		else if (nr == FN_NR_PREADV2)
			op = PIPE_OP_PREADV2;
	}
	if (op != PIPE_OP_NONE) {
		fd = (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
		if (pipe_fd_file(fd) == file) {
			c->fd = fd;
			c->op = op;
			if (write) {
				c->buf = (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs);
				c->iov = op != PIPE_OP_WRITE;
				c->vlen = PT_REGS_PARM3_CORE_SYSCALL(regs);
				c->capture = true;
			}
			return;
		}
	}
	if (write)
		c->buf = fn_iter_user_buf(it);
	c->capture = c->buf != NULL;
}

/* A write into a pipe begins: BEGIN record, in-flight entry for its end. */
static __always_inline int fn_pipe_write_enter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = BPF_CORE_READ(iocb, ki_filp);
	struct pipe_inflight in = {};
	struct pipe_file pf = {};
	struct fn_pipe_call c;
	__u64 id, count;
	__u32 tgid;
	bool self, sel;

	if (!pipe_of_file(file, &pf))
		return 0;
	count = BPF_CORE_READ(from, count);
	if (count == 0)
		return 0;
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;
	self = tgid == self_tgid;       /* booked, not traced: see pipe_enter */
	sel = !self && current_selected(tgid);
	if (!pipe_keep(sel, &pf.id))
		return 0;
	fn_pipe_how(file, true, from, &c);
	in.enter_ts = bpf_ktime_get_ns();
	in.nr = FN_PIPE_NR;
	in.op = c.op;
	in.rfd = -1;
	if (!pipe_agg_enter(&in, &pf, c.fd, c.op, self, c.iov, count)) {   /* -s: counted here? */
		pipe_announce(&pf, 0);
		pipe_write_begin(&in, &pf, c.fd, c.buf, c.iov, c.vlen, count, c.capture && !self, self);
	}
	pipe_inflight_put(&in, true);
	return 0;
}

/* A read from a pipe returned ret bytes. */
static __always_inline int fn_pipe_read_done(struct file *file, long ret)
{
	struct pipe_file pf = {};
	struct fn_pipe_call c;
	__u32 tgid;

	if (ret <= 0)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid == self_tgid || !pipe_of_file(file, &pf))
		return 0;
	if (!pipe_keep(current_selected(tgid), &pf.id)) {
		pipe_agg_stream(&pf.id);
		return 0;
	}
	fn_pipe_how(file, false, NULL, &c);
	if (pipe_agg_read(&pf, c.op, ret))
		return 0;
	pipe_emit_read(&pf, c.fd, c.op, ret);
	return 0;
}

/* With a filter: a selected process about to read marks the pipe (pipe_mark_read). */
static __always_inline int fn_pipe_read_mark(struct file *file)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pipe_file pf = {};

	if (!filter_active || tgid == self_tgid || !current_selected(tgid))
		return 0;
	if (!pipe_of_file(file, &pf))
		return 0;
	pipe_keep(true, &pf.id);
	if (!pipe_agg_counts(&pf.id))
		pipe_announce(&pf, 0);
	return 0;
}

/* ---- fentry/fexit: the loader sets the target (pipe_write or anon/fifo_pipe_write...) ---- */

SEC("fentry")
int BPF_PROG(pipe_fwrite_enter_fentry, struct kiocb *iocb, struct iov_iter *from)
{
	return fn_pipe_write_enter(iocb, from);
}

SEC("fexit")
int BPF_PROG(pipe_fwrite_exit_fentry, struct kiocb *iocb, struct iov_iter *from, long ret)
{
	return pipe_exit(FN_PIPE_NR, ret);
}

SEC("fentry")
int BPF_PROG(pipe_fwrite_enter_fentry_2, struct kiocb *iocb, struct iov_iter *from)
{
	return fn_pipe_write_enter(iocb, from);
}

SEC("fexit")
int BPF_PROG(pipe_fwrite_exit_fentry_2, struct kiocb *iocb, struct iov_iter *from, long ret)
{
	return pipe_exit(FN_PIPE_NR, ret);
}

SEC("fexit")
int BPF_PROG(pipe_fread_exit_fentry, struct kiocb *iocb, struct iov_iter *to, long ret)
{
	return fn_pipe_read_done(BPF_CORE_READ(iocb, ki_filp), ret);
}

SEC("fexit")
int BPF_PROG(pipe_fread_exit_fentry_2, struct kiocb *iocb, struct iov_iter *to, long ret)
{
	return fn_pipe_read_done(BPF_CORE_READ(iocb, ki_filp), ret);
}

SEC("fentry")
int BPF_PROG(pipe_fread_enter_fentry_filtered, struct kiocb *iocb)
{
	return fn_pipe_read_mark(BPF_CORE_READ(iocb, ki_filp));
}

SEC("fentry")
int BPF_PROG(pipe_fread_enter_fentry_2_filtered, struct kiocb *iocb)
{
	return fn_pipe_read_mark(BPF_CORE_READ(iocb, ki_filp));
}

/* ---- kprobes: one program per hook, attached by the loader to each target ---- */

/* The file a pipe read is on, from its entry to its return. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);           /* tid */
	__type(value, struct file *);
} fn_pipe_reading SEC(".maps");

SEC("kprobe")
int BPF_KPROBE(pipe_fwrite_enter_kprobe, struct kiocb *iocb, struct iov_iter *from)
{
	return fn_pipe_write_enter(iocb, from);
}

SEC("kretprobe")
int BPF_KRETPROBE(pipe_fwrite_exit_kprobe, long ret)
{
	return pipe_exit(FN_PIPE_NR, ret);
}

SEC("kprobe")
int BPF_KPROBE(pipe_fread_enter_kprobe, struct kiocb *iocb)
{
	struct file *file = BPF_CORE_READ(iocb, ki_filp);
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&fn_pipe_reading, &tid, &file, BPF_ANY);
	return fn_pipe_read_mark(file);
}

SEC("kretprobe")
int BPF_KRETPROBE(pipe_fread_exit_kprobe, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct file **f = bpf_map_lookup_elem(&fn_pipe_reading, &tid);
	struct file *file;

	if (!f)
		return 0;
	file = *f;
	bpf_map_delete_elem(&fn_pipe_reading, &tid);
	return fn_pipe_read_done(file, ret);
}
