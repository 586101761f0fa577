/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Signals: generation names both ends, delivery tells what the receiver did. */

#define SEND_SIG_PRIV_PTR 1UL   /* SEND_SIG_NOINFO is 0, SEND_SIG_PRIV is 1 */
#define SI_USER_CODE 0
#define SI_KERNEL_CODE 0x80
#define PF_KTHREAD_FLAG 0x00200000

static __always_inline __s32 siginfo_code(struct kernel_siginfo *info)
{
	if ((unsigned long)info == 0)
		return SI_USER_CODE;
	if ((unsigned long)info == SEND_SIG_PRIV_PTR)
		return SI_KERNEL_CODE;
	return BPF_CORE_READ(info, si_code);
}

/* The syscall the current task is in, or -1 (kernel threads, interrupts). */
static __always_inline __s64 current_syscall_nr(struct task_struct *cur)
{
	struct pt_regs *regs;

	if (BPF_CORE_READ(cur, flags) & PF_KTHREAD_FLAG)
		return -1;
	regs = (struct pt_regs *)bpf_task_pt_regs(cur);
	if (!regs)
		return -1;
	return BPF_CORE_READ(regs, orig_ax);
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SIG_AGG_MAX);
	__type(key, struct sig_agg_key);
	__type(value, struct sig_agg_val);
} sig_agg SEC(".maps");

/*
 * Receivers of a kept, queued signal that are outside the filter: their
 * delivery is wanted too (it says what they did). Bounded, oldest out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} sig_expect SEC(".maps");

/* -s: count the signal in the kernel instead of streaming a record. */
static __always_inline void signal_aggregate(struct task_struct *cur, struct task_struct *task,
					     int sig, struct kernel_siginfo *info, int group,
					     int result)
{
	struct sig_agg_key key = {
		.src_tgid = cur->tgid,
		.dst_tgid = task->tgid,
		.signo = sig,
		.si_code = siginfo_code(info),
		.syscall_nr = current_syscall_nr(cur),
		.sender_is_kthread = (cur->flags & PF_KTHREAD_FLAG) != 0,
		.result = result,
		.group = group,
		.src_start_ns = task_start_ns(cur),
		.dst_start_ns = task_start_ns(task),
	};
	__u64 now = bpf_ktime_get_ns();
	struct sig_agg_val *v = bpf_map_lookup_elem(&sig_agg, &key);

	if (!v) {
		struct sig_agg_val init = { .first_ns = now };

		init.src_tid = cur->pid;
		init.dst_tid = task->pid;
		bpf_get_current_comm(&init.src_comm, sizeof(init.src_comm));
		BPF_CORE_READ_STR_INTO(&init.dst_comm, task, comm);
		if (bpf_map_update_elem(&sig_agg, &key, &init, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&sig_agg, &key)) {
			count_drop(IPC_SIGNAL);     /* table full: counted as lost */
			return;
		}
		v = bpf_map_lookup_elem(&sig_agg, &key);
		if (!v)
			return;
	}
	__sync_fetch_and_add(&v->count, 1);
	v->last_ns = now;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task, int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = cur->tgid, target_tgid = task->tgid;
	struct rec_signal_generate *r;

	if (tgid == self_tgid || target_tgid == self_tgid)
		return 0;
	if (!current_selected(tgid) && !task_selected(task))
		return 0;
	if (summary_only) {
		signal_aggregate(cur, task, sig, info, group, result);
		return 0;
	}
	if (filter_active && result == 0 /* delivered */ && !task_selected(task)) {
		__u8 one = 1;

		bpf_map_update_elem(&sig_expect, &target_tgid, &one, BPF_ANY);
	}
	r = RECORD_RESERVE(struct rec_signal_generate, REC_SIGNAL_GENERATE, IPC_SIGNAL);
	if (!r)
		return 0;
	r->signo = sig;
	r->si_code = siginfo_code(info);
	r->result = result;
	r->group = group;
	r->syscall_nr = current_syscall_nr(cur);
	r->sender_is_kthread = (cur->flags & PF_KTHREAD_FLAG) != 0;
	r->target_tgid = target_tgid;
	r->target_tid = task->pid;
	r->target_ns_tgid = task_ns_tgid(task);
	r->target_cgroup_id = task_cgroup_id(task);
	r->target_start_ns = task_start_ns(task);
	BPF_CORE_READ_STR_INTO(&r->target_comm, task, comm);
	record_submit(r);
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct rec_signal_deliver *r;

	/*
	 * A receiver outside the filter is wanted when a kept generation named
	 * it (sig_expect); user space drops deliveries that match no generation.
	 */
	if (tgid == self_tgid || summary_only)
		return 0;
	if (filter_active && !current_selected(tgid) && !bpf_map_lookup_elem(&sig_expect, &tgid))
		return 0;
	r = RECORD_RESERVE(struct rec_signal_deliver, REC_SIGNAL_DELIVER, IPC_SIGNAL);
	if (!r)
		return 0;
	r->signo = sig;
	r->si_code = siginfo_code(info);
	r->handler = (__u64)BPF_CORE_READ(ka, sa.sa_handler);
	r->sa_flags = BPF_CORE_READ(ka, sa.sa_flags);
	record_submit(r);
	return 0;
}
