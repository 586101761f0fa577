// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Helpers shared by the SysV and POSIX IPC models. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "edge.h"
#include "sysv_model.h"

const char *sysv_proc_root = "/proc";
bool sysv_snapshot_msgs = true;

void sysv_key_str(char *buf, size_t cap, bool known, __s64 key)
{
	if (!known)
		snprintf(buf, cap, "?");
	else if (key == 0)
		snprintf(buf, cap, "IPC_PRIVATE");
	else
		snprintf(buf, cap, "0x%08x", (__u32)key);
}

__u32 sysv_own_ipc_ns(void)
{
	char path[256], link[64] = "";
	unsigned long inum = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/self/ns/ipc", sysv_proc_root);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "ipc:[%lu]", &inum) != 1)
		return 0;
	return inum;
}

bool sysv_proc_lookup(const char *kind, __s32 id, __s64 *key, __u64 *size)
{
	char path[256], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sysvipc/%s", sysv_proc_root, kind);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		long long k, n;
		int i, perms;

		/* msg and sem: key id perms ...; shm: key id perms size ... */
		if (sscanf(line, "%lld %d %o %lld", &k, &i, &perms, &n) < 3 || i != id)
			continue;
		*key = (__s32)k;
		if (size)
			*size = n;
		found = true;
	}
	fclose(f);
	return found;
}

void sysv_endpoint(struct endpoint *ep, const struct rec_header *h)
{
	endpoint_set(ep, h->tgid, h->tid, h->comm);
}

const char *sysv_result(long long ret, char *buf, size_t cap)
{
	static const struct { int err; const char *name; } names[] = {
		{ EAGAIN, "EAGAIN" }, { EINTR, "EINTR" }, { E2BIG, "E2BIG" }, { ENOMSG, "ENOMSG" },
		{ EIDRM, "EIDRM" }, { EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ ENOMEM, "ENOMEM" }, { EFBIG, "EFBIG" }, { ERANGE, "ERANGE" }, { ENOENT, "ENOENT" },
		{ EEXIST, "EEXIST" }, { ETIMEDOUT, "ETIMEDOUT" }, { EBADF, "EBADF" },
		{ EMSGSIZE, "EMSGSIZE" }, { ENOSPC, "ENOSPC" }, { EPERM, "EPERM" },
	};

	if (ret >= 0)
		return "ok";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (-ret == names[i].err)
			return names[i].name;
	snprintf(buf, cap, "errno%lld", -ret);
	return buf;
}

void sysv_event_init(struct edge *e, enum ipc_kind kind, const struct rec_header *h,
		     const char *op)
{
	edge_init(e, kind, h->ts_ns);
	sysv_endpoint(&e->src, h);
	sysv_endpoint(&e->dst, h);
	e->solo = true;
	edge_attr_str(e, "op", op);
}
