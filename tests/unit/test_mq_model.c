/* The POSIX message queue model: priority order, pre-existing messages, events. */
#include <errno.h>
#include <fcntl.h>
#include "sysv_fixture.h"

static struct sysv_mq_obj queue(__u64 ino, long curmsgs)
{
	struct sysv_mq_obj q = { .ino = ino, .dev = 17, .ok = 1, .curmsgs = curmsgs };

	strcpy(q.name, "demo");
	return q;
}

static void snd(__u64 ts, __u32 pid, __u64 ino, long cur, const char *text, unsigned prio, bool fp)
{
	struct rec_mq_snd r;

	make_header(&r.hdr, REC_MQ_SND, sizeof(r), ts, pid, pid, "sender");
	r.tag = tag(true);
	r.mqdes = 3;
	r.prio = prio;
	r.len = strlen(text) + 1;
	r.q = queue(ino, cur);
	r.fp = fp_of(text, r.len);
	r.fp.ok = fp;
	feed(&r, sizeof(r));
}

static void done(__u64 ts, __u32 pid, __u64 ino, __u64 enter, long ret)
{
	struct rec_sysv_done r;

	make_header(&r.hdr, REC_MQ_SND_DONE, sizeof(r), ts, pid, pid, "sender");
	r.tag = tag(true);
	r.enter_ts = enter;
	r.ret = ret;
	r.id = ino;
	r.dev = 17;
	feed(&r, sizeof(r));
}

static void rcv(__u64 ts, __u32 pid, __u64 ino, long cur, const char *text, int prio, bool fp)
{
	struct rec_mq_rcv r;

	make_header(&r.hdr, REC_MQ_RCV, sizeof(r), ts, pid, pid, "receiver");
	r.tag = tag(true);
	r.mqdes = 4;
	r.len = 64;
	r.ret = text ? (long)strlen(text) + 1 : -EAGAIN;
	r.enter_ts = ts - 1;
	r.q = queue(ino, cur);
	if (text) {
		r.fp = fp_of(text, r.ret);
		r.fp.ok = fp;
	}
	r.prio_ok = prio >= 0;
	r.prio = prio >= 0 ? prio : 0;
	feed(&r, sizeof(r));
}

static void priority_order_pairs_each_message(void)
{
	setup();
	/* same sizes, content unreadable, priority not asked: only the order tells */
	snd(10, 101, 50, 0, "aa", 1, false);
	done(11, 101, 50, 10, 0);
	snd(12, 102, 50, 1, "bb", 9, false);
	done(13, 102, 50, 12, 0);
	snd(14, 103, 50, 2, "cc", 5, false);
	done(15, 103, 50, 14, 0);
	snd(16, 104, 50, 3, "dd", 9, false);
	done(17, 104, 50, 16, 0);
	for (int i = 0; i < 4; i++)
		rcv(20 + i, 150, 50, 3 - i, "xx", -1, false);
	CHECK_EQ_INT(got.n, 4);
	CHECK_EQ_INT(got.edges[0].src.pid, 102);    /* 9, oldest */
	CHECK_EQ_INT(got.edges[1].src.pid, 104);    /* 9 */
	CHECK_EQ_INT(got.edges[2].src.pid, 103);    /* 5 */
	CHECK_EQ_INT(got.edges[3].src.pid, 101);    /* 1 */
	CHECK_EQ_INT(attr_int(&got.edges[0], "prio"), 9);
	CHECK_EQ_INT(attr_int(&got.edges[2], "prio"), 5);
	CHECK_EQ_STR(got.edges[0].object, "/demo");
	CHECK(!got.edges[0].inferred, "exact");
}

static void priority_and_content_seen_by_the_receiver(void)
{
	setup();
	snd(10, 101, 50, 0, "low", 1, true);
	snd(11, 102, 50, 1, "high", 9, true);       /* both still in flight */
	rcv(20, 150, 50, 1, "low", 1, true);        /* e.g. a concurrent higher one was not queued yet */
	rcv(21, 150, 50, 0, "high", 9, true);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[0].src.pid, 101);
	CHECK_EQ_INT(got.edges[1].src.pid, 102);
}

static void failed_send_and_receive(void)
{
	setup();
	snd(10, 101, 50, 0, "x", 1, true);
	done(11, 101, 50, 10, -EAGAIN);             /* full, O_NONBLOCK */
	rcv(12, 150, 50, 0, NULL, -1, false);       /* empty: EAGAIN */
	snd(20, 102, 50, 0, "x", 1, true);
	rcv(21, 150, 50, 0, "x", 1, true);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 102);
}

static void queued_before_the_queue_was_seen(void)
{
	setup();
	rcv(10, 150, 60, 1, "old1", 2, true);        /* first sight: 1 more left after this */
	snd(20, 101, 60, 1, "new", 1, true);
	rcv(30, 150, 60, 1, "old2", 2, true);
	rcv(40, 150, 60, 0, "new", 1, true);
	CHECK_EQ_INT(got.n, 3);
	CHECK(!got.edges[0].src.known && !got.edges[1].src.known, "no sender invented");
	CHECK_EQ_STR(attr_str(&got.edges[0], "sender"), "before-tracing");
	CHECK_EQ_INT(got.edges[2].src.pid, 101);
	CHECK_EQ_INT(corr.stats.gave_up[IPC_MQ], 0);
}

static void open_and_unlink_events(void)
{
	struct rec_mq_open r;

	setup();
	make_header(&r.hdr, REC_MQ_OPEN, sizeof(r), 10, 100, 100, "opener");
	r.tag = tag(true);
	r.oflag = O_CREAT | O_EXCL | O_RDWR;
	r.ret = 3;
	r.q = queue(50, 0);
	feed(&r, sizeof(r));
	r.hdr.type = REC_MQ_UNLINK;
	r.ret = -ENOENT;
	strcpy(r.q.name, "gone");
	feed(&r, sizeof(r));
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_STR(attr_str(&got.edges[0], "op"), "open");
	CHECK_EQ_STR(attr_str(&got.edges[0], "flags"), "O_RDWR|O_CREAT|O_EXCL");
	CHECK_EQ_STR(got.edges[0].object, "/demo");
	CHECK_EQ_STR(attr_str(&got.edges[1], "op"), "unlink");
	CHECK_EQ_STR(attr_str(&got.edges[1], "result"), "ENOENT");
	CHECK_EQ_STR(got.edges[1].object, "/gone");
}

static void held_receive_expires(void)
{
	setup();
	snd(10, 101, 70, 0, "a", 1, true);
	rcv(1000, 150, 70, 0, "b", 1, true);        /* matches nothing known */
	correlator_tick(&corr, 1000 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 1);
	CHECK(!got.edges[0].src.known, "unknown");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_MQ], 1);
}

RUN_TESTS(T(priority_order_pairs_each_message), T(priority_and_content_seen_by_the_receiver),
	  T(failed_send_and_receive), T(queued_before_the_queue_was_seen), T(open_and_unlink_events),
	  T(held_receive_expires))
