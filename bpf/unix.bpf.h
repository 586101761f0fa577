/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unix domain sockets: each receive pairs exactly with the process that sent.
 *
 * - unix_ready (sock:sk_data_ready) runs in the SENDER right after it queued
 *   an skb on the receiver's queue: the queue's tail is that skb, tagged here
 *   with the sending process in unix_tags. Two senders racing on one queue
 *   mark the tag as a conflict (unknown) rather than guess. A receiver that
 *   copies the skb first (the sender was preempted between queueing and
 *   sk_data_ready) leaves a WAITING placeholder; the sender then finds it and
 *   says who it was in a late record. Both sides insert with BPF_NOEXIST, so
 *   exactly one of them is first.
 * - unix_copy (skb:skb_copy_datagram_iovec) runs in the RECEIVER for every
 *   skb it copies from; skb->sk is the sending socket, the tag names the
 *   sending process (exact even when processes share the socket after fork),
 *   UNIXCB(skb) holds the credentials (SO_PASSCRED / SCM_CREDENTIALS) and the
 *   SCM_RIGHTS files.
 * - unix_recv (sock:sock_recv_length) closes the receive: the receiving socket.
 * - unix_accept*: accept() returned a unix socket; its peer credentials name the
 *   process that called connect() (set by the kernel in the client's context).
 * - unix_skb_free: a freed skb's tag is forgotten, so a reused address never
 *   carries an old sender.
 * - -s (summary_only): a copy whose sender is tagged is not streamed but
 *   grouped per receiving thread (unix_rx_agg) like the user-side model
 *   groups it, and unix_recv adds each group of a receive that succeeded to
 *   unix_agg, one key per summary row; user space reads the map at summary
 *   time. Untagged copies (unknown sender, credentials, late tags) stream as
 *   before. A group that finds unix_agg full is streamed as one copy record
 *   instead (counted in unix_agg_full; user space then empties the map).
 * - With a filter, a sender the filter does not select tags its skb only when
 *   a selected process may receive it: once a selected process holds a unix
 *   socket (unix_interest_any: it sent, received, accepted or created one, or
 *   held one when tracing started, which the loader seeds; always with -c).
 *   Until then unselected traffic stops after the filter test: no tag, no
 *   tag lookup, no delete when the skb is freed.
 */

#define UNIX_AF_UNIX 1
#define UNIX_TCP_LISTEN 10
#define UNIX_SOCK_STREAM 1
#define UNIX_S_IFMT   00170000
#define UNIX_S_IFSOCK 0140000
#define UNIX_S_IFLNK  0120000
#define UNIX_S_IFREG  0100000
#define UNIX_S_IFBLK  0060000
#define UNIX_S_IFDIR  0040000
#define UNIX_S_IFCHR  0020000
#define UNIX_S_IFIFO  0010000
#define UNIX_TAGS_MAX 16384
#define UNIX_EEXIST 17

#define UNIX_TAG_SENDER   0     /* tgid/tid/comm: the process that queued it */
#define UNIX_TAG_WAITING  1     /* tid: the receiver that copied it before it was tagged */
#define UNIX_TAG_CONFLICT 2     /* two senders claimed it: unknown */

/* Who queued an skb, written in the sender's context (or a receiver's placeholder). */
struct unix_tag {
	__u64 sk;                   /* skb->sk when tagged */
	__u32 tgid, tid;
	__u32 len;                  /* skb->len when tagged */
	__u32 state;                /* UNIX_TAG_* */
	char comm[IPCSNOOP_COMM_LEN];
	__u64 start_ns;             /* -s: the sender's process start time */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, UNIX_TAGS_MAX);
	__type(key, __u64);         /* skb address */
	__type(value, struct unix_tag);
} unix_tags SEC(".maps");

/* Per thread: copy records were sent whose receive has not returned yet.
 * Task storage, not a hash by tid: set and cleared on every message, without
 * an element allocated and freed each time; it goes away with the task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} unix_pending SEC(".maps");

/*
 * With a filter: set once a selected process may hold a unix socket (see
 * above). Until then no receiver is selected, so only selected senders tag.
 */
__u32 unix_interest_any = 0;

/* Set before the first entry goes into unix_tags: until then a freed skb has
 * no tag to forget. */
__u32 unix_tags_used = 0;

/* Set before the first unix_pending entry: until then a receive has no copy record. */
__u32 unix_pending_used = 0;

/* Can this socket op by the current process matter to the filter? A
 * selected process's op says that selected processes hold unix sockets. */
static __always_inline bool unix_filter_passes(__u32 tgid)
{
	if (!filter_active || filter_comm_set || unix_interest_any)
		return true;
	if (!current_selected(tgid))
		return false;
	unix_interest_any = 1;
	return true;
}

static __always_inline void unix_tags_insert(void)
{
	if (!unix_tags_used)
		unix_tags_used = 1;
}

/* The credentials' pid an skb carries (NULL: none), by a direct load where
 * the kernel has bpf_rdonly_cast (pipe_file.bpf.h declares it), else one read. */
static __always_inline struct pid *unix_cb_pid(struct unix_skb_parms *cb)
{
	if (bpf_rdonly_cast) {      /* resolved at load: a constant to the verifier */
		struct unix_skb_parms *t;

		t = bpf_rdonly_cast(cb, bpf_core_type_id_kernel(struct unix_skb_parms));
		return t->pid;
	}
	return BPF_CORE_READ(cb, pid);
}

/* Is this other end (not current) selected by the filter? */
static __always_inline bool unix_other_selected(__u32 tgid, const char *comm)
{
	if (!filter_active)
		return true;
	if (tgid && tgid_traced(tgid))
		return true;
	return filter_comm_set && comm_matches(comm);
}

/* The host pid of a struct pid and the name of its process ("" if gone). */
static __always_inline __u32 unix_pid_nr(struct pid *pid, char *comm)
{
	struct hlist_node *first;
	struct task_struct *t;

	comm[0] = '\0';
	if (!pid)
		return 0;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_TGID].first);
	if (first) {
		t = (void *)first - (bpf_core_field_offset(struct task_struct, pid_links) +
				     PIDTYPE_TGID * sizeof(struct hlist_node));
		bpf_core_read_str(comm, IPCSNOOP_COMM_LEN, &t->comm);
	}
	return BPF_CORE_READ(pid, numbers[0].nr);
}

static __always_inline void unix_sock_fill(struct unix_sock_info *i, struct sock *sk)
{
	struct unix_sock *u = (struct unix_sock *)sk;
	struct unix_address *addr;
	struct socket *so;
	__u64 n = 0;                /* 64-bit: the verifier must see the clamp */
	__s64 len;

	i->sk = (__u64)sk;
	if (bpf_rdonly_cast) {
		/* direct loads, not one probe-read call per field (every message) */
		struct unix_sock *tu = bpf_rdonly_cast(sk, bpf_core_type_id_kernel(struct unix_sock));
		struct socket_alloc *sa;

		i->peer = (__u64)tu->peer;
		i->type = tu->sk.sk_type;
		i->state = tu->sk.__sk_common.skc_state;
		i->flags = i->state == UNIX_TCP_LISTEN ? UNIX_SOCK_LISTENING : 0;
		if (bpf_core_field_exists(tu->listener) && tu->listener)
			i->flags |= UNIX_SOCK_ACCEPTED;
		so = tu->sk.sk_socket;
		i->inode = 0;
		if (so) {
			sa = bpf_rdonly_cast((void *)((__u64)so -
						      bpf_core_field_offset(struct socket_alloc, socket)),
					     bpf_core_type_id_kernel(struct socket_alloc));
			i->inode = sa->vfs_inode.i_ino;
		}
		addr = tu->addr;
		len = addr ? (__s64)addr->len - 2 : 0;
	} else {
		i->peer = (__u64)BPF_CORE_READ(u, peer);
		i->type = BPF_CORE_READ(sk, sk_type);
		i->state = BPF_CORE_READ(sk, __sk_common.skc_state);
		i->flags = i->state == UNIX_TCP_LISTEN ? UNIX_SOCK_LISTENING : 0;
		if (bpf_core_field_exists(u->listener) && BPF_CORE_READ(u, listener))
			i->flags |= UNIX_SOCK_ACCEPTED;
		so = BPF_CORE_READ(sk, sk_socket);
		i->inode = so ? BPF_CORE_READ(container_of(so, struct socket_alloc, socket), vfs_inode.i_ino) : 0;
		addr = BPF_CORE_READ(u, addr);
		len = addr ? (__s64)BPF_CORE_READ(addr, len) - 2 : 0;   /* minus sun_family */
	}
	i->pad = 0;
	if (len > 0) {
		n = len;
		if (n > IPCSNOOP_PATH_LEN)
			n = IPCSNOOP_PATH_LEN;
		barrier_var(n);
		if (bpf_probe_read_kernel(i->addr, n, &addr->name[0].sun_path))
			n = 0;
	}
	i->addr_len = n;
}

static __always_inline __u32 unix_fd_kind(struct file *f)
{
	__u32 mode = BPF_CORE_READ(f, f_inode, i_mode) & UNIX_S_IFMT;

	switch (mode) {
	case UNIX_S_IFIFO: return UNIX_FDK_PIPE;
	case UNIX_S_IFSOCK: return UNIX_FDK_SOCKET;
	case UNIX_S_IFREG: return UNIX_FDK_FILE;
	case UNIX_S_IFDIR: return UNIX_FDK_DIR;
	case UNIX_S_IFCHR: return UNIX_FDK_CHR;
	case UNIX_S_IFBLK: return UNIX_FDK_BLK;
	case UNIX_S_IFLNK: return UNIX_FDK_LINK;
	case 0: return UNIX_FDK_ANON;     /* anon inodes: eventfd, epoll, timerfd... */
	}
	return UNIX_FDK_UNKNOWN;
}

/* The SCM_RIGHTS files attached to an skb, counted by kind. */
static __always_inline void unix_count_fds(struct rec_unix_copy *r, struct scm_fp_list *fp)
{
	int count, i;

	for (i = 0; i < UNIX_FDK_COUNT + 1; i++)
		r->fd_kinds[i] = 0;
	r->nfds = 0;
	if (!fp)
		return;
	count = BPF_CORE_READ(fp, count);
	if (count <= 0)
		return;
	r->nfds = count;
	for (i = 0; i < UNIX_FD_SCAN && i < count; i++) {
		struct file *f = BPF_CORE_READ(fp, fp[i]);
		__u32 k = f ? unix_fd_kind(f) : UNIX_FDK_UNKNOWN;

		if (k < UNIX_FDK_COUNT)
			r->fd_kinds[k]++;
	}
	if (count > UNIX_FD_SCAN)
		r->fd_kinds[UNIX_FDK_UNKNOWN] += count - UNIX_FD_SCAN;
}

/* ---- -s: receives paired by a tag are counted here instead of streamed ---- */
#define UNIX_AGG_GROUPS 4       /* senders one receive can hold; more stream */

struct unix_rx_group {          /* what one receive took from one tagged sender */
	__u64 ts;                   /* its first copy */
	__u64 bytes;
	__u64 start_ns;
	__u32 messages;
	__u32 tgid, tid;
	__u32 pad;
	char comm[IPCSNOOP_COMM_LEN];
	struct unix_sock_info sender;
};

struct unix_rx_state {          /* one thread's receive in progress */
	__u32 ngroups;
	__u32 pad;
	struct unix_rx_group g[UNIX_AGG_GROUPS];
};

/* Per thread: its receive in progress that copied from tagged senders
 * (ngroups 0: none). Created by the first counted copy, so only with -s. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct unix_rx_state);
} unix_rx_agg SEC(".maps");

/* One entry per summary row (sized 1 without -s); read and emptied by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, UNIX_AGG_MAX);
	__type(key, struct unix_agg_key);
	__type(value, struct unix_agg_val);
} unix_agg SEC(".maps");

/* A new entry is built here (too large for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unix_agg_val);
} unix_agg_scratch SEC(".maps");

/* Receive groups streamed because unix_agg was full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unix_agg_full SEC(".maps");

/* -s: add a tagged copy to its thread's receive; false: stream it instead. */
static __always_inline bool unix_agg_copy(struct sock *sk, const struct unix_tag *tag, int len)
{
	struct unix_rx_state *s;
	__u64 bytes = len > 0 ? len : 0;
	struct unix_rx_group *g;
	__u32 n;

	s = bpf_task_storage_get(&unix_rx_agg, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return false;           /* no storage to be had: stream it */
	n = s->ngroups;
	for (int i = 0; i < UNIX_AGG_GROUPS; i++) {
		if (i >= n)
			break;
		g = &s->g[i];
		if (g->tgid == tag->tgid && g->sender.sk == (__u64)sk) {
			g->bytes += bytes;
			g->messages++;
			return true;
		}
	}
	barrier_var(n);         /* one register for the bound and the index (6.1's verifier
				 * did not see the bound on the copy the compiler indexed with) */
	if (n >= UNIX_AGG_GROUPS)
		return false;           /* one receive from more senders than we hold */
	g = &s->g[n];
	g->ts = bpf_ktime_get_ns();
	g->bytes = bytes;
	g->start_ns = tag->start_ns;
	g->messages = 1;
	g->tgid = tag->tgid;
	g->tid = tag->tid;
	g->pad = 0;
	__builtin_memcpy(g->comm, tag->comm, IPCSNOOP_COMM_LEN);
	unix_sock_fill(&g->sender, sk);
	s->ngroups = n + 1;
	return true;
}

static __always_inline void unix_agg_sock_of(struct unix_agg_sock *k, const struct unix_sock_info *i)
{
	k->sk = i->sk;
	k->peer = i->peer;
	k->inode = i->inode;
	k->type = i->type;
	k->flags = i->flags;
	k->pad = 0;
	k->addr_len = i->addr_len;
	k->pad2 = 0;
}

/* Stream a group unix_agg had no room for, as one copy record (the recv record follows). */
static __always_inline bool unix_agg_stream(const struct unix_rx_group *g)
{
	__u32 size = sizeof(struct rec_unix_copy) + (data_max ? IPCSNOOP_DATA_MAX : 0), zero = 0;
	struct rec_unix_copy *r;
	__u64 *full = bpf_map_lookup_elem(&unix_agg_full, &zero);

	if (full)
		*full += 1;
	r = bpf_ringbuf_reserve(&events, size, 0);
	if (!r) {
		count_drop(IPC_UNIX);
		return false;
	}
	fill_header(&r->hdr, REC_UNIX_COPY, size);
	r->hdr.ts_ns = g->ts;
	r->skb = 0;
	r->len = g->bytes;
	r->skb_len = g->bytes;
	r->offset = 0;
	r->sender_how = UNIX_SENDER_TAG;
	r->sender_tgid = g->tgid;
	r->sender_tid = g->tid;
	__builtin_memcpy(r->sender_comm, g->comm, IPCSNOOP_COMM_LEN);
	r->waiting = 0;
	r->has_creds = 0;
	r->cred_pid = r->cred_uid = r->cred_gid = 0;
	r->nfds = 0;
	__builtin_memset(r->fd_kinds, 0, sizeof(r->fd_kinds));
	r->data_len = 0;
	r->data_max = data_max;
	__builtin_memcpy(&r->sender, &g->sender, sizeof(r->sender));
	record_submit(r);
	return true;
}

/* Count one group of a receive in unix_agg; false: no room. */
static __always_inline bool unix_agg_add(const struct unix_agg_key *key, const struct unix_rx_group *g,
					 const struct unix_sock_info *dst, __u32 tid)
{
	struct unix_agg_val *v = bpf_map_lookup_elem(&unix_agg, key);
	__u32 zero = 0;

	if (!v) {
		struct unix_agg_val *init = bpf_map_lookup_elem(&unix_agg_scratch, &zero);

		if (!init)
			return false;
		init->count = 1;
		init->bytes = g->bytes;
		init->messages = g->messages;
		init->first_ns = g->ts;
		init->last_ns = g->ts;
		init->src_tid = g->tid;
		init->dst_tid = tid;
		__builtin_memcpy(init->src_comm, g->comm, IPCSNOOP_COMM_LEN);
		bpf_get_current_comm(init->dst_comm, sizeof(init->dst_comm));
		init->dst_ns_tgid = task_ns_tgid(bpf_get_current_task_btf());
		init->pad = 0;
		init->dst_cgroup_id = bpf_get_current_cgroup_id();
		__builtin_memcpy(init->src_addr, g->sender.addr, IPCSNOOP_PATH_LEN);
		__builtin_memcpy(init->dst_addr, dst->addr, IPCSNOOP_PATH_LEN);
		if (!bpf_map_update_elem(&unix_agg, key, init, BPF_NOEXIST))
			return true;
		v = bpf_map_lookup_elem(&unix_agg, key);     /* another CPU added it meanwhile */
		if (!v)
			return false;
	}
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes, g->bytes);
	__sync_fetch_and_add(&v->messages, g->messages);
	if (g->ts < v->first_ns)
		v->first_ns = g->ts;
	if (g->ts > v->last_ns)
		v->last_ns = g->ts;
	/* the latest names win, as in the summary */
	v->src_tid = g->tid;
	v->dst_tid = tid;
	__builtin_memcpy(v->src_comm, g->comm, IPCSNOOP_COMM_LEN);
	bpf_get_current_comm(v->dst_comm, sizeof(v->dst_comm));
	return true;
}

/*
 * -s: the receive returned on sk. If it delivered (ret >= 0), count each of
 * its groups; true if one was streamed instead (the recv record must follow).
 */
static __always_inline bool unix_agg_recv(__u32 tid, struct sock *sk, int ret)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct unix_rx_state *s;
	struct unix_sock_info dst = {};     /* its address bytes go to user space */
	struct unix_agg_key key = {};
	bool streamed = false;
	__u32 n;

	s = bpf_task_storage_get(&unix_rx_agg, cur, NULL, 0);
	if (!s || !s->ngroups)
		return false;
	n = s->ngroups;
	if (ret >= 0) {
		unix_sock_fill(&dst, sk);
		unix_agg_sock_of(&key.dst, &dst);
		key.dst_tgid = cur->tgid;
		key.dst_start_ns = task_start_ns(cur);
		for (int i = 0; i < UNIX_AGG_GROUPS; i++) {
			struct unix_rx_group *g = &s->g[i];

			if (i >= n)
				break;
			key.src_tgid = g->tgid;
			key.src_start_ns = g->start_ns;
			unix_agg_sock_of(&key.src, &g->sender);
			if (!unix_agg_add(&key, g, &dst, tid) && unix_agg_stream(g))
				streamed = true;
		}
	}
	s->ngroups = 0;             /* kept for the thread's next receive */
	return streamed;
}

/* In the sender: it queued skb key (len bytes, of socket owner) on a
 * receiver's queue: tag it (also fn_unix.bpf.h's kprobe) */
static __always_inline int unix_ready_tag(__u64 key, __u64 owner, __u32 len)
{
	struct unix_tag *old, tag = {};
	__u64 id;

	id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == self_tgid || !unix_filter_passes(id >> 32))
		return 0;
	tag.sk = owner;
	tag.tgid = id >> 32;
	tag.tid = (__u32)id;
	tag.len = len;
	tag.state = UNIX_TAG_SENDER;
	bpf_get_current_comm(&tag.comm, sizeof(tag.comm));
	if (summary_only)           /* direct loads: current is a BTF pointer */
		tag.start_ns = bpf_get_current_task_btf()->group_leader->start_time;
	unix_tags_insert();
	if (bpf_map_update_elem(&unix_tags, &key, &tag, BPF_NOEXIST) != -UNIX_EEXIST)
		return 0;
	old = bpf_map_lookup_elem(&unix_tags, &key);
	if (!old)
		return 0;               /* freed meanwhile */
	if (old->sk != owner || old->len != tag.len) {
		bpf_map_update_elem(&unix_tags, &key, &tag, BPF_ANY);   /* a stale entry */
		return 0;
	}
	if (old->state == UNIX_TAG_WAITING) {
		/* the receiver was first: say who sent what it copied */
		struct rec_unix_late *r = RECORD_RESERVE(struct rec_unix_late, REC_UNIX_LATE, IPC_UNIX);

		if (r) {
			r->skb = key;
			r->rx_tid = old->tid;
			r->len = tag.len;
			record_submit(r);
		}
		bpf_map_update_elem(&unix_tags, &key, &tag, BPF_ANY);
		return 0;
	}
	/* tagged already: by us (the same skb), or by a racing sender */
	if (old->state == UNIX_TAG_SENDER && old->tid != tag.tid)
		old->state = UNIX_TAG_CONFLICT;
	return 0;
}

/* sk's data is ready: in the sender, sk the receiver's (also fn_unix.bpf.h) */
static __always_inline int unix_ready_sk(const struct sock *sk)
{
	struct sk_buff *tail;
	struct sock *owner;

	if (sk->__sk_common.skc_family != UNIX_AF_UNIX ||
	    sk->__sk_common.skc_state == UNIX_TCP_LISTEN)
		return 0;
	tail = sk->sk_receive_queue.prev;
	if ((void *)tail == (void *)&sk->sk_receive_queue)
		return 0;               /* already read: nothing to tag */
	owner = tail->sk;
	if (!owner)
		return 0;
	return unix_ready_tag((__u64)tail, (__u64)owner, tail->len);
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(unix_ready, const struct sock *sk)
{
	return unix_ready_sk(sk);
}

static __always_inline void unix_forget(const struct sk_buff *skb)
{
	struct sock *sk;
	__u64 key = (__u64)skb;

	if (!unix_tags_used)
		return;
	sk = skb->sk;
	if (sk && sk->__sk_common.skc_family == UNIX_AF_UNIX)
		bpf_map_delete_elem(&unix_tags, &key);
}

SEC("tp_btf/consume_skb")
int BPF_PROG(unix_skb_consume, struct sk_buff *skb)
{
	unix_forget(skb);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(unix_skb_free, struct sk_buff *skb)
{
	unix_forget(skb);
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(unix_copy, const struct sk_buff *skb, int len)
{
	struct sock *sk = skb->sk;
	struct unix_skb_parms *cb;
	struct rec_unix_copy *r;
	struct unix_tag *tag;
	char ccomm[IPCSNOOP_COMM_LEN] = {};
	__u32 tgid, tid, cpid, size, headlen, offset, *pending;
	struct pid *pid;
	__u64 id, key;
	bool valid, waiting, cpid_read;

	if (!sk || sk->__sk_common.skc_family != UNIX_AF_UNIX)
		return 0;
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;
	tid = (__u32)id;
	if (tgid == self_tgid)
		return 0;
	cb = (struct unix_skb_parms *)skb->cb;
	pid = unix_cb_pid(cb);
	/*
	 * With a filter, while no selected process holds a unix socket: no
	 * sender tagged this skb (a selected one would have said so first), so
	 * only the credentials, if any, can name a selected end.
	 */
	if (!pid && !unix_filter_passes(tgid))
		return 0;
	key = (__u64)skb;
	tag = bpf_map_lookup_elem(&unix_tags, &key);
	valid = tag && tag->state == UNIX_TAG_SENDER && tag->sk == (__u64)sk && tag->len == skb->len;
	/* the credentials' pid and comm (probe reads) only when they are needed */
	cpid_read = false;
	if (!current_selected(tgid) && !(valid && unix_other_selected(tag->tgid, tag->comm))) {
		cpid = unix_pid_nr(pid, ccomm);
		cpid_read = true;
		if (!(cpid && unix_other_selected(cpid, ccomm)))
			return 0;
	}
	waiting = tag && tag->state == UNIX_TAG_WAITING;
	if (!tag) {
		/* copied before its sender tagged it: leave a placeholder */
		struct unix_tag w = { .sk = (__u64)sk, .tgid = tgid, .tid = tid, .len = skb->len,
				      .state = UNIX_TAG_WAITING };

		unix_tags_insert();
		if (bpf_map_update_elem(&unix_tags, &key, &w, BPF_NOEXIST) == -UNIX_EEXIST) {
			/* the sender tagged it just now */
			tag = bpf_map_lookup_elem(&unix_tags, &key);
			valid = tag && tag->state == UNIX_TAG_SENDER && tag->sk == (__u64)sk &&
				tag->len == skb->len;
		} else {
			waiting = true;
		}
	}
	/* -s: a tagged copy (also one tagged just now) is counted, not streamed */
	if (summary_only && valid && tag && unix_agg_copy(sk, tag, len))
		return 0;
	if (!cpid_read)
		cpid = unix_pid_nr(pid, ccomm);

	size = sizeof(*r) + (data_max ? IPCSNOOP_DATA_MAX : 0);
	r = bpf_ringbuf_reserve(&events, size, 0);
	if (!r) {
		count_drop(IPC_UNIX);
		return 0;
	}
	fill_header(&r->hdr, REC_UNIX_COPY, size);
	r->skb = key;
	r->len = len > 0 ? len : 0;
	r->skb_len = skb->len;
	offset = sk->sk_type == UNIX_SOCK_STREAM ? BPF_CORE_READ(cb, consumed) : 0;
	r->offset = offset;
	if (valid) {
		r->sender_how = UNIX_SENDER_TAG;
		r->sender_tgid = tag->tgid;
		r->sender_tid = tag->tid;
		__builtin_memcpy(r->sender_comm, tag->comm, IPCSNOOP_COMM_LEN);
	} else if (cpid) {
		r->sender_how = UNIX_SENDER_CREDS;
		r->sender_tgid = cpid;
		r->sender_tid = cpid;
		__builtin_memcpy(r->sender_comm, ccomm, IPCSNOOP_COMM_LEN);
	} else {
		r->sender_how = UNIX_SENDER_UNKNOWN;
		r->sender_tgid = 0;
		r->sender_tid = 0;
		__builtin_memset(r->sender_comm, 0, IPCSNOOP_COMM_LEN);
	}
	r->waiting = !valid && waiting;
	r->has_creds = pid != NULL;
	r->cred_pid = cpid;
	r->cred_uid = BPF_CORE_READ(cb, uid.val);
	r->cred_gid = BPF_CORE_READ(cb, gid.val);
	unix_count_fds(r, BPF_CORE_READ(cb, fp));
	r->data_max = data_max;
	unix_sock_fill(&r->sender, sk);
	r->data_len = 0;
	if (data_max) {
		/* the linear part holds the first ~3.7 KiB of every skb unix builds */
		headlen = skb->len - skb->data_len;
		if (offset < headlen) {
			__u64 n = headlen - offset;     /* 64-bit: the verifier sees the clamps */

			if (n > r->len)
				n = r->len;
			if (n > data_max)
				n = data_max;
			if (n > IPCSNOOP_DATA_MAX)
				n = IPCSNOOP_DATA_MAX;
			barrier_var(n);
			if (!bpf_probe_read_kernel((void *)(r + 1), n, skb->data + offset))
				r->data_len = n;
		}
	}
	record_submit(r);
	if (!unix_pending_used)
		unix_pending_used = 1;
	pending = bpf_task_storage_get(&unix_pending, bpf_get_current_task_btf(), NULL,
				       BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (pending)
		*pending = 1;
	return 0;
}

/* A receive on unix socket sk returned ret (also fn_unix.bpf.h's kprobe:
 * sk is read with BPF_CORE_READ only) */
static __always_inline int unix_recv_done(struct sock *sk, int ret, int flags)
{
	struct rec_unix_recv *r;
	bool streamed = false;
	__u32 tid, *pending = NULL;

	tid = (__u32)bpf_get_current_pid_tgid();
	if (summary_only)
		streamed = unix_agg_recv(tid, sk, ret);
	if (unix_pending_used)
		pending = bpf_task_storage_get(&unix_pending, bpf_get_current_task_btf(), NULL, 0);
	if (!streamed && (!pending || !*pending))
		return 0;               /* no copy record was kept for this receive */
	if (pending)
		*pending = 0;
	r = RECORD_RESERVE(struct rec_unix_recv, REC_UNIX_RECV, IPC_UNIX);
	if (!r)
		return 0;
	r->ret = ret;
	r->flags = flags;
	unix_sock_fill(&r->sock, sk);
	record_submit(r);
	return 0;
}

/* A receive on sk returned ret (also fn_unix.bpf.h) */
static __always_inline int unix_recv_sk(struct sock *sk, int ret, int flags)
{
	if (sk->__sk_common.skc_family != UNIX_AF_UNIX)
		return 0;
	return unix_recv_done(sk, ret, flags);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(unix_recv, struct sock *sk, int ret, int flags)
{
	return unix_recv_sk(sk, ret, flags);
}

/* syscalls:sys_exit_* layout (see its format file) */
struct unix_sys_exit {
	__u64 common;
	__s32 nr;
	__s32 pad;
	long ret;
};

static __always_inline struct file *unix_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline int unix_accepted(long fd)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	char ccomm[IPCSNOOP_COMM_LEN] = {};
	struct rec_unix_accept *r;
	struct sock *sk, *client;
	struct socket *so;
	struct file *f;
	__u32 ctgid;

	if (fd < 0 || cur->tgid == self_tgid)
		return 0;
	f = unix_fd_file(cur, fd);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & UNIX_S_IFMT) != UNIX_S_IFSOCK)
		return 0;
	so = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(so, sk);
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_family) != UNIX_AF_UNIX)
		return 0;
	ctgid = unix_pid_nr(BPF_CORE_READ(sk, sk_peer_pid), ccomm);
	if (current_selected(cur->tgid)) {
		if (!unix_interest_any)
			unix_interest_any = 1;
	} else if (!(ctgid && unix_other_selected(ctgid, ccomm))) {
		return 0;
	}
	r = RECORD_RESERVE(struct rec_unix_accept, REC_UNIX_ACCEPT, IPC_UNIX);
	if (!r)
		return 0;
	r->client_tgid = ctgid;
	r->pad = 0;
	__builtin_memcpy(r->client_comm, ccomm, IPCSNOOP_COMM_LEN);
	unix_sock_fill(&r->server, sk);
	client = BPF_CORE_READ((struct unix_sock *)sk, peer);
	if (client)
		unix_sock_fill(&r->client, client);
	else
		__builtin_memset(&r->client, 0, sizeof(r->client));
	record_submit(r);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int unix_accept4(struct unix_sys_exit *ctx)
{
	return unix_accepted(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int unix_accept(struct unix_sys_exit *ctx)
{
	return unix_accepted(ctx->ret);
}

/*
 * With a filter: a selected process creating a unix socket will hold one, so
 * unselected senders must tag from now on (before anyone can connect to it or
 * write into its pair). Set at the call's entry: a little early is harmless.
 */
static __always_inline int unix_created(long family)
{
	__u32 tgid;

	if (family != UNIX_AF_UNIX || unix_interest_any)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid != self_tgid)
		unix_filter_passes(tgid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_socket")
int unix_socket_enter_filtered(struct trace_event_raw_sys_enter *ctx)
{
	return unix_created(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_socketpair")
int unix_socketpair_enter_filtered(struct trace_event_raw_sys_enter *ctx)
{
	return unix_created(ctx->args[0]);
}
