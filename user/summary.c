// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "output.h"
#include "summary.h"

#define SLOTS (SUMMARY_MAX_ROWS * 2)

int summary_init(struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->rows = calloc(SUMMARY_MAX_ROWS, sizeof(*s->rows));
	s->slots = calloc(SLOTS, sizeof(*s->slots));
	if (!s->rows || !s->slots) {
		summary_free(s);
		return -1;
	}
	return 0;
}

void summary_free(struct summary *s)
{
	free(s->rows);
	free(s->slots);
	s->rows = NULL;
	s->slots = NULL;
}

void summary_reset(struct summary *s)
{
	memset(s->slots, 0, SLOTS * sizeof(*s->slots));
	s->nrows = 0;
	s->newest = s->oldest = 0;
	s->folded = 0;
	s->evicted = 0;
	memset(&s->other, 0, sizeof(s->other));
}

static __u64 mix(__u64 h, __u64 v)
{
	h ^= v;
	return h * 0x100000001b3ull;
}

static __u64 key_hash(const struct edge *e)
{
	__u64 h = 0xcbf29ce484222325ull;

	h = mix(h, e->kind);
	h = mix(h, ((__u64)e->src.pid << 1) | e->src.known);
	h = mix(h, ((__u64)e->dst.pid << 1) | e->dst.known);
	h = mix(h, e->src.start_ns);
	h = mix(h, e->dst.start_ns);
	for (unsigned i = 0, n = edge_object_len(e); i < n; i++)
		h = mix(h, (unsigned char)e->object[i]);
	return h;
}

static bool same_key(const struct summary_row *r, const struct edge *e)
{
	return r->kind == e->kind && r->src.pid == e->src.pid && r->src.known == e->src.known &&
	       r->dst.pid == e->dst.pid && r->dst.known == e->dst.known &&
	       r->src.start_ns == e->src.start_ns && r->dst.start_ns == e->dst.start_ns &&
	       r->object_len == edge_object_len(e) && !memcmp(r->object, e->object, r->object_len);
}

static void accumulate(struct summary_row *r, const struct edge *e)
{
	r->count += e->count;
	if (e->has_bytes) {
		r->has_bytes = true;
		r->bytes += e->bytes;
	}
	if (!r->first_ns || e->ts_ns < r->first_ns)
		r->first_ns = e->ts_ns;
	if (e->ts_ns > r->last_ns)
		r->last_ns = e->ts_ns;
	if (e->last_ns > r->last_ns)
		r->last_ns = e->last_ns;
	/* the latest name wins (exec renames a process) */
	r->src = e->src;
	r->dst = e->dst;
}

static struct summary_row *row(const struct summary *s, unsigned ref)
{
	return &s->rows[ref - 1];
}

static void unlink_recency(struct summary *s, unsigned ref)
{
	struct summary_row *r = row(s, ref);

	if (r->newer)
		row(s, r->newer)->older = r->older;
	else
		s->newest = r->older;
	if (r->older)
		row(s, r->older)->newer = r->newer;
	else
		s->oldest = r->newer;
	r->newer = r->older = 0;
}

static void push_newest(struct summary *s, unsigned ref)
{
	struct summary_row *r = row(s, ref);

	r->older = s->newest;
	r->newer = 0;
	if (s->newest)
		row(s, s->newest)->newer = ref;
	s->newest = ref;
	if (!s->oldest)
		s->oldest = ref;
}

/* Linear probing: remove slot i and shift back the entries that probed past it. */
static void slot_delete(struct summary *s, unsigned i)
{
	unsigned j = i;

	for (;;) {
		unsigned home;

		j = (j + 1) & (SLOTS - 1);
		if (!s->slots[j])
			break;
		home = row(s, s->slots[j])->hash & (SLOTS - 1);
		/* j stays if its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		s->slots[i] = s->slots[j];
		i = j;
	}
	s->slots[i] = 0;
}

static unsigned slot_of_ref(const struct summary *s, unsigned ref)
{
	unsigned i = row(s, ref)->hash & (SLOTS - 1);

	while (s->slots[i] != ref)
		i = (i + 1) & (SLOTS - 1);
	return i;
}

/* Full: the row updated least recently goes into "(other)"; its place is returned. */
static unsigned evict_oldest(struct summary *s)
{
	unsigned ref = s->oldest;
	struct summary_row *r = row(s, ref);
	struct summary_row *o = &s->other;

	unlink_recency(s, ref);
	slot_delete(s, slot_of_ref(s, ref));
	o->kind = r->kind;
	o->count += r->count;
	if (r->has_bytes) {
		o->has_bytes = true;
		o->bytes += r->bytes;
	}
	if (!o->first_ns || (r->first_ns && r->first_ns < o->first_ns))
		o->first_ns = r->first_ns;
	if (r->last_ns > o->last_ns)
		o->last_ns = r->last_ns;
	s->folded += r->count;
	s->evicted++;
	return ref;
}

void summary_add(struct summary *s, const struct edge *e)
{
	__u64 h = key_hash(e);
	unsigned i = h & (SLOTS - 1), ref;

	if (e->solo)      /* not an edge between two processes */
		return;
	struct summary_row *r;

	for (unsigned n = 0; n < SLOTS; n++, i = (i + 1) & (SLOTS - 1)) {
		if (!s->slots[i])
			break;
		r = row(s, s->slots[i]);
		if (same_key(r, e)) {
			accumulate(r, e);
			unlink_recency(s, s->slots[i]);
			push_newest(s, s->slots[i]);
			return;
		}
	}
	if (s->nrows < SUMMARY_MAX_ROWS) {
		ref = ++s->nrows;
	} else {
		ref = evict_oldest(s);
		i = h & (SLOTS - 1);      /* the delete may have moved the free slot */
		while (s->slots[i])
			i = (i + 1) & (SLOTS - 1);
	}
	r = row(s, ref);
	memset(r, 0, sizeof(*r));
	r->kind = e->kind;
	r->hash = h;
	memcpy(r->object, e->object, sizeof(r->object));
	r->object_len = edge_object_len(e);      /* abstract socket names hold NULs */
	accumulate(r, e);
	s->slots[i] = ref;
	push_newest(s, ref);
}

static int by_bytes_then_count(const void *a, const void *b)
{
	const struct summary_row *x = *(struct summary_row *const *)a;
	const struct summary_row *y = *(struct summary_row *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

struct summary_row **summary_sorted(const struct summary *s, unsigned *n)
{
	struct summary_row **v = calloc(s->nrows + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (unsigned i = 0; i < s->nrows; i++)
		v[i] = &s->rows[i];
	qsort(v, s->nrows, sizeof(*v), by_bytes_then_count);
	*n = s->nrows;
	return v;
}

static void print_row_text(struct output *o, const struct summary_row *r, const char *obj_override)
{
	char spid[32], dpid[32], scomm[80], dcomm[80], first[32], last[32];
	char obj[4 * EDGE_OBJECT_LEN + 1], bytes[32];

	text_endpoint(&r->src, spid, sizeof(spid), scomm, sizeof(scomm));
	text_endpoint(&r->dst, dpid, sizeof(dpid), dcomm, sizeof(dcomm));
	if (obj_override)
		snprintf(obj, sizeof(obj), "%s", obj_override);
	else
		escape_text(obj, sizeof(obj), r->object, r->object_len, 0);
	format_wall_time(o, r->first_ns, first, sizeof(first));
	format_wall_time(o, r->last_ns, last, sizeof(last));
	if (r->has_bytes)
		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)r->bytes);
	else
		snprintf(bytes, sizeof(bytes), "-");
	fprintf(o->out, "%-6s %7s %-16s -> %7s %-16s %-24s %8llu %10s %-12s %s\n",
		ipc_kind_name(r->kind), spid, scomm, dpid, dcomm, obj,
		(unsigned long long)r->count, bytes, first, last);
}

static void print_row_json(struct output *o, const struct summary_row *r, const char *scope,
			   bool other)
{
	char first[48], last[48];
	FILE *f = o->out;

	format_iso_time(o, r->first_ns, first, sizeof(first));
	format_iso_time(o, r->last_ns, last, sizeof(last));
	fprintf(f, "{\"type\":\"summary\",\"scope\":\"%s\",\"kind\":\"%s\",\"src\":", scope,
		ipc_kind_name(r->kind));
	json_put_endpoint(f, &r->src);
	fputs(",\"dst\":", f);
	json_put_endpoint(f, &r->dst);
	fputs(",\"object\":", f);
	if (other)
		fputs("\"(other)\"", f);
	else
		json_put_string(f, r->object, r->object_len);
	fprintf(f, ",\"count\":%llu", (unsigned long long)r->count);
	if (r->has_bytes)
		fprintf(f, ",\"bytes\":%llu", (unsigned long long)r->bytes);
	fprintf(f, ",\"first\":\"%s\",\"last\":\"%s\",\"first_mono_ns\":%llu,\"last_mono_ns\":%llu}\n",
		first, last, (unsigned long long)r->first_ns, (unsigned long long)r->last_ns);
}

static bool any_loss(const struct loss_counts *l, int k)
{
	return l->dropped[k] || l->gave_up[k] || l->evicted[k];
}

static void print_loss(struct output *o, const char *scope, const struct loss_counts *l)
{
	bool none = !l->malformed;

	for (int k = 0; k < IPC_KIND_COUNT; k++) {
		if (!any_loss(l, k))
			continue;
		none = false;
		if (o->json)
			fprintf(o->out, "{\"type\":\"lost\",\"scope\":\"%s\",\"kind\":\"%s\",\"dropped\":%llu,"
				"\"gave_up\":%llu,\"evicted\":%llu}\n", scope, ipc_kind_name(k),
				(unsigned long long)l->dropped[k], (unsigned long long)l->gave_up[k],
				(unsigned long long)l->evicted[k]);
		else
			fprintf(o->out, "LOST %-6s %llu records dropped in the kernel (ring buffer full), "
				"%llu pairings given up, %llu table entries evicted\n", ipc_kind_name(k),
				(unsigned long long)l->dropped[k], (unsigned long long)l->gave_up[k],
				(unsigned long long)l->evicted[k]);
	}
	if (l->malformed) {
		if (o->json)
			fprintf(o->out, "{\"type\":\"lost\",\"scope\":\"%s\",\"kind\":\"any\",\"malformed\":%llu}\n",
				scope, (unsigned long long)l->malformed);
		else
			fprintf(o->out, "LOST %llu malformed records\n", (unsigned long long)l->malformed);
	}
	if (none && !o->json)
		fprintf(o->out, "LOST nothing: no record dropped, no pairing given up\n");
}

void summary_print(const struct summary *s, struct output *o, const char *scope,
		   double seconds, const struct loss_counts *loss)
{
	struct summary_row **rows;
	unsigned n;

	if (o->write_failed)
		return;
	rows = summary_sorted(s, &n);
	if (!o->json) {
		fprintf(o->out, "\nSUMMARY (%s, %.1f s, %u rows)\n", scope, seconds, n);
		fprintf(o->out, "%-6s %7s %-16s    %7s %-16s %-24s %8s %10s %-12s %s\n", "KIND", "SRC",
			"SRC-COMM", "DST", "DST-COMM", "OBJECT", "COUNT", "BYTES", "FIRST", "LAST");
	}
	for (unsigned i = 0; rows && i < n; i++) {
		if (o->json)
			print_row_json(o, rows[i], scope, false);
		else
			print_row_text(o, rows[i], NULL);
	}
	if (s->evicted) {
		if (o->json)
			print_row_json(o, &s->other, scope, true);
		else
			print_row_text(o, &s->other, "(other)");
	}
	free(rows);
	if (loss)
		print_loss(o, scope, loss);
	if (ferror(o->out)) {
		o->write_failed = true;
		o->write_errno = errno;
	}
}
