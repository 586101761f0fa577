// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A generated signal that the kernel queued is held until the receiver's
 * delivery record says what it did (handler, ignore, default action), or
 * until the target exits, or hold_ns passes (blocked: printed as pending).
 * Signals the kernel did not queue (ignored, already pending) print at once.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "signal_model.h"
#include "signal_names.h"

#define RESULT_DELIVERED 0

struct pending_signal {
	struct rec_signal_generate gen;
	bool used;
};

struct signal_model {
	struct correlator *c;
	struct pending_signal *ring;      /* FIFO in generation order */
	unsigned head, count;             /* oldest at head */
	__u64 unmatched_deliveries;       /* e.g. SIGKILL to the other threads of an exiting group */
};

struct signal_model *signal_model_new(struct correlator *c)
{
	struct signal_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->c = c;
	m->ring = calloc(SIGNAL_PENDING_MAX, sizeof(*m->ring));
	if (!m->ring) {
		free(m);
		return NULL;
	}
	return m;
}

void signal_model_free(struct signal_model *m)
{
	if (!m)
		return;
	free(m->ring);
	free(m);
}

__u64 signal_model_unmatched_deliveries(const struct signal_model *m)
{
	return m->unmatched_deliveries;
}

static void emit_n(struct signal_model *m, const struct rec_signal_generate *g, const char *action,
		   __u64 count, __u64 last_ns)
{
	const char *origin = signal_origin(g->signo, g->si_code, g->syscall_nr, g->sender_is_kthread);
	char name[24];
	struct edge e;

	edge_init(&e, IPC_SIGNAL, g->hdr.ts_ns);
	if (signal_origin_is_kernel(origin) || g->sender_is_kthread) {
		endpoint_set(&e.src, 0, 0, "[kernel]");
	} else {
		endpoint_set(&e.src, g->hdr.tgid, g->hdr.tid, g->hdr.comm);
		e.src.start_ns = g->hdr.start_ns;
	}
	endpoint_set(&e.dst, g->target_tgid, g->target_tid, g->target_comm);
	e.dst.start_ns = g->target_start_ns;
	signal_name(g->signo, name, sizeof(name));
	edge_set_object(&e, "%s", name);
	edge_attr_str(&e, "signal", name);
	edge_attr_str(&e, "scope", g->group ? "process" : "thread");
	edge_attr_int(&e, "signo", g->signo);
	edge_attr_str(&e, "origin", origin);
	edge_attr_int(&e, "si_code", g->si_code);
	edge_attr_str(&e, "result", signal_result_name(g->result));
	edge_attr_str(&e, "action", action);
	edge_set_detail(&e, "from=%s result=%s action=%s", origin,
			signal_result_name(g->result), action);
	e.count = count;
	e.last_ns = last_ns;
	correlator_emit(m->c, &e);
}

static void emit(struct signal_model *m, const struct rec_signal_generate *g, const char *action)
{
	emit_n(m, g, action, 1, 0);
}

void signal_model_aggregated(struct signal_model *m, const struct rec_signal_generate *r,
			     __u64 count, __u64 last_ns)
{
	/* counted in the kernel: the receiver's action is not known */
	emit_n(m, r, "unknown", count, last_ns);
}

static struct pending_signal *at(struct signal_model *m, unsigned i)
{
	return &m->ring[(m->head + i) % SIGNAL_PENDING_MAX];
}

/* Drop used=false slots from the head so the FIFO stays compact; an empty
 * FIFO starts again at slot 0, so the few signals usually pending keep to the
 * ring's first pages instead of walking (and making resident) all of it. */
static void trim(struct signal_model *m)
{
	while (m->count && !at(m, 0)->used) {
		m->head = (m->head + 1) % SIGNAL_PENDING_MAX;
		m->count--;
	}
	if (!m->count)
		m->head = 0;
}

static void release(struct signal_model *m, struct pending_signal *p, const char *action)
{
	emit(m, &p->gen, action);
	p->used = false;
}

void signal_model_generate(struct signal_model *m, const struct rec_signal_generate *r)
{
	struct pending_signal *p;

	proc_cache_update(&m->c->procs, r->target_tgid, r->target_tid, r->target_comm, r->hdr.ts_ns);
	proc_cache_set_start(&m->c->procs, r->target_tgid, r->target_start_ns);
	proc_cache_set_ns(&m->c->procs, r->target_tgid, r->target_ns_tgid, r->target_cgroup_id);
	if (r->result != RESULT_DELIVERED) {
		/* the kernel did not queue it: nothing will be delivered */
		emit(m, r, r->result == 1 ? "ignore" : "none");
		return;
	}
	if (m->count == SIGNAL_PENDING_MAX) {
		/* full: print the oldest now rather than lose it */
		m->c->stats.evicted[IPC_SIGNAL]++;
		release(m, at(m, 0), "pending");
		trim(m);
	}
	p = at(m, m->count++);
	p->gen = *r;
	p->used = true;
}

static const char *action_of(const struct rec_signal_deliver *d)
{
	if (d->handler == 0)
		return signal_default_action(d->signo);
	if (d->handler == 1)
		return "ignore";
	return "handler";
}

void signal_model_deliver(struct signal_model *m, const struct rec_signal_deliver *d)
{
	for (unsigned i = 0; i < m->count; i++) {
		struct pending_signal *p = at(m, i);

		if (p->used && p->gen.signo == d->signo && p->gen.target_tgid == d->hdr.tgid &&
		    (p->gen.group || p->gen.target_tid == d->hdr.tid)) {
			release(m, p, action_of(d));
			trim(m);
			return;
		}
	}
	/*
	 * A fatal signal with the default action does not reach the receiver as
	 * itself: complete_signal() turns it into a group exit, and each thread
	 * is then delivered SIGKILL. Credit the oldest pending fatal signal.
	 */
	if (d->signo == SIGKILL) {
		for (unsigned i = 0; i < m->count; i++) {
			struct pending_signal *p = at(m, i);
			const char *act = signal_default_action(p->gen.signo);

			if (p->used && p->gen.target_tgid == d->hdr.tgid &&
			    (!strcmp(act, "term") || !strcmp(act, "core"))) {
				release(m, p, act);
				trim(m);
				return;
			}
		}
	}
	m->unmatched_deliveries++;
}

void signal_model_exit(struct signal_model *m, __u32 tgid, __u64 ts_ns)
{
	for (unsigned i = 0; i < m->count; i++) {
		struct pending_signal *p = at(m, i);

		if (p->used && p->gen.target_tgid == tgid)
			release(m, p, "not-delivered");
	}
	trim(m);
}

void signal_model_tick(struct signal_model *m, __u64 now_ns)
{
	while (m->count) {
		struct pending_signal *p = at(m, 0);

		if (p->gen.hdr.ts_ns + m->c->hold_ns > now_ns)
			break;
		release(m, p, "pending");
		trim(m);
	}
}

void signal_model_flush(struct signal_model *m)
{
	for (unsigned i = 0; i < m->count; i++)
		if (at(m, i)->used)
			release(m, at(m, i), "pending");
	m->count = 0;
}

size_t signal_model_held(struct signal_model *m)
{
	size_t n = 0;

	for (unsigned i = 0; i < m->count; i++)
		n += at(m, i)->used;
	return n;
}

/* ---- model_ops glue ---- */

static void *create(struct correlator *c)
{
	return signal_model_new(c);
}

static void destroy(void *m)
{
	signal_model_free(m);
}

static int record(void *m, const struct rec_header *h, size_t len)
{
	switch (h->type) {
	case REC_SIGNAL_GENERATE:
		if (len != sizeof(struct rec_signal_generate))
			return -1;
		signal_model_generate(m, (const void *)h);
		return 0;
	case REC_SIGNAL_DELIVER:
		if (len != sizeof(struct rec_signal_deliver))
			return -1;
		signal_model_deliver(m, (const void *)h);
		return 0;
	}
	return -1;
}

static void tick(void *m, __u64 now_ns)
{
	signal_model_tick(m, now_ns);
}

static void flush(void *m)
{
	signal_model_flush(m);
}

static size_t held(void *m)
{
	return signal_model_held(m);
}

static void proc_exit(void *m, const struct rec_proc_exit *r)
{
	if (r->group_dead)
		signal_model_exit(m, r->hdr.tgid, r->hdr.ts_ns);
}

const struct model_ops signal_model_ops = {
	.name = "signal",
	.kinds = 1u << IPC_SIGNAL,
	.rec_first = REC_SIGNAL_FIRST,
	.rec_last = REC_SIGNAL_LAST,
	.create = create,
	.destroy = destroy,
	.record = record,
	.tick = tick,
	.flush = flush,
	.held = held,
	.proc_exit = proc_exit,
};
