/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Bounded cache pid (tgid) -> comm, so an edge can name a process that has exited. */
#ifndef IPCSNOOP_PROC_CACHE_H
#define IPCSNOOP_PROC_CACHE_H

#include <stdbool.h>
#include <linux/types.h>
#include "ipcsnoop.h"

#define PROC_CACHE_SLOTS 65536     /* power of two */
#define PROC_CACHE_PROBE 8

struct proc_entry {
	__u32 tgid;                    /* 0: free slot */
	__u32 tid;                     /* a thread seen last (for edges that know only the process) */
	__u64 last_seen_ns;
	char comm[IPCSNOOP_COMM_LEN];
	__u32 ns_tgid;                 /* pid in its own pid namespace (0: not known) */
	__u64 cgroup_id;
};

struct proc_cache {
	struct proc_entry *slots;
	__u64 evictions;
};

int proc_cache_init(struct proc_cache *pc);
void proc_cache_free(struct proc_cache *pc);
void proc_cache_update(struct proc_cache *pc, __u32 tgid, __u32 tid, const char *comm, __u64 ts_ns);
/* Where the process lives: its pid inside its pid namespace, its cgroup v2 id. */
void proc_cache_set_ns(struct proc_cache *pc, __u32 tgid, __u32 ns_tgid, __u64 cgroup_id);
/* NULL if unknown; then /proc is tried when the process still lives. */
const struct proc_entry *proc_cache_lookup(struct proc_cache *pc, __u32 tgid);
/* Fill comm for tgid from the cache or /proc; false if neither knows it. */
bool proc_cache_comm(struct proc_cache *pc, __u32 tgid, char comm[IPCSNOOP_COMM_LEN]);

#endif
