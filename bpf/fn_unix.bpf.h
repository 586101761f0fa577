/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Unix sockets on the fentry backend, for kernels without the sock:*
 * tracepoints (before 6.3: sock:sk_data_ready, sock:sock_recv_length):
 *  - sock_def_readable(sk): what an AF_UNIX socket's sk_data_ready is, called
 *    by the sender after it queued an skb, where sock:sk_data_ready fires;
 *  - unix_stream_recvmsg / unix_dgram_recvmsg (seqpacket's calls the dgram
 *    one) at their return: sock->ops->recvmsg, which sock_recvmsg_nosec calls
 *    where sock:sock_recv_length fires, for recv, read, recvmsg and every
 *    message of a recvmmsg.
 * Same records, built by unix.bpf.h's inline functions. The fentry programs
 * hand them their typed (BTF) arguments; the kprobe ones, whose arguments are
 * untyped, read what unix.bpf.h loads directly with BPF_CORE_READ (the kernels
 * that need them, before 6.3, have no bpf_rdonly_cast either) and call the
 * parts of it that read nothing directly.
 */

SEC("fentry")
int BPF_PROG(unix_fready_fentry, struct sock *sk)
{
	return unix_ready_sk(sk);
}

SEC("fexit")
int BPF_PROG(unix_frecv_fentry, struct socket *sock, struct msghdr *msg, size_t size, int flags,
	     int ret)
{
	return unix_recv_sk(sock->sk, ret, flags);
}

SEC("fexit")
int BPF_PROG(unix_frecv_fentry_2, struct socket *sock, struct msghdr *msg, size_t size, int flags,
	     int ret)
{
	return unix_recv_sk(sock->sk, ret, flags);
}

/* In case the compiler inlined unix_dgram_recvmsg into unix_seqpacket_recvmsg;
 * where it did not, the outer return finds the receive closed already. */
SEC("fexit")
int BPF_PROG(unix_frecv_fentry_3, struct socket *sock, struct msghdr *msg, size_t size, int flags,
	     int ret)
{
	return unix_recv_sk(sock->sk, ret, flags);
}

/* ---- kprobes: the loader attaches each to every function of the set ---- */

SEC("kprobe")
int BPF_KPROBE(unix_fready_kprobe, struct sock *sk)
{
	struct sk_buff *tail;
	struct sock *owner;

	if (BPF_CORE_READ(sk, __sk_common.skc_family) != UNIX_AF_UNIX ||
	    BPF_CORE_READ(sk, __sk_common.skc_state) == UNIX_TCP_LISTEN)
		return 0;
	tail = BPF_CORE_READ(sk, sk_receive_queue.prev);
	if ((void *)tail == (void *)__builtin_preserve_access_index(&sk->sk_receive_queue))
		return 0;               /* already read: nothing to tag */
	owner = BPF_CORE_READ(tail, sk);
	if (!owner)
		return 0;
	return unix_ready_tag((__u64)tail, (__u64)owner, BPF_CORE_READ(tail, len));
}

/* A unix receive from its entry to its return: the socket and the flags. */
struct fn_unix_recv {
	struct sock *sk;
	int flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);           /* tid */
	__type(value, struct fn_unix_recv);
} fn_unix_receiving SEC(".maps");

/* unix_stream/dgram/seqpacket_recvmsg(sock, msg, size, flags); seqpacket's
 * calls dgram's: the inner entry writes the same, the outer return finds none */
SEC("kprobe")
int BPF_KPROBE(unix_frecv_enter_kprobe, struct socket *sock, struct msghdr *msg, size_t size,
	       int flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fn_unix_recv r = { .sk = BPF_CORE_READ(sock, sk), .flags = flags };

	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	bpf_map_update_elem(&fn_unix_receiving, &tid, &r, BPF_ANY);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(unix_frecv_exit_kprobe, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fn_unix_recv *e = bpf_map_lookup_elem(&fn_unix_receiving, &tid);
	struct fn_unix_recv r;

	if (!e)
		return 0;
	r = *e;
	bpf_map_delete_elem(&fn_unix_receiving, &tid);
	return unix_recv_done(r.sk, (int)ret, r.flags);
}
