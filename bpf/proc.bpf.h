/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Process lifecycle: follow COMMAND's descendants, keep names, end lifetimes. */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(proc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct rec_proc_fork *r;

	if (ptgid == ctgid)     /* a new thread: its process is already known */
		return 0;
	if (follow_children && tgid_traced(ptgid))
		tgid_trace(ctgid);
	if (ptgid == self_tgid || !current_selected(ptgid))
		return 0;
	r = RECORD_RESERVE(struct rec_proc_fork, REC_PROC_FORK, IPC_PROC);
	if (!r)
		return 0;
	r->child_tgid = ctgid;
	r->child_tid = child->pid;
	BPF_CORE_READ_STR_INTO(&r->child_comm, child, comm);
	r->child_start_ns = task_start_ns(child);
	record_submit(r);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *task, pid_t old_pid)
{
	__u32 tgid = task->tgid;
	struct rec_proc_exec *r;

	if (tgid == self_tgid || !current_selected(tgid))
		return 0;
	r = RECORD_RESERVE(struct rec_proc_exec, REC_PROC_EXEC, IPC_PROC);
	if (!r)
		return 0;
	r->old_tid = old_pid;
	record_submit(r);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;
	struct rec_proc_exit *r;
	bool group_dead;

	if (tgid == self_tgid)
		return 0;
	/* signal->live is decremented before this tracepoint on every kernel */
	group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
	if (!current_selected(tgid))
		return 0;
	r = RECORD_RESERVE(struct rec_proc_exit, REC_PROC_EXIT, IPC_PROC);
	if (r) {
		r->group_dead = group_dead;
		r->exit_code = task->exit_code;
		record_submit(r);
	}
	return 0;
}

/*
 * A process leaves the filter when its leader is freed, after its parent has
 * reaped it: the SIGCHLD of its exit is still selected, and a new process
 * that reuses the pid is not.
 */
SEC("tp_btf/sched_process_free")
int BPF_PROG(proc_free, struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (filter_active && task->pid == tgid)
		tgid_untrace(tgid);
	return 0;
}
