/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unix domain sockets. The kernel side pairs every receive with its sender
 * (see bpf/unix.bpf.h); this model groups the copies of one receive by
 * sender, names the socket and says which end is the server.
 */
#ifndef IPCSNOOP_UNIX_MODEL_H
#define IPCSNOOP_UNIX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "correlator.h"

#define UNIX_PENDING_MAX 256    /* receives in progress (one per thread) */
#define UNIX_GROUPS_MAX 8       /* senders one receive can hold */
#define UNIX_WAIT_MAX 64        /* received groups waiting for their sender's late record */
#define UNIX_KNOWN_MAX 1024     /* sockets whose inode is remembered after close */

struct unix_group {                 /* what one receive took from one sender */
	__u32 how, tgid, tid;
	bool late;                      /* TAG from the sender's late record */
	__u64 waiting_skb;              /* UNKNOWN copied before it was tagged: its skb */
	char comm[IPCSNOOP_COMM_LEN];
	struct unix_sock_info sender;
	__u64 ts, bytes;
	__u32 messages, nfds;
	__u32 fd_kinds[UNIX_FDK_COUNT];
	bool has_creds;
	__u32 cred_pid, cred_uid, cred_gid;
	bool has_data, data_gap;        /* -x: payload; a gap ends it */
	unsigned data_len, data_max;
	unsigned char data[IPCSNOOP_DATA_MAX];
	/* -s, counted in the kernel: receives it stands for (0: one), the latest one's
	 * first copy, and the sender's start time (0: from the process cache) */
	__u64 count, last_ns, start_ns;
};

struct unix_rx {                     /* the receiving thread */
	__u32 tgid, tid;
	char comm[IPCSNOOP_COMM_LEN];
	__u64 start_ns;                     /* its process's start time, 0: from the process cache */
};

enum unix_server { UNIX_SERVER_UNKNOWN = 0, UNIX_SERVER_SRC, UNIX_SERVER_DST };

/* unix_name.c: names, all pure functions */
const char *unix_type_name(unsigned type);
const char *unix_server_name(enum unix_server s);   /* "src", "dst", NULL */
/* The address as users write it: a path, or "@name" for an abstract one
 * (raw bytes, may hold NUL). Returns its length; 0 when the socket is unnamed. */
size_t unix_addr_name(const struct unix_sock_info *s, char *buf, size_t cap);
/* Which end is the server (listening, accepted, or the only bound one); dst may be NULL. */
enum unix_server unix_server_end(const struct unix_sock_info *src, const struct unix_sock_info *dst);
/* The edge's object: the server's or receiver's address, else
 * socketpair:[INODE] / socket:[INODE]. Returns its length (bytes, may hold NUL). */
size_t unix_object_name(const struct unix_sock_info *src, const struct unix_sock_info *dst,
			enum unix_server server, char *buf, size_t cap);
/* "pipe:1,socket:2" from per-kind counts (enum unix_fd_kind) */
void unix_fd_kinds_str(const __u32 kinds[UNIX_FDK_COUNT], char *buf, size_t cap);

/* unix_edge.c: print a receive's bytes from one sender, or a connection */
void unix_emit_group(struct correlator *c, const struct unix_rx *rx,
		     const struct unix_group *g, const struct unix_sock_info *rsock, bool peek);
void unix_emit_accept(struct correlator *c, const struct rec_unix_accept *r);

/* unix_agg.c, -s: emit the n receive groups the kernel counted (tracer__take_unix_agg),
 * each as one edge standing for its count, named like the streamed edges. */
struct unix_model;
void unix_model_aggregated(struct unix_model *m, const struct unix_agg_key *k,
			   const struct unix_agg_val *v, size_t n);
/* unix_model.c, for unix_agg.c */
void unix_model_learn(struct unix_model *m, const struct unix_sock_info *s);
void unix_model_emit(struct unix_model *m, const struct unix_rx *rx, struct unix_group *g,
		     const struct unix_sock_info *rsock);
struct correlator *unix_model_correlator(struct unix_model *m);

#endif
