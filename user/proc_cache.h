/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bounded cache pid (tgid) -> comm, start time, namespace, so an edge can
 * name a process that has exited. At most PROC_CACHE_MAX processes: when
 * full, the one updated least recently is evicted (and counted).
 * A process is (tgid, start_ns): a record with the same tgid and another
 * start time is a new process that reuses the pid, and replaces the old one.
 */
#ifndef IPCSNOOP_PROC_CACHE_H
#define IPCSNOOP_PROC_CACHE_H

#include <stdbool.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define PROC_CACHE_MAX 65536       /* processes (a power of two) */
#define PROC_CACHE_MIN 256         /* first allocation; doubled as needed up to the max */

struct proc_entry {
	__u32 tgid;                    /* 0: free */
	__u32 tid;                     /* a thread seen last (for edges that know only the process) */
	__u64 last_seen_ns;
	char comm[IPCSNOOP_COMM_LEN];
	__u32 ns_tgid;                 /* pid in its own pid namespace (0: not known) */
	__u64 cgroup_id;
	__u64 start_ns;                /* start time (CLOCK_MONOTONIC), 0: not known */
	__u32 hnext;                   /* next in its hash bucket: index + 1, 0 = none */
	__u32 newer, older;            /* recency list: index + 1, 0 = none */
};

struct proc_cache {
	struct proc_entry *slots;      /* cap entries, grown up to PROC_CACHE_MAX */
	__u32 *buckets;                /* 2 * cap: index + 1 of the first entry, 0 = empty */
	__u32 used, cap;
	__u32 newest, oldest;          /* ends of the recency list: index + 1 */
	__u64 evictions;               /* processes dropped because the cache was full */
	__u64 reused;                  /* pids seen again for a new process */
};

int proc_cache_init(struct proc_cache *pc);
void proc_cache_free(struct proc_cache *pc);
void proc_cache_update(struct proc_cache *pc, __u32 tgid, __u32 tid, const char *comm, __u64 ts_ns);
/* The process's start time: a new one means the pid was reused (namespace facts are reset). */
void proc_cache_set_start(struct proc_cache *pc, __u32 tgid, __u64 start_ns);
/* Where the process lives: its pid inside its pid namespace, its cgroup v2 id. */
void proc_cache_set_ns(struct proc_cache *pc, __u32 tgid, __u32 ns_tgid, __u64 cgroup_id);
/* NULL if unknown. */
const struct proc_entry *proc_cache_lookup(struct proc_cache *pc, __u32 tgid);
/* Fill comm for tgid from the cache or /proc; false if neither knows it. */
bool proc_cache_comm(struct proc_cache *pc, __u32 tgid, char comm[IPCSNOOP_COMM_LEN]);

#endif
