/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SysV message queues (msg_*), shared memory (shm_*), semaphores (sem_*) and
 * POSIX message queues (mq_*). Syscall tracepoints save what a call was asked
 * at entry in a task-local slot and report at exit what it did.
 *
 * Filtering: message queues must be modelled whole to pair a receive with the
 * send it got, so msg/mq sends and receives and every shm attach/detach are
 * recorded for all processes, tagged with whether the filter selects the caller
 * (these syscalls are rare; a run with a filter pays only for processes that
 * use them). Semaphore operations, which can be frequent, are recorded only for
 * selected processes and for the waiters they release.
 */

#define SYSV_IPC_RMID 0
#define SYSV_IPC_64 0x100
#define SYSV_SETVAL 16
#define SYSV_SETALL 17
#define SYSV_PF_EXITING 0x00000004
#define SYSV_PF_KTHREAD 0x00200000
#define SYSV_MQUEUE_MAGIC 0x19800202

enum sysv_call_nr {
	SC_NONE = 0,
	SC_MSGGET, SC_MSGSND, SC_MSGRCV, SC_MSGCTL,
	SC_SHMGET, SC_SHMAT, SC_SHMDT, SC_SHMCTL,
	SC_SEMGET, SC_SEMOP, SC_SEMCTL,
	SC_MQOPEN, SC_MQSND, SC_MQRCV, SC_MQUNLINK,
	SC_SKIP,                        /* a call the filter leaves out: nothing at its exit */
};

/* The IPC syscall a task is in: saved at entry, used at exit (and by wakers). */
struct sysv_call {
	__u32 nr;                       /* enum sysv_call_nr, SC_NONE outside a call */
	__u32 selected;
	__u64 enter_ts;
	__u64 nvcsw;                    /* voluntary switches at entry: did it sleep? */
	__u64 arg[5];
	__s64 id;
	__u32 ipc_ns;
	__u32 nsops;
	struct sysv_sembuf ops[SYSV_SEM_OPS];
	/* written by the task that woke this one out of semop */
	__u32 via;
	__u32 waker_tgid;
	__u32 waker_tid;
	__u32 waker_selected;
	__u64 wake_ts;
	char waker_comm[IPCSNOOP_COMM_LEN];
	__u32 waker_nsops;
	__s32 waker_cmd;
	struct sysv_sembuf waker_ops[SYSV_SEM_OPS];
	/* msgsnd under -s: counted in the kernel at entry (bpf/msg_agg.bpf.h) */
	__u32 agg_slot;                 /* its slot + 1; 0: not counted */
	__u32 agg_pad;
	__u64 agg_gen;                  /* the queue's msg_agg_state.gen then */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sysv_call);
} sysv_calls SEC(".maps");

/* Processes that attached a SysV segment while traced: their forks, execs and
 * exits matter to the shm model even when the filter does not select them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} sysv_shm_tgids SEC(".maps");

/*
 * With a filter: queues (msg: ipc namespace + id; mq: inode) a selected
 * process used. Sends and receives of other processes are recorded only on
 * these, so an unrelated process's queue traffic costs no record.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sysv_queue_key);
	__type(value, __u8);
} sysv_queue_interest SEC(".maps");

/* Set once sysv_queue_interest holds a queue (here, or seeded by the loader
 * for -p): until then an unselected process's queue op is out without a lookup. */
__u32 sysv_queue_interest_any = 0;

static __always_inline bool sysv_queue_kept(const struct sysv_call *c, __u64 id, __u32 ns,
					    __u32 kind)
{
	struct sysv_queue_key key = { .id = id, .ns = ns, .kind = kind };
	__u8 one = 1;

	if (!filter_active)
		return true;
	if (c->selected) {
		if (!bpf_map_lookup_elem(&sysv_queue_interest, &key) &&
		    !bpf_map_update_elem(&sysv_queue_interest, &key, &one, BPF_ANY) &&
		    !sysv_queue_interest_any)
			sysv_queue_interest_any = 1;
		return true;
	}
	if (!sysv_queue_interest_any)
		return false;
	return bpf_map_lookup_elem(&sysv_queue_interest, &key) != NULL;
}

/* The task's ipc namespace, by direct loads from a BTF task pointer */
static __always_inline __u32 sysv_ipc_ns(struct task_struct *cur)
{
	return cur->nsproxy->ipc_ns->ns.inum;
}

/* The syscall's return value, read once (clang may otherwise re-derive the
 * context pointer, which the verifier refuses). */
static __always_inline long sysv_ret(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;

	asm volatile("" : "+r"(ret));
	return ret;
}

/*
 * With -p or COMMAND: a msgsnd/msgrcv of a process the filter does not select,
 * while no queue is of interest, is left out before its task storage is
 * touched, at entry and again at exit: both give the same answer, as the
 * interest only grows and a process's selection does not change during a
 * call (a name, -c, can: with -c the entry marks the call SC_SKIP instead).
 */
static __always_inline bool sysv_msg_skips(__u32 nr, bool selected)
{
	return (nr == SC_MSGSND || nr == SC_MSGRCV) && filter_active && !filter_comm_set &&
	       !selected && !sysv_queue_interest_any;
}

static __always_inline struct sysv_call *sysv_enter(__u32 nr)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sysv_call *c;
	bool sel;

	if (tgid == self_tgid)
		return NULL;
	sel = current_selected(tgid);
	if (sysv_msg_skips(nr, sel))
		return NULL;
	c = bpf_task_storage_get(&sysv_calls, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return NULL;
	c->nr = nr;
	c->selected = sel;
	c->agg_slot = 0;
	/* filter first: an unselected send/receive while no queue is of interest */
	if ((nr == SC_MSGSND || nr == SC_MSGRCV) && filter_active && !c->selected &&
	    !sysv_queue_interest_any) {
		c->nr = SC_SKIP;
		return NULL;
	}
	c->enter_ts = bpf_ktime_get_ns();
	c->nvcsw = cur->nvcsw;
	c->ipc_ns = sysv_ipc_ns(cur);
	c->via = SYSV_WAKE_NONE;
	c->waker_selected = 0;
	return c;
}

static __always_inline struct sysv_call *sysv_exit(__u32 nr)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct sysv_call *c;

	c = bpf_task_storage_get(&sysv_calls, cur, 0, 0);
	if (!c || c->nr != nr)
		return NULL;
	c->nr = SC_NONE;
	return c;
}

/*
 * The exit of a call that entered before tracing started (a receiver already
 * waiting on its queue): no entry was saved, but the arguments are still in the
 * registers saved at syscall entry. enter_ts 0 says so.
 */
static __always_inline struct sysv_call *sysv_exit_or_regs(__u32 nr)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sysv_call *c;
	struct pt_regs *regs;

	if ((nr == SC_MSGSND || nr == SC_MSGRCV) && sysv_msg_skips(nr, current_selected(tgid)))
		return NULL;            /* as its entry was (or would have been) */
	c = bpf_task_storage_get(&sysv_calls, cur, 0, 0);
	if (c && c->nr == nr) {         /* as sysv_exit, with one lookup for both cases */
		c->nr = SC_NONE;
		return c;
	}
	if (tgid == self_tgid)
		return NULL;
	if (c && c->nr == SC_SKIP) {    /* entered, but the filter left it out */
		c->nr = SC_NONE;
		return NULL;
	}
	if (!c)
		c = bpf_task_storage_get(&sysv_calls, cur, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return NULL;
	regs = (struct pt_regs *)bpf_task_pt_regs(cur);
	c->arg[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	c->arg[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	c->arg[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	c->arg[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	c->arg[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
	c->nr = SC_NONE;
	c->selected = current_selected(tgid);
	c->agg_slot = 0;
	c->enter_ts = 0;
	c->nvcsw = ~0ull;       /* it was waiting when tracing started */
	c->ipc_ns = sysv_ipc_ns(cur);
	c->via = SYSV_WAKE_NONE;
	c->waker_selected = 0;
	/* with a filter, a send/receive seen only at its exit is kept on a queue of
	 * interest (or for a selected process, which marks it), as at entry */
	if ((nr == SC_MSGSND || nr == SC_MSGRCV) && filter_active &&
	    !sysv_queue_kept(c, (__u32)c->arg[0], c->ipc_ns, IPC_MSG))
		return NULL;
	return c;
}

static __always_inline bool sysv_blocked(const struct sysv_call *c)
{
	struct task_struct *cur = bpf_get_current_task_btf();

	return cur->nvcsw != c->nvcsw;
}

static __always_inline void sysv_tag(struct sysv_tag *t, const struct sysv_call *c)
{
	t->ipc_ns = c->ipc_ns;
	t->selected = c->selected;
	t->pad[0] = t->pad[1] = t->pad[2] = 0;
}

/* FNV-1a over the first SYSV_FP_LEN bytes of a message in user memory. */
static __always_inline void sysv_fingerprint(struct sysv_fp *fp, const void *src, __u64 size)
{
	__u8 buf[SYSV_FP_LEN] = {};
	__u32 n = size < SYSV_FP_LEN ? size : SYSV_FP_LEN;
	__u64 h = SYSV_FP_SEED;

	fp->len = n;
	fp->ok = 0;
	fp->hash = 0;
	if (n && bpf_probe_read_user(buf, n, src))
		return;
	for (__u32 i = 0; i < SYSV_FP_LEN; i++) {
		if (i >= n)
			break;
		h ^= buf[i];
		h *= SYSV_FP_PRIME;
	}
	fp->hash = h;
	fp->ok = 1;
}

/*
 * Receive records end with the payload (-x): without -x they are sent without
 * it (data_max is a load-time constant: the verifier sees one size per path).
 */
#define SYSV_RESERVE_RCV(T, type, kind) ({					\
	T *__r = data_max ? bpf_ringbuf_reserve(&events, sizeof(T), 0) :	\
			    bpf_ringbuf_reserve(&events, __builtin_offsetof(T, data), 0);	\
	if (__r)								\
		fill_header(&__r->hdr, (type), data_max ? sizeof(T) : __builtin_offsetof(T, data)); \
	else									\
		count_drop(kind);						\
	__r;									\
})

/* Payload capture for -x: the first data_max bytes of what was received. */
static __always_inline __u32 sysv_capture(__u8 *dst, const void *src, __s64 ret)
{
	__u32 n = data_max;

	if (!n || ret <= 0)
		return 0;
	if ((__u64)ret < n)
		n = ret;
	if (n > IPCSNOOP_DATA_MAX)
		n = IPCSNOOP_DATA_MAX;
	if (bpf_probe_read_user(dst, n, src))
		return 0;
	return n;
}

/* ------------------------------------------------------------------ msg */

#include "msg_agg.bpf.h"

SEC("tracepoint/syscalls/sys_enter_msgget")
int msg_get_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MSGGET);

	if (c) {
		c->arg[0] = ctx->args[0];       /* key */
		c->arg[1] = ctx->args[1];       /* msgflg */
		c->arg[2] = 0;
	}
	return 0;
}

static __always_inline void sysv_get_exit(struct trace_event_raw_sys_exit *ctx, __u32 nr,
					  __u16 type, enum ipc_kind kind)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit(nr);
	struct rec_sysv_get *r;

	if (!c)
		return;
	if (kind == IPC_MSG && ret >= 0)
		sysv_queue_kept(c, (__u32)ret, c->ipc_ns, IPC_MSG);     /* marks it if selected */
	r = RECORD_RESERVE(struct rec_sysv_get, type, kind);
	if (!r)
		return;
	sysv_tag(&r->tag, c);
	r->key = (__s32)c->arg[0];
	r->size = c->arg[2];
	r->flags = c->arg[1];
	r->ret = ret;
	record_submit(r);
	if (kind == IPC_MSG)
		msg_agg_created(c, ret);        /* after its GET record: user space knows the queue */
}

SEC("tracepoint/syscalls/sys_exit_msgget")
int msg_get_exit(struct trace_event_raw_sys_exit *ctx)
{
	sysv_get_exit(ctx, SC_MSGGET, REC_MSG_GET, IPC_MSG);
	return 0;
}

/* The message a msgsnd sends, read from the sender's memory. before: the call
 * entered before tracing started (seen at its exit): entry time unknown, 0. */
static __always_inline void msg_snd_record(struct sysv_call *c, const char *msgp, __u64 msgsz,
					   int msgflg, bool before)
{
	struct rec_msg_snd *r;

	if (!before && msg_agg_send(c, msgp))
		return;                 /* -s: counted in the kernel */
	r = RECORD_RESERVE(struct rec_msg_snd, REC_MSG_SND, IPC_MSG);
	if (!r)
		return;
	if (before)
		r->hdr.ts_ns = 0;
	sysv_tag(&r->tag, c);
	r->msqid = c->id;
	r->msgsz = msgsz;
	r->msgflg = msgflg;
	r->mtype = 0;
	r->mtype_ok = bpf_probe_read_user(&r->mtype, sizeof(r->mtype), msgp) == 0;
	r->pad = 0;
	sysv_fingerprint(&r->fp, msgp + sizeof(long), r->msgsz);
	record_submit(r);
}

SEC("tracepoint/syscalls/sys_enter_msgsnd")
int msg_snd_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MSGSND);

	if (!c)
		return 0;
	c->id = (__s32)ctx->args[0];
	c->arg[0] = 0;
	if (!sysv_queue_kept(c, (__u32)c->id, c->ipc_ns, IPC_MSG)) {
		c->nr = SC_SKIP;
		return 0;
	}
	msg_snd_record(c, (const char *)ctx->args[1], ctx->args[2], ctx->args[3], false);
	return 0;
}

/* handed: a send counted in the kernel whose message a handover gave in flight */
static __always_inline void sysv_done_ret(long ret, __u32 nr, __u16 type, enum ipc_kind kind,
					  bool handed)
{
	struct sysv_call *c = sysv_exit(nr);
	struct rec_sysv_done *r;

	if (!c)
		return;
	r = RECORD_RESERVE(struct rec_sysv_done, type, kind);
	if (!r)
		return;
	sysv_tag(&r->tag, c);
	r->enter_ts = c->enter_ts;
	r->ret = ret;
	r->id = c->id;
	r->dev = c->arg[0];
	r->pad = 0;
	if (handed)
		r->enter_ts = 0;        /* as the handover named it */
	record_submit(r);
}

static __always_inline void sysv_done(struct trace_event_raw_sys_exit *ctx, __u32 nr,
				      __u16 type, enum ipc_kind kind)
{
	sysv_done_ret(sysv_ret(ctx), nr, type, kind, false);
}

/* A msgsnd returned ret (also fn_sysv.bpf.h's do_msgsnd exit) */
static __always_inline int msg_snd_exit_ret(long ret)
{
	struct sysv_call *c = sysv_exit_or_regs(SC_MSGSND);
	bool handed = false;

	if (c && !c->enter_ts) {
		/* a sender blocked on a full queue since before tracing started */
		if (ret < 0)
			return 0;
		c->id = (__s32)c->arg[0];
		msg_snd_record(c, (const char *)c->arg[1], c->arg[2], c->arg[3], true);
		c->arg[0] = 0;
	}
	if (!c)
		return 0;
	if (c->agg_slot) {
		if (msg_agg_send_done(c, ret))
			return 0;       /* -s: counted in the kernel */
		handed = true;
	}
	c->nr = SC_MSGSND;
	sysv_done_ret(ret, SC_MSGSND, REC_MSG_SND_DONE, IPC_MSG, handed);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_msgsnd")
int msg_snd_exit(struct trace_event_raw_sys_exit *ctx)
{
	return msg_snd_exit_ret(sysv_ret(ctx));
}

SEC("tracepoint/syscalls/sys_enter_msgrcv")
int msg_rcv_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MSGRCV);

	if (c) {
		c->arg[0] = ctx->args[0];       /* msqid */
		c->arg[1] = ctx->args[1];       /* msgp */
		c->arg[2] = ctx->args[2];       /* msgsz */
		c->arg[3] = ctx->args[3];       /* msgtyp */
		c->arg[4] = ctx->args[4];       /* msgflg */
		if (!sysv_queue_kept(c, (__u32)c->arg[0], c->ipc_ns, IPC_MSG))
			c->nr = SC_SKIP;
	}
	return 0;
}

/* A msgrcv returned ret: what it got, from the receiver's buffer */
static __always_inline int msg_rcv_report(struct sysv_call *c, long ret)
{
	const char *msgp;
	struct rec_msg_rcv *r;

	if (msg_agg_receive(c, ret))
		return 0;               /* -s: counted in the kernel */
	r = SYSV_RESERVE_RCV(struct rec_msg_rcv, REC_MSG_RCV, IPC_MSG);
	if (!r)
		return 0;
	msgp = (const char *)c->arg[1];
	sysv_tag(&r->tag, c);
	r->msqid = c->arg[0];
	r->msgsz = c->arg[2];
	r->msgtyp = c->arg[3];
	r->msgflg = c->arg[4];
	r->ret = ret;
	r->blocked = sysv_blocked(c);
	r->enter_ts = c->enter_ts;
	r->mtype = 0;
	r->mtype_ok = 0;
	r->fp.ok = 0;
	r->fp.len = 0;
	r->fp.hash = 0;
	r->data_len = 0;
	r->pad = 0;
	if (ret >= 0) {
		/* the kernel wrote the type and the text into the receiver's buffer */
		r->mtype_ok = bpf_probe_read_user(&r->mtype, sizeof(r->mtype), msgp) == 0;
		sysv_fingerprint(&r->fp, msgp + sizeof(long), ret);
		r->data_len = sysv_capture(r->data, msgp + sizeof(long), ret);
	}
	record_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_msgrcv")
int msg_rcv_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit_or_regs(SC_MSGRCV);

	if (!c)
		return 0;
	return msg_rcv_report(c, ret);
}

SEC("tracepoint/syscalls/sys_enter_msgctl")
int msg_ctl_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c;

	if ((ctx->args[1] & ~SYSV_IPC_64) != SYSV_IPC_RMID)
		return 0;
	c = sysv_enter(SC_MSGCTL);
	if (c) {
		c->id = (__s32)ctx->args[0];
		c->arg[0] = SYSV_IPC_RMID;
		c->arg[1] = c->arg[2] = 0;
	}
	return 0;
}

static __always_inline void sysv_ctl_exit(struct trace_event_raw_sys_exit *ctx, __u32 nr,
					  __u16 type, enum ipc_kind kind)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit(nr);
	struct rec_sysv_ctl *r;

	if (!c || ret < 0)
		return;
	if (kind == IPC_MSG)
		msg_agg_removed(c);     /* msg_ctl_enter keeps IPC_RMID only */
	r = RECORD_RESERVE(struct rec_sysv_ctl, type, kind);
	if (!r)
		return;
	sysv_tag(&r->tag, c);
	r->id = c->id;
	r->cmd = c->arg[0];
	r->semnum = c->arg[1];
	r->val = c->arg[2];
	r->ret = ret;
	record_submit(r);
}

SEC("tracepoint/syscalls/sys_exit_msgctl")
int msg_ctl_exit(struct trace_event_raw_sys_exit *ctx)
{
	sysv_ctl_exit(ctx, SC_MSGCTL, REC_MSG_CTL, IPC_MSG);
	return 0;
}

/* ------------------------------------------------------------------ shm */

struct sysv_vma_info {
	__s64 id;
	__u64 size;
	char name[16];
};

/* A SysV segment's mapping: its file is named "SYSV<key>" and its inode
 * number is the segment id (ipc/shm.c newseg). */
static long sysv_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct sysv_vma_info *x = data;
	struct file *f = BPF_CORE_READ(vma, vm_file);
	struct inode *inode;

	if (!f)
		return 0;
	bpf_probe_read_kernel_str(x->name, sizeof(x->name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
	if (x->name[0] != 'S' || x->name[1] != 'Y' || x->name[2] != 'S' || x->name[3] != 'V')
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	x->id = BPF_CORE_READ(inode, i_ino);
	x->size = BPF_CORE_READ(inode, i_size);
	return 0;
}

static __always_inline void sysv_vma_lookup(struct sysv_vma_info *x, __u64 addr)
{
	x->id = -1;
	x->size = 0;
	bpf_find_vma(bpf_get_current_task_btf(), addr, sysv_vma_cb, x, 0);
}

SEC("tracepoint/syscalls/sys_enter_shmget")
int shm_get_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_SHMGET);

	if (c) {
		c->arg[0] = ctx->args[0];       /* key */
		c->arg[2] = ctx->args[1];       /* size */
		c->arg[1] = ctx->args[2];       /* shmflg */
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmget")
int shm_get_exit(struct trace_event_raw_sys_exit *ctx)
{
	sysv_get_exit(ctx, SC_SHMGET, REC_SHM_GET, IPC_SHM);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmat")
int shm_at_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_SHMAT);

	if (c) {
		c->id = (__s32)ctx->args[0];
		c->arg[1] = ctx->args[2];       /* shmflg */
	}
	return 0;
}

/* A shmat returned ret (the syscall's: an address, or -errno) */
static __always_inline int shm_at_report(long ret)
{
	struct sysv_call *c = sysv_exit(SC_SHMAT);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sysv_vma_info x = {};
	struct rec_shm_at *r;
	__u8 one = 1;

	if (!c)
		return 0;
	if (ret >= 0 || ret < -4095) {
		/* success: an address (which may look negative) */
		sysv_vma_lookup(&x, ret);
		bpf_map_update_elem(&sysv_shm_tgids, &tgid, &one, BPF_ANY);
	} else {
		x.id = -1;
	}
	r = RECORD_RESERVE(struct rec_shm_at, REC_SHM_AT, IPC_SHM);
	if (!r)
		return 0;
	sysv_tag(&r->tag, c);
	r->shmid = c->id;
	r->shmflg = c->arg[1];
	r->ret = ret;
	r->size = x.size;
	r->seg_id = x.id;
	__builtin_memcpy(r->name, x.name, sizeof(r->name));
	record_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmat")
int shm_at_exit(struct trace_event_raw_sys_exit *ctx)
{
	return shm_at_report(sysv_ret(ctx));
}

SEC("tracepoint/syscalls/sys_enter_shmdt")
int shm_dt_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_SHMDT);
	struct sysv_vma_info x = {};

	if (!c)
		return 0;
	sysv_vma_lookup(&x, ctx->args[0]);
	c->arg[0] = ctx->args[0];
	c->id = x.id;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmdt")
int shm_dt_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit(SC_SHMDT);
	struct rec_shm_dt *r;

	if (!c)
		return 0;
	r = RECORD_RESERVE(struct rec_shm_dt, REC_SHM_DT, IPC_SHM);
	if (!r)
		return 0;
	sysv_tag(&r->tag, c);
	r->addr = c->arg[0];
	r->seg_id = c->id;
	r->ret = ret;
	record_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmctl")
int shm_ctl_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c;

	if ((ctx->args[1] & ~SYSV_IPC_64) != SYSV_IPC_RMID)
		return 0;
	c = sysv_enter(SC_SHMCTL);
	if (c) {
		c->id = (__s32)ctx->args[0];
		c->arg[0] = SYSV_IPC_RMID;
		c->arg[1] = c->arg[2] = 0;
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmctl")
int shm_ctl_exit(struct trace_event_raw_sys_exit *ctx)
{
	sysv_ctl_exit(ctx, SC_SHMCTL, REC_SHM_CTL, IPC_SHM);
	return 0;
}

/* Lifecycle of processes with attachments that the proc records do not cover
 * (those the filter does not select). */
static __always_inline void shm_task_record(__u32 event, __u32 tgid, struct task_struct *child)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct rec_shm_task *r;

	if (current_selected(tgid))
		return;         /* REC_PROC_* carries it */
	r = RECORD_RESERVE(struct rec_shm_task, REC_SHM_TASK, IPC_SHM);
	if (!r)
		return;
	r->tag.ipc_ns = BPF_CORE_READ(cur, nsproxy, ipc_ns, ns.inum);
	r->tag.selected = 0;
	r->tag.pad[0] = r->tag.pad[1] = r->tag.pad[2] = 0;
	r->event = event;
	r->child_tgid = 0;
	__builtin_memset(r->child_comm, 0, sizeof(r->child_comm));
	if (child) {
		r->child_tgid = child->tgid;
		BPF_CORE_READ_STR_INTO(&r->child_comm, child, comm);
	}
	record_submit(r);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(shm_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid || ptgid == self_tgid || !bpf_map_lookup_elem(&sysv_shm_tgids, &ptgid))
		return 0;
	bpf_map_update_elem(&sysv_shm_tgids, &ctgid, &one, BPF_ANY);
	shm_task_record(SYSV_TASK_FORK, ptgid, child);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(shm_exec, struct task_struct *task, pid_t old_pid)
{
	__u32 tgid = task->tgid;

	if (!bpf_map_lookup_elem(&sysv_shm_tgids, &tgid))
		return 0;
	bpf_map_delete_elem(&sysv_shm_tgids, &tgid);
	shm_task_record(SYSV_TASK_EXEC, tgid, NULL);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(shm_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (!bpf_map_lookup_elem(&sysv_shm_tgids, &tgid))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;       /* not the last thread */
	bpf_map_delete_elem(&sysv_shm_tgids, &tgid);
	shm_task_record(SYSV_TASK_EXIT, tgid, NULL);
	return 0;
}

/* ------------------------------------------------------------------ sem */

SEC("tracepoint/syscalls/sys_enter_semget")
int sem_get_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_SEMGET);

	if (c) {
		c->arg[0] = ctx->args[0];       /* key */
		c->arg[2] = ctx->args[1];       /* nsems */
		c->arg[1] = ctx->args[2];       /* semflg */
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_semget")
int sem_get_exit(struct trace_event_raw_sys_exit *ctx)
{
	sysv_get_exit(ctx, SC_SEMGET, REC_SEM_GET, IPC_SEM);
	return 0;
}

static __always_inline void sem_read_ops(struct sysv_call *c, const struct sysv_sembuf *sops,
					 __u32 nsops)
{
	c->nsops = nsops;
	__builtin_memset(c->ops, 0, sizeof(c->ops));
	for (int i = 0; i < SYSV_SEM_OPS; i++) {
		if (i >= nsops)
			break;
		bpf_probe_read_user(&c->ops[i], sizeof(c->ops[i]), sops + i);
	}
}

/* Set before the first semop entry is saved: until then no task sleeps in a
 * semop we saw enter, and sem_waking is out on one load. */
__u32 sem_ops_seen = 0;

static __always_inline void sem_op_enter(struct trace_event_raw_sys_enter *ctx, bool timed)
{
	struct sysv_call *c;

	if (!sem_ops_seen)
		sem_ops_seen = 1;
	c = sysv_enter(SC_SEMOP);

	if (!c)
		return;
	c->id = (__s32)ctx->args[0];
	c->arg[0] = timed && ctx->args[3];
	sem_read_ops(c, (const void *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_semop")
int sem_op_enter_semop(struct trace_event_raw_sys_enter *ctx)
{
	sem_op_enter(ctx, false);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_semtimedop")
int sem_op_enter_timed(struct trace_event_raw_sys_enter *ctx)
{
	sem_op_enter(ctx, true);
	return 0;
}

static __always_inline void sem_op_exit(struct trace_event_raw_sys_exit *ctx, bool timed)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit_or_regs(SC_SEMOP);
	struct rec_sem_op *r;

	if (!c)
		return;
	if (!c->enter_ts) {
		/* waiting since before tracing started: who released it was not seen */
		c->id = (__s32)c->arg[0];
		sem_read_ops(c, (const void *)c->arg[1], c->arg[2]);
		c->arg[0] = timed && c->arg[3];
	}
	if (!c->selected && !c->waker_selected)
		return;
	r = RECORD_RESERVE(struct rec_sem_op, REC_SEM_OP, IPC_SEM);
	if (!r)
		return;
	sysv_tag(&r->tag, c);
	r->semid = c->id;
	r->nsops = c->nsops;
	__builtin_memcpy(r->ops, c->ops, sizeof(r->ops));
	r->timed = c->arg[0];
	r->blocked = sysv_blocked(c);
	r->enter_ts = c->enter_ts;
	r->ret = ret;
	r->via = c->via;
	r->waker_tgid = c->waker_tgid;
	r->waker_tid = c->waker_tid;
	r->waker_selected = c->waker_selected;
	r->wake_ts = c->wake_ts;
	__builtin_memcpy(r->waker_comm, c->waker_comm, sizeof(r->waker_comm));
	r->waker_nsops = c->waker_nsops;
	r->waker_cmd = c->waker_cmd;
	__builtin_memcpy(r->waker_ops, c->waker_ops, sizeof(r->waker_ops));
	record_submit(r);
}

SEC("tracepoint/syscalls/sys_exit_semop")
int sem_op_exit_semop(struct trace_event_raw_sys_exit *ctx)
{
	sem_op_exit(ctx, false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_semtimedop")
int sem_op_exit_timed(struct trace_event_raw_sys_exit *ctx)
{
	sem_op_exit(ctx, true);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_semctl")
int sem_ctl_enter(struct trace_event_raw_sys_enter *ctx)
{
	int cmd = ctx->args[2] & ~SYSV_IPC_64;
	struct sysv_call *c;

	if (cmd != SYSV_IPC_RMID && cmd != SYSV_SETVAL && cmd != SYSV_SETALL)
		return 0;
	c = sysv_enter(SC_SEMCTL);
	if (c) {
		c->id = (__s32)ctx->args[0];
		c->arg[1] = ctx->args[1];       /* semnum */
		c->arg[0] = cmd;
		c->arg[2] = (__s32)ctx->args[3]; /* SETVAL: the value */
		c->nsops = 0;
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_semctl")
int sem_ctl_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct sysv_call *c = bpf_task_storage_get(&sysv_calls, bpf_get_current_task_btf(), 0, 0);

	if (!c || c->nr != SC_SEMCTL)
		return 0;
	if (!c->selected) {
		c->nr = SC_NONE;
		return 0;
	}
	sysv_ctl_exit(ctx, SC_SEMCTL, REC_SEM_CTL, IPC_SEM);
	return 0;
}

/*
 * A semaphore operation that could not proceed sleeps in semtimedop; the
 * operation that makes it possible performs it and wakes the sleeper from the
 * releaser's own context (ipc/sem.c update_queue -> wake_up_q). So a wakeup of
 * a task sleeping in semop, done by a task in semop/semctl on the same set (or
 * by an exiting task undoing its SEM_UNDO adjustments), names the releaser
 * exactly. This runs for every wakeup on the machine: out on one load until
 * a semop was seen, then on one more for a task without any BPF task storage,
 * else after one task-storage lookup (NULL for tasks that never made a SysV call).
 */
SEC("tp_btf/sched_waking")
int BPF_PROG(sem_waking, struct task_struct *p)
{
	struct task_struct *cur;
	struct sysv_call *r, *w;
	__u64 id;
	__u32 via;

	if (!sem_ops_seen)
		return 0;
	if (bpf_core_field_exists(p->bpf_storage) && !p->bpf_storage)
		return 0;
	w = bpf_task_storage_get(&sysv_calls, p, 0, 0);
	if (!w || w->nr != SC_SEMOP)
		return 0;
	cur = bpf_get_current_task_btf();
	if (cur == p || (cur->flags & SYSV_PF_KTHREAD))
		return 0;
	r = bpf_task_storage_get(&sysv_calls, cur, 0, 0);
	if (r && (r->nr == SC_SEMOP || r->nr == SC_SEMCTL) && r->id == w->id &&
	    r->ipc_ns == w->ipc_ns)
		via = r->nr == SC_SEMOP ? SYSV_WAKE_SEMOP : SYSV_WAKE_SEMCTL;
	else if (cur->flags & SYSV_PF_EXITING)
		via = SYSV_WAKE_EXIT;
	else
		return 0;
	id = bpf_get_current_pid_tgid();
	w->via = via;
	w->waker_tgid = id >> 32;
	w->waker_tid = (__u32)id;
	w->waker_selected = current_selected(id >> 32);
	w->wake_ts = bpf_ktime_get_ns();
	bpf_get_current_comm(w->waker_comm, sizeof(w->waker_comm));
	if (via == SYSV_WAKE_EXIT || !r) {
		w->waker_nsops = 0;
		w->waker_cmd = -1;
		__builtin_memset(w->waker_ops, 0, sizeof(w->waker_ops));
	} else {
		w->waker_nsops = r->nsops;
		w->waker_cmd = via == SYSV_WAKE_SEMCTL ? (__s32)r->arg[0] : -1;
		__builtin_memcpy(w->waker_ops, r->ops, sizeof(w->waker_ops));
		if (via == SYSV_WAKE_SEMCTL) {
			/* SETVAL: report it as "semnum := value" in the first slot */
			w->waker_ops[0].num = r->arg[1];
			w->waker_ops[0].op = r->arg[2];
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ mq */

static __always_inline struct file *sysv_fd_file(int fd)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(cur, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* The queue behind an mq descriptor: its inode, name and current length. */
static __always_inline void sysv_mq_obj(struct sysv_mq_obj *q, int fd)
{
	struct file *f = sysv_fd_file(fd);
	struct inode *inode;
	struct mqueue_inode_info *info;

	q->ok = 0;
	q->ino = 0;
	q->dev = 0;
	q->curmsgs = -1;
	q->name[0] = '\0';
	if (!f)
		return;
	inode = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(inode, i_sb, s_magic) != SYSV_MQUEUE_MAGIC)
		return;
	q->ok = 1;
	q->ino = BPF_CORE_READ(inode, i_ino);
	q->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	info = (void *)inode - bpf_core_field_offset(struct mqueue_inode_info, vfs_inode);
	q->curmsgs = BPF_CORE_READ(info, attr.mq_curmsgs);
	bpf_probe_read_kernel_str(q->name, sizeof(q->name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
}

SEC("tracepoint/syscalls/sys_enter_mq_open")
int mq_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MQOPEN);

	if (c) {
		c->arg[0] = ctx->args[0];       /* name */
		c->arg[1] = ctx->args[1];       /* oflag */
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mq_open")
int mq_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit(SC_MQOPEN);
	struct rec_mq_open *r;

	if (!c || !c->selected)
		return 0;
	r = RECORD_RESERVE(struct rec_mq_open, REC_MQ_OPEN, IPC_MQ);
	if (!r)
		return 0;
	sysv_tag(&r->tag, c);
	r->oflag = c->arg[1];
	r->ret = ret;
	sysv_mq_obj(&r->q, ret);
	if (!r->q.ok) {
		/* failed: the name as asked (libc passes it without the leading '/') */
		bpf_probe_read_user_str(r->q.name, sizeof(r->q.name), (const char *)c->arg[0]);
	}
	record_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mq_unlink")
int mq_unlink_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MQUNLINK);

	if (c)
		c->arg[0] = ctx->args[0];
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mq_unlink")
int mq_unlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit(SC_MQUNLINK);
	const char *name;
	struct rec_mq_open *r;

	if (!c || !c->selected)
		return 0;
	r = RECORD_RESERVE(struct rec_mq_open, REC_MQ_UNLINK, IPC_MQ);
	if (!r)
		return 0;
	sysv_tag(&r->tag, c);
	name = (const char *)c->arg[0];
	r->oflag = 0;
	r->ret = ret;
	r->q.ok = 0;
	r->q.ino = 0;
	r->q.dev = 0;
	r->q.curmsgs = -1;
	bpf_probe_read_user_str(r->q.name, sizeof(r->q.name), name);
	record_submit(r);
	return 0;
}

/* The message an mq_timedsend sends (before: as in msg_snd_record). */
static __always_inline void mq_snd_record(struct sysv_call *c, int mqdes, const void *ptr,
					  __u64 len, __u32 prio, bool before)
{
	struct rec_mq_snd *r = RECORD_RESERVE(struct rec_mq_snd, REC_MQ_SND, IPC_MQ);

	if (!r)
		return;
	if (before)
		r->hdr.ts_ns = 0;
	sysv_tag(&r->tag, c);
	r->mqdes = mqdes;
	r->len = len;
	r->prio = prio;
	sysv_mq_obj(&r->q, mqdes);
	c->id = r->q.ino;
	c->arg[0] = r->q.dev;
	sysv_fingerprint(&r->fp, ptr, len);
	record_submit(r);
}

SEC("tracepoint/syscalls/sys_enter_mq_timedsend")
int mq_snd_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MQSND);

	if (!c)
		return 0;
	c->id = 0;
	c->arg[0] = 0;
	mq_snd_record(c, ctx->args[0], (const void *)ctx->args[1], ctx->args[2], ctx->args[3], false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mq_timedsend")
int mq_snd_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct sysv_call *c = sysv_exit_or_regs(SC_MQSND);

	if (c && !c->enter_ts) {
		/* a sender blocked on a full queue since before tracing started */
		if (sysv_ret(ctx) < 0)
			return 0;
		mq_snd_record(c, c->arg[0], (const void *)c->arg[1], c->arg[2], c->arg[3], true);
	}
	if (c) {
		c->nr = SC_MQSND;
		sysv_done(ctx, SC_MQSND, REC_MQ_SND_DONE, IPC_MQ);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mq_timedreceive")
int mq_rcv_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sysv_call *c = sysv_enter(SC_MQRCV);

	if (c) {
		c->arg[0] = ctx->args[0];       /* mqdes */
		c->arg[1] = ctx->args[1];       /* msg_ptr */
		c->arg[2] = ctx->args[2];       /* msg_len */
		c->arg[3] = ctx->args[3];       /* msg_prio */
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mq_timedreceive")
int mq_rcv_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = sysv_ret(ctx);
	struct sysv_call *c = sysv_exit_or_regs(SC_MQRCV);
	const void *buf;
	struct rec_mq_rcv *r;

	if (!c)
		return 0;
	r = SYSV_RESERVE_RCV(struct rec_mq_rcv, REC_MQ_RCV, IPC_MQ);
	if (!r)
		return 0;
	buf = (const void *)c->arg[1];
	sysv_tag(&r->tag, c);
	r->mqdes = c->arg[0];
	r->len = c->arg[2];
	r->ret = ret;
	r->blocked = sysv_blocked(c);
	r->enter_ts = c->enter_ts;
	r->prio = 0;
	r->prio_ok = 0;
	r->fp.ok = 0;
	r->fp.len = 0;
	r->fp.hash = 0;
	r->data_len = 0;
	r->pad = 0;
	sysv_mq_obj(&r->q, r->mqdes);
	if (ret >= 0) {
		if (c->arg[3])
			r->prio_ok = bpf_probe_read_user(&r->prio, sizeof(r->prio),
							 (const void *)c->arg[3]) == 0;
		sysv_fingerprint(&r->fp, buf, ret);
		r->data_len = sysv_capture(r->data, buf, ret);
	}
	record_submit(r);
	return 0;
}
