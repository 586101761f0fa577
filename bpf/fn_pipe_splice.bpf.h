/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Splices on the function-hook backends: fentry/fexit or kprobe/kretprobe on
 * do_splice(in, off_in, out, off_out, len, flags), which the splice syscall
 * and io_uring's IORING_OP_SPLICE both call (a file, socket or pipe into a
 * pipe: splice_file_to_pipe / splice_pipe_to_pipe; a pipe out: its reads).
 * The tracepoint backend sees only the splice syscall: io_uring splices run
 * no syscall hook. The loader (user/backend.c, hook "pipe splice") loads
 * either these programs or the sys_enter/exit_splice tracepoints of
 * pipe.bpf.h, never both: a splice is counted once.
 *
 * Same records as the syscall path: a write BEGIN/END for the pipe written
 * (op splice, count len), a read for the pipe read at exit (ret bytes). Under
 * splice(2) the fds are the syscall's, as the tracepoints give them; from
 * io_uring (run in the submitter or in its io-wq worker thread, same tgid)
 * there is no fd (-1). sendfile into a pipe does not run do_splice
 * (do_sendfile calls splice_file_to_pipe): it stays on its tracepoints.
 */

#define FN_SPLICE_NR (-4097)        /* in-flight entries made by the splice hook */

#if defined(__TARGET_ARCH_x86)
#define FN_NR_SPLICE 275
#elif defined(__TARGET_ARCH_arm64)
#define FN_NR_SPLICE 76
#else
#define FN_NR_SPLICE (-1)
#endif

/* kprobes: the file spliced from, from the entry to the return (tid -> file) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct file *);
} fn_pipe_splicing SEC(".maps");

/* The fd of file when this runs under splice(2) with file as its argument
 * arg (0: fd_in, 2: fd_out); otherwise (io_uring) -1. */
static __always_inline __s32 fn_splice_fd(struct file *file, int arg)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	long fd;

	if (FN_SYSCALL_NR(regs) != FN_NR_SPLICE)
		return -1;
	if (arg == 0)
		fd = (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
	else
		fd = (int)PT_REGS_PARM3_CORE_SYSCALL(regs);
	return pipe_fd_file(fd) == file ? fd : -1;
}

/* Entry: a BEGIN record for the pipe written (as pipe_enter does for the
 * syscall), and the pipe read marked for a filter; its read is at the exit. */
static __always_inline int fn_splice_enter(struct file *in, struct file *out, __u64 len)
{
	bool rd = in && pipe_file_mode(in) == PIPE_S_IFIFO;
	bool wr = out && pipe_file_mode(out) == PIPE_S_IFIFO;
	struct pipe_file rp = {}, wp = {};
	struct pipe_inflight fl = {};
	__u32 tgid;
	bool self, sel;

	if (!rd && !wr)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	self = tgid == self_tgid;       /* booked, not traced: see pipe_enter */
	if (self && !wr)
		return 0;
	sel = !self && current_selected(tgid);
	if (!self && !pipe_filter_passes(sel))
		return 0;
	if (rd && !self) {
		pipe_fill(in, &rp);
		pipe_keep(sel, &rp.id);         /* mark it; the exit decides */
		pipe_agg_stream(&rp.id);        /* -s: a splice is paired in user space */
	}
	if (!wr || len == 0)
		return 0;
	pipe_fill(out, &wp);
	if (!pipe_keep(sel, &wp.id)) {
		pipe_agg_stream(&wp.id);
		return 0;
	}
	fl.enter_ts = bpf_ktime_get_ns();
	fl.nr = FN_SPLICE_NR;
	fl.op = PIPE_OP_SPLICE;
	fl.rfd = -1;                    /* the read is emitted by fn_splice_exit */
	pipe_agg_enter(&fl, &wp, -1, PIPE_OP_SPLICE, self, false, len);   /* never counted: streams */
	pipe_announce(&wp, 0);
	pipe_write_begin(&fl, &wp, fn_splice_fd(out, 2), NULL, false, 0, len, false, self);
	pipe_inflight_put(&fl, true);
	return 0;
}

/* Exit: the write END (pipe_exit), then the read of ret bytes out of in. */
static __always_inline int fn_splice_exit(struct file *in, long ret)
{
	struct pipe_file pf = {};
	__u32 tgid;

	pipe_exit(FN_SPLICE_NR, ret);
	if (ret <= 0 || !in)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid == self_tgid || !pipe_of_file(in, &pf))
		return 0;
	if (pipe_keep(current_selected(tgid), &pf.id))
		pipe_emit_read(&pf, fn_splice_fd(in, 0), PIPE_OP_SPLICE, ret);
	return 0;
}

SEC("fentry")
int BPF_PROG(pipe_fsplice_enter_fentry, struct file *in, loff_t *off_in, struct file *out,
	     loff_t *off_out, size_t len)
{
	return fn_splice_enter(in, out, len);
}

SEC("fexit")
int BPF_PROG(pipe_fsplice_exit_fentry, struct file *in, loff_t *off_in, struct file *out,
	     loff_t *off_out, size_t len, unsigned int flags, long ret)
{
	return fn_splice_exit(in, ret);
}

SEC("kprobe")
int BPF_KPROBE(pipe_fsplice_enter_kprobe, struct file *in, loff_t *off_in, struct file *out,
	       loff_t *off_out, size_t len)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	/* always: an entry left by a return never seen must not stand for this one */
	bpf_map_update_elem(&fn_pipe_splicing, &tid, &in, BPF_ANY);
	return fn_splice_enter(in, out, len);
}

SEC("kretprobe")
int BPF_KRETPROBE(pipe_fsplice_exit_kprobe, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct file **f = bpf_map_lookup_elem(&fn_pipe_splicing, &tid);
	struct file *in = NULL;

	if (f) {
		in = *f;
		bpf_map_delete_elem(&fn_pipe_splicing, &tid);
	}
	return fn_splice_exit(in, ret);   /* without in (evicted): the write END only */
}
