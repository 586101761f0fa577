/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Maps, settings and helpers every hook shares. Included once, by ipcsnoop.bpf.c. */
#ifndef IPCSNOOP_COMMON_BPF_H
#define IPCSNOOP_COMMON_BPF_H

/* Settings written by the loader between open and load. */
const volatile __u32 self_tgid = 0;          /* ipcsnoop itself: never traced */
const volatile bool filter_active = false;    /* any of -p, -c, COMMAND given */
const volatile bool filter_comm_set = false;
const volatile char filter_comm[IPCSNOOP_COMM_LEN] = {};
const volatile bool follow_children = false;  /* COMMAND mode: descendants join */
const volatile __u32 data_max = 0;            /* payload bytes to capture (-x) */
const volatile bool summary_only = false;     /* -s: kinds that can, aggregate in the kernel */
const volatile __u64 wakeup_bytes = 1 << 16;  /* wake user space each time this much more is queued */
const volatile bool rdonly_void_cast = false; /* the loader probed bpf_rdonly_cast(p, 0) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);         /* resized by the loader (--ringbuf) */
} events SEC(".maps");

/* Processes the filter selects (-p, COMMAND and its descendants). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, IPCSNOOP_MAX_TRACED);
	__type(key, __u32);
	__type(value, __u8);
} traced_tgids SEC(".maps");

/* Records dropped because the ring buffer was full, per IPC kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPC_KIND_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	/* comms are NUL-padded to 16 bytes by the kernel and by the loader */
	for (int i = 0; i < IPCSNOOP_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (comm[i] == '\0')
			return true;
	}
	return true;
}

/*
 * How many traced_tgids entries fall in each slot (tgid % IPCSNOOP_TRACED_SLOTS),
 * counted up before an insert and down after a delete, by user space and here:
 * a zero slot says "not traced" with one inlined load, without the hash
 * lookup (a helper call and a hash: about 100 ns here) that every filtered
 * hook would otherwise pay for every unrelated process. Never too low, so
 * never wrong; a slot shared with a traced pid just asks the map.
 */
__u32 traced_slots[IPCSNOOP_TRACED_SLOTS] = {};

static __always_inline __u32 *traced_slot(__u32 tgid)
{
	return &traced_slots[tgid & (IPCSNOOP_TRACED_SLOTS - 1)];
}

static __always_inline bool tgid_traced(__u32 tgid)
{
	if (!*traced_slot(tgid))
		return false;
	return bpf_map_lookup_elem(&traced_tgids, &tgid) != NULL;
}

/* Add a process to the filter (a followed child); false if the map is full. */
static __always_inline bool tgid_trace(__u32 tgid)
{
	__u8 one = 1;
	long err;

	__sync_fetch_and_add(traced_slot(tgid), 1);
	err = bpf_map_update_elem(&traced_tgids, &tgid, &one, BPF_NOEXIST);
	if (err)
		__sync_fetch_and_add(traced_slot(tgid), -1);    /* there already, or full */
	return err == 0;
}

/* Remove a process from the filter, if it is there. */
static __always_inline void tgid_untrace(__u32 tgid)
{
	if (*traced_slot(tgid) && !bpf_map_delete_elem(&traced_tgids, &tgid))
		__sync_fetch_and_add(traced_slot(tgid), -1);
}

/* Does the filter select this task? (the other end of an edge) */
static __always_inline bool task_selected(struct task_struct *task)
{
	if (!filter_active)
		return true;
	if (tgid_traced(BPF_CORE_READ(task, tgid)))
		return true;
	if (filter_comm_set) {
		char comm[IPCSNOOP_COMM_LEN];

		BPF_CORE_READ_STR_INTO(&comm, task, comm);
		return comm_matches(comm);
	}
	return false;
}

/* Does the filter select the current process? */
static __always_inline bool current_selected(__u32 tgid)
{
	if (!filter_active)
		return true;
	if (tgid_traced(tgid))
		return true;
	if (filter_comm_set) {
		char comm[IPCSNOOP_COMM_LEN];

		bpf_get_current_comm(&comm, sizeof(comm));
		return comm_matches(comm);
	}
	return false;
}

static __always_inline void count_drop(enum ipc_kind kind)
{
	__u32 key = kind;
	__u64 *n = bpf_map_lookup_elem(&drops, &key);

	if (n)
		*n += 1;
}

/* The task's process id as seen inside its own pid namespace. */
static __always_inline __u32 task_ns_tgid(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	if (level == 0)
		return BPF_CORE_READ(task, tgid);
	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	return up.nr;
}

/* When the task's process started (its leader's start time, kept across exec) */
static __always_inline __u64 task_start_ns(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_time);
}

/* cgroup v2 id of a task other than current (current: bpf_get_current_cgroup_id) */
static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

/*
 * Every record's header. The current task is a BTF pointer: its fields are
 * read with direct (inlined) loads, not one probe-read helper call per
 * pointer; only a process in a child pid namespace pays one read more.
 */
static __always_inline void fill_header(struct rec_header *h, __u16 type, __u16 size)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = task->group_leader;
	__u64 id = bpf_get_current_pid_tgid();

	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_ns();
	h->tgid = id >> 32;
	h->tid = (__u32)id;
	bpf_get_current_comm(&h->comm, sizeof(h->comm));
	/* threads share their pid namespace: the thread's own level is the leader's */
	h->ns_tgid = task->thread_pid->level == 0 ? h->tgid : task_ns_tgid(task);
	h->pad = 0;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->start_ns = leader->start_time;
}

/*
 * Submit without waking the reader unless enough has piled up: user space
 * polls with a short timeout anyway, and a wakeup (an irq_work, an IPI in a
 * VM) costs microseconds, more than the record itself. Only the record that
 * takes the backlog past a multiple of wakeup_bytes wakes the reader: a
 * reader that sleeps has emptied the ring, so one wakeup per crossing is
 * enough, and a reader that lags far behind is not woken on every record.
 */
static __always_inline void record_submit(void *r)
{
	__u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 size = ((struct rec_header *)r)->size;
	__u64 before = queued > size ? queued - size : 0;

	bpf_ringbuf_submit(r, queued / wakeup_bytes != before / wakeup_bytes ?
			   BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Reserve a record of type T in the ring buffer and fill its header. */
#define RECORD_RESERVE(T, type, kind) ({					\
	T *__r = bpf_ringbuf_reserve(&events, sizeof(T), 0);		\
	if (__r)							\
		fill_header(&__r->hdr, (type), sizeof(T));		\
	else								\
		count_drop(kind);					\
	__r;								\
})

#endif /* IPCSNOOP_COMMON_BPF_H */
