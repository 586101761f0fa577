// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unix sockets: addresses, objects and which end is the server. */
#include <stdio.h>
#include <string.h>
#include "unix_model.h"

const char *unix_type_name(unsigned type)
{
	switch (type) {
	case 1: return "stream";
	case 2: return "dgram";
	case 5: return "seqpacket";
	}
	return "unknown";
}

const char *unix_server_name(enum unix_server s)
{
	return s == UNIX_SERVER_SRC ? "src" : s == UNIX_SERVER_DST ? "dst" : NULL;
}

static size_t addr_len(const struct unix_sock_info *s)
{
	return s->addr_len > IPCSNOOP_PATH_LEN ? IPCSNOOP_PATH_LEN : s->addr_len;
}

size_t unix_addr_name(const struct unix_sock_info *s, char *buf, size_t cap)
{
	size_t len = addr_len(s), n;

	if (!len || cap < 2)
		return 0;
	if (s->addr[0] == '\0') {
		/* abstract: every byte after the leading NUL is the name */
		n = len - 1 < cap - 1 ? len - 1 : cap - 1;
		buf[0] = '@';
		memcpy(buf + 1, s->addr + 1, n);
		return n + 1;
	}
	n = strnlen(s->addr, len);      /* a path ends at its NUL */
	if (n > cap)
		n = cap;
	memcpy(buf, s->addr, n);
	return n;
}

static bool named(const struct unix_sock_info *s)
{
	return s && addr_len(s) > 0;
}

enum unix_server unix_server_end(const struct unix_sock_info *src, const struct unix_sock_info *dst)
{
	if (dst && (dst->flags & UNIX_SOCK_LISTENING))
		return UNIX_SERVER_DST;
	if (src->flags & UNIX_SOCK_ACCEPTED)
		return UNIX_SERVER_SRC;
	if (dst && (dst->flags & UNIX_SOCK_ACCEPTED))
		return UNIX_SERVER_DST;
	if (!dst)
		return UNIX_SERVER_UNKNOWN;
	/* a datagram client connect()ed to a server that did not connect back
	 * (both still open: closing clears the peer) */
	if (src->type == 2 && src->inode && dst->inode) {
		if (src->peer == dst->sk && dst->peer != src->sk)
			return UNIX_SERVER_DST;
		if (dst->peer == src->sk && src->peer != dst->sk)
			return UNIX_SERVER_SRC;
	}
	/* no connection facts: the only bound end serves */
	if (named(src) && !named(dst))
		return UNIX_SERVER_SRC;
	if (named(dst) && !named(src))
		return UNIX_SERVER_DST;
	return UNIX_SERVER_UNKNOWN;
}

static size_t inode_name(const char *what, __u64 inode, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s:[%llu]", what, (unsigned long long)inode);

	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t unix_object_name(const struct unix_sock_info *src, const struct unix_sock_info *dst,
			enum unix_server server, char *buf, size_t cap)
{
	if (server == UNIX_SERVER_SRC && named(src))
		return unix_addr_name(src, buf, cap);
	if (server == UNIX_SERVER_DST && named(dst))
		return unix_addr_name(dst, buf, cap);
	if (named(dst))
		return unix_addr_name(dst, buf, cap);     /* where the message was sent */
	if (named(src))
		return unix_addr_name(src, buf, cap);
	/* unnamed at both ends: only socketpair() connects two unnamed sockets */
	if (dst) {
		__u64 a = src->inode, b = dst->inode;

		if (a && b)
			return inode_name("socketpair", a < b ? a : b, buf, cap);
		return inode_name("socketpair", a ? a : b, buf, cap);
	}
	return inode_name("socket", src->inode, buf, cap);
}

static const char *const fd_kind_names[UNIX_FDK_COUNT] = {
	[UNIX_FDK_PIPE] = "pipe", [UNIX_FDK_SOCKET] = "socket", [UNIX_FDK_FILE] = "file",
	[UNIX_FDK_DIR] = "dir", [UNIX_FDK_CHR] = "chardev", [UNIX_FDK_BLK] = "blockdev",
	[UNIX_FDK_LINK] = "symlink", [UNIX_FDK_ANON] = "anon", [UNIX_FDK_UNKNOWN] = "unknown",
};

void unix_fd_kinds_str(const __u32 kinds[UNIX_FDK_COUNT], char *buf, size_t cap)
{
	size_t used = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (int k = 0; k < UNIX_FDK_COUNT; k++) {
		int n;

		if (!kinds[k])
			continue;
		n = snprintf(buf + used, cap - used, "%s%s:%u", used ? "," : "", fd_kind_names[k], kinds[k]);
		if (n < 0 || (size_t)n >= cap - used)
			return;         /* truncated, still NUL-terminated */
		used += n;
	}
}
