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
 * Same records, built by unix.bpf.h's inline functions. fentry only: those use
 * direct (BTF) loads, which a kprobe's untyped arguments do not allow.
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
