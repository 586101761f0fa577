/*
 * The message queue example of the IPC notes: two unrelated processes find
 * the same queue by its key (1234). Process A sends one message of type 1
 * with IPC_NOWAIT; process B receives type 1 (blocking).
 *
 *   msgq_notes        run B, then A, as two separate programs (exec'd
 *                     siblings: neither is the other's parent), then remove
 *                     the queue. Announces "A pid" and "B pid".
 *   msgq_notes A|B    one side only
 *   msgq_notes clean  remove the queue of key 1234 if it exists
 *
 * Expected edge: A -> B over "msq key=0x000004d2 id=N", mtype 1, 21 bytes.
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include "demo.h"

#define KEY 1234
#define MSGSZ 128

struct msgbuf_notes {
	long mtype;
	char mtext[MSGSZ];
};

static int side_a(void)
{
	struct msgbuf_notes sbuf = { .mtype = 1 };
	int msqid = msgget((key_t)KEY, IPC_CREAT | 0666);

	if (msqid < 0)
		die("msgget");
	strcpy(sbuf.mtext, "Hello B, this is A.");
	if (msgsnd(msqid, &sbuf, strlen(sbuf.mtext) + 2, IPC_NOWAIT) < 0)
		die("msgsnd");
	printf("sent: %s\n", sbuf.mtext);
	return 0;
}

static int side_b(void)
{
	struct msgbuf_notes rbuf;
	int msqid = msgget((key_t)KEY, IPC_CREAT | 0666);
	ssize_t n;

	if (msqid < 0)
		die("msgget");
	do
		n = msgrcv(msqid, &rbuf, MSGSZ, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("msgrcv");
	printf("received %zd bytes: %s\n", n, rbuf.mtext);
	return 0;
}

static void clean(void)
{
	int msqid = msgget((key_t)KEY, 0);

	if (msqid >= 0 && msgctl(msqid, IPC_RMID, NULL) < 0)
		die("msgctl IPC_RMID");
}

static pid_t spawn(const char *self, const char *side)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl(self, self, side, (char *)NULL);
		die("exec");
	}
	return pid;
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t len;
	pid_t a, b;
	int sa, sb;

	if (argc > 1) {
		if (!strcmp(argv[1], "A"))
			return side_a();
		if (!strcmp(argv[1], "B"))
			return side_b();
		if (!strcmp(argv[1], "clean")) {
			clean();
			return 0;
		}
		fprintf(stderr, "usage: msgq_notes [A|B|clean]\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		die("readlink /proc/self/exe");
	self[len] = '\0';
	clean();                /* a queue left over by a crashed run */
	b = spawn(self, "B");
	announce("B", b);
	a = spawn(self, "A");
	announce("A", a);
	if (waitpid(a, &sa, 0) != a || waitpid(b, &sb, 0) != b)
		die("waitpid");
	clean();
	return WIFEXITED(sa) && !WEXITSTATUS(sa) && WIFEXITED(sb) && !WEXITSTATUS(sb) ? 0 : 1;
}
