// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc_cache.h"

static unsigned slot_of(__u32 tgid)
{
	return (tgid * 2654435761u) & (PROC_CACHE_SLOTS - 1);
}

int proc_cache_init(struct proc_cache *pc)
{
	pc->evictions = 0;
	pc->slots = calloc(PROC_CACHE_SLOTS, sizeof(*pc->slots));
	return pc->slots ? 0 : -1;
}

void proc_cache_free(struct proc_cache *pc)
{
	free(pc->slots);
	pc->slots = NULL;
}

void proc_cache_update(struct proc_cache *pc, __u32 tgid, __u32 tid, const char *comm, __u64 ts_ns)
{
	struct proc_entry *victim = NULL;
	unsigned s = slot_of(tgid);

	if (!tgid)
		return;
	for (int i = 0; i < PROC_CACHE_PROBE; i++) {
		struct proc_entry *e = &pc->slots[(s + i) & (PROC_CACHE_SLOTS - 1)];

		if (e->tgid == tgid || e->tgid == 0) {
			victim = e;
			break;
		}
		if (!victim || e->last_seen_ns < victim->last_seen_ns)
			victim = e;      /* oldest of the probe window */
	}
	if (victim->tgid != tgid) {
		if (victim->tgid)
			pc->evictions++;
		victim->ns_tgid = 0;
		victim->cgroup_id = 0;
	}
	victim->tgid = tgid;
	victim->tid = tid;
	victim->last_seen_ns = ts_ns;
	memcpy(victim->comm, comm, IPCSNOOP_COMM_LEN);
}

void proc_cache_set_ns(struct proc_cache *pc, __u32 tgid, __u32 ns_tgid, __u64 cgroup_id)
{
	struct proc_entry *e = (struct proc_entry *)proc_cache_lookup(pc, tgid);

	if (e) {
		e->ns_tgid = ns_tgid;
		e->cgroup_id = cgroup_id;
	}
}

const struct proc_entry *proc_cache_lookup(struct proc_cache *pc, __u32 tgid)
{
	unsigned s = slot_of(tgid);

	if (!tgid)
		return NULL;
	for (int i = 0; i < PROC_CACHE_PROBE; i++) {
		struct proc_entry *e = &pc->slots[(s + i) & (PROC_CACHE_SLOTS - 1)];

		if (e->tgid == tgid)
			return e;
	}
	return NULL;
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
