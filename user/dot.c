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

/*
 * A node is a process: (pid, start time). A pid reused during the run is
 * another node: the oldest process keeps "p<pid>", later ones "p<pid>_2"...
 */
struct node {
	const struct endpoint *ep;    /* as first seen */
	unsigned first;               /* order of first appearance */
	unsigned ordinal;             /* 1 for the oldest process with this pid */
};

static int node_cmp(const struct endpoint *a, const struct endpoint *b)
{
	if (a->known != b->known)
		return a->known < b->known ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns ? -1 : 1;
	return 0;
}

static int node_sort(const void *x, const void *y)
{
	const struct node *a = x, *b = y;
	int c = node_cmp(a->ep, b->ep);

	return c ? c : (a->first > b->first) - (a->first < b->first);
}

/* The distinct processes of the rows, sorted; *n set. NULL if out of memory. */
static struct node *collect_nodes(struct summary_row **rows, unsigned nrows, unsigned *n)
{
	struct node *v = calloc(2 * (size_t)nrows + 1, sizeof(*v));
	unsigned m = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (unsigned i = 0; i < nrows; i++) {
		v[m++] = (struct node){ .ep = &rows[i]->src, .first = 2 * i };
		v[m++] = (struct node){ .ep = &rows[i]->dst, .first = 2 * i + 1 };
	}
	qsort(v, m, sizeof(*v), node_sort);
	for (unsigned i = 0; i < m; i++) {
		if (*n && !node_cmp(v[*n - 1].ep, v[i].ep))
			continue;     /* the same process: keep its first appearance */
		v[*n] = v[i];
		v[*n].ordinal = *n && v[*n - 1].ep->known == v[i].ep->known &&
				v[*n - 1].ep->pid == v[i].ep->pid ? v[*n - 1].ordinal + 1 : 1;
		(*n)++;
	}
	return v;
}

static const struct node *find_node(const struct node *v, unsigned n, const struct endpoint *ep)
{
	unsigned lo = 0, hi = n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		int c = node_cmp(v[mid].ep, ep);

		if (!c)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void node_id(FILE *f, const struct node *nd)
{
	if (!nd->ep->known)
		fputs("unknown", f);
	else if (nd->ordinal > 1)
		fprintf(f, "p%u_%u", nd->ep->pid, nd->ordinal);
	else
		fprintf(f, "p%u", nd->ep->pid);
}

static void put_node(FILE *f, const struct node *nd)
{
	const struct endpoint *ep = nd->ep;

	fputs("  ", f);
	node_id(f, nd);
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

static void put_edge(FILE *f, const struct summary_row *r, const struct node *v, unsigned nv)
{
	const struct kind_style *st = &styles[r->kind < IPC_KIND_COUNT ? r->kind : IPC_PROC];

	fputs("  ", f);
	node_id(f, find_node(v, nv, &r->src));
	fputs(" -> ", f);
	node_id(f, find_node(v, nv, &r->dst));
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
	struct node *nodes = NULL;
	unsigned n, nn = 0;

	rows = summary_sorted(s, &n);
	if (rows)
		nodes = collect_nodes(rows, n, &nn);
	fputs("digraph ipcsnoop {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\", fontsize=10];\n", f);
	for (unsigned i = 0; nodes && i < nn; i++)
		put_node(f, &nodes[i]);
	for (unsigned i = 0; nodes && i < n; i++)
		put_edge(f, rows[i], nodes, nn);
	fputs("}\n", f);
	free(nodes);
	free(rows);
	if (fclose(f)) {
		p_err("cannot write '%s': %s (--dot)", path, strerror(errno));
		return -1;
	}
	return 0;
}
