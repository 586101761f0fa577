/* The signal model on synthetic record streams. */
#include <signal.h>
#include <sys/syscall.h>
#include "unit.h"
#include "collect.h"
#include "signal_model.h"

static struct correlator corr;
static struct collected got;

static void setup(void)
{
	correlator_free(&corr);
	memset(&got, 0, sizeof(got));
	correlator_init(&corr, collect_edge, &got);
}

static void gen(__u64 ts, __u32 from, __u32 to, int sig, int code, int result, long long nr)
{
	struct rec_signal_generate r;

	make_header(&r.hdr, REC_SIGNAL_GENERATE, sizeof(r), ts, from, from, "sender");
	r.signo = sig;
	r.si_code = code;
	r.result = result;
	r.group = 1;
	r.syscall_nr = nr;
	r.target_tgid = to;
	r.target_tid = to;
	strcpy(r.target_comm, "target");
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void deliver(__u64 ts, __u32 who, int sig, unsigned long long handler)
{
	struct rec_signal_deliver r;

	make_header(&r.hdr, REC_SIGNAL_DELIVER, sizeof(r), ts, who, who, "target");
	r.signo = sig;
	r.handler = handler;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), 0);
}

static void generation_waits_for_delivery(void)
{
	setup();
	gen(100, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	CHECK_EQ_INT(got.n, 0);
	deliver(200, 20, SIGUSR1, 0x401000);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 10);
	CHECK_EQ_INT(got.edges[0].dst.pid, 20);
	CHECK_EQ_STR(got.edges[0].object, "SIGUSR1");
	CHECK_EQ_STR(attr_str(&got.edges[0], "origin"), "kill");
	CHECK_EQ_STR(attr_str(&got.edges[0], "action"), "handler");
	CHECK_EQ_INT(got.edges[0].ts_ns, 100);
}

static void ignored_prints_at_once(void)
{
	setup();
	gen(100, 10, 20, SIGHUP, SI_USER, 1, SYS_kill);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(attr_str(&got.edges[0], "result"), "ignored");
}

static void fatal_default_becomes_sigkill(void)
{
	setup();
	gen(100, 10, 20, SIGTERM, SI_USER, 0, SYS_kill);
	deliver(150, 20, SIGKILL, 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(attr_str(&got.edges[0], "action"), "term");
	/* the other threads' SIGKILLs match nothing and print nothing */
	deliver(160, 20, SIGKILL, 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(signal_model_unmatched_deliveries(correlator_model(&corr, &signal_model_ops)), 1);
}

static void fifo_per_target_and_signal(void)
{
	setup();
	gen(100, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	gen(110, 11, 21, SIGUSR1, SI_QUEUE, 0, -1);
	gen(120, 12, 20, SIGUSR2, SI_USER, 0, SYS_kill);
	deliver(130, 20, SIGUSR2, 0x1000);
	deliver(140, 21, SIGUSR1, 1);
	deliver(150, 20, SIGUSR1, 0);
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_INT(got.edges[0].src.pid, 12);
	CHECK_EQ_INT(got.edges[1].src.pid, 11);
	CHECK_EQ_STR(attr_str(&got.edges[1], "origin"), "sigqueue");
	CHECK_EQ_STR(attr_str(&got.edges[1], "action"), "ignore");
	CHECK_EQ_INT(got.edges[2].src.pid, 10);
	CHECK_EQ_STR(attr_str(&got.edges[2], "action"), "term");
}

static void kernel_origins(void)
{
	setup();
	gen(100, 10, 20, SIGALRM, 0x80 /* SI_KERNEL */, 0, -1);
	deliver(110, 20, SIGALRM, 0x1000);
	gen(120, 20, 20, SIGPIPE, SI_USER, 0, SYS_write);
	deliver(130, 20, SIGPIPE, 0x1000);
	gen(140, 20, 30, SIGCHLD, CLD_EXITED, 1, 60);
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_INT(got.edges[0].src.pid, 0);
	CHECK_EQ_STR(got.edges[0].src.comm, "[kernel]");
	CHECK_EQ_STR(attr_str(&got.edges[0], "origin"), "timer");
	CHECK_EQ_INT(got.edges[1].src.pid, 20);
	CHECK_EQ_STR(attr_str(&got.edges[1], "origin"), "broken-pipe");
	CHECK_EQ_STR(attr_str(&got.edges[2], "origin"), "child-exit");
}

static void blocked_signal_times_out_as_pending(void)
{
	setup();
	gen(1000, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	correlator_tick(&corr, 1000 + corr.hold_ns - 1);
	CHECK_EQ_INT(got.n, 0);
	correlator_tick(&corr, 1000 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(attr_str(&got.edges[0], "action"), "pending");
}

static void exit_before_delivery(void)
{
	struct rec_proc_exit x;

	setup();
	gen(100, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	make_header(&x.hdr, REC_PROC_EXIT, sizeof(x), 200, 20, 20, "target");
	x.group_dead = 1;
	correlator_record(&corr, &x, sizeof(x));
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(attr_str(&got.edges[0], "action"), "not-delivered");
}

static void full_table_evicts_oldest_without_loss(void)
{
	setup();
	for (int i = 0; i < SIGNAL_PENDING_MAX + 5; i++)
		gen(100 + i, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	CHECK_EQ_INT(got.n, 5);
	CHECK_EQ_INT(corr.stats.evicted[IPC_SIGNAL], 5);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, SIGNAL_PENDING_MAX + 5);
}

/* The end of a run waits while generations are held (main.c settle). */
static void held_counts_waiting_generations(void)
{
	setup();
	CHECK_EQ_INT(correlator_held(&corr), 0);
	gen(100, 10, 20, SIGUSR1, SI_USER, 0, SYS_kill);
	gen(110, 10, 21, SIGUSR2, SI_USER, 0, SYS_kill);
	gen(120, 10, 22, SIGHUP, SI_USER, 1, SYS_kill);    /* ignored: never held */
	CHECK_EQ_INT(correlator_held(&corr), 2);
	deliver(130, 21, SIGUSR2, 0x1000);                 /* not the oldest */
	CHECK_EQ_INT(correlator_held(&corr), 1);
	correlator_tick(&corr, 100 + corr.hold_ns);
	CHECK_EQ_INT(correlator_held(&corr), 0);
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_STR(attr_str(&got.edges[2], "action"), "pending");
}

static void malformed_records_are_counted(void)
{
	struct rec_signal_generate r;

	setup();
	make_header(&r.hdr, REC_SIGNAL_GENERATE, sizeof(r), 1, 1, 1, "x");
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r) - 1), -1);
	r.hdr.type = 99;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), -1);
	r.hdr.type = REC_SIGNAL_GENERATE;
	r.hdr.size = 8;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), -1);
	CHECK_EQ_INT(correlator_record(&corr, &r, 3), -1);
	CHECK_EQ_INT(corr.stats.malformed, 4);
	CHECK_EQ_INT(got.n, 0);
}

RUN_TESTS(T(generation_waits_for_delivery), T(ignored_prints_at_once),
	  T(fatal_default_becomes_sigkill), T(fifo_per_target_and_signal), T(kernel_origins),
	  T(blocked_signal_times_out_as_pending), T(exit_before_delivery),
	  T(full_table_evicts_oldest_without_loss), T(held_counts_waiting_generations),
	  T(malformed_records_are_counted))
