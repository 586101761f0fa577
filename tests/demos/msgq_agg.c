/*
 * SysV message queue workloads for the -s tests (tests/e2e/test_msg_summary.sh):
 * which queues are counted in the kernel and which go back to streaming.
 * Every queue is IPC_PRIVATE unless said; lockstep through a unix socketpair.
 *   pingpong N    parent -> child type 1, 8 bytes; child -> parent type 2, 8 bytes; N rounds
 *   alt           writer1 and writer2 take turns with type 1 (5 and 6 bytes, 3 each),
 *                 the parent receives each before the next is sent
 *   mixed         writer1 (5 bytes) and writer2 (6 bytes) both type 1 in the queue at once
 *   exitfirst     the child sends 12 bytes and exits before the parent receives
 *   copy          parent sends 7 bytes, peeks at it (MSG_COPY), receives it
 *                 (prints "copy unsupported" without CONFIG_CHECKPOINT_RESTORE)
 *   othermade     a child renamed "other" makes the queue; the parent sends it 4 bytes
 *   keymake KEY   (before tracing) msgget(KEY, IPC_CREAT|IPC_EXCL), 9 bytes queued
 *   keyuse KEY    msgget(KEY, IPC_CREAT), receive the 9 bytes, send and receive 4, IPC_RMID
 *   many N        N queues, each: send 5, receive 5, IPC_RMID (same process)
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "demo.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct mbuf {
	long mtype;
	char mtext[32];
};

static int mkq(void)
{
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (q < 0)
		die("msgget");
	return q;
}

static void snd(int q, long type, const char *text, size_t len)
{
	struct mbuf m = { .mtype = type };

	memcpy(m.mtext, text, len);
	while (msgsnd(q, &m, len, 0))
		if (errno != EINTR)
			die("msgsnd");
}

static void rcv(int q, long type, size_t len, int flags)
{
	struct mbuf m;
	ssize_t n;

	do
		n = msgrcv(q, &m, sizeof(m.mtext), type, flags);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		fprintf(stderr, "demo: msgrcv: got %zd, want %zu: %s\n", n, len, strerror(errno));
		exit(2);
	}
}

static pid_t spawn(const char *role)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid > 0)
		announce(role, pid);
	return pid;
}

static void reap(void)
{
	int st;

	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			exit(2);
}

static void pingpong(int n)
{
	int q = mkq();

	if (spawn("child") == 0) {
		for (int i = 0; i < n; i++) {
			rcv(q, 1, 8, 0);
			snd(q, 2, "pong-pon", 8);
		}
		_exit(0);
	}
	for (int i = 0; i < n; i++) {
		snd(q, 1, "ping-pin", 8);
		rcv(q, 2, 8, 0);
	}
	reap();
	msgctl(q, IPC_RMID, NULL);
}

/* alt: each message received before the other writer sends; mixed: both queued */
static void two_writers(int mixed)
{
	int q = mkq();
	int s1[2], s2[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s1) || socketpair(AF_UNIX, SOCK_STREAM, 0, s2))
		die("socketpair");
	if (spawn("writer1") == 0) {
		for (int i = 0; i < (mixed ? 1 : 3); i++) {
			wait_byte(s1[1]);
			snd(q, 1, "one-1", 5);
			send_byte(s1[1]);
		}
		_exit(0);
	}
	if (spawn("writer2") == 0) {
		for (int i = 0; i < (mixed ? 1 : 3); i++) {
			wait_byte(s2[1]);
			snd(q, 1, "two-22", 6);
			send_byte(s2[1]);
		}
		_exit(0);
	}
	for (int i = 0; i < (mixed ? 1 : 3); i++) {
		send_byte(s1[0]);
		wait_byte(s1[0]);
		if (!mixed)
			rcv(q, 1, 5, 0);
		send_byte(s2[0]);
		wait_byte(s2[0]);
		if (!mixed)
			rcv(q, 1, 6, 0);
	}
	if (mixed) {
		rcv(q, 1, 5, 0);
		rcv(q, 0, 6, 0);
	}
	reap();
	msgctl(q, IPC_RMID, NULL);
}

static void exitfirst(void)
{
	int q = mkq();

	if (spawn("child") == 0) {
		snd(q, 3, "from-a-child", 12);
		_exit(0);
	}
	reap();
	rcv(q, 3, 12, 0);
	msgctl(q, IPC_RMID, NULL);
}

static void copy(void)
{
	int q = mkq();
	struct mbuf m;

	snd(q, 4, "peekaboo", 7);
	if (msgrcv(q, &m, sizeof(m.mtext), 0, MSG_COPY | IPC_NOWAIT) < 0) {
		if (errno != ENOSYS && errno != EINVAL)
			die("msgrcv MSG_COPY");
		printf("copy unsupported\n");
	}
	rcv(q, 4, 7, 0);
	msgctl(q, IPC_RMID, NULL);
}

static void othermade(void)
{
	int p[2], s[2], q;

	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		die("pipe");
	if (spawn("other") == 0) {
		prctl(PR_SET_NAME, "other");
		q = mkq();
		if (write(p[1], &q, sizeof(q)) != sizeof(q))
			die("write");
		wait_byte(s[1]);        /* sent: a selected process used the queue first */
		rcv(q, 1, 4, 0);
		msgctl(q, IPC_RMID, NULL);
		_exit(0);
	}
	if (read(p[0], &q, sizeof(q)) != sizeof(q))
		die("read");
	snd(q, 1, "made", 4);
	send_byte(s[0]);
	reap();
}

static void keyed(key_t key, int make)
{
	int q = msgget(key, IPC_CREAT | (make ? IPC_EXCL : 0) | 0600);

	if (q < 0)
		die("msgget");
	if (make) {
		snd(q, 1, "before-tr", 9);
		return;
	}
	rcv(q, 1, 9, 0);
	snd(q, 1, "mine", 4);
	rcv(q, 1, 4, 0);
	msgctl(q, IPC_RMID, NULL);
}

static void many(int n)
{
	for (int i = 0; i < n; i++) {
		int q = mkq();

		snd(q, 1, "many!", 5);
		rcv(q, 1, 5, 0);
		msgctl(q, IPC_RMID, NULL);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pingpong";
	int n = argc > 2 ? atoi(argv[2]) : 100;

	announce("parent", getpid());
	if (!strcmp(mode, "pingpong"))
		pingpong(n);
	else if (!strcmp(mode, "alt") || !strcmp(mode, "mixed"))
		two_writers(mode[0] == 'm');
	else if (!strcmp(mode, "exitfirst"))
		exitfirst();
	else if (!strcmp(mode, "copy"))
		copy();
	else if (!strcmp(mode, "othermade"))
		othermade();
	else if (!strcmp(mode, "keymake") || !strcmp(mode, "keyuse"))
		keyed(argc > 2 ? (key_t)strtol(argv[2], NULL, 0) : 0x5eed, mode[3] == 'm');
	else if (!strcmp(mode, "many"))
		many(n);
	else
		return 2;
	return 0;
}
