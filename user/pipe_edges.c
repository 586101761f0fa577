// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pipe edges: one per (read, writer) with the bytes that read took from that
 * writer; bytes nobody read are one edge per (pipe, writer) whose destination
 * is unknown, with "unread": true.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "pipe_model.h"

static const char *const op_names[PIPE_OP_COUNT] = {
	[PIPE_OP_NONE] = "?", [PIPE_OP_READ] = "read", [PIPE_OP_READV] = "readv",
	[PIPE_OP_PREADV2] = "preadv2", [PIPE_OP_WRITE] = "write", [PIPE_OP_WRITEV] = "writev",
	[PIPE_OP_PWRITEV2] = "pwritev2", [PIPE_OP_SPLICE] = "splice", [PIPE_OP_TEE] = "tee",
	[PIPE_OP_VMSPLICE] = "vmsplice", [PIPE_OP_SENDFILE] = "sendfile",
};

const char *pipe_op_name(unsigned op)
{
	return op < PIPE_OP_COUNT ? op_names[op] : "?";
}

static struct pipe_state *state_of(struct pipe_stream *ps)
{
	return (struct pipe_state *)((char *)ps - offsetof(struct pipe_state, st));
}

/* A named FIFO whose SEEN record was lost: ask /proc while the reader lives */
static void path_from_proc(struct pipe_state *p, __u32 tgid, __s32 fd)
{
	char link[64];
	ssize_t n;

	if (p->path[0] || fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/%u/fd/%d", tgid, fd);
	n = readlink(link, p->path, sizeof(p->path) - 1);
	p->path[n > 0 && p->path[0] == '/' ? n : 0] = '\0';
}

void pipe_edge_base(struct edge *e, const struct pipe_state *p, __u64 ts, __u64 bytes)
{
	edge_init(e, IPC_PIPE, ts);
	if (p->named && p->path[0])
		edge_set_object(e, "%s", p->path);
	else if (p->named)
		edge_set_object(e, "fifo:[%llu]", (unsigned long long)p->id.ino);
	else
		edge_set_object(e, "pipe:[%llu]", (unsigned long long)p->id.ino);
	e->has_bytes = true;
	e->bytes = bytes;
	edge_attr_int(e, "inode", (long long)p->id.ino);
	edge_attr_bool(e, "fifo", p->named);
}

static void set_proc(struct endpoint *ep, const struct pipe_proc *pp)
{
	if (pp->known)
		endpoint_set(ep, pp->tgid, pp->tid, pp->comm);
	/* else: known=false, printed as ?/[unknown]: never invented */
}

void pipe_edges_read(void *ctx, struct pipe_stream *ps, const struct pipe_read *r)
{
	struct pipe_model *m = ctx;
	struct pipe_state *p = state_of(ps);

	if (p->named)
		path_from_proc(p, r->r.tgid, r->fd);
	const char *lossy = ps->lossy ? PIPE_WHY_EVICTED :
			    p->epoch != m->loss_epoch ? PIPE_WHY_LOST : NULL;

	for (__u32 i = 0; i < r->ncred; i++) {
		const struct pipe_credit *c = &r->cred[i];
		const char *why = c->why ? c->why : lossy;
		struct edge e;

		if (!c->bytes || (!c->w.known && c->why && !strcmp(c->why, PIPE_WHY_SELF)))
			continue;               /* ipcsnoop's own output */
		pipe_edge_base(&e, p, r->ts, c->bytes);
		set_proc(&e.src, &c->w);
		set_proc(&e.dst, &r->r);
		e.inferred = !c->w.known || c->uncertain || lossy;
		edge_attr_str(&e, "read_op", pipe_op_name(r->op));
		if (c->w.known) {
			edge_attr_str(&e, "write_op", pipe_op_name(c->wop));
			edge_attr_int(&e, "writes", c->writes);
		}
		if (why)
			edge_attr_str(&e, "reason", why);
		if (c->w.known)
			edge_set_detail(&e, "bytes=%llu %s->%s writes=%u%s%s",
					(unsigned long long)c->bytes, pipe_op_name(c->wop),
					pipe_op_name(r->op), c->writes, why ? " reason=" : "",
					why ? why : "");
		else
			edge_set_detail(&e, "bytes=%llu ?->%s reason=%s", (unsigned long long)c->bytes,
					pipe_op_name(r->op), c->why ? c->why : "?");
		if (c->data_len) {
			e.data = c->data;
			e.data_len = c->data_len;
		}
		correlator_emit(m->c, &e);
	}
}

void pipe_edges_unread(void *ctx, struct pipe_stream *ps, const struct pipe_credit *c, __u64 ts,
		       const char *why)
{
	/* unseen-read: gone from the pipe, reader not seen; else still there */
	bool unread = strcmp(why, PIPE_WHY_UNSEEN_READ) != 0;
	struct pipe_model *m = ctx;
	struct pipe_state *p = state_of(ps);
	struct edge e;

	if (!c->bytes)
		return;
	pipe_edge_base(&e, p, ts, c->bytes);
	set_proc(&e.src, &c->w);
	e.inferred = true;                  /* no reader: not a pairing */
	edge_attr_str(&e, "write_op", pipe_op_name(c->wop));
	edge_attr_int(&e, "writes", c->writes);
	if (unread)
		edge_attr_bool(&e, "unread", true);
	edge_attr_str(&e, "reason", why);
	edge_set_detail(&e, "bytes=%llu %s->? %swrites=%u reason=%s", (unsigned long long)c->bytes,
			pipe_op_name(c->wop), unread ? "unread " : "", c->writes, why);
	if (c->data_len) {
		e.data = c->data;
		e.data_len = c->data_len;
	}
	correlator_emit(m->c, &e);
}
