/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SysV message queues on the function-hook backends: do_msgsnd / do_msgrcv,
 * which every way in calls (msgsnd/msgrcv, the ipc() multiplexer, compat).
 * Same records as the tracepoint programs of sysv.bpf.h, built by its inline
 * functions; the loader (user/backend.c) picks one variant per hook.
 *   do_msgsnd(int msqid, long mtype, void __user *mtext, size_t msgsz, int msgflg)
 *   do_msgrcv(int msqid, void __user *buf, size_t bufsz, long msgtyp, int msgflg, ...)
 */

/* A send: the message is in the sender's struct msgbuf, mtext after mtype. */
static __always_inline int fn_msg_snd_enter(int msqid, const char *mtext, __u64 msgsz, int msgflg)
{
	struct sysv_call *c = sysv_enter(SC_MSGSND);

	if (!c)
		return 0;
	c->id = msqid;
	c->arg[0] = 0;
	if (!sysv_queue_kept(c, (__u32)c->id, c->ipc_ns, IPC_MSG)) {
		c->nr = SC_SKIP;
		return 0;
	}
	msg_snd_record(c, mtext - sizeof(long), msgsz, msgflg, false);
	return 0;
}

static __always_inline int fn_msg_snd_exit(long ret)
{
	return msg_snd_exit_ret(ret);
}

static __always_inline int fn_msg_rcv_enter(int msqid, const void *buf, __u64 bufsz, long msgtyp,
					    int msgflg)
{
	struct sysv_call *c = sysv_enter(SC_MSGRCV);

	if (c) {
		c->arg[0] = msqid;
		c->arg[1] = (__u64)buf;
		c->arg[2] = bufsz;
		c->arg[3] = msgtyp;
		c->arg[4] = msgflg;
		if (!sysv_queue_kept(c, (__u32)c->arg[0], c->ipc_ns, IPC_MSG))
			c->nr = SC_SKIP;
	}
	return 0;
}

static __always_inline int fn_msg_rcv_exit(long ret)
{
	struct sysv_call *c = sysv_exit_or_regs(SC_MSGRCV);

	if (!c)
		return 0;
	return msg_rcv_report(c, ret);
}

SEC("fentry")
int BPF_PROG(msg_fsnd_enter_fentry, int msqid, long mtype, void *mtext, size_t msgsz, int msgflg)
{
	return fn_msg_snd_enter(msqid, mtext, msgsz, msgflg);
}

SEC("fexit")
int BPF_PROG(msg_fsnd_exit_fentry, int msqid, long mtype, void *mtext, size_t msgsz, int msgflg,
	     long ret)
{
	return fn_msg_snd_exit(ret);
}

SEC("fentry")
int BPF_PROG(msg_frcv_enter_fentry, int msqid, void *buf, size_t bufsz, long msgtyp, int msgflg)
{
	return fn_msg_rcv_enter(msqid, buf, bufsz, msgtyp, msgflg);
}

SEC("fexit")
int BPF_PROG(msg_frcv_exit_fentry, int msqid, void *buf, size_t bufsz, long msgtyp, int msgflg,
	     void *handler, long ret)
{
	return fn_msg_rcv_exit(ret);
}

SEC("kprobe")
int BPF_KPROBE(msg_fsnd_enter_kprobe, int msqid, long mtype, void *mtext, size_t msgsz, int msgflg)
{
	return fn_msg_snd_enter(msqid, mtext, msgsz, msgflg);
}

SEC("kretprobe")
int BPF_KRETPROBE(msg_fsnd_exit_kprobe, long ret)
{
	return fn_msg_snd_exit(ret);
}

SEC("kprobe")
int BPF_KPROBE(msg_frcv_enter_kprobe, int msqid, void *buf, size_t bufsz, long msgtyp, int msgflg)
{
	return fn_msg_rcv_enter(msqid, buf, bufsz, msgtyp, msgflg);
}

SEC("kretprobe")
int BPF_KRETPROBE(msg_frcv_exit_kprobe, long ret)
{
	return fn_msg_rcv_exit(ret);
}

/*
 * Shared memory attaches: do_shmat(int shmid, char __user *shmaddr, int shmflg,
 * ulong *raddr, unsigned long shmlba) returns 0 or -errno and puts the address
 * in *raddr (a variable of its caller's, still there at the return): the
 * record gets what the syscall would return.
 */
static __always_inline int fn_shm_at_enter(int shmid, int shmflg, const void *raddr)
{
	struct sysv_call *c = sysv_enter(SC_SHMAT);

	if (c) {
		c->id = shmid;
		c->arg[1] = shmflg;
		c->arg[2] = (__u64)raddr;
	}
	return 0;
}

static __always_inline int fn_shm_at_exit(long err)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct sysv_call *c = bpf_task_storage_get(&sysv_calls, cur, 0, 0);
	unsigned long addr = 0;

	if (!c || c->nr != SC_SHMAT)
		return 0;
	if (err == 0 && bpf_probe_read_kernel(&addr, sizeof(addr), (const void *)c->arg[2]))
		err = -14;                  /* cannot happen: EFAULT rather than a wrong address */
	return shm_at_report(err ? err : (long)addr);
}

SEC("fentry")
int BPF_PROG(shm_fat_enter_fentry, int shmid, char *shmaddr, int shmflg, unsigned long *raddr)
{
	return fn_shm_at_enter(shmid, shmflg, raddr);
}

SEC("fexit")
int BPF_PROG(shm_fat_exit_fentry, int shmid, char *shmaddr, int shmflg, unsigned long *raddr,
	     unsigned long shmlba, long ret)
{
	return fn_shm_at_exit((int)ret);
}

SEC("kprobe")
int BPF_KPROBE(shm_fat_enter_kprobe, int shmid, char *shmaddr, int shmflg, unsigned long *raddr)
{
	return fn_shm_at_enter(shmid, shmflg, raddr);
}

SEC("kretprobe")
int BPF_KRETPROBE(shm_fat_exit_kprobe, long ret)
{
	return fn_shm_at_exit((int)ret);
}
