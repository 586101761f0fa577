// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "correlator.h"
#include "model.h"

#define DEFAULT_HOLD_NS (500ull * 1000 * 1000)

int correlator_init(struct correlator *c, edge_fn emit, void *emit_ctx)
{
	memset(c, 0, sizeof(*c));
	c->emit = emit;
	c->emit_ctx = emit_ctx;
	c->hold_ns = DEFAULT_HOLD_NS;
	if (proc_cache_init(&c->procs))
		return -1;
	for (int i = 0; i < MODEL_COUNT; i++) {
		c->models[i] = all_models[i]->create(c);
		if (!c->models[i]) {
			correlator_free(c);
			return -1;
		}
	}
	return 0;
}

void correlator_free(struct correlator *c)
{
	for (int i = 0; i < MODEL_COUNT; i++) {
		if (c->models[i])
			all_models[i]->destroy(c->models[i]);
		c->models[i] = NULL;
	}
	proc_cache_free(&c->procs);
}

void *correlator_model(struct correlator *c, const struct model_ops *ops)
{
	for (int i = 0; i < MODEL_COUNT; i++)
		if (all_models[i] == ops)
			return c->models[i];
	return NULL;
}

void correlator_learn_proc(struct correlator *c, __u32 tgid, __u32 tid, const char *comm,
			   __u64 start_ns, __u32 ns_tgid, __u64 cgroup_id, __u64 ts)
{
	const struct proc_entry *pe = proc_cache_lookup(&c->procs, tgid);

	if (!tgid || (pe && pe->start_ns && start_ns && pe->start_ns != start_ns))
		return;         /* the pid is another process's now */
	if (!pe) {
		proc_cache_update(&c->procs, tgid, tid, comm, ts);
		proc_cache_set_start(&c->procs, tgid, start_ns);
		pe = proc_cache_lookup(&c->procs, tgid);
	}
	if (pe && !pe->ns_tgid)
		proc_cache_set_ns(&c->procs, tgid, ns_tgid, cgroup_id);
}

/*
 * What the process cache knows of an end that its model did not say: its
 * start time (which process behind a reused pid), and for processes in
 * another pid namespace (containers) their own pid and cgroup.
 */
static void add_namespace(struct correlator *c, struct endpoint *ep)
{
	const struct proc_entry *pe;

	if (!ep->known || !ep->pid)
		return;
	pe = proc_cache_lookup(&c->procs, ep->pid);
	if (pe && !ep->start_ns)
		ep->start_ns = pe->start_ns;
	if (ep->ns_pid || (pe && ep->start_ns && pe->start_ns && pe->start_ns != ep->start_ns))
		return;     /* known already, or the cache now holds a newer process with this pid */
	if (pe && pe->ns_tgid && pe->ns_tgid != ep->pid) {
		ep->ns_pid = pe->ns_tgid;
		ep->cgroup_id = pe->cgroup_id;
	}
}

void correlator_emit(struct correlator *c, const struct edge *e)
{
	struct edge full = *e;

	add_namespace(c, &full.src);
	add_namespace(c, &full.dst);
	if ((unsigned)e->kind < IPC_KIND_COUNT)
		c->stats.edges[e->kind]++;
	c->emit(c->emit_ctx, &full);
}

void correlator_endpoint(struct correlator *c, struct endpoint *ep, __u32 tgid, __u32 tid)
{
	char comm[IPCSNOOP_COMM_LEN] = "";

	if (!proc_cache_comm(&c->procs, tgid, comm))
		memcpy(comm, "?", 2);
	endpoint_set(ep, tgid, tid ? tid : tgid, comm);
}

bool correlator_pid_selected(const struct correlator *c, __u32 pid, const char *comm)
{
	const struct corr_filter *f = &c->filter;

	if (!f->active)
		return true;
	for (int i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return true;
	return f->comm && comm && !strncmp(f->comm, comm, IPCSNOOP_COMM_LEN);
}

static int on_proc(struct correlator *c, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_PROC_FORK: {
		const struct rec_proc_fork *r = (const void *)h;

		if (len != sizeof(*r))
			return -1;
		proc_cache_update(&c->procs, h->tgid, h->tid, h->comm, h->ts_ns);
		proc_cache_set_start(&c->procs, h->tgid, h->start_ns);
		proc_cache_update(&c->procs, r->child_tgid, r->child_tid, r->child_comm, h->ts_ns);
		proc_cache_set_start(&c->procs, r->child_tgid, r->child_start_ns);
		for (int i = 0; i < MODEL_COUNT; i++)
			if (all_models[i]->proc_fork)
				all_models[i]->proc_fork(c->models[i], r);
		return 0;
	}
	case REC_PROC_EXEC: {
		const struct rec_proc_exec *r = (const void *)h;

		if (len != sizeof(*r))
			return -1;
		proc_cache_update(&c->procs, h->tgid, h->tid, h->comm, h->ts_ns);
		proc_cache_set_start(&c->procs, h->tgid, h->start_ns);
		for (int i = 0; i < MODEL_COUNT; i++)
			if (all_models[i]->proc_exec)
				all_models[i]->proc_exec(c->models[i], r);
		return 0;
	}
	case REC_PROC_EXIT: {
		const struct rec_proc_exit *r = (const void *)h;

		if (len != sizeof(*r))
			return -1;
		for (int i = 0; i < MODEL_COUNT; i++)
			if (all_models[i]->proc_exit)
				all_models[i]->proc_exit(c->models[i], r);
		return 0;
	}
	}
	return -1;
}

int correlator_record(struct correlator *c, const void *data, size_t len)
{
	const struct rec_header *h = data;

	c->stats.records++;
	if (len < sizeof(*h) || h->size != len)
		goto malformed;
	if (h->type < REC_TYPE_MAX)
		c->stats.by_type[h->type]++;
	if (h->ts_ns > c->last_ts_ns)
		c->last_ts_ns = h->ts_ns;
	if (h->type >= REC_PROC_FORK && h->type <= REC_PROC_EXIT) {
		if (on_proc(c, h, len))
			goto malformed;
		return 0;
	}
	for (int i = 0; i < MODEL_COUNT; i++) {
		const struct model_ops *ops = all_models[i];

		if (h->type < ops->rec_first || h->type > ops->rec_last)
			continue;
		/* every record names its process: keep the name for edges that outlive it */
		proc_cache_update(&c->procs, h->tgid, h->tid, h->comm, h->ts_ns);
		proc_cache_set_start(&c->procs, h->tgid, h->start_ns);
		proc_cache_set_ns(&c->procs, h->tgid, h->ns_tgid, h->cgroup_id);
		if (ops->record(c->models[i], h, len))
			goto malformed;
		return 0;
	}
malformed:
	c->stats.malformed++;
	return -1;
}

void correlator_tick(struct correlator *c, __u64 now_ns)
{
	for (int i = 0; i < MODEL_COUNT; i++)
		if (all_models[i]->tick)
			all_models[i]->tick(c->models[i], now_ns);
}

size_t correlator_held(struct correlator *c)
{
	size_t n = 0;

	for (int i = 0; i < MODEL_COUNT; i++)
		if (all_models[i]->held)
			n += all_models[i]->held(c->models[i]);
	return n;
}

void correlator_flush(struct correlator *c)
{
	for (int i = 0; i < MODEL_COUNT; i++)
		if (all_models[i]->flush)
			all_models[i]->flush(c->models[i]);
}

__u32 correlator_kinds_implemented(void)
{
	__u32 kinds = 0;

	for (int i = 0; i < MODEL_COUNT; i++)
		kinds |= all_models[i]->kinds;
	return kinds;
}
