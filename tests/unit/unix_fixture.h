/* Shared by the unix socket unit tests: socket types and a socket builder. */
#ifndef UNIX_FIXTURE_H
#define UNIX_FIXTURE_H

#include <string.h>
#include "unix_model.h"

#define STREAM 1
#define DGRAM 2
#define SEQPACKET 5

/* A socket: sk address, its peer's, inode, type, flags, address bytes (len may cover NULs). */
static inline struct unix_sock_info sock(__u64 sk, __u64 peer, __u64 inode, unsigned type,
					 unsigned flags, const char *addr, size_t alen)
{
	struct unix_sock_info s;

	memset(&s, 0, sizeof(s));
	s.sk = sk;
	s.peer = peer;
	s.inode = inode;
	s.type = type;
	s.flags = flags;
	s.state = flags & UNIX_SOCK_LISTENING ? 10 : 1;
	if (addr) {
		memcpy(s.addr, addr, alen);
		s.addr_len = alen;
	}
	return s;
}

#endif
