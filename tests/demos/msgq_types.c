/*
 * A SysV message queue (IPC_PRIVATE) exercised the ways msgrcv chooses:
 * by type (msgtyp > 0), lowest type (msgtyp < 0), any type but one
 * (MSG_EXCEPT), oldest (0); calls that fail and move nothing (E2BIG, ENOMSG,
 * EAGAIN on a full queue); MSG_NOERROR truncation; and two senders racing
 * with messages of the same type. Announces R, S1, S2, S3, S4.
 *
 * Expected message edges (exactly):
 *   S1 -> R  mtype 1 "s1-one"           (msgtyp 1)
 *   S2 -> R  mtype 1 "s2-one"           (msgtyp -2: lowest type <= 2)
 *   S2 -> R  mtype 2 "s2-two"           (msgtyp 3 with MSG_EXCEPT)
 *   S1 -> R  mtype 3, 4 of 9 bytes      (MSG_NOERROR, truncated; after an E2BIG)
 *   R  -> R  mtype 9, 16 bytes          (the queue was full for the 2nd send)
 *   S3 -> R  50 x mtype 5 "S3-<i>"      (S3 and S4 send at the same time)
 *   S4 -> R  50 x mtype 5 "S4-<i>"
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <stdbool.h>
#include <sys/wait.h>
#include "demo.h"

#define RACE 50

struct mbuf {
	long mtype;
	char mtext[64];
};

static void snd(int q, long type, const char *text, int flags)
{
	struct mbuf m = { .mtype = type };

	strncpy(m.mtext, text, sizeof(m.mtext) - 1);
	if (msgsnd(q, &m, strlen(text) + 1, flags) < 0)
		die("msgsnd");
}

static ssize_t rcv(int q, struct mbuf *m, size_t sz, long typ, int flags)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	do
		n = msgrcv(q, m, sz, typ, flags);
	while (n < 0 && errno == EINTR);
	return n;
}

static void expect(const char *what, ssize_t n, const struct mbuf *m, long type, const char *text)
{
	if (n < 0 || m->mtype != type || strncmp(m->mtext, text, n)) {
		fprintf(stderr, "demo: %s: got %zd type %ld '%.*s'\n", what, n, m->mtype,
			(int)(n > 0 ? n : 0), m->mtext);
		exit(1);
	}
	printf("got %s: type %ld '%.*s'\n", what, m->mtype, (int)n, m->mtext);
}

static int gate[2] = { -1, -1 };

static pid_t child(const char *role, int q, bool gated, void (*fn)(int q, const char *role))
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;

		/* the start signal is the gate's EOF */
		if (gated) {
			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;
		}
		fn(q, role);
		_exit(0);
	}
	announce(role, pid);
	return pid;
}

static void s1(int q, const char *role)
{
	snd(q, 3, "s1-three", 0);
	snd(q, 1, "s1-one", 0);
}

static void s2(int q, const char *role)
{
	snd(q, 2, "s2-two", 0);
	snd(q, 1, "s2-one", 0);
}

static void racer(int q, const char *role)
{
	char text[32];

	for (int i = 0; i < RACE; i++) {
		snprintf(text, sizeof(text), "%s-%d", role, i);
		snd(q, 5, text, 0);
	}
}

static int queue = -1;
static pid_t owner;

/* A failed run (die() calls exit) still removes its queue; children do not. */
static void remove_queue(void)
{
	if (getpid() == owner && queue >= 0)
		msgctl(queue, IPC_RMID, NULL);
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child failed");
}

int main(void)
{
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600), got3 = 0, got4 = 0;
	struct msqid_ds ds;
	msglen_t qbytes;
	struct mbuf m;
	pid_t p3, p4;
	ssize_t n;

	if (q < 0)
		die("msgget");
	queue = q;
	owner = getpid();
	atexit(remove_queue);
	announce("R", getpid());
	/* queue order: 3:s1-three 1:s1-one 2:s2-two 1:s2-one */
	reap(child("S1", q, false, s1));
	reap(child("S2", q, false, s2));
	expect("msgtyp 1", rcv(q, &m, sizeof(m.mtext), 1, 0), &m, 1, "s1-one");
	expect("msgtyp -2", rcv(q, &m, sizeof(m.mtext), -2, 0), &m, 1, "s2-one");
	expect("msgtyp 3 MSG_EXCEPT", rcv(q, &m, sizeof(m.mtext), 3, MSG_EXCEPT), &m, 2, "s2-two");
	n = rcv(q, &m, 4, 0, IPC_NOWAIT);
	if (n >= 0 || errno != E2BIG)
		die("expected E2BIG");
	expect("MSG_NOERROR", rcv(q, &m, 4, 0, MSG_NOERROR), &m, 3, "s1-t");
	n = rcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT);
	if (n >= 0 || errno != ENOMSG)
		die("expected ENOMSG");

	/* a full queue: the second send fails with EAGAIN and moves nothing */
	if (msgctl(q, IPC_STAT, &ds) < 0)
		die("IPC_STAT");
	qbytes = ds.msg_qbytes;
	ds.msg_qbytes = 16;
	if (msgctl(q, IPC_SET, &ds) < 0)
		die("IPC_SET");
	snd(q, 9, "sixteen bytes..", IPC_NOWAIT);
	{
		struct mbuf full = { .mtype = 9, .mtext = "x" };

		if (msgsnd(q, &full, 2, IPC_NOWAIT) == 0 || errno != EAGAIN)
			die("expected EAGAIN");
	}
	expect("full queue", rcv(q, &m, sizeof(m.mtext), 9, 0), &m, 9, "sixteen bytes..");
	ds.msg_qbytes = qbytes;
	if (msgctl(q, IPC_SET, &ds) < 0)
		die("IPC_SET");

	/* two senders at once, same type: released together by closing the gate */
	if (pipe(gate))
		die("pipe");
	p3 = child("S3", q, true, racer);
	p4 = child("S4", q, true, racer);
	close(gate[0]);
	close(gate[1]);
	for (int i = 0; i < 2 * RACE; i++) {
		n = rcv(q, &m, sizeof(m.mtext), 5, 0);
		if (n < 0)
			die("msgrcv race");
		got3 += !strncmp(m.mtext, "S3-", 3);
		got4 += !strncmp(m.mtext, "S4-", 3);
	}
	reap(p3);
	reap(p4);
	printf("got %d from S3, %d from S4\n", got3, got4);
	if (msgctl(q, IPC_RMID, NULL) < 0)
		die("IPC_RMID");
	queue = -1;
	return got3 == RACE && got4 == RACE ? 0 : 1;
}
