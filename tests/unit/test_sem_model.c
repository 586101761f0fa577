/* The semaphore model: operation events and releaser -> waiter edges. */
#include <errno.h>
#include "sysv_fixture.h"

static struct rec_sem_op op(__u64 ts, __u32 pid, int semid, int num, int val, long ret,
			    bool blocked, bool sel)
{
	struct rec_sem_op r;

	make_header(&r.hdr, REC_SEM_OP, sizeof(r), ts, pid, pid, pid == 100 ? "producer" : "consumer");
	r.tag = tag(sel);
	r.semid = semid;
	r.nsops = 1;
	r.ops[0].num = num;
	r.ops[0].op = val;
	r.ret = ret;
	r.blocked = blocked;
	r.enter_ts = ts - 1000;
	return r;
}

static void woken(struct rec_sem_op *r, __u32 waker, __u32 via, int num, int val, bool sel)
{
	r->via = via;
	r->waker_tgid = waker;
	r->waker_tid = waker;
	r->waker_selected = sel;
	r->wake_ts = r->hdr.ts_ns - 10;
	strcpy(r->waker_comm, "producer");
	r->waker_nsops = 1;
	r->waker_cmd = -1;
	r->waker_ops[0].num = num;
	r->waker_ops[0].op = val;
}

static void get(__u64 ts, __s64 key, int id)
{
	struct rec_sysv_get r;

	make_header(&r.hdr, REC_SEM_GET, sizeof(r), ts, 100, 100, "producer");
	r.tag = tag(true);
	r.key = key;
	r.size = 3;
	r.ret = id;
	feed(&r, sizeof(r));
}

static void producer_releases_consumer(void)
{
	struct rec_sem_op r;
	const struct edge *e;

	setup();
	get(5, 1234, 4);
	r = op(10000, 100, 4, 0, 1, 0, false, true);        /* V with nobody waiting */
	feed(&r, sizeof(r));
	r = op(11000, 101, 4, 0, -1, 0, false, true);       /* P that did not block */
	feed(&r, sizeof(r));
	r = op(20000, 101, 4, 0, -1, 0, true, true);        /* P that blocked... */
	woken(&r, 100, SYSV_WAKE_SEMOP, 0, 1, true);        /* ...until 100's V */
	feed(&r, sizeof(r));
	CHECK_EQ_INT(count_op("semop"), 3);
	CHECK_EQ_INT(count_op("release"), 1);
	e = edge_op("release", 0);
	CHECK(e->src.pid == 100 && e->dst.pid == 101, "producer -> consumer");
	CHECK_EQ_STR(e->object, "sem key=0x000004d2 id=4");
	CHECK_EQ_INT(attr_int(e, "sem_num"), 0);
	CHECK_EQ_STR(attr_str(e, "ops"), "0:-1");
	CHECK_EQ_STR(attr_str(e, "releaser_ops"), "0:+1");
	CHECK_EQ_STR(attr_str(e, "via"), "semop");
	CHECK_EQ_INT(attr_int(e, "waited_ns"), 1000);
	CHECK_EQ_INT(e->ts_ns, 19990);
	e = edge_op("semop", 0);
	CHECK(e->src.pid == 100 && e->dst.pid == 100, "an event names one process");
	CHECK_EQ_STR(attr_str(e, "ops"), "0:+1");
	CHECK(!attr_bool(edge_op("semop", 1), "blocked"), "did not block");
	CHECK(attr_bool(edge_op("semop", 2), "blocked"), "blocked");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_SEM], 0);
}

static void other_releasers(void)
{
	struct rec_sem_op r;

	setup();
	r = op(20000, 101, 4, 2, -1, 0, true, true);
	woken(&r, 102, SYSV_WAKE_EXIT, 0, 0, true);          /* SEM_UNDO at 102's exit */
	feed(&r, sizeof(r));
	CHECK_EQ_STR(attr_str(edge_op("release", 0), "via"), "exit");
	CHECK_EQ_STR(attr_str(edge_op("release", 0), "releaser_ops"), "exit (SEM_UNDO)");
	CHECK_EQ_INT(attr_int(edge_op("release", 0), "sem_num"), 2);
	r = op(30000, 101, 4, 1, 0, 0, true, true);          /* wait-for-zero */
	woken(&r, 100, SYSV_WAKE_SEMCTL, 1, 0, true);        /* SETVAL 1=0 */
	r.waker_cmd = 16;
	feed(&r, sizeof(r));
	CHECK_EQ_STR(attr_str(edge_op("release", 1), "releaser_ops"), "setval 1=0");
	CHECK_EQ_STR(attr_str(edge_op("release", 1), "ops"), "1:+0");
}

static void failures_release_nobody(void)
{
	struct rec_sem_op r;

	setup();
	r = op(20000, 101, 4, 0, -1, -EIDRM, true, true);   /* the set was removed */
	woken(&r, 100, SYSV_WAKE_SEMCTL, 0, 0, true);
	feed(&r, sizeof(r));
	r = op(30000, 101, 4, 0, -1, -EAGAIN, true, true);  /* semtimedop timed out */
	feed(&r, sizeof(r));
	CHECK_EQ_INT(count_op("release"), 0);
	CHECK_EQ_INT(count_op("semop"), 2);
	CHECK_EQ_STR(attr_str(edge_op("semop", 0), "result"), "EIDRM");
	/* slept and succeeded with no releaser seen: counted, not invented */
	r = op(40000, 101, 4, 0, -1, 0, true, true);
	feed(&r, sizeof(r));
	CHECK_EQ_INT(count_op("release"), 0);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_SEM], 1);
}

static void filter_either_end(void)
{
	struct rec_sem_op r;

	setup();
	r = op(20000, 101, 4, 0, -1, 0, true, false);       /* waiter not selected... */
	woken(&r, 100, SYSV_WAKE_SEMOP, 0, 1, true);        /* ...its releaser is */
	feed(&r, sizeof(r));
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(attr_str(&got.edges[0], "op"), "release");
	r = op(30000, 101, 4, 0, -1, 0, true, false);
	woken(&r, 100, SYSV_WAKE_SEMOP, 0, 1, false);
	feed(&r, sizeof(r));
	CHECK_EQ_INT(got.n, 1);
}

static void many_ops_are_summarised(void)
{
	struct rec_sem_op r;

	setup();
	r = op(10000, 100, 4, 0, -1, 0, false, true);
	r.nsops = 6;
	for (int i = 0; i < SYSV_SEM_OPS; i++) {
		r.ops[i].num = i;
		r.ops[i].op = i % 2 ? 1 : -1;
		r.ops[i].flg = i == 1 ? 0x1000 : 0;
	}
	feed(&r, sizeof(r));
	CHECK_EQ_STR(attr_str(&got.edges[0], "ops"), "0:-1,1:+1u,2:-1,3:+1,+2 more");
}

RUN_TESTS(T(producer_releases_consumer), T(other_releasers), T(failures_release_nobody),
	  T(filter_either_end), T(many_ops_are_summarised))
