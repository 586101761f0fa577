// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc_cache.h"

#define NIL 0u

static unsigned bucket_of(const struct proc_cache *pc, __u32 tgid)
{
	return (tgid * 2654435761u) & (2 * pc->cap - 1);
}

static struct proc_entry *at(struct proc_cache *pc, __u32 ref)
{
	return &pc->slots[ref - 1];
}

int proc_cache_init(struct proc_cache *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->cap = PROC_CACHE_MIN;
	pc->slots = calloc(pc->cap, sizeof(*pc->slots));
	pc->buckets = calloc(2 * pc->cap, sizeof(*pc->buckets));
	if (!pc->slots || !pc->buckets) {
		proc_cache_free(pc);
		return -1;
	}
	return 0;
}

void proc_cache_free(struct proc_cache *pc)
{
	free(pc->slots);
	free(pc->buckets);
	pc->slots = NULL;
	pc->buckets = NULL;
}

static __u32 find(struct proc_cache *pc, __u32 tgid)
{
	for (__u32 ref = pc->buckets[bucket_of(pc, tgid)]; ref; ref = at(pc, ref)->hnext)
		if (at(pc, ref)->tgid == tgid)
			return ref;
	return NIL;
}

static void unlink_recency(struct proc_cache *pc, __u32 ref)
{
	struct proc_entry *e = at(pc, ref);

	if (e->newer)
		at(pc, e->newer)->older = e->older;
	else
		pc->newest = e->older;
	if (e->older)
		at(pc, e->older)->newer = e->newer;
	else
		pc->oldest = e->newer;
	e->newer = e->older = NIL;
}

static void push_newest(struct proc_cache *pc, __u32 ref)
{
	struct proc_entry *e = at(pc, ref);

	e->older = pc->newest;
	e->newer = NIL;
	if (pc->newest)
		at(pc, pc->newest)->newer = ref;
	pc->newest = ref;
	if (!pc->oldest)
		pc->oldest = ref;
}

static void unlink_bucket(struct proc_cache *pc, __u32 ref)
{
	__u32 *link = &pc->buckets[bucket_of(pc, at(pc, ref)->tgid)];

	while (*link && *link != ref)
		link = &at(pc, *link)->hnext;
	if (*link)
		*link = at(pc, ref)->hnext;
}

/* Twice the room (up to the max), the hash rebuilt; false if out of memory. */
static bool grow(struct proc_cache *pc)
{
	__u32 cap = pc->cap * 2;
	struct proc_entry *slots;
	__u32 *buckets;

	if (cap > PROC_CACHE_MAX)
		return false;
	slots = realloc(pc->slots, cap * sizeof(*slots));
	if (!slots)
		return false;
	pc->slots = slots;
	buckets = calloc(2 * cap, sizeof(*buckets));
	if (!buckets)
		return false;
	free(pc->buckets);
	pc->buckets = buckets;
	pc->cap = cap;
	for (__u32 ref = 1; ref <= pc->used; ref++) {
		unsigned b = bucket_of(pc, at(pc, ref)->tgid);

		at(pc, ref)->hnext = pc->buckets[b];
		pc->buckets[b] = ref;
	}
	return true;
}

/* A slot for a new process: a free one, or the least recently updated one. */
static __u32 take_slot(struct proc_cache *pc)
{
	__u32 ref;

	if (pc->used < pc->cap || grow(pc))
		return ++pc->used;
	ref = pc->oldest;
	unlink_recency(pc, ref);
	unlink_bucket(pc, ref);
	pc->evictions++;
	return ref;
}

void proc_cache_update(struct proc_cache *pc, __u32 tgid, __u32 tid, const char *comm, __u64 ts_ns)
{
	struct proc_entry *e;
	__u32 ref;
	unsigned b;

	if (!tgid)
		return;
	ref = find(pc, tgid);
	if (ref) {
		unlink_recency(pc, ref);
	} else {
		ref = take_slot(pc);
		e = at(pc, ref);
		memset(e, 0, sizeof(*e));
		e->tgid = tgid;
		b = bucket_of(pc, tgid);
		e->hnext = pc->buckets[b];
		pc->buckets[b] = ref;
	}
	e = at(pc, ref);
	push_newest(pc, ref);
	e->tid = tid;
	e->last_seen_ns = ts_ns;
	memset(e->comm, 0, sizeof(e->comm));
	memcpy(e->comm, comm, strnlen(comm, IPCSNOOP_COMM_LEN));   /* 16 bytes, or a shorter string */
}

void proc_cache_set_start(struct proc_cache *pc, __u32 tgid, __u64 start_ns)
{
	__u32 ref = tgid ? find(pc, tgid) : NIL;
	struct proc_entry *e;

	if (!ref || !start_ns)
		return;
	e = at(pc, ref);
	if (e->start_ns && e->start_ns != start_ns) {
		/* the same pid, another process: what was known of the old one is not true of it */
		pc->reused++;
		e->ns_tgid = 0;
		e->cgroup_id = 0;
	}
	e->start_ns = start_ns;
}

void proc_cache_set_ns(struct proc_cache *pc, __u32 tgid, __u32 ns_tgid, __u64 cgroup_id)
{
	__u32 ref = tgid ? find(pc, tgid) : NIL;

	if (ref) {
		at(pc, ref)->ns_tgid = ns_tgid;
		at(pc, ref)->cgroup_id = cgroup_id;
	}
}

const struct proc_entry *proc_cache_lookup(struct proc_cache *pc, __u32 tgid)
{
	__u32 ref = tgid ? find(pc, tgid) : NIL;

	return ref ? at(pc, ref) : NULL;
}

bool proc_cache_comm(struct proc_cache *pc, __u32 tgid, char comm[IPCSNOOP_COMM_LEN])
{
	const struct proc_entry *e = proc_cache_lookup(pc, tgid);
	char path[64];
	ssize_t n;
	int fd;

	if (e) {
		memcpy(comm, e->comm, IPCSNOOP_COMM_LEN);
		return true;
	}
	snprintf(path, sizeof(path), "/proc/%u/comm", tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	memset(comm, 0, IPCSNOOP_COMM_LEN);
	n = read(fd, comm, IPCSNOOP_COMM_LEN);
	close(fd);
	if (n <= 0)
		return false;
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	proc_cache_update(pc, tgid, tgid, comm, 0);
	return true;
}
