/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * SysV message queues under -s (without -x): counted in the kernel while the
 * pairing is exact, streamed otherwise (bpf/ipcsnoop.h, struct msg_agg_state).
 *
 * A queue gets a state when a traced msgget surely created it (IPC_PRIVATE,
 * or IPC_CREAT|IPC_EXCL; with a filter, by a selected process, so that no
 * send on it is ever left out): it is empty then, and every send and receive
 * on it is seen. A send claims the slot of its type; while the slot's thread
 * (owner) is the only one sending that type, every message of that type in
 * the queue is the owner's, and msgrcv takes messages of one type in the
 * order they were sent whatever msgtyp asks (ipc/msg.c find_msg: the first
 * in queue order that the type test passes). So a receive is one edge owner
 * -> receiver with the bytes it returned, counted in msg_agg; no record. The
 * owner of a type may change once none of its messages is left (none queued,
 * none in a send or a receive still on its way), as pipes do.
 *
 * Anything else (another sender of a type with messages left, a fifth type,
 * MSG_COPY, a type that cannot be read, msg_agg full) switches the queue to
 * streaming for good: a HANDOVER record first gives user space the messages
 * still counted per type, then every later op streams. Each slot's word is
 * frozen by one atomic OR, so an op either counted before the freeze (and
 * its message is in the handover) or streams after it.
 *
 * Ordering: the HANDOVER is reserved in the ring buffer before the slots say
 * STREAM, and every streamed record of the queue is reserved after its op saw
 * STREAM, so user space gets the handover first.
 */

#define SYSV_IPC_PRIVATE 0
#define SYSV_IPC_CREAT 01000
#define SYSV_IPC_EXCL 02000
#define SYSV_MSG_COPY 040000

/* Set by the loader: -s without -x */
const volatile bool msg_agg_on = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MSG_AGG_QUEUES);
	__type(key, struct sysv_queue_key);
	__type(value, struct msg_agg_state);
} msg_agg_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MSG_AGG_MAX);
	__type(key, struct msg_agg_key);
	__type(value, struct msg_agg_val);
} msg_agg SEC(".maps");

/* Receives streamed because msg_agg was full (user space then empties it) */
__u64 msg_agg_full = 0;

/* Only one state for every created queue: zeroed, copied by update_elem. */
static const struct msg_agg_state msg_agg_empty = {};

static __always_inline struct msg_agg_state *msg_agg_lookup(__u64 id, __u32 ns)
{
	struct sysv_queue_key key = { .id = (__u32)id, .ns = ns, .kind = IPC_MSG };

	return bpf_map_lookup_elem(&msg_agg_state, &key);
}

/* Switch the queue to streaming (once): hand over what the slots count. */
static __always_inline void msg_agg_switch(struct msg_agg_state *st, __u32 ns, __s32 id)
{
	struct rec_msg_handover *r;

	if (*(volatile __u32 *)&st->stream)
		return;
	r = RECORD_RESERVE(struct rec_msg_handover, REC_MSG_HANDOVER, IPC_MSG);
	if (__sync_fetch_and_or(&st->stream, 1)) {
		if (r)
			bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		return;
	}
	for (int i = 0; i < MSG_AGG_TYPES; i++) {
		__u64 old = __sync_fetch_and_or(&st->slot[i].ctl, MSG_AGG_STREAM);

		if (!r)
			continue;       /* RECORD_RESERVE counted the loss */
		r->slot[i] = st->slot[i];
		r->slot[i].ctl = old;
	}
	if (!r)
		return;
	r->ns = ns;
	r->id = id;
	record_submit(r);
}

/* msgget returned id: a queue it surely created starts empty, counted here. */
static __always_inline void msg_agg_created(const struct sysv_call *c, long id)
{
	struct sysv_queue_key key = { .id = (__u32)id, .ns = c->ipc_ns, .kind = IPC_MSG };
	struct msg_agg_state *st;
	__s32 qkey = (__s32)c->arg[0];
	int flg = c->arg[1];

	if (!msg_agg_on || id < 0)
		return;
	if (qkey != SYSV_IPC_PRIVATE &&
	    (flg & (SYSV_IPC_CREAT | SYSV_IPC_EXCL)) != (SYSV_IPC_CREAT | SYSV_IPC_EXCL)) {
		/* maybe an existing queue: what it holds is not known. A state of
		 * another key is a dead queue's (its ipc namespace went away
		 * without IPC_RMID, and the id came back): forget it */
		st = bpf_map_lookup_elem(&msg_agg_state, &key);
		if (st && st->key != qkey)
			bpf_map_delete_elem(&msg_agg_state, &key);
		return;
	}
	if (filter_active && !c->selected)
		return;
	if (bpf_map_update_elem(&msg_agg_state, &key, &msg_agg_empty, BPF_ANY))
		return;         /* full: it streams */
	st = bpf_map_lookup_elem(&msg_agg_state, &key);
	if (!st)
		return;
	st->key = qkey;
	st->gen = bpf_ktime_get_ns();
}

/* msgctl(IPC_RMID) removed the queue: its id may name another one next. */
static __always_inline void msg_agg_removed(const struct sysv_call *c)
{
	struct sysv_queue_key key = { .id = (__u32)c->id, .ns = c->ipc_ns, .kind = IPC_MSG };

	if (msg_agg_on)
		bpf_map_delete_elem(&msg_agg_state, &key);
}

/* The slot of type mtype; claim a free one if claim. NULL: no room. */
static __always_inline struct msg_agg_slot *msg_agg_slot_of(struct msg_agg_state *st, __s64 mtype,
							    bool claim, __u32 *idx)
{
	for (int i = 0; i < MSG_AGG_TYPES; i++) {
		__s64 m = *(volatile __s64 *)&st->slot[i].mtype;

		/* slots fill in order and are never freed: a type is in one slot only */
		if (!m && claim)
			m = __sync_val_compare_and_swap(&st->slot[i].mtype, 0, mtype) ?: mtype;
		if (m == mtype) {
			*idx = i;
			return &st->slot[i];
		}
		if (!m)
			return NULL;
	}
	return NULL;
}

/*
 * A msgsnd enters with the message at msgp: true if counted here (no record;
 * c->agg_slot says so to its exit, msg_agg_send_done). False: stream it.
 */
static __always_inline bool msg_agg_send(struct sysv_call *c, const char *msgp)
{
	struct task_struct *task;
	struct msg_agg_state *st;
	struct msg_agg_slot *s;
	__u64 old, mine, tid;
	__s64 mtype;
	__u32 idx = 0;

	c->agg_slot = 0;
	if (!msg_agg_on)
		return false;
	st = msg_agg_lookup(c->id, c->ipc_ns);
	if (!st || *(volatile __u32 *)&st->stream)
		return false;
	if (bpf_probe_read_user(&mtype, sizeof(mtype), msgp) || mtype < 1 ||
	    !(s = msg_agg_slot_of(st, mtype, true, &idx))) {
		msg_agg_switch(st, c->ipc_ns, c->id);
		return false;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	mine = (tid & MSG_AGG_TID_MASK) << MSG_AGG_TID_SHIFT;
	for (int try = 0; try < 4; try++) {
		old = *(volatile __u64 *)&s->ctl;
		if (old & MSG_AGG_STREAM)
			return false;
		if ((old & (MSG_AGG_TID_MASK << MSG_AGG_TID_SHIFT)) == mine &&
		    (old & MSG_AGG_INFO) && s->owner_selected == c->selected) {
			/* the owner again: one more of its messages (it is in no other
			 * send); fails only when a receive subtracted one meanwhile */
			if (__sync_val_compare_and_swap(&s->ctl, old, (old + 1) | MSG_AGG_SENDING) == old)
				goto counted;
			continue;
		}
		/* a new owner, only once none of the old one's messages is left */
		if (old & (MSG_AGG_PEND_MASK | MSG_AGG_SENDING))
			break;
		if (__sync_val_compare_and_swap(&s->ctl, old, mine | MSG_AGG_SENDING | 1) != old)
			continue;
		task = bpf_get_current_task_btf();
		s->owner_tgid = bpf_get_current_pid_tgid() >> 32;
		s->owner_tid = tid;
		bpf_get_current_comm(s->owner_comm, sizeof(s->owner_comm));
		s->owner_start_ns = task->group_leader->start_time;
		s->owner_ns_tgid = task->thread_pid->level == 0 ? s->owner_tgid : task_ns_tgid(task);
		s->owner_selected = c->selected;
		s->owner_cgroup_id = bpf_get_current_cgroup_id();
		if (__sync_fetch_and_or(&s->ctl, MSG_AGG_INFO) & MSG_AGG_STREAM)
			return false;   /* frozen before the names were in: the handover left
					 * this one message out, its record streams */
		goto counted;
	}
	/* another sender's messages of this type are there, or the word kept changing */
	msg_agg_switch(st, c->ipc_ns, c->id);
	return false;
counted:
	c->agg_gen = st->gen;
	c->agg_slot = idx + 1;
	return true;
}

/*
 * The exit of a send counted at entry. True: done here. False: the queue
 * streams now and the send's message was handed over in flight: stream its
 * DONE, with entry time 0 as the handover names it.
 */
static __always_inline bool msg_agg_send_done(struct sysv_call *c, long ret)
{
	struct msg_agg_state *st = msg_agg_lookup(c->id, c->ipc_ns);
	__u32 idx = (c->agg_slot - 1) & (MSG_AGG_TYPES - 1);
	__u64 old;

	c->agg_slot = 0;
	if (!st || st->gen != c->agg_gen)
		return true;    /* removed meanwhile (EIDRM): its model went with it */
	old = __sync_fetch_and_add(&st->slot[idx].ctl,
				   -MSG_AGG_SENDING - (ret < 0 ? 1 : 0));
	return !(old & MSG_AGG_STREAM);
}

/*
 * A msgrcv returned ret into the buffer at msgp: true if counted here, or if
 * nothing was received from a queue counted here (no record). False: stream.
 */
static __always_inline bool msg_agg_receive(const struct sysv_call *c, long ret)
{
	const char *msgp = (const char *)c->arg[1];
	struct msg_agg_key key = {};
	struct msg_agg_val *v, init;
	struct msg_agg_state *st;
	struct task_struct *task;
	struct msg_agg_slot *s;
	__u64 id, now, old;
	__s64 mtype;
	__u32 idx;

	if (!msg_agg_on)
		return false;
	st = msg_agg_lookup(c->arg[0], c->ipc_ns);
	if (!st || *(volatile __u32 *)&st->stream)
		return false;
	if (ret < 0)
		return true;    /* ENOMSG, EINTR...: nothing taken, nothing to tell */
	if ((c->arg[4] & SYSV_MSG_COPY) ||
	    bpf_probe_read_user(&mtype, sizeof(mtype), msgp) ||
	    !(s = msg_agg_slot_of(st, mtype, false, &idx))) {
		msg_agg_switch(st, c->ipc_ns, c->arg[0]);
		return false;
	}
	old = *(volatile __u64 *)&s->ctl;
	if (old & MSG_AGG_STREAM)
		return false;
	if (!(old & MSG_AGG_PEND_MASK) || !(old & MSG_AGG_INFO)) {
		msg_agg_switch(st, c->ipc_ns, c->arg[0]);   /* a message not counted: model it */
		return false;
	}
	if (!c->selected && !s->owner_selected) {
		/* neither end is of interest (as the model's emit): only subtract it */
		old = __sync_fetch_and_add(&s->ctl, -1);
		return !(old & MSG_AGG_STREAM);
	}
	/* this message is still counted: the owner cannot change before it is subtracted */
	task = bpf_get_current_task_btf();
	id = bpf_get_current_pid_tgid();
	now = bpf_ktime_get_ns();
	key.ns = c->ipc_ns;
	key.id = c->arg[0];
	key.qkey = st->key;
	key.src_tgid = s->owner_tgid;
	key.src_start_ns = s->owner_start_ns;
	key.dst_tgid = id >> 32;
	key.dst_start_ns = task->group_leader->start_time;
	v = bpf_map_lookup_elem(&msg_agg, &key);
	if (!v) {
		__builtin_memset(&init, 0, sizeof(init));
		init.first_ns = now;
		init.last_ns = now;
		/* fails when full, or when another CPU added it meanwhile */
		bpf_map_update_elem(&msg_agg, &key, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&msg_agg, &key);
		if (!v) {
			__sync_fetch_and_add(&msg_agg_full, 1);
			msg_agg_switch(st, c->ipc_ns, c->arg[0]);
			return false;
		}
	}
	old = __sync_fetch_and_add(&s->ctl, -1);
	if (old & MSG_AGG_STREAM)
		return false;   /* switched meanwhile: the handover counted this message */
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes, ret);
	if (now < v->first_ns)
		v->first_ns = now;
	if (now > v->last_ns)
		v->last_ns = now;
	v->src_tid = s->owner_tid;
	__builtin_memcpy(v->src_comm, s->owner_comm, IPCSNOOP_COMM_LEN);
	v->src_ns_tgid = s->owner_ns_tgid;
	v->src_cgroup_id = s->owner_cgroup_id;
	v->dst_tid = (__u32)id;
	bpf_get_current_comm(v->dst_comm, sizeof(v->dst_comm));
	v->dst_ns_tgid = task->thread_pid->level == 0 ? key.dst_tgid : task_ns_tgid(task);
	v->dst_cgroup_id = bpf_get_current_cgroup_id();
	return true;
}
