/* Collects the edges a correlator emits, and builds synthetic records. */
#ifndef COLLECT_H
#define COLLECT_H

#include <string.h>
#include "correlator.h"

#define COLLECT_MAX 256

struct collected {
	int n;
	struct edge edges[COLLECT_MAX];
};

static inline void collect_edge(void *ctx, const struct edge *e)
{
	struct collected *c = ctx;

	if (c->n < COLLECT_MAX)
		c->edges[c->n] = *e;
	c->n++;
}

/* The value of a string attribute, or "" */
static inline const char *attr_str(const struct edge *e, const char *key)
{
	for (int i = 0; i < e->nattrs; i++)
		if (!strcmp(e->attrs[i].key, key))
			return e->attrs[i].str;
	return "";
}

static inline long long attr_int(const struct edge *e, const char *key)
{
	for (int i = 0; i < e->nattrs; i++)
		if (!strcmp(e->attrs[i].key, key))
			return e->attrs[i].num;
	return -1;
}

static inline void make_header(struct rec_header *h, __u16 type, __u16 size, __u64 ts,
			__u32 tgid, __u32 tid, const char *comm)
{
	memset(h, 0, size);
	h->type = type;
	h->size = size;
	h->ts_ns = ts;
	h->tgid = tgid;
	h->tid = tid;
	strncpy(h->comm, comm, sizeof(h->comm));
}

#endif
