// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "edge.h"

static const char *const kind_names[IPC_KIND_COUNT] = {
	[IPC_SIGNAL] = "signal", [IPC_PIPE] = "pipe", [IPC_MSG] = "msg",
	[IPC_SHM] = "shm", [IPC_SEM] = "sem", [IPC_MQ] = "mq",
	[IPC_UNIX] = "unix", [IPC_PROC] = "proc",
};

const char *ipc_kind_name(enum ipc_kind kind)
{
	return (unsigned)kind < IPC_KIND_COUNT ? kind_names[kind] : "?";
}

void edge_init(struct edge *e, enum ipc_kind kind, __u64 ts_ns)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->ts_ns = ts_ns;
	e->count = 1;
}

void endpoint_set(struct endpoint *ep, __u32 pid, __u32 tid, const char *comm)
{
	ep->pid = pid;
	ep->tid = tid;
	ep->known = true;
	/* comms come from the kernel as up to 16 bytes, maybe without a NUL; or a literal */
	size_t n = strnlen(comm, IPCSNOOP_COMM_LEN);

	memcpy(ep->comm, comm, n);
	memset(ep->comm + n, 0, sizeof(ep->comm) - n);
}

void endpoint_set_started(struct endpoint *ep, __u32 pid, __u32 tid, const char *comm,
			  __u64 start_ns)
{
	endpoint_set(ep, pid, tid ? tid : pid, comm);
	ep->start_ns = start_ns;
}

static struct edge_attr *attr_add(struct edge *e, const char *key, enum attr_type t)
{
	struct edge_attr *a;

	if (e->nattrs >= EDGE_ATTR_MAX)
		return NULL;
	a = &e->attrs[e->nattrs++];
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->type = t;
	return a;
}

void edge_attr_int(struct edge *e, const char *key, long long v)
{
	struct edge_attr *a = attr_add(e, key, ATTR_INT);

	if (a)
		a->num = v;
}

void edge_attr_bool(struct edge *e, const char *key, bool v)
{
	struct edge_attr *a = attr_add(e, key, ATTR_BOOL);

	if (a)
		a->num = v;
}

void edge_attr_str(struct edge *e, const char *key, const char *s)
{
	struct edge_attr *a = attr_add(e, key, ATTR_STR);

	if (!a)
		return;
	a->len = strnlen(s, sizeof(a->str) - 1);
	memcpy(a->str, s, a->len);
}

void edge_set_object(struct edge *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->object, sizeof(e->object), fmt, ap);
	va_end(ap);
	e->object_len = 0;
}

void edge_set_object_bytes(struct edge *e, const void *bytes, size_t len)
{
	if (len > sizeof(e->object))
		len = sizeof(e->object);
	memcpy(e->object, bytes, len);
	if (len < sizeof(e->object))
		e->object[len] = '\0';
	e->object_len = len;
}

unsigned edge_object_len(const struct edge *e)
{
	return e->object_len ? e->object_len : strnlen(e->object, sizeof(e->object));
}

bool edge_details_wanted = true;

void edge_set_detail(struct edge *e, const char *fmt, ...)
{
	va_list ap;

	if (!edge_details_wanted) {
		e->detail[0] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}
