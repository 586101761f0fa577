/*
 * Every user-space table is bounded, evicts the least recently used entry
 * first, and counts what it evicted; a long stream of records of every type
 * leaves the heap flat.
 */
#include <malloc.h>
#include <signal.h>
#include <sys/syscall.h>
#include "unit.h"
#include "collect.h"
#include "proc_cache.h"
#include "signal_model.h"
#include "summary.h"
#include "../fuzz/records.h"

static void edge_between(struct edge *e, __u32 src, __u32 dst, __u64 start, const char *obj)
{
	edge_init(e, IPC_SIGNAL, 100 + src);
	endpoint_set(&e->src, src, src, "s");
	endpoint_set(&e->dst, dst, dst, "d");
	e->src.start_ns = start;
	edge_set_object(e, "%s", obj);
}

static bool summary_has(const struct summary *s, __u32 src, __u64 start, __u64 *count)
{
	for (unsigned i = 0; i < s->nrows; i++)
		if (s->rows[i].src.pid == src && s->rows[i].src.start_ns == start) {
			*count = s->rows[i].count;
			return true;
		}
	return false;
}

static void summary_evicts_least_recent_into_other(void)
{
	static struct summary s;
	const unsigned extra = 1000;
	struct edge e;
	__u64 n, total = 0;

	CHECK_EQ_INT(summary_init(&s), 0);
	for (unsigned i = 1; i <= SUMMARY_MAX_ROWS; i++) {
		edge_between(&e, i, 1, 5, "SIGUSR1");
		summary_add(&s, &e);
		total++;
	}
	/* row 1 active again: the least recent is now row 2 */
	edge_between(&e, 1, 1, 5, "SIGUSR1");
	summary_add(&s, &e);
	total++;
	for (unsigned i = 0; i < extra; i++) {
		edge_between(&e, 100000 + i, 1, 5, "SIGUSR1");
		summary_add(&s, &e);
		total++;
	}
	CHECK_EQ_INT(s.nrows, SUMMARY_MAX_ROWS);
	CHECK_EQ_INT(s.evicted, extra);
	CHECK_EQ_INT(s.folded, extra);
	CHECK_EQ_INT(s.other.count, extra);
	CHECK(summary_has(&s, 1, 5, &n) && n == 2, "recently active row 1 kept with count 2");
	CHECK(!summary_has(&s, 2, 5, &n), "least recent row 2 evicted");
	CHECK(!summary_has(&s, extra + 1, 5, &n), "row %u evicted", extra + 1);
	CHECK(summary_has(&s, extra + 2, 5, &n), "row %u kept", extra + 2);
	/* nothing lost: rows + (other) add up to every edge */
	for (unsigned i = 0; i < s.nrows; i++)
		total -= s.rows[i].count;
	CHECK_EQ_INT(total, s.other.count);
	/* the hash still finds every row after the deletions: re-adding creates none */
	for (unsigned i = 0; i < SUMMARY_MAX_ROWS; i++) {
		struct summary_row *r = &s.rows[i];

		edge_between(&e, r->src.pid, 1, 5, "SIGUSR1");
		summary_add(&s, &e);
	}
	CHECK_EQ_INT(s.evicted, extra);
	/* a pid reused by another process is another row */
	edge_between(&e, 1, 1, 5, "SIGUSR1");
	summary_add(&s, &e);
	edge_between(&e, 1, 1, 6, "SIGUSR1");
	summary_add(&s, &e);
	CHECK(summary_has(&s, 1, 6, &n) && n == 1, "reused pid: its own row");
	CHECK(summary_has(&s, 1, 5, &n) && n == 4, "old process's row unchanged");
	summary_free(&s);
}

static void proc_cache_evicts_least_recent(void)
{
	static struct proc_cache pc;
	const unsigned extra = 10;
	const struct proc_entry *pe;

	CHECK_EQ_INT(proc_cache_init(&pc), 0);
	for (unsigned i = 1; i <= PROC_CACHE_MAX; i++)
		proc_cache_update(&pc, i, i, "p", i);
	proc_cache_update(&pc, 1, 1, "again", 0);     /* most recent now */
	for (unsigned i = 0; i < extra; i++)
		proc_cache_update(&pc, 1000000 + i, 1, "new", 0);
	CHECK_EQ_INT(pc.evictions, extra);
	CHECK(proc_cache_lookup(&pc, 1) != NULL, "recently updated pid 1 kept");
	CHECK(proc_cache_lookup(&pc, 2) == NULL, "least recent pid 2 evicted");
	CHECK(proc_cache_lookup(&pc, extra + 1) == NULL, "pid %u evicted", extra + 1);
	CHECK(proc_cache_lookup(&pc, extra + 2) != NULL, "pid %u kept", extra + 2);
	for (unsigned i = extra + 2; i <= PROC_CACHE_MAX; i++)
		if (!proc_cache_lookup(&pc, i)) {
			CHECK(0, "pid %u lost", i);
			break;
		}
	/* a reused pid: a new start time resets what was known of the old process */
	proc_cache_set_start(&pc, 1, 111);
	proc_cache_set_ns(&pc, 1, 7, 42);
	proc_cache_update(&pc, 1, 1, "newproc", 0);
	proc_cache_set_start(&pc, 1, 222);
	pe = proc_cache_lookup(&pc, 1);
	CHECK(pe && pe->start_ns == 222 && pe->ns_tgid == 0 && pe->cgroup_id == 0 &&
	      !strcmp(pe->comm, "newproc"), "reused pid: a new process in the cache");
	CHECK_EQ_INT(pc.reused, 1);
	proc_cache_free(&pc);
}

static struct collected got;

static void signal_pending_table_evicts_oldest(void)
{
	static struct correlator c;
	const int extra = 5;
	struct rec_signal_generate r;

	memset(&got, 0, sizeof(got));
	correlator_init(&c, collect_edge, &got);
	for (int i = 0; i < SIGNAL_PENDING_MAX + extra; i++) {
		make_header(&r.hdr, REC_SIGNAL_GENERATE, sizeof(r), 1000 + i, 10, 10, "sender");
		r.signo = SIGUSR1;
		r.result = 0;          /* queued: held until delivered */
		r.group = 1;
		r.syscall_nr = SYS_kill;
		r.target_tgid = 20 + i;
		r.target_tid = 20 + i;
		strcpy(r.target_comm, "target");
		correlator_record(&c, &r, sizeof(r));
	}
	CHECK_EQ_INT(c.stats.evicted[IPC_SIGNAL], extra);
	CHECK_EQ_INT(got.n, extra);
	for (int i = 0; i < extra && i < got.n; i++) {
		CHECK_EQ_INT(got.edges[i].dst.pid, 20 + i);      /* the oldest first */
		CHECK_EQ_STR(attr_str(&got.edges[i], "action"), "pending");
	}
	correlator_flush(&c);
	CHECK_EQ_INT(got.n, SIGNAL_PENDING_MAX + extra);   /* nothing lost at the end */
	correlator_free(&c);
}

extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static size_t heap_in_use(void)
{
	struct mallinfo2 mi;

	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void feed(struct correlator *c, const struct rec_shape *sh, int nsh, long n, __u64 *ts,
		 __u64 *seed)
{
	static __u64 buf[REC_PROBE_MAX_SIZE / 8];

	for (long i = 0; i < n; i++) {
		const struct rec_shape *s = &sh[rec_rand(seed) % nsh];

		*ts += 1000;
		rec_fill(buf, s, *ts, seed, 1);
		correlator_record(c, buf, s->size);
		if (i % 4096 == 0)
			correlator_tick(c, *ts);
	}
}

/* Whatever the models keep, a long stream of every record type leaves the heap flat. */
static void every_record_type_keeps_memory_bounded(void)
{
	static struct rec_shape shapes[REC_SHAPES_MAX];
	static struct correlator c;
	int n = rec_shapes_probe(shapes, REC_SHAPES_MAX);
	__u64 ts = 1, seed = 42;
	size_t warm, end;
	bool types_seen[REC_TYPE_MAX] = {};

	CHECK(n >= 5, "probe found %d shapes", n);
	for (int i = 0; i < n; i++)
		types_seen[shapes[i].type] = true;
	/* the probe finds what the header declares (checked for the kinds known here) */
	CHECK(types_seen[REC_PROC_FORK] && types_seen[REC_PROC_EXEC] && types_seen[REC_PROC_EXIT] &&
	      types_seen[REC_SIGNAL_GENERATE] && types_seen[REC_SIGNAL_DELIVER], "known types found");
	for (int i = 0; i < n; i++)
		if (shapes[i].type == REC_SIGNAL_GENERATE)
			CHECK_EQ_INT(shapes[i].size, sizeof(struct rec_signal_generate));
	memset(&got, 0, sizeof(got));
	correlator_init(&c, collect_edge, &got);
	feed(&c, shapes, n, 150000, &ts, &seed);
	warm = heap_in_use();
	feed(&c, shapes, n, 450000, &ts, &seed);
	end = heap_in_use();
	printf("  %d record shapes; heap %zu KiB after warm-up, %zu KiB after 3x more records\n",
	       n, warm / 1024, end / 1024);
	CHECK(end <= warm + 256 * 1024, "heap grew from %zu to %zu bytes", warm, end);
	CHECK(c.stats.records == 600000, "records %llu", (unsigned long long)c.stats.records);
	correlator_flush(&c);
	correlator_free(&c);
}

RUN_TESTS(T(summary_evicts_least_recent_into_other), T(proc_cache_evicts_least_recent),
	  T(signal_pending_table_evicts_oldest), T(every_record_type_keeps_memory_bounded))
