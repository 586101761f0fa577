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
	REC_PIPE_HANDOVER = 24,    /* -s: a pipe counted in the kernel goes back to streaming */
	REC_PIPE_FIRST = 20, REC_PIPE_LAST = 39,

	/* unix sockets */
	REC_UNIX_COPY = 40,     /* receiver copied bytes out of one skb */
	REC_UNIX_RECV = 41,     /* that receive returned: the receiving socket */
	REC_UNIX_ACCEPT = 42,   /* accept() returned a connection from a client */
	REC_UNIX_LATE = 43,     /* a sender tags an skb its receiver already copied */
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

/*
 * -s: a pipe whose bytes all came from one writer is counted in the kernel
 * (bpf/pipe_agg.bpf.h, map pipe_agg) instead of streamed. When anything else
 * happens to it (another writer, splice, packet mode...) it streams from then
 * on, and this record first hands over the bytes the kernel still holds for
 * its writer, so the byte FIFO of user space starts from the pipe's content.
 */
struct rec_pipe_handover {
	struct rec_header hdr;      /* the process whose op switched the pipe */
	struct pipe_id id;
	__u64 done;                 /* bytes of finished writes still in the pipe */
	__u64 run_ts;               /* entry of the first write whose bytes these are */
	__u32 owner_tgid, owner_tid;
	char owner_comm[IPCSNOOP_COMM_LEN];
	__u64 owner_start_ns;
	__u32 owner_ns_tgid;
	__u32 inflight;             /* 1: the writer is inside a write (its END follows) */
	__u64 owner_cgroup_id;
	__u64 enter_ts;             /* inflight: the write's entry */
	__u64 count;                /* inflight: bytes asked for (1 << 62: not known) */
	__u64 taken;                /* inflight: bytes of it already read */
	__u16 op;                   /* inflight: enum pipe_op */
	__u16 pad[3];
};

/* -s: reads of a one-writer pipe, counted per (writer, reader, pipe) */
struct pipe_agg_key {
	struct pipe_id id;
	__u32 src_tgid, dst_tgid;
	__u64 src_start_ns;         /* a pid reused during the run is another key */
	__u64 dst_start_ns;
};

struct pipe_agg_val {
	__u64 count;                /* reads: one edge each when streamed */
	__u64 bytes;
	__u64 first_ns, last_ns;    /* the first and the latest read's return */
	__u32 src_tid, dst_tid;     /* of the latest read */
	char src_comm[IPCSNOOP_COMM_LEN];
	char dst_comm[IPCSNOOP_COMM_LEN];
	__u32 src_ns_tgid, dst_ns_tgid;
	__u64 src_cgroup_id, dst_cgroup_id;
	__u16 wop, rop;             /* of the latest read and its writer's latest write */
	__u32 pad;
};

#define PIPE_AGG_MAX 8192

/*
 * Per pipe counted in the kernel (map pipe_agg_state). ctl is one word that
 * every op changes atomically: whether the pipe streams now, which thread is
 * inside a write into it, and its writer's bytes still in the pipe.
 */
#define PIPE_AGG_STREAM     (1ull << 63)   /* streams from now on */
#define PIPE_AGG_INFO       (1ull << 62)   /* the write in flight filled in enter_ts/count/op */
#define PIPE_AGG_TID_SHIFT  40             /* thread inside a write: bits 40..61 (0: none) */
#define PIPE_AGG_TID_MASK   ((1ull << 22) - 1)
#define PIPE_AGG_BIAS       (1ull << 39)   /* bits 0..39: bytes written - bytes read + BIAS */
#define PIPE_AGG_PEND_MASK  ((1ull << 40) - 1)

struct pipe_agg_state {
	__u64 ctl;
	__u64 run_ts;               /* entry of the first write of the owner's bytes */
	__u32 owner_tgid, owner_tid;
	char owner_comm[IPCSNOOP_COMM_LEN];
	__u64 owner_start_ns;
	__u32 owner_ns_tgid;
	__u16 op;                   /* the write in flight */
	__u16 pad;
	__u64 owner_cgroup_id;
	__u64 enter_ts, count;      /* the write in flight */
};
#define PIPE_AGG_PIPES 16384

/* ---- unix sockets: records of types REC_UNIX_FIRST..REC_UNIX_LAST ---- */
#define UNIX_FD_SCAN 32         /* SCM_RIGHTS files classified per skb; the rest count as unknown */

/* How the copy record knows its sender (enum unix_sender). */
#define UNIX_SENDER_UNKNOWN 0   /* no tag (sent before tracing, or a race) and no credentials */
#define UNIX_SENDER_TAG     1   /* tagged in the sender's context when it queued the skb: exact */
#define UNIX_SENDER_CREDS   2   /* UNIXCB(skb).pid: SO_PASSCRED / SCM_CREDENTIALS */

/* Kinds of the files passed with SCM_RIGHTS (index of rec_unix_copy.fd_kinds). */
enum unix_fd_kind {
	UNIX_FDK_PIPE = 0, UNIX_FDK_SOCKET, UNIX_FDK_FILE, UNIX_FDK_DIR, UNIX_FDK_CHR,
	UNIX_FDK_BLK, UNIX_FDK_LINK, UNIX_FDK_ANON, UNIX_FDK_UNKNOWN, UNIX_FDK_COUNT,
};

/* unix_sock_info.flags */
#define UNIX_SOCK_ACCEPTED  1   /* the server end of a connection (has a listener) */
#define UNIX_SOCK_LISTENING 2

/* A unix socket as the kernel holds it. */
struct unix_sock_info {
	__u64 sk;                   /* kernel address: identity while it lives */
	__u64 peer;                 /* unix_peer(sk), 0 if none */
	__u64 inode;                /* the socket:[INODE] of /proc/PID/fd; 0 once closed */
	__u16 type;                 /* SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5 */
	__u8 state;
	__u8 flags;                 /* UNIX_SOCK_* */
	__u16 addr_len;             /* bytes of addr (sun_path); 0: unnamed */
	__u16 pad;
	char addr[IPCSNOOP_PATH_LEN]; /* raw: abstract names start with NUL */
};

/* In the receiver, once per skb a receive copies from. */
struct rec_unix_copy {
	struct rec_header hdr;      /* the receiver */
	__u64 skb;
	__u32 len;                  /* bytes copied from this skb */
	__u32 skb_len;
	__u32 offset;               /* where the copy starts in the skb */
	__u32 sender_how;           /* UNIX_SENDER_* */
	__u32 sender_tgid;          /* TAG: the process that queued the skb; CREDS: the pid */
	__u32 sender_tid;
	char sender_comm[IPCSNOOP_COMM_LEN];
	__u16 waiting;              /* UNKNOWN, copied before its sender tagged it: a late record may follow */
	__u16 has_creds;            /* UNIXCB(skb).pid was set: */
	__u32 cred_pid, cred_uid, cred_gid;
	__u32 nfds;                 /* SCM_RIGHTS files attached to this skb */
	__u16 fd_kinds[UNIX_FDK_COUNT + 1]; /* per enum unix_fd_kind; last is padding */
	__u32 data_len;             /* payload bytes that follow the record (-x) */
	__u32 data_max;             /* the -x cap in force */
	struct unix_sock_info sender; /* skb->sk: the sending socket */
	/* record size: sizeof(struct rec_unix_copy), + IPCSNOOP_DATA_MAX with -x */
};

/* sock_recv_length in the receiver, after its copies: which socket received. */
struct rec_unix_recv {
	struct rec_header hdr;
	__s32 ret;
	__s32 flags;                /* MSG_PEEK... */
	struct unix_sock_info sock;
};

/* In the sender: the skb it just queued had been copied (untagged) by its receiver. */
struct rec_unix_late {
	struct rec_header hdr;      /* the sender */
	__u64 skb;
	__u32 rx_tid;               /* the receiving thread that copied it */
	__u32 len;                  /* skb->len */
};

/* accept() returned a unix socket: the client is its peer's connecting process. */
struct rec_unix_accept {
	struct rec_header hdr;      /* the acceptor */
	__u32 client_tgid;          /* SO_PEERCRED pid: who called connect(); 0 unknown */
	__u32 pad;
	char client_comm[IPCSNOOP_COMM_LEN];
	struct unix_sock_info server; /* the accepted socket, named like its listener */
	struct unix_sock_info client; /* the connecting socket */
};

/*
 * -s: receives paired by their sender's tag are counted in the kernel (map
 * unix_agg) instead of streamed. The key holds every fact the edge's object
 * name depends on (unix_name.c), so user space names a row exactly like the
 * edges it stands for; the address bytes (fixed once bound) are in the value.
 */
struct unix_agg_sock {
	__u64 sk;
	__u64 peer;
	__u64 inode;                /* 0 once closed */
	__u16 type;
	__u8 flags;                 /* UNIX_SOCK_* */
	__u8 pad;
	__u16 addr_len;
	__u16 pad2;
};

struct unix_agg_key {
	__u32 src_tgid;             /* the process that queued the data (its tag) */
	__u32 dst_tgid;             /* the receiver */
	__u64 src_start_ns;         /* a pid reused during the run is another key */
	__u64 dst_start_ns;
	struct unix_agg_sock src;   /* skb->sk: the sending socket */
	struct unix_agg_sock dst;   /* the receiving socket */
};

struct unix_agg_val {
	__u64 count;                /* receives: one edge each when streamed */
	__u64 bytes;
	__u64 messages;             /* skbs they copied from */
	__u64 first_ns, last_ns;    /* first copy of the first and of the latest receive */
	__u32 src_tid, dst_tid;     /* of the latest receive */
	char src_comm[IPCSNOOP_COMM_LEN];
	char dst_comm[IPCSNOOP_COMM_LEN];
	__u32 dst_ns_tgid;          /* the receiver's pid in its pid namespace */
	__u32 pad;
	__u64 dst_cgroup_id;
	char src_addr[IPCSNOOP_PATH_LEN];
	char dst_addr[IPCSNOOP_PATH_LEN];
};

#define UNIX_AGG_MAX 8192

/* ---- SysV and POSIX IPC: records of types REC_SYSV_FIRST..REC_SYSV_LAST ---- */

/*
 * -s: SysV message queues counted in the kernel (bpf/msg_agg.bpf.h). A queue
 * created while traced gets a state: per message type (up to MSG_AGG_TYPES),
 * the one thread sending that type and, in one atomic word (ctl), its
 * messages not received yet. While every type has one sender, the message a
 * receive got is known from its type alone (msgrcv takes messages of one type
 * in the order they were sent, whatever msgtyp asks), so the receive is
 * counted in map msg_agg per (sender, receiver, queue), no record sent.
 */
#define MSG_AGG_TYPES 4               /* a power of two */
#define MSG_AGG_QUEUES 1024
#define MSG_AGG_MAX 8192

#define MSG_AGG_STREAM     (1ull << 63)   /* the queue streams from now on */
#define MSG_AGG_INFO       (1ull << 62)   /* the owner_* fields are filled in */
#define MSG_AGG_SENDING    (1ull << 61)   /* the owner is inside a send of this type */
#define MSG_AGG_TID_SHIFT  32             /* owner thread: bits 32..60 */
#define MSG_AGG_TID_MASK   ((1ull << 29) - 1)
#define MSG_AGG_PEND_MASK  0xffffffffull  /* messages sent (from entry) not received yet */

struct msg_agg_slot {
	__s64 mtype;                /* 0: free (a message's type is >= 1) */
	__u64 ctl;
	__u32 owner_tgid, owner_tid;
	char owner_comm[IPCSNOOP_COMM_LEN];
	__u64 owner_start_ns;
	__u32 owner_ns_tgid;
	__u32 owner_selected;
	__u64 owner_cgroup_id;
};

struct msg_agg_state {          /* map msg_agg_state, key struct sysv_queue_key */
	__u64 gen;                  /* when the queue was created: ids are reused */
	__u32 stream;               /* 1 once the queue streams (the slots say it too) */
	__s32 key;                  /* msgget's key */
	struct msg_agg_slot slot[MSG_AGG_TYPES];
};

struct msg_agg_key {
	__u32 ns;                   /* ipc namespace */
	__s32 id;
	__s32 qkey;                 /* the queue's key: the edge's object name */
	__u32 src_tgid;
	__u64 src_start_ns;         /* a pid reused during the run is another key */
	__u32 dst_tgid;
	__u32 pad;
	__u64 dst_start_ns;
};

struct msg_agg_val {
	__u64 count;                /* messages received: one edge each when streamed */
	__u64 bytes;
	__u64 first_ns, last_ns;    /* the first and the latest receive's return */
	__u32 src_tid, dst_tid;     /* of the latest receive */
	char src_comm[IPCSNOOP_COMM_LEN];
	char dst_comm[IPCSNOOP_COMM_LEN];
	__u32 src_ns_tgid, dst_ns_tgid;
	__u64 src_cgroup_id, dst_cgroup_id;
};

/*
 * The queue goes back to streaming (another sender of a type whose messages
 * are still there, a fifth type, MSG_COPY, msg_agg full...): the messages the
 * kernel still counts, per type, so the user-space model of the queue starts
 * from what the queue holds. ctl: each slot's word as it was frozen.
 */
struct rec_msg_handover {
	struct rec_header hdr;      /* the process whose op switched the queue */
	__u32 ns;
	__s32 id;
	struct msg_agg_slot slot[MSG_AGG_TYPES];
};

/* Key of the map sysv_queue_interest: queues a selected process used (-p seeds it). */
struct sysv_queue_key {
	__u64 id;                       /* msg: msqid */
	__u32 ns;                       /* msg: ipc namespace inode */
	__u32 kind;                     /* enum ipc_kind */
};
/*
 * Every record of this block starts with struct sysv_tag after the header.
 * Messages are identified by a fingerprint (FNV-1a 64 of their first
 * SYSV_FP_LEN bytes): user space pairs a receive with the send whose type,
 * size and fingerprint it saw, so racing senders are told apart by content.
 */
enum sysv_rec_type {
	REC_MSG_GET = 60,          /* msgget returned */
	REC_MSG_SND = 61,          /* msgsnd entered: the message, read from user memory */
	REC_MSG_SND_DONE = 62,     /* msgsnd returned */
	REC_MSG_RCV = 63,          /* msgrcv returned: what was received */
	REC_MSG_CTL = 64,          /* msgctl(IPC_RMID) returned */
	REC_MSG_HANDOVER = 65,     /* -s: a queue counted in the kernel goes back to streaming */
	REC_SHM_GET = 70,
	REC_SHM_AT = 71,           /* shmat returned: the segment mapped at addr */
	REC_SHM_DT = 72,           /* shmdt returned: the segment that was at addr */
	REC_SHM_CTL = 73,          /* shmctl(IPC_RMID) returned */
	REC_SHM_TASK = 74,         /* fork/exec/exit of a process with attachments outside the filter */
	REC_SEM_GET = 80,
	REC_SEM_OP = 81,           /* semop/semtimedop returned (with who woke it, if someone did) */
	REC_SEM_CTL = 82,          /* semctl SETVAL/SETALL/IPC_RMID returned */
	REC_MQ_OPEN = 90,
	REC_MQ_SND = 91,           /* mq_timedsend entered */
	REC_MQ_SND_DONE = 92,      /* mq_timedsend returned */
	REC_MQ_RCV = 93,           /* mq_timedreceive returned */
	REC_MQ_UNLINK = 94,
};

#define SYSV_FP_LEN 64             /* bytes of a message its fingerprint covers */
#define SYSV_SEM_OPS 4             /* sembufs copied per semop */
#define SYSV_NAME_LEN 96           /* POSIX mq names (without the leading '/') */
#define SYSV_FP_SEED 14695981039346656037ULL
#define SYSV_FP_PRIME 1099511628211ULL

struct sysv_tag {
	__u32 ipc_ns;              /* inode number of the caller's ipc namespace */
	__u8 selected;             /* the filter selects the caller */
	__u8 pad[3];
};

struct sysv_fp {
	__u64 hash;
	__u32 len;                 /* bytes hashed: min(size, SYSV_FP_LEN) */
	__u32 ok;                  /* 0: the bytes could not be read */
};

struct rec_sysv_get {              /* REC_MSG_GET, REC_SHM_GET, REC_SEM_GET */
	struct rec_header hdr;
	struct sysv_tag tag;
	__s64 key;
	__u64 size;                /* shm: size; sem: nsems; msg: 0 */
	__s32 flags;
	__s32 ret;                 /* the id, or -errno */
};

struct rec_sysv_ctl {              /* REC_MSG_CTL, REC_SHM_CTL, REC_SEM_CTL */
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 id;
	__s32 cmd;                 /* without IPC_64 */
	__s32 semnum;              /* sem: SETVAL's semaphore */
	__s32 ret;
	__s64 val;                 /* sem: SETVAL's value */
};

struct rec_msg_snd {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 msqid;
	__s32 msgflg;
	__u64 msgsz;
	__s64 mtype;
	__u32 mtype_ok;
	__u32 pad;
	struct sysv_fp fp;
};

struct rec_sysv_done {             /* REC_MSG_SND_DONE, REC_MQ_SND_DONE */
	struct rec_header hdr;
	struct sysv_tag tag;
	__u64 enter_ts;            /* 0: msg, a send whose message came in flight in a
	                            * REC_MSG_HANDOVER (its entry time is not known) */
	__s64 ret;
	__u64 id;                  /* msg: msqid; mq: the queue's inode */
	__u32 dev;                 /* mq: the queue's device */
	__u32 pad;
};

struct rec_msg_rcv {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 msqid;
	__s32 msgflg;
	__u64 msgsz;               /* the receiver's buffer size */
	__s64 msgtyp;
	__s64 ret;                 /* bytes received, or -errno */
	__s64 mtype;               /* read back from the receiver's buffer */
	__u32 mtype_ok;
	__u32 blocked;             /* the receiver slept in the call */
	__u64 enter_ts;
	struct sysv_fp fp;
	__u32 data_len;
	__u32 pad;
	__u8 data[IPCSNOOP_DATA_MAX];   /* only with -x: the record ends before it otherwise */
};

struct rec_shm_at {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 shmid;               /* as asked */
	__s32 shmflg;
	__s64 ret;                 /* address, or -errno */
	__u64 size;                /* of the mapped segment */
	__s64 seg_id;              /* the id the mapping belongs to, -1 unknown */
	char name[16];             /* "SYSV%08x": the key */
};

struct rec_shm_dt {
	struct rec_header hdr;
	struct sysv_tag tag;
	__u64 addr;
	__s64 seg_id;              /* the segment mapped at addr before the call, -1 none */
	__s64 ret;
};

enum sysv_task_event { SYSV_TASK_FORK = 1, SYSV_TASK_EXEC = 2, SYSV_TASK_EXIT = 3 };

struct rec_shm_task {
	struct rec_header hdr;
	struct sysv_tag tag;
	__u32 event;               /* enum sysv_task_event */
	__u32 child_tgid;          /* fork */
	char child_comm[IPCSNOOP_COMM_LEN];
};

struct sysv_sembuf {
	__u16 num;
	__s16 op;
	__s16 flg;
};

enum sysv_wake_via { SYSV_WAKE_NONE = 0, SYSV_WAKE_SEMOP = 1, SYSV_WAKE_SEMCTL = 2, SYSV_WAKE_EXIT = 3 };

struct rec_sem_op {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 semid;
	__u32 nsops;
	struct sysv_sembuf ops[SYSV_SEM_OPS];
	__u32 timed;               /* semtimedop with a timeout */
	__u32 blocked;             /* slept in the call */
	__u64 enter_ts;
	__s64 ret;
	/* who made the operation possible: set in the waker's context */
	__u32 via;                 /* enum sysv_wake_via */
	__u32 waker_tgid;
	__u32 waker_tid;
	__u32 waker_selected;
	__u64 wake_ts;
	char waker_comm[IPCSNOOP_COMM_LEN];
	__u32 waker_nsops;
	__s32 waker_cmd;           /* semctl: SETVAL/SETALL */
	struct sysv_sembuf waker_ops[SYSV_SEM_OPS];
};

struct sysv_mq_obj {
	__u64 ino;                 /* the queue's inode in its mqueue mount */
	__u32 dev;
	__u32 ok;                  /* 0: the descriptor is not a message queue */
	__s64 curmsgs;             /* messages in the queue when the hook ran */
	char name[SYSV_NAME_LEN];
};

struct rec_mq_open {               /* REC_MQ_OPEN, REC_MQ_UNLINK */
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 oflag;
	__s32 ret;
	struct sysv_mq_obj q;      /* unlink: only name */
};

struct rec_mq_snd {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 mqdes;
	__u32 prio;
	__u64 len;
	struct sysv_mq_obj q;
	struct sysv_fp fp;
};

struct rec_mq_rcv {
	struct rec_header hdr;
	struct sysv_tag tag;
	__s32 mqdes;
	__u32 prio;
	__u32 prio_ok;
	__u32 blocked;
	__u64 len;                 /* the receiver's buffer size */
	__s64 ret;
	__u64 enter_ts;
	struct sysv_mq_obj q;
	struct sysv_fp fp;
	__u32 data_len;
	__u32 pad;
	__u8 data[IPCSNOOP_DATA_MAX];   /* only with -x, as in rec_msg_rcv */
};




#define IPCSNOOP_MAX_TRACED 65536
#define IPCSNOOP_TRACED_SLOTS 8192     /* traced_slots: power of two */

#endif /* IPCSNOOP_H */
