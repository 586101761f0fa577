// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Unix sockets: the edges a receive group or an accepted connection becomes. */
#include <stdio.h>
#include <string.h>
#include "unix_model.h"

void unix_emit_group(struct correlator *c, const struct unix_rx *rx,
		     const struct unix_group *g, const struct unix_sock_info *rsock, bool peek)
{
	enum unix_server server;
	const char *type = unix_type_name(rsock ? rsock->type : g->sender.type);
	char obj[EDGE_OBJECT_LEN], kinds[96] = "", creds[64] = "", extra[160] = "";
	const char *sname;
	size_t olen;
	struct edge e;

	server = unix_server_end(&g->sender, rsock);
	sname = unix_server_name(server);
	olen = unix_object_name(&g->sender, rsock, server, obj, sizeof(obj));

	edge_init(&e, IPC_UNIX, g->ts);
	switch (g->how) {
	case UNIX_SENDER_TAG:
		endpoint_set(&e.src, g->tgid, g->tid, g->comm);
		break;
	case UNIX_SENDER_CREDS:
		/* the kernel wrote the sender's pid; a privileged sender may claim another */
		endpoint_set(&e.src, g->tgid, g->tid, g->comm);
		e.inferred = true;
		break;
	default:
		e.src.known = false;
		e.inferred = true;
		c->stats.gave_up[IPC_UNIX]++;
		break;
	}
	endpoint_set(&e.dst, rx->tgid, rx->tid, rx->comm);
	if (e.src.known)
		e.src.start_ns = g->start_ns;
	e.dst.start_ns = rx->start_ns;
	if (g->count) {             /* counted in the kernel (-s) */
		e.count = g->count;
		e.last_ns = g->last_ns;
	}
	edge_set_object_bytes(&e, obj, olen);
	e.has_bytes = true;
	e.bytes = g->bytes;
	edge_attr_str(&e, "socket_type", type);
	if (sname)
		edge_attr_str(&e, "server", sname);
	if (g->sender.inode)
		edge_attr_int(&e, "src_inode", g->sender.inode);
	if (rsock && rsock->inode)
		edge_attr_int(&e, "dst_inode", rsock->inode);
	edge_attr_int(&e, "messages", g->messages);
	if (g->nfds) {
		unix_fd_kinds_str(g->fd_kinds, kinds, sizeof(kinds));
		edge_attr_int(&e, "fds", g->nfds);
		edge_attr_str(&e, "fd_kinds", kinds);
		snprintf(extra, sizeof(extra), " fds=%u(%s)", g->nfds, kinds);
	}
	if (g->has_creds) {
		snprintf(creds, sizeof(creds), "pid=%u uid=%u gid=%u", g->cred_pid, g->cred_uid, g->cred_gid);
		edge_attr_str(&e, "creds", creds);
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " creds=%u/%u/%u",
			 g->cred_pid, g->cred_uid, g->cred_gid);
	}
	if (peek)
		edge_attr_bool(&e, "peek", true);
	if (g->how != UNIX_SENDER_TAG || g->late)
		edge_attr_str(&e, "paired_by", g->late ? "late-tag" :
			      g->how == UNIX_SENDER_CREDS ? "credentials" : "none");
	edge_set_detail(&e, "type=%s bytes=%llu%s%s%s%s%s", type, (unsigned long long)g->bytes,
			sname ? " server=" : "", sname ? sname : "", extra, peek ? " peek" : "",
			g->how == UNIX_SENDER_CREDS ? " sender=credentials" :
			g->how == UNIX_SENDER_TAG ? "" : " sender=unknown");
	if (g->has_data) {
		e.data = g->data;
		e.data_len = g->data_len;
	}
	correlator_emit(c, &e);
}

void unix_emit_accept(struct correlator *c, const struct rec_unix_accept *r)
{
	char obj[EDGE_OBJECT_LEN];
	size_t olen = unix_addr_name(&r->server, obj, sizeof(obj));
	const char *type = unix_type_name(r->server.type);
	struct edge e;

	edge_init(&e, IPC_UNIX, r->hdr.ts_ns);
	if (r->client_tgid)
		endpoint_set(&e.src, r->client_tgid, r->client_tgid, r->client_comm);
	else
		e.src.known = false;
	e.inferred = !r->client_tgid;
	endpoint_set(&e.dst, r->hdr.tgid, r->hdr.tid, r->hdr.comm);
	if (olen)
		edge_set_object_bytes(&e, obj, olen);
	else
		edge_set_object(&e, "socket:[%llu]", (unsigned long long)r->server.inode);
	edge_attr_str(&e, "event", "connect");
	edge_attr_str(&e, "socket_type", type);
	edge_attr_str(&e, "server", "dst");
	if (r->client.inode)
		edge_attr_int(&e, "src_inode", r->client.inode);
	if (r->server.inode)
		edge_attr_int(&e, "dst_inode", r->server.inode);
	edge_set_detail(&e, "connect->accept type=%s server=dst", type);
	correlator_emit(c, &e);
}

