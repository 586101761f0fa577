/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records: the facts the kernel side sees, shared by bpf/ and user/.
 * Fixed-width types only; every record starts with struct rec_header.
 */
#ifndef IPCSNOOP_H
#define IPCSNOOP_H

#define IPCSNOOP_COMM_LEN 16
#define IPCSNOOP_PATH_LEN 108    /* like sun_path; FIFO and socket names */
#define IPCSNOOP_DATA_MAX 256    /* payload capture cap (-x N) */

/* IPC kinds, as chosen with -t; bit i of a kinds mask is kind i. */
enum ipc_kind {
	IPC_SIGNAL = 0,
	IPC_PIPE,
	IPC_MSG,
	IPC_SHM,
	IPC_SEM,
	IPC_MQ,
	IPC_UNIX,
	IPC_PROC,       /* process lifecycle: not an IPC kind, always on */
	IPC_KIND_COUNT,
};

enum rec_type {
	REC_NONE = 0,
	/* process lifecycle (names, follow mode, end of lifetimes) */
	REC_PROC_FORK = 1,
	REC_PROC_EXEC = 2,
	REC_PROC_EXIT = 3,
	/* signals */
	REC_SIGNAL_GENERATE = 10,
	REC_SIGNAL_DELIVER = 11,
	REC_SIGNAL_FIRST = 10, REC_SIGNAL_LAST = 19,
	/* pipes and FIFOs */
	REC_PIPE_FIRST = 20, REC_PIPE_LAST = 39,

	/* unix sockets */
	REC_UNIX_FIRST = 40, REC_UNIX_LAST = 59,

	/* SysV message queues, shared memory, semaphores; POSIX message queues */
	REC_SYSV_FIRST = 60, REC_SYSV_LAST = 99,

	REC_TYPE_MAX = 128,
};

struct rec_header {
	__u16 type;       /* enum rec_type */
	__u16 size;       /* whole record in bytes, header included */
	__u32 cpu;
	__u64 ts_ns;      /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 tgid;       /* current process (host pid namespace) */
	__u32 tid;
	char comm[IPCSNOOP_COMM_LEN];
	__u32 ns_tgid;    /* the process's pid in its own pid namespace */
	__u32 pad;
	__u64 cgroup_id;  /* cgroup v2 id (inode of its directory) */
	__u64 start_ns;   /* the process's start time (CLOCK_MONOTONIC): (tgid, start_ns)
	                   * names one process even when its pid is reused */
};

struct rec_proc_fork {
	struct rec_header hdr;      /* the parent */
	__u32 child_tgid;
	__u32 child_tid;
	char child_comm[IPCSNOOP_COMM_LEN];
	__u64 child_start_ns;
};

struct rec_proc_exec {
	struct rec_header hdr;      /* comm is the new one */
	__u32 old_tid;              /* exec by a non-leader thread takes over the leader's pid */
	__u32 pad;
};

struct rec_proc_exit {
	struct rec_header hdr;
	__u32 group_dead;           /* 1 when the last thread of the process exits */
	__s32 exit_code;
};

/* signal_generate: current is the sender's context, target is named here. */
struct rec_signal_generate {
	struct rec_header hdr;
	__s32 signo;
	__s32 si_code;              /* SI_USER, SI_KERNEL, SI_QUEUE, SI_TKILL, CLD_*... */
	__s32 result;               /* TRACE_SIGNAL_DELIVERED, _IGNORED, ... */
	__s32 group;                /* sent to the whole thread group */
	__s64 syscall_nr;           /* syscall the sender context is in, -1 if none */
	__u32 sender_is_kthread;
	__u32 target_tgid;
	__u32 target_tid;
	__u32 target_ns_tgid;
	char target_comm[IPCSNOOP_COMM_LEN];
	__u64 target_cgroup_id;
	__u64 target_start_ns;
};

/* signal_deliver: current is the receiver, about to act on the signal. */
struct rec_signal_deliver {
	struct rec_header hdr;
	__s32 signo;
	__s32 si_code;
	__u64 handler;              /* 0 = SIG_DFL, 1 = SIG_IGN, else a handler */
	__u64 sa_flags;
};

/* -s: signals aggregated in the kernel (map sig_agg), read by user space at summary time */
struct sig_agg_key {
	__u32 src_tgid;
	__u32 dst_tgid;
	__s32 signo;
	__s32 si_code;
	__s64 syscall_nr;
	__u32 sender_is_kthread;
	__s32 result;
	__s32 group;
	__u32 pad;
	__u64 src_start_ns;         /* a pid reused during the run is another key */
	__u64 dst_start_ns;
};

struct sig_agg_val {
	__u64 count;
	__u64 first_ns;
	__u64 last_ns;
	__u32 src_tid;
	__u32 dst_tid;
	char src_comm[IPCSNOOP_COMM_LEN];
	char dst_comm[IPCSNOOP_COMM_LEN];
};

#define SIG_AGG_MAX 16384

/* ---- pipes and FIFOs: records of types REC_PIPE_FIRST..REC_PIPE_LAST ---- */




/* ---- unix sockets: records of types REC_UNIX_FIRST..REC_UNIX_LAST ---- */




/* ---- SysV and POSIX IPC: records of types REC_SYSV_FIRST..REC_SYSV_LAST ---- */




#define IPCSNOOP_MAX_TRACED 65536

#endif /* IPCSNOOP_H */
