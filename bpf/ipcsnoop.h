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
	REC_PIPE_SEEN = 20,
	REC_PIPE_WRITE_BEGIN = 21,
	REC_PIPE_WRITE_END = 22,
	REC_PIPE_READ = 23,
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
};

struct rec_proc_fork {
	struct rec_header hdr;      /* the parent */
	__u32 child_tgid;
	__u32 child_tid;
	char child_comm[IPCSNOOP_COMM_LEN];
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
	__u32 pad;
	char target_comm[IPCSNOOP_COMM_LEN];
};

/* signal_deliver: current is the receiver, about to act on the signal. */
struct rec_signal_deliver {
	struct rec_header hdr;
	__s32 signo;
	__s32 si_code;
	__u64 handler;              /* 0 = SIG_DFL, 1 = SIG_IGN, else a handler */
	__u64 sa_flags;
};

/* ---- pipes and FIFOs: records of types REC_PIPE_FIRST..REC_PIPE_LAST ---- */
#define IPCSNOOP_FIFO_PATH_LEN 256     /* a named FIFO's path, NUL-terminated */
#define IPCSNOOP_PIPE_BUF 4096         /* PIPE_BUF: atomic writes, packet size (O_DIRECT) */

/* The syscall that moved the bytes */
enum pipe_op {
	PIPE_OP_NONE = 0,
	PIPE_OP_READ, PIPE_OP_READV, PIPE_OP_PREADV2,
	PIPE_OP_WRITE, PIPE_OP_WRITEV, PIPE_OP_PWRITEV2,
	PIPE_OP_SPLICE, PIPE_OP_TEE, PIPE_OP_VMSPLICE, PIPE_OP_SENDFILE,
	PIPE_OP_COUNT,
};

/* A pipe: its inode (the N of pipe:[N]) on its filesystem (pipefs for anonymous pipes). */
struct pipe_id {
	__u64 ino;
	__u32 dev;                  /* kernel dev_t: major << 20 | minor */
	__u32 pad;
};

/* flags of rec_pipe_seen */
#define PIPE_SEEN_NAMED     0x1    /* a named FIFO (path is set), else an anonymous pipe */
#define PIPE_SEEN_OCC_PART  0x2    /* more buffers than counted: occupancy is a lower bound */
#define PIPE_SEEN_PATH_TRUNC 0x4   /* path too deep or too long: truncated */

/* First record of interest about a pipe: what it holds already, and its path. */
struct rec_pipe_seen {
	struct rec_header hdr;
	struct pipe_id id;
	__u64 occupancy;            /* bytes in the pipe before this op: written before we saw it */
	__u32 flags;
	__u32 path_len;
	char path[IPCSNOOP_FIFO_PATH_LEN];
};

/* flags of the write records */
#define PIPE_W_PACKET       0x1    /* writer has O_DIRECT: each PIPE_BUF chunk is a packet */
#define PIPE_W_BEGIN_LOST   0x2    /* (end) the begin record could not be sent */
#define PIPE_W_COUNT_PART   0x4    /* (begin) more iovecs than counted: count is a lower bound */
#define PIPE_W_NAMED        0x8    /* a named FIFO */
#define PIPE_W_SELF         0x10   /* ipcsnoop's own write: booked in the FIFO, never an edge */

/* At write entry (before any byte enters the pipe): what ordering needs. */
struct rec_pipe_write_begin {
	struct rec_header hdr;
	struct pipe_id id;
	__u64 count;                /* bytes asked for */
	__s32 fd;
	__u16 op;                   /* enum pipe_op */
	__u16 flags;
	__u32 data_len;             /* payload bytes that follow (data variant only) */
	__u32 data_cap;             /* -x N */
	__u32 lost;                 /* pipe records lost so far (see pipe_lost) */
	__u32 pad;
};

/* The same, followed by the first data_len bytes written (when -x is given). */
struct rec_pipe_write_begin_data {
	struct rec_pipe_write_begin b;
	__u8 data[IPCSNOOP_DATA_MAX];
};

/* At write exit: how many bytes went in. */
struct rec_pipe_write_end {
	struct rec_header hdr;
	struct pipe_id id;
	__s64 ret;                  /* bytes written, or -errno */
	__u64 enter_ts;             /* when the syscall began */
	__u64 count;                /* bytes asked for */
	__s32 fd;
	__u16 op;
	__u16 flags;
	__u32 lost;
	__u32 pad;
};

/* flags of rec_pipe_read */
#define PIPE_R_NAMED        0x1    /* a named FIFO */
#define PIPE_R_EMPTY        0x2    /* the pipe was empty once this record was reserved */

/* At read exit: bytes taken out of the pipe (only ret > 0 is sent). */
struct rec_pipe_read {
	struct rec_header hdr;
	struct pipe_id id;
	__s64 ret;
	__s32 fd;
	__u16 op;
	__u16 flags;
	__u32 lost;
	__u32 pad;
};

/* ---- unix sockets: records of types REC_UNIX_FIRST..REC_UNIX_LAST ---- */




/* ---- SysV and POSIX IPC: records of types REC_SYSV_FIRST..REC_SYSV_LAST ---- */




#define IPCSNOOP_MAX_TRACED 65536

#endif /* IPCSNOOP_H */
