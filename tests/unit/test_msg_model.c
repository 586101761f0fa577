/* The SysV message queue model on synthetic record streams. */
#include <errno.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include "sysv_fixture.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

static void get(__u64 ts, __u32 pid, __s64 key, int id)
{
	struct rec_sysv_get r;

	make_header(&r.hdr, REC_MSG_GET, sizeof(r), ts, pid, pid, "getter");
	r.tag = tag(true);
	r.key = key;
	r.flags = IPC_CREAT | 0666;
	r.ret = id;
	feed(&r, sizeof(r));
}

/* msgsnd entry of text (its length + 1 bytes) */
static void snd(__u64 ts, __u32 pid, int id, long type, const char *text, bool sel)
{
	struct rec_msg_snd r;

	make_header(&r.hdr, REC_MSG_SND, sizeof(r), ts, pid, pid, pid < 200 ? "sender" : "other");
	r.tag = tag(sel);
	r.msqid = id;
	r.msgflg = 0;
	r.msgsz = strlen(text) + 1;
	r.mtype = type;
	r.mtype_ok = 1;
	r.fp = fp_of(text, r.msgsz);
	feed(&r, sizeof(r));
}

static void done(__u64 ts, __u32 pid, int id, __u64 enter_ts, long ret)
{
	struct rec_sysv_done r;

	make_header(&r.hdr, REC_MSG_SND_DONE, sizeof(r), ts, pid, pid, "sender");
	r.tag = tag(true);
	r.enter_ts = enter_ts;
	r.ret = ret;
	r.id = id;
	feed(&r, sizeof(r));
}

/* msgrcv exit that received text as type (both read back from the buffer) */
static void rcv_full(__u64 ts, __u32 pid, int id, long msgtyp, int flags, __u64 msgsz,
		     long ret, long type, const char *text, bool readable, bool sel)
{
	struct rec_msg_rcv r;

	make_header(&r.hdr, REC_MSG_RCV, sizeof(r), ts, pid, pid, "receiver");
	r.tag = tag(sel);
	r.msqid = id;
	r.msgflg = flags;
	r.msgsz = msgsz;
	r.msgtyp = msgtyp;
	r.ret = ret;
	r.enter_ts = ts - 1;
	if (ret >= 0 && readable) {
		r.mtype = type;
		r.mtype_ok = 1;
		r.fp = fp_of(text, ret);
	}
	feed(&r, sizeof(r));
}

static void rcv(__u64 ts, __u32 pid, int id, long msgtyp, long type, const char *text)
{
	rcv_full(ts, pid, id, msgtyp, 0, 128, strlen(text) + 1, type, text, true, true);
}

static void rmid(__u64 ts, __u32 pid, int id)
{
	struct rec_sysv_ctl r;

	make_header(&r.hdr, REC_MSG_CTL, sizeof(r), ts, pid, pid, "remover");
	r.tag = tag(true);
	r.id = id;
	r.cmd = IPC_RMID;
	feed(&r, sizeof(r));
}

static void notes_a_to_b(void)
{
	setup();
	get(10, 100, 1234, 3);
	get(11, 101, 1234, 3);
	snd(20, 100, 3, 1, "Hello B, this is A.", true);
	done(21, 100, 3, 20, 0);
	rcv(30, 101, 3, 1, 1, "Hello B, this is A.");
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK_EQ_INT(got.edges[0].dst.pid, 101);
	CHECK_EQ_STR(got.edges[0].object, "msq key=0x000004d2 id=3");
	CHECK_EQ_INT(got.edges[0].bytes, 20);
	CHECK_EQ_INT(attr_int(&got.edges[0], "mtype"), 1);
	CHECK_EQ_INT(attr_int(&got.edges[0], "size"), 20);
	CHECK(!got.edges[0].inferred, "exact");
	CHECK(!attr_bool(&got.edges[0], "truncated"), "not truncated");
	rmid(40, 101, 3);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_STR(attr_str(&got.edges[1], "op"), "rmid");
	CHECK_EQ_INT(attr_int(&got.edges[1], "discarded"), 0);
}

static void ipc_private_object(void)
{
	setup();
	get(10, 100, 0, 9);
	snd(20, 100, 9, 1, "x", true);
	rcv(30, 101, 9, 0, 1, "x");
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_STR(got.edges[0].object, "msq key=IPC_PRIVATE id=9");
	CHECK_EQ_STR(attr_str(&got.edges[0], "key"), "IPC_PRIVATE");
}

static void receiver_returns_before_the_senders_exit(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "hi", true);
	rcv(25, 101, 3, 1, 1, "hi");    /* the sender's exit record comes later */
	done(26, 100, 3, 20, 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK(!got.edges[0].inferred, "exact");
}

static void mtype_selection_through_the_model(void)
{
	setup();
	get(10, 100, 1234, 3);
	/* queue: 3 "c" (100), 1 "a" (101), 2 "b" (102), 1 "d" (103) */
	snd(20, 100, 3, 3, "c", true);
	done(21, 100, 3, 20, 0);
	snd(22, 101, 3, 1, "a", true);
	done(23, 101, 3, 22, 0);
	snd(24, 102, 3, 2, "b", true);
	done(25, 102, 3, 24, 0);
	snd(26, 103, 3, 1, "d", true);
	done(27, 103, 3, 26, 0);
	/* the receivers' buffers are unreadable: the model chooses as the kernel does */
	rcv_full(30, 150, 3, -2, 0, 128, 2, 0, "a", false, true);      /* lowest type: 1 "a" */
	rcv_full(31, 150, 3, 3, MSG_EXCEPT, 128, 2, 0, "b", false, true); /* not 3: 2 "b" */
	rcv_full(32, 150, 3, 1, 0, 128, 2, 0, "d", false, true);       /* type 1: "d" */
	rcv_full(33, 150, 3, 0, 0, 128, 2, 0, "c", false, true);       /* oldest: "c" */
	CHECK_EQ_INT(got.n, 4);
	CHECK_EQ_INT(got.edges[0].src.pid, 101);
	CHECK_EQ_INT(got.edges[1].src.pid, 102);
	CHECK_EQ_INT(got.edges[2].src.pid, 103);
	CHECK_EQ_INT(got.edges[3].src.pid, 100);
	CHECK_EQ_INT(attr_int(&got.edges[0], "msgtyp"), -2);
	CHECK_EQ_INT(attr_int(&got.edges[0], "mtype"), 1);
}

static void failed_calls_move_nothing(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "same", true);
	done(21, 100, 3, 20, -EAGAIN);  /* IPC_NOWAIT on a full queue */
	snd(30, 101, 3, 1, "same", true);
	done(31, 101, 3, 30, 0);
	rcv_full(35, 150, 3, 0, IPC_NOWAIT, 2, -E2BIG, 0, "", false, true);
	rcv_full(36, 150, 3, 7, IPC_NOWAIT, 128, -ENOMSG, 0, "", false, true);
	rcv_full(37, 150, 3, 0, 0, 128, -EINTR, 0, "", false, true);
	CHECK_EQ_INT(got.n, 0);
	rcv(40, 150, 3, 0, 1, "same");
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 101);    /* not the failed sender */
	CHECK(!got.edges[0].inferred, "exact");
}

static void msg_noerror_truncation_is_reported(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 3, "s1-three", true);       /* 9 bytes */
	done(21, 100, 3, 20, 0);
	rcv_full(30, 150, 3, 0, MSG_NOERROR, 4, 4, 3, "s1-t", true, true);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK_EQ_INT(got.edges[0].bytes, 4);
	CHECK_EQ_INT(attr_int(&got.edges[0], "size"), 9);
	CHECK(attr_bool(&got.edges[0], "truncated"), "truncated");
}

static void racing_senders_told_apart_by_content(void)
{
	setup();
	get(10, 100, 1234, 3);
	/* both sends in flight at once: the kernel may queue either first */
	snd(20, 100, 3, 5, "S3-0", true);
	snd(21, 101, 3, 5, "S4-0", true);
	rcv(22, 150, 3, 5, 5, "S4-0");
	rcv(23, 150, 3, 5, 5, "S3-0");
	done(24, 101, 3, 21, 0);
	done(25, 100, 3, 20, 0);
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[0].src.pid, 101);
	CHECK_EQ_INT(got.edges[1].src.pid, 100);
	CHECK(!got.edges[0].inferred && !got.edges[1].inferred, "both exact");
}

static void identical_racing_messages_are_not_called_exact(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 5, "same", true);
	snd(21, 101, 3, 5, "same", true);
	rcv(22, 150, 3, 5, 5, "same");
	CHECK_EQ_INT(got.n, 1);
	CHECK(got.edges[0].inferred, "inferred");
	CHECK_EQ_STR(attr_str(&got.edges[0], "sender"), "ambiguous");
	/* the same content sent one after the other: the order is known */
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 5, "same", true);
	done(21, 100, 3, 20, 0);
	snd(22, 101, 3, 5, "same", true);
	done(23, 101, 3, 22, 0);
	rcv(30, 150, 3, 5, 5, "same");
	rcv(31, 150, 3, 5, 5, "same");
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK_EQ_INT(got.edges[1].src.pid, 101);
	CHECK(!got.edges[0].inferred && !got.edges[1].inferred, "exact");
}

static void queued_before_tracing(void)
{
	/* the queue of key 1234 held 2 messages at start-up (contents not readable) */
	fixture_file("sysvipc/msg", "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
		     "      1234          7   666          42          2   300   300     0     0     0     0 1700000000          0 1700000000\n");
	setup();
	snd(20, 100, 7, 1, "new", true);
	done(21, 100, 7, 20, 0);
	rcv(30, 150, 7, 0, 1, "old one");
	rcv(31, 150, 7, 0, 1, "new");
	rcv(32, 150, 7, 0, 1, "old two");
	CHECK_EQ_INT(got.n, 3);
	CHECK_EQ_STR(got.edges[0].object, "msq key=0x000004d2 id=7");
	CHECK(!got.edges[0].src.known, "no sender invented");
	CHECK_EQ_STR(attr_str(&got.edges[0], "sender"), "before-tracing");
	CHECK_EQ_INT(got.edges[1].src.pid, 100);
	CHECK(!got.edges[2].src.known, "no sender invented");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_MSG], 0);
	fixture_new();
}

static void unmatched_receive_is_held_then_given_up(void)
{
	setup();
	get(10, 100, 1234, 3);
	rcv(1000, 150, 3, 0, 1, "lost");        /* its send's record never came */
	correlator_tick(&corr, 1000 + corr.hold_ns - 1);
	CHECK_EQ_INT(got.n, 0);
	correlator_tick(&corr, 1000 + corr.hold_ns);
	CHECK_EQ_INT(got.n, 1);
	CHECK(!got.edges[0].src.known, "unknown sender");
	CHECK_EQ_STR(attr_str(&got.edges[0], "sender"), "unknown");
	CHECK_EQ_INT(corr.stats.gave_up[IPC_MSG], 1);
}

static void late_send_record_pairs_a_held_receive(void)
{
	setup();
	get(10, 100, 1234, 3);
	rcv(30, 150, 3, 0, 1, "late");
	CHECK_EQ_INT(got.n, 0);
	snd(20, 100, 3, 1, "late", true);       /* entered before the receive returned */
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	/* a send that entered after the receive returned cannot be its message */
	rcv(40, 150, 3, 0, 1, "again");
	snd(50, 101, 3, 1, "again", true);
	CHECK_EQ_INT(got.n, 1);
	correlator_flush(&corr);
	CHECK_EQ_INT(got.n, 2);
	CHECK(!got.edges[1].src.known, "not the later send");
}

static void filter_keeps_either_end(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "a", false);
	rcv_full(30, 150, 3, 0, 0, 128, 2, 1, "a", true, false);
	CHECK_EQ_INT(got.n, 0);             /* neither end selected */
	snd(40, 100, 3, 1, "b", true);
	rcv_full(50, 150, 3, 0, 0, 128, 2, 1, "b", true, false);
	CHECK_EQ_INT(got.n, 1);             /* the sender is */
	snd(60, 100, 3, 1, "c", false);
	rcv_full(70, 150, 3, 0, 0, 128, 2, 1, "c", true, true);
	CHECK_EQ_INT(got.n, 2);             /* the receiver is */
}

static void msg_copy_leaves_the_message(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "keep", true);
	done(21, 100, 3, 20, 0);
	rcv_full(30, 150, 3, 0, MSG_COPY | IPC_NOWAIT, 128, 5, 1, "keep", true, true);
	rcv(40, 151, 3, 0, 1, "keep");
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_STR(attr_str(&got.edges[0], "op"), "copy");
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK_EQ_STR(attr_str(&got.edges[1], "op"), "message");
	CHECK_EQ_INT(got.edges[1].src.pid, 100);
	CHECK_EQ_INT(got.edges[1].dst.pid, 151);
}

static void full_queue_forgets_and_counts(void)
{
	char text[16];

	setup();
	get(10, 100, 1234, 3);
	for (int i = 0; i <= SQ_MAX_MSGS; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		snd(20 + 2 * i, 100, 3, 1, text, true);
		done(21 + 2 * i, 100, 3, 20 + 2 * i, 0);
	}
	CHECK_EQ_INT(corr.stats.evicted[IPC_MSG], 1);
	rcv(100000, 150, 3, 0, 1, "m0");        /* the forgotten one */
	rcv(100001, 150, 3, 0, 1, "m1");
	CHECK_EQ_INT(got.n, 2);
	CHECK(!got.edges[0].src.known, "the forgotten message has no sender");
	CHECK_EQ_STR(attr_str(&got.edges[0], "sender"), "unknown");     /* not "before-tracing" */
	CHECK_EQ_INT(got.edges[1].src.pid, 100);
}

static void removal_forgets_the_queue(void)
{
	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "x", true);
	done(21, 100, 3, 20, 0);
	rmid(30, 100, 3);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(attr_int(&got.edges[0], "discarded"), 1);
	/* a new queue with the same id (ids are reused after wrapping) starts empty */
	get(40, 100, 99, 3);
	snd(50, 101, 3, 1, "x", true);
	rcv(60, 150, 3, 0, 1, "x");
	CHECK_EQ_INT(got.n, 2);
	CHECK_EQ_INT(got.edges[1].src.pid, 101);
	CHECK_EQ_STR(got.edges[1].object, "msq key=0x00000063 id=3");
}

static void record_without_payload(void)
{
	struct rec_msg_rcv r;
	size_t short_len = offsetof(struct rec_msg_rcv, data);

	setup();
	get(10, 100, 1234, 3);
	snd(20, 100, 3, 1, "hi", true);
	make_header(&r.hdr, REC_MSG_RCV, short_len, 30, 150, 150, "receiver");
	r.tag = tag(true);
	r.msqid = 3;
	r.msgsz = 64;
	r.ret = 3;
	r.mtype = 1;
	r.mtype_ok = 1;
	r.fp = fp_of("hi", 3);
	r.data_len = 3;         /* claims a payload it does not carry */
	CHECK_EQ_INT(correlator_record(&corr, &r, short_len), 0);
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK(got.edges[0].data == NULL, "no payload without -x");
}

static void malformed_records(void)
{
	struct rec_msg_rcv r;

	setup();
	make_header(&r.hdr, REC_MSG_RCV, sizeof(r), 1, 1, 1, "x");
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r) - 8), -1);
	r.hdr.size = sizeof(r) - 8;
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r) - 8), -1);
	r.hdr.type = 65;                /* in the range, not a record type */
	r.hdr.size = sizeof(r);
	CHECK_EQ_INT(correlator_record(&corr, &r, sizeof(r)), -1);
	CHECK_EQ_INT(corr.stats.malformed, 3);
}

/* -s: the kernel hands over what it still counted for a queue (bpf/msg_agg.bpf.h) */
static void handover(__u64 ts, int id, int nslots, const long *types, const __u32 *owners,
		     const unsigned *pend, const bool *sending, const bool *info)
{
	struct rec_msg_handover r;

	memset(&r, 0, sizeof(r));
	make_header(&r.hdr, REC_MSG_HANDOVER, sizeof(r), ts, 300, 300, "switcher");
	r.ns = NS;
	r.id = id;
	for (int i = 0; i < nslots; i++) {
		struct msg_agg_slot *sl = &r.slot[i];

		sl->mtype = types[i];
		sl->ctl = ((__u64)owners[i] << MSG_AGG_TID_SHIFT) | pend[i] |
			  (sending[i] ? MSG_AGG_SENDING : 0) | (info[i] ? MSG_AGG_INFO : 0) |
			  MSG_AGG_STREAM;
		sl->owner_tgid = owners[i];
		sl->owner_tid = owners[i];
		snprintf(sl->owner_comm, sizeof(sl->owner_comm), "owner%u", owners[i]);
		sl->owner_selected = 1;
	}
	feed(&r, sizeof(r));
}

static void handover_messages_pair_by_type(void)
{
	const long types[] = { 1, 2, 7 };
	const __u32 owners[] = { 100, 101, 102 };
	const unsigned pend[] = { 2, 1, 1 };
	const bool sending[] = { false, true, true };
	const bool info[] = { true, true, false };     /* slot 3: its send streams itself */

	setup();
	get(10, 100, 0, 5);
	handover(50, 5, 3, types, owners, pend, sending, info);
	snd(51, 103, 5, 1, "late", true);       /* after the switch: streamed */
	done(52, 103, 5, 51, 0);
	/* any-type receive of a type-2 message: the owner of type 2 (in flight) */
	rcv(60, 200, 5, 0, 2, "two");
	/* three type-1 receives: the owner's two counted messages, then the streamed one */
	rcv(61, 200, 5, 1, 1, "one-a-longer-text");
	rcv(62, 200, 5, -3, 1, "b");
	rcv(63, 200, 5, 1, 1, "late");
	CHECK_EQ_INT(got.n, 4);
	CHECK_EQ_INT(got.edges[0].src.pid, 101);
	CHECK_EQ_STR(got.edges[0].src.comm, "owner101");
	CHECK_EQ_INT(got.edges[0].bytes, 4);
	CHECK_EQ_INT(got.edges[1].src.pid, 100);
	CHECK_EQ_INT(got.edges[1].bytes, 18);
	CHECK_EQ_INT(attr_int(&got.edges[1], "size"), -1);     /* a handed-over message: not known */
	CHECK_EQ_INT(got.edges[2].src.pid, 100);
	CHECK_EQ_INT(got.edges[3].src.pid, 103);
	CHECK_EQ_INT(attr_int(&got.edges[3], "size"), 5);
	/* the slot without its names handed nothing over: type 7 is unknown */
	rcv(64, 200, 5, 7, 7, "seven");
	CHECK_EQ_INT(got.n, 4);         /* held for its send's record */
}

static void handover_send_in_flight_fails(void)
{
	const long types[] = { 3 };
	const __u32 owners[] = { 100 };
	const unsigned pend[] = { 2 };
	const bool sending[] = { true };
	const bool info[] = { true };

	setup();
	get(10, 100, 0, 6);
	handover(50, 6, 1, types, owners, pend, sending, info);
	done(55, 100, 6, 0, -EINTR);    /* the in-flight one (entry 0, as handed over) */
	rcv(60, 200, 6, 3, 3, "x");
	CHECK_EQ_INT(got.n, 1);
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	rcv(61, 200, 6, 3, 3, "y");     /* none left: held */
	CHECK_EQ_INT(got.n, 1);
}

static void kernel_counts_become_edges(void)
{
	struct msg_agg_key k[2] = {
		{ .ns = NS, .id = 9, .qkey = 0, .src_tgid = 100, .src_start_ns = 5, .dst_tgid = 101,
		  .dst_start_ns = 6 },
		{ .ns = NS, .id = 9, .qkey = 1234, .src_tgid = 101, .dst_tgid = 100 },
	};
	struct msg_agg_val v[2] = {
		{ .count = 3, .bytes = 30, .first_ns = 10, .last_ns = 20, .src_tid = 100,
		  .dst_tid = 102, .src_comm = "pinger", .dst_comm = "ponger" },
		{ .count = 0 },
	};

	setup();
	msg_model_aggregated(&corr, k, v, 2);
	CHECK_EQ_INT(got.n, 1);         /* an entry with no count stands for no edge */
	CHECK_EQ_INT(got.edges[0].src.pid, 100);
	CHECK_EQ_INT(got.edges[0].dst.tid, 102);
	CHECK_EQ_STR(got.edges[0].dst.comm, "ponger");
	CHECK_EQ_INT(got.edges[0].src.start_ns, 5);
	CHECK_EQ_STR(got.edges[0].object, "msq key=IPC_PRIVATE id=9");
	CHECK_EQ_INT(got.edges[0].count, 3);
	CHECK_EQ_INT(got.edges[0].bytes, 30);
	CHECK_EQ_INT(got.edges[0].last_ns, 20);
	CHECK(!got.edges[0].inferred, "exact");
}

RUN_TESTS(T(notes_a_to_b), T(ipc_private_object), T(receiver_returns_before_the_senders_exit),
	  T(mtype_selection_through_the_model), T(failed_calls_move_nothing),
	  T(msg_noerror_truncation_is_reported), T(racing_senders_told_apart_by_content),
	  T(identical_racing_messages_are_not_called_exact), T(queued_before_tracing),
	  T(unmatched_receive_is_held_then_given_up), T(late_send_record_pairs_a_held_receive),
	  T(filter_keeps_either_end), T(msg_copy_leaves_the_message),
	  T(full_queue_forgets_and_counts), T(removal_forgets_the_queue), T(record_without_payload),
	  T(malformed_records), T(handover_messages_pair_by_type),
	  T(handover_send_in_flight_fails), T(kernel_counts_become_edges))
