/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An edge: SRC process -> DST process over one IPC object. The correlators
 * build edges from records; the output sinks print them. Kind-specific facts
 * travel as attributes, so a sink needs no knowledge of any IPC kind.
 */
#ifndef IPCSNOOP_EDGE_H
#define IPCSNOOP_EDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define EDGE_OBJECT_LEN 160
#define EDGE_DETAIL_LEN 192
#define EDGE_ATTR_MAX 10
#define EDGE_ATTR_STR_LEN 96

struct endpoint {
	__u32 pid;                     /* tgid as the host sees it; 0 = kernel / unknown */
	__u32 tid;
	char comm[IPCSNOOP_COMM_LEN + 1];
	bool known;                    /* false: the other end could not be determined */
	__u32 ns_pid;                  /* pid inside its own pid namespace, when that differs */
	__u64 cgroup_id;               /* its cgroup v2 id, when ns_pid is set */
	__u64 start_ns;                /* process start (CLOCK_MONOTONIC): (pid, start_ns) is one
	                                * process even if the pid is reused; 0 = not known */
};

enum attr_type { ATTR_INT, ATTR_STR, ATTR_BOOL, ATTR_BYTES };

struct edge_attr {
	const char *key;               /* a string literal */
	enum attr_type type;
	long long num;
	char str[EDGE_ATTR_STR_LEN];   /* ATTR_STR: raw bytes, escaped by the sink */
	unsigned len;                  /* ATTR_STR/ATTR_BYTES length */
};

struct edge {
	enum ipc_kind kind;
	__u64 ts_ns;                   /* CLOCK_MONOTONIC */
	__u64 last_ns;                 /* for an edge standing for count > 1 events: the last; else 0 */
	struct endpoint src, dst;
	char object[EDGE_OBJECT_LEN];  /* raw bytes; may hold anything a path holds */
	unsigned object_len;           /* bytes in object when it may hold NUL (abstract socket names); 0: NUL-terminated */
	bool has_bytes;
	__u64 bytes;
	__u64 count;                   /* events this edge stands for (1 per event line) */
	bool inferred;                 /* false: paired exactly */
	bool solo;                     /* an event of one process (attach, open, rmid...), not
					* an edge between two: printed, kept out of summary and graph */
	char detail[EDGE_DETAIL_LEN];  /* short human text for the text sink (escaped there) */
	int nattrs;
	struct edge_attr attrs[EDGE_ATTR_MAX];
	const unsigned char *data;     /* captured payload (-x), or NULL */
	unsigned data_len;
};

void edge_init(struct edge *e, enum ipc_kind kind, __u64 ts_ns);
void endpoint_set(struct endpoint *ep, __u32 pid, __u32 tid, const char *comm);
/* The same, for a process named by a kernel count (-s): tid 0 means the
 * leader, start_ns tells a reused pid apart. */
void endpoint_set_started(struct endpoint *ep, __u32 pid, __u32 tid, const char *comm,
			  __u64 start_ns);
void edge_attr_int(struct edge *e, const char *key, long long v);
void edge_attr_bool(struct edge *e, const char *key, bool v);
void edge_attr_str(struct edge *e, const char *key, const char *s);
void edge_set_object(struct edge *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An object of raw bytes that may hold NUL (truncated to EDGE_OBJECT_LEN). */
void edge_set_object_bytes(struct edge *e, const void *bytes, size_t len);
/* Bytes of e->object the sinks print */
unsigned edge_object_len(const struct edge *e);
/* Only the text sink prints details: main turns them off otherwise (JSON, -s),
 * and edge_set_detail then leaves detail empty without formatting it. */
extern bool edge_details_wanted;
void edge_set_detail(struct edge *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

const char *ipc_kind_name(enum ipc_kind kind);

#endif
