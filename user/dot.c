// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dot.h"
#include "log.h"

struct kind_style {
	const char *color, *style;
	bool undirected;
};

static const struct kind_style styles[IPC_KIND_COUNT] = {
	[IPC_SIGNAL] = { "firebrick", "dashed", false },
	[IPC_PIPE] = { "royalblue", "solid", false },
	[IPC_MSG] = { "darkorange", "solid", false },
	[IPC_SHM] = { "purple", "bold", true },
	[IPC_SEM] = { "saddlebrown", "dotted", false },
	[IPC_MQ] = { "teal", "solid", false },
	[IPC_UNIX] = { "forestgreen", "solid", false },
	[IPC_PROC] = { "gray", "dotted", false },
};

/* Inside a DOT quoted string: escape '"' and '\\'; other unsafe bytes become '?' */
static void put_dot_text(FILE *f, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static void node_id(FILE *f, const struct endpoint *ep)
{
	if (!ep->known)
		fputs("unknown", f);
	else
		fprintf(f, "p%u", ep->pid);
}

static void put_node(FILE *f, const struct endpoint *ep)
{
	fputs("  ", f);
	node_id(f, ep);
	if (!ep->known) {
		fputs(" [label=\"?\\nunknown\", style=dashed];\n", f);
		return;
	}
	if (ep->pid == 0) {
		fputs(" [label=\"kernel\", shape=octagon];\n", f);
		return;
	}
	fprintf(f, " [label=\"%u\\n", ep->pid);
	put_dot_text(f, ep->comm, sizeof(ep->comm));
	fputs("\"];\n", f);
}

static bool seen_before(struct summary_row **rows, unsigned upto, const struct endpoint *ep)
{
	for (unsigned i = 0; i < upto; i++) {
		const struct endpoint *a = &rows[i]->src, *b = &rows[i]->dst;

		if ((a->known == ep->known && a->pid == ep->pid) ||
		    (b->known == ep->known && b->pid == ep->pid))
			return true;
	}
	return false;
}

static void put_edge(FILE *f, const struct summary_row *r)
{
	const struct kind_style *st = &styles[r->kind < IPC_KIND_COUNT ? r->kind : IPC_PROC];

	fputs("  ", f);
	node_id(f, &r->src);
	fputs(" -> ", f);
	node_id(f, &r->dst);
	fprintf(f, " [color=%s, fontcolor=%s, style=%s%s, label=\"%s ", st->color, st->color,
		st->style, st->undirected ? ", dir=none" : "", ipc_kind_name(r->kind));
	put_dot_text(f, r->object, 48);
	if (r->has_bytes)
		fprintf(f, "\\n%llu B in %llu", (unsigned long long)r->bytes,
			(unsigned long long)r->count);
	else
		fprintf(f, "\\nx%llu", (unsigned long long)r->count);
	fputs("\"];\n", f);
}

FILE *dot_open(const char *path)
{
	FILE *f = NULL;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		p_err("cannot write '%s': %s (--dot)", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

int dot_write(FILE *f, const char *path, const struct summary *s)
{
	struct summary_row **rows;
	unsigned n;

	rows = summary_sorted(s, &n);
	fputs("digraph ipcsnoop {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\", fontsize=10];\n", f);
	for (unsigned i = 0; rows && i < n; i++) {
		if (!seen_before(rows, i, &rows[i]->src))
			put_node(f, &rows[i]->src);
		if (!seen_before(rows, i, &rows[i]->dst) &&
		    !(rows[i]->dst.known == rows[i]->src.known && rows[i]->dst.pid == rows[i]->src.pid))
			put_node(f, &rows[i]->dst);
	}
	for (unsigned i = 0; rows && i < n; i++)
		put_edge(f, rows[i]);
	fputs("}\n", f);
	free(rows);
	if (fclose(f)) {
		p_err("cannot write '%s': %s (--dot)", path, strerror(errno));
		return -1;
	}
	return 0;
}
