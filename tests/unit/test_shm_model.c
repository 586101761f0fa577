/* The shared memory model: attachments, fork/exec/exit, pre-existing segments, filter. */
#include <errno.h>
#include "sysv_fixture.h"

static void at(__u64 ts, __u32 pid, int id, __u64 size, const char *name, bool sel)
{
	struct rec_shm_at r;

	make_header(&r.hdr, REC_SHM_AT, sizeof(r), ts, pid, pid, pid == 300 ? "daemon" : "proc");
	r.tag = tag(sel);
	r.shmid = id;
	r.ret = 0x7f0000000000;
	r.size = size;
	r.seg_id = id;
	memcpy(r.name, name, strnlen(name, sizeof(r.name)));
	feed(&r, sizeof(r));
}

static void dt(__u64 ts, __u32 pid, int id, bool sel)
{
	struct rec_shm_dt r;

	make_header(&r.hdr, REC_SHM_DT, sizeof(r), ts, pid, pid, "proc");
	r.tag = tag(sel);
	r.addr = 0x7f0000000000;
	r.seg_id = id;
	r.ret = 0;
	feed(&r, sizeof(r));
}

static void fork_rec(__u64 ts, __u32 parent, __u32 child)
{
	struct rec_proc_fork r;

	make_header(&r.hdr, REC_PROC_FORK, sizeof(r), ts, parent, parent, "proc");
	r.child_tgid = child;
	r.child_tid = child;
	strcpy(r.child_comm, "proc");
	feed(&r, sizeof(r));
}

static void exit_rec(__u64 ts, __u32 pid)
{
	struct rec_proc_exit r;

	make_header(&r.hdr, REC_PROC_EXIT, sizeof(r), ts, pid, pid, "proc");
	r.group_dead = 1;
	feed(&r, sizeof(r));
}

static void exec_rec(__u64 ts, __u32 pid)
{
	struct rec_proc_exec r;

	make_header(&r.hdr, REC_PROC_EXEC, sizeof(r), ts, pid, pid, "newprog");
	r.old_tid = pid;
	feed(&r, sizeof(r));
}

static void rmid(__u64 ts, __u32 pid, int id)
{
	struct rec_sysv_ctl r;

	make_header(&r.hdr, REC_SHM_CTL, sizeof(r), ts, pid, pid, "proc");
	r.tag = tag(true);
	r.id = id;
	r.cmd = 0;
	feed(&r, sizeof(r));
}

static void notes_writer_and_reader(void)
{
	const struct edge *e;

	setup();
	at(10, 100, 5, 4096, "SYSV000004d2", true);         /* W */
	fork_rec(20, 100, 101);                              /* C inherits */
	exit_rec(30, 101);
	at(40, 102, 5, 4096, "SYSV000004d2", true);         /* R */
	dt(50, 102, 5, true);
	dt(60, 100, 5, true);
	rmid(70, 99, 5);
	CHECK_EQ_INT(count_op("attach"), 3);
	CHECK_EQ_INT(count_op("shares"), 2);
	CHECK_EQ_INT(count_op("detach"), 3);
	CHECK_EQ_INT(count_op("rmid"), 1);
	CHECK_EQ_INT(got.n, 9);
	e = edge_op("attach", 0);
	CHECK_EQ_STR(e->object, "shm key=0x000004d2 id=5");
	CHECK_EQ_INT(attr_int(e, "size"), 4096);
	CHECK_EQ_INT(attr_int(e, "nattach"), 1);
	CHECK_EQ_STR(attr_str(e, "attached"), "100");
	e = edge_op("attach", 1);
	CHECK_EQ_INT(e->src.pid, 101);
	CHECK_EQ_STR(attr_str(e, "via"), "fork");
	CHECK_EQ_STR(attr_str(e, "attached"), "100,101");
	e = edge_op("shares", 0);
	CHECK(e->src.pid == 101 && e->dst.pid == 100, "C shares with W");
	CHECK(attr_bool(e, "undirected"), "undirected");
	e = edge_op("detach", 0);
	CHECK(e->src.pid == 101 && !strcmp(attr_str(e, "reason"), "exit"), "C's exit detaches");
	e = edge_op("attach", 2);
	CHECK_EQ_STR(attr_str(e, "attached"), "100,102");    /* C is gone */
	e = edge_op("shares", 1);
	CHECK(e->src.pid == 102 && e->dst.pid == 100, "R shares with W, not with C");
	e = edge_op("detach", 2);
	CHECK_EQ_INT(attr_int(e, "nattach"), 0);
	e = edge_op("rmid", 0);
	CHECK_EQ_INT(attr_int(e, "nattach"), 0);
}

static void exec_drops_and_double_attach_counts(void)
{
	setup();
	at(10, 100, 5, 4096, "SYSV00000000", true);
	at(11, 100, 5, 4096, "SYSV00000000", true);         /* attached twice */
	dt(12, 100, 5, true);                               /* still attached once */
	at(20, 200, 5, 4096, "SYSV00000000", true);
	CHECK_EQ_STR(attr_str(edge_op("attach", 2), "attached"), "100,200");
	CHECK_EQ_STR(edge_op("attach", 0)->object, "shm key=IPC_PRIVATE id=5");
	exec_rec(30, 100);
	CHECK_EQ_STR(attr_str(edge_op("detach", 1), "reason"), "exec");
	at(40, 300, 5, 4096, "SYSV00000000", true);
	CHECK_EQ_STR(attr_str(edge_op("attach", 3), "attached"), "200,300");
	CHECK_EQ_INT(count_op("shares"), 2);        /* 200 with 100, then 300 with 200 only */
	CHECK(edge_op("shares", 1)->src.pid == 300 && edge_op("shares", 1)->dst.pid == 200,
	      "not with the process that exec'd");
}

static void removed_segment_lives_until_the_last_detach(void)
{
	setup();
	at(10, 100, 5, 4096, "SYSV000004d2", true);
	rmid(20, 100, 5);
	CHECK_EQ_INT(attr_int(edge_op("rmid", 0), "nattach"), 1);
	at(30, 101, 5, 4096, "SYSV000004d2", true);         /* still attachable by id */
	CHECK_EQ_INT(count_op("shares"), 1);
	dt(40, 100, 5, true);
	dt(50, 101, 5, true);
	CHECK(strstr(edge_op("detach", 1)->detail, "destroyed") != NULL, "destroyed at the last detach");
}

static void attached_before_tracing(void)
{
	/* a daemon (pid 300) attached segment 7 (key 1234) before ipcsnoop started */
	fixture_file("sysvipc/shm", "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
		     "      1234          7   666                  8192   300   300      1     0     0     0     0 1700000000          0 1700000000                 8192                    0\n");
	fixture_file("300/maps", "7f0000000000-7f0000002000 rw-s 00000000 00:01 7                          /SYSV000004d2 (deleted)\n");
	fixture_file("300/comm", "daemon\n");
	fixture_ns_link("300");
	setup();
	at(10, 100, 7, 0, "", true);
	CHECK_EQ_INT(count_op("attach"), 1);
	CHECK_EQ_STR(edge_op("attach", 0)->object, "shm key=0x000004d2 id=7");
	CHECK_EQ_INT(attr_int(edge_op("attach", 0), "size"), 8192);
	CHECK_EQ_STR(attr_str(edge_op("attach", 0), "attached"), "300,100");
	CHECK_EQ_INT(count_op("shares"), 1);
	CHECK(edge_op("shares", 0)->dst.pid == 300 && !strcmp(edge_op("shares", 0)->dst.comm, "daemon"),
	      "shares with the daemon");

	/* with a filter that selects only the daemon: the shares edge is kept, the
	 * attach event of the unselected attacher is not */
	{
		static const __u32 pids[] = { 300 };

		setup();
		corr.filter = (struct corr_filter){ .active = true, .npids = 1, .pids = pids };
		at(10, 100, 7, 0, "", false);
		CHECK_EQ_INT(got.n, 1);
		CHECK_EQ_STR(attr_str(&got.edges[0], "op"), "shares");
	}
	{
		static const __u32 pids[] = { 100 };

		/* the daemon is not selected: its exit would not reach us, so its
		 * attachment is checked in /proc before it is named */
		setup();
		corr.filter = (struct corr_filter){ .active = true, .npids = 1, .pids = pids };
		at(10, 100, 7, 0, "", true);
		CHECK_EQ_INT(count_op("shares"), 1);
		fixture_file("300/maps", "");       /* the daemon has gone */
		at(20, 101, 7, 0, "", false);
		CHECK_EQ_INT(count_op("shares"), 2);
		CHECK(edge_op("shares", 1)->src.pid == 101 && edge_op("shares", 1)->dst.pid == 100,
		      "with 100 only");
		CHECK_EQ_INT(count_op("attach"), 1);        /* 101 is not selected */
		corr.filter = (struct corr_filter){};
	}
	fixture_new();
}

static void fork_of_an_unselected_process(void)
{
	struct rec_shm_task t;

	setup();
	at(10, 100, 5, 4096, "SYSV000004d2", false);
	make_header(&t.hdr, REC_SHM_TASK, sizeof(t), 20, 100, 100, "proc");
	t.tag = tag(false);
	t.event = SYSV_TASK_FORK;
	t.child_tgid = 101;
	strcpy(t.child_comm, "proc");
	feed(&t, sizeof(t));
	/* no filter: the child is selected, its inherited attachment is an event */
	CHECK_EQ_STR(attr_str(edge_op("attach", 0), "via"), "fork");
	CHECK_EQ_STR(attr_str(edge_op("attach", 0), "attached"), "100,101");
	at(30, 102, 5, 4096, "SYSV000004d2", true);
	CHECK_EQ_STR(attr_str(edge_op("attach", 1), "attached"), "100,101,102");
	CHECK_EQ_INT(count_op("shares"), 3);
	t.hdr.ts_ns = 40;
	t.event = SYSV_TASK_EXIT;
	feed(&t, sizeof(t));
	at(50, 103, 5, 4096, "SYSV000004d2", true);
	CHECK_EQ_STR(attr_str(edge_op("attach", 2), "attached"), "101,102,103");
}

static void failed_attach_and_detach_change_nothing(void)
{
	struct rec_shm_at r;

	setup();
	make_header(&r.hdr, REC_SHM_AT, sizeof(r), 10, 100, 100, "proc");
	r.tag = tag(true);
	r.shmid = 5;
	r.ret = -EACCES;
	r.seg_id = -1;
	feed(&r, sizeof(r));
	CHECK_EQ_INT(got.n, 0);
	{
		struct rec_shm_dt d;

		make_header(&d.hdr, REC_SHM_DT, sizeof(d), 20, 100, 100, "proc");
		d.tag = tag(true);
		d.seg_id = -1;
		d.ret = -EINVAL;
		feed(&d, sizeof(d));
	}
	CHECK_EQ_INT(got.n, 0);
}

RUN_TESTS(T(notes_writer_and_reader), T(exec_drops_and_double_attach_counts),
	  T(removed_segment_lives_until_the_last_detach), T(attached_before_tracing),
	  T(fork_of_an_unselected_process), T(failed_attach_and_detach_change_nothing))
